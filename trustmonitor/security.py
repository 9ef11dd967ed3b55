"""Security plumbing: the security event log, the log-in lock-out page, the
upload handler that cuts an oversized file off as it arrives, and the refusal
of NUL characters in requests.

Every security-relevant event goes through :func:`log_event`, to the logger
``trustmonitor.security``: one line per event, ``event=… user=… organisation=…``
then the details, and the same fields as attributes of the log record
(``record.event``, ``record.user``, ``record.organisation`` and each detail)
for a structured formatter. Passwords are never passed in.

>>> format_fields({"event": "login_failed", "user": "alice smith", "organisation": None})
'event=login_failed user="alice smith" organisation=-'
"""

import getpass
import json
import logging
import re
import time
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.files.uploadhandler import FileUploadHandler
from django.db.models import Sum
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone

LOGGER_NAME = "trustmonitor.security"
logger = logging.getLogger(LOGGER_NAME)

# Attributes a LogRecord already has: a detail may not reuse one (logging
# would raise KeyError at the worst moment, inside an except block).
_RESERVED = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
_PLAIN = re.compile(r"[\w.@+/:,-]+")


def _user_label(user) -> str | None:
    """A user as the log names them: the username, or a given label."""
    if user is None:
        return None
    if isinstance(user, str):
        return user
    if not getattr(user, "is_authenticated", False):
        return "anonymous"
    return user.get_username()


def _organisation_label(organisation) -> str | None:
    if organisation is None:
        return None
    if isinstance(organisation, str):
        return organisation
    if isinstance(organisation, list | tuple | set):
        return ",".join(sorted(_organisation_label(o) for o in organisation)) or None
    return organisation.slug


def _shown(value: Any) -> str:
    """A value for the one-line message; anything a user typed is quoted
    as JSON, so a newline in a username cannot forge a second log line."""
    if value is None:
        return "-"
    text = str(value)
    return text if _PLAIN.fullmatch(text) else json.dumps(text, ensure_ascii=False)


def format_fields(fields: dict[str, Any]) -> str:
    return " ".join(f"{key}={_shown(value)}" for key, value in fields.items())


def log_event(event: str, *, user, organisation=None, level: int = logging.INFO, **details) -> None:
    """Log one security event with who did it and for which organisation.

    ``user`` is a User, AnonymousUser, a username (a failed log-in) or a
    label such as ``"command line (deploy)"``; ``organisation`` an
    Organisation, a slug, or several. ``details`` are plain values.
    """
    clash = _RESERVED.intersection(details)
    if clash:
        raise ValueError(f"log_event details may not be named {', '.join(sorted(clash))}")
    fields = {
        "event": event,
        "user": _user_label(user),
        "organisation": _organisation_label(organisation),
        **details,
    }
    logger.log(level, "%s", format_fields(fields), extra=fields)


def log_import(event: str, result, *, user, organisation, **details) -> None:
    """One line for an import: who, for which organisation, which file
    (``file=`` in ``details``) and how many readings or targets it created
    and changed. ``result`` is the import's ImportResult."""
    log_event(
        event,
        user=user,
        organisation=organisation,
        rows_created=len(result.new),
        rows_changed=len(result.changed),
        rows_unchanged=len(result.unchanged),
        bad_rows=len(result.errors),
        dry_run=result.dry_run,
        **details,
    )


def command_line_user() -> str:
    """Who ran a management command, for this log: the operating-system account."""
    try:
        return f"command line ({getpass.getuser()})"
    except (OSError, KeyError):  # no login name and no passwd entry
        return "command line"


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or with TRUSTED_PROXIES = N proxies
    in front, the N-th address of X-Forwarded-For from the right (each proxy
    appends the address it was reached from; anything further left the client
    wrote itself, so is not believed). Also axes' AXES_CLIENT_IP_CALLABLE."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXIES
    if not proxies:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < proxies:
        # Fewer hops than proxies: the request did not come through all of
        # them; the left-most hop is the nearest to the client we have.
        return hops[0] if hops else remote
    return hops[-proxies]


def client_address(request) -> str | None:
    """The client's address for the security log (see client_ip)."""
    if request is None:
        return None
    return getattr(request, "axes_ip_address", None) or client_ip(request)


def _organisations_of(username: str | None) -> list:
    from kpis.models import Organisation

    if not username:
        return []
    return list(Organisation.objects.filter(staff__username=username))


# --- Log-in events --------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="trustmonitor.security.logged_in")
def _logged_in(sender, request, user, **kwargs):
    session_started(request)
    log_event(
        "login_succeeded",
        user=user,
        organisation=_organisations_of(user.get_username()),
        ip=client_address(request),
    )


@receiver(user_logged_out, dispatch_uid="trustmonitor.security.logged_out")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        log_event("logged_out", user=user, ip=client_address(request))


@receiver(user_login_failed, dispatch_uid="trustmonitor.security.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in ``credentials``; only the
    # username is taken from them.
    username = str(credentials.get("username") or "")[:150]
    log_event(
        "login_failed",
        user=username,
        organisation=_organisations_of(username),
        level=logging.WARNING,
        ip=client_address(request),
    )


@receiver(user_locked_out, dispatch_uid="trustmonitor.security.locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    log_event(
        "account_locked",
        user=username,
        organisation=_organisations_of(username),
        level=logging.WARNING,
        ip=ip_address,
        minutes=cooloff_minutes(),
    )


# The longest username an account can have (auth.User.username): axes keeps
# each failure's username in a varchar(255), and a longer one is no account.
USERNAME_MAX_LENGTH = 150


def axes_username(request, credentials=None) -> str | None:
    """The username axes counts a failure against (AXES_USERNAME_CALLABLE):
    the one typed, cut to the longest an account can have, so a 300-character
    name is a failed log-in like any other rather than a database error. The
    cut locks no account that its full name would not lock."""
    if credentials:
        username = credentials.get("username")
    else:
        username = request.POST.get("username") if request is not None else None
    return str(username)[:USERNAME_MAX_LENGTH] if username is not None else None


class AxesHandler(AxesDatabaseHandler):
    """axes' database handler, with a second lock by address alone.

    AXES_LOCKOUT_PARAMETERS locks a username at an address after
    AXES_FAILURE_LIMIT failures. axes has one limit for every lock, so the
    address's own count (failures over every username from it within the
    cool-off, AXES_ADDRESS_FAILURE_LIMIT) is checked here: at its limit the
    address counts as having reached AXES_FAILURE_LIMIT, and every log-in
    from it is locked."""

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        if failures < settings.AXES_FAILURE_LIMIT and address_locked(request.axes_ip_address):
            return settings.AXES_FAILURE_LIMIT
        return failures


def address_failures(address: str | None) -> int:
    if not address:
        return 0
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def address_locked(address: str | None) -> bool:
    return address_failures(address) >= settings.AXES_ADDRESS_FAILURE_LIMIT


# --- The lock-out page ------------------------------------------------------------

LOCKOUT_TEMPLATE = "registration/locked_out.html"


def cooloff_minutes() -> int:
    return max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out log-in gets (axes' AXES_LOCKOUT_CALLABLE): HTTP 429,
    how long the lock lasts and whom to ask, in the site's own layout."""
    minutes = cooloff_minutes()
    context = {
        "minutes": minutes,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "address_limit": settings.AXES_ADDRESS_FAILURE_LIMIT,
        "by_address": address_locked(getattr(request, "axes_ip_address", None)),
        "contact": settings.ACCOUNT_HELP_CONTACT,
    }
    response = render(request, LOCKOUT_TEMPLATE, context, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


# --- Uploads ------------------------------------------------------------------------


class SizeLimitedUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: passes on at most one byte more than
    the import limit of each file, and drops the rest as it arrives.

    The handlers after it (memory, then temporary file) so never hold more
    than the limit, however large the upload; the upload form sees a file of
    limit + 1 bytes and refuses it by its size, before any parsing.
    """

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        from kpis.imports.files import MAX_UPLOAD_BYTES

        room = MAX_UPLOAD_BYTES + 1 - self.received
        self.received += len(raw_data)
        if room <= 0:
            return None  # the later handlers never see this chunk
        return raw_data[:room]

    def file_complete(self, file_size):
        return None  # the next handler builds the file


# --- NUL characters -------------------------------------------------------------------

NUL_REFUSED = (
    "The address or the form holds a NUL character (%00), which no page or field "
    "of trustmonitor accepts."
)


def _holds_nul(query) -> bool:
    return any("\0" in key or any("\0" in v for v in values) for key, values in query.lists())


class RefuseNulMiddleware:
    """400 for a request with a NUL character in its path, query string or form
    fields, before any view sees it: PostgreSQL cannot store or compare text
    holding one (a 500), and SQLite compares up to it (``KPI1%00`` would be
    KPI1). Uploaded files' bytes are not form fields and are left to the
    import's checks. Logged, as a probe."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\0" in request.path or _holds_nul(request.GET) or _holds_nul(request.POST):
            log_event(
                "bad_request",
                user=getattr(request, "user", None),
                level=logging.WARNING,
                path=request.path.replace("\0", "%00"),
                method=request.method,
                status=400,
                reason="NUL character",
            )
            return render(request, "400.html", {"reason": NUL_REFUSED}, status=400)
        return self.get_response(request)


# --- Sessions and caches ----------------------------------------------------------------

SESSION_STARTED = "trustmonitor_started"
SESSION_RENEWED = "trustmonitor_renewed"


def session_started(request) -> None:
    """At log-in (which saves the session anyway): when it started and was renewed."""
    session = getattr(request, "session", None)
    if session is not None:
        now = int(time.time())
        session[SESSION_STARTED] = session[SESSION_RENEWED] = now


class SessionLifetimeMiddleware:
    """An idle timeout and a limit on a signed-in session's whole life.

    The session (and its cookie) expires SESSION_COOKIE_AGE after it was last
    renewed; a request renews it when SESSION_RENEW_SECONDS have passed since
    the last renewal, so the timeout counts from the last activity within a
    minute, without writing the session on every request. A session older
    than SESSION_MAX_AGE is ended, whatever its activity.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        now = int(time.time())
        if request.user.is_authenticated:
            started = session.get(SESSION_STARTED)
            if started is not None and now - started > settings.SESSION_MAX_AGE:
                log_event("session_ended", user=request.user, reason="maximum lifetime")
                logout(request)
        response = self.get_response(request)
        if (
            getattr(request, "user", None) is not None
            and request.user.is_authenticated
            and now - session.get(SESSION_RENEWED, 0) >= settings.SESSION_RENEW_SECONDS
        ):
            # Saved, with a new expiry, on the way out (a session from before
            # these keys starts its lifetime now).
            session.setdefault(SESSION_STARTED, now)
            session[SESSION_RENEWED] = now
        return response


NO_STORE = "private, no-store"


class NoStoreMiddleware:
    """``Cache-Control: private, no-store`` on every response to a signed-in
    user: pages and exports hold a trust's data and must not stay in a shared
    or browser cache (the back button after log-out, a proxy). Static files
    are served before this runs (whitenoise) and keep their long cache; the
    health check is anonymous."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = NO_STORE
        return response
