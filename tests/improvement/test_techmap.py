"""The technology map: links with reasons, usage from the imports, and the flags that matter."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coachmap.improvement import services
from coachmap.improvement.models import ImprovementGoal, IndicatorKind
from coachmap.improvement.queries.indicators import indicator_view
from coachmap.improvement.queries.techmap import tech_map
from coachmap.improvement.summaries import summaries_rebuild
from coachmap.roster.models import Class, LineItem, Score, Student, UsageWeek
from tests.factories import CycleFactory, ImprovementGoalFactory, SchoolFactory, TeacherFactory
from tests.improvement.conftest import Maple

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2026, 9, 7)


def _goal(maple: Maple) -> ImprovementGoal:
    return ImprovementGoalFactory(school=maple.school, subject="ela", student_group="el")


def test_tools_link_to_goals_with_a_reason_and_only_within_the_school(maple: Maple) -> None:
    goal = _goal(maple)
    lexia = services.tool_add(
        actor=maple.principal, school=maple.school, name="Lexia", kind="tool", grades=[4, 3, 4]
    )
    assert lexia.grades == [3, 4]
    with pytest.raises(ValidationError, match="already on the map"):
        services.tool_add(actor=maple.principal, school=maple.school, name="lexia ", kind="tool")
    with pytest.raises(ValidationError, match="Say why"):
        services.tool_link_add(actor=maple.principal, tool=lexia, goal=goal, rationale="  ")
    elsewhere = ImprovementGoalFactory(school=SchoolFactory(district=maple.district))
    with pytest.raises(ValidationError, match="its own school's goals"):
        services.tool_link_add(actor=maple.principal, tool=lexia, goal=elsewhere, rationale="Because.")
    other_indicator = services.indicator_add(
        actor=maple.principal, goal=_goal(maple), kind="custom", name="X", target=1
    )
    with pytest.raises(ValidationError, match="another goal"):
        services.tool_link_add(
            actor=maple.principal, tool=lexia, goal=goal, indicator=other_indicator, rationale="Because."
        )
    with pytest.raises(PermissionDenied):
        services.tool_add(actor=maple.admin, school=maple.school, name="Seesaw", kind="tool")


def test_the_map_flags_unconnected_tools_and_indicators_with_nothing_behind_them(maple: Maple) -> None:
    goal = _goal(maple)
    gap = services.indicator_add(actor=maple.principal, goal=goal, kind=IndicatorKind.EQUITY_GAP, target=10)
    minutes = services.indicator_add(
        actor=maple.principal, goal=goal, kind=IndicatorKind.TIME_ON_TASK, target=60
    )
    lexia = services.tool_add(actor=maple.principal, school=maple.school, name="Lexia", kind="tool")
    services.tool_add(actor=maple.principal, school=maple.school, name="Google Classroom", kind="tool")
    services.tool_link_add(
        actor=maple.principal, tool=lexia, goal=goal, indicator=minutes, rationale="Daily decoding practice."
    )
    found = tech_map(maple.principal, maple.school)
    assert [row.tool.name for row in found.unconnected] == ["Google Classroom"]
    assert [b.view.indicator for b in found.unsupported] == [gap]
    # A teacher coached on the goal puts coaching behind every indicator of it.
    CycleFactory(
        request__goal__teacher=TeacherFactory(school=maple.school), request__goal__improvement_goal=goal
    )
    assert tech_map(maple.principal, maple.school).unsupported == []


def _usage(maple: Maple, n: int, minutes: list[float], tool: str = "Lexia") -> None:
    for student in Student.objects.filter(school=maple.school).order_by("id")[:n]:
        for week, m in enumerate(minutes):
            UsageWeek.objects.create(
                district=maple.district,
                student=student,
                tool=tool,
                week=MONDAY + datetime.timedelta(weeks=week),
                minutes=m,
            )
    summaries_rebuild(district=maple.district)


def test_time_on_task_is_minutes_per_student_a_week_and_small_groups_are_hidden(maple: Maple) -> None:
    goal = _goal(maple)
    lexia = services.tool_add(actor=maple.principal, school=maple.school, name="Lexia", kind="tool")
    indicator = services.indicator_add(
        actor=maple.principal, goal=goal, kind=IndicatorKind.TIME_ON_TASK, target=60
    )
    services.tool_link_add(
        actor=maple.principal, tool=lexia, goal=goal, indicator=indicator, rationale="Practice."
    )
    _usage(maple, 12, [30.0, 45.0])
    _usage(maple, 5, [200.0], tool="Desmos")  # another tool, not linked: not counted
    view = indicator_view(maple.principal, indicator)
    assert [p.value for p in view.points] == [30.0, 45.0]
    usage = {row.tool.name: row.usage for row in tech_map(maple.principal, maple.school).tools}
    # Two weeks of use: 24 student-weeks, 900 minutes → 12 students a week, 37.5 minutes each.
    lexia_use = usage["Lexia"]
    assert lexia_use is not None and (lexia_use.weeks, lexia_use.students) == (2, 12.0)
    assert lexia_use.minutes_per_student == pytest.approx(900 / 24)
    services.tool_add(actor=maple.principal, school=maple.school, name="Desmos", kind="tool")
    desmos = {r.tool.name: r.usage for r in tech_map(maple.principal, maple.school).tools}["Desmos"]
    assert desmos is not None and desmos.hidden and desmos.minutes_per_student is None  # 5 students a week
    owner = {r.tool.name: r.usage for r in tech_map(maple.admin, maple.school).tools}["Desmos"]
    assert owner is not None and not owner.hidden and owner.minutes_per_student == 200.0


def test_score_turnaround_is_days_from_due_date_to_score(maple: Maple) -> None:
    goal = _goal(maple)
    indicator = services.indicator_add(
        actor=maple.principal, goal=goal, kind=IndicatorKind.SCORE_TURNAROUND, target=2
    )
    klass = Class.objects.create(school=maple.school, source_id="C1", title="Grade 4")
    item = LineItem.objects.create(
        klass=klass, source_id="L1", title="Check", due_date=datetime.date(2026, 9, 10)
    )
    for i, student in enumerate(Student.objects.filter(school=maple.school).order_by("id")[:12]):
        # Half scored 2 days after the due date, half 4 days after: 3 days on average.
        Score.objects.create(
            line_item=item,
            student=student,
            source_id=f"S{i}",
            score_date=datetime.date(2026, 9, 12 + 2 * (i % 2)),
        )
    summaries_rebuild(district=maple.district)
    view = indicator_view(maple.principal, indicator)
    assert [(p.label, p.value) for p in view.points] == [("September 2026", 3.0)]
    assert indicator.lower_is_better
