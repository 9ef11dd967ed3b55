"""ilacs_comparison(): the trust's authority's ILACS history beside its
statistical neighbours' latest judgements."""

import csv
import datetime as dt
import io
from types import SimpleNamespace

import pandas as pd
import pytest
from django.core.management import call_command
from django.utils import timezone

from inspections import selectors, services
from inspections.models import Grade
from national.models import Neighbour, NeighbourModel
from tests.inspections.ofsted_files import GOOD, RI, TEST_HISTORY, TEST_LATEST, D, history_row, ods
from tests.inspections.test_outcomes_file import LA_CODES_FILE, OFSTED_FILE

SN_2025 = OFSTED_FILE.parent.parent / "dfe" / "sn_model_2025_wide.csv"


def neighbour_model(name, groups, *, names=None, days_ago=0):
    """A made-up model: la_code → [(neighbour code, closeness)], nearest first."""
    model = NeighbourModel.objects.create(
        name=name, source="test.csv", imported_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    for la_code, neighbours in groups.items():
        for position, (code, closeness) in enumerate(neighbours, start=1):
            Neighbour.objects.create(
                model=model, la_code=la_code, la_name=(names or {}).get(la_code, f"LA {la_code}"),
                position=position, neighbour_code=code, closeness=closeness,
            )  # fmt: skip
    return model


@pytest.fixture
def small_file(db):
    history = [
        *TEST_HISTORY,
        history_row("E10000006", "TEST Cumbria", D(2022, 9, 20), D(2022, 11, 15),
                    [RI, GOOD, RI, RI, None], status="No longer exists"),
    ]  # fmt: skip
    return services.inspection_outcomes_import(name="test.ods", data=ods(history=history))


@pytest.fixture
def ofsted_2025(db):
    services.inspection_outcomes_import(name=OFSTED_FILE.name, data=OFSTED_FILE.read_bytes())
    call_command("import_neighbours", str(SN_2025), model="DfE 2025", stdout=io.StringIO())


def test_it_gives_the_authoritys_ilacs_history_newest_first(seeds, small_file):
    comparison = selectors.ilacs_comparison(organisation=seeds["birmingham"])
    assert comparison.la_name == "TEST Birmingham"
    assert [(i.inspection_date, i.is_latest) for i in comparison.history] == [
        (dt.date(2023, 2, 20), True), (dt.date(2018, 12, 3), False),
    ]  # fmt: skip
    assert comparison.latest.overall_effectiveness == Grade.GOOD
    assert comparison.release.as_at == dt.date(2025, 3, 31)


def test_it_lists_the_neighbours_in_the_models_order_with_their_latest(seeds, small_file):
    neighbour_model("old", {"330": [("333", "Close")]}, days_ago=30)
    neighbour_model(
        "TEST model",
        {"330": [("332", "Very close"), ("909", "Close"), ("333", "Close"), ("318", "Not close")],
         "318": [("330", "Not close")]},
        names={"318": "Richmond upon Thames"},
    )  # fmt: skip
    comparison = selectors.ilacs_comparison(organisation=seeds["birmingham"])
    assert comparison.neighbour_model == "TEST model"  # the latest imported
    rows = [
        (n.position, n.la_code, n.la_name, n.closeness,
         n.inspection and (n.inspection.inspection_date, n.inspection.overall_effectiveness))
        for n in comparison.neighbours
    ]  # fmt: skip
    assert rows == [
        (1, "332", "TEST Dudley", "Very close", (dt.date(2024, 6, 3), Grade.OUTSTANDING)),
        # No longer exists: its last inspection stands, marked as such.
        (2, "909", "TEST Cumbria", "Close", (dt.date(2022, 9, 20), Grade.REQUIRES_IMPROVEMENT)),
        (3, "333", "TEST Sandwell", "Close", (dt.date(2022, 5, 9), Grade.REQUIRES_IMPROVEMENT)),
        # Not in Ofsted's file: named from the model.
        (4, "318", "Richmond upon Thames", "Not close", None),
    ]
    assert comparison.neighbours[1].inspection.la_status == "no_longer_exists"
    assert comparison.summary == (
        "Of TEST Birmingham's 4 statistical neighbours, 1 is judged Outstanding overall at "
        "their latest ILACS inspection and 2 Requires improvement to be good; 1 has no ILACS "
        "judgement in Ofsted's file."
    )
    assert comparison.blank == ""


def _overall_by_route_of_our_own(la_code: str) -> tuple[list[str], dict[str, int]]:
    """The neighbours and their overall judgements, read with pandas and csv
    straight from the files (not through the parser or the neighbour import)."""
    with open(SN_2025, newline="", encoding="utf-8-sig") as handle:
        row = next(r for r in csv.DictReader(handle) if r["old_la_code"] == la_code)
    codes = [row[f"SN_{k}"] for k in range(1, 11)]
    with open(LA_CODES_FILE, newline="", encoding="utf-8") as handle:
        ons = [(r["old_la_code"], r["new_la_code"]) for r in csv.DictReader(handle)]
    sheet = pd.read_excel(OFSTED_FILE, sheet_name="Inspections_as_at_31_March", header=2)
    overall = dict(
        zip(sheet["Local authority area code"], sheet["Overall effectiveness"], strict=True)
    )
    # An old code may have had two ONS codes (Sheffield: E08000019, E08000039).
    judged = [overall[new] for code in codes for old, new in ons if old == code and new in overall]
    return codes, {label: judged.count(label) for label in set(judged)}


@pytest.mark.parametrize(
    "slug, sentence",
    [
        ("birmingham", "Of Birmingham's 10 statistical neighbours, 7 are judged Good overall at "
         "their latest ILACS inspection, 1 Requires improvement to be good and 2 Inadequate."),
        ("sandwell", "Of Sandwell's 10 statistical neighbours, 4 are judged Good overall at their "
         "latest ILACS inspection, 5 Requires improvement to be good and 1 Inadequate."),
    ],
)  # fmt: skip
def test_it_counts_the_real_neighbours_as_ofsteds_file_does(seeds, ofsted_2025, slug, sentence):
    organisation = seeds[slug]
    comparison = selectors.ilacs_comparison(organisation=organisation)
    codes, counts = _overall_by_route_of_our_own(organisation.old_la_code)
    assert [n.la_code for n in comparison.neighbours] == codes
    for label, count in counts.items():
        assert f"{count} {label}" in comparison.summary or f"{count} are judged {label}" in (
            comparison.summary
        )
    assert sum(counts.values()) == 10
    assert comparison.summary == sentence


def test_it_says_when_ofsteds_file_has_not_been_imported(seeds):
    comparison = selectors.ilacs_comparison(organisation=seeds["birmingham"])
    assert comparison.blank == selectors.NOT_IMPORTED
    assert comparison.history == [] and comparison.neighbours == []


def test_it_says_when_the_organisation_has_no_la_code(seeds, small_file):
    seeds["sandwell"].old_la_code = ""
    seeds["sandwell"].save()
    comparison = selectors.ilacs_comparison(organisation=seeds["sandwell"])
    assert comparison.blank == (
        "Sandwell Children's Trust has no local authority code recorded, so its authority "
        "cannot be found in Ofsted's file."
    )


def test_it_says_when_there_is_no_model_or_the_model_does_not_list_the_authority(seeds, small_file):
    comparison = selectors.ilacs_comparison(organisation=seeds["sandwell"])
    assert comparison.blank == selectors.NO_NEIGHBOUR_MODEL
    assert len(comparison.history) == 1  # the history still shows
    neighbour_model("TEST model", {"330": [("333", "Close")]})
    comparison = selectors.ilacs_comparison(organisation=seeds["sandwell"])
    assert (
        comparison.blank
        == "The statistical-neighbour model 'TEST model' does not list TEST Sandwell."
    )


def test_it_says_when_the_file_has_no_inspection_of_the_authority(seeds, db):
    services.inspection_outcomes_import(
        name="test.ods",
        data=ods(
            latest=[r for r in TEST_LATEST if r[1] != "E08000025"],
            history=[r for r in TEST_HISTORY if r[1] != "E08000025"],
        ),
    )
    comparison = selectors.ilacs_comparison(organisation=seeds["birmingham"])
    assert comparison.blank == "Ofsted's file has no ILACS inspection of local authority 330."


def _n(grade):
    return SimpleNamespace(
        inspection=SimpleNamespace(overall_effectiveness=grade) if grade else None
    )


@pytest.mark.parametrize(
    "grades, sentence",
    [
        (["good"], "Of X's 1 statistical neighbour, 1 is judged Good overall at its latest ILACS "
                   "inspection."),
        (["inadequate", "outstanding", "inadequate"], "Of X's 3 statistical neighbours, 1 is "
         "judged Outstanding overall at their latest ILACS inspection and 2 Inadequate."),
        ([None, None], "Of X's 2 statistical neighbours, none has an ILACS judgement in "
                       "Ofsted's file."),
        (["good", None, None], "Of X's 3 statistical neighbours, 1 is judged Good overall at its "
         "latest ILACS inspection; 2 have no ILACS judgement in Ofsted's file."),
    ],
)  # fmt: skip
def test_it_words_the_summary_to_fit_the_counts(grades, sentence):
    assert selectors.neighbour_summary([_n(g) for g in grades], la_name="X") == sentence


def test_it_sorts_neighbours_by_a_judgement_best_first_and_unjudged_last():
    rows = [
        SimpleNamespace(position=i, la_name=name, inspection=grade and SimpleNamespace(
            overall_effectiveness=grade, inspection_date=dt.date(2020 + i, 1, 1)))
        for i, (name, grade) in enumerate(
            [("b", "good"), ("a", None), ("c", "inadequate"), ("d", "outstanding")], start=1)
    ]  # fmt: skip
    names = lambda sort: [r.la_name for r in selectors.sort_neighbours(rows, sort)]  # noqa: E731
    assert names("overall_effectiveness") == ["d", "b", "c", "a"]
    assert names("-overall_effectiveness") == ["c", "b", "d", "a"]
    assert names("name") == ["a", "b", "c", "d"]
    assert names("-date") == ["d", "c", "b", "a"]
    assert names("no-such-column") == ["b", "a", "c", "d"]


def test_the_latest_models_order_closeness_and_names_not_an_older_ones(seeds, small_file):
    """Two models list Birmingham's neighbours differently; the one imported
    last (here the first made) is read whole. A neighbour that neither
    Ofsted's file nor the model names of its own is shown by its code."""
    neighbour_model(
        "TEST model",
        {"330": [("318", "Not close"), ("999", "Close"), ("332", "Close")],
         "318": [("330", "Not close")]},
        names={"318": "Richmond upon Thames"},
    )  # fmt: skip
    neighbour_model(
        "TEST older model",
        {"330": [("332", "Very close"), ("318", "Very close"), ("999", "Very close")],
         "318": [("330", "Close")]},
        names={"318": "TEST Richmond, as the older model names it"}, days_ago=400,
    )  # fmt: skip
    comparison = selectors.ilacs_comparison(organisation=seeds["birmingham"])
    assert comparison.neighbour_model == "TEST model"
    assert [(n.position, n.la_code, n.la_name, n.closeness) for n in comparison.neighbours] == [
        (1, "318", "Richmond upon Thames", "Not close"),
        (2, "999", "999", "Close"),
        (3, "332", "TEST Dudley", "Close"),
    ]
    assert [n.inspection for n in comparison.neighbours][:2] == [None, None]
    assert comparison.summary == (
        "Of TEST Birmingham's 3 statistical neighbours, 1 is judged Outstanding overall at its "
        "latest ILACS inspection; 2 have no ILACS judgement in Ofsted's file."
    )


def test_the_authority_is_named_as_its_latest_inspection_names_it(seeds, db):
    renamed = [
        history_row("E08000025", "TEST Birmingham City Council", D(2018, 12, 3), D(2019, 1, 17),
                    [RI] * 4 + [None]),
        *TEST_HISTORY[1:],
    ]  # fmt: skip
    services.inspection_outcomes_import(name="test.ods", data=ods(history=renamed))
    comparison = selectors.ilacs_comparison(organisation=seeds["birmingham"])
    assert [i.la_name for i in comparison.history] == [
        "TEST Birmingham", "TEST Birmingham City Council",
    ]  # fmt: skip
    assert comparison.la_name == "TEST Birmingham"


def _shown(comparison):
    return (
        comparison.la_code, comparison.la_name, comparison.neighbour_model,
        comparison.neighbours, comparison.summary,
    )  # fmt: skip


def test_with_nothing_to_compare_it_names_the_trust_and_no_model_or_summary(seeds, small_file):
    """What the section's heading and source line read when a blank says why
    there is nothing to compare: no model named, no summary, no neighbours."""
    sandwell = seeds["sandwell"]
    no_model = selectors.ilacs_comparison(organisation=sandwell)
    assert _shown(no_model) == ("333", "TEST Sandwell", "", [], "")
    neighbour_model("TEST model", {"330": [("333", "Close")]})
    not_listed = selectors.ilacs_comparison(organisation=sandwell)
    assert _shown(not_listed) == ("333", "TEST Sandwell", "TEST model", [], "")
    sandwell.old_la_code = ""
    sandwell.save()
    no_code = selectors.ilacs_comparison(organisation=sandwell)
    assert _shown(no_code) == ("", "Sandwell Children's Trust", "", [], "")
    assert no_code.history == [] and no_code.release == small_file.release


def test_before_ofsteds_file_is_imported_it_names_the_trust(seeds):
    comparison = selectors.ilacs_comparison(organisation=seeds["birmingham"])
    assert _shown(comparison) == ("330", "Birmingham Children's Trust", "", [], "")
    assert comparison.release is None and comparison.latest is None
