"""Made-up (TEST) action updates for the tests that count a page's queries
however many actions and updates it shows."""

import datetime as dt

from inspections import services


def amber_updates(action, *, year: int, months, text: str) -> None:
    """An Amber update of ``action`` on the 1st of each of ``months`` of
    ``year``, in that order; ``text`` is formatted with the ``month``."""
    for month in months:
        services.action_update_post(
            action=action, author=None, dated=dt.date(year, month, 1),
            text=text.format(month=month), status="amber",
        )  # fmt: skip
