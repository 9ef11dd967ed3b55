"""Small national files of known content, for the national tests."""

import pytest

from national.services import measure_import, neighbour_model_import

HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,old_la_code,new_la_code,la_name,rate\n"
)


def la_row(period, old, value, *, new=None, region="E12000005", name=None):
    new = new or f"E0800{old:0>4}"
    return (
        f"{period},Reporting year,Local authority,E92000001,England,{region},Region,"
        f"{old},{new},{name or 'LA ' + old},{value}\n"
    )


def statistics_file(la_values: dict[str, str], *, england="14.2", region="13", period="2025"):
    """England, West Midlands and one row per LA (old code → value)."""
    rows = [
        f"{period},Reporting year,National,E92000001,England,,,,,,{england}\n",
        f"{period},Reporting year,Regional,E92000001,England,E12000005,West Midlands,,,,{region}\n",
    ]
    for old, value in la_values.items():
        if old == "330":
            rows.append(la_row(period, old, value, new="E08000025", name="Birmingham"))
        elif old == "333":
            rows.append(la_row(period, old, value, new="E08000028", name="Sandwell"))
        else:
            rows.append(la_row(period, old, value))
    return HEADER + "".join(rows)


@pytest.fixture
def national_measure(db):
    """A measure over two years with Birmingham, Sandwell and three more LAs,
    and a neighbour model giving Birmingham four neighbours (one suppressed)."""

    def make(slug="rate", *, polarity="lower", unit="percent", extra=""):
        text = (
            statistics_file({"330": "17.1", "333": "8.7", "334": "12", "335": "c", "336": "20"})
            + statistics_file(
                {"330": "26.6", "333": "14.1", "334": "11", "335": "9", "336": "21"},
                england="17.3",
                region="18.2",
                period="2024",
            ).split("\n", 1)[1]
        )
        result = measure_import(
            slug=slug, name="rates.csv", data=(text + extra).encode(), indicator="rate",
            title="Vacancy rate", polarity=polarity,
        )  # fmt: skip
        assert result.errors == []
        result.measure.unit = unit
        result.measure.year_note = "as at 30 September"
        result.measure.save()
        neighbours = (
            "old_la_code,la_name,region_ind,region_name,"
            + ",".join(f"SN_{k},SN_{k}P" for k in range(1, 11))
            + "\n330,Birmingham,8,West Midlands,"
            + ",".join(
                f"{c},Close"
                for c in ["333", "334", "335", "336", "801", "802", "803", "804", "805", "806"]
            )
            + "\n"
        )
        neighbour_model_import(model="test model", name="sn.csv", data=neighbours.encode())
        return result.measure

    return make
