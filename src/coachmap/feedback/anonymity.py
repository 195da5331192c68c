"""How anonymous answers become results that cannot point at anyone.

- A survey result is never shown for fewer people than the district's minimum group size, and
  never for fewer than `FLOOR`, whatever the district sets: a survey of one is a signed letter.
- Pulse answers are *released* in batches: an answer counts toward any shown figure only once at
  least that many unreleased answers about the same coach and school year have come in, and then
  they are released together. Two views of the results — before and after a session, this week and
  next — therefore differ by a whole batch or not at all, never by one person's answers.
- Within a shown result, how many people gave each answer is suppressed with `core.privacy`,
  so "1 person strongly disagreed" is never printed.

Plain functions; no database access.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from coachmap.core import group_size, privacy

FLOOR = group_size.FLOOR
"""The smallest group any survey result is ever shown for (the one floor of `core.group_size`)."""


def minimum(district_min: int) -> int:
    """The group size survey results need in a district."""
    return max(district_min, FLOOR)


def releasable(unreleased: int, min_size: int) -> bool:
    """Whether the waiting answers are enough to release together."""
    return unreleased >= min_size


@dataclass(frozen=True)
class Count:
    value: int
    label: str
    count: int | None
    """None when suppressed."""


@dataclass(frozen=True)
class QuestionResult:
    text: str
    n: int
    mean: float | None
    counts: tuple[Count, ...]
    shown: bool
    """False when fewer than the minimum answered: nothing but that fact is shown."""

    @property
    def agree_percent(self) -> int | None:
        """Share answering 4 or 5 on a 1–5 scale, when every count it needs is shown."""
        if not self.shown or not self.n:
            return None
        agree = [c.count for c in self.counts if c.value >= 4]
        if any(c is None for c in agree):
            return None
        return round(100 * sum(c for c in agree if c is not None) / self.n)


def summarise(
    text: str, values: Sequence[int], labels: Sequence[tuple[int, str]], min_size: int
) -> QuestionResult:
    """One question's answers as a result safe to show: nothing under `min_size` answers, and the
    count of each answer suppressed (with complements) where it is small."""
    n = len(values)
    if n < min_size:
        return QuestionResult(text, n, None, (), False)
    tally = Counter(values)
    cells: dict[object, int] = {value: tally.get(value, 0) for value, _ in labels}
    cells["n"] = n
    hidden = privacy.suppress(cells, [privacy.Line(tuple(v for v, _ in labels), "n")], min_size)
    counts = tuple(
        Count(value, label, None if value in hidden else tally.get(value, 0)) for value, label in labels
    )
    return QuestionResult(text, n, sum(values) / n, counts, True)
