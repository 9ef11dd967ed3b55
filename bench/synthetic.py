"""Synthetic (not real) KPI data for benchmarks. Every name says SYNTHETIC."""

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd

POLARITIES = ["higher", "lower", "within"]


def months(count: int, first: dt.date = dt.date(2015, 1, 1)) -> list[dt.date]:
    return [
        dt.date(first.year + (first.month - 1 + n) // 12, (first.month - 1 + n) % 12 + 1, 1)
        for n in range(count)
    ]


def national_frames(organisations=150, kpis_each=40, month_count=120, seed=1):
    """kpis, readings and targets frames shaped as the selectors build them."""
    rng = np.random.default_rng(seed)
    kpi_count = organisations * kpis_each
    kpi_ids = np.arange(1, kpi_count + 1)
    kpis = pd.DataFrame({"kpi": kpi_ids, "polarity": rng.choice(POLARITIES, kpi_count)})
    periods = months(month_count)
    values = np.round(rng.normal(70, 12, kpi_count * month_count), 1)
    readings = pd.DataFrame(
        {
            "kpi": np.repeat(kpi_ids, month_count),
            "period": periods * kpi_count,
            # Decimals, as the ORM returns them.
            "value": [Decimal(f"{v:.1f}") for v in values],
        }
    )
    # Two contract years of targets per KPI.
    target_rows = []
    for kpi in kpi_ids:
        for valid_from in (dt.date(2014, 4, 1), dt.date(2020, 4, 1)):
            target_rows.append((kpi, valid_from, Decimal("70"), Decimal("60"), Decimal("80")))
    targets = pd.DataFrame(target_rows, columns=["kpi", "valid_from", "target", "lower", "upper"])
    return kpis, readings, targets
