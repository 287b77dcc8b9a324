"""Django settings for Yiwang.

Configuration comes from the environment with safe defaults for a demo; with ``DEBUG=0`` a missing
secret stops the start with a clear message. Any ``NAME`` may instead be given as ``NAME_FILE``
(a path whose contents are the value), for secrets mounted as files.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("YIWANG_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env(name: str, default: str | None = None) -> str | None:
    """Read ``name`` from the environment, or the file named by ``name_FILE``."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", True)

# Demo mode: demo accounts, generated keys and relaxed checks for a newcomer's `make run`. Every
# check that production needs and a demo may skip reads this one setting, never DEBUG.
# (For now it follows DEBUG; the security work makes it explicit.)
YIWANG_DEMO_MODE = env_bool("DEMO_MODE", DEBUG)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off; see docs/deployment.md."
        )
    SECRET_KEY = "demo-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = [h for h in (env("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver") or "").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in (env("CSRF_TRUSTED_ORIGINS", "") or "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "yiwang.core",
    "yiwang.crypto",
    "yiwang.ledger",
    "yiwang.catalog",
    "yiwang.exchange",
    "yiwang.intelligence",
    "yiwang.cases",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "yiwang.core.middleware.UploadSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "yiwang.urls"
WSGI_APPLICATION = "yiwang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "yiwang" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "yiwang.core.context_processors.staff_context",
            ],
        },
    },
]

# Database: SQLite file under var/ by default (WAL, writers serialised with BEGIN IMMEDIATE so
# that concurrent approvals conflict cleanly); PostgreSQL via DATABASE_URL (psycopg 3).
DATABASE_URL = env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'yiwang.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=int(env("CONN_MAX_AGE", "60") or 0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 10,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME")} if env("TEST_DATABASE_NAME") else {}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")) or VAR_DIR / "media")
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: one material file at most this many bytes; larger requests are refused before reading.
YIWANG_MAX_UPLOAD_BYTES = int(env("MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)) or 0)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A file above this size is streamed to a temporary file (FILE_UPLOAD_TEMP_DIR, the system's temp
# directory by default), never held in memory: point it at a disk where /tmp is a tmpfs.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = env("FILE_UPLOAD_TEMP_DIR") or None
# Dataset pushes (data sharing) have their own, larger limit (the API endpoint and the steward
# page only). A file above YIWANG_DATASET_SYNC_BYTES waits under MEDIA_ROOT/exchange/pushes/ and
# is loaded by the worker; smaller files are loaded within the request.
YIWANG_MAX_DATASET_BYTES = int(env("MAX_DATASET_BYTES", str(1024 * 1024 * 1024)) or 0)
YIWANG_DATASET_SYNC_BYTES = int(env("DATASET_SYNC_BYTES", str(5 * 1024 * 1024)) or 0)
# Worker processes that check, index and seal a queued dataset's rows (past its first 20,000):
# one per core by default; 0 for none. Pushes loaded within a request never start any.
YIWANG_INGEST_WORKERS = int(env("INGEST_WORKERS")) if env("INGEST_WORKERS") else None

# API bearer tokens live this long.
YIWANG_TOKEN_TTL_HOURS = int(env("TOKEN_TTL_HOURS", "12") or 12)

# Background work: django-tasks with its database backend; tests run tasks immediately.
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

# The county's administrative division code (GB/T 2260): citizen ID numbers beginning with it
# are local residents (本县户籍) for instant-approval rules. The demo county is fictitious.
YIWANG_DIVISION_CODE = env("DIVISION_CODE", "330999") or "330999"

# Queue OCR pre-review (材料预审) of every attached material file (run by the django-tasks worker).
YIWANG_PREREVIEW_ON_UPLOAD = env_bool("PREREVIEW_ON_UPLOAD", True)

# Notices (docs/notifications.md): every case event the applicant must know of becomes a 消息 in
# the site and a copy per channel below, sent after the commit by the worker, retried with backoff.
# Defaults reach no one outside: SMS lines go to var/notify/sms.log, email to var/mail/ files.
YIWANG_NOTIFY_CHANNELS = {
    "sms": {"BACKEND": env("NOTIFY_SMS_BACKEND", "yiwang.core.notify.FileChannel"),
            "OPTIONS": {"address_field": "phone"}},
    "email": {"BACKEND": "yiwang.core.notify.EmailChannel", "OPTIONS": {"address_field": "email"}},
}
YIWANG_NOTIFY_MAX_ATTEMPTS = int(env("NOTIFY_MAX_ATTEMPTS", "6") or 6)
YIWANG_NOTIFY_RETRY_BASE_SECONDS = int(env("NOTIFY_RETRY_BASE_SECONDS", "60") or 60)
YIWANG_NOTIFY_RETRY_MAX_SECONDS = int(env("NOTIFY_RETRY_MAX_SECONDS", "3600") or 3600)
YIWANG_NOTIFY_LEASE_SECONDS = int(env("NOTIFY_LEASE_SECONDS", "300") or 300)
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25") or 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "") or ""
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "noreply@yiwang.example") or "noreply@yiwang.example"
# Documents (receipts, decision letters): the TrueType CJK font embedded in the PDFs (Debian
# fonts-wqy-zenhei; `make system-deps` installs it) and the site's public address printed in the
# receipts' QR codes.
YIWANG_PDF_FONT = env("PDF_FONT", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
YIWANG_PUBLIC_BASE_URL = (env("PUBLIC_BASE_URL", "http://127.0.0.1:8000") or "").rstrip("/")
