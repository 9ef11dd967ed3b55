"""Targets per contract year: the copy is one step, all or nothing; a change
to a year's own target needs a reason."""

import datetime as dt
import logging
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kpis import services
from kpis.models import Target
from trustmonitor.security import LOGGER_NAME


def test_the_copy_saves_all_or_nothing(seeds, commissioner, monkeypatch):
    calls = []
    real = Target.full_clean

    def fail_on_the_third(self, *args, **kwargs):
        calls.append(self.kpi.code)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Target, "full_clean", fail_on_the_third)
    with pytest.raises(RuntimeError):
        services.targets_copy_previous_year(
            organisation=seeds["birmingham"], year=2019, user=commissioner
        )
    assert not Target.objects.filter(valid_from=dt.date(2019, 4, 1)).exists()
    assert not Target.history.filter(valid_from=dt.date(2019, 4, 1)).exists()


def test_the_copy_takes_the_target_in_force_at_the_end_of_the_year_before(seeds, commissioner):
    kpi2 = seeds["birmingham"].kpis.get(code="KPI2")
    # A mid-year change in 2018/19 is what is in force in March 2019.
    Target.objects.create(kpi=kpi2, valid_from=dt.date(2018, 10, 1), value=20, lower=16, upper=23)
    services.targets_copy_previous_year(
        organisation=seeds["birmingham"], year=2019, user=commissioner
    )
    copied = Target.objects.get(kpi=kpi2, valid_from=dt.date(2019, 4, 1))
    assert (copied.value, copied.lower, copied.upper, copied.agreed) == (20, 16, 23, True)


def test_removing_a_years_target_needs_a_reason_and_keeps_it(seeds, commissioner):
    birmingham = seeds["birmingham"]
    kpi2 = birmingham.kpis.get(code="KPI2")
    with pytest.raises(services.TargetsError, match="KPI2 already had a target for 2018/19"):
        services.targets_set(
            organisation=birmingham, year=2018, entries={kpi2: None}, user=commissioner
        )
    assert Target.objects.filter(kpi=kpi2, valid_from=dt.date(2018, 4, 1)).exists()
    services.targets_set(
        organisation=birmingham, year=2018, entries={kpi2: {"agreed": False}},
        user=commissioner, reason="Withdrawn pending the contract review",
    )  # fmt: skip
    target = Target.objects.get(kpi=kpi2, valid_from=dt.date(2018, 4, 1))
    assert (target.agreed, target.value) == (False, None)
    assert target.history.latest().history_change_reason == "Withdrawn pending the contract review"


APR_2018, APR_2019 = dt.date(2018, 4, 1), dt.date(2019, 4, 1)


def _band(kpi, valid_from):
    target = Target.objects.get(kpi=kpi, valid_from=valid_from)
    return (target.agreed, target.value, target.lower, target.upper)


def test_a_new_years_targets_are_saved_whole_and_the_year_before_is_kept(seeds, commissioner):
    """Each figure lands in its own place (the form's "2 targets saved."), an
    entry that does not mention "agreed" is an agreed target, and 2018/19's
    rows, which earlier months are rated by, do not move."""
    birmingham = seeds["birmingham"]
    kpi1, kpi2 = birmingham.kpis.get(code="KPI1"), birmingham.kpis.get(code="KPI2")
    changed = services.targets_set(
        organisation=birmingham, year=2019, user=commissioner,
        entries={
            kpi1: {"target": Decimal(88), "lower": Decimal(78), "upper": Decimal(98)},
            kpi2: {"target": Decimal(20), "lower": Decimal(15), "upper": Decimal(22)},
        },
    )  # fmt: skip
    assert changed == 2
    assert (_band(kpi1, APR_2019), _band(kpi2, APR_2019)) == (
        (True, 88, 78, 98), (True, 20, 15, 22),
    )  # fmt: skip
    assert (_band(kpi1, APR_2018), _band(kpi2, APR_2018)) == (
        (True, 85, 75, 95),
        (True, 21, 17, 24),
    )
    [record] = Target.objects.get(kpi=kpi2, valid_from=APR_2019).history.all()
    assert (record.history_user, record.history_change_reason) == (
        commissioner,
        "targets for 2019/20",
    )


def test_a_changed_target_keeps_its_reason_and_an_unchanged_one_is_not_counted(seeds, commissioner):
    birmingham = seeds["birmingham"]
    kpi1, kpi2 = birmingham.kpis.get(code="KPI1"), birmingham.kpis.get(code="KPI2")
    changed = services.targets_set(
        organisation=birmingham, year=2018, user=commissioner, reason="  Band narrowed  ",
        entries={
            kpi1: {"agreed": True, "target": Decimal(85), "lower": Decimal(75), "upper": Decimal(95)},
            kpi2: {"target": Decimal(20), "lower": Decimal(16), "upper": Decimal(23)},
        },
    )  # fmt: skip
    assert changed == 1  # "1 target saved.": KPI1's is as it was
    assert _band(kpi2, APR_2018) == (True, 20, 16, 23)
    assert not Target.objects.get(kpi=kpi1, valid_from=APR_2018).history.exists()
    latest = Target.objects.get(kpi=kpi2, valid_from=APR_2018).history.latest()
    assert (latest.history_user, latest.history_change_reason) == (commissioner, "Band narrowed")


def test_a_change_to_a_years_own_targets_names_every_kpi_it_alters(seeds, commissioner):
    birmingham = seeds["birmingham"]
    kpi1, kpi2, kpi3 = (birmingham.kpis.get(code=c) for c in ("KPI1", "KPI2", "KPI3"))
    with pytest.raises(services.TargetsError) as refused:
        services.targets_set(
            organisation=birmingham, year=2018, user=commissioner, reason="   ",
            entries={kpi1: None, kpi2: {"agreed": False}, kpi3: {"agreed": False}},
        )  # fmt: skip
    assert str(refused.value) == (
        "Say why the targets are being changed: KPI1, KPI2, KPI3 already had a target for 2018/19."
    )
    assert _band(kpi1, APR_2018) == (True, 85, 75, 95)
    assert _band(kpi2, APR_2018) == (True, 21, 17, 24)


def test_a_refused_row_leaves_the_years_targets_as_they_were(seeds, commissioner):
    """KPI1's row is removed and KPI2's changed before KPI3's band is found
    wrong (lower above the target): nothing of the change stays."""
    birmingham = seeds["birmingham"]
    kpi1, kpi2, kpi3 = (birmingham.kpis.get(code=c) for c in ("KPI1", "KPI2", "KPI3"))
    before = _band(kpi3, APR_2018)
    with pytest.raises(ValidationError, match="lower ≤ target ≤ upper"):
        services.targets_set(
            organisation=birmingham, year=2018, user=commissioner, reason="Contract review",
            entries={
                kpi1: None,
                kpi2: {"target": Decimal(20), "lower": Decimal(16), "upper": Decimal(23)},
                kpi3: {"target": Decimal(50), "lower": Decimal(60), "upper": Decimal(70)},
            },
        )  # fmt: skip
    assert _band(kpi1, APR_2018) == (True, 85, 75, 95)
    assert _band(kpi2, APR_2018) == (True, 21, 17, 24)
    assert _band(kpi3, APR_2018) == before
    assert not Target.history.filter(history_change_reason="Contract review").exists()


def test_another_trusts_targets_for_the_year_do_not_stop_the_copy(seeds, commissioner):
    """Sandwell starts 2019/20 first; Birmingham's copy still finds its own
    year empty and copies its own 2018/19 targets, and Sandwell's stay."""
    sandwell_pi1 = seeds["sandwell"].kpis.get(code="PI1")
    Target.objects.create(kpi=sandwell_pi1, valid_from=APR_2019, value=90, lower=80, upper=90)
    copied = services.targets_copy_previous_year(
        organisation=seeds["birmingham"], year=2019, user=commissioner
    )
    birmingham_kpis = seeds["birmingham"].kpis.count()
    assert copied == birmingham_kpis == 15
    copies = Target.objects.filter(valid_from=APR_2019, kpi__organisation=seeds["birmingham"])
    assert copies.count() == 15
    assert _band(seeds["birmingham"].kpis.get(code="KPI2"), APR_2019) == (True, 21, 17, 24)
    assert (
        Target.objects.filter(valid_from=APR_2019, kpi__organisation=seeds["sandwell"]).count() == 1
    )
    record = Target.objects.get(kpi__code="KPI2", valid_from=APR_2019).history.get()
    assert (record.history_user, record.history_change_reason) == (
        commissioner,
        "Copied from 2018/19",
    )


def test_a_year_with_targets_is_not_copied_over_and_a_year_with_none_before_has_nothing_to_copy(
    seeds, commissioner
):
    birmingham = seeds["birmingham"]
    with pytest.raises(services.TargetsError) as refused:
        services.targets_copy_previous_year(organisation=birmingham, year=2018, user=commissioner)
    assert str(refused.value) == "2018/19 already has targets: change them in the form instead."
    with pytest.raises(services.TargetsError) as refused:
        services.targets_copy_previous_year(organisation=birmingham, year=2017, user=commissioner)
    assert str(refused.value) == "2016/17 has no targets in force to copy."


def test_a_target_not_yet_agreed_is_copied_as_not_yet_agreed(seeds, commissioner):
    """Sandwell's 2018/19 contract targets are "Target not yet agreed": so is 2019/20's start."""
    sandwell = seeds["sandwell"]
    copied = services.targets_copy_previous_year(
        organisation=sandwell, year=2019, user=commissioner
    )
    rows = Target.objects.filter(kpi__organisation=sandwell, valid_from=APR_2019)
    assert copied == rows.count() > 0
    assert {(t.agreed, t.value, t.lower, t.upper) for t in rows} == {(False, None, None, None)}


@pytest.fixture
def events(caplog):
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    return lambda: [r.getMessage() for r in caplog.records if r.name == LOGGER_NAME]


def test_a_change_in_the_form_is_logged_with_every_kpi_it_touched(events, seeds, commissioner):
    birmingham = seeds["birmingham"]
    kpi2, kpi3 = birmingham.kpis.get(code="KPI2"), birmingham.kpis.get(code="KPI3")
    services.targets_set(
        organisation=birmingham, year=2018, user=commissioner, reason="Contract review",
        entries={kpi2: {"target": Decimal(20), "lower": Decimal(16), "upper": Decimal(23)},
                 kpi3: None},
    )  # fmt: skip
    assert events() == [
        "event=targets_changed user=commissioner organisation=birmingham contract_year=2018/19 "
        "changed=2 kpis=KPI3,KPI2 via=form"
    ]
    removed = Target.history.filter(kpi_id=kpi3.pk, valid_from=APR_2018).latest()
    assert (removed.history_type, removed.history_user, removed.history_change_reason) == (
        "-", commissioner, "Contract review",
    )  # fmt: skip


def test_a_copy_is_logged_with_the_kpis_it_copied(events, seeds, commissioner):
    services.targets_copy_previous_year(
        organisation=seeds["birmingham"], year=2019, user=commissioner
    )
    codes = ",".join(f"KPI{n}" for n in range(1, 16))
    assert events() == [
        "event=targets_changed user=commissioner organisation=birmingham contract_year=2019/20 "
        f"changed=15 kpis={codes} via=copy"
    ]
