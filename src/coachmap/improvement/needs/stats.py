"""Statistics of a needs assessment over plain numbers: proficiency, mean score, growth, participation, gaps.

A `Tally` holds the sums the summary tables keep for some students (a grade and group of a school
on one assessment). Tallies add up, so a group's figures over all grades are the sum of its
grades' tallies. The figures are computed from sums, never averaged from averages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Tally:
    """Sums over the results of some students on one assessment.

    `matched` counts students who also have a score in the fall window of the same assessment
    (and `growth_sum` adds up their gains in scale-score points). `enrolled` is the number of
    students who should have been tested, or None when coachmap cannot know it (older years, or
    published results). `published_rate` is a rate published without counts, in percent.
    """

    tested: int = 0
    proficient: int = 0
    scored: int = 0
    score_sum: float = 0.0
    matched: int = 0
    growth_sum: float = 0.0
    enrolled: int | None = None
    published_rate: float | None = None

    def __add__(self, other: Tally) -> Tally:
        enrolled = None if self.enrolled is None or other.enrolled is None else self.enrolled + other.enrolled
        return Tally(
            tested=self.tested + other.tested,
            proficient=self.proficient + other.proficient,
            scored=self.scored + other.scored,
            score_sum=self.score_sum + other.score_sum,
            matched=self.matched + other.matched,
            growth_sum=self.growth_sum + other.growth_sum,
            enrolled=enrolled,
        )


def total(tallies: Iterable[Tally]) -> Tally:
    """The sum of some tallies; participation stays unknown if it is unknown for any of them."""
    result: Tally | None = None
    for tally in tallies:
        result = tally if result is None else result + tally
    return result if result is not None else Tally()


def proficiency_rate(tally: Tally) -> float | None:
    """Percent of tested students who are proficient; None when nobody was tested."""
    if tally.tested > 0:
        return 100.0 * tally.proficient / tally.tested
    return tally.published_rate


def mean_score(tally: Tally) -> float | None:
    """Mean scale score of the students who have one."""
    return tally.score_sum / tally.scored if tally.scored > 0 else None


def growth(tally: Tally) -> float | None:
    """Mean gain in scale-score points since fall, over the students tested in both windows."""
    return tally.growth_sum / tally.matched if tally.matched > 0 else None


def participation(tally: Tally) -> float | None:
    """Percent of the students who should have been tested who were: tested ÷ enrolled."""
    if tally.enrolled is None or tally.enrolled <= 0:
        return None
    return 100.0 * tally.tested / tally.enrolled


def difference(value: float | None, reference: float | None) -> float | None:
    """`value − reference`, or None when either is unknown. A group below all students has a negative gap."""
    if value is None or reference is None:
        return None
    return value - reference


def best_group(rates: Mapping[str, float | None], sizes: Mapping[str, int], min_size: int) -> str | None:
    """The highest-performing group among those with at least `min_size` students tested.

    Small groups are left out whoever looks, so a rate built on two students never becomes the
    benchmark; ties go to the group listed first.
    """
    best: str | None = None
    best_rate = -1.0
    for code, rate in rates.items():
        if rate is None or sizes.get(code, 0) < min_size:
            continue
        if rate > best_rate:
            best, best_rate = code, rate
    return best
