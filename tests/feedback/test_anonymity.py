"""Survey results are aggregates that cannot point at anyone."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from coachmap.feedback import anonymity
from coachmap.feedback.models import SCALE


def test_results_need_the_larger_of_the_district_minimum_and_the_floor() -> None:
    assert anonymity.minimum(10) == 10
    assert anonymity.minimum(1) == anonymity.FLOOR == 5


def test_too_few_answers_show_nothing_but_that() -> None:
    result = anonymity.summarise("Useful?", [5, 4, 5], SCALE, 5)
    assert not result.shown
    assert result.mean is None and result.counts == () and result.agree_percent is None


def test_small_counts_within_a_result_are_suppressed_with_a_complement() -> None:
    values = [5] * 7 + [4] * 5 + [1]  # one person strongly disagreed
    result = anonymity.summarise("Useful?", values, SCALE, 5)
    assert result.shown and result.n == 13
    counts = {c.value: c.count for c in result.counts}
    assert counts[1] is None  # the one person
    assert counts[2] == 0 and counts[3] == 0  # nobody there: shown as zero, names nobody
    assert sum(c is None for c in counts.values()) >= 2  # and it cannot be worked out from the total
    assert result.mean is None  # beside hidden counts a mean is one more equation: it would pin them


def test_agreement_is_shown_only_when_its_counts_are() -> None:
    result = anonymity.summarise("Useful?", [5] * 6 + [4] * 6, SCALE, 5)
    assert result.agree_percent == 100
    partly_hidden = anonymity.summarise("Useful?", [5] * 6 + [4] * 2 + [3] * 6, SCALE, 5)
    assert partly_hidden.agree_percent is None


@given(st.lists(st.integers(1, 5), max_size=60), st.integers(1, 12))
def test_no_shown_count_is_a_small_group(values: list[int], district_min: int) -> None:
    min_size = anonymity.minimum(district_min)
    result = anonymity.summarise("q", values, SCALE, min_size)
    assert result.shown == (len(values) >= min_size)
    for count in result.counts:
        assert count.count is None or count.count == 0 or count.count >= min_size


def test_a_batch_takes_one_answer_from_each_of_enough_different_people() -> None:
    rng = random.Random(1)
    one_voice = [("ann", 1)] * 9 + [("ben", 5), ("cy", 5), ("dee", 5)]
    assert anonymity.batch(one_voice, 5, rng) == []  # twelve answers, four people
    released = anonymity.batch([*one_voice, ("eve", 4)], 5, rng)
    assert sorted(released) == [("ann", 1), ("ben", 5), ("cy", 5), ("dee", 5), ("eve", 4)]


def test_a_mean_is_shown_only_where_every_count_is() -> None:
    assert anonymity.summarise("q", [5] * 6 + [4] * 6, SCALE, 5).mean == 4.5
    choice = anonymity.summarise("q", [1] * 6 + [2] * 6, [(1, "a"), (2, "b")], 5, scale=False)
    assert choice.mean is None and choice.agree_percent is None  # a choice has no average
