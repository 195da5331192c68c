"""The minimum group size: one definition of its default, its floor and when it deserves a warning.

Every aggregate shown beyond a teacher and their coach hides groups smaller than the district's
minimum group size (DESIGN.md §3). A district may raise it, or lower it to `FLOOR` and no
further: a figure about fewer than five people points at them. Between `FLOOR` and
`WARN_BELOW` the setting is allowed but the person choosing it is told what it risks.

Plain functions; no database access.
"""

from __future__ import annotations

DEFAULT = 10
"""A new district's minimum group size, and the size used where no district is at hand."""

FLOOR = 5
"""The smallest minimum group size anyone may set: students, teachers and survey respondents alike."""

WARN_BELOW = 10
"""Minimum group sizes from FLOOR up to this (exclusive) are allowed, with a warning."""

CEILING = 100

BELOW_FLOOR_MESSAGE = (
    f"The minimum group size cannot be below {FLOOR}: a figure about fewer than {FLOOR} people "
    f"can point at one of them. Enter {FLOOR} or more."
)


def warning(size: int) -> str | None:
    """What a person choosing `size` should know, or None when there is nothing to say."""
    if FLOOR <= size < WARN_BELOW:
        return (
            f"A minimum group size of {size} is allowed, but groups this small are easier to tie to "
            f"people: coachmap recommends {WARN_BELOW} or more. Figures for groups of {size} and "
            "up are now shown."
        )
    return None
