"""Months outside the span the app holds (``kpis.periods``: from 2000-01 to
the current month, or a plan's few years ahead), wherever a month enters:
files, forms, URLs, commands and action timescales. Each is refused with a
message naming it, nothing is stored, and every page stays up (issue 15,
item 1: one ``0001-01`` upload took a trust's dashboard down)."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from inspections import services as inspection_services
from inspections.models import Action, FindingKind, InspectionKind
from kpis.imports.messages import FUTURE_PERIOD, MONTH_COLUMN_OUT_OF_RANGE
from kpis.models import KPI, Reading, Target, Upload
from kpis.periods import (
    CONTRACT_YEAR_OUT_OF_RANGE,
    EARLIEST_PERIOD,
    PERIOD_TOO_EARLY,
    PERIOD_TOO_LATE,
    PeriodError,
    add_months,
    check_contract_year,
    contract_year,
    due_date,
    format_period,
    latest_ahead,
    month_end,
    months_between,
    parse_period,
    this_month,
)
from tests.kpis.imports.appendix import appendix_csv
from tests.kpis.imports.cases import err, snapshot, xlsx

SANDWELL_PAGES = [
    ("dashboard", ["sandwell"]),
    ("dashboard_csv", ["sandwell"]),
    ("kpi_detail", ["sandwell", "PI1"]),
    ("return_list", ["sandwell"]),
    ("monthly_report", ["sandwell", "2018-11"]),
    ("compliance", ["sandwell", 2018]),
    ("annual_report", ["sandwell", 2018]),
    ("scrutiny_pack", ["sandwell", "2018-11"]),
    ("action_tracker", ["sandwell"]),
]


def _too_early(text):
    return PERIOD_TOO_EARLY.format(text=text, earliest="2000-01")


def _upload(client, user, name, data, slug="sandwell"):
    client.force_login(user)
    response = client.post(
        reverse("upload_start", args=[slug]), {"file": SimpleUploadedFile(name, data)}
    )
    preview = client.get(response.url)
    confirm = client.post(reverse("upload_confirm", args=[slug, Upload.objects.get().pk]))
    return preview, confirm


# --- Files ------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["0001-01", "0000-01", "1999-12", "Jan-1900"])
def test_an_uploaded_month_before_2000_is_a_row_error_and_the_pages_stay_up(
    client, sandwell_officer, text
):
    before = snapshot()
    data = f"kpi,period,value\nPI1,{text},21\n".encode()
    preview, _ = _upload(client, sandwell_officer, "r.csv", data)
    assert preview.status_code == 200
    assert [str(e) for e in preview.context["result"].errors] == [
        err(2, _too_early(text), "B (period)")
    ]
    assert snapshot() == before
    for name, args in SANDWELL_PAGES:
        assert client.get(reverse(name, args=args)).status_code == 200, name


def test_an_excel_date_of_1900_is_a_row_error(client, sandwell_officer):
    data = xlsx([["kpi", "period", "value"], ["PI1", dt.datetime(1900, 1, 1), 21]])
    preview, _ = _upload(client, sandwell_officer, "r.xlsx", data)
    assert [str(e) for e in preview.context["result"].errors] == [
        err(2, _too_early("1900-01"), "B (period)")
    ]
    assert not Reading.objects.filter(period__lt=EARLIEST_PERIOD).exists()


def test_a_wide_heading_before_2000_names_its_column(client, sandwell_officer):
    preview, _ = _upload(client, sandwell_officer, "r.csv", b"kpi,Jan-18,1900-01\nPI1,20,21\n")
    assert preview.context["file_error"] == MONTH_COLUMN_OUT_OF_RANGE.format(
        column="C", reason=_too_early("1900-01")
    )
    assert not Reading.objects.filter(period__lt=EARLIEST_PERIOD).exists()


def test_a_month_far_in_the_future_is_still_in_the_future(client, sandwell_officer):
    preview, _ = _upload(client, sandwell_officer, "r.csv", b"kpi,period,value\nPI1,9999-12,21\n")
    current = format_period(this_month())
    assert [str(e) for e in preview.context["result"].errors] == [
        err(2, FUTURE_PERIOD.format(period="9999-12", current=current), "B (period)")
    ]


def test_a_target_valid_from_year_1_is_a_row_error(seeds, tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("kpi,valid_from,target,lower,upper\nKPI1,0001-04-01,85,80,90\n")
    with pytest.raises(CommandError) as raised:
        call_command("import_targets", str(path), "--organisation", "birmingham")
    assert err(2, _too_early("0001-04"), "B (valid_from)") in str(raised.value)
    assert not Target.objects.filter(valid_from__lt=EARLIEST_PERIOD).exists()


def test_the_admin_and_every_full_clean_refuse_a_month_out_of_span(seeds):
    """The backstop under every path: the model's validators."""
    kpi = KPI.objects.get(organisation__slug="sandwell", code="PI1")
    reading = Reading(kpi=kpi, period=dt.date(1, 1, 1), value=21)
    with pytest.raises(ValidationError) as raised:
        reading.full_clean()
    assert raised.value.message_dict["period"] == [_too_early("0001-01")]
    later = Reading(kpi=kpi, period=add_months(this_month(), 1), value=21)
    with pytest.raises(ValidationError):
        later.full_clean()


# --- Forms and URLs -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/o/sandwell/returns/0000-01/", _too_early("0000-01")),
        ("/o/sandwell/returns/0001-01/", _too_early("0001-01")),
        ("/o/sandwell/report/0000-01/", _too_early("0000-01")),
        ("/o/sandwell/report/9999-12/", None),
        ("/o/sandwell/compliance/0/", None),
        ("/o/sandwell/compliance/9999/", None),
        ("/o/sandwell/compliance/99999999999999999999/", None),
        ("/o/sandwell/targets/0/", None),
        ("/o/sandwell/targets/1/", None),
        ("/o/sandwell/targets/10000/", None),
    ],
)
def test_a_url_month_or_year_out_of_span_is_not_found(client, admin_user, path, message):
    client.force_login(admin_user)
    response = client.get(path)
    assert response.status_code == 404
    if message:
        assert response.context["exception"] == message


def test_the_last_years_in_the_span_have_pages_and_no_link_leaves_it(client, admin_user):
    client.force_login(admin_user)
    first = client.get(reverse("compliance", args=["sandwell", 2000]))
    assert first.status_code == 200
    assert first.context["previous_year"] is None
    current_year = contract_year(this_month())
    latest = client.get(reverse("compliance", args=["sandwell", current_year]))
    assert latest.context["next_year"] is None
    assert client.get(reverse("compliance", args=["sandwell", 1999])).status_code == 404
    assert client.get(reverse("compliance", args=["sandwell", current_year + 1])).status_code == 404
    # Targets are set ahead: up to the contract year a plan's horizon is in.
    last_targets = contract_year(latest_ahead())
    targets = client.get(reverse("targets_edit", args=["sandwell", last_targets]))
    assert targets.status_code == 200
    assert max(targets.context["years"]) == last_targets
    assert (
        client.get(reverse("targets_edit", args=["sandwell", last_targets + 1])).status_code == 404
    )


def test_the_contract_year_message_names_the_span():
    with pytest.raises(PeriodError) as raised:
        check_contract_year(0, latest=dt.date(2018, 10, 1))
    assert str(raised.value) == CONTRACT_YEAR_OUT_OF_RANGE.format(year=0, first=2000, last=2018)


@pytest.mark.parametrize("month", ["0001-01", "9999-12"])
def test_a_mapping_correction_to_a_month_out_of_span_is_a_form_error(
    client, sandwell_officer, month
):
    """The correction form of a trust's own sheet checks each month typed."""
    client.force_login(sandwell_officer)
    client.post(
        reverse("upload_start", args=["sandwell"]),
        {"file": SimpleUploadedFile("appendix.csv", appendix_csv())},
    )
    upload = Upload.objects.get()
    form = {f"role_{i}": "ignore" for i in range(25)}
    form.update({"role_0": "kpi", "role_1": "title"})
    form.update({f"role_{i}": "month" for i in range(8, 20)})
    response = client.post(
        reverse("upload_mapping", args=["sandwell", upload.pk]), {**form, "period_8": month}
    )
    assert response.status_code == 400
    expected = (
        _too_early(month)
        if month < "2000"
        else PERIOD_TOO_LATE.format(text=month, latest=format_period(this_month()))
    )
    assert response.context["mapping_form"].errors["period_8"] == [expected]
    upload.refresh_from_db()
    assert upload.mapping is None


# --- Commands ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("0000-01", _too_early("0000-01")),
        ("1999-12", _too_early("1999-12")),
        ("9999-12", "LATE"),
    ],
)
def test_kpi_status_refuses_a_month_out_of_span_cleanly(seeds, period, message):
    if message == "LATE":
        message = PERIOD_TOO_LATE.format(text=period, latest=format_period(this_month()))
    with pytest.raises(CommandError) as raised:
        call_command("kpi_status", "sandwell", "--period", period, stdout=io.StringIO())
    assert str(raised.value) == message


# --- Action timescales ------------------------------------------------------------------


@pytest.fixture
def finding(seeds):
    inspection = inspection_services.inspection_create(
        organisation=seeds["sandwell"], kind=InspectionKind.FOCUSED_VISIT, title="TEST visit",
        start_date=dt.date(2018, 9, 1),
    )  # fmt: skip
    return inspection_services.finding_create(
        inspection=inspection, kind=FindingKind.STRENGTH, text="TEST strength"
    )


@pytest.mark.parametrize(
    ("timescale", "message"),
    [("9999-12", "LATE"), ("0001-01", _too_early("0001-01")), ("Jan-1900", _too_early("Jan-1900"))],
)
def test_an_action_timescale_out_of_span_is_a_form_error(
    client, commissioner, finding, timescale, message
):
    if message == "LATE":
        message = PERIOD_TOO_LATE.format(text=timescale, latest=format_period(latest_ahead()))
    client.force_login(commissioner)
    data = {"number": "1", "text": "TEST action", "timescale": timescale, "status": "green"}
    response = client.post(reverse("action_create", args=["sandwell", finding.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["timescale"] == [message]
    assert not Action.objects.exists()


def test_an_action_due_at_the_edge_of_the_span_keeps_every_page_up(client, commissioner, finding):
    client.force_login(commissioner)
    # Numbered 1 and 2: an action's number is unique under its finding.
    for number, timescale in enumerate((format_period(latest_ahead()), "2000-01"), start=1):
        data = {"number": str(number), "text": f"TEST {timescale}", "timescale": timescale,
                "status": "red"}  # fmt: skip
        response = client.post(reverse("action_create", args=["sandwell", finding.pk]), data)
        assert response.status_code == 302
    for name, args in SANDWELL_PAGES:
        assert client.get(reverse(name, args=args)).status_code == 200, name
    report = client.get(reverse("monthly_report", args=["sandwell", format_period(this_month())]))
    assert report.status_code == 200


# --- The arithmetic on any month that gets in -----------------------------------------


@given(year=st.integers(0, 9999), month=st.integers(1, 12), ahead=st.booleans())
def test_no_month_the_parser_lets_in_breaks_the_arithmetic(year, month, ahead):
    """Every month ``parse_period`` accepts, at either bound, survives the
    arithmetic the pages do on it: a year and a plan either side, its end and
    its due date. Nothing else gets a ValueError out of ``add_months``."""
    latest = latest_ahead(dt.date(2026, 12, 2)) if ahead else dt.date(2026, 12, 1)
    try:
        period = parse_period(f"{year:04d}-{month:02d}", latest=latest)
    except PeriodError:
        assert not dt.date(2000, 1, 1) <= dt.date(max(year, 1), month, 1) <= latest
        return
    for months in (-240, -12, -1, 1, 12, 240):
        add_months(period, months)
    month_end(period)
    due_date(period)
    assert months_between(EARLIEST_PERIOD, period)[-1] == period
