"""Every foreign key is the first column of some index: deleting the row it points to
(a run, an operation, an assessment) and joining on it must not scan the whole table.
A foreign key may leave out its own index only where a composite index or unique
constraint begins with it (the tables an import fills do, to write fewer indexes)."""

from __future__ import annotations

from django.apps import apps
from django.db import models
from django.test import SimpleTestCase


def _leading_fields(meta) -> set[str]:
    """Fields that begin one of the model's composite indexes or unique constraints."""
    leading = set()
    for index in meta.indexes:
        if index.fields:
            leading.add(index.fields[0].lstrip("-"))
    for constraint in meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            leading.add(constraint.fields[0])
    for together in meta.unique_together:
        leading.add(together[0])
    return leading


class ForeignKeyIndexTests(SimpleTestCase):
    def test_every_foreign_key_begins_an_index(self):
        unindexed = []
        for model in apps.get_models():
            if not model.__module__.startswith("sitetrack.") or not model._meta.managed:
                continue
            leading = _leading_fields(model._meta)
            for field in model._meta.concrete_fields:
                if not isinstance(field, models.ForeignKey) or field.db_index or not field.db_constraint:
                    continue
                if field.name not in leading:
                    unindexed.append(f"{model._meta.label}.{field.name}")
        self.assertEqual(unindexed, [], "foreign keys no index begins with")
