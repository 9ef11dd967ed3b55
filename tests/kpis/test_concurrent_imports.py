"""Two imports for one organisation at once: the second waits, then applies.

``readings_import`` and ``targets_import`` lock the organisation's row
(``SELECT … FOR NO KEY UPDATE``) as their transaction starts, so imports for
one organisation run one after the other. The second reads the database only
once the first has committed: it sees the first file's readings as its
"previous" values and replaces them with its own whole file (last writer wins,
never a mix of two files, never a duplicate reading or a constraint error).
"""

import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections

from kpis import imports, services
from kpis.imports import readings
from kpis.models import KPI, MonthlyReturn, Organisation, Reading, Target

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite locks the whole database for a write; row locks need PostgreSQL",
    ),
    # The trust imports the seed months here: they have no return yet.
    pytest.mark.usefixtures("unreturned_seeds"),
]

TODAY = dt.date(2019, 6, 30)
WAIT = 30  # seconds; only reached when something is broken


def _codes():
    return list(
        KPI.objects.filter(organisation__slug="birmingham")
        .order_by("pk")
        .values_list("code", flat=True)
    )


def _readings_file(codes, period, base, label):
    """A long-layout CSV giving every KPI the value base + its position."""
    lines = ["kpi,period,value,commentary"]
    lines += [f"{code},{period},{base + i},from {label}" for i, code in enumerate(codes)]
    return ("\n".join(lines) + "\n").encode()


def _run_in_thread(outcomes, key, work):
    def target():
        try:
            outcomes[key] = work()
        except Exception as error:  # the test reports it below
            outcomes[key] = error
        finally:
            connections.close_all()

    return threading.Thread(target=target, name=key)


def _import(organisation, name, data, before=None):
    def work():
        if before is not None:
            before.wait(WAIT)
        return imports.readings_import(organisation=organisation, name=name, data=data, today=TODAY)

    return work


def _wait_for_a_lock_wait():
    """True once another backend of this database waits for a lock."""
    deadline = time.monotonic() + WAIT
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


@pytest.fixture
def pause_a(monkeypatch):
    """Stop the import running in thread "a" inside its transaction, after
    it has written: (inside, release) events."""
    inside, release = threading.Event(), threading.Event()
    touch = readings._returns_touch

    def paused_touch(**kwargs):
        touch(**kwargs)
        if threading.current_thread().name == "a":
            inside.set()
            release.wait(WAIT)

    monkeypatch.setattr(readings, "_returns_touch", paused_touch)
    yield inside, release
    release.set()


def _overlap(pause, first, second, outcomes):
    """Start ``first`` (thread "a", which ``pause`` stops inside its
    transaction), then ``second``; see whether ``second`` waits for a lock,
    then let both finish. Returns (waited, the threads done while paused)."""
    inside, release = pause
    first.start()
    assert inside.wait(WAIT), "the first writer never reached its pause"
    second.start()
    try:
        waited = _wait_for_a_lock_wait()
        done_while_paused = set(outcomes)
    finally:
        release.set()
        first.join(WAIT)
        second.join(WAIT)
    return waited, done_while_paused


def _month(organisation, period):
    return {
        r.kpi.code: r
        for r in Reading.objects.filter(
            kpi__organisation=organisation, period=period
        ).select_related("kpi")
    }


def _assert_one_whole_file(organisation, period, files, history_before):
    """The month holds exactly one file's values, once each, and its history
    shows the other file's import followed by the winner's."""
    codes = _codes()
    month = _month(organisation, period)
    assert sorted(month) == sorted(codes)
    assert (
        Reading.objects.filter(kpi__organisation=organisation, period=period)
        .values("kpi", "period")
        .distinct()
        .count()
        == Reading.objects.filter(kpi__organisation=organisation, period=period).count()
    )
    winners = [
        label
        for label, base in files.items()
        if all(month[code].value == base + i for i, code in enumerate(codes))
    ]
    assert len(winners) == 1, {code: r.value for code, r in month.items()}
    [winner] = winners
    [loser] = [label for label in files if label != winner]
    assert {r.commentary for r in month.values()} == {f"from {winner}"}
    for i, code in enumerate(codes):
        history = list(month[code].history.order_by("history_id"))
        new = history[history_before.get(code, 0) :]
        assert [h.history_change_reason for h in new] == [
            f"import {loser}.csv",
            f"import {winner}.csv",
        ]
        assert [h.value for h in new] == [files[loser] + i, files[winner] + i]
    assert MonthlyReturn.objects.filter(organisation=organisation, period=period).count() == 1
    return winner, loser


@pytest.mark.parametrize(
    "period",
    [
        pytest.param("2018-11", id="a month with no readings yet"),
        pytest.param("2018-10", id="a month the seeds already hold"),
    ],
)
def test_two_imports_of_one_month_at_once_end_with_one_whole_file(seeds, period):
    birmingham = seeds["birmingham"]
    codes = _codes()
    month = dt.date.fromisoformat(f"{period}-01")
    history_before = {code: r.history.count() for code, r in _month(birmingham, month).items()}
    files = {"a": 10, "b": 50}
    barrier, outcomes = threading.Barrier(2), {}
    threads = [
        _run_in_thread(
            outcomes,
            label,
            _import(
                birmingham, f"{label}.csv", _readings_file(codes, period, base, label), barrier
            ),
        )
        for label, base in files.items()
    ]
    # Both start their import at the same moment.
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)

    assert all(isinstance(o, imports.ImportResult) for o in outcomes.values()), outcomes
    assert [outcomes[label].saved for label in files] == [True, True]
    winner, loser = _assert_one_whole_file(birmingham, month, files, history_before)
    # The winner read the database after the loser committed: it replaced
    # the loser's values, row by row.
    assert [previous.value for _, previous in outcomes[winner].changed] == [
        files[loser] + i for i in range(len(codes))
    ]


def test_a_second_import_waits_for_the_first_then_replaces_it(seeds, pause_a):
    """Deterministic overlap: the first import stops inside its transaction,
    after it has written, until the second is seen waiting for the lock."""
    birmingham = seeds["birmingham"]
    codes = _codes()
    outcomes = {}
    first = _run_in_thread(
        outcomes, "a", _import(birmingham, "a.csv", _readings_file(codes, "2018-11", 10, "a"))
    )
    second = _run_in_thread(
        outcomes, "b", _import(birmingham, "b.csv", _readings_file(codes, "2018-11", 50, "b"))
    )
    waited, done_while_paused = _overlap(pause_a, first, second, outcomes)
    assert waited, "the second import did not wait for the first"
    assert "b" not in done_while_paused

    assert outcomes["a"].saved and outcomes["b"].saved, outcomes
    assert len(outcomes["a"].new) == len(codes)
    assert outcomes["b"].new == []
    winner, _ = _assert_one_whole_file(birmingham, dt.date(2018, 11, 1), {"a": 10, "b": 50}, {})
    assert winner == "b"


def test_an_import_waits_for_an_import_of_another_month(seeds, pause_a):
    """The lock is per organisation, not per month: a return's months are
    read and written by one import at a time."""
    birmingham = seeds["birmingham"]
    codes = _codes()
    outcomes = {}
    first = _run_in_thread(
        outcomes, "a", _import(birmingham, "a.csv", _readings_file(codes, "2018-11", 10, "a"))
    )
    second = _run_in_thread(
        outcomes, "b", _import(birmingham, "b.csv", _readings_file(codes, "2018-12", 50, "b"))
    )
    waited, _ = _overlap(pause_a, first, second, outcomes)
    assert waited
    assert outcomes["a"].saved and outcomes["b"].saved, outcomes
    assert Reading.objects.filter(
        kpi__organisation=birmingham, period__gte="2018-11-01"
    ).count() == (2 * len(codes))


def test_imports_for_different_organisations_do_not_wait(seeds, pause_a):
    birmingham, sandwell = seeds["birmingham"], seeds["sandwell"]
    inside, release = pause_a
    sandwell_codes = list(
        KPI.objects.filter(organisation=sandwell).order_by("pk").values_list("code", flat=True)
    )
    outcomes = {}
    first = _run_in_thread(
        outcomes,
        "a",
        _import(birmingham, "a.csv", _readings_file(_codes(), "2018-11", 10, "a")),
    )
    second = _run_in_thread(
        outcomes,
        "b",
        _import(sandwell, "b.csv", _readings_file(sandwell_codes, "2019-01", 10, "b")),
    )
    first.start()
    assert inside.wait(WAIT)
    try:
        second.start()
        second.join(WAIT)
        assert outcomes["b"].saved, "Sandwell's import waited for Birmingham's"
    finally:
        release.set()
        first.join(WAIT)
    assert outcomes["a"].saved


def test_a_return_form_saved_during_an_import_of_its_month_is_refused(seeds, officer, pause_a):
    """The form's copy predates the import: the save waits for the import's
    lock on the return, then finds the version moved on, and changes nothing."""
    birmingham = seeds["birmingham"]
    codes = _codes()
    november = services.monthly_return_get_or_create(
        organisation=birmingham, period=dt.date(2018, 11, 1)
    )
    outcomes = {}

    def save():
        kpi = KPI.objects.get(organisation=birmingham, code=codes[0])
        entry = {"value": Decimal("99"), "numerator": None, "denominator": None, "commentary": ""}
        copy = MonthlyReturn.objects.get(pk=november.pk)
        return services.monthly_return_save(
            monthly_return=copy, version=1, entries={kpi: entry}, user=officer
        )

    first = _run_in_thread(
        outcomes, "a", _import(birmingham, "a.csv", _readings_file(codes, "2018-11", 10, "a"))
    )
    second = _run_in_thread(outcomes, "b", save)
    waited, _ = _overlap(pause_a, first, second, outcomes)
    assert waited, "the form save did not wait for the import"

    assert outcomes["a"].saved
    assert isinstance(outcomes["b"], services.ReturnConflict)
    assert str(outcomes["b"]) == services.RETURN_CONFLICT
    month = _month(birmingham, dt.date(2018, 11, 1))
    assert [month[code].value for code in codes] == [10 + i for i in range(len(codes))]
    assert MonthlyReturn.objects.get(pk=november.pk).version == 2


def _targets_file(codes, valid_from, base):
    lines = ["kpi,valid_from,target,lower,upper"]
    lines += [
        f"{code},{valid_from},{base + i},{base + i - 5},{base + i + 5}"
        for i, code in enumerate(codes)
    ]
    return ("\n".join(lines) + "\n").encode()


def test_two_target_imports_at_once_end_with_one_whole_file(seeds):
    birmingham = seeds["birmingham"]
    codes = _codes()
    files = {"a": 20, "b": 60}
    barrier, outcomes = threading.Barrier(2), {}

    def work(label, base):
        def run():
            data = _targets_file(codes, "2019-04-01", base)
            barrier.wait(WAIT)
            return imports.targets_import(organisation=birmingham, name=f"{label}.csv", data=data)

        return run

    threads = [_run_in_thread(outcomes, label, work(label, base)) for label, base in files.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)

    assert all(isinstance(o, imports.ImportResult) and o.saved for o in outcomes.values()), outcomes
    targets = {
        t.kpi.code: t
        for t in Target.objects.filter(
            kpi__organisation=birmingham, valid_from="2019-04-01"
        ).select_related("kpi")
    }
    assert sorted(targets) == sorted(codes)
    winners = [
        label
        for label, base in files.items()
        if all(targets[code].value == Decimal(base + i) for i, code in enumerate(codes))
    ]
    assert len(winners) == 1
    [winner] = winners
    for target in targets.values():
        reasons = [h.history_change_reason for h in target.history.order_by("history_id")]
        assert reasons[-1] == f"import {winner}.csv" and len(reasons) == 2
    assert Organisation.objects.count() == 2
