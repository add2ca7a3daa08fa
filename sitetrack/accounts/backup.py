"""Backups of the whole database, and restoring one.

SQLite: the online backup API copies the live file page by page while the server keeps
running (readers and writers are not stopped); a restore copies a backup back the same
way, then checks the result's integrity. PostgreSQL: pg_dump's custom format, and
pg_restore --clean --if-exists (the dump of a running database is consistent: one
snapshot). Both refuse to write over an existing file or database without being told.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections
from django.utils.translation import gettext as _


class BackupError(Exception):
    pass


def _vendor(alias: str) -> str:
    return connections[alias].vendor


def backup(path: Path, *, alias: str = "default") -> Path:
    if _vendor(alias) == "sqlite":
        return _sqlite_backup(path, alias)
    if _vendor(alias) == "postgresql":
        return _pg_backup(path, alias)
    raise BackupError(_("No backup for the %(vendor)s database backend.") % {"vendor": _vendor(alias)})


def restore(path: Path, *, alias: str = "default") -> None:
    if not path.is_file():
        raise BackupError(_("%(path)s: no such backup file.") % {"path": path})
    if _vendor(alias) == "sqlite":
        _sqlite_restore(path, alias)
    elif _vendor(alias) == "postgresql":
        _pg_restore(path, alias)
    else:
        raise BackupError(_("No restore for the %(vendor)s database backend.") % {"vendor": _vendor(alias)})
    connections[alias].close()


# --- SQLite -------------------------------------------------------------------------------------


def _raw(alias: str) -> sqlite3.Connection:
    connection = connections[alias]
    connection.ensure_connection()
    return connection.connection


def _sqlite_backup(path: Path, alias: str) -> Path:
    partial = path.with_name(path.name + ".partial")
    target = sqlite3.connect(partial)
    try:
        _raw(alias).backup(target, pages=1024)
        problems = target.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        target.close()
    if problems != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(_("The backup failed its integrity check: %(problems)s") % {"problems": problems})
    partial.replace(path)  # a half-written backup never carries the final name
    return path


def _sqlite_restore(path: Path, alias: str) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        problems = source.execute("PRAGMA integrity_check").fetchone()[0]
        if problems != "ok":
            raise BackupError(
                _("%(path)s is damaged (integrity check: %(problems)s); nothing was restored.")
                % {"path": path, "problems": problems}
            )
        source.backup(_raw(alias), pages=1024)
    except sqlite3.DatabaseError as error:
        raise BackupError(
            _("%(path)s is not a SQLite backup (%(error)s); nothing was restored.")
            % {"path": path, "error": error}
        ) from error
    finally:
        source.close()


# --- PostgreSQL ---------------------------------------------------------------------------------


def _pg_env(alias: str) -> tuple[dict[str, str], list[str], str]:
    settings = connections[alias].settings_dict
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            args += [flag, str(settings[key])]
    return env, args, settings["NAME"]


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            _("%(tool)s is not installed (apt-get install postgresql-client).") % {"tool": command[0]}
        )
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(
            _("%(tool)s failed: %(error)s") % {"tool": command[0], "error": result.stderr.strip()[-2000:]}
        )


def _pg_backup(path: Path, alias: str) -> Path:
    env, args, name = _pg_env(alias)
    partial = path.with_name(path.name + ".partial")
    _run(["pg_dump", *args, "--format=custom", "--no-owner", "--file", str(partial), name], env)
    partial.replace(path)
    return path


def _pg_restore(path: Path, alias: str) -> None:
    env, args, name = _pg_env(alias)
    connections[alias].close()
    _run(
        [
            "pg_restore",
            *args,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--dbname",
            name,
            str(path),
        ],
        env,
    )
