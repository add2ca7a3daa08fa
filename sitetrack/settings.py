"""SiteTrack settings, read from the environment.

Every value has a safe default for the demo (SQLite file in the project folder, DEBUG on
only when asked). Production sets DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS and DEBUG=0.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    return int(os.getenv(name, str(default)))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


# The SQLite settings of the embedded default, also used for a sqlite:///path DATABASE_URL.
SQLITE_OPTIONS = {
    # WAL lets the web process read while an import or a worker writes.
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;"
    ),
    "transaction_mode": "IMMEDIATE",
}


def database_from_url(url: str) -> dict:
    """A Django DATABASES entry from DATABASE_URL, parsed by dj-database-url:
    postgres://user:pass@host:port/name?sslmode=... (query options kept as OPTIONS) or
    sqlite:///relative/path, sqlite:////absolute/path (with the WAL options of the default)."""
    import dj_database_url

    try:
        config = dict(dj_database_url.parse(url, conn_max_age=envint("DB_CONN_MAX_AGE", 60)))
    except Exception as exc:  # dj-database-url raises ValueError or its own error for unknown schemes
        raise ValueError(
            f"DATABASE_URL: cannot read {url.split('@')[-1]!r} ({exc}); "
            "use postgres://user:password@host:5432/name or sqlite:///path/to/file.sqlite3"
        ) from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
        config["TEST"] = {"NAME": os.getenv("SQLITE_TEST_PATH") or None}
    else:
        config.setdefault("OPTIONS", {})
        config["TEST"] = {"NAME": os.getenv("DATABASE_TEST_NAME") or None}
    return config


SECRET_KEY = os.getenv("SECRET_KEY", "sitetrack-demo-only-insecure-key-change-me-in-production")
DEBUG = envbool("DEBUG", "0")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_ROOT = os.getenv("SITE_ROOT", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc served from the package, not a CDN
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "sitetrack.core",
    "sitetrack.geo",
    "sitetrack.sites",
    "sitetrack.assessments",
    "sitetrack.intake",
    "sitetrack.reports",
    "sitetrack.response",
    "sitetrack.web",
    "sitetrack.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "sitetrack.core.middleware.CurrentOperationMiddleware",
]

ROOT_URLCONF = "sitetrack.urls"
WSGI_APPLICATION = "sitetrack.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sitetrack.core.context_processors.operation",
            ],
        },
    }
]

DATA_DIR = Path(os.getenv("SITETRACK_DATA_DIR", str(BASE_DIR / "var")))

if os.getenv("DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.getenv("SQLITE_PATH", str(DATA_DIR / "sitetrack.sqlite3")),
            # WAL lets the web process read while an import or a worker writes.
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
            "TEST": {"NAME": os.getenv("SQLITE_TEST_PATH") or None},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "sitetrack" / "locale"]
TIME_ZONE = os.getenv("TIME_ZONE", "UTC")
USE_I18N = True
FORMAT_MODULE_PATH = ["sitetrack.formats"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Front-end libraries come from npm (package.json); `make install` runs npm ci.
STATICFILES_DIRS = [
    (prefix, path)
    for prefix, path in [
        ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
        ("vendor/leaflet.markercluster", BASE_DIR / "node_modules" / "leaflet.markercluster" / "dist"),
    ]
    if path.exists()
]
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "sitetrack.core.api.Pagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "sitetrack.core.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "sitetrack.core.api.FastJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SiteTrack API",
    "DESCRIPTION": "Displacement sites, admin areas, assessments and products.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # /api/docs/ and /api/redoc/ work offline: their scripts come from drf-spectacular-sidecar.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Background work (imports, batch PDFs, Kobo pulls). The database backend needs no extra
# service; a deployment can switch to another backend here without code changes.
TASKS = {
    "default": {
        "BACKEND": os.getenv("TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

EMAIL_BACKEND = os.getenv("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.getenv("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "0")
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "sitetrack@localhost")

# Map background tiles (e.g. an OSM tile server URL template). Empty: no tiles; the map
# still draws our own boundaries, so it works offline.
MAP_TILES_URL = os.getenv("MAP_TILES_URL", "")

KOBO_API_TOKEN = os.getenv("KOBO_API_TOKEN", "")
KOBO_SERVER = os.getenv("KOBO_SERVER", "")

# Uploads: refuse anything bigger before reading it (zip bombs are checked separately).
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
SITETRACK_MAX_UPLOAD_BYTES = envint("SITETRACK_MAX_UPLOAD_BYTES", 200 * 1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "WARNING")},
}

if not DEBUG:
    SESSION_COOKIE_HTTPONLY = True
    X_FRAME_OPTIONS = "DENY"
