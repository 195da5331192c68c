"""Charts with honest axes (issue 17): the goal from its baseline to the newest data with its target
dated, and the schools compared on something meaningful when they open."""

from __future__ import annotations

import datetime

from coachmap.improvement import charts
from coachmap.improvement.models import ImprovementGoal, Metric
from coachmap.improvement.needs.progress import progress
from coachmap.improvement.needs.stats import Tally
from coachmap.improvement.queries.district import Comparison, SchoolRow
from coachmap.improvement.queries.goals import GoalPoint, GoalProgress
from coachmap.improvement.queries.needs import Period


def _goal(metric: str = Metric.PROFICIENCY_RATE) -> GoalProgress:
    goal = ImprovementGoal(
        metric=metric,
        baseline=21.6,
        target=35.0,
        baseline_date=datetime.date(2025, 4, 25),
        target_date=datetime.date(2027, 6, 15),
    )
    points = [
        GoalPoint("2023–24 State test", datetime.date(2024, 4, 25), 21.0, False),
        GoalPoint("2024–25 State test", datetime.date(2025, 4, 25), 21.6, False),
        GoalPoint("2025–26 State test", datetime.date(2026, 4, 25), 25.3, False),
    ]
    state = progress(
        baseline=21.6,
        target=35.0,
        start=goal.starts_on,
        end=goal.target_date,
        current=25.3,
        current_date=datetime.date(2026, 4, 25),
    )
    return GoalProgress(goal, points, state)


def test_the_goal_chart_runs_from_the_baseline_to_the_newest_data_and_shows_the_dated_target() -> None:
    spec = charts.progress(_goal())
    assert spec["labels"] == ["Baseline, Apr 25, 2025", "2025–26 State test", "Target, Jun 15, 2027"]
    measured, line, target = spec["series"]
    assert measured["values"] == [21.6, 25.3, None]  # from the baseline up to the real measurement
    assert line["values"][0] == 21.6 and line["values"][-1] == 35.0
    assert line["values"][1] > 21.6  # the straight line rises: never flat at the baseline
    assert target["values"] == [None, None, 35.0] and target["points_only"]
    assert "Jun 15, 2027" in target["label"]
    assert (spec["min"], spec["max"]) == (0, 100)  # a share: the whole 0–100 % range


def test_a_goal_on_another_measure_keeps_zero_on_its_axis() -> None:
    spec = charts.progress(_goal(Metric.GROWTH))
    assert spec["min"] == 0.0 and "max" not in spec


def _comparison(group: str) -> Comparison:
    def row(pk: int, name: str, proficient: int, group_proficient: int) -> SchoolRow:
        return SchoolRow(
            pk,
            name,
            "K–5",
            Tally(tested=100, proficient=proficient),
            Tally(tested=40, proficient=group_proficient),
            False,
            1,
        )

    rows = [row(1, "Maple", 41, 10), row(2, "Cedar", 15, 5)]
    subjects = [("ela", "English language arts"), ("math", "Mathematics")]
    return Comparison(None, Period(2026, "state"), [], "ela", subjects, group, rows, None, "rate", True)  # type: ignore[arg-type]


def test_schools_compared_opens_on_proficiency_by_school_not_an_empty_gap_chart() -> None:
    comparison = _comparison("all")
    spec = charts.district(comparison)
    assert spec is not None
    assert spec["labels"] == ["Cedar", "Maple"]  # lowest first
    assert spec["series"][0]["values"] == [15.0, 41.0]
    assert (spec["min"], spec["max"]) == (0, 100)
    assert comparison.title.startswith("All students, English language arts")


def test_a_chosen_group_is_compared_with_all_students_in_words() -> None:
    comparison = _comparison("el")
    spec = charts.district(comparison)
    assert spec is not None and spec["unit"] == " pts"
    assert "English language arts" in comparison.title and " in ela" not in comparison.title
