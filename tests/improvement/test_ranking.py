"""Prioritised needs: the score's parts, the sentence, and the principal's own order, by hand."""

from __future__ import annotations

import pytest

from coachmap.core import groups
from coachmap.improvement.needs import ranking, table
from coachmap.improvement.needs.stats import Tally
from coachmap.improvement.needs.trend import Direction


def _year(el: tuple[int, int], everyone: tuple[int, int], *, grade: int = 4) -> table.Table:
    """A one-grade table: (tested, proficient) for English learners and for all students."""
    cells = {(grade, code): Tally() for code in [g.code for g in groups.GROUPS]}
    cells[(grade, "all")] = Tally(tested=everyone[0], proficient=everyone[1])
    cells[(grade, "el")] = Tally(tested=el[0], proficient=el[1])
    cells[(grade, "race:hispanic")] = Tally(tested=everyone[0], proficient=everyone[1])
    cells[(grade, "gender:female")] = Tally(tested=everyone[0], proficient=everyone[1])
    return table.build(
        table.with_all_grades(cells), partitions=groups.partitions(), min_size=10, reveal=False, complete=True
    )


def test_the_sentence_and_the_score_of_a_widening_gap() -> None:
    # 2024: 26 of 142 English learners proficient (18.3%), 197 of 400 students (49.25%): 30.94 below.
    # 2022: 20 points below; 2023: 25 below.
    now = _year((142, 26), (400, 197))
    history = {2022: _year((100, 30), (100, 50)), 2023: _year((100, 25), (100, 50)), 2024: now}
    needs = {n.key: n for n in ranking.find_needs("ela", now, history)}
    el = needs["ela:all:el"]
    assert el.shortfall == pytest.approx(100 * 197 / 400 - 100 * 26 / 142)
    assert el.trend.direction is Direction.WIDENING and el.trend.since == 2022
    assert el.trend_factor == 1.5
    assert el.score == pytest.approx(el.shortfall * 142 * 1.5)
    assert (
        el.sentence
        == "English learners: 18% proficient in ELA, 31 points below all students, widening since 2022; 142 students"
    )
    assert needs["ela:4:el"].sentence.startswith("Grade 4 English learners: 18% proficient in ELA")
    # Hispanic and female students equal all students here: no gap, no need.
    assert "ela:all:race:hispanic" not in needs


def test_a_single_grade_is_not_a_need_against_itself() -> None:
    assert all(n.group != "all" for n in ranking.find_needs("math", _year((40, 10), (100, 50)), {}))


def test_a_grade_below_the_whole_school_is_a_need() -> None:
    cells = {(grade, g.code): Tally() for grade in (3, 4) for g in groups.GROUPS}
    cells[(3, "all")] = Tally(tested=60, proficient=15)  # 25%
    cells[(4, "all")] = Tally(tested=40, proficient=25)  # 62.5%; the school: 40 of 100
    built = table.build(table.with_all_grades(cells), partitions={}, min_size=10, reveal=False, complete=True)
    (need,) = ranking.find_needs("math", built, {})
    assert need.key == "math:3:all"
    assert (
        need.sentence
        == "Grade 3, all students: 25% proficient in math, 15 points below the whole school; 60 students"
    )
    assert need.trend_factor == 1.0


def test_hidden_cells_never_become_needs() -> None:
    # 6 English learners: hidden, so no need is shown for them.
    assert ranking.find_needs("ela", _year((6, 0), (100, 50)), {}) == []


def test_the_principals_order_comes_first_then_the_suggestion() -> None:
    now = _year((142, 26), (400, 197))
    needs = ranking.find_needs("ela", now, {})
    suggested = [n.key for n in ranking.suggested_order(needs)]
    assert suggested == ["ela:4:el", "ela:all:el"]  # equal scores: by key
    assert [n.key for n in ranking.in_principal_order(needs, {"ela:all:el": 0})] == ["ela:all:el", "ela:4:el"]
    assert ranking.moved(["a", "b", "c"], "c", -1) == ["a", "c", "b"]
    assert ranking.moved(["a", "b", "c"], "a", -1) == ["a", "b", "c"]
    assert ranking.moved(["a", "b", "c"], "a", 5) == ["b", "c", "a"]
    with pytest.raises(ValueError, match="not in the list"):
        ranking.moved(["a"], "z", 1)


def test_need_keys_round_trip_and_reject_nonsense() -> None:
    assert ranking.parse_need_key(ranking.need_key("ela", 4, "race:black")) == ("ela", 4, "race:black")
    assert ranking.parse_need_key("math:all:el") == ("math", None, "el")
    for bad in ["", "ela:4", "ela:x:el", "ela:4:martians"]:
        with pytest.raises(ValueError, match="not a need"):
            ranking.parse_need_key(bad)


def test_a_goal_drafted_from_a_need_closes_half_the_gap_by_next_june() -> None:
    import datetime

    from coachmap.improvement.needs.drafting import draft, target_date_after

    now = _year((142, 26), (400, 197))
    need = next(n for n in ranking.find_needs("ela", now, {}) if n.key == "ela:4:el")
    goal = draft(need, measured_on="the state test, 2025–26", today=datetime.date(2026, 11, 23))
    # Baseline 18.3%; half of the 30.9-point gap is 15 points: 33% by June 15, 2027.
    assert (goal.baseline, goal.target, goal.target_date) == (18.3, 33.0, datetime.date(2027, 6, 15))
    assert (goal.subject, goal.student_group, goal.grade) == ("ela", "el", 4)
    assert goal.statement == (
        "By June 15, 2027, 33% of our grade 4 English learners will be proficient in ELA, up from 18% on "
        "the state test, 2025–26 — closing 15 of the 31 points between them and all students."
    )
    # In April the school year is nearly over: the goal runs to the June after.
    assert target_date_after(datetime.date(2027, 4, 2)) == datetime.date(2028, 6, 15)
    assert target_date_after(datetime.date(2027, 1, 10)) == datetime.date(2027, 6, 15)
