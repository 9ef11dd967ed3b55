"""A person who mistypes their password five times sees, in the browser,
that the account is locked (from their network), for how long, how a
password reset lifts it, and whom to ask."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_fifth_wrong_password_shows_the_lock_out_page(page, live_server, officer):
    page.goto(f"{live_server.url}/accounts/login/")
    for _ in range(5):
        page.get_by_label("Username").fill("officer")
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Log in").click()
        if page.get_by_role("heading", name="Account locked for 15 minutes").count():
            break
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Account locked for 15 minutes"
    assert "contact your trustmonitor administrator" in page.locator("main").inner_text()
    # A way in that someone without the account's mail cannot block: a reset lifts the lock.
    assert page.get_by_role("link", name="set a new one by email").is_visible()

    # The right password is refused too, until the lock expires.
    page.get_by_role("link", name="Back to log in").click()
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Account locked for 15 minutes"
