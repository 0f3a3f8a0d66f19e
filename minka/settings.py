"""Minka settings: one module, read from the environment.

Two modes. *Embedded* (the default) runs on SQLite in the data folder with a secret key generated and
kept there, so `minka demo` needs nothing but Python. *Production* (`MINKA_ENV=production`) refuses to
start without `MINKA_SECRET_KEY` or with `MINKA_DEBUG` on, and turns on every `check --deploy` setting.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or default


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("MINKA_DATA_DIR") or Path.cwd() / "var").resolve()
PRODUCTION = os.environ.get("MINKA_ENV", "embedded").strip().lower() == "production"

DEBUG = env_bool("MINKA_DEBUG")


def embedded_key(name: str) -> str:
    """A key kept in the data folder, made on first use so it survives restarts."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / name
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(64))
    return key_file.read_text().strip()


SECRET_KEY = os.environ.get("MINKA_SECRET_KEY", "")
if PRODUCTION:
    if not SECRET_KEY:
        raise ImproperlyConfigured("MINKA_SECRET_KEY must be set when MINKA_ENV=production.")
    if DEBUG:
        raise ImproperlyConfigured("MINKA_DEBUG must be off when MINKA_ENV=production.")
elif not SECRET_KEY:
    SECRET_KEY = embedded_key("secret_key")

# Keys the hash of each DNI. Separate from the secret key, which may be rotated: this one never is, or
# the same person would no longer be recognised.
MINKA_DNI_KEY = os.environ.get("MINKA_DNI_KEY", "")
if PRODUCTION and not MINKA_DNI_KEY:
    raise ImproperlyConfigured("MINKA_DNI_KEY must be set when MINKA_ENV=production.")
MINKA_DNI_KEY = MINKA_DNI_KEY or embedded_key("dni_key")

ALLOWED_HOSTS = env_list("MINKA_ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "minka.core",
    "minka.accounts",
    "minka.audit",
    "minka.network",
    "minka.programs",
    "minka.people",
    "minka.activities",
    "minka.enterprises",
    "minka.results",
    "minka.credit",
    "minka.employment",
    "minka.iati",
    "minka.reports",
    "minka.stories",
    "minka.public",
    "minka.imports",
    "minka.fieldforms",
    "minka.submissions",
    "minka.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "minka.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "minka.urls"
WSGI_APPLICATION = "minka.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "minka.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("MINKA_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'minka.sqlite3'}",
        conn_max_age=0 if DEBUG else 60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets the web server read while the task worker writes; IMMEDIATE avoids lock upgrades failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Español")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Lima"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

EMAIL_BACKEND = os.environ.get("MINKA_EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("MINKA_FROM_EMAIL", "minka@localhost")

# Keeps the API token hash keyed by something that is not stored beside the hashes.
MINKA_TOKEN_PEPPER = SECRET_KEY
# Days an uploaded import file is kept once its import has ended (minka.imports.retention).
MINKA_IMPORT_FILES_DAYS = int(os.environ.get("MINKA_IMPORT_FILES_DAYS", "90"))

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("MINKA_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("MINKA_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = env_list("MINKA_CSRF_TRUSTED_ORIGINS", [])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MINKA_LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 50

# Where each age band of the indicators starts: under 15, 15–29 (youth, Ley 27802), 30–44, 45–64, 65 and over.
AGE_BAND_STARTS = [int(age) for age in env_list("MINKA_AGE_BANDS", ["0", "15", "30", "45", "65"])]

# How many rows one list download (CSV or XLSX) may hold: network admins and staff, and the other roles.
MINKA_EXPORT_ROW_LIMITS = {
    "staff": int(os.environ.get("MINKA_EXPORT_ROWS_STAFF", "1000000")),
    "other": int(os.environ.get("MINKA_EXPORT_ROWS_OTHER", "100000")),
}
