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


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105

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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# History: a change's reason is text of any length (a commissioner's reason
# for reopening a return is kept whole, not refused by a varchar(100)).
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Log-in throttling (django-axes): five failed log-ins on one username lock
# that account for AXES_COOLOFF_TIME, whatever the password tried next and
# from whichever address (officers share council NAT addresses, so keying on
# the IP would lock out a whole office). `manage.py axes_reset_username NAME`
# lifts a lock early. The page says whom to contact: ACCOUNT_HELP_CONTACT.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "trustmonitor.security.lockout_response"
# The username cut to the longest an account can have (axes stores 255).
AXES_USERNAME_CALLABLE = "trustmonitor.security.axes_username"
# axes warns whenever the IP address is not a lock-out key (W006). Keyed on
# the username alone, rotating addresses, user agents or cookies gains an
# attacker nothing against one account; keying on the IP too would lock
# everyone behind a council's shared address.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
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
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# A proxy's health probe comes over plain HTTP; it must not be redirected.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
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
