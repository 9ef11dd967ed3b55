"""Reads for rectification plans that need the KPI's rated months
(``kpis.selectors``, which itself reads ``inspections.selectors``)."""

import datetime as dt

import pandas as pd

from inspections.models import ActionPlan
from kpis import charts
from kpis.selectors import trend_frame, trend_to


def rectification_frame(
    plan: ActionPlan, *, drafts: bool, until: dt.date | None = None
) -> pd.DataFrame | None:
    """The rated months of the KPI a rectification plan rectifies, up to
    ``until`` (all of them if None); None without a KPI or a reading."""
    kpi = plan.kpi
    if kpi is None:
        return None
    if until is None:
        frame = trend_frame(kpi=kpi, drafts=drafts)
    else:
        frame = trend_to(kpi=kpi, period=until, drafts=drafts)
    return None if frame.empty else frame


def rectification_chart(
    plan: ActionPlan, *, drafts: bool, until: dt.date | None = None
) -> dict | None:
    """The trend chart (kpis.charts) of ``rectification_frame``: a dict of
    the ``json_script`` id and the figure; None without a KPI or a reading."""
    frame = rectification_frame(plan, drafts=drafts, until=until)
    if frame is None:
        return None
    figure = charts.trend_figure(frame, unit=plan.kpi.unit, polarity=plan.kpi.polarity)
    return {"id": f"rect-figure-{plan.pk}", "figure": charts.figure_json(figure)}
