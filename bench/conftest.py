"""The project's test settings (fast hashing, temporary media, immediate tasks) for bench/tests."""

from sitetrack.conftest import (
    _fast_tests,  # noqa: F401
    _reset_language,  # noqa: F401  (the default language around every test)
)
