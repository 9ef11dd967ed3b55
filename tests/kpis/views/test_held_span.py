"""The seeds as `make run` loads them: the months the app holds, and the
returns the trusts made before the app (fixtures/seed_returns.json).

Birmingham's paper gives Oct 2018, Sandwell's appendix Jan–Dec 2018: nothing
is owed after those months, and the months given were returned and published.
"""

import datetime as dt
import re

from django.urls import reverse

from kpis.models import MonthlyReturn, Organisation


def _get(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


def test_the_seeds_hold_the_months_their_documents_give(inspected_seeds):
    birmingham, sandwell = inspected_seeds["birmingham"], inspected_seeds["sandwell"]
    assert (birmingham.held_from, birmingham.held_until) == (dt.date(2018, 10, 1),) * 2
    assert (sandwell.held_from, sandwell.held_until) == (dt.date(2018, 1, 1), dt.date(2018, 12, 1))
    returns = MonthlyReturn.objects.filter(state="accepted")
    assert returns.filter(organisation=sandwell).count() == 12
    assert list(returns.filter(organisation=birmingham).values_list("period", flat=True)) == [
        dt.date(2018, 10, 1)
    ]


def test_no_question_calls_a_published_return_overdue(client, member, inspected_seeds):
    response = _get(client, member, "dashboard", "sandwell")
    rules = [(q.rule, q.code) for q in response.context["questions"]]
    assert rules == [
        ("worsening_finding", "PI1"),
        ("worse_than_neighbours", "PI2"),
        ("worsening_run", "PI8"),
        ("worse_than_neighbours", "PI13"),
    ]  # none about the return
    html = response.content.decode()
    assert "overdue" not in html.lower()
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Contract KPIs for Dec 2018 · Return : Accepted" in text


def test_the_month_picker_offers_only_held_months(client, member, inspected_seeds):
    response = _get(client, member, "dashboard", "sandwell")
    choices = [value for value, _ in response.context["form"].fields["period"].choices]
    assert choices == ["", *[f"2018-{m:02d}" for m in range(12, 0, -1)]]


def test_the_report_says_where_the_return_was_published(client, member, inspected_seeds):
    response = _get(client, member, "monthly_report", "sandwell", "2018-12")
    assert response.context["report"].return_summary == (
        "The return for Dec 2018 was made before the app and published in Sandwell's scrutiny "
        "report of March 2019, Appendix 1 (Performance Dataset, Jan-19); it is accepted. "
        "The app holds 15 of 15 readings for Dec 2018."
    )


def test_a_report_for_a_month_not_held_lists_no_kpi_as_missing(client, member, inspected_seeds):
    """Birmingham's action plan is dated 2023; its KPIs for May 2023 are not held."""
    response = _get(client, member, "monthly_report", "birmingham", "2023-05")
    report = response.context["report"]
    reason = (
        "Birmingham Children's Trust has returns in the app for Oct 2018 only: "
        "May 2023 is not held."
    )
    assert report.indicators == [] and report.failures == []
    assert report.sections["failures"].empty == reason
    assert report.return_summary == reason
    html = response.content.decode().replace("&#x27;", "'")
    assert reason in html
    assert "chip-missing" not in html
    assert report.action_plans  # the plan of 2023 is still reported


def test_a_live_trust_still_owes_each_month(client, member, inspected_seeds):
    Organisation.objects.filter(slug="birmingham").update(held_until=None)
    # Newest first: Nov 2018 is on the last page of the months owed since.
    last = _get(client, member, "return_list", "birmingham").context["page"].paginator.num_pages
    response = _get(client, member, "return_list", "birmingham", page=last)
    november = next(m for m in response.context["months"] if m.period == dt.date(2018, 11, 1))
    assert november.overdue is True
