"""The monthly report's 4.2.3 says something true in every case (no target
agreed, none in force, every reading awaited, some awaited, failures, none),
offers the commissioner a rectification plan from each failure, and 4.2.5
lists the plans with each action's BRAG as at the month's end. Birmingham's
and Sandwell's side by side, so neither shows in the other's report."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from inspections import services
from kpis.models import KPI, Organisation, Reading, Target
from kpis.periods import format_period, month_start
from kpis.status_cache import status_version_bump
from reports import selectors

B = "birmingham"


def _page(client, user, slug, period):
    client.force_login(user)
    response = client.get(reverse("monthly_report", args=[slug, period]))
    return response, response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


def _red_kpi2(seeds):
    kpi2 = KPI.objects.get(organisation=seeds[B], code="KPI2")
    Reading.objects.filter(kpi=kpi2, period=dt.date(2018, 10, 1)).update(value=Decimal("24.1"))
    return kpi2


def _live(organisation):
    """A live record (no end to the held span), so this month is a month it reports."""
    Organisation.objects.filter(pk=organisation.pk).update(held_until=None)


def test_targets_not_agreed_say_so(client, member, seeds, sandwell_twin):
    # The twin agrees PI1's target: with it, Sandwell Dec 2018 has a failure (66.6 < 80).
    response, html = _page(client, member, "sandwell", "2018-12")
    assert [i.row.kpi.code for i in response.context["report"].failures] == ["PI1"]
    Target.objects.filter(pk=sandwell_twin["target"].pk).update(
        agreed=False, value=None, lower=None, upper=None
    )
    # update() sends no signal: the cached ratings move on by hand, as the services' own
    # bulk writes do (kpis.status_cache).
    status_version_bump(organisation_id=seeds["sandwell"].pk)
    response, html = _page(client, member, "sandwell", "2018-12")
    assert (
        "No performance failure can be identified for Dec 2018: the KPIs' targets for 2018/19 "
        "have not yet been agreed, so no KPI had a target to fail." in html
    )
    assert "No KPI had a target in force" not in html


def test_no_target_at_all_says_none_was_in_force(client, member, seeds, sandwell_twin):
    Target.objects.filter(kpi__organisation=seeds["sandwell"]).delete()
    _, html = _page(client, member, "sandwell", "2018-12")
    assert selectors.NO_TARGETS.format(month="Dec 2018") in html
    # Birmingham's targets are its own: its October still finds what it finds.
    _, html = _page(client, member, B, "2018-10")
    assert selectors.NO_FAILURES.format(month="Oct 2018") in html


def test_every_reading_awaited_does_not_say_no_target(client, commissioner, seeds, sandwell_twin):
    # This month's return is never due yet: every KPI is Awaiting, against
    # the 2018/19 targets still in force.
    _live(seeds[B])
    period = month_start(timezone.localdate())
    response, html = _page(client, commissioner, B, format_period(period))
    report = response.context["report"]
    assert {i.row.status for i in report.indicators} == {"awaiting"}
    assert all(i.row.target is not None for i in report.indicators)
    sentence = selectors.ALL_AWAITING.format(
        month=report.month, due=selectors.day_label(report.return_month.due)
    )
    assert sentence in html
    assert "No KPI had a target in force" not in html


def test_some_readings_awaited_are_named_beside_what_was_found(
    client, commissioner, seeds, sandwell_twin
):
    _live(seeds[B])
    period = month_start(timezone.localdate())
    for kpi in KPI.objects.filter(organisation=seeds[B]).exclude(code__in=["KPI14", "KPI15"]):
        Reading.objects.create(kpi=kpi, period=period, value=Decimal("1"))
    response, html = _page(client, commissioner, B, format_period(period))
    report = response.context["report"]
    codes = {i.row.kpi.code for i in report.failures}
    assert codes and "KPI14" not in codes and "KPI15" not in codes
    assert f"KPI14 and KPI15 have a target in force but no reading for {report.month} yet" in html


def test_failures_are_listed_with_a_button_for_the_commissioner(
    client, member, commissioner, seeds, sandwell_twin
):
    _red_kpi2(seeds)
    response, html = _page(client, member, B, "2018-10")
    assert [i.row.kpi.code for i in response.context["report"].failures] == ["KPI2"]
    assert "None raised" in html
    assert "Raise a rectification plan" not in html
    _, html = _page(client, commissioner, B, "2018-10")
    assert "/o/birmingham/rectification/new/?kpi=KPI2&amp;period=2018-10" in html
    assert "PI1" not in [i.row.kpi.code for i in response.context["report"].failures]


def test_no_failure_found_says_so(client, member, seeds, sandwell_twin):
    # Sandwell PI1 fails in Oct 2018 (the twin's target); Birmingham does not.
    _, html = _page(client, member, B, "2018-10")  # 3 Amber, 12 Green
    assert selectors.NO_FAILURES.format(month="Oct 2018") in html


def test_a_missing_month_without_a_target_is_no_failure(client, member, seeds):
    """Sandwell's targets are not agreed: a month with no reading is Missing, but
    has no target to fail. (Not the twin: it agrees PI1's target.) Birmingham's
    red KPI2 stays Birmingham's."""
    _red_kpi2(seeds)
    _live(seeds["sandwell"])
    Reading.objects.filter(kpi__organisation=seeds["sandwell"], period="2018-12-01").delete()
    Organisation.objects.filter(pk=seeds["sandwell"].pk).update(held_until=None)
    response, html = _page(client, member, "sandwell", "2018-12")
    report = response.context["report"]
    assert {i.row.status for i in report.indicators} == {"missing"}
    assert report.failures == []
    assert "have not yet been agreed" in html
    _, html = _page(client, member, B, "2018-10")
    assert 'data-kpi="KPI2"' in html.split('id="s-failures"')[1].split("</section>")[0]


def test_the_plan_is_in_4_2_5_with_each_actions_brag_as_at_month_end(
    client, member, seeds, sandwell_twin
):
    kpi2 = _red_kpi2(seeds)
    plan = services.rectification_plan_create(
        organisation=seeds[B], kpi=kpi2, failure_period=dt.date(2018, 10, 1), user=None,
        title="TEST KPI2 rectification plan", dated=dt.date(2018, 10, 22), lead="GT",
    )  # fmt: skip
    first = services.rectification_action_create(
        plan=plan, number="1", text="TEST audit October's re-referrals", lead="GT",
        timescale=dt.date(2018, 12, 1), timescale_text="Dec-18",
    )  # fmt: skip
    services.rectification_action_create(plan=plan, number="2", text="TEST weekly review")
    services.action_update_post(action=first, author=None, dated=dt.date(2018, 10, 25),
                                text="TEST begun", status="amber")  # fmt: skip
    services.action_update_post(action=first, author=None, dated=dt.date(2018, 11, 20),
                                text="TEST on course", status="green")  # fmt: skip
    sandwell = services.rectification_plan_create(
        organisation=seeds["sandwell"], kpi=KPI.objects.get(organisation=seeds["sandwell"],
        code="PI1"), failure_period=dt.date(2018, 10, 1), user=None,
        title="TEST Sandwell PI1 plan", dated=dt.date(2018, 10, 22),
    )  # fmt: skip
    services.rectification_action_create(plan=sandwell, number="1", text="TEST Sandwell step")

    response, html = _page(client, member, B, "2018-10")
    [progress] = response.context["report"].rectification_plans
    assert [(r.action.reference, r.status) for r in progress.rows] == [
        ("1.1", "amber"),
        ("1.2", "not_rated"),
    ]
    assert "for KPI2's Performance Failure in Oct 2018, led by GT" in html
    assert 'data-action="1.1"><td>1.1</td><td class="small">TEST audit October' in html
    assert "Amber" in html.split('data-action="1.1"')[1].split("</tr>")[0]
    # 4.2.3's failure row links its plan.
    assert f'<a href="/o/birmingham/rectification/{plan.pk}/">TEST KPI2 rectification plan</a>' in (
        html
    )
    assert "TEST Sandwell" not in html
    # A month later (not held: the plans still report) the update of 20 Nov counts.
    response, html = _page(client, member, B, "2018-11")
    [progress] = response.context["report"].rectification_plans
    assert [r.status for r in progress.rows] == ["green", "not_rated"]
    # Sandwell's own report has Sandwell's plan only.
    response, _ = _page(client, member, "sandwell", "2018-10")
    assert [p.plan.title for p in response.context["report"].rectification_plans] == [
        "TEST Sandwell PI1 plan"
    ]


def _sandwell_plan(seeds):
    return services.rectification_plan_create(
        organisation=seeds["sandwell"], kpi=KPI.objects.get(organisation=seeds["sandwell"],
        code="PI1"), failure_period=dt.date(2018, 10, 1), user=None,
        title="TEST Sandwell PI1 plan", dated=dt.date(2018, 10, 22),
    )  # fmt: skip


def test_a_plan_with_no_action_yet_is_listed(client, member, seeds, sandwell_twin):
    _sandwell_plan(seeds)
    kpi2 = _red_kpi2(seeds)
    services.rectification_plan_create(
        organisation=seeds[B], kpi=kpi2, failure_period=dt.date(2018, 10, 1), user=None,
        title="TEST new plan", dated=dt.date(2018, 10, 30),
    )  # fmt: skip
    response, html = _page(client, member, B, "2018-10")
    assert response.context["sections"]["rectification_plans"].empty == ""
    assert "TEST new plan" in html and "The plan has no action yet." in html
    assert "TEST Sandwell" not in html


def test_a_plan_dated_after_the_month_is_not_in_its_4_2_5(client, member, seeds, sandwell_twin):
    _sandwell_plan(seeds)  # dated in Oct: in Sandwell's 4.2.5, never Birmingham's
    kpi2 = _red_kpi2(seeds)
    services.rectification_plan_create(
        organisation=seeds[B], kpi=kpi2, failure_period=dt.date(2018, 10, 1), user=None,
        title="TEST later plan", dated=dt.date(2018, 11, 2),
    )  # fmt: skip
    _, html = _page(client, member, B, "2018-10")
    assert "TEST later plan</a> (dated 2 Nov 2018)" in html  # linked from 4.2.3
    response, _ = _page(client, member, B, "2018-10")
    assert response.context["report"].rectification_plans == []
