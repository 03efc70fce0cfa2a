"""Settings of the interchange hub (`congso hub serve`): its own apps, database and URLs.

The hub is the same codebase deployed alone (docs/adr/0016): only the apps it needs, its own
database (HUB_DATABASE_URL) and `config.hub_urls`. docs/hub.md describes every HUB_* variable.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url

from config.env import env_bool, env_int, env_list, env_str
from config.settings.base import *  # noqa: F403
from config.settings.base import REST_FRAMEWORK, SPECTACULAR_SETTINGS, VAR_DIR

DEBUG = env_bool("DJANGO_DEBUG", False)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "congso.core",
    "congso.audit",
    "congso.hub",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.hub_urls"

# --- Its own database: HUB_DATABASE_URL, else var/hub.sqlite3 ------------------------------
HUB_SQLITE_PATH = VAR_DIR / "hub.sqlite3"
HUB_DATABASE_URL = env_str("HUB_DATABASE_URL", f"sqlite:///{HUB_SQLITE_PATH}") or ""
# Connections are kept (DB_CONN_MAX_AGE, default 300 s as in production; one per serving
# thread): a new PostgreSQL connection for every request cost more CPU (backend start-up 5-9 ms,
# client ~1 ms) than a whole poll of an empty inbox. A broken one is replaced (health checks).
DATABASES = {
    "default": dj_database_url.parse(
        HUB_DATABASE_URL,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 300),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}

# --- Operators: Django's own user model, no platform accounts -------------------------------
AUTH_USER_MODEL = "auth.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "hub-ui:login"
LOGIN_REDIRECT_URL = "hub-ui:dashboard"
LOGOUT_REDIRECT_URL = "hub-ui:login"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_AUTHENTICATION_CLASSES": ["congso.hub.api.authentication.HubTokenAuthentication"],
}
SPECTACULAR_SETTINGS = {
    **SPECTACULAR_SETTINGS,
    "TITLE": "congso hub API",
    "DESCRIPTION": "Trục liên thông văn bản: gửi, nhận, xác nhận gói tin edXML và trạng thái.",
    "ENUM_NAME_OVERRIDES": {},
    # the hub answers errors in its own shape (congso.hub.api.errors), not the platform's
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums"],
}


def _hub_secret_key() -> str:
    """DJANGO_SECRET_KEY, else a key generated once into var/ (it signs only operator sessions)."""
    configured = env_str("DJANGO_SECRET_KEY")
    if configured:
        return configured
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "hub_secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _hub_secret_key()

# --- The hub (docs/hub.md) ------------------------------------------------------------------
HUB_STORE_DIR = Path(env_str("HUB_STORE_DIR", str(VAR_DIR / "hub-store")) or VAR_DIR / "hub-store")
HUB_MAX_PACKAGE_BYTES = env_int("HUB_MAX_PACKAGE_MB", 300) * 1024 * 1024
HUB_REQUIRE_XML_SIGNATURE = env_bool("HUB_REQUIRE_XML_SIGNATURE", True)
HUB_VALIDATE_PACKAGES = env_bool("HUB_VALIDATE_PACKAGES", True)
# Whose key may sign a member's packages: registered | strict | any (congso/hub/signers.py).
HUB_XML_SIGNERS = env_str("HUB_XML_SIGNERS", "registered") or "registered"
HUB_TOKEN_MAX_LIFETIME = env_int("HUB_TOKEN_MAX_LIFETIME", 300)
HUB_TOKEN_LEEWAY = env_int("HUB_TOKEN_LEEWAY", 30)
HUB_JWT_ALGORITHMS = env_list("HUB_JWT_ALGORITHMS", ["RS256", "EdDSA"])
HUB_STUCK_AFTER = env_int("HUB_STUCK_AFTER", 60)
HUB_TRAFFIC_PAIRS = env_int("HUB_TRAFFIC_PAIRS", 50)
HUB_FINAL_STATUS_CODES = env_list("HUB_FINAL_STATUS_CODES", ["02", "03", "06"])
HUB_MEMBER_CODE_REGEX = env_str("HUB_MEMBER_CODE_REGEX", "") or ""
HUB_LIST_LIMIT_MAX = env_int("HUB_LIST_LIMIT_MAX", 500)
HUB_SERVE_THREADS = env_int("HUB_SERVE_THREADS", 8)
# Processes serving the same socket (`congso hub serve --processes`, ADR 0026); threads are per
# process. One process runs Python on one core at a time.
HUB_SERVE_PROCESSES = env_int("HUB_SERVE_PROCESSES", 1)
# waitress keeps a request body (an answer) up to this size in memory, larger ones in a temporary
# file: a batch of small packages (a listed page) is not written to disk and read back.
HUB_SERVE_INBUF_BYTES = env_int("HUB_SERVE_INBUF_MB", 16) * 2**20
HUB_SERVE_OUTBUF_BYTES = env_int("HUB_SERVE_OUTBUF_MB", 32) * 2**20
# Batch verbs (messages/batch/, statuses/batch/, …/ack/) and inline listings (docs/hub.md).
HUB_BATCH_MAX_ITEMS = env_int("HUB_BATCH_MAX_ITEMS", 100)
HUB_INLINE_MAX_BYTES = env_int("HUB_INLINE_MAX_BYTES", 1024 * 1024)
HUB_TOKEN_MEMBER_CACHE_SIZE = env_int("HUB_TOKEN_MEMBER_CACHE_SIZE", 1024)
HUB_TOKEN_MEMBER_CACHE_SECONDS = env_int("HUB_TOKEN_MEMBER_CACHE_SECONDS", 60)
# Django refuses a multipart body with more file parts than this before the hub counts them.
DATA_UPLOAD_MAX_NUMBER_FILES = max(100, HUB_BATCH_MAX_ITEMS)
# Long polling (`wait/`, docs/hub.md): longest hold, database re-check period, held requests.
HUB_WAIT_MAX_SECONDS = env_int("HUB_WAIT_MAX_SECONDS", 25)
HUB_WAIT_RECHECK_SECONDS = env_int("HUB_WAIT_RECHECK_SECONDS", 1)
HUB_WAIT_MAX_WAITERS = env_int("HUB_WAIT_MAX_WAITERS", max(HUB_SERVE_THREADS // 2, 1))
# Deliveries announced to the other hub processes over PostgreSQL NOTIFY (ADR 0026); unset: on
# when the hub serves from several processes. While a process listens, it re-checks rarely.
HUB_WAIT_NOTIFY = env_bool("HUB_WAIT_NOTIFY") if env_str("HUB_WAIT_NOTIFY", "") else None
HUB_WAIT_RECHECK_NOTIFIED_SECONDS = env_int("HUB_WAIT_RECHECK_NOTIFIED_SECONDS", 10)
