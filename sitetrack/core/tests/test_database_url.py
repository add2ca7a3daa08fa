"""DATABASE_URL is read by dj-database-url: PostgreSQL with its options, SQLite by path."""

import os
import subprocess
import sys

import pytest

from sitetrack.settings import SQLITE_OPTIONS, database_from_url


def test_it_reads_a_postgres_url_with_its_options():
    config = database_from_url("postgres://st:p%40ss@db.example.org:6432/sitetrack?sslmode=require")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("sitetrack", "st", "p@ss")
    assert (config["HOST"], str(config["PORT"])) == ("db.example.org", "6432")
    assert config["OPTIONS"]["sslmode"] == "require"
    assert config["CONN_MAX_AGE"] == 60
    assert "NAME" in config["TEST"]


def test_it_reads_a_sqlite_url_with_an_absolute_path(tmp_path):
    path = tmp_path / "ops.sqlite3"
    config = database_from_url(f"sqlite:///{path}")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(path)
    # The same WAL settings as the embedded default.
    assert config["OPTIONS"]["init_command"] == SQLITE_OPTIONS["init_command"]
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_it_says_which_urls_it_accepts_for_an_unknown_scheme():
    with pytest.raises(ValueError, match="sqlite:///"):
        database_from_url("oracle2://x@host/db")


def test_a_sqlite_database_url_runs_the_commands_without_a_traceback(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'new.sqlite3'}"}
    done = subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--check", "--plan"],
        env={**env, "DJANGO_SETTINGS_MODULE": "sitetrack.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert "Planned operations" in done.stdout


def _server_setting(env: dict, expression: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", f"from sitetrack import settings; print({expression})"],
        env={k: v for k, v in {**os.environ, **env}.items() if v is not None},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_sqlite_server_keeps_its_connection_between_requests(tmp_path):
    # Connecting (file + PRAGMAs) cost more than a page's queries: kept 60 s unless told.
    url = f"sqlite:///{tmp_path / 'ops.sqlite3'}"
    setting = "settings.DATABASES['default']['CONN_MAX_AGE']"
    assert _server_setting({"DATABASE_URL": url, "SQLITE_CONN_MAX_AGE": None}, setting) == "60"
    assert _server_setting({"DATABASE_URL": url, "SQLITE_CONN_MAX_AGE": "0"}, setting) == "0"


def test_a_postgresql_server_checks_a_kept_connection_before_using_it():
    url = "postgres://st:secret@db.example.org:5432/sitetrack"
    setting = (
        "(settings.DATABASES['default']['CONN_MAX_AGE'], settings.DATABASES['default']['CONN_HEALTH_CHECKS'])"
    )
    assert _server_setting({"DATABASE_URL": url}, setting) == "(60, True)"
