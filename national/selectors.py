"""Reads for national benchmarking: neighbours, benchmark rows, measure pages."""

from national.models import Neighbour, NeighbourModel


def neighbour_model_latest() -> NeighbourModel | None:
    return NeighbourModel.objects.order_by("-imported_at", "-pk").first()


def statistical_neighbours(*, la_code: str, model: str | None = None) -> list[str]:
    """The old LA codes of ``la_code``'s neighbours, nearest first.

    ``model`` names a neighbour model; None means the most recently imported.
    An LA the model does not list, or no model at all, gives [].
    """
    neighbours = Neighbour.objects.filter(la_code=la_code)
    if model is None:
        latest = neighbour_model_latest()
        if latest is None:
            return []
        neighbours = neighbours.filter(model=latest)
    else:
        neighbours = neighbours.filter(model__name=model)
    return list(neighbours.order_by("position").values_list("neighbour_code", flat=True))
