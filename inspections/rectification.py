"""Reads for rectification plans that need the KPI's rated months
(``kpis.selectors``, which itself reads ``inspections.selectors``)."""

import datetime as dt

from inspections.models import ActionPlan
from kpis import charts, rating
from kpis.selectors import trend_frame


def rectification_chart(
    plan: ActionPlan, *, drafts: bool, until: dt.date | None = None
) -> dict | None:
    """The trend chart (kpis.charts) of the KPI a rectification plan
    rectifies, its months up to ``until`` (all of them if None): a dict of
    the ``json_script`` id and the figure; None without a KPI or a reading."""
    kpi = plan.kpi
    if kpi is None:
        return None
    frame = trend_frame(kpi=kpi, drafts=drafts)
    if until is not None:
        frame = frame[[rating.as_date(p) <= until for p in frame["period"]]]
    if frame.empty:
        return None
    figure = charts.trend_figure(frame, unit=kpi.unit, polarity=kpi.polarity)
    return {"id": f"rect-figure-{plan.pk}", "figure": charts.figure_json(figure)}
