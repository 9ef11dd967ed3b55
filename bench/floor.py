"""The floor: the dashboard's figures with the least work, beside the app's.

Issue 16 measures each page against a *floor* that produces the same
information as cheaply as this machine allows: one raw SQL query returning
every column the dashboard table shows (each KPI's readings as exact integer
ten-thousandths, its targets, its statistical-neighbour comparator, the
month's return state), plain-Python statuses, directions, 12-month counts,
months off target, worsening runs and SPC variation / assurance by the
app's exact rules (written again here, on integers, only to be timed and
checked: the app's one home for each rule is kpis/rating.py and
kpis/spc.py), and a minimal template of one row per KPI and 12 columns.

Every floor row is checked equal to the app's own ``status_table`` row
before anything is timed. Then, alternating in one process so that both
see the same load:
- the dashboard (GET through Django's full handler) against the floor for
  the same organisation and month;
- ``kpi_status --format json`` for every SYNTHETIC organisation against
  the floor's rows for each, as JSON.

Also, the same way: the KPI page (trend and SPC views) of the first KPI and
the monthly report for the latest month, against floors of the same kind
(one query for the KPI, or the dashboard's query and one for the month's
commentary; plain Python; a minimal template), each checked equal first:
every month's status, direction and 12-month count, the SPC icons, lines
and each reading's signal of 120 KPIs; every report's indicators, their
commentary, SPC summary and the failures.

Run: ``make bench``, or
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/trustmonitor_national \
     .venv/bin/python bench/floor.py [requests]
"""

import datetime as dt
import io
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from decimal import Decimal, localcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common  # noqa: E402  (sets Django up first)

# isort: split
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.template import Context, Engine  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.synthetic import existing_organisations  # noqa: E402
from kpis import selectors, spc  # noqa: E402
from kpis.periods import due_date  # noqa: E402
from reports import selectors as reports  # noqa: E402

# One query: four kinds of row, told apart by the first column.
# r: reading (kpi, month, units); t: target (kpi, valid_from, target, lower,
# upper units); c: statistical-neighbour comparator (kpi, year, units);
# k: KPI (id, code, title, polarity, order); m: the latest month's return.
FLOOR_SQL = """
SELECT 'r', r.kpi_id, r.period, CAST(ROUND(r.value * 10000) AS BIGINT), NULL, NULL,
       NULL, NULL, NULL, NULL
  FROM kpis_reading r JOIN kpis_kpi k ON k.id = r.kpi_id
 WHERE k.organisation_id = %(organisation)s
UNION ALL
SELECT 't', t.kpi_id, t.valid_from, CAST(ROUND(t.value * 10000) AS BIGINT),
       CAST(ROUND(t.lower * 10000) AS BIGINT), CAST(ROUND(t.upper * 10000) AS BIGINT),
       NULL, NULL, NULL, NULL
  FROM kpis_target t JOIN kpis_kpi k ON k.id = t.kpi_id
 WHERE k.organisation_id = %(organisation)s
UNION ALL
SELECT 'c', c.kpi_id, NULL, CAST(ROUND(c.value * 10000) AS BIGINT), c.year, NULL,
       NULL, NULL, NULL, NULL
  FROM kpis_comparator c JOIN kpis_kpi k ON k.id = c.kpi_id
 WHERE k.organisation_id = %(organisation)s AND c.kind = 'statistical_neighbours'
UNION ALL
SELECT 'k', k.id, NULL, NULL, k."order", NULL, k.code, k.title, k.polarity, k.unit
  FROM kpis_kpi k
 WHERE k.organisation_id = %(organisation)s
UNION ALL
SELECT 'm', NULL, m.period, NULL, NULL, NULL, m.state, NULL, NULL, NULL
  FROM kpis_monthlyreturn m
 WHERE m.organisation_id = %(organisation)s
"""

MINIMAL = Engine().from_string(
    """<table><thead><tr><th>KPI</th><th>Title</th><th>Month</th><th>Value</th>
<th>Target</th><th>Band</th><th>Status</th><th>Last month</th><th>3 months</th>
<th>12 months</th><th>Months off</th><th>SPC</th></tr></thead><tbody>
{% for r in rows %}<tr><td>{{ r.code }}</td><td>{{ r.title }}</td><td>{{ r.month }}</td>
<td>{{ r.value }}</td><td>{{ r.target }}</td><td>{{ r.band }}</td><td>{{ r.status }}</td>
<td>{{ r.direction }}</td><td>{{ r.direction_3m }}</td><td>{{ r.met_12m }}/{{ r.rated_12m }}</td>
<td>{{ r.months_off_target }}</td><td>{{ r.variation }} {{ r.assurance }}</td></tr>
{% endfor %}</tbody></table><p>Return: {{ state }}</p>"""
)

RUN = 6  # the SPC run length (settings.SPC_RUN_LENGTH's default)


def _month(date: dt.date | str) -> int:
    if isinstance(date, str):  # SQLite gives a UNION's dates as text
        date = dt.date.fromisoformat(date[:10])
    return date.year * 12 + date.month - 1


def _date(month: int) -> dt.date:
    return dt.date(month // 12, month % 12 + 1, 1)


def _status(value, target, polarity):
    """(status, has_target) of one month; value and target are units or None."""
    if target is None:
        return ("no_target" if value is not None else None), False
    t, lower, upper = target
    if value is None:
        return None, True
    if polarity == "higher":
        return ("green" if value >= t else "amber" if value >= lower else "red"), True
    if polarity == "lower":
        return ("green" if value <= t else "amber" if value <= upper else "red"), True
    return ("green" if lower <= value <= upper else "red"), True


def _direction(current, previous, count, target, polarity):
    if current is None or previous is None:
        return None
    if polarity == "higher":
        signed = current - previous
    elif polarity == "lower":
        signed = previous - current
    elif target is None:
        return None
    else:
        t = target[0] * count
        signed = abs(previous - t) - abs(current - t)
    return "improving" if signed > 0 else "worsening" if signed < 0 else "stable"


def _spc(units: list[int], polarity: str, target):
    """(variation, assurance, rules flagging it) of the latest reading,
    exactly on integers."""
    n = len(units)
    if n < 15:
        return None, None, set()
    total = sum(units)
    ranges = sum(abs(b - a) for a, b in zip(units, units[1:], strict=False))
    step = 266 * n * ranges

    def side(units_value, lines):
        offset = 300 * (n - 1) * (n * units_value - total)
        bound = lines * step
        return 1 if offset > bound else -1 if offset < -bound else 0

    mean_side = [side(u, 0) for u in units]
    last_mean, last_limit = mean_side[-1], side(units[-1], 3)
    high, low = set(), set()

    def flag(rule, sign):
        (high if sign > 0 else low).add(rule)

    if last_limit:
        flag(1, last_limit)
    if last_mean:
        length = 0
        for s in reversed(mean_side):
            if s != last_mean:
                break
            length += 1
        if length >= RUN:
            flag(2, last_mean)
    moves = [(b > a) - (b < a) for a, b in zip(units, units[1:], strict=False)]
    if moves and moves[-1]:
        length = 0
        for m in reversed(moves):
            if m != moves[-1]:
                break
            length += 1
        if length >= RUN - 1:
            flag(3, moves[-1])
    if n >= 3 and last_mean:
        window = mean_side[-3:]
        if window[0] == window[1] == window[2] != 0:
            near = [
                (s != 0) and side(u, 2) == s and side(u, 3) == 0
                for u, s in zip(units[-3:], window, strict=True)
            ]
            if sum(near) >= 2 and near[-1]:
                flag(4, last_mean)
    rules = high | low
    if not high and not low:
        variation = "common_cause"
    elif polarity == "within":
        variation = "special_cause_neither"
    else:
        good = high if polarity == "higher" else low
        variation = "special_cause_improving" if good else "special_cause_concerning"
    assurance = None
    if target is not None and polarity != "within":
        offset = 300 * (n - 1) * (n * target[0] - total)
        limit = 3 * step
        below, above = offset <= -limit, offset >= limit
        passes, fails = (below, above) if polarity == "higher" else (above, below)
        assurance = (
            "consistently_pass" if passes else "consistently_fail" if fails else "hit_and_miss"
        )
    return variation, assurance, rules


def _point_flags(units: list[int]) -> list[tuple[set, set]]:
    """Per point, the rules (1–4) flagging it high and low: the SPC chart's
    signals, exactly on integers (fewer than 15 readings: none)."""
    n = len(units)
    flags = [(set(), set()) for _ in units]
    if n < 15:
        return flags
    total = sum(units)
    ranges = sum(abs(b - a) for a, b in zip(units, units[1:], strict=False))
    step = 266 * n * ranges
    offsets = [300 * (n - 1) * (n * u - total) for u in units]

    def side(offset, lines):
        bound = lines * step
        return 1 if offset > bound else -1 if offset < -bound else 0

    mean = [side(o, 0) for o in offsets]
    sigma = [side(o, 2) for o in offsets]
    limit = [side(o, 3) for o in offsets]

    def flag(i, rule, sign):
        flags[i][0 if sign > 0 else 1].add(rule)

    for i, s in enumerate(limit):
        if s:
            flag(i, 1, s)
    start = 0
    for i in range(1, n + 1):  # shifts: runs of one side of the mean
        if i == n or mean[i] != mean[start]:
            if mean[start] and i - start >= RUN:
                for j in range(start, i):
                    flag(j, 2, mean[start])
            start = i
    moves = [(b > a) - (b < a) for a, b in zip(units, units[1:], strict=False)]
    start = 0
    for i in range(1, len(moves) + 1):  # trends: runs of rises or of falls
        if i == len(moves) or moves[i] != moves[start]:
            if moves[start] and i - start >= RUN - 1:
                for j in range(start, i + 1):
                    flag(j, 3, moves[start])
            start = i
    near = [m != 0 and g == m and x == 0 for m, g, x in zip(mean, sigma, limit, strict=True)]
    for i in range(n - 2):  # two of three beyond the two-sigma line
        if mean[i] and mean[i] == mean[i + 1] == mean[i + 2] and sum(near[i : i + 3]) >= 2:
            for j in range(i, i + 3):
                if near[j]:
                    flag(j, 4, mean[j])
    return flags


def _signal(high: set, low: set, polarity: str):
    if not high and not low:
        return None
    if polarity == "within":
        return "neither"
    good = high if polarity == "higher" else low
    return "improvement" if good else "concern"


def _lines(units: list[int]):
    """(mean, lower limit, upper limit) as Decimals, as the page prints them."""
    n = len(units)
    if not n:
        return None, None, None
    with localcontext(prec=28):
        mean = Decimal(sum(units)).scaleb(-4) / n
        if n < 15:
            return mean, None, None
        ranges = Decimal(sum(abs(b - a) for a, b in zip(units, units[1:], strict=False)))
        spread = Decimal("2.66") * ranges.scaleb(-4) / (n - 1)
        return mean, mean - spread, mean + spread


def floor_rows(organisation_id: int, today: dt.date) -> tuple[list[dict], str | None]:
    """The dashboard's rows for the organisation's latest month, and the
    month's return state: one query, then plain Python."""
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, {"organisation": organisation_id})
        fetched = cursor.fetchall()
    readings, targets, comparators, kpis, states = defaultdict(dict), defaultdict(list), {}, {}, {}
    for kind, kpi, period, a, b, c, code, title, polarity, unit in fetched:
        if kind == "r":
            readings[kpi][_month(period)] = a
        elif kind == "t":
            targets[kpi].append((_month(period), (a, b, c)))
        elif kind == "c":
            comparators.setdefault(kpi, []).append((b, a))
        elif kind == "k":
            kpis[kpi] = (b, code, title, polarity, unit)
        else:
            states[_month(period)] = code
    last = max((m for by_month in readings.values() for m in by_month), default=None)
    if last is None:
        return [], None
    candidate = _month(today.replace(day=1)) - 1
    due_last = candidate if due_date(_date(candidate)) < today else candidate - 1
    rows = []
    for kpi, (_order, code, title, polarity, _unit) in sorted(
        kpis.items(), key=lambda item: (item[1][0], item[1][1])
    ):
        by_month = readings[kpi]
        first = min(by_month, default=last)
        in_force = sorted(targets[kpi])
        pointer, target = 0, None
        statuses, directions, values, target_at = [], [], [], []
        for month in range(first, last + 1):
            while pointer < len(in_force) and in_force[pointer][0] <= month:
                target = in_force[pointer][1]
                pointer += 1
            value = by_month.get(month)
            status, has_target = _status(value, target, polarity)
            if status is None:
                status = "missing" if month <= due_last else "awaiting"
            statuses.append((status, has_target))
            previous = values[-1] if values else None
            directions.append(_direction(value, previous, 1, target, polarity))
            values.append(value)
            target_at.append(target)
        value, target = values[-1], target_at[-1]
        prior = [v for v in values[-4:-1] if v is not None]
        direction_3m = (
            _direction(value * len(prior), sum(prior), len(prior), target, polarity)
            if prior and value is not None
            else None
        )
        window = statuses[-12:]
        met = sum(s in ("green", "amber") for s, _ in window)
        rated = sum(h and s in ("green", "amber", "red", "missing") for s, h in window)
        off = 0
        for s, h in reversed(statuses):
            if not (h and s in ("red", "missing")):
                break
            off += 1
        worsening = 0
        for d in reversed(directions):
            if d != "worsening":
                break
            worsening += 1
        units = [v for v in values if v is not None]
        variation, assurance, rules = _spc(units, polarity, target)
        benchmark = max(
            (pair for pair in comparators.get(kpi, ()) if pair[0] <= last // 12), default=None
        )
        verdict = None
        if benchmark and value is not None and polarity != "within":
            bench_units = benchmark[1]
            verdict = (
                "same"
                if value == bench_units
                else "better"
                if (value > bench_units) == (polarity == "higher")
                else "worse"
            )
        rows.append(
            {
                "kpi": kpi,
                "code": code,
                "title": title,
                "month": _date(last),
                "value": None if value is None else value / 10_000,
                "target": None if target is None else target[0] / 10_000,
                "band": "" if target is None else f"{target[1] / 10_000}–{target[2] / 10_000}",
                "status": statuses[-1][0],
                "direction": directions[-1],
                "direction_3m": direction_3m,
                "met_12m": met,
                "rated_12m": rated,
                "months_off_target": off,
                "months_worsening": worsening,
                "variation": variation,
                "assurance": assurance,
                "verdict": verdict,
                "spc_rules": rules,
                "spc_units": units,
            }
        )
    return rows, states.get(last)


# The KPI page's one query: the KPI's readings, its targets, its
# comparators and its organisation's returns (the marks beside the months).
KPI_SQL = """
SELECT 'r', r.period, CAST(ROUND(r.value * 10000) AS BIGINT), NULL, NULL, NULL, NULL
  FROM kpis_reading r WHERE r.kpi_id = %(kpi)s
UNION ALL
SELECT 't', t.valid_from, CAST(ROUND(t.value * 10000) AS BIGINT),
       CAST(ROUND(t.lower * 10000) AS BIGINT), CAST(ROUND(t.upper * 10000) AS BIGINT), NULL, NULL
  FROM kpis_target t WHERE t.kpi_id = %(kpi)s
UNION ALL
SELECT 'c', NULL, CAST(ROUND(c.value * 10000) AS BIGINT), c.year, NULL, c.kind, NULL
  FROM kpis_comparator c WHERE c.kpi_id = %(kpi)s
UNION ALL
SELECT 'm', m.period, NULL, NULL, NULL, m.state, NULL
  FROM kpis_monthlyreturn m JOIN kpis_kpi k ON k.organisation_id = m.organisation_id
 WHERE k.id = %(kpi)s
UNION ALL
SELECT 'k', NULL, NULL, NULL, NULL, k.polarity, k.code FROM kpis_kpi k WHERE k.id = %(kpi)s
"""

KPI_PAGE = Engine().from_string(
    """<h1>{{ code }}</h1><p>{{ variation }} {{ assurance }} mean {{ mean }},
limits {{ lower }}–{{ upper }}</p><ul>{% for c in comparators %}<li>{{ c }}</li>{% endfor %}</ul>
<script type="application/json">{{ chart }}</script>
<table><thead><tr><th>Month</th><th>Value</th><th>Target</th><th>Band</th><th>Status</th>
<th>Last month</th><th>12 months</th><th>SPC</th></tr></thead><tbody>
{% for r in rows %}<tr><td>{{ r.month }} {{ r.state }}</td><td>{{ r.value }}</td>
<td>{{ r.target }}</td><td>{{ r.band }}</td><td>{{ r.status }}</td><td>{{ r.direction }}</td>
<td>{{ r.met_12m }}/{{ r.rated_12m }}</td><td>{{ r.signal }}</td></tr>
{% endfor %}</tbody></table>"""
)


def floor_kpi(kpi_id: int, today: dt.date, *, spc_view: bool) -> dict:
    """The KPI page's figures: every month first reading to latest, newest
    first, with its status, direction and 12-month count; the SPC icons,
    mean and limits; each reading's SPC signal (the SPC view)."""
    with connection.cursor() as cursor:
        cursor.execute(KPI_SQL, {"kpi": kpi_id})
        fetched = cursor.fetchall()
    by_month, targets, comparators, states = {}, [], [], {}
    polarity = code = None
    for kind, period, a, b, c, text, label in fetched:
        if kind == "r":
            by_month[_month(period)] = a
        elif kind == "t":
            targets.append((_month(period), (a, b, c)))
        elif kind == "c":
            comparators.append((text, b, a / 10_000))
        elif kind == "m":
            states[_month(period)] = text
        else:
            polarity, code = text, label
    if not by_month:
        return {"code": code, "rows": []}
    first, last = min(by_month), max(by_month)
    candidate = _month(today.replace(day=1)) - 1
    due_last = candidate if due_date(_date(candidate)) < today else candidate - 1
    targets.sort()
    pointer, target, rows, previous, window = 0, None, [], None, []
    units = []
    for month in range(first, last + 1):
        while pointer < len(targets) and targets[pointer][0] <= month:
            target = targets[pointer][1]
            pointer += 1
        if target is not None and target[0] is None:
            target = None  # "not yet agreed": no target in force
        value = by_month.get(month)
        status, has_target = _status(value, target, polarity)
        if status is None:
            status = "missing" if month <= due_last else "awaiting"
        window = [*window[-11:], (status, has_target)]
        if value is not None:
            units.append(value)
        rows.append(
            {
                "month": _date(month),
                "state": states.get(month),
                "value": None if value is None else value / 10_000,
                "target": None if target is None else target[0] / 10_000,
                "band": "" if target is None else f"{target[1] / 10_000}–{target[2] / 10_000}",
                "status": status,
                "direction": _direction(value, previous, 1, target, polarity),
                "met_12m": sum(s in ("green", "amber") for s, _ in window),
                "rated_12m": sum(
                    h and s in ("green", "amber", "red", "missing") for s, h in window
                ),
            }
        )
        previous = value
    variation, assurance, _ = _spc(units, polarity, target)
    mean, lower, upper = _lines(units)
    signals = []
    if spc_view:
        signals = [_signal(high, low, polarity) for high, low in _point_flags(units)]
        read = iter(signals)
        for row in rows:
            row["signal"] = next(read) if row["value"] is not None else None
    chart = json.dumps(
        [[str(r["month"]), r["value"], r["target"]] for r in rows]
        if not spc_view
        else [[str(r["month"]), r["value"]] for r in rows if r["value"] is not None]
    )
    rows.reverse()
    return {
        "code": code, "rows": rows, "variation": variation, "assurance": assurance,
        "mean": mean, "lower": lower, "upper": upper, "signals": signals,
        "comparators": comparators, "chart": chart,
    }  # fmt: skip


def floor_kpi_page(kpi_id: int, today: dt.date, *, spc_view: bool) -> str:
    return KPI_PAGE.render(Context(floor_kpi(kpi_id, today, spc_view=spc_view)))


REPORT_SQL = """
SELECT r.kpi_id, r.commentary FROM kpis_reading r JOIN kpis_kpi k ON k.id = r.kpi_id
 WHERE k.organisation_id = %(organisation)s AND r.period = %(period)s AND r.commentary <> ''
"""

REPORT_PAGE = Engine().from_string(
    """<h1>Monthly report {{ month }}</h1><p>Return: {{ state }}</p>
<p>Red {{ counts.red }}, amber {{ counts.amber }}, green {{ counts.green }}</p>
<h2>4.2.2 Indicators</h2><table>{% for r in rows %}<tr><td>{{ r.code }}</td><td>{{ r.title }}</td>
<td>{{ r.value }}</td><td>{{ r.target }}</td><td>{{ r.band }}</td><td>{{ r.status }}</td>
<td>{{ r.direction }}</td><td>{{ r.met_12m }}/{{ r.rated_12m }}</td><td>{{ r.commentary }}</td></tr>
{% endfor %}</table><h2>4.2.3 Failures</h2><ul>{% for r in failures %}
<li>{{ r.code }} {{ r.status }}</li>{% endfor %}</ul><h2>SPC</h2><table>{% for r in rows %}
<tr><td>{{ r.code }}</td><td>{{ r.readings }}</td><td>{{ r.mean }}</td>
<td>{{ r.lower }}–{{ r.upper }}</td><td>{{ r.variation }} {{ r.assurance }}</td>
<td>{{ r.spc_rules|join:", " }}</td></tr>{% endfor %}</table>"""
)


def floor_report(organisation_id: int, today: dt.date) -> dict:
    """The Schedule 6 report's KPI figures for the latest month: the
    dashboard's rows, each with its commentary and SPC lines, the counts,
    and the failures (Red or Missing, the default rule)."""
    rows, state = floor_rows(organisation_id, today)
    if not rows:
        return {"rows": []}
    with connection.cursor() as cursor:
        cursor.execute(REPORT_SQL, {"organisation": organisation_id, "period": rows[0]["month"]})
        commentary = {kpi: text.strip() for kpi, text in cursor.fetchall()}
    counts = Counter(r["status"] for r in rows)
    for row in rows:
        row["commentary"] = commentary.get(row["kpi"], "")
        row["readings"] = len(row["spc_units"])
        row["mean"], row["lower"], row["upper"] = _lines(row["spc_units"])
    return {
        "month": rows[0]["month"], "state": state, "rows": rows, "counts": counts,
        "failures": [r for r in rows if r["status"] in ("red", "missing")],
    }  # fmt: skip


def floor_report_page(organisation_id: int, today: dt.date) -> str:
    return REPORT_PAGE.render(Context(floor_report(organisation_id, today)))


def floor_page(organisation_id: int, today: dt.date) -> str:
    rows, state = floor_rows(organisation_id, today)
    return MINIMAL.render(Context({"rows": rows, "state": state}))


def check_equal(organisation) -> int:
    """Every floor row equal to the app's status-table row; the row count."""
    today = timezone.localdate()
    rows, _ = floor_rows(organisation.pk, today)
    table = selectors.status_table(organisation=organisation, drafts=True, today=today)
    app = {row.kpi.pk: row for row in table.rows}
    if len(rows) != len(app):
        raise SystemExit(f"{organisation.slug}: floor {len(rows)} rows, app {len(app)}")
    for floor in rows:
        row = app[floor["kpi"]]
        mine = {k: floor[k] for k in _CHECKED}
        theirs = {k: getattr(row, k, None) for k in _CHECKED}
        theirs["value"] = None if row.value is None else float(row.value)
        theirs["target"] = None if row.target is None else float(row.target)
        theirs["month"] = row.period
        theirs["verdict"] = row.comparison.verdict if row.comparison else None
        if mine != theirs:
            raise SystemExit(f"{organisation.slug} {floor['code']}: floor {mine}, app {theirs}")
    return len(rows)


def check_kpi_equal(kpi) -> int:
    """The KPI page's floor equal to the app's figures (months, statuses,
    directions, 12-month counts, SPC icons, lines and each reading's
    signal); the months checked."""
    today = timezone.localdate()
    floor = floor_kpi(kpi.pk, today, spc_view=True)
    frame = selectors.trend_frame(kpi=kpi, drafts=True, today=today)
    app_rows = selectors.trend_rows(kpi=kpi, frame=frame)
    analysis = selectors.spc_analysis(frame)
    signals = dict(
        zip(selectors.spc_months(frame), spc.point_signals(analysis, kpi.polarity), strict=True)
    )
    theirs = [
        {
            "month": r.period,
            "value": None if r.value is None else float(r.value),
            "target": None if r.target is None else float(r.target),
            "status": r.status,
            "direction": r.direction,
            "met_12m": r.met_12m,
            "rated_12m": r.rated_12m,
            "signal": signals.get(r.period),
        }
        for r in app_rows
    ]
    mine = [{k: row.get(k) for k in theirs[0]} for row in floor["rows"]] if theirs else []
    if mine != theirs:
        for a, b in zip(mine, theirs, strict=False):
            if a != b:
                raise SystemExit(f"{kpi.code} of {kpi.organisation.slug}: floor {a}, app {b}")
        raise SystemExit(f"{kpi.code}: floor {len(mine)} months, app {len(theirs)}")
    target = frame["target"].iloc[-1] if len(frame) else None
    app_spc = (
        spc.variation(analysis, kpi.polarity),
        spc.assurance(analysis, kpi.polarity, target),
        analysis.mean,
        analysis.lower_limit,
        analysis.upper_limit,
    )
    floor_spc = tuple(floor[k] for k in ("variation", "assurance", "mean", "lower", "upper"))
    if app_spc != floor_spc:
        raise SystemExit(f"{kpi.code}: floor SPC {floor_spc}, app {app_spc}")
    return len(mine)


def check_report_equal(organisation) -> int:
    """The report's floor equal to the app's report: each indicator's row,
    commentary and SPC summary, and the failures; the indicators checked."""
    today = timezone.localdate()
    floor = floor_report(organisation.pk, today)
    report = reports.monthly_report(
        organisation=organisation, period=floor["month"], drafts=True, today=today
    )
    app = {line.row.kpi.pk: line for line in report.indicators}
    if len(app) != len(floor["rows"]):
        raise SystemExit(f"{organisation.slug}: report floor {len(floor['rows'])}, app {len(app)}")
    for row in floor["rows"]:
        line = app[row["kpi"]]
        mine = (
            row["status"], row["direction"], row["met_12m"], row["rated_12m"], row["commentary"],
            row["readings"], row["mean"], row["lower"], row["upper"], row["variation"],
            row["assurance"], len(row["spc_rules"]),
        )  # fmt: skip
        theirs = (
            line.row.status, line.row.direction, line.row.met_12m, line.row.rated_12m,
            line.commentary, line.spc.readings, line.spc.mean, line.spc.lower_limit,
            line.spc.upper_limit, line.spc.variation, line.spc.assurance, len(line.spc.signals),
        )  # fmt: skip
        if mine != theirs:
            raise SystemExit(f"{organisation.slug} {row['code']}: floor {mine}, app {theirs}")
    failures = sorted(r["kpi"] for r in floor["failures"])
    if failures != sorted(line.row.kpi.pk for line in report.failures):
        raise SystemExit(f"{organisation.slug}: the failures differ")
    return len(app)


_CHECKED = (
    "month", "value", "target", "status", "direction", "direction_3m", "met_12m",
    "rated_12m", "months_off_target", "months_worsening", "variation", "assurance", "verdict",
)  # fmt: skip


def _figures(timings: list[float]) -> str:
    timings = sorted(timings)
    return (
        f"p50 {statistics.median(timings):6.1f} ms  p95 {_common.percentile(timings, 0.95):6.1f} ms"
    )


def main(requests: int = 30) -> None:
    _common.prepare()
    organisations = list(existing_organisations().order_by("slug"))
    print(_common.machine())
    checked = sum(check_equal(o) for o in organisations)
    print(
        f"floor checked equal to the app: {checked:,} rows over {len(organisations)} organisations"
    )
    # What the check covered: a rule the data never reaches is not checked.
    today = timezone.localdate()
    seen = Counter()
    for organisation in organisations:
        for row in floor_rows(organisation.pk, today)[0]:
            seen.update(f"{k}={row[k]}" for k in ("status", "variation", "assurance", "verdict"))
    print("covered: " + ", ".join(f"{k} {n:,}" for k, n in sorted(seen.items())))

    # The KPI page and the report: every KPI of three organisations, every
    # organisation's report.
    months = sum(check_kpi_equal(k) for o in organisations[:3] for k in o.kpis.all())
    print(f"KPI page floor checked equal to the app: {months:,} months of 120 KPIs")
    lines = sum(check_report_equal(o) for o in organisations)
    print(f"report floor checked equal to the app: {lines:,} indicators")

    client = Client()
    client.force_login(_common.bench_user())
    first = organisations[0]
    kpi = first.kpis.order_by("order", "code").first()
    period = floor_rows(first.pk, today)[0][0]["month"]
    # The dashboard, the KPI page and the report read their ratings from the
    # shared cache (kpis.status_cache) after the first view of each data
    # version: timed warm, as most views are, and cold (the cache emptied
    # before each request, untimed), as the first view after a write is.
    pages = [
        ("dashboard", f"/o/{first.slug}/", lambda: floor_page(first.pk, today)),
        ("dashboard, cache cold", f"/o/{first.slug}/", lambda: floor_page(first.pk, today)),
        (
            "KPI page, trend view",
            f"/o/{first.slug}/kpi/{kpi.code}/",
            lambda: floor_kpi_page(kpi.pk, today, spc_view=False),
        ),
        (
            "KPI page, trend, cold",
            f"/o/{first.slug}/kpi/{kpi.code}/",
            lambda: floor_kpi_page(kpi.pk, today, spc_view=False),
        ),
        (
            "KPI page, SPC view",
            f"/o/{first.slug}/kpi/{kpi.code}/?view=spc",
            lambda: floor_kpi_page(kpi.pk, today, spc_view=True),
        ),
        (
            "KPI page, SPC, cold",
            f"/o/{first.slug}/kpi/{kpi.code}/?view=spc",
            lambda: floor_kpi_page(kpi.pk, today, spc_view=True),
        ),
        (
            "monthly report",
            f"/o/{first.slug}/report/{period:%Y-%m}/",
            lambda: floor_report_page(first.pk, today),
        ),
        (
            "report, cache cold",
            f"/o/{first.slug}/report/{period:%Y-%m}/",
            lambda: floor_report_page(first.pk, today),
        ),
    ]
    print(f"{first.slug}, {requests} requests each, app and floor alternating")
    for label, url, floor_call in pages:
        if client.get(url).status_code != 200:
            raise SystemExit(f"{url} did not answer 200")
        floor_call()
        app, floor = [], []
        for _ in range(requests):
            if label.endswith("cold"):
                cache.clear()
            start = time.perf_counter()
            if client.get(url).status_code != 200:
                raise SystemExit(f"{url} did not answer 200")
            app.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            floor_call()
            floor.append((time.perf_counter() - start) * 1000)
        ratio = statistics.median(app) / statistics.median(floor)
        print(f"{label:<24} app {_figures(app)} | floor {_figures(floor)} | {ratio:.1f}×")
    print(_common.machine())

    app_total = floor_total = 0.0
    for organisation in organisations:
        start = time.perf_counter()
        call_command("kpi_status", organisation.slug, format="json", stdout=io.StringIO())
        app_total += time.perf_counter() - start
        start = time.perf_counter()
        json.dumps(floor_rows(organisation.pk, today)[0], default=str)
        floor_total += time.perf_counter() - start
    print(
        f"kpi_status --format json, {len(organisations)} organisations  app {app_total:5.1f} s"
        f" | floor {floor_total:5.1f} s | {app_total / floor_total:.1f}×"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
