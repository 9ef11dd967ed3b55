import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections

from kpis import services
from kpis.models import KPI, MonthlyReturn, Reading

NOV = dt.date(2018, 11, 1)


@pytest.fixture
def november(seeds):
    return services.monthly_return_get_or_create(organisation=seeds["birmingham"], period=NOV)


def _kpi(code):
    return KPI.objects.get(organisation__slug="birmingham", code=code)


def _entry(value, commentary=""):
    return {"value": Decimal(value), "numerator": None, "denominator": None,
            "commentary": commentary}  # fmt: skip


def test_it_saves_readings_with_who_and_history(november, officer):
    services.monthly_return_save(
        monthly_return=november, version=1, entries={_kpi("KPI2"): _entry("24")}, user=officer
    )
    reading = Reading.objects.get(kpi=_kpi("KPI2"), period=NOV)
    assert (reading.value, reading.source, reading.entered_by) == (Decimal("24"), "form", officer)
    [record] = reading.history.all()
    assert (record.history_user, record.history_change_reason) == (officer, "return form")
    assert november.version == 2


def test_it_refuses_a_save_from_an_older_copy(november, officer, commissioner):
    services.monthly_return_save(
        monthly_return=november, version=1, entries={_kpi("KPI2"): _entry("24")}, user=officer
    )
    stale = MonthlyReturn.objects.get(pk=november.pk)
    with pytest.raises(services.ReturnConflict, match="Someone else saved this return"):
        services.monthly_return_save(
            monthly_return=stale, version=1, entries={_kpi("KPI2"): _entry("20")},
            user=commissioner,
        )  # fmt: skip
    assert Reading.objects.get(kpi=_kpi("KPI2"), period=NOV).value == Decimal("24")


def test_it_needs_commentary_on_a_red_reading_before_submit(november, officer):
    services.monthly_return_save(
        monthly_return=november, version=1, entries={_kpi("KPI2"): _entry("24.1")}, user=officer
    )
    with pytest.raises(services.ReturnError, match="KPI2 is Red: explain the variance"):
        services.monthly_return_submit(monthly_return=november, version=2, user=officer)
    assert MonthlyReturn.objects.get(pk=november.pk).state == "draft"
    services.monthly_return_save(
        monthly_return=november, version=2,
        entries={_kpi("KPI2"): _entry("24.1", "Spike after a change of threshold.")}, user=officer,
    )  # fmt: skip
    services.monthly_return_submit(monthly_return=november, version=3, user=officer)
    assert november.state == "submitted" and november.submitted_by == officer


def test_accepted_returns_are_locked_until_reopened_with_a_reason(november, officer, commissioner):
    services.monthly_return_submit(monthly_return=november, version=1, user=officer)
    services.monthly_return_accept(monthly_return=november, version=2, user=commissioner)
    with pytest.raises(services.ReturnError, match="November 2018 is accepted"):
        services.monthly_return_save(
            monthly_return=november, version=3, entries={_kpi("KPI2"): _entry("1")}, user=officer
        )
    with pytest.raises(services.ReturnError, match="Say why"):
        services.monthly_return_reopen(
            monthly_return=november, version=3, user=commissioner, reason="  "
        )
    services.monthly_return_reopen(
        monthly_return=november, version=3, user=commissioner, reason="KPI2 figure corrected"
    )
    assert november.state == "draft"
    reasons = [h.history_change_reason for h in november.history.order_by("history_date")]
    assert reasons[-1] == "reopened: KPI2 figure corrected"
    assert "accepted" in reasons


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_simultaneous_saves_end_with_one_winner(seeds, officer, commissioner):
    monthly_return = services.monthly_return_get_or_create(
        organisation=seeds["birmingham"], period=NOV
    )
    barrier, outcomes = threading.Barrier(2), []

    def save(user, value):
        try:
            copy = MonthlyReturn.objects.get(pk=monthly_return.pk)
            barrier.wait()
            services.monthly_return_save(
                monthly_return=copy, version=1, entries={_kpi("KPI2"): _entry(value)}, user=user
            )
            outcomes.append(("saved", value))
        except services.ReturnConflict:
            outcomes.append(("refused", value))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(officer, "22")),
        threading.Thread(target=save, args=(commissioner, "23")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(kind for kind, _ in outcomes) == ["refused", "saved"]
    winner = next(value for kind, value in outcomes if kind == "saved")
    assert Reading.objects.filter(kpi=_kpi("KPI2"), period=NOV).count() == 1
    assert Reading.objects.get(kpi=_kpi("KPI2"), period=NOV).value == Decimal(winner)
    assert MonthlyReturn.objects.get(pk=monthly_return.pk).version == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_a_save_that_overlaps_another_waits_then_is_refused(
    seeds, officer, commissioner, monkeypatch
):
    """Deterministic overlap: the first save stops inside its transaction,
    after claiming the version, until the second is seen waiting for the row."""
    monthly_return = services.monthly_return_get_or_create(
        organisation=seeds["birmingham"], period=NOV
    )
    claimed, release, outcomes = threading.Event(), threading.Event(), {}
    bump = services._bump_version

    def paused_bump(*args, **kwargs):
        bump(*args, **kwargs)
        if threading.current_thread().name == "first":
            claimed.set()
            release.wait(30)

    monkeypatch.setattr(services, "_bump_version", paused_bump)

    def save(name, user, value):
        try:
            copy = MonthlyReturn.objects.get(pk=monthly_return.pk)
            services.monthly_return_save(
                monthly_return=copy, version=1, entries={_kpi("KPI2"): _entry(value)}, user=user
            )
            outcomes[name] = "saved"
        except services.ReturnConflict as error:
            outcomes[name] = str(error)
        finally:
            connections.close_all()

    first = threading.Thread(target=save, args=("first", officer, "22"), name="first")
    second = threading.Thread(target=save, args=("second", commissioner, "23"), name="second")
    first.start()
    assert claimed.wait(30)
    second.start()
    try:
        with connection.cursor() as cursor:
            for _ in range(600):
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
                if cursor.fetchone()[0]:
                    break
                time.sleep(0.05)
            else:
                pytest.fail("the second save did not wait for the first")
        assert "second" not in outcomes
    finally:
        release.set()
        first.join(30)
        second.join(30)

    assert outcomes == {"first": "saved", "second": services.RETURN_CONFLICT}
    reading = Reading.objects.get(kpi=_kpi("KPI2"), period=NOV)
    assert (reading.value, reading.entered_by) == (Decimal("22"), officer)
    assert [h.value for h in reading.history.all()] == [Decimal("22")]
    monthly_return.refresh_from_db()
    assert monthly_return.version == 2
    assert [h.history_user for h in monthly_return.history.order_by("history_id")][-1] == officer


def test_a_submitted_return_reopens_to_a_draft_the_trust_can_change_again(
    november, officer, commissioner
):
    services.monthly_return_save(
        monthly_return=november, version=1, entries={_kpi("KPI2"): _entry("24")}, user=officer
    )
    services.monthly_return_submit(monthly_return=november, version=2, user=officer)
    assert Reading.objects.published().filter(period=NOV, kpi=_kpi("KPI2")).exists()
    with pytest.raises(services.ReturnError, match="November 2018 is submitted"):
        services.monthly_return_save(
            monthly_return=november, version=3, entries={_kpi("KPI2"): _entry("23")}, user=officer
        )
    services.monthly_return_reopen(
        monthly_return=november, version=3, user=commissioner, reason="KPI2 to be checked"
    )
    stored = MonthlyReturn.objects.get(pk=november.pk)
    assert (stored.state, stored.reopen_reason, stored.version) == (
        "draft",
        "KPI2 to be checked",
        4,
    )
    # members no longer read the month: it is a draft again
    assert not Reading.objects.published().filter(period=NOV, kpi=_kpi("KPI2")).exists()
    services.monthly_return_save(
        monthly_return=november, version=4, entries={_kpi("KPI2"): _entry("23")}, user=officer
    )
    assert Reading.objects.get(kpi=_kpi("KPI2"), period=NOV).value == Decimal("23")


def test_a_draft_cannot_be_reopened(november, commissioner):
    with pytest.raises(services.ReturnError, match="November 2018 is draft"):
        services.monthly_return_reopen(
            monthly_return=november, version=1, user=commissioner, reason="why not"
        )
    assert MonthlyReturn.objects.get(pk=november.pk).version == 1


def test_reopening_clears_the_acceptance_and_a_new_acceptance_is_recorded_afresh(
    november, officer, commissioner
):
    services.monthly_return_submit(monthly_return=november, version=1, user=officer)
    services.monthly_return_accept(monthly_return=november, version=2, user=commissioner)
    accepted = MonthlyReturn.objects.get(pk=november.pk)
    assert (accepted.accepted_by, accepted.publication) == (commissioner, "final")
    assert accepted.accepted_at is not None
    services.monthly_return_reopen(
        monthly_return=november, version=3, user=commissioner, reason="KPI2 figure corrected"
    )
    reopened = MonthlyReturn.objects.get(pk=november.pk)
    assert (reopened.state, reopened.accepted_at, reopened.accepted_by) == ("draft", None, None)
    assert reopened.publication != "final"
    with pytest.raises(services.ReturnError, match="November 2018 is draft"):
        services.monthly_return_accept(monthly_return=november, version=4, user=commissioner)


def test_a_save_that_fails_half_way_leaves_nothing_half_written(november, officer, monkeypatch):
    """The first reading and its history are written, then the second
    reading's history fails: neither reading, nor the version claimed, stays."""
    from simple_history.models import HistoricalRecords

    real = HistoricalRecords.create_historical_record
    readings_saved = []

    def fail_on_the_second_reading(self, instance, *args, **kwargs):
        if isinstance(instance, Reading):
            readings_saved.append(instance.kpi.code)
            if len(readings_saved) == 2:
                raise RuntimeError("injected failure")
        return real(self, instance, *args, **kwargs)

    monkeypatch.setattr(HistoricalRecords, "create_historical_record", fail_on_the_second_reading)
    history_before = november.history.count()
    with pytest.raises(RuntimeError, match="injected failure"):
        services.monthly_return_save(
            monthly_return=november, version=1, user=officer,
            entries={_kpi("KPI1"): _entry("86"), _kpi("KPI2"): _entry("24")},
        )  # fmt: skip
    assert readings_saved == ["KPI1", "KPI2"]
    assert not Reading.objects.filter(kpi__organisation__slug="birmingham", period=NOV).exists()
    assert not Reading.history.filter(period=NOV).exists()
    stored = MonthlyReturn.objects.get(pk=november.pk)
    assert stored.version == 1
    assert stored.history.count() == history_before
