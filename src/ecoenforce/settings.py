"""One settings module, read from the environment (see docs/operations.md for the table)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("ECOENFORCE_VAR_DIR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


def _secret_key() -> str:
    """SECRET_KEY from the environment; otherwise one generated per installation under var/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "ecoenforce.worker",
    "ecoenforce.org",
    "ecoenforce.audit",
    "ecoenforce.entities",
    "ecoenforce.catalog",
    "ecoenforce.evaluation",
    "ecoenforce.portal",
    "ecoenforce.penalty",
    "ecoenforce.statutes",
    "ecoenforce.cases",
    "ecoenforce.documents",
    "ecoenforce.inspections",
    "ecoenforce.monitoring",
    "ecoenforce.complaints",
    "ecoenforce.enterprise",
    "ninja",  # /api/docs: Swagger UI from ninja's bundled static files, not a CDN (STACK-NOTES)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ecoenforce.audit.middleware.AuditContextMiddleware",
    "ecoenforce.org.middleware.AdminSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ecoenforce.urls"
WSGI_APPLICATION = "ecoenforce.wsgi.application"
ASGI_APPLICATION = "ecoenforce.asgi.application"

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
                "ecoenforce.org.context_processors.navigation",
            ],
        },
    },
]

# Database: DATABASE_URL, default an embedded SQLite file in WAL mode.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'ecoenforce.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at BEGIN,
        # so the audit chain's head is never read by two writers at once. synchronous=FULL syncs the WAL at
        # every commit: what the platform acknowledges (an HJ 212 9014, a decision) survives a power loss.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# 等保三级: password length and complexity, lockout, idle timeout.
from ecoenforce.org.passwords import AUTH_PASSWORD_VALIDATORS  # noqa: E402, F401  (length, complexity, similarity)

CSRF_FAILURE_VIEW = "ecoenforce.org.views.csrf_failure"  # refusals are audited
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("LOGIN_LOCKOUT_HOURS", "0.5"))
# Lock by account, not by IP: offices share one NAT address (so axes.W006 is silenced on purpose).
# The lock is per account *and address*: anyone can no longer lock any account (secadmin included)
# from elsewhere; the per-address throttle below bounds guessing from one address across accounts
# (docs/operations.md "Login protection" states the trade-off).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_TEMPLATE = "org/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False

SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True  # the cookie age is then an idle timeout
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES")
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES")
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
if env_bool("BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# The three administrator roles must use a TOTP second factor unless this is switched off.
REQUIRE_ADMIN_TOTP = env_bool("REQUIRE_ADMIN_TOTP", True)
OTP_TOTP_ISSUER = "生态环境执法平台"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on a missing directory before collectstatic
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = VAR_DIR / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# Background work: one worker process (`manage.py worker`) with its queue in the database (django-tasks-db).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# The address printed under the QR code of every issued document (the public verification page).
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Off-site supervision (monitoring app): measurements kept ≥ 5 years (生态环境监测条例 art 26)
MONITORING_RETENTION_MONTHS = int(os.environ.get("MONITORING_RETENTION_MONTHS", "72"))
# Uploads wait here for the worker that parses them (org/uploads.py); empty: VAR_DIR/uploads.
UPLOAD_SPOOL_DIR = os.environ.get("UPLOAD_SPOOL_DIR", "")
# Audit checkpoints (docs/audit.md "Signed checkpoints"): the worker signs the chain head with SM2 every
# AUDIT_CHECKPOINT_MINUTES or AUDIT_CHECKPOINT_EVENTS new events, whichever comes first, and appends it to
# AUDIT_CHECKPOINT_FILE (outside the database; published at /public/audit/checkpoints/). The private key is
# needed by the worker only: AUDIT_SIGNING_KEY (hex) or the file AUDIT_SIGNING_KEY_FILE (mode 0600).
AUDIT_CHECKPOINT_FILE = Path(os.environ.get("AUDIT_CHECKPOINT_FILE", VAR_DIR / "audit" / "checkpoints.jsonl"))
AUDIT_PUBLIC_KEY_FILE = Path(os.environ.get("AUDIT_PUBLIC_KEY_FILE", VAR_DIR / "audit" / "public_keys.txt"))
AUDIT_SIGNING_KEY_FILE = Path(os.environ.get("AUDIT_SIGNING_KEY_FILE", VAR_DIR / "audit-signing.key"))
AUDIT_CHECKPOINT_MINUTES = float(os.environ.get("AUDIT_CHECKPOINT_MINUTES", "10"))
AUDIT_CHECKPOINT_EVENTS = int(os.environ.get("AUDIT_CHECKPOINT_EVENTS", "1000"))
# Event times may run backwards along the chain by at most this much (clock steps between web workers).
AUDIT_CLOCK_TOLERANCE_SECONDS = float(os.environ.get("AUDIT_CLOCK_TOLERANCE_SECONDS", "2"))

# API tokens expire this many days after issue (they also die with deactivation and any admin role).
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "180"))

# Rate limits (org/ratelimit.py, on the cache; no outside service). Per address: login and TOTP POSTs
# per LOGIN_RATE_WINDOW seconds; per token: API calls per minute.
LOGIN_RATE_PER_ADDRESS = int(os.environ.get("LOGIN_RATE_PER_ADDRESS", "20"))
TOTP_RATE_PER_ADDRESS = int(os.environ.get("TOTP_RATE_PER_ADDRESS", "10"))
LOGIN_RATE_WINDOW = int(os.environ.get("LOGIN_RATE_WINDOW", "600"))
API_RATE_PER_MINUTE = int(os.environ.get("API_RATE_PER_MINUTE", "600"))
# Passwords older than this must be changed at the next page (GB/T 22239 8.1.4.1 a); 0 = never.
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PASSWORD_MAX_AGE_DAYS", "90"))

# Who runs this platform: named on the login page (e.g. "廊坊市生态环境局").
PLATFORM_OWNER = os.environ.get("PLATFORM_OWNER", "廊坊市生态环境局 主办")
