"""The security log: every security-relevant event is one record on the
``trustmonitor.security`` logger, with the user and the organisation."""

import datetime as dt
import logging
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from inspections.models import Inspection
from kpis import services
from kpis.models import Upload
from trustmonitor.security import LOGGER_NAME, format_fields, log_event

NOV = dt.date(2018, 11, 1)


@pytest.fixture
def events(caplog):
    """The security records so far, as a function: events() → [record, …]."""
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)

    def records(name=None):
        return [
            r for r in caplog.records
            if r.name == LOGGER_NAME and (name is None or r.event == name)
        ]  # fmt: skip

    return records


def _only(events, name):
    [record] = events(name)
    return record


# --- The helper -----------------------------------------------------------------------


def test_a_record_carries_its_fields_as_attributes_and_in_the_message(events, officer):
    log_event("example", user=officer, organisation=officer.organisations.get(), period="2018-11")
    record = _only(events, "example")
    assert (record.user, record.organisation, record.period) == ("officer", "birmingham", "2018-11")
    assert record.getMessage() == (
        "event=example user=officer organisation=birmingham period=2018-11"
    )


def test_a_newline_in_a_username_cannot_forge_a_log_line(events, db):
    log_event("login_failed", user="mallory\nevent=login_succeeded user=admin")
    message = _only(events, "login_failed").getMessage()
    assert "\n" not in message
    assert 'user="mallory\\nevent=login_succeeded user=admin"' in message


def test_a_detail_may_not_overwrite_a_log_record_attribute(db):
    with pytest.raises(ValueError, match="filename"):
        log_event("x", user=None, filename="r.csv")


def test_fields_print_blank_as_a_dash():
    assert format_fields({"user": None, "n": 3}) == "user=- n=3"


# --- Log-ins and lock-outs ------------------------------------------------------------------


def test_a_log_in_is_logged_with_the_users_organisations(client, events, officer):
    client.post(reverse("login"), {"username": "officer", "password": "password"})
    record = _only(events, "login_succeeded")
    assert (record.user, record.organisation, record.ip) == ("officer", "birmingham", "127.0.0.1")
    assert record.levelno == logging.INFO


def test_a_failed_log_in_is_logged_without_the_password(client, events, officer):
    client.post(reverse("login"), {"username": "officer", "password": "Secret-Guess-42"})
    record = _only(events, "login_failed")
    assert (record.user, record.organisation) == ("officer", "birmingham")
    assert record.levelno == logging.WARNING
    everything = [r.getMessage() for r in events()] + [str(vars(r)) for r in events()]
    assert not any("Secret-Guess-42" in text for text in everything)


def test_a_failed_log_in_for_an_unknown_user_is_logged_too(client, events, db):
    client.post(reverse("login"), {"username": "nobody", "password": "x"})
    record = _only(events, "login_failed")
    assert (record.user, record.organisation) == ("nobody", None)


def test_a_lock_out_is_logged(client, events, officer):
    for _ in range(5):
        client.post(reverse("login"), {"username": "officer", "password": "wrong"})
    record = _only(events, "account_locked")
    assert (record.user, record.organisation, record.minutes) == ("officer", "birmingham", 15)
    assert record.levelno == logging.WARNING


# --- Permission denials ----------------------------------------------------------------------


def test_another_organisations_page_is_logged_as_denied(client, events, sandwell_officer):
    client.force_login(sandwell_officer)
    assert client.get("/o/birmingham/").status_code == 404
    record = _only(events, "access_denied")
    assert (record.user, record.organisation, record.status) == (
        "sandwell-officer", "birmingham", 404,
    )  # fmt: skip
    assert record.path == "/o/birmingham/"


def test_another_organisations_inspection_under_ones_own_slug_is_logged(
    client, events, member, seeds
):
    sandwells = Inspection.objects.create(
        organisation=seeds["sandwell"], kind="ilacs", title="TEST visit", start_date=NOV
    )
    client.force_login(member)
    url = reverse("inspection_detail", args=["birmingham", sandwells.pk])
    assert client.get(url).status_code == 404
    record = _only(events, "access_denied")
    assert (record.user, record.organisation, record.status) == ("member", "birmingham", 404)
    assert client.get(reverse("inspection_detail", args=["birmingham", 10**9])).status_code == 404
    assert len(events("access_denied")) == 1, "an id that exists nowhere is not a denial"


def test_a_slug_that_does_not_exist_is_not_a_denial(client, events, officer):
    client.force_login(officer)
    assert client.get("/o/nowhere/").status_code == 404
    assert events("access_denied") == []


def test_a_read_only_users_attempt_to_change_is_logged(client, events, member):
    client.force_login(member)
    assert client.get(reverse("upload_start", args=["birmingham"])).status_code == 403
    record = _only(events, "access_denied")
    assert (record.user, record.organisation, record.status) == ("member", "birmingham", 403)


def test_loading_dfes_statistics_without_the_right_is_logged(client, events, commissioner):
    client.force_login(commissioner)
    assert client.get(reverse("national_load")).status_code == 403
    record = _only(events, "access_denied")
    assert (record.user, record.organisation, record.status) == ("commissioner", None, 403)
    assert record.path == reverse("national_load")


def test_an_officer_reviewing_their_own_return_is_logged(client, events, officer):
    client.force_login(officer)
    response = client.post(
        reverse("return_review", args=["birmingham", "2018-11"]), {"action": "accept"}
    )
    assert response.status_code == 403
    record = _only(events, "access_denied")
    assert (record.user, record.organisation, record.method) == ("officer", "birmingham", "POST")


# --- Imports ---------------------------------------------------------------------------------------

CSV = b"kpi,period,value\nKPI1,2018-10,86\nKPI2,2018-11,23\n"


def test_an_upload_confirmed_is_logged_with_file_and_counts(
    client, events, officer, unreturned_seeds
):
    client.force_login(officer)
    client.post(
        reverse("upload_start", args=["birmingham"]),
        {"file": SimpleUploadedFile("november.csv", CSV)},
    )
    client.post(reverse("upload_confirm", args=["birmingham", Upload.objects.get().pk]))
    record = _only(events, "readings_imported")
    assert (record.user, record.organisation, record.file, record.via) == (
        "officer", "birmingham", "november.csv", "upload",
    )  # fmt: skip
    assert (record.rows_created, record.rows_changed) == (1, 1)


def test_the_import_command_is_logged_with_the_account_that_ran_it(
    events, unreturned_seeds, tmp_path
):
    path = tmp_path / "november.csv"
    path.write_bytes(CSV)
    call_command("import_readings", str(path), "--organisation", "birmingham", verbosity=0)
    record = _only(events, "readings_imported")
    assert record.user.startswith("command line")
    assert (record.organisation, record.file, record.via) == (
        "birmingham", "november.csv", "command",
    )  # fmt: skip
    assert (record.rows_created, record.rows_changed) == (1, 1)


def test_a_dry_run_is_not_logged_as_an_import(events, unreturned_seeds, tmp_path):
    path = tmp_path / "november.csv"
    path.write_bytes(CSV)
    call_command("import_readings", str(path), "--organisation", "birmingham", "--dry-run",
                 verbosity=0)  # fmt: skip
    assert events("readings_imported") == []


def test_a_refused_import_is_logged(events, seeds, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"kpi,period,value\nKPI1,2018-10,abc\n")
    with pytest.raises(CommandError):
        call_command("import_readings", str(path), "--organisation", "birmingham")
    record = _only(events, "readings_import_refused")
    assert (record.organisation, record.file, record.reason) == (
        "birmingham", "bad.csv", "1 bad rows",
    )  # fmt: skip


def test_a_hostile_file_given_to_the_command_is_logged(events, seeds, tmp_path):
    path = tmp_path / "evil.xlsx"
    path.write_bytes(b"MZ\x90\x00")
    with pytest.raises(CommandError):
        call_command("import_readings", str(path), "--organisation", "birmingham")
    record = _only(events, "readings_import_refused")
    assert (record.organisation, record.file) == ("birmingham", "evil.xlsx")


def test_the_targets_command_is_logged(events, seeds, tmp_path):
    path = tmp_path / "targets.csv"
    path.write_bytes(b"kpi,valid_from,target,lower,upper\nKPI1,2019-04-01,86,76,96\n")
    call_command("import_targets", str(path), "--organisation", "birmingham", verbosity=0)
    record = _only(events, "targets_imported")
    assert (record.organisation, record.file, record.rows_created) == (
        "birmingham", "targets.csv", 1,
    )  # fmt: skip
    assert record.user.startswith("command line")


# --- Returns and targets ------------------------------------------------------------------------


def test_submit_accept_and_reopen_are_logged(events, officer, commissioner):
    organisation = officer.organisations.get()
    monthly_return = services.monthly_return_get_or_create(organisation=organisation, period=NOV)
    services.monthly_return_submit(monthly_return=monthly_return, version=1, user=officer)
    services.monthly_return_accept(monthly_return=monthly_return, version=2, user=commissioner)
    services.monthly_return_reopen(
        monthly_return=monthly_return, version=3, user=commissioner, reason="KPI2 corrected"
    )
    logged = [(r.event, r.user, r.organisation, r.period) for r in events()]
    assert logged == [
        ("return_submitted", "officer", "birmingham", "2018-11"),
        ("return_accepted", "commissioner", "birmingham", "2018-11"),
        ("return_reopened", "commissioner", "birmingham", "2018-11"),
    ]
    assert _only(events, "return_reopened").reason == "KPI2 corrected"


def test_a_refused_change_to_a_return_is_not_logged_as_done(events, officer):
    organisation = officer.organisations.get()
    monthly_return = services.monthly_return_get_or_create(organisation=organisation, period=NOV)
    with pytest.raises(services.ReturnError):
        services.monthly_return_accept(monthly_return=monthly_return, version=1, user=officer)
    assert events() == []


def test_a_target_change_is_logged(events, commissioner):
    organisation = commissioner.organisations.get(slug="birmingham")
    kpi = organisation.kpis.get(code="KPI1")
    entries = {kpi: {"target": Decimal(86), "lower": Decimal(76), "upper": Decimal(96)}}
    services.targets_set(organisation=organisation, year=2019, entries=entries, user=commissioner)
    record = _only(events, "targets_changed")
    assert (record.user, record.organisation, record.contract_year, record.kpis) == (
        "commissioner", "birmingham", "2019/20", "KPI1",
    )  # fmt: skip
    # Saving the same values again changes nothing, and logs nothing.
    services.targets_set(organisation=organisation, year=2019, entries=entries, user=commissioner)
    assert len(events("targets_changed")) == 1


def test_someone_elses_upload_is_logged_as_denied(client, events, officer, commissioner):
    client.force_login(officer)
    client.post(
        reverse("upload_start", args=["birmingham"]),
        {"file": SimpleUploadedFile("november.csv", CSV)},
    )
    upload = Upload.objects.get()
    client.force_login(commissioner)
    assert client.get(reverse("upload_preview", args=["birmingham", upload.pk])).status_code == 404
    record = _only(events, "access_denied")
    assert (record.user, record.organisation, record.upload) == (
        "commissioner", "birmingham", upload.pk,
    )  # fmt: skip
