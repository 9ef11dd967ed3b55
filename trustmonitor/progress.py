"""Pages that follow background work (the national load, an upload's check
and save) refresh themselves while it runs: a ``<meta http-equiv="refresh">``,
which needs no script (the CSP allows none inline) and works without
JavaScript. ``templates/includes/refresh.html`` and ``progress.html`` draw it."""

REFRESH_SECONDS = 3


def progress_context(*, busy: bool) -> dict:
    """``refresh_seconds`` for the templates: None once the work has ended."""
    return {"refresh_seconds": REFRESH_SECONDS if busy else None}
