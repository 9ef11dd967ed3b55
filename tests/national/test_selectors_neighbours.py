from datetime import UTC, datetime

import pytest

from kpis.models import Organisation
from national.models import Neighbour, NeighbourModel
from national.selectors import statistical_neighbours


def _model(name, imported_at, groups):
    model = NeighbourModel.objects.create(name=name, source="test.csv", imported_at=imported_at)
    for la_code, codes in groups.items():
        for position, code in enumerate(codes, start=1):
            Neighbour.objects.create(
                model=model,
                la_code=la_code,
                la_name=f"LA {la_code}",
                position=position,
                neighbour_code=code,
                closeness="Close",
            )
    return model


@pytest.mark.django_db
def test_it_lists_neighbours_in_position_order_from_the_latest_model():
    _model("2021", datetime(2026, 1, 1, tzinfo=UTC), {"330": ["821", "333"]})
    # Saved out of order: position, not insertion, decides.
    newer = NeighbourModel.objects.create(
        name="2025", source="t.csv", imported_at=datetime(2026, 2, 1, tzinfo=UTC)
    )
    for position, code in [(2, "352"), (1, "892"), (3, "380")]:
        Neighbour.objects.create(
            model=newer, la_code="330", la_name="Birmingham", position=position, neighbour_code=code
        )

    assert statistical_neighbours(la_code="330") == ["892", "352", "380"]
    assert statistical_neighbours(la_code="330", model="2021") == ["821", "333"]


@pytest.mark.django_db
def test_it_gives_no_neighbours_for_an_unlisted_la_or_without_a_model():
    assert statistical_neighbours(la_code="330") == []
    _model("2021", datetime(2026, 1, 1, tzinfo=UTC), {"330": ["821"]})
    assert statistical_neighbours(la_code="999") == []
    assert statistical_neighbours(la_code="330", model="no such model") == []


def test_it_records_each_seed_organisations_local_authority(seeds):
    codes = {o.slug: (o.old_la_code, o.new_la_code) for o in Organisation.objects.all()}
    assert codes == {"birmingham": ("330", "E08000025"), "sandwell": ("333", "E08000028")}
