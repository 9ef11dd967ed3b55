"""Issue 15 item 11: no cached pages for a signed-in user, sessions that end
when idle and after a set lifetime, the admin site for administrators only,
plain HTTP refused in production, a weak secret key refused by the deploy
check, and the client's address taken from the trusted proxy only."""

import logging
import secrets
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from tests.security.test_headers import BASE_DIR, _production_env
from trustmonitor import security
from trustmonitor.security import LOGGER_NAME, NO_STORE, client_ip

# --- Cache-Control ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/o/birmingham/",
        "/o/birmingham/kpi/KPI2/",
        "/o/birmingham/status.csv",
        "/o/birmingham/report/2018-10/",
        "/accounts/password_change/",
        "/no-such-page/",
    ],
)
def test_a_signed_in_users_pages_and_exports_are_never_stored(client, commissioner, url):
    client.force_login(commissioner)
    response = client.get(url)
    assert response.status_code in {200, 404}
    assert response["Cache-Control"] == NO_STORE


def test_the_health_check_and_anonymous_pages_are_left_alone(client, db):
    assert client.get("/healthz").get("Cache-Control") != NO_STORE
    assert client.get(reverse("login")).get("Cache-Control") != NO_STORE


# --- Sessions -----------------------------------------------------------------------------


def test_sessions_end_when_idle_and_have_a_lifetime():
    assert settings.SESSION_COOKIE_AGE == 60 * 60
    assert settings.SESSION_MAX_AGE == 12 * 60 * 60
    assert not settings.SESSION_SAVE_EVERY_REQUEST  # renewed at most once a minute instead


def _session_expiry(client):
    """When the stored session expires (its row, as the server reads it)."""
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_an_active_session_is_renewed_at_most_once_a_minute(client, officer):
    client.force_login(officer)
    first = _session_expiry(client)
    client.get("/")
    assert _session_expiry(client) == first  # no write within the minute
    session = client.session
    session[security.SESSION_RENEWED] = int(time.time()) - 61
    session.save()
    before = _session_expiry(client)
    client.get("/")
    assert _session_expiry(client) > before  # the idle timeout counts from now


def test_an_idle_session_has_ended(client, officer):
    client.force_login(officer)
    session = client.session
    session.set_expiry(-1)  # as if SESSION_COOKIE_AGE had passed without a request
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_session_past_its_lifetime_is_ended_however_active(client, officer, caplog):
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    client.force_login(officer)
    session = client.session
    session[security.SESSION_STARTED] = int(time.time()) - settings.SESSION_MAX_AGE - 1
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    assert any(getattr(r, "event", "") == "session_ended" for r in caplog.records)


# --- The admin site --------------------------------------------------------------------------


def test_the_demo_commissioner_is_not_staff(seeds):
    call_command("create_demo_accounts", verbosity=0)
    commissioner = User.objects.get(username="commissioner")
    assert not commissioner.is_staff and not commissioner.is_superuser
    assert User.objects.get(username="admin").is_superuser


def test_a_commissioner_without_admin_rights_does_not_reach_the_admin(client, seeds):
    call_command("create_demo_accounts", verbosity=0)
    client.force_login(User.objects.get(username="commissioner"))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert client.get(reverse("admin:kpis_reading_changelist")).status_code == 302


# --- Settings refused in production -----------------------------------------------------------


def _manage(*arguments, **env):
    return subprocess.run(  # noqa: S603 — our own interpreter, fixed arguments
        [sys.executable, "manage.py", *arguments], cwd=BASE_DIR,
        env={**_production_env(), **env}, capture_output=True, text=True,
    )  # fmt: skip


def test_plain_http_is_refused_with_debug_off():
    out = _manage("check", INSECURE_HTTP="true")
    assert out.returncode != 0
    assert "INSECURE_HTTP=true is for local runs only and is refused with DEBUG=false" in (
        out.stderr
    )


def test_plain_http_for_a_local_run_drops_the_https_settings():
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS]))"
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=BASE_DIR,
        env={**_production_env(), "DEBUG": "true", "INSECURE_HTTP": "true"},
        capture_output=True, text=True,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[false, false, false, 0]"


@pytest.mark.parametrize(
    "key",
    [
        "short",
        "a" * 60,
        "django-insecure-" + secrets.token_urlsafe(50),
        "dev-only-insecure-key-never-use-in-production",
    ],
    ids=["short", "one character", "django-insecure", "the development key"],
)
def test_a_weak_secret_key_fails_the_deploy_check_that_make_serve_runs(key):
    out = _manage("check", "--deploy", SECRET_KEY=key)
    assert out.returncode != 0
    assert "trustmonitor.E001" in out.stderr and "SECRET_KEY is weak" in out.stderr


def test_make_serve_stops_on_the_deploy_check():
    makefile = (BASE_DIR / "Makefile").read_text()
    serve = makefile[makefile.index("\nserve:") : makefile.index("# --- test dependencies")]
    check = serve.index("manage.py check --deploy")
    assert check < serve.index("gunicorn -c gunicorn.conf.py")


# --- The client's address --------------------------------------------------------------------


def _request(remote="127.0.0.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = 0
    assert client_ip(_request("192.0.2.10", "203.0.113.99")) == "192.0.2.10"


@pytest.mark.parametrize(
    "proxies, forwarded, client",
    [
        (1, "203.0.113.99, 198.51.100.7", "198.51.100.7"),  # the left one is the client's own claim
        (1, "198.51.100.7", "198.51.100.7"),
        (2, "203.0.113.99, 198.51.100.7, 10.1.1.1", "198.51.100.7"),
        (2, "198.51.100.7", "198.51.100.7"),  # fewer hops than proxies: the nearest we have
        (1, "", "127.0.0.1"),  # no header: the socket's address
    ],
)
def test_the_client_is_the_right_most_untrusted_hop(settings, proxies, forwarded, client):
    settings.TRUSTED_PROXIES = proxies
    assert client_ip(_request("127.0.0.1", forwarded)) == client


def test_the_security_log_records_the_address_the_proxy_saw(client, officer, settings, caplog):
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    settings.TRUSTED_PROXIES = 1
    forwarded = {"HTTP_X_FORWARDED_FOR": "203.0.113.99, 198.51.100.7"}
    client.post(reverse("login"), {"username": "officer", "password": "wrong"},
                REMOTE_ADDR="127.0.0.1", **forwarded)  # fmt: skip
    client.post(reverse("login"), {"username": "officer", "password": "password"},
                REMOTE_ADDR="127.0.0.1", **forwarded)  # fmt: skip
    records = {r.event: r for r in caplog.records if r.name == LOGGER_NAME}
    assert records["login_failed"].ip == "198.51.100.7"
    assert records["login_succeeded"].ip == "198.51.100.7"
