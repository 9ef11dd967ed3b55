"""Pages that follow background work (the national load, an upload's check
and save) keep themselves up to date while it runs: static/js/follow-progress.js
(a static file, as the CSP wants) fetches the page again every few seconds and
puts the progress in place, then loads the page whole once the work ends;
without JavaScript a ``<noscript>`` refresh reloads it. The templates draw it
with ``includes/refresh.html`` (in the head) and ``includes/progress.html``."""

REFRESH_SECONDS = 3


def progress_context(*, busy: bool) -> dict:
    """``refresh_seconds`` for the templates: None once the work has ended."""
    return {"refresh_seconds": REFRESH_SECONDS if busy else None}
