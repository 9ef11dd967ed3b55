"""SYNTHETIC (not real) KPI data for benchmarks. Every name says SYNTHETIC.

One home for the made-up national data set: ``national_values`` draws it
(deterministic for a seed); ``national_frames`` shapes it as the selectors
build their frames (for ``bench/rate_national.py``, no database), and
``write_national`` writes it to the database (behind the management command
``generate_synthetic_national``).
"""

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

POLARITIES = ["higher", "lower", "within"]
SLUG_PREFIX = "synthetic-national-"
NAME_PREFIX = "SYNTHETIC National Trust"
TARGET_YEARS = (dt.date(2014, 4, 1), dt.date(2020, 4, 1))


def months(count: int, first: dt.date = dt.date(2015, 1, 1)) -> list[dt.date]:
    return [
        dt.date(first.year + (first.month - 1 + n) // 12, (first.month - 1 + n) % 12 + 1, 1)
        for n in range(count)
    ]


@dataclass(frozen=True)
class NationalValues:
    """organisations × kpis_each KPIs, each with month_count monthly readings."""

    organisations: int
    kpis_each: int
    periods: list[dt.date]
    polarity: np.ndarray  # one per KPI
    tenths: np.ndarray  # (KPIs, months) int64: each reading in tenths (70.3 → 703)


def national_values(
    organisations: int = 150,
    kpis_each: int = 40,
    month_count: int = 120,
    *,
    first: dt.date = dt.date(2015, 1, 1),
    seed: int = 1,
) -> NationalValues:
    """Readings around 70 with noise; a third of the KPIs shift level in the
    last two years and a few drift, so that every SPC rule finds something."""
    rng = np.random.default_rng(seed)
    kpi_count = organisations * kpis_each
    polarity = rng.choice(POLARITIES, kpi_count)
    values = rng.normal(70, 12, (kpi_count, month_count))
    shifted = rng.random(kpi_count) < 1 / 3
    values[shifted, max(0, month_count - 24) :] += rng.choice([-8, 8], shifted.sum())[:, None]
    drifting = rng.random(kpi_count) < 0.1
    values[drifting] += np.linspace(0, 10, month_count)
    tenths = np.rint(np.clip(values, 0, 100) * 10).astype("int64")
    return NationalValues(organisations, kpis_each, months(month_count, first), polarity, tenths)


def national_frames(organisations=150, kpis_each=40, month_count=120, seed=1):
    """kpis, readings and targets frames shaped as the selectors build them."""
    data = national_values(organisations, kpis_each, month_count, seed=seed)
    kpi_count = organisations * kpis_each
    kpi_ids = np.arange(1, kpi_count + 1)
    kpis = pd.DataFrame({"kpi": kpi_ids, "polarity": data.polarity})
    readings = pd.DataFrame(
        {
            "kpi": np.repeat(kpi_ids, month_count),
            "period": data.periods * kpi_count,
            # Decimals, as the ORM returns them.
            "value": [Decimal(int(v)).scaleb(-1) for v in data.tenths.ravel()],
        }
    )
    targets = pd.DataFrame(
        [
            (kpi, valid_from, Decimal("70"), Decimal("60"), Decimal("80"))
            for kpi in kpi_ids
            for valid_from in TARGET_YEARS
        ],
        columns=["kpi", "valid_from", "target", "lower", "upper"],
    )
    return kpis, readings, targets


# --- Writing to the database ---------------------------------------------------


class SyntheticDataExists(Exception):
    pass


def existing_organisations():
    from kpis.models import Organisation

    return Organisation.objects.filter(slug__startswith=SLUG_PREFIX)


def delete_national(progress=print) -> int:
    """Remove every SYNTHETIC national organisation and what hangs off it.

    Readings, targets and returns are deleted in bulk SQL first: the ORM's
    cascade would load 720,000 readings and write a history row for each.
    Returns the number of organisations removed.
    """
    from kpis.models import KPI, Comparator, MonthlyReturn, Reading, Target
    from kpis.status_cache import status_version_bump

    organisations = existing_organisations()
    count = organisations.count()
    if not count:
        return 0
    kpis = KPI.objects.filter(organisation__in=organisations)
    for model in (Reading, Target, Comparator):
        deleted = model.objects.filter(kpi__in=kpis)._raw_delete(model.objects.db)
        progress(f"deleted {deleted:,} {model._meta.verbose_name_plural}")
    MonthlyReturn.objects.filter(organisation__in=organisations)._raw_delete(
        MonthlyReturn.objects.db
    )
    organisations.delete()
    status_version_bump(organisation_id=None)  # the raw deletes sent no signals
    return count


def write_national(
    *,
    organisations: int,
    kpis_each: int,
    month_count: int,
    last: dt.date,
    seed: int = 1,
    progress=print,
) -> dict[str, int]:
    """Write the SYNTHETIC national set ending at month ``last``; refuses if
    any SYNTHETIC national organisation exists already. Returns row counts."""
    from django.db import connection, transaction

    from kpis.models import KPI, Comparator, ComparatorKind, Organisation, Target
    from kpis.status_cache import status_version_bump

    if existing_organisations().exists():
        raise SyntheticDataExists(
            f"SYNTHETIC national data exists already ({existing_organisations().count()} "
            f"organisations with slugs {SLUG_PREFIX}…): use --replace to delete and rewrite it."
        )
    back = last.month - month_count  # months from January of last's year, to the first
    first = dt.date(last.year + back // 12, back % 12 + 1, 1)
    data = national_values(organisations, kpis_each, month_count, first=first, seed=seed)
    counts = {"organisations": 0, "kpis": 0, "readings": 0, "targets": 0, "comparators": 0}
    with transaction.atomic():
        orgs = Organisation.objects.bulk_create(
            Organisation(name=f"{NAME_PREFIX} {n:03d}", slug=f"{SLUG_PREFIX}{n:03d}")
            for n in range(1, organisations + 1)
        )
        kpis = KPI.objects.bulk_create(
            (
                KPI(
                    organisation=organisation,
                    code=f"SYN{k + 1}",
                    title=f"SYNTHETIC KPI {k + 1}",
                    unit="percent",
                    polarity=data.polarity[o * kpis_each + k],
                    order=k + 1,
                    service_area=f"SYNTHETIC area {k % 5 + 1}",
                    notes="SYNTHETIC: generated for benchmarks, not real data.",
                )
                for o, organisation in enumerate(orgs)
                for k in range(kpis_each)
            ),
            batch_size=2000,
        )
        kpi_ids = [kpi.pk for kpi in kpis]
        counts.update(organisations=len(orgs), kpis=len(kpis))
        progress(f"{len(orgs):,} organisations, {len(kpis):,} KPIs")
        counts["targets"] = len(
            Target.objects.bulk_create(
                (
                    Target(kpi_id=kpi_id, valid_from=valid_from, value=70, lower=60, upper=80)
                    for kpi_id in kpi_ids
                    for valid_from in TARGET_YEARS
                ),
                batch_size=5000,
            )
        )
        years = sorted({p.year for p in data.periods})[-3:]
        counts["comparators"] = len(
            Comparator.objects.bulk_create(
                (
                    Comparator(
                        kpi_id=kpi_id,
                        kind=kind,
                        year=year,
                        value=Decimal(int(data.tenths[i, -1]) + offset).scaleb(-1),
                        source="SYNTHETIC",
                    )
                    for i, kpi_id in enumerate(kpi_ids)
                    for year in years
                    for kind, offset in (
                        (ComparatorKind.STATISTICAL_NEIGHBOURS, 25),
                        (ComparatorKind.ENGLAND, -15),
                    )
                ),
                batch_size=5000,
            )
        )
        progress(f"{counts['targets']:,} targets, {counts['comparators']:,} comparators")
        write = _copy_readings if connection.vendor == "postgresql" else _bulk_readings
        counts["readings"] = write(kpi_ids, data, kpis_each, progress)
        counts["returns"] = _returns(orgs, data.periods)
        progress(f"{counts['returns']:,} monthly returns")
        # Bulk writes send no signals: the cached ratings move on by hand.
        status_version_bump(organisation_id=None)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE kpis_reading, kpis_target, kpis_comparator, kpis_kpi")
    return counts


def _reading_rows(kpi_ids, data):
    periods = [p.isoformat() for p in data.periods]
    for i, kpi_id in enumerate(kpi_ids):
        row = data.tenths[i]
        for j, period in enumerate(periods):
            tenths = int(row[j])
            yield kpi_id, period, f"{tenths // 10}.{tenths % 10}"


def _copy_readings(kpi_ids, data, kpis_each, progress) -> int:
    """COPY in text format: about ten times faster than bulk_create here."""
    from django.db import connection
    from django.utils import timezone

    now = timezone.now().isoformat()
    total, chunk = 0, kpis_each * len(data.periods) * 10
    buffer = io.StringIO()
    with connection.cursor() as cursor:
        with cursor.copy(
            "COPY kpis_reading (kpi_id, period, value, commentary, source, entered_at) FROM STDIN"
        ) as copy:
            for kpi_id, period, value in _reading_rows(kpi_ids, data):
                buffer.write(f"{kpi_id}\t{period}\t{value}\t\tfixture\t{now}\n")
                total += 1
                if total % chunk == 0:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
                    progress(f"{total:,} readings")
            copy.write(buffer.getvalue())
    progress(f"{total:,} readings")
    return total


def _bulk_readings(kpi_ids, data, kpis_each, progress) -> int:
    from kpis.models import Reading

    total, batch = 0, []
    chunk = kpis_each * len(data.periods) * 10
    for kpi_id, period, value in _reading_rows(kpi_ids, data):
        batch.append(Reading(kpi_id=kpi_id, period=period, value=Decimal(value), source="fixture"))
        if len(batch) == chunk:
            Reading.objects.bulk_create(batch, batch_size=5000)
            total += len(batch)
            batch = []
            progress(f"{total:,} readings")
    Reading.objects.bulk_create(batch, batch_size=5000)
    total += len(batch)
    progress(f"{total:,} readings")
    return total


def _returns(orgs, periods) -> int:
    """Every month's return accepted, but the latest, which is submitted."""
    from django.utils import timezone

    from kpis.models import MonthlyReturn, ReturnState

    def at(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime(day.year, day.month, day.day, 12))

    rows = []
    for organisation in orgs:
        for n, period in enumerate(periods):
            submitted = period + dt.timedelta(days=40)
            latest = n == len(periods) - 1
            rows.append(
                MonthlyReturn(
                    organisation=organisation,
                    period=period,
                    state=ReturnState.SUBMITTED if latest else ReturnState.ACCEPTED,
                    submitted_at=at(submitted),
                    accepted_at=None if latest else at(submitted + dt.timedelta(days=7)),
                )
            )
    return len(MonthlyReturn.objects.bulk_create(rows, batch_size=5000))
