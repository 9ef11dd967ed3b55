"""Every query limited to one organisation stays limited: each test puts the
same kind of data in Sandwell (``sandwell_twin``) and checks Birmingham's
answer does not change. Each one fails if its query's organisation filter is
dropped (checked by deleting the filter and running it).

Queries keyed by the organisation's own KPI ids (a return's readings, a
year's targets in ``targets_set``, compliance's readings and reported counts)
cannot show another trust's rows even unfiltered, so they are not listed."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from inspections import selectors as inspection_selectors
from kpis import access, selectors
from kpis.imports.readings import readings_import
from kpis.models import KPI, Reading
from kpis.services import upload_create

OCT, NOV = dt.date(2018, 10, 1), dt.date(2018, 11, 1)
TODAY = dt.date(2019, 1, 20)


def _birmingham_kpis(seeds):
    return set(KPI.objects.filter(organisation=seeds["birmingham"]).values_list("pk", flat=True))


# --- readings and returns ------------------------------------------------------


def test_another_trusts_accepted_return_does_not_lock_this_trusts_month(
    unreturned_seeds, sandwell_twin, officer
):
    # Sandwell's November is accepted; Birmingham's November has no return.
    result = readings_import(
        organisation=unreturned_seeds["birmingham"], name="r.csv",
        data=b"kpi,period,value\nKPI1,2018-11,86\n", user=officer, today=TODAY,
    )  # fmt: skip
    assert result.errors == []
    assert Reading.objects.get(kpi__code="KPI1", period=NOV).value == Decimal("86")


def test_the_latest_month_and_the_month_picker_are_the_trusts_own(seeds):
    # Sandwell's readings run to December 2018; Birmingham's are October's only.
    assert selectors.latest_period(seeds["birmingham"], drafts=True) == OCT
    assert selectors.available_periods(seeds["birmingham"], drafts=True)[0] == OCT
    assert selectors.latest_period(seeds["sandwell"], drafts=True) == dt.date(2018, 12, 1)


def test_a_month_the_trust_does_not_hold_is_not_held_whatever_another_trust_holds(seeds):
    june = dt.date(2018, 6, 1)  # Sandwell has readings for June 2018; Birmingham none
    reason = selectors.not_held_reason(organisation=seeds["birmingham"], period=june)
    assert reason == (
        "Birmingham Children's Trust has returns in the app for Oct 2018 only: "
        "June 2018 is not held."
    )
    assert not selectors.has_return_page(
        organisation=seeds["birmingham"], period=june, extends=False, today=TODAY
    )


def test_the_returns_list_counts_only_the_trusts_own_readings(seeds):
    months = selectors.returns_overview(organisation=seeds["birmingham"], today=TODAY)
    assert [(m.period, m.readings) for m in months] == [(OCT, 15)]
    month = selectors.return_month(organisation=seeds["birmingham"], period=OCT, today=TODAY)
    assert (month.readings, month.kpis) == (15, 15)


def test_a_members_history_shows_only_months_the_trust_itself_published(
    seeds, sandwell_twin, officer
):
    # Birmingham's November is a draft; Sandwell's November is accepted.
    kpi = KPI.objects.get(organisation=seeds["birmingham"], code="KPI1")
    draft = Reading(kpi=kpi, period=NOV, value=Decimal("86"))
    draft._history_user = officer
    draft.save()
    assert "Reading Nov 2018" in [c.what for c in selectors.kpi_changes(kpi=kpi, drafts=True)]
    assert "Reading Nov 2018" not in [c.what for c in selectors.kpi_changes(kpi=kpi)]


def test_a_years_targets_are_the_trusts_own(seeds, sandwell_twin):
    targets = selectors.targets_for_year(organisation=seeds["birmingham"], year=2018)
    assert set(targets) <= _birmingham_kpis(seeds)
    assert sandwell_twin["target"].kpi_id not in targets


# --- inspections, findings and actions ----------------------------------------


def test_the_action_tracker_and_its_leads_are_the_trusts_own(seeds, sandwell_twin):
    rows = inspection_selectors.action_tracker(organisation=seeds["birmingham"], today=TODAY)
    assert sandwell_twin["action"].pk not in {row.action.pk for row in rows}
    assert "ZZ" not in inspection_selectors.tracker_leads(organisation=seeds["birmingham"])
    sandwell = inspection_selectors.action_tracker(organisation=seeds["sandwell"], today=TODAY)
    assert [row.action.pk for row in sandwell] == [sandwell_twin["action"].pk]
    assert inspection_selectors.tracker_leads(organisation=seeds["sandwell"]) == ["ZZ"]


def test_overdue_red_actions_are_the_trusts_own(seeds, sandwell_twin):
    found = inspection_selectors.overdue_red_actions_by_kpi(
        organisation=seeds["birmingham"], today=TODAY
    )
    assert found == {}
    assert inspection_selectors.overdue_red_actions_by_kpi(
        organisation=seeds["sandwell"], today=TODAY
    ) == {sandwell_twin["finding"].kpis.get().pk: [("1.S1", "TEST Sandwell finding")]}


def test_the_inspection_timeline_and_markers_are_the_trusts_own(seeds, sandwell_twin):
    assert sandwell_twin["inspection"] not in inspection_selectors.inspection_timeline(
        organisation=seeds["birmingham"]
    )
    near = (dt.date(2018, 1, 1), dt.date(2018, 12, 1))
    sandwell = inspection_selectors.inspection_events(organisation=seeds["sandwell"], near=near)
    assert [event["label"] for event in sandwell] == ["TEST Sandwell visit"]
    assert inspection_selectors.inspection_events(organisation=seeds["birmingham"], near=near) == []


# --- uploads and access ---------------------------------------------------------


def test_an_upload_made_for_one_trust_cannot_be_confirmed_into_the_other(
    client, unreturned_seeds, officer_of_both
):
    # The officer works for both trusts, uploads for Sandwell, then swaps the
    # slug in the URL: Birmingham answers 404 and nothing is saved anywhere.
    upload = upload_create(
        organisation=unreturned_seeds["sandwell"], user=officer_of_both, name="r.csv",
        data=b"kpi,period,value\nPI1,2018-11,90\n",
    )  # fmt: skip
    client.force_login(officer_of_both)
    before = Reading.objects.count()
    assert client.get(reverse("upload_preview", args=["birmingham", upload.pk])).status_code == 404
    assert client.get(reverse("upload_preview", args=["sandwell", upload.pk])).status_code == 200
    response = client.post(reverse("upload_confirm", args=["birmingham", upload.pk]))
    assert response.status_code == 404
    assert Reading.objects.count() == before


def test_a_user_with_two_roles_reads_drafts_only_of_the_trust_they_work_for(
    seeds, officer_and_member
):
    birmingham, sandwell = seeds["birmingham"], seeds["sandwell"]
    assert set(access.visible_organisations(officer_and_member)) == {birmingham, sandwell}
    assert access.draft_organisations(officer_and_member) == {birmingham.pk}
    assert access.sees_drafts(officer_and_member, birmingham)
    assert not access.sees_drafts(officer_and_member, sandwell)
    assert not access.can_enter_returns(officer_and_member, sandwell)
    assert not access.can_commission(officer_and_member, birmingham)


def test_a_two_role_user_sees_drafts_of_their_trust_and_published_months_of_the_other(
    client, seeds, officer_and_member
):
    # Birmingham's November draft is theirs to read (its card shows November);
    # Sandwell's return is theirs to read as a member, not to change.
    kpi = KPI.objects.get(organisation=seeds["birmingham"], code="KPI1")
    Reading.objects.create(kpi=kpi, period=NOV, value=Decimal("86"))
    client.force_login(officer_and_member)
    home = client.get(reverse("home")).content.decode()
    birmingham_card = home.split("Birmingham", 1)[1].split("Sandwell", 1)[0]
    assert "Nov 2018" in birmingham_card
    page = reverse("return_detail", args=["sandwell", "2018-10"])
    assert client.get(page).status_code == 200
    before = sorted(Reading.objects.values_list("kpi_id", "period", "value"))
    assert client.post(page, {"version": "1"}).status_code == 403
    assert sorted(Reading.objects.values_list("kpi_id", "period", "value")) == before
