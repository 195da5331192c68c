"""Plain words beside every number, and what strength of evidence a design can claim (ESSA tiers).

Pure functions over an `Estimate`; no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from coachmap.impact.estimate import ADJUSTABLE_SD, EQUIVALENT_SD, Estimate

Side = Literal["above_zero", "below_zero", "includes_zero"]
Direction = Literal["more", "less"]

METHOD_LABELS = {
    "adjusted": "Adjusted for the starting score",
    "gain": "Growth compared (difference in differences)",
}

# A month of school is roughly a ninth of a year's growth; the demo and typical interim tests grow
# about a quarter of a standard deviation from fall to spring, so we do not translate SDs into months:
# the words say "small", "moderate", "large" by the usual education benchmarks instead.
SIZE_WORDS = ((0.05, "very small"), (0.15, "small"), (0.25, "moderate"))

EQUIVALENCE_WORDS = {
    "satisfied": f"The two sides started within {EQUIVALENT_SD} standard deviations of each other: comparable.",
    "adjust": (
        f"The two sides started between {EQUIVALENT_SD} and {ADJUSTABLE_SD} standard deviations apart, so the "
        "estimate counts only because it adjusts for the starting score."
    ),
    "not_equivalent": f"The two sides started more than {ADJUSTABLE_SD} standard deviations apart: not comparable.",
    "unknown": "The starting scores could not be compared.",
}


def size_word(sd: float) -> str:
    size = abs(sd)
    for bound, word in SIZE_WORDS:
        if size < bound:
            return word
    return "large"


def _points(x: float) -> str:
    return f"{abs(x):.1f} scale-score point{'s' if round(abs(x), 1) != 1 else ''}"


def interval_side(e: Estimate) -> Side:
    """Where the 95 % interval lies against zero, which is what `how_sure` says in words: above
    it, below it, or across it (we cannot tell the difference apart from none)."""
    assert e.low is not None  # noqa: S101 - only called on a shown estimate
    assert e.high is not None  # noqa: S101 - only called on a shown estimate
    if e.low > 0:
        return "above_zero"
    if e.high < 0:
        return "below_zero"
    return "includes_zero"


def direction(e: Estimate) -> Direction:
    """Whether the coached (or higher-use) side grew more or less, as the size sentence says."""
    assert e.points is not None  # noqa: S101 - only called on a shown estimate
    return "more" if e.points >= 0 else "less"


def how_sure(e: Estimate) -> str:
    assert e.low is not None  # noqa: S101 - only called on a shown estimate
    assert e.high is not None  # noqa: S101 - only called on a shown estimate
    side = interval_side(e)
    if side == "above_zero":
        return (
            f"We are fairly sure (95 %) the true difference is between {e.low:+.1f} and {e.high:+.1f} points: "
            "above zero."
        )
    if side == "below_zero":
        return (
            f"We are fairly sure (95 %) the true difference is between {e.low:+.1f} and {e.high:+.1f} points: "
            "below zero."
        )
    return (
        f"The true difference could be anywhere from {e.low:+.1f} to {e.high:+.1f} points (95 %), which includes "
        "zero: we cannot tell it apart from no difference."
    )


def coaching_words(e: Estimate, outcome: str) -> list[str]:
    """What was compared, how big, how sure, and that it does not prove cause."""
    if not e.shown:
        return [e.reason]
    assert e.points is not None  # noqa: S101 - only called on a shown estimate
    assert e.sd is not None  # noqa: S101 - only called on a shown estimate
    more = direction(e)
    return [
        f"Compared: {e.students[0]} students of {e.teachers[0]} teachers who completed a coaching cycle, against "
        f"{e.students[1]} students of {e.teachers[1]} teachers in the same schools and grades who had no coaching "
        f"that year, on {outcome}, allowing for where each student started.",
        f"Size: students of coached teachers grew {_points(e.points)} {more} "
        f"({abs(e.sd):.2f} standard deviations, a {size_word(e.sd)} difference).",
        how_sure(e),
        EQUIVALENCE_WORDS[e.equivalence],
        "This does not prove coaching caused the difference: teachers chose to be coached, and what made them "
        "choose may matter too.",
    ]


def dose_words(e: Estimate, tool: str, outcome: str) -> list[str]:
    if not e.shown:
        return [e.reason]
    assert e.points is not None  # noqa: S101 - only called on a shown estimate
    assert e.sd is not None  # noqa: S101 - only called on a shown estimate
    more = direction(e)
    return [
        f"Compared: students who used {tool} more against students who used it less (minutes per student-week), "
        f"with similar starting scores and student groups, in the same schools and grades, on {outcome}.",
        f"Size: each extra 10 minutes a week went with {_points(e.points)} {more} growth "
        f"({abs(e.sd):.2f} standard deviations, {size_word(e.sd)}).",
        how_sure(e),
        EQUIVALENCE_WORDS[e.equivalence] + " (higher-use half against lower-use half)",
        "This does not prove the tool caused it: students who use a tool more may differ in ways the scores "
        "do not show.",
    ]


@dataclass(frozen=True)
class Tier:
    label: str
    why: str


def essa_tier(e: Estimate, *, on_map_with_goal: bool) -> Tier:
    """What a correlational study with statistical controls can claim (ESSA §8101(21)(A)).

    Tiers 1 and 2 need a randomised or quasi-experimental study of the tool itself; a dose–growth
    relationship with controls is at most Tier 3 ("promising"), and only with a positive,
    statistically significant result and nothing overriding it.
    """
    if e.shown and e.low is not None and e.low > 0:
        return Tier(
            "Tier 3 – promising evidence",
            "A correlational study with statistical controls (starting score, student groups, school and grade) "
            "found a positive, statistically significant relationship. That is the most this design can claim: "
            "Tiers 1 and 2 need an experiment or a matched comparison of the tool itself.",
        )
    rationale = (
        " The tool is on the technology map, tied to a goal with a reason written down, which is the "
        "groundwork of Tier 4 – demonstrates a rationale; keep evaluating it."
        if on_map_with_goal
        else ""
    )
    if not e.shown:
        return Tier(
            "Tier 4 at most" if on_map_with_goal else "No tier yet",
            "There is not enough data here to test the tool." + rationale,
        )
    return Tier(
        "Tier 4 at most" if on_map_with_goal else "No tier yet",
        "The relationship between use and growth is not positive and statistically significant here, so it is "
        "not Tier 3." + rationale,
    )
