"""The inspections page's section: Ofsted ILACS judgements beside the statistical neighbours."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from inspections import exports, selectors, services
from tests.inspections.ofsted_files import ods
from tests.inspections.test_selectors_ilacs import neighbour_model

URL = reverse("inspection_list", args=["birmingham"])


@pytest.fixture
def compared(seeds):
    services.inspection_outcomes_import(name="test.ods", data=ods())
    return neighbour_model(
        "TEST model",
        {
            "330": [("333", "Very close"), ("332", "Close"), ("318", "Not close")],
            "318": [("330", "Not close")],
        },
        names={"318": "Richmond upon Thames"},
    )


def _html(client, user, url=URL, **params):
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_the_history_and_the_neighbours_to_a_member(client, member, compared):
    html = _html(client, member)
    assert "Ofsted ILACS judgements: TEST Birmingham and its statistical neighbours" in html
    assert (
        "Judgements as at 31 March 2025. Source: Ofsted, <cite>Local authority inspection "
        "outcomes as at 31 March 2025</cite> (official statistics, published 25 September 2025)."
        in html
    )
    assert "Statistical neighbours: DfE's model “TEST model”." in html
    assert "ILACS Standard Inspection, 20 February 2023" in html
    assert "ILACS Standard Inspection, 3 December 2018" in html
    # The 2018 inspection judged children in care with care leavers.
    assert (
        'Children in care and care leavers: <span class="chip grade-requires_improvement">' in html
    )
    assert (
        escape(
            "Of TEST Birmingham's 3 statistical neighbours, 1 is judged Outstanding overall at their "
            "latest ILACS inspection and 1 Requires improvement to be good; 1 has no ILACS judgement "
            "in Ofsted's file."
        )
        in html
    )
    assert "Richmond upon Thames" in html and "No ILACS judgement in Ofsted's file</td>" in html


def test_it_orders_the_neighbours_by_a_column(client, member, compared):
    client.force_login(member)
    default = client.get(URL).context["neighbours"]
    assert [n.la_code for n in default] == ["333", "332", "318"]
    by_overall = client.get(URL, {"sort": "overall_effectiveness"}).context["neighbours"]
    assert [n.la_code for n in by_overall] == ["332", "333", "318"]
    html = client.get(URL, {"sort": "overall_effectiveness"}).content.decode()
    assert 'aria-sort="ascending"><a href="?sort=-overall_effectiveness#ilacs">' in html
    ignored = client.get(URL, {"sort": "<script>"}).context
    assert ignored["sort"] == "position"


def test_care_leavers_judged_with_children_in_care_sort_last_either_way(client, member, compared):
    """Sandwell's 2022 inspection judged care leavers with children in care:
    it has no care-leavers grade, so it is not "worst" when worst comes first."""
    client.force_login(member)
    for sort in ("care_leavers", "-care_leavers"):
        rows = client.get(URL, {"sort": sort}).context["neighbours"]
        assert [n.la_name for n in rows] == ["TEST Dudley", "TEST Sandwell", "Richmond upon Thames"]
    worst_first = client.get(URL, {"sort": "-help_and_protection"}).context["neighbours"]
    assert [n.la_name for n in worst_first] == [
        "TEST Sandwell", "TEST Dudley", "Richmond upon Thames",
    ]  # fmt: skip


def test_it_downloads_the_table_as_csv_own_authority_first(client, member, compared):
    client.force_login(member)
    response = client.get(URL, {"format": "csv", "sort": "name"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="birmingham-ilacs-neighbours-2025-03-31.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == exports.HEADERS
    assert rows[1] == [
        "TEST Birmingham", "330", "", exports.OWN_AUTHORITY, "2023-02-20", "2023-04-18",
        "ILACS Standard Inspection", "Good", "Good", "Good", "Good", "Good", "Current",
    ]  # fmt: skip
    assert [r[0] for r in rows[2:]] == ["Richmond upon Thames", "TEST Dudley", "TEST Sandwell"]
    assert rows[4][3:] == [
        "Very close", "2022-05-09", "2022-07-05", "ILACS Standard Inspection",
        "Requires improvement to be good", "Requires improvement to be good",
        "Requires improvement to be good", "Requires improvement to be good",
        exports.JUDGED_WITH_CHILDREN_IN_CARE, "Current",
    ]  # fmt: skip
    assert rows[2][2:5] == ["3", "Not close", exports.NO_JUDGEMENT]


def test_it_downloads_the_table_as_xlsx_with_grades_coloured(client, member, compared):
    client.force_login(member)
    response = client.get(URL, {"format": "xlsx"})
    assert response["Content-Disposition"].endswith('ilacs-neighbours-2025-03-31.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "ILACS judgements"
    assert [c.value for c in sheet[1]] == exports.HEADERS
    assert [c.value for c in sheet["A"]][1:] == [
        "TEST Birmingham",
        "TEST Sandwell",
        "TEST Dudley",
        "Richmond upon Thames",
    ]
    overall = sheet["H3"]
    assert overall.value == "Requires improvement to be good"
    assert overall.fill.start_color.rgb.endswith("FFDD00")


def test_it_neutralises_a_formula_in_an_exported_name(client, member, seeds):
    services.inspection_outcomes_import(name="test.ods", data=ods())
    neighbour_model(
        "TEST model",
        {"330": [("318", "Close")], "318": [("330", "Close")]},
        names={"318": "=HYPERLINK(1)"},
    )
    client.force_login(member)
    rows = list(csv.reader(io.StringIO(client.get(URL, {"format": "csv"}).content.decode())))
    assert rows[2][0] == "'=HYPERLINK(1)"


@pytest.mark.parametrize(
    "setup, sentence",
    [
        ("nothing", selectors.NOT_IMPORTED),
        ("file only", selectors.NO_NEIGHBOUR_MODEL),
    ],
)
def test_it_says_why_there_is_nothing_to_compare(client, member, seeds, setup, sentence):
    if setup == "file only":
        services.inspection_outcomes_import(name="test.ods", data=ods())
    html = _html(client, member)
    assert f'<p class="ilacs-blank">{escape(sentence)}</p>' in html
    assert "Download CSV" not in html.split('id="ilacs"')[1]


def test_it_says_when_the_organisation_has_no_la_code(client, member, compared, seeds):
    seeds["birmingham"].old_la_code = ""
    seeds["birmingham"].save()
    html = _html(client, member)
    assert escape(selectors.NO_LA_CODE.format(organisation="Birmingham Children's Trust")) in html


def test_it_reads_in_a_fixed_number_of_queries(
    client, member, compared, django_assert_max_num_queries
):
    client.force_login(member)
    with django_assert_max_num_queries(14) as few:
        client.get(URL)
    neighbour_model(
        "TEST bigger model",
        {"330": [(code, "Close") for code in ["333", "332", "318", "336", "331", "335", "909",
                                              "880", "821", "352"]]},
    )  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert len(response.context["neighbours"]) == 10


def test_it_never_writes_on_a_get(client, member, compared, django_assert_max_num_queries):
    client.force_login(member)
    with django_assert_max_num_queries(20) as queries:
        client.get(URL, {"format": "xlsx"})
    writes = [
        q["sql"] for q in queries.captured_queries
        if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
        and "django_session" not in q["sql"]
    ]  # fmt: skip
    assert writes == []


def test_it_checks_ownership(client, sandwell_officer, compared):
    client.force_login(sandwell_officer)
    assert client.get(URL).status_code == 404
    assert client.get(URL, {"format": "csv"}).status_code == 404
    own = client.get(reverse("inspection_list", args=["sandwell"]))
    assert own.status_code == 200
    assert own.context["ilacs"].la_name == "TEST Sandwell"
