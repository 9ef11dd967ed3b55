"""The admin changelists of the tables that grow with the nation: what an
administrator sees (the right rows, in order, on every page; search by a
KPI's code or title word; a year filter) at a constant number of queries."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from kpis.models import KPI, Comparator, Reading, Target

pytestmark = pytest.mark.django_db


def _row_ids(response) -> list[int]:
    """The reading (or other row) each result row links to, top to bottom."""
    html = response.content.decode()
    return [
        int(pk) for pk in re.findall(r'<th class="field-[^"]*"><a href="[^"]*/(\d+)/change/', html)
    ]


def _row_codes(response) -> set[str]:
    html = response.content.decode()
    return set(re.findall(r'<th class="field-kpi[^"]*"><a [^>]*>(\w+) ', html))


@pytest.fixture
def many_readings(seeds):
    """250 more readings of one Sandwell KPI, 2000-01 onwards (monthly)."""
    kpi = KPI.objects.get(organisation__slug="sandwell", code="PI1")
    Reading.objects.filter(kpi=kpi).delete()
    periods = [dt.date(2000 + i // 12, i % 12 + 1, 1) for i in range(250)]
    Reading.objects.bulk_create(
        Reading(kpi=kpi, period=p, value=Decimal(i % 97)) for i, p in enumerate(periods)
    )
    return kpi, periods


def test_readings_are_listed_newest_month_first_on_every_page(client, admin_user, many_readings):
    kpi, periods = many_readings
    client.force_login(admin_user)
    newest = list(Reading.objects.order_by("-period", "-id").values_list("pk", flat=True))
    assert len(newest) > 300  # the seeds' readings and these: several pages
    shown = []
    for page in range(1, len(newest) // 100 + 2):
        response = client.get("/admin/kpis/reading/", {"p": page})
        assert response.status_code == 200
        shown += _row_ids(response)
    assert shown == newest
    # The last row of the last page is the oldest month held.
    assert Reading.objects.get(pk=shown[-1]).period == dt.date(2000, 1, 1)


def test_search_by_code_finds_only_that_kpis_readings(client, admin_user, many_readings):
    kpi, periods = many_readings
    client.force_login(admin_user)
    response = client.get("/admin/kpis/reading/", {"q": "pi1"})
    assert f"{len(periods)} readings" in response.content.decode()
    # Birmingham's KPI1 and Sandwell's PI10-PI15 are not PI1.
    assert _row_codes(response) == {"PI1"}


def test_search_by_a_word_of_the_title(client, admin_user, seeds):
    client.force_login(admin_user)
    kpi = KPI.objects.get(organisation__slug="birmingham", code="KPI1")
    word = kpi.title.split()[-1]
    matching = KPI.objects.filter(title__icontains=word)
    response = client.get("/admin/kpis/reading/", {"q": word})
    count = Reading.objects.filter(kpi__in=matching).count()
    assert count > 0
    assert f"{count} reading" in response.content.decode()


def test_the_year_filter_lists_the_years_held_and_keeps_to_one(client, admin_user, many_readings):
    client.force_login(admin_user)
    response = client.get("/admin/kpis/reading/", {"period_year": "2003"})
    html = response.content.decode()
    assert "12 readings" in html
    # Offered: each year from the newest reading's to the oldest's.
    newest = Reading.objects.order_by("-period").first().period.year
    for year in (2000, 2003, newest):
        assert f"?period_year={year}" in html


def test_reading_pages_cost_the_same_queries_however_many_rows(
    client, admin_user, many_readings, django_assert_max_num_queries
):
    client.force_login(admin_user)
    total = Reading.objects.count()
    for page in (1, 2, 3):
        with django_assert_max_num_queries(9):
            response = client.get("/admin/kpis/reading/", {"p": page})
        assert len(_row_ids(response)) == min(100, total - (page - 1) * 100)


@pytest.mark.parametrize(
    ("url", "model"),
    [
        ("/admin/kpis/kpi/", KPI),
        ("/admin/kpis/target/", Target),
        ("/admin/kpis/comparator/", Comparator),
    ],
)
def test_other_changelists_list_their_rows(
    client, admin_user, seeds, url, model, django_assert_max_num_queries
):
    client.force_login(admin_user)
    with django_assert_max_num_queries(9):
        response = client.get(url)
    assert response.status_code == 200
    assert len(_row_ids(response)) == min(100, model.objects.count())
