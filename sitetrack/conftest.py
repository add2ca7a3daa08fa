"""Test-wide settings: fast password hashing, quiet temporary file storage, and every test
starting in the default language.

The suite runs in random order (pytest-randomly; `-p no:randomly` for a fixed order,
`-p randomly --randomly-seed=N` to replay one), so nothing a test leaves behind may
decide how the next one behaves.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings as django_settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _fast_tests(settings, tmp_path_factory):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _reset_language():
    """Start and end every test in the default language.

    `LocaleMiddleware` activates the request's language for the thread and leaves it
    active after the response; a test that sends `Accept-Language: fr` would otherwise
    make the next test on the same worker read French messages from a service."""
    with default_language():
        yield


@contextmanager
def default_language() -> Iterator[None]:
    """The default language active inside, and again after (whatever the inside did)."""
    translation.activate(django_settings.LANGUAGE_CODE)
    try:
        yield
    finally:
        translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Start every test with an empty cache: DRF's throttles count requests there (the
    token endpoint refused a test with 429 after earlier tests on the worker had used up
    its rate), and cached figures (and catalogue indexes) must not leak from one test's
    data to the next."""
    from django.core.cache import caches

    from sitetrack.core.catalogue import catalogue_clear_cache

    for cache in caches.all():
        cache.clear()
    # The catalogue's indexes are kept per version in the process: a rolled-back test's
    # version may share its id (SQLite reuses them) with the next test's.
    catalogue_clear_cache()
    # Results kept per data version in the process (core.versions): a rolled-back test's
    # change may share its id and the next test's data its primary keys.
    from sitetrack.core import versions

    versions.local.clear()
    yield
