"""Settings for trustmonitor.

Everything that differs between a laptop and production is read from the
environment, strictly: a boolean that cannot be parsed is an error, not False.
With nothing set, the app runs in debug mode on an embedded SQLite file.
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from ops.logs import log_format

BASE_DIR = Path(__file__).resolve().parent.parent

# openpyxl parses with lxml whenever lxml is installed (python-docx brings it),
# and then skips defusedxml: keep it on defusedxml, so that a workbook declaring
# entities is refused as unsafe (kpis.imports.files), whatever else is installed.
# Read when openpyxl is first imported, which is after the settings.
os.environ["OPENPYXL_LXML"] = "False"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true or false)")


def env_int(name: str, default: int, *, minimum: int = 1) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number of at least {minimum}")
    return value


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105

# Plain HTTP for a local run (runserver, a laptop): no secure-only cookies,
# no redirect to HTTPS, no HSTS. Follows DEBUG, and is refused without it, so
# a production server can never be switched to plain HTTP by one variable.
INSECURE_HTTP = env_bool("INSECURE_HTTP", DEBUG)
if INSECURE_HTTP and not DEBUG:
    raise ImproperlyConfigured(
        "INSECURE_HTTP=true is for local runs only and is refused with DEBUG=false: "
        "serve production over HTTPS (docs/deploy.md)"
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "kpis",
    "inspections",
    "national",
    "reports",
    "schedule6",
    "ops",
    "notifications",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Inside the session middleware: renews an active session's idle timeout.
    "trustmonitor.security.SessionLifetimeMiddleware",
    # Pages and downloads for a signed-in user are never stored by a browser
    # or proxy cache (static files and /healthz never get here as such).
    "trustmonitor.security.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view reads a parameter: a NUL character is a 400.
    "trustmonitor.security.RefuseNulMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes requires: it turns a lock-out into the 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "trustmonitor.urls"

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
                "django.template.context_processors.csp",
            ],
        },
    },
]

WSGI_APPLICATION = "trustmonitor.wsgi.application"

# SQLite unless DATABASE_URL says otherwise (production runs PostgreSQL).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}

# Argon2id at Django's default costs: a log-in costs a fraction of PBKDF2's
# CPU at no loss of strength, so a burst of members logging in before a
# committee meeting is not queued behind hashes (bench/password_hashes.py,
# docs/performance.md). PBKDF2 stays listed so older hashes still verify;
# each is re-hashed with Argon2id at its owner's next log-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The worker writes to the same file as the web server: a write takes
    # the lock when its transaction begins and waits up to 20 s for it,
    # rather than failing with "database is locked" part-way through.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )

# The shared cache (kpis.status_cache: each organisation's ratings for a
# month): Redis when CACHE_URL (or REDIS_URL, as hosting platforms name it)
# is set, e.g. redis://127.0.0.1:6379/0, so every app server behind the proxy
# shares one; otherwise each process keeps its own in memory (make run, one
# laptop). Either way no page can read a stale rating: every key carries a
# version that the database holds and every write moves on (docs/deploy.md).
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL", "")
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"CACHE_URL={CACHE_URL!r} is not a Redis URL (redis://HOST:PORT/DB, rediss:// or unix://)"
    )
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        # Several deployments may share one Redis: each keeps to its own keys.
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "trustmonitor"),
    }
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "trustmonitor"}
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# History: a change's reason is text of any length (a commissioner's reason
# for reopening a return is kept whole, not refused by a varchar(100)).
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Log-in throttling (django-axes, trustmonitor.security.AxesHandler): five
# failed log-ins for one username from one address lock that pair for
# AXES_COOLOFF_TIME, so an attacker elsewhere cannot lock the real user out;
# and AXES_ADDRESS_FAILURE_LIMIT failures from one address over any accounts
# lock that address (a council's officers share one NAT address, so its limit
# is higher). Password changes count through the same lock. A lock lifts after
# the cool-off, on a password reset by e-mail, or by an administrator
# (`manage.py axes_reset_username NAME`, `axes_reset_ip ADDRESS`, `axes_reset`).
# The page says whom to contact: ACCOUNT_HELP_CONTACT.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "trustmonitor.security.AxesHandler"
AXES_FAILURE_LIMIT = 5
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "trustmonitor.security.lockout_response"
# The username cut to the longest an account can have (axes stores 255).
AXES_USERNAME_CALLABLE = "trustmonitor.security.axes_username"
# The client's address as the security log records it (TRUSTED_PROXIES).
AXES_CLIENT_IP_CALLABLE = "trustmonitor.security.client_ip"

# How many proxies in front of gunicorn append to X-Forwarded-For (0: none,
# REMOTE_ADDR is the client). With N, the client is the N-th address from
# the right: addresses further left were sent by the client and are not
# believed. The log-in throttle and the security log use it.
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0, minimum=0)

# Mail (password reset, reminders) goes through Django's mailers: SMTP to
# EMAIL_HOST (default localhost), or with DEBUG on and no EMAIL_HOST, printed
# on the console. The environment keeps its EMAIL_* names; Django 6.1 reads
# them as the default mailer's OPTIONS.
_EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
_EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG and not _EMAIL_HOST
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {"default": {"BACKEND": _EMAIL_BACKEND}}
if _EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":
    MAILERS["default"]["OPTIONS"] = {
        "host": _EMAIL_HOST or "localhost",
        "port": env_int("EMAIL_PORT", 587),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", True),
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "trustmonitor <noreply@localhost>")
# Password reset requests: at most this many an hour from one address (then
# 429) and for one e-mail address (then no more mail, the same page).
PASSWORD_RESET_ADDRESS_LIMIT = env_int("PASSWORD_RESET_ADDRESS_LIMIT", 10)
PASSWORD_RESET_EMAIL_LIMIT = env_int("PASSWORD_RESET_EMAIL_LIMIT", 3)

# Sessions end after SESSION_IDLE_MINUTES without a request (renewed at most
# once a minute, so reading pages does not write the session each time) and
# SESSION_MAX_HOURS after log-in whatever happens.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 60) * 60
SESSION_MAX_AGE = env_int("SESSION_MAX_HOURS", 12) * 3600
SESSION_RENEW_SECONDS = 60
ACCOUNT_HELP_CONTACT = os.environ.get(
    "ACCOUNT_HELP_CONTACT", "your trustmonitor administrator in the council's commissioning team"
)

# Uploads: a file is cut off one byte past the import limit while it
# arrives, so an oversized upload never fills memory or disk; the form then
# refuses it by its size before anything parses it.
FILE_UPLOAD_HANDLERS = [
    "trustmonitor.security.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Background work: Django's tasks framework with django-tasks-db's database
# backend. `manage.py db_worker` runs the queue (make run starts it; in
# production a second process, docs/deploy.md); `manage.py run_scheduler`
# enqueues the daily jobs (notifications/schedule.py) once a day after
# DAILY_JOBS_AT, local time.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
DAILY_JOBS_AT = os.environ.get("DAILY_JOBS_AT", "06:00")

# The address the app is reached at, for the links in emails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# An upload not confirmed within this many hours expires: its preview
# answers 410 and `manage.py expire_uploads` (run daily) deletes it and the
# table it kept, which may hold personal data. A confirmed upload keeps only
# its name, uploader and times.
UPLOAD_EXPIRY_HOURS = env_int("UPLOAD_EXPIRY_HOURS", 24)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic writes and whitenoise serves from (docs/deploy.md).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Production hardening; `manage.py check --deploy` is clean with DEBUG off.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not INSECURE_HTTP)
# A proxy's health probe comes over plain HTTP; it must not be redirected.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not INSECURE_HTTP
CSRF_COOKIE_SECURE = not INSECURE_HTTP
SECURE_HSTS_SECONDS = 0 if INSECURE_HTTP else env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not INSECURE_HTTP
SECURE_HSTS_PRELOAD = not INSECURE_HTTP
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Scripts only from our own origin or with this response's nonce: no inline
# handlers, no eval. Styles allow inline because Plotly sets style attributes
# on the SVG it draws; data reaches scripts through json_script.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Logs go to stderr, one JSON object per line in production (LOG_FORMAT=json,
# the default when DEBUG is off; ops.logs.JSONFormatter): timestamp, level,
# logger, message and every `extra` field (user, organisation, event, …).
# LOG_LEVEL sets the level for everything else; the app's own loggers
# (trustmonitor.*: security events, health-check failures) always log INFO
# and above. Django's own handlers are dropped so that each record is
# written once, by the root handler, in the chosen format.
try:
    LOG_FORMAT = log_format(os.environ, debug=DEBUG)
except ValueError as error:
    raise ImproperlyConfigured(str(error)) from None
LOG_LEVEL = os.environ.get("LOG_LEVEL", "WARNING").strip().upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"LOG_LEVEL={LOG_LEVEL!r} is not a logging level (e.g. WARNING)")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "ops.logs.JSONFormatter"},
        "text": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "filters": {"refused_host": {"()": "ops.logs.RefusedHostFilter"}},
    "loggers": {
        "django": {"handlers": [], "level": "INFO"},
        # A Host header not in ALLOWED_HOSTS: a WARNING line, no traceback.
        "django.security.DisallowedHost": {"filters": ["refused_host"]},
        "trustmonitor": {"level": "DEBUG" if LOG_LEVEL == "DEBUG" else "INFO"},
    },
}
