"""Bulk statements on the real tables: multi-row INSERT and UPDATE by primary key, with
values prepared the way Django would (`prep`), for the saving phase of an import."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection

CHUNK = 2000


def columns(model, names: Iterable[str]) -> list[str]:
    """The database columns of the model's fields `names`."""
    return [model._meta.get_field(n).column for n in names]


def insert(model, names: list[str], rows: list[tuple]) -> None:
    """INSERT `rows` (values in the order of `names`), CHUNK rows per executemany."""
    if not rows:
        return
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in columns(model, names))
    marks = ", ".join(["%s"] * len(names))
    sql = f"INSERT INTO {qn(model._meta.db_table)} ({cols}) VALUES ({marks})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            cursor.executemany(sql, rows[start : start + CHUNK])


def update(model, names: list[str], rows: list[tuple]) -> None:
    """UPDATE by primary key; each row is (values of `names`..., pk)."""
    if not rows:
        return
    qn = connection.ops.quote_name
    sets = ", ".join(f"{qn(c)} = %s" for c in columns(model, names))
    sql = f"UPDATE {qn(model._meta.db_table)} SET {sets} WHERE {qn(model._meta.pk.column)} = %s"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def prep(model, name: str) -> Callable[[Any], Any]:
    """The field's own conversion of a Python value for this database."""
    field = model._meta.get_field(name)
    return lambda value: field.get_db_prep_save(value, connection)
