"""One settings module, driven by the environment (see docs/deployment.md).

DATABASE_URL      sqlite (default: var/doudi.sqlite3) or postgres://user@host:port/name
SECRET_KEY        or SECRET_KEY_FILE (a file holding it); a fixed dev key only when DEBUG is on
DEBUG             "1"/"true" to enable
ALLOWED_HOSTS     comma-separated
TASKS_BACKEND     "db" (default, embedded worker `doudi db_worker`), "rq" (Redis), "immediate"
REDIS_URL         for TASKS_BACKEND=rq (default redis://127.0.0.1:6379/0)
DOUDI_DATA_DIR    where the SQLite file, uploads and generated files live (default: ./var)
DOUDI_HTTPS       "1": production mode behind HTTPS (HSTS, SSL redirect, secure cookies, idle timeout)
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("DOUDI_DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = DATA_DIR / "files"
MEDIA_URL = "/files/"  # never served directly: downloads go through scoped views

DEBUG = env_bool("DEBUG", False)

_secret_file = os.environ.get("SECRET_KEY_FILE")
if _secret_file:
    SECRET_KEY = Path(_secret_file).read_text(encoding="utf-8").strip()
else:
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # Only acceptable for the embedded demo and tests; production sets SECRET_KEY(_FILE).
    SECRET_KEY = "doudi-insecure-development-key-change-me"

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "doudi.core",
    "doudi.registry",
    "doudi.guardianship",
    "doudi.care",
    "doudi.eligibility",
    "doudi.oversight",
    "doudi.village",
    "doudi.integrity",
    "doudi.programmes",
    "doudi.governance",
    "doudi.mediation",
    "doudi.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "doudi.core.csp.ContentSecurityPolicyMiddleware",  # docs/security.md
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "doudi.core.middleware.LocaleMiddleware",
    "doudi.core.middleware.NulRefusedMiddleware",  # ?q=%00 is a 400, not PostgreSQL's 500
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the second factor given
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "doudi.core.middleware.LoginRequiredMiddleware",
    "doudi.core.second_factor.SecondFactorMiddleware",  # the code before any page (issue 16)
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out sign-in into lockout_response
]

ROOT_URLCONF = "doudi.urls"
WSGI_APPLICATION = "doudi.wsgi.application"

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
                "doudi.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'doudi.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; a busy timeout instead of
    # "database is locked" errors under the embedded worker.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out account or client first
    "django.contrib.auth.backends.ModelBackend",
]

# Sign-in throttling (core/security.py).
AXES_FAILURE_LIMIT = int(os.environ.get("DOUDI_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("DOUDI_LOGIN_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one failing too often is locked
# Failures are reset when a sign-in is complete — after the password, or after the second factor
# for an account that needs one (core/second_factor.py) — never on the password alone: else one who
# knows a password could alternate it with guessed codes for ever.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "doudi.core.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "doudi.core.security.client_ip"
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
DOUDI_PROXY_COUNT = int(os.environ.get("DOUDI_PROXY_COUNT", "0"))
LOGIN_URL = "login"

# Two-factor sign-in (TOTP, django-otp) for the roles of roles.SECOND_FACTOR_CAPS: on by default in
# production mode (DOUDI_HTTPS=1), off for the demo and tests unless DOUDI_REQUIRE_2FA=1 turns it on.
# An account that has enrolled is always asked for its code.
DOUDI_REQUIRE_2FA = env_bool("DOUDI_REQUIRE_2FA", env_bool("DOUDI_HTTPS", False))
OTP_TOTP_ISSUER = "兜底 doudi"
# django-otp's own back-off (1 s, 2 s, 4 s … after each wrong code) would refuse a right code typed
# too soon; wrong codes count as failed sign-ins in axes instead (lockout, audit, unlock page).
OTP_TOTP_THROTTLE_FACTOR = 0
# API tokens expire after this many days (a new one: POST /api/v1/auth/token).
DOUDI_API_TOKEN_DAYS = int(os.environ.get("DOUDI_API_TOKEN_DAYS", "90"))
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# The demo serves static files from the apps directly (no collectstatic step needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600  # a working day
X_FRAME_OPTIONS = "DENY"

# Production mode: one switch, set by docs/deployment.md, for an installation served over HTTPS
# (directly or behind a reverse proxy that sets X-Forwarded-Proto). CI runs
# `doudi check --deploy --fail-level WARNING` in this mode and fails on any warning.
HTTPS = env_bool("DOUDI_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS or env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # the load balancer's probe speaks plain HTTP
    SECURE_HSTS_SECONDS = int(os.environ.get("DOUDI_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DOUDI_HSTS_SUBDOMAINS", True)
    # The header only allows a submission to browsers' preload lists; nothing is submitted by it.
    SECURE_HSTS_PRELOAD = env_bool("DOUDI_HSTS_PRELOAD", True)
    SESSION_COOKIE_NAME = "__Secure-sessionid"
    CSRF_COOKIE_NAME = "__Secure-csrftoken"
    LANGUAGE_COOKIE_SECURE = True
    # Idle timeout: the session is renewed on each request and ends after this many idle minutes
    # (a phone left on a table in a village signs itself out).
    SESSION_COOKIE_AGE = int(os.environ.get("DOUDI_SESSION_IDLE_MINUTES", "60")) * 60
    SESSION_SAVE_EVERY_REQUEST = True

_tasks_backend = os.environ.get("TASKS_BACKEND", "db").lower()
if _tasks_backend == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif _tasks_backend == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

if os.environ.get("REDIS_URL") and _tasks_backend == "rq":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    # Shared by the web process and the embedded worker (job progress, see core/jobs.py).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

# Uploaded files above this many rows run as a background job with a progress bar.
DOUDI_INLINE_IMPORT_MAX_ROWS = int(os.environ.get("DOUDI_INLINE_IMPORT_MAX_ROWS", "2000"))

# ABC动态管理 of sanitation workers (governance): the month's pay per grade, in yuan.
DOUDI_GOVERNANCE_ABC_PAY = {
    "A": os.environ.get("DOUDI_ABC_PAY_A", "2000"),
    "B": os.environ.get("DOUDI_ABC_PAY_B", "1600"),
    "C": os.environ.get("DOUDI_ABC_PAY_C", "1200"),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}


# Reports (integrity): the Fernet key(s) that encrypt reporters' names and contacts, comma-separated,
# newest first (MultiFernet: the first encrypts, all decrypt; docs/integrity.md on rotation). Without
# DOUDI_REPORT_KEY, a key kept in DATA_DIR/report.key (created once) serves the embedded demo.
DOUDI_REPORT_KEY = os.environ.get("DOUDI_REPORT_KEY", "")
if not DOUDI_REPORT_KEY:
    _report_key_file = DATA_DIR / "report.key"
    if not _report_key_file.exists():
        import base64
        import secrets as _secrets

        _report_key_file.write_text(
            base64.urlsafe_b64encode(_secrets.token_bytes(32)).decode(), encoding="utf-8"
        )
        _report_key_file.chmod(0o600)
    DOUDI_REPORT_KEY = _report_key_file.read_text(encoding="utf-8").strip()
# The salt of the receipts' scrypt hash: set it once and never change it (old receipts stop matching).
DOUDI_RECEIPT_SALT = os.environ.get("DOUDI_RECEIPT_SALT", "") or SECRET_KEY
