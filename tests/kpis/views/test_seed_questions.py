"""The questions a member reads on the seed pages, as `make run` loads them:
each rule fires where the seeds warrant it and not elsewhere, and every
figure a question cites is the figure the KPI's page shows for that month."""

import re
from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kpis import selectors
from kpis.formatting import with_unit
from kpis.models import Reading


def _get(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


def _questions(response):
    return {(q.rule, q.code): q for q in response.context["questions"]}


# "69.9% in Sep 2018": a figure and the month it belongs to.
_CITED = re.compile(r"(\d[\d,.]*(?:%| per 10,000| days)?) in ([A-Z][a-z]{2} \d{4})")


def _assert_cites_the_kpi_pages_figures(client, user, question, organisation):
    """Each "value in month" a question cites is that month's value on the
    KPI's page, and each month after the first is worse than the one before."""
    page = _get(client, user, "kpi_detail", organisation, question.code)
    rows = {f"{row.period:%b %Y}": row for row in page.context["rows"]}
    cited = _CITED.findall(question.text)
    assert len(cited) >= 2, question.text
    for value, month in cited:
        row = rows[month]
        assert with_unit(row.value, row.kpi.unit) == value, (month, question.text)
    assert [rows[month].direction for _, month in cited[1:]] == ["worsening"] * (len(cited) - 1)


# --- Worsening in each of the last three months ----------------------------------


PI8 = (
    "PI8 has worsened in each of the last 3 months: 69.9% in Sep 2018, 69.6% in Oct 2018, "
    "58.4% in Nov 2018 and 44.3% in Dec 2018 (higher is better). What lies behind this, and "
    "what is being done?"
)


def test_the_sandwell_dashboard_asks_about_pi8s_three_months_worsening(
    client, member, inspected_seeds
):
    # The trust's own report (003_…txt): "decreased from 69.9% to 44.3% over
    # the last three months".
    response = _get(client, member, "dashboard", "sandwell")
    found = _questions(response)
    assert found[("worsening_run", "PI8")].text == PI8
    assert PI8 in response.content.decode()
    # Only PI8 worsened three months running in Dec 2018.
    assert [code for rule, code in found if rule == "worsening_run"] == ["PI8"]
    _assert_cites_the_kpi_pages_figures(client, member, found[("worsening_run", "PI8")],
                                        "sandwell")  # fmt: skip


def test_pi8s_own_page_asks_it_too(client, member, inspected_seeds):
    response = _get(client, member, "kpi_detail", "sandwell", "PI8")
    assert [q.rule for q in response.context["questions"]] == ["worsening_run"]
    assert PI8 in response.content.decode()


def test_two_months_worsening_is_not_asked_about(client, member, inspected_seeds):
    # In Nov 2018 PI8 had worsened twice (69.9 → 69.6 → 58.4): not yet three.
    response = _get(client, member, "dashboard", "sandwell", period="2018-11")
    assert ("worsening_run", "PI8") not in _questions(response)
    assert "PI8 has worsened" not in response.content.decode()


def test_an_earlier_month_asks_about_the_run_that_month(client, member, inspected_seeds):
    # PI4, Jul–Oct 2018: 89.6, 84.5, 72.0, 71.9 (higher is better).
    found = _questions(_get(client, member, "dashboard", "sandwell", period="2018-10"))
    assert found[("worsening_run", "PI4")].text.startswith(
        "PI4 has worsened in each of the last 3 months: 89.6% in Jul 2018, 84.5% in Aug 2018, "
        "72% in Sep 2018 and 71.9% in Oct 2018 (higher is better)."
    )
    assert ("worsening_run", "PI8") not in found  # PI8 rose in Sep 2018


# --- A finding linked to a KPI that worsened ----------------------------------------


PI1 = (
    "PI1 worsened from 75.4% in Nov 2018 to 66.6% in Dec 2018 (higher is better), in an area "
    "where Ofsted's Third monitoring visit (January 2019) found a strength: “Responses to "
    "contacts and referrals are timely.” Is that strength holding?"
)


def test_the_dashboard_asks_about_a_finding_on_a_kpi_that_worsened(client, member, inspected_seeds):
    response = _get(client, member, "dashboard", "sandwell")
    found = _questions(response)
    question = found[("worsening_finding", "PI1")]
    assert question.text == PI1
    assert question.evidence == "1 Ofsted finding linked to PI1. No target in force for Dec 2018."
    # PI1 is Sandwell's only KPI that both worsened in Dec 2018 and has a
    # linked finding (PI13 and PI15, the others with findings, improved).
    assert [code for rule, code in found if rule == "worsening_finding"] == ["PI1"]
    _assert_cites_the_kpi_pages_figures(client, member, question, "sandwell")


def test_the_kpi_page_asks_it_from_the_findings_it_shows(client, member, inspected_seeds):
    response = _get(client, member, "kpi_detail", "sandwell", "PI1")
    assert [q.rule for q in response.context["questions"]] == ["worsening_finding"]
    html = response.content.decode()
    assert html.count("Responses to contacts and referrals are timely.") == 2  # panel, question


def test_an_area_for_improvement_is_asked_about_in_the_month_it_worsened(
    client, member, inspected_seeds
):
    # PI15 fell from 59.3% (Oct) to 42.9% (Nov 2018); the Third monitoring
    # visit found its audits not robust enough.
    question = _questions(_get(client, member, "dashboard", "sandwell", period="2018-11"))[
        ("worsening_finding", "PI15")
    ]
    assert question.text.startswith(
        "PI15 worsened from 59.3% in Oct 2018 to 42.9% in Nov 2018 (higher is better), in an "
        "area where Ofsted's Third monitoring visit (January 2019) called for improvement: "
        "“However, not all audits were sufficiently robust"
    )
    _assert_cites_the_kpi_pages_figures(client, member, question, "sandwell")


def test_no_finding_question_without_the_findings(client, member, seeds):
    # The KPI fixtures alone: PI1 still worsened, but nothing links a finding to it.
    found = _questions(_get(client, member, "dashboard", "sandwell"))
    assert not [key for key in found if key[0] == "worsening_finding"]
    assert not _get(client, member, "kpi_detail", "sandwell", "PI1").context["questions"]


def test_a_kpi_that_improved_gets_no_finding_question(client, member, inspected_seeds):
    # PI15 rose from 42.9% to 48.9% in Dec 2018 though a finding is linked.
    response = _get(client, member, "kpi_detail", "sandwell", "PI15")
    assert response.context["findings"]
    assert response.context["questions"] == []


# --- Red this month ------------------------------------------------------------------


def test_no_seed_kpi_is_red_so_none_is_asked_about(client, member, inspected_seeds):
    # Birmingham's Oct 2018 has no Red (KPI2's 24% is Amber, its band's edge);
    # Sandwell has no targets agreed for 2018/19.
    for slug in ("birmingham", "sandwell"):
        found = _questions(_get(client, member, "dashboard", slug))
        assert not [key for key in found if key[0] == "red_this_month"], slug


@pytest.fixture
def kpi2_red(inspected_seeds):
    """A test change to the seeds, not seed data: Birmingham's KPI2 at 24.1%
    in Oct 2018, just outside its 17–24% band (lower is better)."""
    Reading.objects.filter(kpi__organisation__slug="birmingham", kpi__code="KPI2").update(
        value=Decimal("24.1")
    )


RED = (
    "KPI2 was Red in October 2018: 24.1% against a target of 21% (lower is better). "
    "What is being done?"
)


def test_a_kpi_red_this_month_is_asked_about_on_the_dashboard(client, member, kpi2_red):
    response = _get(client, member, "dashboard", "birmingham")
    found = _questions(response)
    assert found[("red_this_month", "KPI2")].text == RED
    assert found[("red_this_month", "KPI2")].evidence == (
        "Tolerance 17–24%; off target 1 month running."
    )
    assert [key for key in found if key[1] == "KPI2"] == [("red_this_month", "KPI2")]
    html = response.content.decode()
    assert RED in html
    row = next(r for r in response.context["rows"] if r.kpi.code == "KPI2")
    assert (row.status, with_unit(row.value, "percent")) == ("red", "24.1%")


def test_a_kpi_red_this_month_is_asked_about_on_its_page(client, member, kpi2_red):
    response = _get(client, member, "kpi_detail", "birmingham", "KPI2")
    assert [q.text for q in response.context["questions"]] == [RED]
    assert _get(client, member, "kpi_detail", "birmingham", "KPI1").context["questions"] == []


# --- What the questions cost ---------------------------------------------------------


def test_the_kpi_page_reads_no_findings_for_its_questions(
    client, member, inspected_seeds, django_assert_max_num_queries
):
    """PI1 asks about its finding, PI15 (a finding too, but it improved) asks
    nothing: the same queries, as the question reuses the findings the page shows."""
    client.force_login(member)
    # Each seen once: their ratings are in the status cache, read alike.
    client.get(reverse("kpi_detail", args=["sandwell", "PI15"]))
    client.get(reverse("kpi_detail", args=["sandwell", "PI1"]))
    with django_assert_max_num_queries(20) as quiet:
        client.get(reverse("kpi_detail", args=["sandwell", "PI15"]))
    with django_assert_max_num_queries(len(quiet.captured_queries)):
        client.get(reverse("kpi_detail", args=["sandwell", "PI1"]))


def test_the_dashboard_reads_findings_in_one_query_only_when_a_kpi_worsened(inspected_seeds):
    december = selectors.status_table(organisation=inspected_seeds["sandwell"])
    assert sum(1 for row in december.rows if row.months_worsening) == 8
    calm = replace(
        december, rows=[replace(row, months_worsening=0, worsening=()) for row in december.rows]
    )
    with CaptureQueriesContext(connection) as worsened:
        selectors.member_questions(table=december)
    with CaptureQueriesContext(connection) as unchanged:
        selectors.member_questions(table=calm)
    # Eight KPIs worsened: one query for all their findings, none when none did.
    assert len(worsened.captured_queries) == len(unchanged.captured_queries) + 1
