"""Gathering one school year of the program into its annual review.

Every figure comes from the query that shows it on its own page (reports, feedback, coaching,
improvement), asked as the program lead, so it is exactly as suppressed there as here. The
result is plain data (kept as JSON on the review), so a past year reads as it was gathered."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count

from coachmap.coaching.models import CoachingCycle, CycleOutcome, CycleStatus
from coachmap.coaching.timelog import queries as time_queries
from coachmap.coaching.timelog import timeshare
from coachmap.coaching.timelog.models import TimeCategory
from coachmap.core import access, percent, privacy
from coachmap.core.models import Coach, District, User
from coachmap.core.schoolyear import school_year_bounds
from coachmap.feedback import access as feedback_access
from coachmap.feedback import queries as feedback_queries
from coachmap.feedback.models import SurveyStatus
from coachmap.improvement import access as improvement_access
from coachmap.improvement.models import GoalStatus
from coachmap.improvement.queries import goals as goal_queries
from coachmap.improvement.queries import indicators as indicator_queries
from coachmap.program import queries as program_queries
from coachmap.reports import queries as report_queries


def _surveys(user: User, district: District, school_year: int) -> list[dict[str, Any]]:
    result = []
    surveys = feedback_access.surveys_visible_to(user).filter(district=district, school_year=school_year)
    for survey in surveys.exclude(status=SurveyStatus.DRAFT):
        found = feedback_queries.survey_results(user, survey)
        result.append(
            {
                "title": survey.title,
                "status": survey.get_status_display(),
                "shown": found.shown,
                "respondents": found.respondents if found.shown else None,
                "min_size": found.min_size,
                "questions": [
                    {"text": q.text, "n": q.n, "mean": q.mean, "agree": q.agree_percent, "shown": q.shown}
                    for q in found.questions
                ],
            }
        )
    return result


def _reach(user: User, district: District, start: datetime.date) -> dict[str, Any]:
    schools = list(access.schools_with_trends_for(user).filter(district=district).order_by("name"))
    trends = report_queries.coaching_trends_by_school(user, schools, start)

    def row(r: report_queries.TrendRow) -> dict[str, Any]:
        hidden = r.suppressed
        return {
            "label": r.label,
            "teachers": None if hidden else r.teachers,
            "cycles": None if hidden else r.cycles,
            "sessions": None if hidden else r.sessions,
            "minutes": None if hidden else r.minutes,
        }

    return {"rows": [row(r) for r in trends.rows], "total": row(trends.total), "min_size": trends.min_size}


def _time(district: District, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    minutes: dict[str, int] = {}
    for coach in Coach.objects.filter(district=district):
        for category, n in time_queries.minutes_by_category(coach, start, end).items():
            minutes[category] = minutes.get(category, 0) + n
    labels = dict(TimeCategory.choices)
    total = sum(minutes.values())
    coaching = sum(n for c, n in minutes.items() if timeshare.is_coaching(c))
    return {
        "categories": [
            {"label": labels.get(c, c), "hours": round(n / 60), "coaching": timeshare.is_coaching(c)}
            for c, n in sorted(minutes.items(), key=lambda item: -item[1])
        ],
        "coaching_percent": percent.share(coaching, total) if total else None,
        "target": district.coaching_time_target,
    }


def _alignment_and_goals(user: User, district: District) -> list[dict[str, Any]]:
    goals = (
        improvement_access.improvement_goals_visible_to(user)
        .filter(school__district=district)
        .exclude(status=GoalStatus.RETIRED)
        .select_related("school", "school__district")
        .order_by("school__name", "created_at")
    )
    result = []
    for goal in goals:
        behind = indicator_queries.coaching_behind(user, goal)
        try:
            progress = goal_queries.goal_progress(user, goal).progress.status.label
        except Exception:
            progress = "No data yet"
        result.append(
            {
                "school": goal.school.name,
                "goal": str(goal),
                "teacher_goals": behind.shown(behind.teacher_goals),
                "active_cycles": behind.shown(behind.active_cycles),
                "progress": progress,
            }
        )
    return result


def _cycle_outcomes(district: District, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """Cycles that ended this year, by how they ended; counted per teacher, suppressed."""
    rows = (
        CoachingCycle.objects.filter(
            coach__district=district, status=CycleStatus.CLOSED, closed_on__range=(start, end)
        )
        .values("outcome")
        .annotate(n=Count("teacher", distinct=True))
    )
    found = {r["outcome"]: r["n"] for r in rows}
    cells: dict[str, int] = {o: found.get(o, 0) for o in CycleOutcome.values}
    cells["total"] = sum(cells.values())
    hidden = privacy.suppress_audited(
        cells, [privacy.Line(tuple(CycleOutcome.values), "total")], district.min_group_size
    )
    labels = dict(CycleOutcome.choices)
    return {
        "rows": [
            {"label": labels[o], "teachers": None if o in hidden else cells[o]} for o in CycleOutcome.values
        ],
        "total": None if "total" in hidden else cells["total"],
    }


def _framework(user: User, district: District, school_year: int) -> dict[str, Any]:
    table = program_queries.framework_levels(user, district, school_year)
    return {
        "levels": table.levels,
        "rows": [
            {"school": r.school, "band": r.band, "cells": r.cells, "total": r.total} for r in table.rows
        ],
    }


def gather(user: User, district: District, school_year: int, today: datetime.date) -> dict[str, Any]:
    start, end = school_year_bounds(school_year)
    end = min(end, today)
    return {
        "through": end.isoformat(),
        "min_size": district.min_group_size,
        "surveys": _surveys(user, district, school_year),
        "reach": _reach(user, district, start),
        "time": _time(district, start, end),
        "alignment": _alignment_and_goals(user, district),
        "outcomes": _cycle_outcomes(district, start, end),
        "framework": _framework(user, district, school_year),
    }
