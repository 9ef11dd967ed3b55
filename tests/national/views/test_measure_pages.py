"""/national/ and /national/<slug>/: LAIT's "All LAs" view, with its downloads."""

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from national.services import measure_import
from tests.national.conftest import statistics_file


def _get(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


def test_it_lists_the_measures(client, sandwell_officer, national_measure):
    national_measure()
    response = _get(client, sandwell_officer, "measure_list")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/national/rate/"' in html and "Vacancy rate" in html
    assert "Lower is better" in html


def test_it_shows_every_la_of_the_latest_year_ranked_and_banded(client, member, national_measure):
    national_measure()
    response = _get(client, member, "measure_detail", "rate")
    table = response.context["table"]
    assert table.time_period == "2025"
    assert table.time_period_label == "2025 (as at 30 September)"
    rows = {r.area_name: (r.value, r.rank, r.quartile) for r in response.context["rows"]}
    # 8.7 12 17.1 20 (n = 4): Q1 11.175, Q2 14.55, Q3 17.825; lower is better.
    assert {
        name: (str(v) if v is not None else None, rank, q) for name, (v, rank, q) in rows.items()
    } == {
        "Sandwell": ("8.700000", 1, "A"),
        "LA 334": ("12.000000", 2, "B"),
        "Birmingham": ("17.100000", 3, "C"),
        "LA 336": ("20.000000", 4, "D"),
        "LA 335": (None, None, None),
    }
    assert table.of == 4
    html = response.content.decode()
    assert "Suppressed to protect confidentiality" in html
    assert '<th scope="row">England</th>' in html and "14.2%" in html


def test_it_shows_a_chosen_year(client, member, national_measure):
    national_measure()
    response = _get(client, member, "measure_detail", "rate", year="2024")
    assert response.context["table"].time_period == "2024"
    birmingham = next(r for r in response.context["rows"] if r.area_name == "Birmingham")
    assert (birmingham.rank, birmingham.quartile) == (5, "D")
    # An unknown year falls back to the latest rather than failing.
    response = _get(client, member, "measure_detail", "rate", year="1999")
    assert response.context["table"].time_period == "2025"


def test_it_sorts_by_value_either_way_with_suppressed_figures_last(
    client, member, national_measure
):
    national_measure()

    def names(sort):
        response = _get(client, member, "measure_detail", "rate", sort=sort)
        return [r.area_name for r in response.context["rows"]]

    assert names("value") == ["Sandwell", "LA 334", "Birmingham", "LA 336", "LA 335"]
    assert names("-value") == ["LA 336", "Birmingham", "LA 334", "Sandwell", "LA 335"]
    assert names("-rank")[-1] == "LA 335"
    assert names("area") == ["Birmingham", "LA 334", "LA 335", "LA 336", "Sandwell"]


def test_a_measure_without_polarity_has_no_rank_column(client, member, national_measure):
    national_measure(polarity=None)
    response = _get(client, member, "measure_detail", "rate")
    assert all(r.rank is None and r.quartile is None for r in response.context["rows"])
    assert "Rank of" not in response.content.decode()


def test_it_downloads_csv_with_numbers_plain_and_formulas_neutralised(client, member, db):
    text = statistics_file({"330": "17.1"}).replace("LA 330", "x")
    text += '2025,Reporting year,Local authority,E92000001,England,E12000005,Region,331,E08000026,=HYPERLINK("x"),c\n'
    measure_import(
        slug="rate", name="r.csv", data=text.encode(), indicator="rate", polarity="lower"
    )
    response = _get(client, member, "measure_csv", "rate")
    assert response["Content-Disposition"] == 'attachment; filename="rate-2025.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Area",
        "Level",
        "Old LA code",
        "New LA code",
        "Region",
        "Value",
        "Note",
        "Rank",
        "Of",
        "Quartile",
    ]
    assert rows[1][:2] == ["England", "National"] and rows[1][5] == "14.2"
    birmingham = next(r for r in rows if r[0] == "Birmingham")
    assert birmingham[5:] == ["17.1", "", "1", "1", "A"]
    formula = next(r for r in rows if r[2] == "331")
    assert formula[0] == '\'=HYPERLINK("x")'
    assert formula[5:7] == ["", "Suppressed to protect confidentiality"]


def test_it_downloads_xlsx_with_numbers_as_numbers(client, member, national_measure):
    national_measure()
    response = _get(client, member, "measure_xlsx", "rate", year="2024")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    birmingham = next(r for r in rows if r[0] == "Birmingham")
    assert birmingham[5] == 26.6 and isinstance(birmingham[5], float)
    assert birmingham[7:] == (5, 5, "D")


def test_it_is_404_for_an_unknown_measure(client, member):
    assert _get(client, member, "measure_detail", "nothing").status_code == 404
    assert _get(client, member, "measure_csv", "nothing").status_code == 404


def test_it_checks_ownership(client, sandwell_officer, national_measure):
    """DfE's statistics belong to no organisation: every logged-in user reads them."""
    national_measure()
    page = _get(client, sandwell_officer, "measure_detail", "rate").content.decode()
    assert '<h1 class="h3">Vacancy rate</h1>' in page
    client.logout()
    assert client.get(reverse("measure_detail", args=["rate"])).status_code == 302


def test_its_query_count_does_not_grow_with_las(client, member, db, django_assert_max_num_queries):
    for slug, count in (("small", 5), ("large", 150)):
        values = {f"{800 + n}": str(n) for n in range(count)}
        measure_import(
            slug=slug,
            name="r.csv",
            data=statistics_file(values).encode(),
            indicator="rate",
            polarity="lower",
        )
    client.force_login(member)
    for slug in ("small", "large"):
        with django_assert_max_num_queries(6):
            response = client.get(reverse("measure_detail", args=[slug]))
        assert response.status_code == 200


def test_its_headers_say_how_the_table_is_sorted(client, member, national_measure):
    national_measure()
    html = _get(client, member, "measure_detail", "rate").content.decode()
    # The link, then the same words for narrow screens, where the link is hidden.
    words = '<span class="header-words">Local authority</span></th>'
    assert (
        f'<th scope="col" aria-sort="ascending"><a href="?sort=-area">Local authority</a>{words}'
        in html
    )
    html = _get(client, member, "measure_detail", "rate", sort="-value").content.decode()
    assert 'aria-sort="descending"><a href="?sort=value">Value</a>' in html
    assert (
        f'<th scope="col" aria-sort="none"><a href="?sort=area">Local authority</a>{words}' in html
    )
