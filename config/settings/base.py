"""Every setting lives here; local, test and production only override (house style §2.5)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from config.env import BASE_DIR, env_bool, env_int, env_list, env_str

VAR_DIR = Path(env_str("CONGSO_VAR_DIR", str(BASE_DIR / "var")) or BASE_DIR / "var")

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = ""  # set by each settings flavour: production requires DJANGO_SECRET_KEY
# Fernet keys sealing secrets at rest (TOTP secrets); the first seals, all open. Empty: derived
# from SECRET_KEY (congso/core/sealing.py).
CONGSO_FIELD_KEYS = env_list("CONGSO_FIELD_KEYS", [])
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "congso.core",
    "congso.audit",
    "congso.organizations",
    "congso.accounts",
    "congso.catalogues",
    "congso.workdays",
    "congso.signatures",
    "congso.procedures",
    "congso.payments",
    "congso.notifications",
    "congso.documents",
    "congso.exchange",
    "congso.dossiers",
    "congso.portalsync",
    "congso.web",
    "congso.portal",
    "congso.hub",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "congso.web.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

# --- Database: DATABASE_URL, else an SQLite file (embedded default) ----------------------------
SQLITE_PATH = VAR_DIR / "congso.sqlite3"
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{SQLITE_PATH}") or ""
DATABASES = {
    # A kept connection is checked before reuse, so a database restart costs one reconnect.
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers wait for each other instead of failing (house style §2.5).
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Identity --------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["congso.accounts.backends.LockoutModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:staff-home"
LOGOUT_REDIRECT_URL = "web:public-home"
# Failed logins before an account is locked, and for how long (minutes).
CONGSO_LOGIN_MAX_FAILURES = env_int("CONGSO_LOGIN_MAX_FAILURES", 5)
CONGSO_LOGIN_LOCKOUT_MINUTES = env_int("CONGSO_LOGIN_LOCKOUT_MINUTES", 15)
# Failed sign-ins per client address (any accounts) before it must wait (429), per window.
CONGSO_LOGIN_MAX_FAILURES_PER_ADDRESS = env_int("CONGSO_LOGIN_MAX_FAILURES_PER_ADDRESS", 100)
CONGSO_LOGIN_ADDRESS_WINDOW_MINUTES = env_int("CONGSO_LOGIN_ADDRESS_WINDOW_MINUTES", 10)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("CONGSO_SESSION_SECONDS", 8 * 3600)
# Public accounts opened per client address per hour (page and API together).
CONGSO_REGISTRATION_MAX_PER_HOUR = env_int("CONGSO_REGISTRATION_MAX_PER_HOUR", 10)

# --- Language and time -----------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "congso" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Static files: served by the app itself, never from a CDN --------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(env_str("CONGSO_MEDIA_ROOT", str(VAR_DIR / "media")) or VAR_DIR / "media")
WHITENOISE_USE_FINDERS = True

# --- REST API --------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "congso.core.api.parsers.JSONParser",  # refuses JSON nested too deeply (400, not 500)
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "congso.core.api.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "congso.core.api.errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "congso API",
    "DESCRIPTION": "REST API of congso, the provincial e-government platform.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "congso.core.api.schema.add_error_responses",  # every operation: its error body
    ],
    "ENUM_NAME_OVERRIDES": {
        "AgencyKindEnum": "congso.organizations.constants.AgencyKind",
        "AdministrativeUnitKindEnum": "congso.organizations.constants.AdministrativeUnitKind",
        "UserKindEnum": "congso.accounts.constants.UserKind",
        "RoleEnum": "congso.core.identity.Role",
        "DossierStatusEnum": "congso.dossiers.constants.DossierStatus",
        "DossierChannelEnum": "congso.dossiers.constants.Channel",
        "ResultChannelEnum": "congso.dossiers.constants.ResultChannel",
        "RatingLevelEnum": "congso.dossiers.constants.RatingLevel",
        "ProcedureLevelEnum": "congso.procedures.constants.ProcedureLevel",
        "AdministrativeLevelEnum": "congso.organizations.constants.AdministrativeLevel",
    },
}

# --- Celery: eager in-process unless a broker is configured ----------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", None)
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", None)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
# The queue tasks go to and workers read: two installations sharing one broker set their own.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery") or "celery"
# Periodic work (run `make worker`, which starts beat too). Times are Asia/Ho_Chi_Minh.
CELERY_BEAT_SCHEDULE = {
    "documents-deadline-reminders": {
        "task": "documents.tasks.deadline_reminders_send",
        "schedule": crontab(hour=7, minute=0),
    },
}

# --- Working-day calendar --------------------------------------------------------------------
# Receipts after this local hour count from the next working day ("" = no cut-off).
CONGSO_CALENDAR_CUTOFF = env_str("CONGSO_CALENDAR_CUTOFF", "") or ""
# How often (s) a process re-checks the decision table for edits made by other processes.
CONGSO_CALENDAR_RECHECK_SECONDS = env_int("CONGSO_CALENDAR_RECHECK_SECONDS", 60)

# --- Documents -------------------------------------------------------------------------------
# Largest accepted upload, in MiB.
CONGSO_UPLOAD_MAX_BYTES = env_int("CONGSO_UPLOAD_MAX_MB", 50) * 1024 * 1024
# Days before a handling deadline when the first reminder goes out.
CONGSO_REMINDER_DAYS_BEFORE = env_int("CONGSO_REMINDER_DAYS_BEFORE", 2)
# Dotted path of the DocumentSigner that signs issued documents ("" = none: "Chưa ký số").
CONGSO_DOCUMENT_SIGNER = env_str("CONGSO_DOCUMENT_SIGNER", "") or ""

# --- Dossiers (one-stop desk; congso/dossiers/deadlines.py) ----------------------------------
# Dossiers received after this local time count from the next working day
# (TT 01/2018: "sau 15 giờ") [C].
DOSSIER_RECEIPT_CUTOFF = env_str("DOSSIER_RECEIPT_CUTOFF", "15:00") or ""
# Local end of the working day: the time of day of a due date of whole working days.
DOSSIER_WORKDAY_END = env_str("DOSSIER_WORKDAY_END", "17:00") or "17:00"
# Largest accepted dossier component or result file, in MiB.
DOSSIER_UPLOAD_MAX_BYTES = env_int("DOSSIER_UPLOAD_MAX_MB", 20) * 1024 * 1024
# Public lookup by code + secret: at most this many requests per client IP per window (seconds).
DOSSIER_LOOKUP_RATE = env_int("DOSSIER_LOOKUP_RATE", 30)
DOSSIER_LOOKUP_WINDOW_SECONDS = env_int("DOSSIER_LOOKUP_WINDOW_SECONDS", 60)
# The public lookup's answer is cached this many seconds per code (0 = off); every status
# change forgets it (in the process that made it; other processes' entries expire).
DOSSIER_LOOKUP_CACHE_SECONDS = env_int("DOSSIER_LOOKUP_CACHE_SECONDS", 30)
# Django's default cache (per-process memory) with room for those answers: the stock 300 entries
# would be culled over and over by a few hundred dossiers tracked at once.
# Rate-limit counters and the public lookup's answers. Several processes (gunicorn workers,
# several hosts) must share one cache for those to be global: set CONGSO_CACHE_URL=redis://...
CACHE_URL = env_str("CONGSO_CACHE_URL", "") or ""
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 20_000)},
        }
    )
}
# Open dossiers due within this many working days are "nearing due".
DOSSIER_NEARING_DUE_DAYS = env_int("DOSSIER_NEARING_DUE_DAYS", 1)

# --- Digital signatures (congso/signatures/conf.py documents each) ---------------------------
CONGSO_SIGNATURES_PINNED_ROOTS = env_list("CONGSO_SIGNATURES_PINNED_ROOTS", [])
CONGSO_SIGNATURES_PINNED_SHA256 = env_list("CONGSO_SIGNATURES_PINNED_SHA256", [])
CONGSO_SIGNATURES_EXTRA_ROOTS = env_list("CONGSO_SIGNATURES_EXTRA_ROOTS", [])
CONGSO_SIGNATURES_INTERMEDIATES = env_list("CONGSO_SIGNATURES_INTERMEDIATES", [])
CONGSO_SIGNATURES_TEST_PKI_DIR = env_str("CONGSO_SIGNATURES_TEST_PKI_DIR", "") or ""
CONGSO_SIGNATURES_TSA_URL = env_str("CONGSO_SIGNATURES_TSA_URL", "") or ""
CONGSO_SIGNATURES_LEVEL = env_str("CONGSO_SIGNATURES_LEVEL", "B-T") or "B-T"
CONGSO_SIGNATURES_TIMEOUT = env_int("CONGSO_SIGNATURES_TIMEOUT", 5)
CONGSO_SIGNATURES_MAX_REVISIONS = env_int("CONGSO_SIGNATURES_MAX_REVISIONS", 200)
CONGSO_SIGNATURES_REVINFO_CACHE_SECONDS = env_int("CONGSO_SIGNATURES_REVINFO_CACHE_SECONDS", 300)
CONGSO_SIGNATURES_VALIDATION_TIME_LIMIT = env_int("CONGSO_SIGNATURES_VALIDATION_TIME_LIMIT", 60)

# --- Exchange connector (congso.exchange; docs/exchange.md) -----------------------------------
# One process = one installation. The hub's base URL ("" = the connector is off).
EXCHANGE_HUB_URL = env_str("EXCHANGE_HUB_URL", "") or ""
# The member organisation this installation speaks for, and its private key (PEM; signs the
# JWTs the hub checks). No default: a deployment that sets the URL must set both.
EXCHANGE_MEMBER_CODE = env_str("EXCHANGE_MEMBER_CODE", "") or ""
EXCHANGE_MEMBER_KEY_FILE = env_str("EXCHANGE_MEMBER_KEY_FILE", "") or ""
# More members hosted by the same installation: "CODE=key-file" entries.
EXCHANGE_MEMBERS = env_list("EXCHANGE_MEMBERS", [])
# XMLDSig key and certificate of the sending agency (PEM). EXCHANGE_DEV_KEYS=1 generates a
# self-signed pair under var/exchange/dev-keys when they are not set (development, tests).
EXCHANGE_XML_KEY_FILE = env_str("EXCHANGE_XML_KEY_FILE", "") or ""
EXCHANGE_XML_CERT_FILE = env_str("EXCHANGE_XML_CERT_FILE", "") or ""
EXCHANGE_DEV_KEYS = env_bool("EXCHANGE_DEV_KEYS", False)
# Dotted path of the transport factory, called with a member (congso.exchange.transport).
EXCHANGE_TRANSPORT = (
    env_str("EXCHANGE_TRANSPORT", "congso.exchange.hubclient.HubClient")
    or "congso.exchange.hubclient.HubClient"
)
# Sending: attempts before an outbox row is failed for good, back-off base and cap (seconds).
EXCHANGE_SEND_MAX_ATTEMPTS = env_int("EXCHANGE_SEND_MAX_ATTEMPTS", 8)
EXCHANGE_RETRY_BASE_SECONDS = env_int("EXCHANGE_RETRY_BASE_SECONDS", 30)
EXCHANGE_RETRY_MAX_SECONDS = env_int("EXCHANGE_RETRY_MAX_SECONDS", 3600)
# Lease of a claimed send (s): how long a row a killed worker held waits for the sweep
# (0 = the built-in 10 min for documents, 5 min for statuses). Must exceed the longest send.
EXCHANGE_SEND_LEASE_SECONDS = env_int("EXCHANGE_SEND_LEASE_SECONDS", 0)
# HTTP to the hub: timeout per request (s) and quick retries of one call on connection errors.
EXCHANGE_HTTP_TIMEOUT = env_int("EXCHANGE_HTTP_TIMEOUT", 30)
EXCHANGE_HTTP_RETRIES = env_int("EXCHANGE_HTTP_RETRIES", 2)
# Receiving: packages whose XML signature is missing are refused; PDF verdicts that refuse.
EXCHANGE_REQUIRE_XML_SIGNATURE = env_bool("EXCHANGE_REQUIRE_XML_SIGNATURE", True)
EXCHANGE_REFUSE_PDF_VERDICTS = env_list("EXCHANGE_REFUSE_PDF_VERDICTS", ["failed"])
# Incoming states in which a sender's revoke package is carried out at once (answer 15);
# in the others the clerk decides (13, then 15 or 16). docs/exchange.md "Revoke, update, replace".
EXCHANGE_REVOKE_AUTO_STATES = env_list("EXCHANGE_REVOKE_AUTO_STATES", ["received"])
# Agencies (codes, or "*") whose arrivals from the hub are registered in the incoming book as
# they arrive (01 and 03 go back together) instead of waiting for the clerk's acceptance.
EXCHANGE_AUTO_ACCEPT = env_list("EXCHANGE_AUTO_ACCEPT", [])
# Where packages are streamed to disk while they are built or read.
EXCHANGE_SPOOL_DIR = env_str("EXCHANGE_SPOOL_DIR", str(VAR_DIR / "exchange" / "spool")) or str(
    VAR_DIR / "exchange" / "spool"
)
# Beat: how often (s) to poll the hub and sweep the outboxes.
EXCHANGE_POLL_SECONDS = env_int("EXCHANGE_POLL_SECONDS", 30)
# Garbage collector thresholds of long-lived processes (workers, the hub) after start-up
# (congso/core/gcfreeze.py): "gen0,gen1,gen2"; "700,10,10" is CPython's own. A validation
# spent ~1-1.8 ms per document in collections with CPython's, ~0.9 with these
# (docs/benchmarks.md, stop 15), for up to ~50,000 objects of garbage waiting (a few MB).
GC_THRESHOLDS = [int(v) for v in env_list("GC_THRESHOLDS", ["50000", "20", "20"])]
# Items per page asked of the hub; polls of one member that may run at once (docs/exchange.md).
EXCHANGE_POLL_BATCH = env_int("EXCHANGE_POLL_BATCH", 100)
# Largest inline page read from the hub (multipart or JSON), bytes.
EXCHANGE_HUB_PAGE_MAX_BYTES = env_int("EXCHANGE_HUB_PAGE_MAX_BYTES", 256 * 1024 * 1024)
EXCHANGE_POLL_WORKERS = env_int("EXCHANGE_POLL_WORKERS", 2)
# Long polling: the first poll of a member stays this many seconds after the hub is empty,
# waiting at the hub (`wait/`) for the next delivery, then hands over to the next poll; 0 = off.
# Off by default where tasks run eagerly (no worker: the poll would hold a web request).
EXCHANGE_POLL_WAIT_SECONDS = env_int(
    "EXCHANGE_POLL_WAIT_SECONDS", 0 if CELERY_TASK_ALWAYS_EAGER else EXCHANGE_POLL_SECONDS
)
# A page is claimed, handled and acknowledged this many items at a time: the polls running at
# once share a page part by part, and the first arrivals are answered before the last are read.
EXCHANGE_POLL_PART = env_int("EXCHANGE_POLL_PART", 25)
# Batches: outbox rows (and status replies) handed to the hub in one call; a package larger
# than EXCHANGE_BATCH_PACKAGE_BYTES goes alone, streamed from disk.
EXCHANGE_SEND_BATCH = env_int("EXCHANGE_SEND_BATCH", 50)
EXCHANGE_BATCH_PACKAGE_BYTES = env_int("EXCHANGE_BATCH_PACKAGE_BYTES", 2 * 1024 * 1024)
# A queue of its own for the periodic poll and sweep ("" = the default queue): they never wait
# behind a burst of send tasks; workers then consume both (`-Q celery,exchange-poll`).
EXCHANGE_POLL_QUEUE = env_str("EXCHANGE_POLL_QUEUE", "") or ""
CELERY_TASK_ROUTES = (
    {
        "exchange.tasks.exchange_poll": {"queue": EXCHANGE_POLL_QUEUE},
        "exchange.tasks.exchange_sweep": {"queue": EXCHANGE_POLL_QUEUE},
    }
    if EXCHANGE_POLL_QUEUE
    else {}
)
CELERY_BEAT_SCHEDULE["exchange-poll"] = {
    "task": "exchange.tasks.exchange_poll",
    "schedule": float(EXCHANGE_POLL_SECONDS),
}
CELERY_BEAT_SCHEDULE["exchange-sweep"] = {
    "task": "exchange.tasks.exchange_sweep",
    "schedule": float(EXCHANGE_POLL_SECONDS),
}

# --- National portal sync (congso.portalsync; docs/portalsync.md documents each) ------------
# Base URL of the legacy DVCQG adapter ("" = sync off: no outbox rows are written).
PORTALSYNC_URL = env_str("PORTALSYNC_URL", "") or ""
PORTALSYNC_USERNAME = env_str("PORTALSYNC_USERNAME", "") or ""
PORTALSYNC_PASSWORD = env_str("PORTALSYNC_PASSWORD", "") or ""
# Endpoint paths appended to the URL (OpenCPS keeps them as configuration) [C].
PORTALSYNC_AUTH_PATH = env_str("PORTALSYNC_AUTH_PATH", "/api/auth") or "/api/auth"
PORTALSYNC_INTEGRATION_PATH = (
    env_str("PORTALSYNC_INTEGRATION_PATH", "/api/integration") or "/api/integration"
)
PORTALSYNC_SHARE_PATH = env_str("PORTALSYNC_SHARE_PATH", "/api/share") or "/api/share"
# madonvi when the receiving agency has no QCVN 102 code ("" = such dossiers are not synced).
PORTALSYNC_DEFAULT_MADONVI = env_str("PORTALSYNC_DEFAULT_MADONVI", "") or ""
# Which procedure field is sent as MaTTHC: "national_code" (1.001193) or "code" [C].
PORTALSYNC_PROCEDURE_CODE_FIELD = (
    env_str("PORTALSYNC_PROCEDURE_CODE_FIELD", "national_code") or "national_code"
)
PORTALSYNC_HTTP_TIMEOUT = env_int("PORTALSYNC_HTTP_TIMEOUT", 15)
# Outbox: attempts before a row is FAILED for good; back-off base and cap (seconds). The default
# budget (12 attempts, 30 s doubling, capped at 6 h) outlasts a day of portal outage.
PORTALSYNC_MAX_ATTEMPTS = env_int("PORTALSYNC_MAX_ATTEMPTS", 12)
PORTALSYNC_RETRY_BASE_SECONDS = env_int("PORTALSYNC_RETRY_BASE_SECONDS", 30)
PORTALSYNC_RETRY_MAX_SECONDS = env_int("PORTALSYNC_RETRY_MAX_SECONDS", 6 * 3600)
CELERY_BEAT_SCHEDULE["portalsync-outbox-drain"] = {
    "task": "portalsync.tasks.outbox_drain",
    "schedule": float(env_int("PORTALSYNC_DRAIN_SECONDS", 60)),
}
CELERY_BEAT_SCHEDULE["portalsync-reconcile"] = {
    "task": "portalsync.tasks.reconcile",
    "schedule": crontab(hour=1, minute=30),
}

# --- E-mail ----------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST", "127.0.0.1") or "127.0.0.1"
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "congso@localhost") or "congso@localhost"

# --- Notifications (congso.notifications) ----------------------------------------------------
# Delivery attempts per message before it is marked failed (back-off in notifications/constants).
CONGSO_NOTIFY_MAX_ATTEMPTS = env_int("CONGSO_NOTIFY_MAX_ATTEMPTS", 6)
# Dotted path of the SMS provider; the default only writes messages to the log (sends nothing).
CONGSO_SMS_PROVIDER = (
    env_str("CONGSO_SMS_PROVIDER", "congso.notifications.channels.LogSmsProvider")
    or "congso.notifications.channels.LogSmsProvider"
)
CELERY_BEAT_SCHEDULE["notifications-retry-due"] = {
    "task": "notifications.tasks.notifications_retry_due",
    "schedule": 60.0,
}

# --- Payments (congso.payments) --------------------------------------------------------------
# Dotted path of the payment provider; the local test provider is the built-in test bank.
CONGSO_PAYMENT_PROVIDER = (
    env_str("CONGSO_PAYMENT_PROVIDER", "congso.payments.providers.LocalTestProvider")
    or "congso.payments.providers.LocalTestProvider"
)
# HMAC-SHA256 key shared with the test bank ("" = derived from DJANGO_SECRET_KEY).
CONGSO_PAYMENT_TEST_SECRET = env_str("CONGSO_PAYMENT_TEST_SECRET", "") or ""
# A signed callback older (or further in the future) than this is refused, in seconds.
CONGSO_PAYMENT_CALLBACK_MAX_AGE = env_int("CONGSO_PAYMENT_CALLBACK_MAX_AGE", 600)

# --- Citizen portal (congso.portal) ----------------------------------------------------------
# Public dossier lookup: tries per client IP within the window (seconds) before HTTP 429.
CONGSO_LOOKUP_MAX_TRIES = env_int("CONGSO_LOOKUP_MAX_TRIES", 10)
CONGSO_LOOKUP_WINDOW_SECONDS = env_int("CONGSO_LOOKUP_WINDOW_SECONDS", 300)
# Public address of the portal, for links in e-mails and SMS.
CONGSO_PORTAL_BASE_URL = (
    env_str("CONGSO_PORTAL_BASE_URL", "http://127.0.0.1:8000") or "http://127.0.0.1:8000"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("CONGSO_LOG_LEVEL", "INFO")},
}
