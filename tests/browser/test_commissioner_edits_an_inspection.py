"""A commissioner changes an inspection's judgements in its form and deletes a
finding after its confirm page says what goes with it (issue 11)."""

import pytest

from inspections import services
from inspections.models import Action, Finding, Inspection, Judgement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ILACS = 50  # Birmingham's December 2018 ILACS, in inspections_plans


def test_a_commissioner_edits_judgements_and_deletes_a_finding(page, live_server, log_in, cast):
    log_in("commissioner")
    page.goto(f"{live_server.url}/o/birmingham/inspections/{ILACS}/")
    page.get_by_role("link", name="Edit the inspection and its judgements").click()
    page.wait_for_url(f"**/inspections/{ILACS}/edit/")

    first = Judgement.objects.filter(inspection=ILACS).order_by("order", "pk").first()
    assert page.get_by_label("Area 1").input_value() == first.area
    page.get_by_label("Judgement 1", exact=True).select_option(label="Outstanding")
    # Saved without a reason: refused, and the choice is kept.
    page.get_by_role("button", name="Save").click()
    assert "Say why, for the history." in page.locator(".error-summary").inner_text()
    assert page.get_by_label("Judgement 1", exact=True).input_value() == "outstanding"
    first.refresh_from_db()
    assert first.grade != "outstanding"

    page.get_by_label("Reason for the change").fill("TEST correcting a transcription")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/inspections/{ILACS}/")
    first.refresh_from_db()
    assert first.grade == "outstanding"
    assert "Outstanding" in page.locator("table", has_text="Judgement").first.inner_text()

    finding = Finding.objects.filter(inspection=ILACS).order_by("kind", "order").first()
    action = services.action_create(finding=finding, number="1", text="TEST action")
    page.reload()
    page.locator(f"#finding-{finding.pk}").get_by_role("link", name="Delete").click()
    page.wait_for_url(f"**/findings/{finding.pk}/delete/")
    assert page.locator(".deletion-summary").inner_text() == (
        "Deleting this finding also deletes its 1 action."
    )
    assert Finding.objects.filter(pk=finding.pk).exists()  # the page wrote nothing
    page.get_by_label("Reason for the change").fill("TEST recorded twice")
    page.get_by_role("button", name="Delete").click()
    page.wait_for_url(f"**/inspections/{ILACS}/")
    assert not Finding.objects.filter(pk=finding.pk).exists()
    assert not Action.objects.filter(pk=action.pk).exists()
    assert page.locator(f"#finding-{finding.pk}").count() == 0
    assert Inspection.objects.filter(pk=ILACS).exists()
