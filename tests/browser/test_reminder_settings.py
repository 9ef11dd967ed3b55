"""An officer finds their reminder settings from the bar at the top of the
page, turns one kind off, names their lead initials, and the page has
nothing axe-core finds."""

import pytest

from notifications.models import ReminderPreference
from tests.browser.test_accessibility import assert_no_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_turns_a_reminder_off(page, live_server, log_in, officer):
    log_in("officer")
    page.get_by_role("link", name="Email reminders").click()
    page.get_by_role("heading", name="Email reminders").wait_for()
    assert_no_violations(page, "reminder settings")

    due = page.get_by_label("A return is due in a few days")
    assert due.is_checked()
    due.uncheck()
    page.get_by_label("Your initials as action plans name leads").fill("GT")
    page.get_by_role("button", name="Save my settings").click()
    page.get_by_text("Your reminder settings are saved.").wait_for()

    saved = ReminderPreference.objects.get(user=officer)
    assert (saved.return_due, saved.return_overdue, saved.lead_initials) == (False, True, "GT")
    assert not page.get_by_label("A return is due in a few days").is_checked()
