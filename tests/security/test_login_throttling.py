"""Log-in throttling (django-axes): five failures on a username lock that
account for AXES_COOLOFF_TIME, even against the right password; the page
says so with HTTP 429; the lock expires, or an admin lifts it."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from kpis.services import DEMO_PASSWORD

LOGIN = reverse("login")


def _log_in(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def _fail(client, username, times):
    for _ in range(times):
        response = _log_in(client, username, "not-the-password")
        assert response.status_code == 200  # the form again, with its error


def _lock(client, username):
    """Four failures, and the fifth locks the account."""
    _fail(client, username, 4)
    assert _log_in(client, username, "not-the-password").status_code == 429


def _is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_it_is_configured_as_the_contract_needs():
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username"]
    assert settings.AXES_COOLOFF_TIME == dt.timedelta(minutes=15)


def test_four_failures_then_the_right_password_logs_in(client, officer):
    _fail(client, "officer", 4)
    response = _log_in(client, "officer", "password")
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert _is_logged_in(client)


def test_a_success_starts_the_count_again(client, officer):
    _fail(client, "officer", 4)
    assert _log_in(client, "officer", "password").status_code == 302
    client.logout()
    _fail(client, "officer", 4)
    assert _log_in(client, "officer", "password").status_code == 302


def test_five_failures_lock_the_account_even_with_the_right_password(client, officer):
    _lock(client, "officer")
    response = _log_in(client, "officer", "password")
    assert response.status_code == 429
    assert not _is_logged_in(client)


def test_the_lock_out_page_says_for_how_long_and_whom_to_contact(client, officer):
    _lock(client, "officer")
    response = _log_in(client, "officer", "password")
    html = response.content.decode()
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "Account locked for 15 minutes" in html
    assert "5 failed log-ins" in html
    assert escape(settings.ACCOUNT_HELP_CONTACT) in html
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    # The page is the site's own, under the same Content-Security-Policy.
    assert "'nonce-" in response["Content-Security-Policy"]


def test_the_lock_is_on_the_username_not_the_address(client, officer, member):
    _lock(client, "officer")
    # Same client, same address: another account still logs in.
    assert _log_in(client, "member", "password").status_code == 302


def test_the_lock_expires_after_the_cool_off(client, officer):
    _lock(client, "officer")
    assert _log_in(client, "officer", "password").status_code == 429
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16))
    response = _log_in(client, "officer", "password")
    assert response.status_code == 302
    assert _is_logged_in(client)


@pytest.mark.parametrize(
    "command", [("axes_reset",), ("axes_reset_username", "officer")], ids=["all", "username"]
)
def test_an_admin_can_lift_the_lock(client, officer, command):
    _lock(client, "officer")
    assert _log_in(client, "officer", "password").status_code == 429
    call_command(*command, verbosity=0)
    assert _log_in(client, "officer", "password").status_code == 302


def test_the_admin_log_in_is_throttled_too(client, admin_user):
    for _ in range(5):
        client.post(
            reverse("admin:login"), {"username": "admin", "password": "wrong", "next": "/admin/"}
        )
    response = client.post(
        reverse("admin:login"), {"username": "admin", "password": "password", "next": "/admin/"}
    )
    assert response.status_code == 429


def test_the_demo_accounts_still_log_in(client, seeds):
    call_command("create_demo_accounts", verbosity=0)
    assert _log_in(client, "officer-birmingham", DEMO_PASSWORD).status_code == 302


@pytest.mark.parametrize("password", ["password", "short1", "12345678901", "officer-birmingham1"])
def test_weak_passwords_are_refused_by_the_validators(password):
    from django.contrib.auth.models import User

    user = User(username="officer-birmingham", first_name="Demo")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_strong_password_passes_the_validators():
    validate_password("correct horse battery staple 1975")
