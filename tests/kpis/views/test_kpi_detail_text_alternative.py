"""The KPI page's charts have a text alternative: a caption that points to
the readings table, and in the SPC view each month's signal in words."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from kpis.models import KPI, Reading
from tests.publication import accept_months


def _page(client, user, query=""):
    client.force_login(user)
    url = reverse("kpi_detail", args=["sandwell", "PI9"])
    return client.get(url + query).content.decode()


def _fifteen_readings():
    """Sandwell's twelve 2018 readings of PI9 and three made-up (TEST) ones."""
    kpi = KPI.objects.get(organisation__slug="sandwell", code="PI9")
    for month, value in ((1, "40"), (2, "95"), (3, "96")):
        Reading.objects.create(kpi=kpi, period=dt.date(2019, month, 1), value=Decimal(value))
    accept_months(kpi.organisation, [dt.date(2019, month, 1) for month in (1, 2, 3)])


def test_it_captions_the_chart_and_links_the_readings_table(client, member):
    html = _page(client, member)
    assert 'role="group" aria-labelledby="chart-caption"' in html
    assert 'href="#readings-heading">readings table</a>' in html
    assert 'id="readings-heading"' in html


def test_it_gives_each_months_spc_signal_in_words(client, member):
    _fifteen_readings()
    html = _page(client, member, "?view=spc")
    assert '<th scope="col">SPC signal</th>' in html
    # PI9's fifteen months (40 to 96%) all vary within their limits.
    table = html.split('<th scope="col">SPC signal</th>', 1)[1].split("</table>", 1)[0]
    assert table.count("Common cause") == 15
    assert "Special cause" not in table


def test_it_has_no_signal_column_without_process_limits(client, member):
    html = _page(client, member, "?view=spc")
    assert "SPC signal" not in html
