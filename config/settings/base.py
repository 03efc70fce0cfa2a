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
    "congso.documents",
    "congso.web",
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
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))
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

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("CONGSO_SESSION_SECONDS", 8 * 3600)

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
    "ENUM_NAME_OVERRIDES": {
        "AgencyKindEnum": "congso.organizations.constants.AgencyKind",
        "AdministrativeUnitKindEnum": "congso.organizations.constants.AdministrativeUnitKind",
        "UserKindEnum": "congso.accounts.constants.UserKind",
        "RoleEnum": "congso.core.identity.Role",
    },
}

# --- Celery: eager in-process unless a broker is configured ----------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", None)
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", None)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
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

# --- E-mail ----------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST", "127.0.0.1") or "127.0.0.1"
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "congso@localhost") or "congso@localhost"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("CONGSO_LOG_LEVEL", "INFO")},
}
