"""Targets per contract year: the copy is one step, all or nothing; a change
to a year's own target needs a reason."""

import datetime as dt

import pytest

from kpis import services
from kpis.models import Target


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
