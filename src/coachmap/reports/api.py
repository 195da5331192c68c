from __future__ import annotations

import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from coachmap.core import access, tokens
from coachmap.core.inputs import Id
from coachmap.feedback.queries import PulseResults
from coachmap.reports import impact, queries

router = Router(tags=["reports"])


class TrendRowOut(Schema):
    label: str
    suppressed: bool
    teachers: int | None
    cycles: int | None
    sessions: int | None
    minutes: int | None


class TrendsOut(Schema):
    title: str
    since: datetime.date
    min_group_size: int
    rows: list[TrendRowOut]
    total: TrendRowOut


def _row(row: queries.TrendRow) -> dict[str, object]:
    hidden = row.suppressed
    return {
        "label": row.label,
        "suppressed": hidden,
        "teachers": None if hidden else row.teachers,
        "cycles": None if hidden else row.cycles,
        "sessions": None if hidden else row.sessions,
        "minutes": None if hidden else row.minutes,
    }


@router.get("/coaching-trends", response=list[TrendsOut])
@tokens.service(tokens.Scope.READ_AGGREGATES, tokens.Scope.READ_COACHING_ACTIVITY)
def coaching_trends(request: HttpRequest) -> list[dict[str, object]]:
    """Aggregate coaching activity this school year; suppressed figures are null."""
    access.require(
        access.may_open(request.user, "reports:coaching-trends"),
        "Coaching trends are for principals, the program lead and the district.",
    )
    tables = queries.coaching_trends_for(request.user, timezone.localdate())
    return [
        {
            "title": t.title,
            "since": t.since,
            "min_group_size": t.min_size,
            "rows": [_row(r) for r in t.rows],
            "total": _row(t.total),
        }
        for t in tables
    ]


# --- the impact summary (issue 20: the page's figures) ----------------------------------------


class BarOut(Schema):
    label: str
    value: int
    percent: int


class FidelityOut(Schema):
    label: str
    fidelity_percent: float | None = Field(
        ..., description="Share of agreed look-fors seen; null when hidden or none"
    )
    teachers: int | None
    hidden: bool


class PulseQuestionOut(Schema):
    text: str
    agree_percent: int | None
    mean: float | None


class PulseOut(Schema):
    shown: bool
    answers: int | None = Field(..., description="Released answers this school year; null until enough")
    min_group_size: int
    questions: list[PulseQuestionOut]


class ImpactOut(Schema):
    coach_id: int
    coach: str
    period: str
    period_label: str
    start: datetime.date
    end: datetime.date
    min_group_size: int
    cycles_total: int
    cycles_active: int
    cycles_opened: int
    cycles_ended: int
    outcomes: list[BarOut]
    teachers: int
    sessions: int
    minutes: int
    by_type: list[BarOut]
    weeks_logged: int
    coaching_time_target_percent: int
    evidence_cycles: int
    evidence_hidden: bool
    students_meeting_target_before_percent: float | None
    students_meeting_target_after_percent: float | None
    fidelity: list[FidelityOut] = Field(..., description="By quarter; hidden below the minimum group size")
    pulse: PulseOut = Field(..., description="What teachers said after sessions: released batches only")


@router.get("/impact", response=ImpactOut)
def impact_summary(request: HttpRequest, coach_id: Id | None = None, period: str = "") -> dict[str, object]:
    """A coach's impact summary for a period, as on the impact page: the coach's own, or (program
    lead, district admin) any coach of the district (`coach_id`). `period` is one of the page's
    (this school year by default). Evidence about too few students is hidden."""
    access.require(
        access.may_open(request.user, "reports:impact"),
        "Impact summaries are for coaches, the program lead and the district.",
    )
    coaches = list(access.impact_coaches_for(request.user).select_related("user", "district"))
    access.require(bool(coaches), "Impact summaries are for coaches, the program lead and the district.")
    coach = next((c for c in coaches if c.pk == coach_id), None)
    if coach is None:
        coach = next((c for c in coaches if c.user_id == request.user.pk), coaches[0])
    summary = impact.impact_summary(request.user, coach, impact.period_for(period[:40], timezone.localdate()))
    return {
        "coach_id": coach.pk,
        "coach": str(coach),
        "period": summary.period.key,
        "period_label": summary.period.label,
        "start": summary.period.start,
        "end": summary.period.end,
        "min_group_size": summary.min_size,
        "cycles_total": summary.cycles_total,
        "cycles_active": summary.cycles_active,
        "cycles_opened": summary.cycles_opened,
        "cycles_ended": summary.cycles_ended,
        "outcomes": [b.__dict__ for b in summary.outcomes],
        "teachers": summary.teachers,
        "sessions": summary.sessions,
        "minutes": summary.minutes,
        "by_type": [b.__dict__ for b in summary.by_type],
        "weeks_logged": summary.weeks_logged,
        "coaching_time_target_percent": summary.target,
        "evidence_cycles": summary.evidence_cycles,
        "evidence_hidden": summary.evidence_hidden,
        "students_meeting_target_before_percent": None if summary.evidence_hidden else summary.pre_share,
        "students_meeting_target_after_percent": None if summary.evidence_hidden else summary.post_share,
        "fidelity": [
            {
                "label": p.label,
                "fidelity_percent": None if p.hidden or p.fidelity is None else round(p.fidelity, 1),
                "teachers": None if p.hidden else p.teachers,
                "hidden": p.hidden,
            }
            for p in summary.fidelity
        ],
        "pulse": _pulse(summary.pulse),
    }


def _pulse(pulse: PulseResults | None) -> dict[str, object]:
    """The impact page's pulse section: nothing until enough different teachers' answers are
    released; then, per question, the share agreeing and the mean, each null where suppressed."""
    shown = pulse is not None and pulse.shown
    return {
        "shown": shown,
        "answers": pulse.n if shown and pulse is not None else None,
        "min_group_size": pulse.min_size if pulse is not None else 0,
        "questions": [
            {"text": q.text, "agree_percent": q.agree_percent, "mean": q.mean} for q in pulse.questions
        ]
        if shown and pulse is not None
        else [],
    }
