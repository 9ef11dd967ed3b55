"""A commissioner raises a contract rectification plan against a KPI's
Performance Failure (Schedule 6, 4.2.3 → 4.2.5) and numbers its actions
1.1, 1.2, …; officers post updates, members read; Sandwell's never shows at
Birmingham's."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from inspections import services
from inspections.models import BRAG, Action, ActionPlan, ActionUpdate, PlanKind
from kpis.models import KPI, Reading
from schedule6.models import FailureRule, FailureRuleKind
from tests.inspections.updates import amber_updates

B = "birmingham"


@pytest.fixture
def sandwell_plan(seeds, sandwell_twin):
    """A made-up (TEST) Sandwell plan against PI1's Dec 2018 failure, with an
    action (the twin agrees PI1's 2018/19 target of 90, so its months are Red):
    in every test, so a query that forgets its organisation shows it."""
    plan = services.rectification_plan_create(
        organisation=seeds["sandwell"], kpi=KPI.objects.get(organisation=seeds["sandwell"],
        code="PI1"), failure_period=dt.date(2018, 12, 1), user=None,
        title="TEST Sandwell PI1 plan", dated=dt.date(2019, 1, 7), lead="ZZ",
    )  # fmt: skip
    services.rectification_action_create(plan=plan, number="1", text="TEST Sandwell step")
    return plan


@pytest.fixture
def failure(seeds, sandwell_plan):
    """Birmingham's KPI2 (lower is better, tolerance 17–24%) at 24.1% in
    Oct 2018: Red, a Performance Failure with no rule entered."""
    kpi2 = KPI.objects.get(organisation=seeds["birmingham"], code="KPI2")
    Reading.objects.filter(kpi=kpi2, period=dt.date(2018, 10, 1)).update(value=Decimal("24.1"))
    return kpi2


def _plan_data(kpi, **changes):
    return {
        "kpi": kpi.pk, "failure_period": "2018-10", "title": "TEST KPI2 rectification plan",
        "dated": "2018-11-05", "lead": "GT", **changes,
    }  # fmt: skip


def _action_data(number, text, **changes):
    return {"number": number, "text": text, "lead": "GT", "timescale": "Jan-19",
            "status": "not_rated", **changes}  # fmt: skip


def _text(response):
    return response.content.decode().replace("&#x27;", "'")


def test_the_form_comes_prefilled_with_the_failure(client, commissioner, failure, sandwell_plan):
    client.force_login(commissioner)
    url = reverse("rectification_plan_create", args=[B])
    form = client.get(url, {"kpi": "KPI2", "period": "2018-10"}).context["form"]
    assert form.initial["kpi"] == failure.pk
    assert form.initial["failure_period"] == "2018-10"
    assert form.initial["title"] == "KPI2 rectification plan"
    # Only Birmingham's KPIs are offered: not Sandwell's PI1.
    assert [k.code for k in form.fields["kpi"].queryset] == [f"KPI{n}" for n in range(1, 16)]
    # Nonsense in the query leaves the box blank, never an error.
    form = client.get(url, {"kpi": "PI1", "period": "2018-13"}).context["form"]
    assert "kpi" not in form.initial and "failure_period" not in form.initial


def test_a_commissioner_raises_a_plan_and_numbers_its_actions(
    client, commissioner, failure, sandwell_plan
):
    client.force_login(commissioner)
    response = client.post(reverse("rectification_plan_create", args=[B]), _plan_data(failure))
    plan = ActionPlan.objects.get(title="TEST KPI2 rectification plan")
    assert response.url == reverse("rectification_plan_detail", args=[B, plan.pk])
    assert (plan.kind, plan.kpi, plan.failure_period, plan.dated, plan.lead) == (
        PlanKind.RECTIFICATION, failure, dt.date(2018, 10, 1), dt.date(2018, 11, 5), "GT",
    )  # fmt: skip
    assert plan.organisation.slug == B
    [record] = plan.history.all()
    assert (record.history_user, record.history_change_reason) == (commissioner, "Raised")

    add = reverse("rectification_action_create", args=[B, plan.pk])
    assert client.get(add).context["form"].initial["number"] == 1
    client.post(add, _action_data("1", "TEST audit the re-referrals of October"))
    assert client.get(add).context["form"].initial["number"] == 2
    client.post(add, _action_data("2", "TEST weekly review", status="amber", timescale=""))
    assert list(plan.actions.values_list("reference", "status", "timescale_text")) == [
        ("1.1", BRAG.NOT_RATED, "Jan-19"),
        ("1.2", BRAG.AMBER, ""),
    ]
    # The same number twice is refused on the number, with the text kept.
    response = client.post(add, _action_data("2", "TEST a third step"))
    assert "The plan already has an action 1.2." in _text(response)
    assert "TEST a third step</textarea>" in _text(response)

    page = _text(client.get(reverse("rectification_plan_detail", args=[B, plan.pk])))
    assert "KPI2 % of re-referrals to children's social care within 12 months</a>, Oct 2018" in page
    assert (
        'Oct 2018: <span class="chip chip-red">Red</span> at 24.1% (tolerance 17–24%; lower is '
        "better)." in page
    )
    assert "TEST audit the re-referrals of October" in page and ">1.2</a>" in page
    assert f'data-figure="rect-figure-{plan.pk}"' in page
    assert "TEST Sandwell" not in page


def test_a_month_that_was_no_failure_is_refused_and_the_input_kept(client, commissioner, failure):
    client.force_login(commissioner)
    kpi1 = KPI.objects.get(organisation__slug=B, code="KPI1")  # Green in Oct 2018
    response = client.post(
        reverse("rectification_plan_create", args=[B]), _plan_data(kpi1, title="TEST kept title")
    )
    assert response.status_code == 200
    html = _text(response)
    assert "KPI1 was not a Performance Failure in Oct 2018: it was rated Green." in html
    assert 'value="TEST kept title"' in html and 'value="2018-10"' in html
    assert not ActionPlan.objects.filter(kind=PlanKind.RECTIFICATION, organisation__slug=B).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"failure_period": "Octember"}, "Month of the Performance Failure:"),
        ({"failure_period": "2018-09"}, "Birmingham Children"),  # not held
        ({"dated": "2018-09-30"}, "cannot be dated before 1 Oct 2018"),
        ({"kpi": ""}, "KPI that failed: This field is required."),
    ],
)
def test_bad_input_is_refused_with_a_reason_and_kept(client, commissioner, failure, changes,
                                                     message):  # fmt: skip
    client.force_login(commissioner)
    data = {**_plan_data(failure, title="TEST kept"), **changes}
    html = _text(client.post(reverse("rectification_plan_create", args=[B]), data))
    assert message in html
    assert 'value="TEST kept"' in html
    assert not ActionPlan.objects.filter(kind=PlanKind.RECTIFICATION, organisation__slug=B).exists()


@pytest.mark.parametrize("role", ["member", "officer"])
def test_officers_and_members_cannot_raise_or_change_a_plan(client, role, request, failure,
                                                            sandwell_plan):  # fmt: skip
    client.force_login(request.getfixturevalue(role))
    plan = services.rectification_plan_create(
        organisation=failure.organisation, kpi=failure, failure_period=dt.date(2018, 10, 1),
        user=None, title="TEST plan", dated=dt.date(2018, 11, 1),
    )  # fmt: skip
    posts = [
        (reverse("rectification_plan_create", args=[B]), _plan_data(failure)),
        (reverse("rectification_plan_edit", args=[B, plan.pk]), {**_plan_data(failure),
                                                                 "reason": "TEST"}),
        (reverse("rectification_plan_delete", args=[B, plan.pk]), {"reason": "TEST"}),
        (reverse("rectification_action_create", args=[B, plan.pk]), _action_data("1", "TEST")),
    ]  # fmt: skip
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert ActionPlan.objects.filter(kind=PlanKind.RECTIFICATION).count() == 2
    assert not plan.actions.exists()
    # They read it; the officer may post progress on its actions (below), the member not.
    page = _text(client.get(reverse("rectification_plan_detail", args=[B, plan.pk])))
    assert "TEST plan" in page and "Add an action" not in page and "Edit the plan" not in page


def test_an_officer_posts_progress_on_a_plans_action(client, officer, failure):
    plan = services.rectification_plan_create(
        organisation=failure.organisation, kpi=failure, failure_period=dt.date(2018, 10, 1),
        user=None, title="TEST plan", dated=dt.date(2018, 11, 1),
    )  # fmt: skip
    action = services.rectification_action_create(plan=plan, number="1", text="TEST step")
    client.force_login(officer)
    response = client.post(
        reverse("action_update", args=[B, action.pk]),
        {"dated": "2018-11-20", "text": "TEST started", "status": "green"},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == BRAG.GREEN
    page = _text(client.get(reverse("rectification_plan_detail", args=[B, plan.pk])))
    assert "Latest update, 20 Nov 2018: TEST started" in page
    assert "TEST Sandwell" not in page


def test_it_checks_ownership(client, sandwell_officer, commissioner, failure, sandwell_plan):
    client.force_login(sandwell_officer)
    # Sandwell's officer reads Sandwell's plan, and nothing at Birmingham.
    assert client.get(reverse("rectification_plan_detail", args=["sandwell", sandwell_plan.pk]))
    assert client.get(reverse("rectification_plan_create", args=[B])).status_code == 404
    client.force_login(commissioner)
    # Sandwell's plan is not Birmingham's, whatever the slug says.
    for name in ("rectification_plan_detail", "rectification_plan_edit",
                 "rectification_plan_delete", "rectification_action_create"):  # fmt: skip
        assert client.get(reverse(name, args=[B, sandwell_plan.pk])).status_code == 404, name
    # An Ofsted plan is not a rectification plan's page.
    ofsted = ActionPlan.objects.create(organisation=failure.organisation, title="TEST Ofsted",
                                       dated=dt.date(2018, 11, 1))  # fmt: skip
    assert client.get(reverse("rectification_plan_detail", args=[B, ofsted.pk])).status_code == 404
    # Sandwell's KPI cannot be chosen at Birmingham.
    pi1 = sandwell_plan.kpi
    response = client.post(reverse("rectification_plan_create", args=[B]), _plan_data(pi1))
    assert "Select a valid choice." in _text(response)


def test_an_edit_needs_a_reason_and_is_in_the_history(client, commissioner, failure):
    plan = services.rectification_plan_create(
        organisation=failure.organisation, kpi=failure, failure_period=dt.date(2018, 10, 1),
        user=None, title="TEST plan", dated=dt.date(2018, 11, 1),
    )  # fmt: skip
    client.force_login(commissioner)
    url = reverse("rectification_plan_edit", args=[B, plan.pk])
    assert client.get(url).context["form"].initial["failure_period"] == "2018-10"
    response = client.post(url, _plan_data(failure, title="TEST renamed"))
    assert "Say why, for the history." in _text(response)
    assert 'value="TEST renamed"' in _text(response)
    plan.refresh_from_db()
    assert plan.title == "TEST plan"
    response = client.post(
        url, {**_plan_data(failure, title="TEST renamed"), "reason": "TEST typo"}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.title == "TEST renamed"
    latest = plan.history.latest("history_date")
    assert (latest.history_user, latest.history_change_reason) == (commissioner, "TEST typo")
    edit_page = _text(client.get(url))
    assert "TEST typo" in edit_page and "TEST Sandwell" not in edit_page


def test_a_delete_confirms_what_goes_with_it(client, commissioner, failure):
    plan = services.rectification_plan_create(
        organisation=failure.organisation, kpi=failure, failure_period=dt.date(2018, 10, 1),
        user=None, title="TEST plan", dated=dt.date(2018, 11, 1),
    )  # fmt: skip
    action = services.rectification_action_create(plan=plan, number="1", text="TEST step")
    services.action_update_post(action=action, author=commissioner, dated=dt.date(2018, 11, 2),
                                text="TEST", status="amber")  # fmt: skip
    client.force_login(commissioner)
    url = reverse("rectification_plan_delete", args=[B, plan.pk])
    assert (
        _text(client.get(url)).count(
            "Deleting this plan also deletes its 1 action and 1 progress update."
        )
        == 1
    )
    assert "Say why, for the history." in _text(client.post(url, {"reason": " "}))
    assert ActionPlan.objects.filter(pk=plan.pk).exists()
    response = client.post(url, {"reason": "TEST raised in error"})
    assert response.status_code == 302
    assert not ActionPlan.objects.filter(pk=plan.pk).exists()
    assert not Action.objects.filter(pk=action.pk).exists()
    assert not ActionUpdate.objects.filter(action_id=action.pk).exists()
    # Sandwell's plan and its action are untouched.
    assert ActionPlan.objects.filter(title="TEST Sandwell PI1 plan").get().actions.count() == 1
    gone = ActionPlan.history.filter(id=plan.pk, history_type="-").get()
    assert (gone.history_user, gone.history_change_reason) == (commissioner, "TEST raised in error")


def test_the_kpi_page_shows_the_failure_and_its_plan(client, member, commissioner, failure,
                                                     sandwell_plan):  # fmt: skip
    client.force_login(member)
    url = reverse("kpi_detail", args=[B, "KPI2"])
    page = _text(client.get(url))
    assert 'data-period="2018-10"' in page and "No rectification plan raised." in page
    assert "Raise a rectification plan" not in page  # a member reads, never raises
    client.force_login(commissioner)
    page = _text(client.get(url))
    assert "/o/birmingham/rectification/new/?kpi=KPI2&amp;period=2018-10" in page
    plan = services.rectification_plan_create(
        organisation=failure.organisation, kpi=failure, failure_period=dt.date(2018, 10, 1),
        user=None, title="TEST KPI2 plan", dated=dt.date(2018, 11, 1),
    )  # fmt: skip
    page = _text(client.get(url))
    assert (
        f'Rectification plan: <a href="/o/birmingham/rectification/{plan.pk}/">TEST KPI2 plan'
        in (page)
    )
    assert "TEST Sandwell" not in page
    # Green KPI1 has no failure to list.
    page = _text(client.get(reverse("kpi_detail", args=[B, "KPI1"])))
    assert "No month of KPI1 was a Performance Failure." in page


def test_only_the_trusts_own_failure_rule_decides_its_failures(client, commissioner, failure):
    """Sandwell's rule (12 months running) is not Birmingham's: KPI2's one Red
    month is still Birmingham's failure, until Birmingham's own rule says otherwise."""
    FailureRule.objects.create(organisation=failure.organisation.__class__.objects.get(
        slug="sandwell"), contract_year=2018, kind=FailureRuleKind.CONSECUTIVE, months=12)  # fmt: skip
    client.force_login(commissioner)
    assert 'data-period="2018-10"' in _text(client.get(reverse("kpi_detail", args=[B, "KPI2"])))
    response = client.post(reverse("rectification_plan_create", args=[B]), _plan_data(failure))
    assert response.status_code == 302
    FailureRule.objects.create(organisation=failure.organisation, contract_year=2018,
                               kind=FailureRuleKind.CONSECUTIVE, months=2)  # fmt: skip
    assert 'data-period="2018-10"' not in _text(client.get(reverse("kpi_detail", args=[B, "KPI2"])))
    response = client.post(
        reverse("rectification_plan_create", args=[B]), _plan_data(failure, title="TEST again")
    )
    assert (
        "KPI2 was not a Performance Failure in Oct 2018: it was rated Red, and a Performance "
        "Failure in 2018/19 is a KPI rated Red or Missing for 2 consecutive months."
        in _text(response)
    )


def test_a_plans_action_is_edited_and_deleted_by_the_action_pages(client, commissioner, failure):
    plan = services.rectification_plan_create(
        organisation=failure.organisation, kpi=failure, failure_period=dt.date(2018, 10, 1),
        user=None, title="TEST plan", dated=dt.date(2018, 11, 1),
    )  # fmt: skip
    action = services.rectification_action_create(plan=plan, number="1", text="TEST step")
    client.force_login(commissioner)
    page = _text(client.get(reverse("action_detail", args=[B, action.pk])))
    assert f'<a href="/o/birmingham/rectification/{plan.pk}/">TEST plan</a>' in page
    response = client.post(
        reverse("action_edit", args=[B, action.pk]),
        {**_action_data("3", "TEST step, renumbered"), "reason": "TEST renumbered"},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.reference, action.text) == ("1.3", "TEST step, renumbered")
    response = client.post(reverse("action_delete", args=[B, action.pk]), {"reason": "TEST"})
    assert response.url == reverse("rectification_plan_detail", args=[B, plan.pk])
    assert not plan.actions.exists()
    # Sandwell's action 1.1 is its own plan's.
    sandwell = Action.objects.get(plan__organisation__slug="sandwell", plan__kind="rectification")
    assert sandwell.reference == "1.1"


def test_a_plans_page_lists_its_actions_in_the_plans_order_in_the_same_queries_however_many(
    client, sandwell_officer, sandwell_plan, django_assert_max_num_queries
):
    """Actions saved out of order read in the plan's order, each with its
    latest update, and five more cost no more queries."""

    def more(orders):
        for order in orders:
            action = Action.objects.create(
                plan=sandwell_plan, number=str(order), reference=f"1.{order}",
                text=f"TEST step {order}", order=order,
            )  # fmt: skip
            amber_updates(
                action, year=2019, months=(1, 2), text=f"TEST update {{month}} of 1.{order}"
            )

    client.force_login(sandwell_officer)
    url = reverse("rectification_plan_detail", args=["sandwell", sandwell_plan.pk])
    more([3])
    with django_assert_max_num_queries(60) as few:
        assert client.get(url).status_code == 200
    queries = len(few.captured_queries)
    more([8, 5, 2, 7, 4])
    with django_assert_max_num_queries(queries):
        response = client.get(url)
    rows = [r for r in response.context["rows"] if r.action.text.startswith("TEST step ")]
    assert [r.action.reference for r in rows] == ["1.2", "1.3", "1.4", "1.5", "1.7", "1.8"]
    assert {r.latest_update.text for r in rows} == {
        f"TEST update 2 of {r.action.reference}" for r in rows
    }


def test_a_plan_whose_month_is_no_longer_a_failure_is_listed_apart(client, member, failure):
    """Corrected figures can leave a plan without its failure: the KPI page
    lists it after the failures, saying so; the plan still against a failure
    stays beside it, and is not repeated."""
    services.rectification_plan_create(
        organisation=failure.organisation, kpi=failure, failure_period=dt.date(2018, 10, 1),
        user=None, title="TEST KPI2 plan", dated=dt.date(2018, 11, 1),
    )  # fmt: skip
    ActionPlan.objects.create(
        organisation=failure.organisation, kind=PlanKind.RECTIFICATION, kpi=failure,
        failure_period=dt.date(2018, 9, 1), title="TEST plan of a corrected month",
        dated=dt.date(2018, 10, 3),
    )  # fmt: skip
    client.force_login(member)
    page = _text(client.get(reverse("kpi_detail", args=[B, "KPI2"])))
    assert page.count("TEST KPI2 plan</a>") == 1
    assert "TEST KPI2 plan</a> (dated 1 Nov 2018)." in page
    assert page.count("which its figures no longer rate a Performance Failure") == 1
    assert "TEST plan of a corrected month</a> (dated 3 Oct 2018, against " in page
