import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from kpis.models import KPI, Comparator, MonthlyReturn, Organisation, Reading, Target


def _generate(*extra):
    call_command(
        "generate_synthetic_national",
        "--organisations", "2", "--kpis", "3", "--months", "14", "--last", "2026-10",
        *extra,
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )  # fmt: skip


@pytest.mark.django_db
def test_it_writes_a_labelled_synthetic_set():
    _generate()
    organisations = Organisation.objects.all()
    assert [o.slug for o in organisations] == ["synthetic-national-001", "synthetic-national-002"]
    assert all(o.name.startswith("SYNTHETIC ") for o in organisations)
    assert KPI.objects.count() == 6
    assert all(k.title.startswith("SYNTHETIC ") for k in KPI.objects.all())
    assert Reading.objects.count() == 2 * 3 * 14
    assert Target.objects.count() == 6 * 2
    assert Comparator.objects.count() == 6 * 2 * 2  # 2 neighbour + England, 2025 and 2026
    assert MonthlyReturn.objects.count() == 2 * 14
    periods = Reading.objects.order_by("period").values_list("period", flat=True)
    assert (periods.first(), periods.last()) == (dt.date(2025, 9, 1), dt.date(2026, 10, 1))


@pytest.mark.django_db
def test_it_refuses_to_write_twice():
    _generate()
    with pytest.raises(CommandError, match="SYNTHETIC national data exists already"):
        _generate()
    assert Reading.objects.count() == 2 * 3 * 14


@pytest.mark.django_db
def test_it_replaces_only_synthetic_data(seeds):
    _generate()
    seeded = Reading.objects.exclude(kpi__organisation__slug__startswith="synthetic-").count()
    _generate("--replace")
    assert Organisation.objects.filter(slug__startswith="synthetic-national-").count() == 2
    assert Reading.objects.filter(kpi__organisation__slug__startswith="synthetic-").count() == 84
    assert (
        Reading.objects.exclude(kpi__organisation__slug__startswith="synthetic-").count() == seeded
    )
