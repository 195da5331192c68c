"""Whole percentages, rounded one way everywhere, so that figures that must agree do agree.

`share(3, 9)` is 33 wherever it is shown, and `whole_percentages({"a": 3, "b": 3, "c": 3})` gives
each part 33, not 34, 33, 33: equal parts always get equal percentages. Parts that differ are
rounded by largest remainder so they add up to 100; only when equal parts tie for the last
point does the sum fall short of 100 (3 × 33 = 99), because giving the point to one of them
would make two equal counts disagree.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def rounded(value: float) -> int:
    """Half up, as people round by hand: 12.5 → 13 (Python's round() gives 12)."""
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def share(part: int | float, total: int | float) -> int:
    """`part` of `total` as a whole percentage; 0 when the total is 0."""
    return rounded(100 * part / total) if total else 0


def whole_percentages(parts: Mapping[K, int]) -> dict[K, int]:
    """Each part as a whole percentage of their total, adding up to 100 by largest remainder,
    with equal parts always given the same percentage. All zeros when the total is zero."""
    total = sum(parts.values())
    if total <= 0:
        return dict.fromkeys(parts, 0)
    exact = {key: 100 * value / total for key, value in parts.items()}
    result = {key: int(e) for key, e in exact.items()}
    left = 100 - sum(result.values())
    # Parts with the same count rise or stay together.
    by_value: dict[int, list[K]] = {}
    for key, value in parts.items():
        by_value.setdefault(value, []).append(key)
    order = list(parts)
    groups = sorted(
        by_value.values(),
        key=lambda keys: (-(exact[keys[0]] - result[keys[0]]), order.index(keys[0])),
    )
    for keys in groups:
        if left <= 0:
            break
        if exact[keys[0]] == result[keys[0]] or len(keys) > left:
            continue
        for key in keys:
            result[key] += 1
        left -= len(keys)
    return result
