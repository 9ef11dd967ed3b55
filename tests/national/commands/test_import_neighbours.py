"""``manage.py import_neighbours``."""

import io

import pytest
from django.core.management import CommandError, call_command

from national.models import Neighbour, NeighbourModel
from national.selectors import statistical_neighbours

HEADER_2021 = "LA num,LA Name,LA number,GOInd,GOReg," + ",".join(f"SN{k},SNP" for k in range(1, 11))
ROW = "330,Birmingham,330,8,West Midlands," + ",".join(
    f"{code},{label}"
    for code, label in zip(
        ["821", "333", "336", "892", "352", "335", "308", "831", "320", "380"],
        ["Very Close", "close", "Close ", "Close", "Somewhat close"] + ["Not Close"] * 5,
        strict=True,
    )
)


def _run(*args):
    out = io.StringIO()
    call_command("import_neighbours", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_it_imports_a_2021_layout_with_the_heading_on_row_3(tmp_path):
    path = tmp_path / "sn.csv"
    path.write_text(f"Statistical neighbours,,\nApril 2021,,\n{HEADER_2021}\n{ROW}\n")
    out = _run(str(path), "--model", "2021")
    assert out == "2021: 1 local authorities with 10 neighbours each (headings on row 3).\n"
    neighbours = Neighbour.objects.filter(model__name="2021", la_code="330")
    assert [(n.position, n.neighbour_code, n.closeness) for n in neighbours[:3]] == [
        (1, "821", "Very close"),
        (2, "333", "Close"),
        (3, "336", "Close"),
    ]
    assert neighbours.get(position=10).closeness == "Not close"


@pytest.mark.django_db
def test_reimporting_replaces_the_model_and_makes_it_the_latest(tmp_path):
    _run("data/dfe/New_Statistical_Neighbour_Groupings_April_2021.csv", "--model", "2021")
    _run("data/dfe/sn_model_2025_wide.csv", "--model", "2025")
    assert statistical_neighbours(la_code="330")[:2] == ["892", "352"]
    path = tmp_path / "sn.csv"
    path.write_text(f"{HEADER_2021}\n{ROW}\n")
    out = _run(str(path), "--model", "2021")
    assert out.endswith("replacing the model's earlier groupings.\n")
    assert Neighbour.objects.filter(model__name="2021").values("la_code").distinct().count() == 1
    assert statistical_neighbours(la_code="330")[:2] == ["821", "333"]
    assert NeighbourModel.objects.count() == 2


@pytest.mark.django_db
def test_a_bad_row_saves_nothing(tmp_path):
    _run("data/dfe/sn_model_2025_wide.csv", "--model", "2025")
    path = tmp_path / "bad.csv"
    path.write_text(f"{HEADER_2021}\n{ROW}\n{ROW.replace('330,Birmingham,', '33,Birmingham,')}\n")
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(
            "import_neighbours", str(path), "--model", "2025", stdout=io.StringIO(), stderr=err
        )
    assert str(caught.value) == f"{path}: 1 bad row; nothing was imported."
    assert "  row 3: LA num '33' is not a 3-digit LA code" in err.getvalue().splitlines()
    assert Neighbour.objects.filter(model__name="2025").count() == 153 * 10


@pytest.mark.django_db
def test_it_imports_both_real_files():
    assert _run(
        "data/dfe/New_Statistical_Neighbour_Groupings_April_2021.csv", "--model", "2021"
    ) == ("2021: 156 local authorities with 10 neighbours each (headings on row 1).\n")
    assert _run("data/dfe/sn_model_2025_wide.csv", "--model", "2025") == (
        "2025: 153 local authorities with 10 neighbours each (headings on row 1).\n"
    )
    assert statistical_neighbours(la_code="333", model="2025") == [
        "336", "810", "861", "335", "354", "380", "806", "331", "353", "821"
    ]  # fmt: skip
    assert set(Neighbour.objects.values_list("closeness", flat=True)) <= {
        "Extremely close", "Very close", "Close", "Somewhat close", "Not close"
    }  # fmt: skip
