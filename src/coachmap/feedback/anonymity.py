"""How anonymous answers become results that cannot point at anyone.

- A survey result is never shown for fewer people than the district's minimum group size, and
  never for fewer than `FLOOR`, whatever the district sets: a survey of one is a signed letter.
- Pulse answers wait, sealed, in a pool and are *released* in batches: a batch takes **one**
  answer from each different teacher waiting, and only when at least the minimum group size of
  different teachers are waiting. A teacher with ten sessions is one voice in a batch, not ten;
  two views of the results differ by a whole batch of different people or not at all.
- Within a shown result, how many people gave each answer is suppressed with `core.privacy`,
  so "1 person strongly disagreed" is never printed. Pulse results are shown release after
  release, so a count is also hidden when its difference from what an earlier release showed
  would be a small group, or would narrow what that release hid (`summarise_releases`).
- A mean is shown only when no count of its question is hidden: beside hidden counts, the mean
  is one more equation and pins them (seven 5s, five 4s and a hidden pair summing to one gave
  away the one "strongly disagree"). With every count shown, the mean tells nothing new.

Plain functions; no database access.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from coachmap.core import group_size, percent, privacy

AGREE = 4  # on the 1-5 scale, this and above count as agreeing


FLOOR = group_size.FLOOR
"""The smallest group any survey result is ever shown for (the one floor of `core.group_size`)."""

NO_ANSWER = 0
"""The value of the "No answer" cell of a faculty-survey question (people who skipped it)."""

R = TypeVar("R", bound=Hashable)
A = TypeVar("A")


def minimum(district_min: int) -> int:
    """The group size survey results need in a district."""
    return max(district_min, FLOOR)


def batch(waiting: Sequence[tuple[R, A]], min_size: int, rng: random.Random) -> list[tuple[R, A]]:
    """The batch to release from answers waiting as (respondent, answer) pairs: one answer from each
    different respondent, in random order, when there are at least `min_size` of them; else none.

    Which of a respondent's answers goes is chosen at random; the rest wait for the next batch.
    """
    by_respondent: dict[R, list[tuple[R, A]]] = {}
    for item in waiting:
        by_respondent.setdefault(item[0], []).append(item)
    if len(by_respondent) < min_size:
        return []
    chosen = [rng.choice(items) for items in by_respondent.values()]
    rng.shuffle(chosen)
    return chosen


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
    """None when not shown: a choice question, too few answers, or any count hidden."""
    counts: tuple[Count, ...]
    shown: bool
    """False when fewer than the minimum answered: nothing but that fact is shown."""

    scale: bool = True
    """An agree–disagree question (1–5): only those have a mean and an agreement share."""

    @property
    def agree_percent(self) -> int | None:
        """Share answering 4 or 5 on a 1–5 scale, when every count it needs is shown."""
        if not self.shown or not self.n or not self.scale:
            return None
        agree = [c.count for c in self.counts if c.value >= AGREE]
        if any(c is None for c in agree):
            return None
        return percent.share(sum(c for c in agree if c is not None), self.n)

    @property
    def hidden(self) -> frozenset[int]:
        return frozenset(c.value for c in self.counts if c.count is None)


def _hide(
    tally: Mapping[int, int], values: Sequence[int], n: int, forced: set[int], min_size: int
) -> frozenset[int]:
    """Suppress one question's counts, hiding `forced` cells whatever their size (with complements)."""
    cells: dict[object, int] = {}
    for value in values:
        count = tally.get(value, 0)
        # A cell that must hide counts as a small one, so `privacy.suppress` also finds its complements.
        cells[value] = 1 if value in forced and count >= min_size else count
        if value in forced and count == 0:
            cells[value] = 1
    cells["n"] = n
    hidden = privacy.suppress(cells, [privacy.Line(tuple(values), "n")], min_size)
    return frozenset(v for v in values if v in hidden)


def summarise(
    text: str,
    values: Sequence[int],
    labels: Sequence[tuple[int, str]],
    min_size: int,
    *,
    scale: bool = True,
    earlier: Sequence[QuestionResult] = (),
    forced: frozenset[int] = frozenset(),
) -> QuestionResult:
    """One question's answers as a result safe to show: nothing under `min_size` answers, the count
    of each answer suppressed (with complements) where it is small, and no mean beside a hidden count.

    `earlier` are the results this question showed before (pulse releases, oldest first): a count is
    also hidden where the difference from an earlier shown count would be a small group, or where
    showing it would narrow a count an earlier release hid.
    """
    n = len(values)
    if n < min_size:
        return QuestionResult(text, n, None, (), False, scale)
    tally = Counter(values)
    keys = [value for value, _ in labels]
    must_hide = set(forced)
    while True:
        hidden = _hide(tally, keys, n, must_hide, min_size)
        leaks = {
            value
            for value in keys
            if value not in hidden and _differences_leak(value, tally[value], earlier, min_size)
        }
        if leaks <= must_hide:
            break
        must_hide |= leaks
    counts = tuple(
        Count(value, label, None if value in hidden else tally.get(value, 0)) for value, label in labels
    )
    answered = [v for v in values if v != NO_ANSWER]
    mean = sum(answered) / len(answered) if scale and answered and not hidden else None
    return QuestionResult(text, n, mean, counts, True, scale)


def _differences_leak(value: int, count: int, earlier: Sequence[QuestionResult], min_size: int) -> bool:
    """Whether showing `count` for `value` now, after the `earlier` results, lets a reader pin a small
    group: the people added since a release that showed this count, or a count that release hid."""
    for before in earlier:
        if not before.shown:
            continue
        shown = {c.value: c.count for c in before.counts}
        if value not in shown:
            continue
        previous = shown[value]
        if previous is not None:
            if 0 < count - previous < min_size:
                return True
        else:
            # That release hid this count somewhere in 0..(its hidden total); showing a smaller count
            # now would cap it, and with the hidden total pin its partners.
            hidden_total = before.n - sum(c.count for c in before.counts if c.count is not None)
            if count < hidden_total + min_size:
                return True
    return False


def summarise_releases(
    text: str,
    batches: Sequence[Sequence[int]],
    labels: Sequence[tuple[int, str]],
    min_size: int,
) -> list[QuestionResult]:
    """What one pulse question showed after each released batch, oldest first. Each result counts
    every batch released so far and is decided knowing what the results before it showed."""
    results: list[QuestionResult] = []
    values: list[int] = []
    for released in batches:
        values.extend(released)
        results.append(summarise(text, values, labels, min_size, earlier=results))
    return results
