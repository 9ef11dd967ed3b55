"""Which way is better, in words, wherever a status is shown: "KPI13 16%
against a target of 25%: Green" reads true only beside "Lower is better".

The words are kpis.models.Polarity's labels, so the tests take them from there.
"""

import csv
import io
import re

from django.urls import reverse
from openpyxl import load_workbook

from kpis.models import Polarity

LOWER = Polarity.LOWER.label  # "Lower is better"
HIGHER = Polarity.HIGHER.label


def _get(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


def _row_html(html, code):
    """The table row of one KPI (rows carry data-kpi)."""
    match = re.search(rf'<tr[^>]*data-kpi="{code}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, code
    return match.group(1)


def test_the_dashboard_says_which_way_is_better_under_each_status(client, member):
    html = _get(client, member, "dashboard", "birmingham").content.decode()
    kpi13 = _row_html(html, "KPI13")  # 16% against 25%, lower is better: Green
    assert (
        '<span class="status-with-polarity"><span class="chip chip-green">Green</span> '
        f'<span class="polarity">{LOWER}</span></span>'
    ) in kpi13
    assert f'<span class="polarity">{HIGHER}</span>' in _row_html(html, "KPI1")


def test_the_kpi_page_says_which_way_is_better_beside_the_statuses(client, member):
    html = _get(client, member, "kpi_detail", "birmingham", "KPI13").content.decode()
    assert f'<dt>Which way is better</dt><dd><span class="polarity">{LOWER}</span></dd>' in html
    # The readings table: in its header and, on a phone, in each row's label.
    assert f'Status <span class="fw-normal">(<span class="polarity">{LOWER}</span>)</span>' in html
    assert f'data-label="Status ({LOWER})"' in html


def test_the_monthly_report_says_which_way_is_better(client, member):
    html = _get(client, member, "monthly_report", "birmingham", "2018-10").content.decode()
    assert f'<span class="polarity">{LOWER}</span>' in _row_html(html, "KPI13")
    assert f'<span class="polarity">{HIGHER}</span>' in _row_html(html, "KPI1")


def test_the_report_files_carry_which_way_is_better(client, member):
    response = _get(client, member, "monthly_report", "birmingham", "2018-10", format="csv")
    rows = {r["KPI"]: r for r in csv.DictReader(io.StringIO(response.content.decode()))}
    assert rows["KPI13"]["Which way is better"] == LOWER
    assert rows["KPI13"]["Status"] == "Green"
    assert rows["KPI1"]["Which way is better"] == HIGHER

    response = _get(client, member, "monthly_report", "birmingham", "2018-10", format="xlsx")
    sheet = load_workbook(io.BytesIO(response.content))["KPIs"]
    headers = [cell.value for cell in sheet[1]]
    kpi13 = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "KPI13")
    assert kpi13[headers.index("Which way is better")].value == LOWER


def test_the_compliance_page_says_which_way_is_better_for_each_kpi(client, member):
    html = _get(client, member, "compliance", "birmingham", 2018).content.decode()
    assert f'<span class="polarity">{LOWER}</span>' in _row_html(html, "KPI13")
    assert f'<span class="polarity">{HIGHER}</span>' in _row_html(html, "KPI1")


def test_the_status_download_keeps_its_contract_columns(client, member):
    """The dashboard's CSV is kpi_status's: its columns do not change; its
    polarity column already says which way is better, as a code."""
    response = _get(client, member, "dashboard_csv", "birmingham")
    reader = csv.DictReader(io.StringIO(response.content.decode()))
    assert reader.fieldnames == [
        "kpi", "title", "period", "value", "target", "lower", "upper",
        "polarity", "status", "met_or_within_12m",
    ]  # fmt: skip
    assert next(r for r in reader if r["kpi"] == "KPI13")["polarity"] == "lower"
