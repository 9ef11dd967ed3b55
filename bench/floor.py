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

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/trustmonitor_national \
     .venv/bin/python bench/floor.py [requests]
"""

import datetime as dt
import io
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common  # noqa: E402  (sets Django up first)

# isort: split
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.template import Context, Engine  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.synthetic import existing_organisations  # noqa: E402
from kpis import selectors  # noqa: E402
from kpis.periods import due_date  # noqa: E402

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


def _month(date: dt.date) -> int:
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
    """(variation, assurance) of the latest reading, exactly on integers."""
    n = len(units)
    if n < 15:
        return None, None
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
    return variation, assurance


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
        variation, assurance = _spc([v for v in values if v is not None], polarity, target)
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
            }
        )
    return rows, states.get(last)


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

    client = Client()
    client.force_login(_common.bench_user())
    first = organisations[0]
    app, floor = [], []
    client.get(f"/o/{first.slug}/")
    for _ in range(requests):
        start = time.perf_counter()
        if client.get(f"/o/{first.slug}/").status_code != 200:
            raise SystemExit("the dashboard did not answer 200")
        app.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        floor_page(first.pk, today)
        floor.append((time.perf_counter() - start) * 1000)
    ratio = statistics.median(app) / statistics.median(floor)
    print(f"dashboard, {first.slug}  app {_figures(app)} | floor {_figures(floor)} | {ratio:.1f}×")

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
