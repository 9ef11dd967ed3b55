import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command


def _run(*args):
    out = io.StringIO()
    call_command("kpi_status", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_contract_csv_for_the_latest_month(seeds):
    rows = list(csv.DictReader(io.StringIO(_run("birmingham", "--format", "csv"))))
    assert len(rows) == 15
    assert rows[0] == {
        "kpi": "KPI1",
        "title": "% of all referrals with a decision within 24 hours",
        "period": "2018-10",
        "value": "85",
        "target": "85",
        "lower": "75",
        "upper": "95",
        "polarity": "higher",
        "status": "green",
        "met_or_within_12m": "1/1",
    }
    statuses = {r["kpi"]: r["status"] for r in rows}
    assert statuses["KPI2"] == "amber"
    assert statuses["KPI10"] == "green"


def test_it_prints_json_with_numbers_and_nulls(seeds):
    records = json.loads(_run("sandwell", "--period", "2018-12", "--format", "json"))
    pi14 = next(r for r in records if r["kpi"] == "PI14")
    assert pi14["value"] == 18.8
    assert pi14["target"] is None and pi14["lower"] is None
    assert pi14["status"] == "no_target"
    assert pi14["met_or_within_12m"] is None
    assert pi14["direction"] == "improving"  # 19.20 → 18.80, lower is better
    assert pi14["months_off_target"] == 0
    kpi10 = next(
        r for r in json.loads(_run("birmingham", "--format", "json")) if r["kpi"] == "KPI10"
    )
    assert kpi10["value"] == 168 and kpi10["polarity"] == "lower"


def test_it_prints_a_readable_table(seeds):
    text = _run("birmingham")
    assert "Birmingham Children's Trust — October 2018" in text
    assert "KPI2" in text and "Amber" in text and "17–24%" in text


def test_it_rates_a_month_without_a_reading_as_missing(seeds):
    # A trust whose returns still come in: every month after Oct 2018 is held.
    seeds["birmingham"].held_until = None
    seeds["birmingham"].save()
    rows = list(
        csv.DictReader(io.StringIO(_run("birmingham", "--period", "2018-11", "--format", "csv")))
    )
    assert {r["status"] for r in rows} == {"missing"}
    assert rows[0]["met_or_within_12m"] == "1/2"


def test_it_refuses_an_unknown_organisation(seeds):
    with pytest.raises(CommandError, match="No organisation with slug 'nowhere'"):
        _run("nowhere")


@pytest.mark.parametrize("period", ["2018-13", "October", "18-10"])
def test_it_refuses_a_malformed_period(seeds, period):
    with pytest.raises(CommandError, match="is not a month"):
        _run("birmingham", "--period", period)


def test_it_refuses_a_month_the_app_does_not_hold(seeds):
    """The seeds give Birmingham's Oct 2018 only: Nov 2018 is not Missing."""
    with pytest.raises(CommandError) as error:
        _run("birmingham", "--period", "2018-11", "--format", "csv")
    assert str(error.value) == (
        "Birmingham Children's Trust has returns in the app for Oct 2018 only: "
        "November 2018 is not held."
    )
