"""Ofsted's published words: the grading scale and the ILACS vocabulary.

Plain enumerations, no models, so that the outcomes parser (``outcomes.py``)
can use them without a database. ``inspections.models`` re-exports ``Grade``.
"""

import datetime as dt

from django.db import models


class Grade(models.TextChoices):
    """Ofsted's four-point scale, plus the words of interim and home inspections."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement to be good"
    INADEQUATE = "inadequate", "Inadequate"
    IMPROVED = "improved_effectiveness", "Improved effectiveness"
    SUSTAINED = "sustained_effectiveness", "Sustained effectiveness"
    DECLINED = "declined_in_effectiveness", "Declined in effectiveness"


# An ILACS judgement is on the four-point scale only; the interim words
# (improved, sustained, declined) are never an ILACS judgement.
FOUR_POINT_SCALE = (Grade.OUTSTANDING, Grade.GOOD, Grade.REQUIRES_IMPROVEMENT, Grade.INADEQUATE)


class IlacsType(models.TextChoices):
    """The kinds of graded ILACS inspection, as Ofsted's file words them."""

    STANDARD = "standard", "ILACS Standard Inspection"
    SHORT = "short", "ILACS Short Inspection"


class AuthorityStatus(models.TextChoices):
    CURRENT = "current", "Current"
    NO_LONGER_EXISTS = "no_longer_exists", "No longer exists"


# From this date ILACS judges care leavers apart; before it, the judgement on
# children in care was on "children in care and care leavers" (the file's
# Notes sheet, "Change in sub-judgements").
CARE_LEAVERS_FROM = dt.date(2023, 1, 1)

# The judgement areas in Ofsted's order: (field, heading as the file words
# it, short label for a chip or a column).
JUDGEMENT_AREAS = (
    ("overall_effectiveness", "Overall effectiveness", "Overall effectiveness"),
    (
        "impact_of_leaders",
        "The impact of leaders on social work practice with children and families",
        "Impact of leaders",
    ),
    (
        "help_and_protection",
        "The experiences and progress of children who need help and protection",
        "Help and protection",
    ),
    (
        "children_in_care",
        "The experiences and progress of children in care",
        "Children in care",
    ),
    (
        "care_leavers",
        "The experiences and progress of care leavers",
        "Care leavers",
    ),
)
CHILDREN_IN_CARE_BEFORE_2023 = (
    "The experiences and progress of children in care and care leavers",
    "Children in care and care leavers",
)


def judgement_areas(inspection_date: dt.date) -> list[tuple[str, str, str]]:
    """The areas an ILACS inspection on that date judged, worded as it judged them.

    >>> [short for _, _, short in judgement_areas(dt.date(2018, 12, 3))][-1]
    'Children in care and care leavers'
    >>> [short for _, _, short in judgement_areas(dt.date(2023, 2, 20))][-2:]
    ['Children in care', 'Care leavers']
    """
    if inspection_date >= CARE_LEAVERS_FROM:
        return list(JUDGEMENT_AREAS)
    return [*JUDGEMENT_AREAS[:3], ("children_in_care", *CHILDREN_IN_CARE_BEFORE_2023)]
