"""The returns list: the held months, newest first, 24 a page, filterable by state."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kpis import services
from kpis.models import KPI, MonthlyReturn, Organisation, Reading
from kpis.periods import add_months, month_start


@pytest.fixture
def live_birmingham(seeds):
    """Birmingham as a trust whose returns still come in: every month from
    Oct 2018 (its one seed month, accepted) to this month is held."""
    Organisation.objects.filter(slug="birmingham").update(held_until=None)


def _list(client, user, slug="birmingham", **params):
    client.force_login(user)
    return client.get(reverse("return_list", args=[slug]), params)


def _periods(response):
    return [m.period for m in response.context["months"]]


def test_a_long_open_span_runs_newest_first_over_pages_of_24(client, member, live_birmingham):
    this_month = month_start(timezone.localdate())
    first = _list(client, member)
    assert first.status_code == 200
    assert _periods(first) == [add_months(this_month, -n) for n in range(24)]
    second = _list(client, member, page=2)
    assert _periods(second) == [add_months(this_month, -n) for n in range(24, 48)]
    html = first.content.decode()
    assert '<nav aria-label="Pages of monthly returns"' in html
    assert 'aria-current="page"><span class="visually-hidden">Page </span>1</a>' in html
    assert 'href="?page=2"' in html
    assert "Months 1–24 of" in html


def test_the_last_page_ends_at_the_first_month_held(client, member, live_birmingham):
    pages = _list(client, member).context["page"].paginator.num_pages
    last = _list(client, member, page=pages)
    assert _periods(last)[-1] == dt.date(2018, 10, 1)
    assert 'rel="next"' not in last.content.decode()


def test_a_closed_span_of_a_year_is_one_page_without_page_links(client, member, seeds):
    response = _list(client, member, "sandwell")
    assert len(_periods(response)) == 12
    assert "Pages of monthly returns" not in response.content.decode()


def test_the_state_filter_narrows_the_list_and_keeps_its_value(
    client, member, officer, live_birmingham
):
    services.monthly_return_get_or_create(
        organisation=Organisation.objects.get(slug="birmingham"), period=dt.date(2018, 11, 1)
    )
    drafts = _list(client, member, state="draft")
    assert _periods(drafts) == [dt.date(2018, 11, 1)]
    html = drafts.content.decode()
    assert '<option value="draft" selected>Draft</option>' in html
    assert "Months 1–1 of 1, newest first; state: Draft." in html
    accepted = _list(client, member, state="accepted")
    assert [(m.period, m.state) for m in accepted.context["months"]] == [
        (dt.date(2018, 10, 1), "accepted")
    ]
    not_started = list(
        m.period
        for m in _list(client, member, state="not_started").context["page"].paginator.object_list
    )
    assert dt.date(2018, 11, 1) not in not_started and dt.date(2018, 12, 1) in not_started
    assert _list(client, member, state="submitted").context["months"] == []


def test_overdue_cuts_across_draft_and_not_started(client, member, live_birmingham):
    services.monthly_return_get_or_create(
        organisation=Organisation.objects.get(slug="birmingham"), period=dt.date(2018, 11, 1)
    )
    overdue = _list(client, member, state="overdue")
    months = list(overdue.context["page"].paginator.object_list)
    assert all(m.overdue for m in months)
    assert {m.state for m in months} == {"draft", "none"}
    # This month's return is not yet due, so it is not overdue.
    assert month_start(timezone.localdate()) not in [m.period for m in months]


def test_page_links_keep_the_filter(client, member, live_birmingham):
    html = _list(client, member, state="not_started").content.decode()
    assert 'href="?state=not_started&amp;page=2"' in html
    second = _list(client, member, state="not_started", page=2)
    assert second.status_code == 200
    assert all(m.state == "none" for m in second.context["months"])


def test_a_filter_nothing_matches_says_so(client, member, seeds):
    response = _list(client, member, "sandwell", state="draft")
    assert response.status_code == 200
    assert "No month matches the state “Draft”." in response.content.decode()


def test_an_unknown_state_lists_every_month(client, member, seeds):
    response = _list(client, member, "sandwell", state="lost")
    assert len(_periods(response)) == 12
    assert '<option value="" selected>All states</option>' in response.content.decode()


@pytest.mark.parametrize("page", ["0", "-1", "3", "99", "two", "1.5"])
def test_a_page_that_is_not_one_of_the_lists_is_404(client, member, seeds, page):
    assert _list(client, member, "sandwell", page=page).status_code == 404


def test_page_one_of_an_empty_filter_is_a_page(client, member, seeds):
    response = _list(client, member, "sandwell", state="overdue", page="1")
    assert "No month matches the state “Overdue”." in response.content.decode()


def test_a_month_before_the_held_span_says_not_held(client, member, seeds):
    """A test change, not seed data: a Sandwell reading for Dec 2017, a month
    before the span its appendix gives."""
    Reading.objects.create(
        kpi=KPI.objects.get(organisation__slug="sandwell", code="PI1"),
        period=dt.date(2017, 12, 1),
        value=Decimal("80"),
    )
    response = _list(client, member, "sandwell")
    [december] = [m for m in response.context["months"] if m.period == dt.date(2017, 12, 1)]
    assert december.state_label == "Not held" and december.overdue is False
    assert '">Not started</span>' not in response.content.decode()
    assert '">Not held</span>' in response.content.decode()
    assert _periods(_list(client, member, "sandwell", state="not_held")) == [dt.date(2017, 12, 1)]


def test_its_query_count_is_the_same_on_every_page_and_filter(client, member, live_birmingham):
    client.force_login(member)
    url = reverse("return_list", args=["birmingham"])
    counts = []
    for params in ({}, {"page": 2}, {"page": 3}, {"state": "not_started", "page": 2}):
        client.get(url, params)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, params).status_code == 200
        counts.append(len(queries.captured_queries))
    assert len(set(counts)) == 1, counts


def test_reading_the_pages_writes_nothing(client, member, live_birmingham):
    before = (MonthlyReturn.objects.count(), MonthlyReturn.history.count())
    for params in ({}, {"page": 2}, {"state": "overdue"}, {"page": 99}):
        _list(client, member, **params)
    assert (MonthlyReturn.objects.count(), MonthlyReturn.history.count()) == before


def test_it_checks_ownership(client, sandwell_officer, member, seeds):
    assert _list(client, sandwell_officer, "birmingham").status_code == 404
    own = _list(client, sandwell_officer, "sandwell").content.decode()
    assert "Monthly returns — Sandwell Children&#x27;s Trust" in own


def test_the_list_shows_only_the_months_asked_for(client, seeds, sandwell_officer):
    client.force_login(sandwell_officer)
    url = reverse("return_list", args=["sandwell"])
    response = client.get(url, {"months": "2018-03,2018-01"})
    assert [m.period for m in response.context["months"]] == [
        dt.date(2018, 3, 1), dt.date(2018, 1, 1)
    ]  # fmt: skip
    assert "Showing 2 months: Mar 2018, Jan 2018." in response.content.decode()
    # A month that is not one is no filter: every month, as an unknown state.
    every = client.get(url, {"months": "2018-13"})
    assert len(every.context["months"]) == 12
