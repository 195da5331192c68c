"""Reads for goals: progress from the newest data against the straight line, and drafts from needs."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from coachmap.core import privacy
from coachmap.core.access import AnyUser
from coachmap.improvement.models import ImprovementGoal, Metric
from coachmap.improvement.needs import drafting
from coachmap.improvement.needs.progress import Progress, progress
from coachmap.improvement.needs.table import Figures
from coachmap.improvement.queries.needs import (
    CellPoint,
    NeedsAssessment,
    Scope,
    assessment_date,
    cell_history,
)
from coachmap.roster.models import Subject, Window


def metric_value(metric: str, figures: Figures) -> float | None:
    """A goal's figure in one cell: the gap as points below all students (positive when below)."""
    if figures.hidden:
        return None
    if metric == Metric.MEAN_SCALE_SCORE:
        return figures.mean_score
    if metric == Metric.GROWTH:
        return figures.growth
    if metric == Metric.GAP:
        return None if figures.gap_to_all is None else -figures.gap_to_all
    if figures.coded is not None and figures.rate is not None:
        # A coded rate ("≤ 5 %") is known only to its bound; the point stands there.
        return privacy.coded_point(figures.rate)
    return figures.rate


def metric_label(metric: str, figures: Figures) -> str | None:
    """What to show instead of the number, when the rate is coded ("≤ 5 %")."""
    if metric in (Metric.MEAN_SCALE_SCORE, Metric.GROWTH, Metric.GAP) or figures.hidden:
        return None
    return figures.coded


@dataclass(frozen=True)
class GoalPoint:
    label: str
    on: datetime.date
    value: float | None
    hidden: bool
    coded: str | None = None


@dataclass(frozen=True)
class GoalProgress:
    goal: ImprovementGoal
    points: list[GoalPoint]
    progress: Progress

    @property
    def expected_points(self) -> list[float]:
        """The straight line at each point's date, for the chart."""
        from coachmap.improvement.needs.progress import expected_on

        goal = self.goal
        return [
            expected_on(
                p.on, baseline=goal.baseline, target=goal.target, start=goal.starts_on, end=goal.target_date
            )
            for p in self.points
        ]


def goal_progress(user: AnyUser, goal: ImprovementGoal) -> GoalProgress:
    """Where the goal stands on its newest data (hidden figures count as no data)."""
    history: list[CellPoint] = cell_history(
        user,
        Scope(goal.school.district, goal.school),
        source=goal.source,
        subject=goal.subject,
        grade=goal.grade,
        group=goal.student_group,
        windows=(goal.window,) if goal.window else (),
    )
    points = [
        GoalPoint(
            p.period.label,
            p.on,
            metric_value(goal.metric, p.figures),
            p.figures.hidden,
            metric_label(goal.metric, p.figures),
        )
        for p in history
    ]
    newest = next((p for p in reversed(points) if p.value is not None), None)
    return GoalProgress(
        goal,
        points,
        progress(
            baseline=goal.baseline,
            target=goal.target,
            start=goal.starts_on,
            end=goal.target_date,
            current=newest.value if newest else None,
            current_date=newest.on if newest else None,
        ),
    )


def draftable(subject: str) -> bool:
    """Goals are set in the subjects of `roster.Subject`; published files add others (IREAD, ELA and math)."""
    return subject in Subject.values


def goal_draft(assessment: NeedsAssessment, key: str, today: datetime.date) -> dict[str, object] | None:
    """The goal form's initial values for one of the assessment's needs, or None if it is not one."""
    for subject in assessment.subjects:
        for need in subject.needs:
            if need.key != key or assessment.period is None:
                continue
            if not draftable(need.subject):
                return None
            period = assessment.period
            window = "" if period.window == Window.STATE else f" ({Window(period.window).label.lower()})"
            measured_on = (
                f"the {subject.assessment.lower()}{window}, {period.year - 1}–{str(period.year)[-2:]}"
            )
            draft = drafting.draft(need, measured_on=measured_on, today=today)
            return {
                "statement": draft.statement,
                "subject": draft.subject,
                "student_group": draft.student_group,
                "grade": draft.grade,
                "metric": Metric.PROFICIENCY_RATE.value,
                "source": assessment.source,
                "window": period.window,
                "baseline": draft.baseline,
                "baseline_date": assessment_date(period.year, period.window, subject.administered_on),
                "target": draft.target,
                "target_date": draft.target_date,
                "need_key": need.key,
            }
    return None
