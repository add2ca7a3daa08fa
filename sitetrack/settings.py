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
    "sitetrack.monthly",
    "sitetrack.returns",
    "sitetrack.web",
    "sitetrack.demo",
    "sitetrack.profiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "sitetrack.core.middleware.NulParameterMiddleware",
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
# Persistent connections (s4-speed). PostgreSQL keeps a connection DB_CONN_MAX_AGE seconds
# (60, from database_from_url), so a request does not pay the connection's setup. SQLite
# did connect per request: opening the file and the four PRAGMAs of init_command cost about
# 1.3 ms, more than a page's own queries; a server now keeps its SQLite connection as well
# (SQLITE_CONN_MAX_AGE seconds, default 60; 0 connects per request as before). On
# PostgreSQL a connection the server dropped is replaced at the next request, not failed.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = envint("SQLITE_CONN_MAX_AGE", 60)
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

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
        ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
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

# --- Security (accounts app) ---------------------------------------------------------------
# The default SECRET_KEY above is public. Outside debug mode the server refuses to start on
# it (sitetrack.wsgi, `check --deploy`: sitetrack.E001) unless this flag forces it.
DEMO_SECRET_KEY = "sitetrack-demo-only-insecure-key-change-me-in-production"
SITETRACK_ALLOW_DEMO_KEY = envbool("SITETRACK_ALLOW_DEMO_KEY", "0")
INSTALLED_APPS += ["sitetrack.accounts"]

# HTTPS. Behind a TLS-terminating proxy set SITETRACK_HTTPS=1: secure cookies, HSTS and the
# redirect to https all follow it; each can still be set on its own.
SITETRACK_HTTPS = envbool("SITETRACK_HTTPS", "0")
_https = "1" if SITETRACK_HTTPS else "0"
if envbool("SECURE_PROXY_SSL_HEADER", _https):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", _https)
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", _https)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", _https)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if SITETRACK_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", _https)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", _https)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # load balancers probe over plain http
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 12 * 3600)
X_FRAME_OPTIONS = "DENY"

# Login lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username
# the login page, the admin and the token API refuse it, right password or not, for
# AXES_COOLOFF_MINUTES. By username (not by address: offices share one NAT address).
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for the address too; we knowingly do not (a field office's staff share
# one address, and ten typos there would lock every one of them out).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

# API tokens (sitetrack.accounts): they expire, can be revoked on the tokens page, and by
# default end when their user logs out. The older single token per user
# (rest_framework.authtoken, the demo's) expires SITETRACK_TOKEN_DAYS after it was made.
SITETRACK_TOKEN_DAYS = envint("SITETRACK_TOKEN_DAYS", 90)
SITETRACK_TOKEN_MAX_DAYS = envint("SITETRACK_TOKEN_MAX_DAYS", 365)
SITETRACK_TOKENS_END_WITH_SESSION = envbool("SITETRACK_TOKENS_END_WITH_SESSION", "1")
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    "sitetrack.accounts.auth.ApiTokenAuthentication",
    "rest_framework.authentication.SessionAuthentication",
]
# Throttling of the views that name a scope (the token endpoints). The counts live in the
# "throttle" cache, shared by every web process of the machine: files in the data folder
# by default (gunicorn's workers all see them, on SQLite and PostgreSQL deployments
# alike). Web processes on several machines: SITETRACK_THROTTLE_CACHE_URL (redis://…; or
# a memcached host:port with SITETRACK_THROTTLE_CACHE_BACKEND naming its backend).
CACHES = globals().get("CACHES") or {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CACHES["throttle"] = (
    {
        "BACKEND": os.getenv("SITETRACK_THROTTLE_CACHE_BACKEND", "django.core.cache.backends.redis.RedisCache"),
        "LOCATION": os.environ["SITETRACK_THROTTLE_CACHE_URL"],
    }
    if os.getenv("SITETRACK_THROTTLE_CACHE_URL")
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        # One folder per parallel test worker (they clear it between tests); one for a server.
        "LOCATION": str(Path(DATA_DIR) / "cache" / f"throttle{os.getenv('PYTEST_XDIST_WORKER', '')}"),
    }
)
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = ["sitetrack.accounts.throttles.SharedScopedRateThrottle"]
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    "auth": os.getenv("SITETRACK_THROTTLE_AUTH", "10/minute"),
    "tokens": os.getenv("SITETRACK_THROTTLE_TOKENS", "60/minute"),
}

# Content-Security-Policy (django-csp): scripts only from our origin or with the page's
# nonce (no inline handlers), styles only from our origin (no <style> blocks, no style=""
# attributes: templates use static CSS), no plugins, no framing, forms post only to us.
# Map tiles come from the MAP_TILES_URL origin when one is set. The exceptions (API docs,
# the admin's and browsable API's inline styles, the weekly report's HTML document) are
# in sitetrack/accounts/middleware.py.
from urllib.parse import urlparse  # noqa: E402

from csp.constants import NONCE, NONE, SELF  # noqa: E402

MIDDLEWARE += ["csp.middleware.CSPMiddleware", "sitetrack.accounts.middleware.ApiDocsCspMiddleware"]
_tiles = urlparse(MAP_TILES_URL.replace("{s}", "a").replace("{z}", "0").replace("{x}", "0").replace("{y}", "0"))
_tile_origin = [f"{_tiles.scheme}://{_tiles.netloc}".replace("://a.", "://*.")] if _tiles.netloc else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:", *_tile_origin],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# A SQLite write that waited too long for the lock is a 503 with Retry-After, not a 500.
MIDDLEWARE += ["sitetrack.core.middleware.DatabaseBusyMiddleware"]

# Upload limits, checked on the request's declared size before anything reads the body.
MIDDLEWARE += ["sitetrack.accounts.middleware.UploadLimitMiddleware"]

# One name per choice set in the OpenAPI schema (the fuzz test reads it; `check --deploy`
# is clean of drf_spectacular warnings).
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    "SectorEnum": "sitetrack.core.sectors.Sector.choices",
    "RoundStatusEnum": "sitetrack.assessments.models.RoundStatus.choices",
    "AssessmentStatusEnum": "sitetrack.assessments.models.AssessmentStatus.choices",
    "SiteStatusEnum": "sitetrack.sites.models.SiteStatus.choices",
    "ImportStatusEnum": "sitetrack.intake.models.ImportStatus.choices",
    "ActivityStatusEnum": "sitetrack.response.models.ActivityStatus.choices",
    "ReferralStatusEnum": "sitetrack.response.models.ReferralStatus.choices",
}

# JSON bodies: a deeply nested one is a 400, not a RecursionError.
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = [
    "sitetrack.accounts.parsers.SafeJSONParser",
    "rest_framework.parsers.FormParser",
    "rest_framework.parsers.MultiPartParser",
]
