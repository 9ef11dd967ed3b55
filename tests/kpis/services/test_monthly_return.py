import datetime as dt
import logging
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections

from kpis import services
from kpis.models import KPI, MonthlyReturn, Organisation, Reading
from trustmonitor.security import LOGGER_NAME

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


# --- what each step leaves: the return's history, the log, the email ---------------


@pytest.fixture
def events(caplog):
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    return lambda: [r.getMessage() for r in caplog.records if r.name == LOGGER_NAME]


def test_each_step_is_in_the_returns_history_with_who_and_why(november, officer, commissioner):
    services.monthly_return_save(
        monthly_return=november, version=1, entries={_kpi("KPI2"): _entry("24")}, user=officer
    )
    services.monthly_return_submit(monthly_return=november, version=2, user=officer)
    services.monthly_return_accept(monthly_return=november, version=3, user=commissioner)
    services.monthly_return_reopen(
        monthly_return=november, version=4, user=commissioner, reason="  KPI2 to be checked \n"
    )
    steps = [
        (h.version, h.state, h.history_user, h.history_change_reason)
        for h in november.history.order_by("history_id")
    ]
    assert steps[1:] == [
        (2, "draft", officer, "readings saved"),
        (3, "submitted", officer, "submitted"),
        (4, "accepted", commissioner, "accepted"),
        (5, "draft", commissioner, "reopened: KPI2 to be checked"),
    ]
    stored = MonthlyReturn.objects.get(pk=november.pk)
    assert (stored.version, stored.reopen_reason) == (5, "KPI2 to be checked")
    assert (stored.submitted_by, stored.accepted_by, stored.accepted_at) == (officer, None, None)
    assert stored.submitted_at is not None


def test_submit_accept_and_reopen_are_logged_whole(events, november, officer, commissioner):
    services.monthly_return_submit(monthly_return=november, version=1, user=officer)
    services.monthly_return_accept(monthly_return=november, version=2, user=commissioner)
    services.monthly_return_reopen(
        monthly_return=november, version=3, user=commissioner, reason=" KPI2 corrected "
    )
    assert events() == [
        "event=return_submitted user=officer organisation=birmingham period=2018-11 version=2",
        "event=return_accepted user=commissioner organisation=birmingham period=2018-11 version=3",
        "event=return_reopened user=commissioner organisation=birmingham period=2018-11 "
        'version=4 reason="KPI2 corrected"',
    ]


def test_the_commissioners_hear_of_a_submit_once_it_is_saved(
    november, officer, commissioner, mailoutbox, django_capture_on_commit_callbacks
):
    commissioner.email = "commissioner@example.org"
    commissioner.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.monthly_return_submit(monthly_return=november, version=1, user=officer)
    [message] = mailoutbox
    assert message.to == ["commissioner@example.org"]
    assert message.subject == (
        "Birmingham Children's Trust: the November 2018 return is waiting for review"
    )


def test_a_refused_submit_sends_no_email(
    november, officer, commissioner, mailoutbox, django_capture_on_commit_callbacks
):
    commissioner.email = "commissioner@example.org"
    commissioner.save()
    services.monthly_return_save(
        monthly_return=november, version=1, entries={_kpi("KPI2"): _entry("24.1")}, user=officer
    )
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.ReturnError):
        services.monthly_return_submit(monthly_return=november, version=2, user=officer)
    assert mailoutbox == []


def test_every_red_kpi_without_commentary_is_named(november, officer):
    """KPI1 (higher is better, 75–95%) at 70% and KPI2 (lower is better,
    17–24%) at 24.1% are both Red; KPI3's Red commentary of spaces is none."""
    services.monthly_return_save(
        monthly_return=november, version=1, user=officer,
        entries={_kpi("KPI1"): _entry("70"), _kpi("KPI2"): _entry("24.1", "   \n")},
    )  # fmt: skip
    with pytest.raises(services.RedWithoutCommentary) as refused:
        services.monthly_return_submit(monthly_return=november, version=2, user=officer)
    assert str(refused.value) == (
        "KPI1 is Red: explain the variance in the commentary before submitting. "
        "KPI2 is Red: explain the variance in the commentary before submitting."
    )
    assert {kpi.code: text for kpi, text in refused.value.messages.items()} == {
        "KPI1": "KPI1 is Red: explain the variance in the commentary before submitting.",
        "KPI2": "KPI2 is Red: explain the variance in the commentary before submitting.",
    }
    assert [kpi.code for kpi in refused.value.kpis] == ["KPI1", "KPI2"]


def test_another_months_commentary_does_not_explain_this_months_red(november, officer):
    """October's KPI2 reading has a commentary; November's Red KPI2 has none."""
    Reading.objects.filter(kpi=_kpi("KPI2"), period=dt.date(2018, 10, 1)).update(
        commentary="October's explanation"
    )
    services.monthly_return_save(
        monthly_return=november, version=1, entries={_kpi("KPI2"): _entry("24.1")}, user=officer
    )
    with pytest.raises(services.RedWithoutCommentary, match="KPI2 is Red"):
        services.monthly_return_submit(monthly_return=november, version=2, user=officer)
    assert MonthlyReturn.objects.get(pk=november.pk).state == "draft"


@pytest.mark.parametrize("step", ["submit", "accept", "reopen"])
def test_a_step_whose_history_cannot_be_written_leaves_the_return_as_it_was(
    november, officer, commissioner, monkeypatch, events, step
):
    """The state moves in an UPDATE, then the row is saved again for its
    history: when that fails, the state, the version and the log stay."""
    from simple_history.models import HistoricalRecords

    if step != "submit":
        services.monthly_return_submit(monthly_return=november, version=1, user=officer)
    if step == "reopen":
        services.monthly_return_accept(monthly_return=november, version=2, user=commissioner)
    before = MonthlyReturn.objects.get(pk=november.pk)
    logged = len(events())
    real = HistoricalRecords.create_historical_record

    def fail_for_the_return(self, instance, *args, **kwargs):
        if isinstance(instance, MonthlyReturn):
            raise RuntimeError("injected failure")
        return real(self, instance, *args, **kwargs)

    monkeypatch.setattr(HistoricalRecords, "create_historical_record", fail_for_the_return)
    with pytest.raises(RuntimeError, match="injected failure"):
        if step == "submit":
            services.monthly_return_submit(monthly_return=november, version=1, user=officer)
        elif step == "accept":
            services.monthly_return_accept(monthly_return=november, version=2, user=commissioner)
        else:
            services.monthly_return_reopen(
                monthly_return=november, version=3, user=commissioner, reason="KPI2"
            )
    after = MonthlyReturn.objects.get(pk=november.pk)
    assert (after.state, after.version, after.accepted_by) == (
        before.state, before.version, before.accepted_by,
    )  # fmt: skip
    assert len(events()) == logged


# --- the readings a save writes -------------------------------------------------


def test_a_save_writes_each_figure_and_skips_or_clears_as_asked(november, officer, commissioner):
    """KPI1 cleared first, KPI3 unchanged next, then KPI2 and KPI4 written:
    a clear or an unchanged reading does not end the save."""
    services.monthly_return_save(
        monthly_return=november, version=1, user=officer,
        entries={_kpi("KPI1"): _entry("86"), _kpi("KPI3"): _entry("91", "Steady")},
    )  # fmt: skip
    services.monthly_return_save(
        monthly_return=november, version=2, user=commissioner,
        entries={
            _kpi("KPI1"): {"value": None},
            _kpi("KPI3"): _entry("91", "Steady"),
            _kpi("KPI2"): {"value": Decimal("22.5"), "numerator": Decimal("45"),
                           "denominator": Decimal("200"), "commentary": "From the register"},
            _kpi("KPI4"): {"value": Decimal("28")},
        },
    )  # fmt: skip
    saved = {
        r.kpi.code: (r.value, r.numerator, r.denominator, r.commentary, r.source, r.entered_by)
        for r in Reading.objects.filter(kpi__organisation__slug="birmingham", period=NOV)
    }
    assert saved == {
        "KPI2": (Decimal("22.5"), 45, 200, "From the register", "form", commissioner),
        "KPI3": (Decimal("91"), None, None, "Steady", "form", officer),
        "KPI4": (Decimal("28"), None, None, "", "form", commissioner),
    }
    # KPI3 was not saved again: one history row, the officer's.
    kpi3 = Reading.objects.get(kpi=_kpi("KPI3"), period=NOV)
    assert [h.history_user for h in kpi3.history.all()] == [officer]
    cleared = Reading.history.filter(kpi_id=_kpi("KPI1").pk, period=NOV).latest()
    assert (cleared.history_type, cleared.history_user, cleared.history_change_reason) == (
        "-", commissioner, "cleared in the return form",
    )  # fmt: skip
    # October's readings are another month's: untouched.
    assert Reading.objects.get(kpi=_kpi("KPI1"), period=dt.date(2018, 10, 1)).value == 85


def test_a_value_saved_for_a_month_after_the_held_span_extends_only_this_trusts_span(
    november, seeds, officer
):
    """Birmingham holds October 2018 only, Sandwell January–December 2018."""
    services.monthly_return_save(
        monthly_return=november, version=1, entries={_kpi("KPI2"): _entry("22")}, user=officer
    )
    birmingham, sandwell = (Organisation.objects.get(slug=s) for s in ("birmingham", "sandwell"))
    assert (birmingham.held_from, birmingham.held_until) == (dt.date(2018, 10, 1), NOV)
    assert (sandwell.held_from, sandwell.held_until) == (dt.date(2018, 1, 1), dt.date(2018, 12, 1))


def test_a_month_before_the_held_span_extends_it_back(seeds, officer):
    september = services.monthly_return_get_or_create(
        organisation=seeds["birmingham"], period=dt.date(2018, 9, 1)
    )
    services.monthly_return_save(
        monthly_return=september, version=1, entries={_kpi("KPI2"): _entry("22")}, user=officer
    )
    birmingham = Organisation.objects.get(slug="birmingham")
    assert (birmingham.held_from, birmingham.held_until) == (
        dt.date(2018, 9, 1),
        dt.date(2018, 10, 1),
    )


def test_a_save_that_only_clears_does_not_extend_the_span(seeds, november, officer):
    services.monthly_return_save(
        monthly_return=november, version=1, entries={_kpi("KPI2"): {"value": None}}, user=officer
    )
    birmingham = Organisation.objects.get(slug="birmingham")
    assert birmingham.held_until == dt.date(2018, 10, 1)
    assert MonthlyReturn.objects.get(pk=november.pk).version == 2


def test_an_open_span_stays_open(seeds, november, officer):
    """A trust whose returns still come in (no end to its span) saves a month."""
    Organisation.objects.filter(slug="birmingham").update(held_until=None)
    november.organisation.held_until = None
    services.monthly_return_save(
        monthly_return=november, version=1, entries={_kpi("KPI2"): _entry("22")}, user=officer
    )
    birmingham = Organisation.objects.get(slug="birmingham")
    assert (birmingham.held_from, birmingham.held_until) == (dt.date(2018, 10, 1), None)


def test_an_earlier_month_is_judged_on_its_own_readings_not_the_latest(unreturned_seeds, officer):
    """October is submitted while November's draft is under way: October's
    Red KPI2 needs its own commentary, whatever November's says."""
    kpi2 = _kpi("KPI2")
    Reading.objects.filter(kpi=kpi2, period=dt.date(2018, 10, 1)).update(value=Decimal("24.1"))
    birmingham = unreturned_seeds["birmingham"]
    november = services.monthly_return_get_or_create(organisation=birmingham, period=NOV)
    services.monthly_return_save(
        monthly_return=november, version=1, user=officer,
        entries={kpi2: _entry("22", "November's explanation")},
    )  # fmt: skip
    october = services.monthly_return_get_or_create(
        organisation=birmingham, period=dt.date(2018, 10, 1)
    )
    with pytest.raises(services.RedWithoutCommentary) as refused:
        services.monthly_return_submit(monthly_return=october, version=1, user=officer)
    assert [kpi.code for kpi in refused.value.kpis] == ["KPI2"]
    assert MonthlyReturn.objects.get(pk=october.pk).state == "draft"


def test_a_step_on_this_trusts_return_leaves_the_other_trusts_returns_alone(
    seeds, sandwell_twin, officer
):
    """Sandwell's November is accepted, at version 1 as Birmingham's new
    November is: submitting Birmingham's moves only Birmingham's."""
    sandwell_november = sandwell_twin["return"]
    assert sandwell_november.version == 1
    birmingham_november = services.monthly_return_get_or_create(
        organisation=seeds["birmingham"], period=NOV
    )
    services.monthly_return_submit(monthly_return=birmingham_november, version=1, user=officer)
    stored = MonthlyReturn.objects.get(pk=sandwell_november.pk)
    assert (stored.state, stored.version, stored.submitted_by) == ("accepted", 1, None)
    assert MonthlyReturn.objects.get(pk=birmingham_november.pk).state == "submitted"
