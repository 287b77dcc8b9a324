"""Django settings for Yiwang.

Configuration comes from the environment. Demo mode (``DEMO_MODE=1``, set by ``make run`` and the
tests) runs with none of it; with demo mode off a missing or weak secret stops the start with a
clear message (docs/deployment.md). Any ``NAME`` may instead be given as ``NAME_FILE``
(a path whose contents are the value), for secrets mounted as files.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any, overload

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("YIWANG_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


@overload
def env(name: str, default: str) -> str: ...
@overload
def env(name: str, default: None = None) -> str | None: ...
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


# --- Hardening: demo mode, secrets and what a production start refuses ------------------------
# DEBUG only shows tracebacks and serves static files; it is off unless asked for. Demo mode (demo
# accounts, generated keys, the public demo secret, relaxed checks) is a separate, explicit choice:
# `make run` and the test suite set DEMO_MODE=1; nothing else turns it on. Every check that
# production needs and a demo may skip reads YIWANG_DEMO_MODE, never DEBUG.
DEBUG = env_bool("DEBUG", False)
YIWANG_DEMO_MODE = env_bool("DEMO_MODE", False)

DEMO_SECRET_KEY = "demo-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env("SECRET_KEY") or (DEMO_SECRET_KEY if YIWANG_DEMO_MODE else "")

# 国密 keys (see docs/crypto.md; yiwang.crypto.keys reads these settings). In demo mode, missing
# ones are generated under var/keys/ on first use; otherwise the start is refused below.
YIWANG_SM4_KEYS = env("YIWANG_SM4_KEYS")
YIWANG_BLIND_INDEX_KEY = env("YIWANG_BLIND_INDEX_KEY")
YIWANG_SM2_SIGNING_KEY = env("YIWANG_SM2_SIGNING_KEY")
YIWANG_SM2_TRUSTED_KEYS = env("YIWANG_SM2_TRUSTED_KEYS")

_DEMO_HOSTS = "127.0.0.1,localhost,testserver"
ALLOWED_HOSTS = [h.strip() for h in (env("ALLOWED_HOSTS", _DEMO_HOSTS if YIWANG_DEMO_MODE else "") or "").split(",")
                 if h.strip()]
CSRF_TRUSTED_ORIGINS = [o for o in (env("CSRF_TRUSTED_ORIGINS", "") or "").split(",") if o]


def weak_secret_key(value: str) -> str | None:
    """Why ``value`` is not a production SECRET_KEY, or None. (Django's own deploy check asks for
    50 characters and 5 distinct ones; a key with fewer than 10 distinct characters in 50 is not
    random either.)"""
    if value == DEMO_SECRET_KEY or value.startswith("django-insecure-"):
        return "it is the public demo key"
    if len(value) < 50:
        return f"it has {len(value)} characters; at least 50 random characters are needed"
    if len(set(value)) < 10:
        return "it is not random (fewer than 10 distinct characters)"
    return None


def production_problems() -> list[str]:
    """What a start with demo mode off lacks; each names its variable."""
    problems = []
    if not SECRET_KEY:
        problems.append("SECRET_KEY (or SECRET_KEY_FILE) is not set")
    elif (why := weak_secret_key(SECRET_KEY)) is not None:
        problems.append(f"SECRET_KEY is too weak: {why}")
    for name in ("YIWANG_SM4_KEYS", "YIWANG_BLIND_INDEX_KEY", "YIWANG_SM2_SIGNING_KEY"):
        if not (globals()[name] or "").strip():
            problems.append(f"{name} (or {name}_FILE) is not set")
    if not (env("DIVISION_CODE") or "").strip():
        problems.append("DIVISION_CODE (the county's GB/T 2260 code) is not set")
    if not ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS (the public host names) is not set")
    return problems


if not YIWANG_DEMO_MODE and (_problems := production_problems()):
    raise ImproperlyConfigured(
        "Yiwang will not start in production mode (DEMO_MODE is off): " + "; ".join(_problems)
        + ". See docs/deployment.md (Configuration); for a local demo set DEMO_MODE=1."
    )
# --- end of the hardening block ---------------------------------------------------------------

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
    "yiwang.credit",
    "yiwang.intelligence",
    "yiwang.identity",
    "yiwang.licenses",
    "yiwang.cases",
    "yiwang.appeals",
    "yiwang.evaluation",
    "yiwang.insights",
    "yiwang.programme",
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
    # The site's own 404 page, also with DEBUG (make run's demo) instead of Django's technical page.
    "yiwang.core.middleware.SiteNotFoundMiddleware",
    # Hardening: refuses a dataset push by anyone but the resource's steward before its body is read.
    "yiwang.exchange.middleware.DatasetPushGuardMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Hardening: the Content-Security-Policy header (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
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
                "yiwang.core.context_processors.care_context",
            ],
        },
    },
]

# Database: SQLite file under var/ by default (WAL, writers serialised with BEGIN IMMEDIATE so
# that concurrent approvals conflict cleanly); PostgreSQL via DATABASE_URL (psycopg 3).
DATABASE_URL = env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'yiwang.sqlite3'}"


def _database(url: str, *, conn_max_age: int | None) -> dict[str, Any]:
    """One ``DATABASES`` entry from a URL, as the plain dict Django reads and the tests extend (a
    mirror ``replica`` entry): dj-database-url's ``DBConfig`` type names only the keys it sets."""
    return dict(dj_database_url.parse(url, conn_max_age=conn_max_age))


DATABASES: dict[str, dict[str, Any]] = {
    "default": _database(DATABASE_URL, conn_max_age=int(env("CONN_MAX_AGE", "60") or 0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 10,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME")} if env("TEST_DATABASE_NAME") else {}
# A streaming replica for the read-only pages that tolerate data a moment old (the command board,
# KPI dashboards, the public catalogue: yiwang/core/replica.py names them and why). Unset: one
# database for everything. Tests run the replica alias as a mirror of the test database.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", "") or ""
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = _database(DATABASE_REPLICA_URL, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"])
    if DATABASES["replica"]["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must name the same kind of database as DATABASE_URL "
                                   "(a streaming replica of it).")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["yiwang.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# AUTH_PASSWORD_VALIDATORS: see the Authentication block at the end.
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
    # FileSystemStorage that answers a full disk with 507 storage_full and leaves no partial file
    "default": {"BACKEND": "yiwang.core.storage.GuardedFileSystemStorage"},
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
YIWANG_INGEST_WORKERS = int(workers) if (workers := env("INGEST_WORKERS")) else None

# API bearer tokens live this long.
YIWANG_TOKEN_TTL_HOURS = int(env("TOKEN_TTL_HOURS", "12") or 12)

# Background work: django-tasks with its database backend; tests run tasks immediately.
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Hardening: transport and browser security (each on in production, off in demo mode) -----
# `python manage.py check --deploy` passes clean with these and a production environment
# (yiwang/core/tests/test_production_settings.py runs it). Documented in docs/deployment.md.
# Django's database sessions, refusing a cookie's key Django could not have made (yiwang/core/sessions.py)
SESSION_ENGINE = "yiwang.core.sessions"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the CSRF cookie to send X-CSRFToken
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not YIWANG_DEMO_MODE)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not YIWANG_DEMO_MODE)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not YIWANG_DEMO_MODE)
SECURE_HSTS_SECONDS = int(env("HSTS_SECONDS", "0" if YIWANG_DEMO_MODE else str(365 * 24 * 3600)) or 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", not YIWANG_DEMO_MODE)
# Behind a TLS-terminating proxy (nginx) that sets X-Forwarded-Proto and strips any the client
# sent: the request is secure when the proxy says so. Empty PROXY_SSL_HEADER: no proxy, trust none.
_proxy_header = env("PROXY_SSL_HEADER", "" if YIWANG_DEMO_MODE else "X-Forwarded-Proto") or ""
SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.strip().upper().replace("-", "_"), "https") if _proxy_header.strip() else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): only the site's own scripts, styles, images and fonts; no
# inline script or style attribute (templates keep scripts in static/js and styles in CSS),
# nothing framed, forms post only here. bpmn-js draws with inline SVG attributes (not style
# attributes), ECharts with canvas: both run under this policy.
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Audit records (core.AuditEvent) are kept at least this many days; the ORM refuses to delete
# younger ones (GB/T 22239-2019 level 3: at least 6 months). A value below 180 is refused.
YIWANG_AUDIT_RETENTION_DAYS = int(env("AUDIT_RETENTION_DAYS", "180") or 180)
if YIWANG_AUDIT_RETENTION_DAYS < 180:
    raise ImproperlyConfigured("AUDIT_RETENTION_DAYS must be at least 180 (6 months); see docs/security.md.")

# The technical 500 page (DEBUG) and error reports hide settings whose names match this: secrets,
# keys, tokens, passwords, and DATABASE_URL (it carries the database password).
DEFAULT_EXCEPTION_REPORTER_FILTER = "yiwang.core.reporting.SecretSettingsFilter"
# --- end of the hardening block ---------------------------------------------------------------

# LOGGING: see the Operations block at the end.

# The county's administrative division code (GB/T 2260): citizen ID numbers beginning with it
# are local residents (本县户籍) for instant-approval rules. The demo county is fictitious.
# (Required when demo mode is off: see production_problems above.)
YIWANG_DIVISION_CODE = env("DIVISION_CODE", "330999") or "330999"

# Queue OCR pre-review (材料预审) of every attached material file (run by the django-tasks worker).
YIWANG_PREREVIEW_ON_UPLOAD = env_bool("PREREVIEW_ON_UPLOAD", True)


# ---------------------------------------------------------------------------------------------------
# Authentication (等保三级): lockout, second factor, sessions, passwords, tokens, login history.
# Every setting below reads its environment variable; docs/security-authentication.md explains each.
# ---------------------------------------------------------------------------------------------------
from datetime import timedelta  # noqa: E402

INSTALLED_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp"]
# django-otp's middleware right after Django's (request.user.is_verified()); the account controls
# (session timeouts, the second-factor and password-expiry gates) after the messages middleware, so
# they can leave a message; django-axes last, as its documentation asks.
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                  "django_otp.middleware.OTPMiddleware")
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
                  "yiwang.core.middleware.AccountControlsMiddleware")
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
# A NUL character in what a person sends is a 400 before any view runs (yiwang.core.middleware): the
# innermost but axes, so that the refusal passes out through the language, CSP and frame headers.
MIDDLEWARE.insert(MIDDLEWARE.index("axes.middleware.AxesMiddleware"), "yiwang.core.middleware.NulCharacterMiddleware")
# django-axes first: it refuses a locked-out username+IP before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]

# Lockout (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one username from one IP
# address, that pair is refused for LOGIN_LOCKOUT_MINUTES (or until an administrator unlocks it:
# the admin's user list, action 解除所选用户的登录锁定, or `manage.py axes_reset_username <name>`).
# LOGIN_LOCKOUT_BY: "username+ip_address" (default), "username", or "ip_address"; several,
# comma-separated, lock on any of them.
AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5") or 5)
AXES_COOLOFF_TIME = timedelta(minutes=int(env("LOGIN_LOCKOUT_MINUTES", "30") or 30))
AXES_LOCKOUT_PARAMETERS = [
    part.split("+") if "+" in part else part
    for part in (env("LOGIN_LOCKOUT_BY", "username+ip_address") or "username+ip_address").replace(" ", "").split(",")
    if part
]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "yiwang.core.lockout.lockout_response"
AXES_VERBOSE = False

# Second factor (django-otp, TOTP): required of staff and administrators unless YIWANG_DEMO_MODE
# (then optional: asked only of those who enrolled). The issuer is what the authenticator app shows.
OTP_TOTP_ISSUER = env("OTP_ISSUER", "一网通办 Yiwang") or "一网通办 Yiwang"

# Sessions: staff (and administrators) are signed out after STAFF_SESSION_IDLE_MINUTES without a
# request and STAFF_SESSION_MAX_HOURS after signing in; everyone else after SESSION_MAX_HOURS.
YIWANG_STAFF_SESSION_IDLE_MINUTES = int(env("STAFF_SESSION_IDLE_MINUTES", "30") or 30)
YIWANG_STAFF_SESSION_MAX_HOURS = int(env("STAFF_SESSION_MAX_HOURS", "12") or 12)
YIWANG_SESSION_MAX_HOURS = int(env("SESSION_MAX_HOURS", "24") or 24)
# The cookie outlives the longest session by an hour, so that the timeout (with its message on the
# login page) is what ends a session, not a cookie that silently vanished.
SESSION_COOKIE_AGE = (max(YIWANG_SESSION_MAX_HOURS, YIWANG_STAFF_SESSION_MAX_HOURS) + 1) * 3600

# Passwords: at least PASSWORD_MIN_LENGTH characters (STAFF_PASSWORD_MIN_LENGTH for staff) from
# three of four classes (upper case, lower case, digits, symbols); staff may not reuse their last
# PASSWORD_HISTORY passwords (only hashes are kept) and must change theirs every
# PASSWORD_MAX_AGE_DAYS days (0: never; the default in demo mode, whose shared demo passwords in
# README must keep working on a long-lived demo site).
YIWANG_PASSWORD_MIN_LENGTH = int(env("PASSWORD_MIN_LENGTH", "8") or 8)
YIWANG_STAFF_PASSWORD_MIN_LENGTH = int(env("STAFF_PASSWORD_MIN_LENGTH", "10") or 10)
YIWANG_PASSWORD_HISTORY = int(env("PASSWORD_HISTORY", "5") or 0)
YIWANG_PASSWORD_MAX_AGE_DAYS = int(env("PASSWORD_MAX_AGE_DAYS", "0" if YIWANG_DEMO_MODE else "90") or 0)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": YIWANG_PASSWORD_MIN_LENGTH}},
    {"NAME": "yiwang.core.passwords.ComplexityValidator"},
    {"NAME": "yiwang.core.passwords.HistoryValidator"},
]

# Login history: how many recent sign-ins and failures a user sees on their account page.
YIWANG_LOGIN_HISTORY_SHOWN = int(env("LOGIN_HISTORY_SHOWN", "30") or 30)
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
# the sender (send_notifications --loop) looks for due copies this often: a notice leaves within it
YIWANG_NOTIFY_POLL_SECONDS = float(env("NOTIFY_POLL_SECONDS", "1") or 1)
# Identity (docs/identity.md): one-time registration codes by SMS, their life and rate limits;
# online real-name checks (L2) through the data-sharing gateway; authorisations (委托代办).
YIWANG_IDENTITY_CODE_TTL_SECONDS = int(env("IDENTITY_CODE_TTL_SECONDS", "300") or 300)
YIWANG_IDENTITY_CODE_MAX_ATTEMPTS = int(env("IDENTITY_CODE_MAX_ATTEMPTS", "5") or 5)
YIWANG_IDENTITY_CODE_RESEND_SECONDS = int(env("IDENTITY_CODE_RESEND_SECONDS", "60") or 60)
YIWANG_IDENTITY_CODE_PER_PHONE_PER_HOUR = int(env("IDENTITY_CODE_PER_PHONE_PER_HOUR", "5") or 5)
YIWANG_IDENTITY_CODE_PER_IP_PER_HOUR = int(env("IDENTITY_CODE_PER_IP_PER_HOUR", "20") or 20)
YIWANG_IDENTITY_VERIFICATIONS_PER_DAY = int(env("IDENTITY_VERIFICATIONS_PER_DAY", "5") or 5)
YIWANG_IDENTITY_POPULATION_RESOURCE = env("IDENTITY_POPULATION_RESOURCE", "GA_RKJBXX")
YIWANG_IDENTITY_ENTERPRISE_RESOURCE = env("IDENTITY_ENTERPRISE_RESOURCE", "SCJG_QYDJXX")
YIWANG_IDENTITY_GRANT_LEVEL = int(env("IDENTITY_GRANT_LEVEL", "2") or 2)
YIWANG_IDENTITY_AUTHORISATION_MAX_DAYS = int(env("IDENTITY_AUTHORISATION_MAX_DAYS", "366") or 366)
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25") or 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "") or ""
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# seconds an SMTP server may keep the sender waiting (Django's default: for ever, which would stop
# every notice behind one silent mail server); well under NOTIFY_LEASE_SECONDS
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "10") or 10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "noreply@yiwang.example") or "noreply@yiwang.example"
# Documents (receipts, decision letters, licences): the TrueType CJK font embedded in the PDFs
# (Debian fonts-wqy-zenhei; `make system-deps` installs it); the TrueType fonts, in order, that draw
# what it lacks (PDF_FALLBACK_FONTS, comma-separated; Debian fonts-babelstone-han: CJK Extensions
# B-F, the GB 18030-2022 level-1 ideographs outside the BMP that names use); and the site's public
# address printed in the receipts' QR codes.
YIWANG_PDF_FONT = env("PDF_FONT", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
YIWANG_PDF_FALLBACK_FONTS = [path.strip() for path in (env(
    "PDF_FALLBACK_FONTS", "/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf") or "").split(",") if path.strip()]
YIWANG_PUBLIC_BASE_URL = (env("PUBLIC_BASE_URL", "http://127.0.0.1:8000") or "").rstrip("/")

# Appeals and events (docs/appeals.md): the county government's catch-all department (兜底) that
# receives an appeal nobody owns; how long after the deadline an overdue appeal is escalated to the
# lead department's head; the longest text an appeal may carry; and the MQTT broker of the sensor
# listener (``manage.py listen_sensors``; nothing else connects to it, ``make run`` does not need it).
YIWANG_APPEALS_CATCH_ALL_DEPARTMENT = env("APPEALS_CATCH_ALL_DEPARTMENT", "XZFB") or "XZFB"
YIWANG_APPEALS_ESCALATE_AFTER_HOURS = int(env("APPEALS_ESCALATE_AFTER_HOURS", "24") or 24)
YIWANG_APPEALS_MAX_TEXT = int(env("APPEALS_MAX_TEXT", "5000") or 5000)
YIWANG_APPEALS_DUPLICATE_WINDOW_HOURS = int(env("APPEALS_DUPLICATE_WINDOW_HOURS", "48") or 48)
YIWANG_APPEALS_DUPLICATE_RADIUS_M = int(env("APPEALS_DUPLICATE_RADIUS_M", "150") or 150)
# departments whose staff are duty officers of the command board (应急指挥), besides supervisors and dispatchers
YIWANG_APPEALS_BOARD_DEPARTMENTS = [c.strip() for c in (env("APPEALS_BOARD_DEPARTMENTS", "YJ,RX") or "").split(",")
                                    if c.strip()]
YIWANG_APPEALS_BOARD_REFRESH_SECONDS = int(env("APPEALS_BOARD_REFRESH_SECONDS", "30") or 30)
MQTT_URL = env("MQTT_URL", "mqtt://127.0.0.1:1883") or "mqtt://127.0.0.1:1883"
# the listener subscribes to <prefix>+ (one level: the device id); a prefix of its own keeps a second
# county, a staging site or a test run on one broker apart from the others' readings
YIWANG_SENSORS_TOPIC_PREFIX = env("SENSORS_TOPIC_PREFIX", "yiwang/sensors/") or "yiwang/sensors/"
# Open311 GeoReport v2 (docs/appeals.md): the one jurisdiction_id this endpoint serves, and the
# contact line of its discovery document.
YIWANG_OPEN311_JURISDICTION = env("OPEN311_JURISDICTION", YIWANG_DIVISION_CODE) or YIWANG_DIVISION_CODE
YIWANG_OPEN311_CONTACT = env("OPEN311_CONTACT", "12345@yiwang.example") or "12345@yiwang.example"

# 好差评 (evaluation): working days a department has to rectify a 差评, and hours a window visit's
# rating token (hall tablet and receipt QR) stays valid.
YIWANG_EVALUATION_RECTIFICATION_DAYS = int(env("EVALUATION_RECTIFICATION_DAYS", "15") or 15)
YIWANG_EVALUATION_VISIT_TOKEN_HOURS = int(env("EVALUATION_VISIT_TOKEN_HOURS", "72") or 72)
# the signed link to rate a case printed on its 受理回执 (QR) and written in its 办结 notice: valid this
# many days from printing or sending (a case accepted today may close weeks later)
YIWANG_EVALUATION_CASE_TOKEN_DAYS = int(env("EVALUATION_CASE_TOKEN_DAYS", "180") or 180)
# when cron runs ``weekly_programme_report`` (0 = Monday; local "HH:MM"): only used to tell readers of a
# week without a report when it will be generated (docs/programme.md); keep equal to the cron line
PROGRAMME_REPORT_WEEKDAY = int(env("PROGRAMME_REPORT_WEEKDAY", "4") or 4) % 7
PROGRAMME_REPORT_TIME = datetime.time.fromisoformat(env("PROGRAMME_REPORT_TIME", "17:00") or "17:00").strftime("%H:%M")

# ---------------------------------------------------------------------------------------------------
# Operations (docs/deployment.md, "Monitoring and overload"): probes, metrics, request ids and JSON
# logs, admission control. Every setting reads its environment variable.
# ---------------------------------------------------------------------------------------------------
# First the request id (every later line of the request logs it), then the probes and /metrics
# (before the HTTPS redirect, host validation, sessions, CSRF and login), then the request metrics
# (they count shed requests too); admission control right after WhiteNoise (static files and the
# probes are never shed).
MIDDLEWARE[0:0] = [
    "yiwang.core.ops.requestid.RequestIdMiddleware",
    "yiwang.core.ops.endpoints.OpsEndpointsMiddleware",
    "yiwang.core.ops.metrics.MetricsMiddleware",
]
MIDDLEWARE.insert(MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
                  "yiwang.core.ops.admission.AdmissionControlMiddleware")
# Requests answered at once per worker process; the next is refused with 503 + Retry-After. 0: no
# bound. The default suits gunicorn's gthread workers with 16 threads on a 2-4 core host: 8 views
# at work, the other threads kept free to refuse quickly (docs/deployment.md).
YIWANG_MAX_IN_FLIGHT = int(env("MAX_IN_FLIGHT", "8") or 0)
YIWANG_ADMISSION_RETRY_AFTER_SECONDS = int(env("ADMISSION_RETRY_AFTER_SECONDS", "5") or 5)
# A request that met a transient database error (failover, PgBouncer restart) is answered 503 with
# this Retry-After. Short, like admission's: a client that waits for it adds it to the outage it
# sees (the failover drill: 13 s at the database, 23 s at a client told to wait 10 s).
YIWANG_DATABASE_RETRY_AFTER_SECONDS = int(env("DATABASE_RETRY_AFTER_SECONDS", "5") or 5)
# /metrics answers loopback clients that did not come through a proxy, and requests carrying
# ``Authorization: Bearer <METRICS_TOKEN>`` (empty: loopback only). A token is 32 characters or more.
YIWANG_METRICS_TOKEN = env("METRICS_TOKEN", "") or ""
if YIWANG_METRICS_TOKEN and len(YIWANG_METRICS_TOKEN) < 32:
    raise ImproperlyConfigured("METRICS_TOKEN must be at least 32 random characters (or unset: loopback only).")
# Statement timeouts of the scrape-time collectors and of /readyz's checks (PostgreSQL).
YIWANG_METRICS_QUERY_TIMEOUT_MS = int(env("METRICS_QUERY_TIMEOUT_MS", "2000") or 2000)
YIWANG_READYZ_TIMEOUT_MS = int(env("READYZ_TIMEOUT_MS", "1000") or 1000)
# A PostgreSQL that does not answer the connection is given up after this many seconds (the probe,
# and every request, fail fast instead of hanging on a dead primary during a failover).
if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    for _alias in DATABASES:
        DATABASES[_alias].setdefault("OPTIONS", {}).setdefault("connect_timeout", int(env("DB_CONNECT_TIMEOUT", "5") or 5))


def _on_or_off(name: str, default: bool) -> bool:
    """A yes/no variable read strictly: a value that is neither is refused rather than taken as no."""
    value = (env(name) or "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0 (on or off), not {value!r} (docs/deployment.md).")


# Server-side prepared statements (PostgreSQL): the server binds the parameters and psycopg
# prepares a statement on a connection once it has run there YIWANG_DATABASE_PREPARE_THRESHOLD
# times: PostgreSQL parses it once per connection and, once it keeps the generic plan (after five
# executions), no longer plans it on every execution (issue #14's hot path, credit's evaluation).
# Connections persist (CONN_MAX_AGE): the statements outlive requests.
# Needs no pooler or a session-pooling PgBouncer (deploy/pgbouncer: pool_mode = session); with
# transaction pooling only PgBouncer >= 1.21 with max_prepared_statements, else set it off. A
# statement prepared before `migrate` changed its result's type is planned again
# (yiwang/core/ops/prepared.py); the upgrade procedure restarts the workers after `migrate` anyway.
YIWANG_DATABASE_PREPARED_STATEMENTS = _on_or_off("DATABASE_PREPARED_STATEMENTS", True)
YIWANG_DATABASE_PREPARE_THRESHOLD = 2
if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    for _alias in DATABASES:
        DATABASES[_alias]["OPTIONS"]["server_side_binding"] = YIWANG_DATABASE_PREPARED_STATEMENTS
        # None: psycopg never prepares (Django's default, kept when the setting is off)
        DATABASES[_alias]["OPTIONS"]["prepare_threshold"] = (
            YIWANG_DATABASE_PREPARE_THRESHOLD if YIWANG_DATABASE_PREPARED_STATEMENTS else None)

# The web worker's warm-up after the fork (yiwang/core/warmup.py, gunicorn's post_worker_init): its
# database connections (the request threads', with gthread workers) and the caches read from the
# database, before its first request. Off: each request thread's first requests pay it instead.
YIWANG_WARM_WORKERS = _on_or_off("YIWANG_WARM_WORKERS", True)
# The notification sender's own commits do not wait for the WAL flush (synchronous_commit off for
# its session, yiwang/core/notify.py). 0 behind a transaction-pooling PgBouncer, where a session's SET
# stays on the pooled server connection and would reach the actions' commits too.
YIWANG_NOTIFY_SENDER_ASYNC_COMMIT = _on_or_off("NOTIFY_SENDER_ASYNC_COMMIT", True)
# Each web worker builds the URLconf, jieba's dictionary and the PDF font when it loads the application
# (yiwang/warmup.py, from yiwang/wsgi.py); 0 for a development server that reloads often.
YIWANG_WARM_UP = _on_or_off("YIWANG_WARM_UP", True)

# Logs: text (the default, for `make run`) or one JSON object a line (LOG_FORMAT=json, for
# production log shipping); both carry the request id, which tasks enqueued in a request inherit.
LOG_FORMAT = (env("LOG_FORMAT", "text") or "text").strip().lower()
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured("LOG_FORMAT must be text or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "yiwang.core.ops.requestid.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "yiwang.core.ops.requestid.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
    # the task worker's own lines (task started / finished, with the request id)
    "loggers": {"django_tasks": {"level": env("TASKS_LOG_LEVEL", "INFO")}},
}
