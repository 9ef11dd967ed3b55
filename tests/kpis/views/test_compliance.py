import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from kpis.models import KPI, MonthlyReturn, Organisation, Reading
from tests.fast_fixtures import load_fixtures
from tests.publication import accept_months

APP = "Met or within: worked out from the readings the app holds"
REPORTED = "Met or within: reported by the trust"
SOURCE = (
    "Birmingham Children's Trust Annual Report 2018/19 (31 July 2019), section 2, table "
    '"No. where Target met or within tolerances last 12 months"'
)
ONE_OF_TWELVE = "The app holds readings for 1 of the 12 months (Oct 2018); the report counts 12."


@pytest.fixture
def annual_report(seeds):
    load_fixtures("birmingham_annual_report")


def _page(client, user, slug="birmingham", year=2018):
    client.force_login(user)
    return client.get(reverse("compliance", args=[slug, year]))


def _row(response, code):
    return next(r for r in response.context["rows"] if r.kpi.code == code)


def _cells(html, code):
    """The text of one KPI's row of the table."""
    row = html.split(f'<tr data-kpi="{code}">')[1].split("</tr>")[0]
    return row


def test_it_shows_every_month_of_the_contract_year_with_its_status(client, member):
    response = _page(client, member)
    months = response.context["months"]
    assert (months[0].isoformat(), months[-1].isoformat(), len(months)) == (
        "2018-04-01",
        "2019-03-01",
        12,
    )
    kpi2 = _row(response, "KPI2")
    # The app holds Birmingham's October 2018 only: every other month is not
    # held, never Missing, and the count is over October alone.
    assert kpi2.statuses[:6] == ["not_held"] * 6
    assert kpi2.statuses[6] == "amber"
    assert kpi2.statuses[7:] == ["not_held"] * 5
    assert (kpi2.met, kpi2.rated, kpi2.label) == (1, 1, "1/1 — 100%")
    html = response.content.decode()
    assert html.count(">Not held<") == 15 * 11
    assert "Missing" not in html
    assert "The app holds returns for Oct 2018 only" in html


def test_a_gap_inside_an_open_held_span_is_missing_and_counted(client, member, seeds):
    Organisation.objects.filter(slug="birmingham").update(held_until=None)
    kpi2 = _row(_page(client, member), "KPI2")
    assert kpi2.statuses[:6] == ["not_held"] * 6  # before held_from
    assert kpi2.statuses[6:] == ["amber"] + ["missing"] * 5
    assert (kpi2.met, kpi2.rated, kpi2.label) == (1, 6, "1/6 — 17%")


def test_a_kpi_without_targets_is_rated_no_target_and_counts_nothing(client, member):
    rows = _page(client, member, "sandwell").context["rows"]
    pi1 = next(r for r in rows if r.kpi.code == "PI1")
    assert pi1.statuses[:9] == ["no_target"] * 9  # Apr–Dec 2018
    assert pi1.statuses[9:] == ["not_held"] * 3  # Sandwell's papers stop at Dec 2018
    assert (pi1.met, pi1.rated, pi1.label) == (0, 0, "")


def test_it_shows_the_trusts_reported_count_beside_the_apps(client, member, annual_report):
    response = _page(client, member)
    html = response.content.decode()
    assert f'<th scope="col">{APP}</th>' in html
    assert f'<th scope="col">{REPORTED}</th>' in html
    assert escape(SOURCE) in html
    assert "the trust's own count for the 12 months to 31 March 2019" in html
    kpi1 = _cells(html, "KPI1")
    assert '<td class="text-nowrap compliance-app">1/1 — 100%</td>' in kpi1
    assert '<td class="text-nowrap compliance-reported">10/12 — 83%</td>' in kpi1
    assert f'<td class="small compliance-why">{ONE_OF_TWELVE}</td>' in kpi1
    for code, reported in [("KPI2", "9/12 — 75%"), ("KPI5", "10/12 — 83%"),
                           ("KPI3", "12/12 — 100%"), ("KPI15", "12/12 — 100%")]:  # fmt: skip
        cells = _cells(html, code)
        assert f'<td class="text-nowrap compliance-reported">{reported}</td>' in cells, code
        assert '<td class="text-nowrap compliance-app">1/1 — 100%</td>' in cells, code
        assert ONE_OF_TWELVE in cells, code


def test_other_years_and_sandwell_show_no_reported_count(client, member, annual_report):
    later = _page(client, member, year=2019).content.decode()
    assert REPORTED not in later and "10/12" not in later
    assert "The app holds no count reported by Birmingham Children&#x27;s Trust itself" in later
    sandwell = _page(client, member, "sandwell").content.decode()
    assert REPORTED not in sandwell and "How the two compare" not in sandwell
    assert "Annual Report" not in sandwell
    assert (
        "The app holds no count reported by Sandwell Children&#x27;s Trust itself for 2018/19; "
        "the counts below are worked out from the readings the app holds."
    ) in sandwell


def _readings(code, values):
    kpi = KPI.objects.get(organisation__slug="birmingham", code=code)
    Reading.objects.filter(kpi=kpi).delete()
    Reading.objects.bulk_create(
        Reading(kpi=kpi, period=dt.date(2018 + (m < 4), m, 1), value=Decimal(v))
        for m, v in zip([4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3], values, strict=True)
    )
    # Test months (made up): accepted, so members read them.
    MonthlyReturn.objects.filter(organisation=kpi.organisation).delete()
    accept_months(kpi.organisation, [dt.date(2018 + (m < 4), m, 1) for m in range(1, 13)])


def test_with_all_twelve_months_it_says_whether_the_counts_agree(client, member, annual_report):
    Organisation.objects.filter(slug="birmingham").update(
        held_from=dt.date(2018, 4, 1), held_until=dt.date(2019, 3, 1)
    )
    _readings("KPI3", ["91"] * 12)  # target 85, band 80–90, higher is better: all green
    _readings("KPI1", ["85"] * 11 + ["70"])  # band 75–95: the last month red
    response = _page(client, member)
    kpi3, kpi1 = _row(response, "KPI3"), _row(response, "KPI1")
    assert (kpi3.label, kpi3.reported_label) == ("12/12 — 100%", "12/12 — 100%")
    assert kpi3.difference == "The two counts agree."
    assert (kpi1.label, kpi1.reported_label) == ("11/12 — 92%", "10/12 — 83%")
    assert kpi1.difference == (
        "The app holds readings for all 12 months yet counts 11/12: compare its readings and "
        "targets with the trust's."
    )
    assert "Not held" not in response.content.decode()


def test_a_kpi_without_readings_in_the_year_says_so(client, member, annual_report):
    Reading.objects.filter(kpi__code="KPI4", kpi__organisation__slug="birmingham").delete()
    kpi4 = _row(_page(client, member), "KPI4")
    assert (kpi4.label, kpi4.reported_label) == ("", "12/12 — 100%")
    assert kpi4.difference == (
        "The app holds readings for none of the 12 months; the report counts 12."
    )


@pytest.mark.parametrize(("slug", "full_year"), [("birmingham", False), ("birmingham", True),
                                               ("sandwell", False)])  # fmt: skip
def test_its_queries_do_not_grow_with_months_or_reported_counts(
    client, member, annual_report, django_assert_num_queries, slug, full_year
):
    if full_year:
        for code in ("KPI1", "KPI2", "KPI3"):
            _readings(code, ["85"] * 12)
    client.force_login(member)
    url = reverse("compliance", args=[slug, 2018])
    # Session, user, roles (read once for every question of who sees what),
    # organisation, KPIs, readings, targets, reported counts.
    with django_assert_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200
    rows = {row.kpi.code: (row.met, row.rated) for row in response.context["rows"]}
    assert len(rows) == 15
    if slug == "birmingham":
        # Oct 2018 is all Birmingham holds, met or within for every KPI; a
        # full year of 85 against KPI1's 85 is twelve months met.
        assert rows["KPI1"] == ((12, 12) if full_year else (1, 1))
        assert rows["KPI15"] == (1, 1)
    else:
        assert set(rows.values()) == {(0, 0)}  # Sandwell has no targets


def test_it_checks_ownership(client, sandwell_officer):
    assert _page(client, sandwell_officer).status_code == 404


def test_an_organisation_with_no_kpis_has_a_compliance_page(client, member, seeds):
    """A trust set up in the admin before its KPIs: the page says so (it
    answered 500)."""
    Organisation.objects.create(name="TEST trust with no KPIs", slug="test-no-kpis")
    response = _page(client, member, slug="test-no-kpis")
    assert response.status_code == 200
    html = response.content.decode()
    assert "TEST trust with no KPIs has no KPIs yet: there is nothing to count." in html
    assert "No months of 2018/19 have passed yet" not in html
