"""Log-in throttling (django-axes): five failures on a username from one
address lock that username at that address for AXES_COOLOFF_TIME, even
against the right password, and twenty from one address over any accounts
lock the address; the page says so with HTTP 429; the lock expires, a
password reset lifts it, or an admin does. A password change counts the
same. An attacker elsewhere cannot lock the real user out."""

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


# Documentation addresses (RFC 5737): the test client's REMOTE_ADDR only.
OFFICE = "192.0.2.10"
ELSEWHERE = "198.51.100.7"


def _log_in(client, username, password, address=OFFICE):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def _fail(client, username, times, address=OFFICE):
    for _ in range(times):
        response = _log_in(client, username, "not-the-password", address)
        assert response.status_code == 200  # the form again, with its error


def _lock(client, username, address=OFFICE):
    """Four failures, and the fifth locks the account at that address."""
    _fail(client, username, 4, address)
    assert _log_in(client, username, "not-the-password", address).status_code == 429


def _is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_it_is_configured_as_the_contract_needs():
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_ADDRESS_FAILURE_LIMIT == 20
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
    assert "5 failed log-ins to this account from your network" in html
    assert reverse("password_reset") in html  # the way back in that lifts the lock
    assert escape(settings.ACCOUNT_HELP_CONTACT) in html
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    # The page is the site's own, under the same Content-Security-Policy.
    assert "'nonce-" in response["Content-Security-Policy"]


def test_the_lock_is_on_the_username_at_that_address(client, officer, member):
    _lock(client, "officer")
    # Same address: another account still logs in.
    assert _log_in(client, "member", "password").status_code == 302
    client.logout()
    # An attacker elsewhere locked "officer" at their own address only: the
    # real officer, at the office, is not locked out.
    assert _log_in(client, "officer", "password", ELSEWHERE).status_code == 302


def test_an_attacker_cannot_lock_the_real_user_out(client, officer):
    for _ in range(15):  # repeatedly, from where the attacker is
        _log_in(client, "officer", "not-the-password", ELSEWHERE)
    assert _log_in(client, "officer", "password", OFFICE).status_code == 302


def test_twenty_failures_from_one_address_over_any_accounts_lock_the_address(
    client, officer, member
):
    for name in ("alice", "bob", "carol", "dave"):
        _fail(client, name, 4)  # none of them reaches its own lock
    _fail(client, "erin", 3)
    # The twentieth failure locks the address: every log-in from it waits,
    # the right password too.
    assert _log_in(client, "erin", "not-the-password").status_code == 429
    locked = _log_in(client, "officer", "password")
    assert locked.status_code == 429
    assert "Log-ins from your network locked for 15 minutes" in locked.content.decode()
    assert "20 failed log-ins from your network" in locked.content.decode()
    assert _log_in(client, "member", "password").status_code == 429
    # Another address is not affected.
    assert _log_in(client, "officer", "password", ELSEWHERE).status_code == 302


def test_nineteen_failures_from_an_office_do_not_lock_it(client, officer):
    for name in ("alice", "bob", "carol", "dave"):
        _fail(client, name, 4)
    _fail(client, "erin", 3)
    assert _log_in(client, "officer", "password").status_code == 302


def test_an_address_lock_is_lifted_by_an_admin(client, officer):
    for name in ("alice", "bob", "carol", "dave"):
        _fail(client, name, 4)
    _fail(client, "erin", 3)
    assert _log_in(client, "erin", "not-the-password").status_code == 429
    assert _log_in(client, "officer", "password").status_code == 429
    call_command("axes_reset_ip", OFFICE, verbosity=0)
    assert _log_in(client, "officer", "password").status_code == 302


def test_the_client_address_comes_from_the_trusted_proxy(client, officer, settings):
    settings.TRUSTED_PROXIES = 1
    spoofed = {"HTTP_X_FORWARDED_FOR": f"203.0.113.99, {ELSEWHERE}"}
    for _ in range(5):
        client.post(LOGIN, {"username": "officer", "password": "x"}, REMOTE_ADDR="127.0.0.1",
                    **spoofed)  # fmt: skip
    # Locked at the address the proxy saw (the right-most hop), not at the one
    # the client wrote, nor at the proxy's own.
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ELSEWHERE}
    office = {"HTTP_X_FORWARDED_FOR": f"{ELSEWHERE}, {OFFICE}"}
    response = client.post(LOGIN, {"username": "officer", "password": "password"},
                           REMOTE_ADDR="127.0.0.1", **office)  # fmt: skip
    assert response.status_code == 302


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


# --- Password change and reset ------------------------------------------------------------


def test_guessing_the_old_password_locks_like_a_log_in(client, officer):
    client.force_login(officer)
    change = reverse("password_change")
    wrong = {
        "old_password": "guess",
        "new_password1": "x9!long-enough-pw",
        "new_password2": "x9!long-enough-pw",
    }
    for _ in range(4):
        response = client.post(change, wrong, REMOTE_ADDR=OFFICE)
        assert response.status_code == 200
        assert "Your old password was entered incorrectly" in response.content.decode()
    assert client.post(change, wrong, REMOTE_ADDR=OFFICE).status_code == 429
    right = {**wrong, "old_password": "password"}
    assert client.post(change, right, REMOTE_ADDR=OFFICE).status_code == 429
    officer.refresh_from_db()
    assert officer.check_password("password")  # not changed while locked


def test_a_password_change_with_the_right_old_password_works(client, officer):
    client.force_login(officer)
    new = "correct horse battery staple 1975"
    data = {"old_password": "password", "new_password1": new, "new_password2": new}
    response = client.post(reverse("password_change"), data, REMOTE_ADDR=OFFICE)
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password(new)


def _request_reset(client, email, address=OFFICE):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_a_reset_mail_is_sent_and_the_page_never_says_whether_an_account_exists(
    client, officer, mailoutbox
):
    officer.email = "officer@example.org"
    officer.save()
    known = _request_reset(client, "officer@example.org")
    unknown = _request_reset(client, "nobody@example.org", ELSEWHERE)
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("password_reset_done")
    [mail] = mailoutbox
    assert mail.to == ["officer@example.org"]
    assert "/accounts/reset/" in mail.body


def test_reset_mails_for_one_address_stop_at_the_limit_silently(client, officer, mailoutbox):
    officer.email = "officer@example.org"
    officer.save()
    addresses = ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5"]
    for address in addresses:
        response = _request_reset(client, "officer@example.org", address)
        assert response.status_code == 302  # the same page every time
        assert response.url == reverse("password_reset_done")
    assert len(mailoutbox) == settings.PASSWORD_RESET_EMAIL_LIMIT == 3


def test_reset_requests_from_one_address_are_throttled(client, db, mailoutbox):
    for i in range(settings.PASSWORD_RESET_ADDRESS_LIMIT):
        assert _request_reset(client, f"someone{i}@example.org").status_code == 302
    refused = _request_reset(client, "one-more@example.org")
    assert refused.status_code == 429
    assert "Too many password reset requests" in refused.content.decode()
    assert _request_reset(client, "one-more@example.org", ELSEWHERE).status_code == 302


def test_a_password_reset_lifts_the_lock(client, officer):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    _lock(client, "officer")
    uid = urlsafe_base64_encode(force_bytes(officer.pk))
    token = default_token_generator.make_token(officer)
    form = client.get(reverse("password_reset_confirm", args=[uid, token]), follow=True)
    new = "correct horse battery staple 1975"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert _log_in(client, "officer", new).status_code == 302
