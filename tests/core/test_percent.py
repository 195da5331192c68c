"""One rounding rule for percentages (issue 17): 3 of 9 is 33 % wherever it is shown."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from coachmap.core.percent import rounded, share, whole_percentages
from coachmap.feedback.anonymity import Count, QuestionResult
from coachmap.reports.impact import _bars


def test_three_of_nine_is_33_percent_in_every_place() -> None:
    assert share(3, 9) == 33
    assert whole_percentages({"met": 3, "referred": 3, "paused": 3}) == {
        "met": 33,
        "referred": 33,
        "paused": 33,
    }
    bars = _bars(
        {"met": 3, "referred": 3, "paused": 3}, {"met": "Met", "referred": "Referred", "paused": "Paused"}
    )
    assert {b.percent for b in bars} == {33}
    question = QuestionResult(
        "Useful?",
        9,
        3.0,
        tuple(Count(v, str(v), c) for v, c in [(1, 3), (2, 0), (3, 3), (4, 3), (5, 0)]),
        True,
    )
    assert question.agree_percent == 33


def test_parts_that_differ_still_add_up_to_100() -> None:
    assert whole_percentages({"a": 1, "b": 2}) == {"a": 33, "b": 67}
    assert sum(whole_percentages({"a": 5, "b": 3, "c": 1}).values()) == 100


def test_halves_round_up_as_people_do() -> None:
    assert rounded(12.5) == 13 and rounded(0.5) == 1 and rounded(33.3) == 33


@given(st.dictionaries(st.sampled_from("abcdefg"), st.integers(min_value=0, max_value=50), min_size=1))
def test_equal_parts_get_equal_percentages_and_never_more_than_100(parts: dict[str, int]) -> None:
    shares = whole_percentages(parts)
    assert sum(shares.values()) <= 100
    if sum(parts.values()):
        assert sum(shares.values()) >= 100 - len(parts)
    for a, part_a in parts.items():
        for b, part_b in parts.items():
            if part_a == part_b:
                assert shares[a] == shares[b]
        assert abs(shares[a] - 100 * part_a / max(1, sum(parts.values()))) < 1 + 1e-9
