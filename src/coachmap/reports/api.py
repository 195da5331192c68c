from __future__ import annotations

import datetime
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from ninja import Field, Router, Schema

from coachmap.core import access, tokens
from coachmap.core.inputs import Id, file_answer
from coachmap.core.models import CoachType
from coachmap.feedback.queries import PulseResults
from coachmap.impact.api import EstimateOut, OutcomeOut, estimate_out
from coachmap.reports import dashboard, impact, queries, summary, views

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
    summary = _impact_of(request, "reports:impact", coach_id, period)
    coach = summary.coach
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


IMPACT_REFUSED = "Impact summaries are for coaches, the program lead and the district."


def _impact_of(request: HttpRequest, page: str, coach_id: int | None, period: str) -> impact.ImpactSummary:
    """The impact summary the page (`page`) shows for `coach_id` (the reader's own, or the first
    they may read, when absent or not theirs to read) and `period` (the default when unknown)."""
    access.require(access.may_open(request.user, page), IMPACT_REFUSED)
    coaches = list(access.impact_coaches_for(request.user).select_related("user", "district"))
    access.require(bool(coaches), IMPACT_REFUSED)
    coach = next((c for c in coaches if c.pk == coach_id), None)
    if coach is None:
        coach = next((c for c in coaches if c.user_id == request.user.pk), coaches[0])
    return impact.impact_summary(request.user, coach, impact.period_for(period[:40], timezone.localdate()))


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


# --- the program dashboard and its summaries (issue 20) ---------------------------------------------


class PeriodOut(Schema):
    key: str
    label: str
    start: datetime.date
    end: datetime.date


class ColumnOut(Schema):
    key: str
    label: str


class TableRowOut(Schema):
    key: str | None = Field(
        description="The row's id: a school's or goal's id, a quadrant, coach type, grade band or "
        "student group; null for the total and for the row of what fits none (no intake, no coach "
        "yet, no active goal)"
    )
    label: str
    suppressed: bool
    values: dict[str, int | float | None] = Field(
        description="By column key; every value null when the row is suppressed (the page's *)"
    )


class TableOut(Schema):
    slug: str = Field(description="As the table's CSV: /reports/coaching/<slug>.csv")
    title: str
    row_heading: str
    unit: str = Field(description="Whom the minimum group size counts: teachers, or students")
    note: str
    columns: list[ColumnOut] = Field(description="The CSV's columns, then the page's derived ones")
    rows: list[TableRowOut]
    total: TableRowOut | None


class WeekShareOut(Schema):
    week_starting: datetime.date
    share_percent: int | None = Field(description="Null: nothing logged that week")


class CoachTimeOut(Schema):
    coach: str
    minutes_coaching: int
    minutes_logged: int
    share_percent: int | None
    weeks_below_target: int


class TimeOut(Schema):
    target_percent: int
    suppressed: bool = Field(description="Fewer coaches than the minimum group size logged time")
    team_share_percent: int | None
    weeks: list[WeekShareOut]
    coaches: list[CoachTimeOut] = Field(
        description="Per coach: for the program lead only, never for a service account"
    )


class GoalLineOut(Schema):
    goal_id: int
    school_id: int
    school: str
    statement: str
    student_group: str
    baseline: float
    newest: float | None = Field(description="Null: no figure yet, or hidden (too few students)")
    target: float
    progress: str
    coaching_hours: float | None
    coaching_suppressed: bool


class IndicatorLineOut(Schema):
    indicator_id: int
    goal_id: int
    name: str
    goal: str
    student_group: str
    baseline: float | None
    newest: float | None
    change: float | None
    target: float
    unit: str
    progress: str


class ToolUseOut(Schema):
    tool: str
    students_per_week: list[int | None] = Field(
        description="Per month: average students a week; null when fewer than the minimum, or none"
    )


class UsageOut(Schema):
    months: list[datetime.date]
    tools: list[ToolUseOut]
    without_data: list[str] = Field(description="Mapped tools the usage exports never mention")


class ImpactHeadlineOut(Schema):
    outcome: OutcomeOut | None
    school_id: int | None
    method: str
    estimate: EstimateOut | None = Field(description="As /impact/estimates' first; null without results")


class DashboardOut(Schema):
    period: PeriodOut
    school_id: int | None
    school: str | None
    coach_type: str | None
    min_group_size: int
    tables: list[TableOut] = Field(description="Reach (four groupings), alignment, evidence, equity")
    time: TimeOut | None = Field(description="Program lead and district admin only")
    goals: list[GoalLineOut]
    indicators: list[IndicatorLineOut]
    usage: UsageOut
    goals_without_coaching: list[str]
    impact: ImpactHeadlineOut | None = Field(description="Null for whoever the impact page refuses")


EXTRA_COLUMNS = {
    "alignment": [("hours", "Hours")],
    "evidence": [("pre_percent", "Meeting before (%)"), ("post_percent", "Meeting after (%)")],
    "equity": [("using_percent", "Share using (%)"), ("minutes_per_week", "Minutes per student-week")],
}
# The page shows a share as "–" (null here) when no one was counted under it.
SHARE_OF = {"pre_percent": "pre_assessed", "post_percent": "post_assessed", "using_percent": "enrolled"}


def _table_row(table: dashboard.Table, row: dashboard.Row) -> dict[str, Any]:
    keys = [c.key for c in table.columns] + [k for k, _ in EXTRA_COLUMNS.get(table.slug, [])]
    values: dict[str, Any] = {}
    for k in keys:
        value = None if row.hidden else row.values.get(k)
        if k in SHARE_OF and not row.values.get(SHARE_OF[k]):
            value = None
        values[k] = value
    return {
        "key": None if row.key in (dashboard.NONE_KEY, dashboard.TOTAL) else str(row.key),
        "label": row.label,
        "suppressed": row.hidden,
        "values": values,
    }


def _table(table: dashboard.Table) -> dict[str, Any]:
    columns = [(c.key, c.label) for c in table.columns] + EXTRA_COLUMNS.get(table.slug, [])
    return {
        "slug": table.slug,
        "title": table.title,
        "row_heading": table.row_heading,
        "unit": table.unit,
        "note": table.note,
        "columns": [{"key": k, "label": label} for k, label in columns],
        "rows": [_table_row(table, r) for r in table.rows],
        "total": _table_row(table, table.total) if table.total else None,
    }


def _time(t: dashboard.TimeShare | None) -> dict[str, Any] | None:
    if t is None:
        return None
    return {
        "target_percent": t.target,
        "suppressed": t.team_hidden,
        "team_share_percent": None if t.team_hidden else t.team_share,
        "weeks": []
        if t.team_hidden
        else [{"week_starting": w, "share_percent": v} for w, v in zip(t.weeks, t.team, strict=True)],
        "coaches": [
            {
                "coach": name,
                "minutes_coaching": coaching,
                "minutes_logged": logged,
                "share_percent": share,
                "weeks_below_target": below,
            }
            for name, coaching, logged, share, below in t.coaches
        ],
    }


def _goal(g: dashboard.GoalLine) -> dict[str, Any]:
    return {
        "goal_id": g.goal.pk,
        "school_id": g.goal.school_id,
        "school": g.school,
        "statement": g.goal.statement,
        "student_group": g.group,
        "baseline": g.baseline,
        "newest": g.current,
        "target": g.target,
        "progress": g.status,
        "coaching_hours": g.hours,
        "coaching_suppressed": g.hours is None,
    }


def _indicator(i: dashboard.IndicatorLine) -> dict[str, Any]:
    return {
        "indicator_id": i.indicator.pk,
        "goal_id": i.indicator.goal_id,
        "name": i.indicator.name,
        "goal": i.goal,
        "student_group": i.group,
        "baseline": i.baseline,
        "newest": i.current,
        "change": i.moved,
        "target": i.target,
        "unit": i.unit,
        "progress": i.status,
    }


def _board(
    request: HttpRequest, school_id: int | None, coach_type: CoachType | None, period: str
) -> dashboard.Dashboard:
    """The dashboard for the page's filters: a school the reader may not see is a 404, an unknown
    period a 422 (the page falls back to its defaults instead)."""
    today = timezone.localdate()
    options = impact.periods(today)
    chosen = next((p for p in options if p.key == period), None)
    if chosen is None:
        raise ValidationError({"period": f"Choose one of: {', '.join(p.key for p in options)}."})
    params = {"coach_type": coach_type.value if coach_type else ""}
    if school_id is not None:
        access.fetch(dashboard.dashboard_schools, request.user, pk=school_id)
        params["school"] = str(school_id)
    return dashboard.dashboard(request.user, dashboard.filters_for(request.user, params, chosen))


def _filters_out(f: dashboard.Filters) -> dict[str, Any]:
    p = f.period
    return {
        "period": {"key": p.key, "label": p.label, "start": p.start, "end": p.end},
        "school_id": f.school.pk if f.school else None,
        "school": f.school.name if f.school else None,
        "coach_type": f.coach_type or None,
        "min_group_size": f.min_size,
    }


DASHBOARD_REFUSED = "The program dashboard is for principals, the program lead and the district."


@router.get("/dashboard", response=DashboardOut)
@tokens.service(tokens.Scope.READ_AGGREGATES)
def program_dashboard(
    request: HttpRequest,
    school_id: Id | None = None,
    coach_type: CoachType | None = None,
    period: str = "year",
) -> dict[str, Any]:
    """The program dashboard's figures (Reports → Coaching) and its CSVs': reach, time, alignment,
    outcomes, equity and the headline impact estimate, for the page's filters. Aggregates only:
    a suppressed row is null with `suppressed`, exactly where the page shows *. The year's
    coaching trends below the page are `/reports/coaching-trends`."""
    access.require(access.may_open(request.user, "reports:coaching-trends"), DASHBOARD_REFUSED)
    board = _board(request, school_id, coach_type, period)
    headline = dashboard.impact_headline(request.user, board.filters)
    u = board.usage
    return {
        **_filters_out(board.filters),
        "tables": [_table(t) for t in board.tables().values()],
        "time": _time(board.time),
        "goals": [_goal(g) for g in board.goals],
        "indicators": [_indicator(i) for i in board.indicators],
        "usage": {
            "months": u.months,
            "tools": [{"tool": name, "students_per_week": values} for name, values in u.rows],
            "without_data": u.without_data,
        },
        "goals_without_coaching": board.without_coaching,
        "impact": None
        if headline is None
        else {
            "outcome": {"key": headline.outcome.key, "label": headline.outcome.label}
            if headline.outcome
            else None,
            "school_id": headline.school.pk if headline.school else None,
            "method": "adjusted",
            "estimate": estimate_out(headline.row) if headline.row else None,
        },
    }


class ParagraphOut(Schema):
    heading: str
    sentences: list[str]


class ReachOut(Schema):
    suppressed: bool
    asked: int | None
    matched: int | None
    started: int | None
    finished: int | None


class CoachingOut(Schema):
    suppressed: bool = Field(description="Too few teachers coached to report where coaching went")
    sessions: int | None
    hours: float | None
    cycles: int | None
    teachers: int | None
    top_goal: str | None = Field(description="The shown goal with the most coaching")
    top_goal_hours: float | None
    top_goal_percent: int | None = Field(description="Its share of the coaching time")
    goals_hidden: int = Field(description="Goals with too few teachers coached to report")
    not_tied_hours: float | None = Field(description="Hours tied to no active school goal")


class StudentsOut(Schema):
    suppressed: bool
    cycles: int | None = Field(description="Cycles with evidence before and after")
    before_percent: int | None = Field(description="Students meeting the cycle's target before")
    after_percent: int | None


class TeamTimeOut(Schema):
    suppressed: bool
    share_percent: int | None
    target_percent: int


class SummaryFiguresOut(Schema):
    reach: ReachOut
    coaching: CoachingOut
    students: StudentsOut
    team_time: TeamTimeOut | None = Field(description="Program lead and district admin only")
    goals: list[GoalLineOut]
    indicators: list[IndicatorLineOut]
    goals_without_coaching: list[str]


class SummaryOut(Schema):
    title: str
    period: PeriodOut
    school_id: int | None = Field(description="Null: the program as a whole")
    school: str | None
    coach_type: str | None
    min_group_size: int
    paragraphs: list[ParagraphOut] = Field(description="The summary's words, as on the page and its PDF")
    figures: SummaryFiguresOut = Field(description="The figures the words are written from")


def _suppressed(row: dashboard.Row | None, keys: list[str]) -> dict[str, Any]:
    hidden = row is None or row.hidden
    return {"suppressed": hidden, **{k: None if hidden else row.values.get(k) for k in keys}}  # type: ignore[union-attr]


@router.get("/summary", response=SummaryOut)
@tokens.service(tokens.Scope.READ_AGGREGATES)
def program_summary(
    request: HttpRequest,
    school_id: Id | None = None,
    coach_type: CoachType | None = None,
    period: str = "year",
) -> dict[str, Any]:
    """The plain-language summary for a school (`school_id`) or the program as a whole, and a
    period: its paragraphs and the suppressed figures they are written from."""
    access.require(access.may_open(request.user, "reports:summary"), DASHBOARD_REFUSED)
    board = _board(request, school_id, coach_type, period)
    s = summary.summary(board)
    evidence = _suppressed(board.evidence.total, ["cycles", "pre_percent", "post_percent"])
    t = board.time
    return {
        **_filters_out(board.filters),
        "title": s.title,
        "paragraphs": [{"heading": p.heading, "sentences": p.sentences} for p in s.paragraphs],
        "figures": {
            "reach": _suppressed(board.reach[0].total, ["asked", "matched", "started", "finished"]),
            "coaching": s.coaching.__dict__,
            "students": {
                "suppressed": evidence["suppressed"],
                "cycles": evidence["cycles"],
                "before_percent": evidence["pre_percent"],
                "after_percent": evidence["post_percent"],
            },
            "team_time": None
            if t is None
            else {
                "suppressed": t.team_hidden,
                "share_percent": None if t.team_hidden else t.team_share,
                "target_percent": t.target,
            },
            "goals": [_goal(g) for g in board.goals],
            "indicators": [_indicator(i) for i in board.indicators],
            "goals_without_coaching": board.without_coaching,
        },
    }


# --- the reports' files as files (issue 20): the pages' downloads, made by the pages' functions ---


class DashboardTable(StrEnum):
    REACH_SCHOOL = "reach-school"
    REACH_QUADRANT = "reach-quadrant"
    REACH_GRADE_BAND = "reach-grade-band"
    REACH_COACH_TYPE = "reach-coach-type"
    ALIGNMENT = "alignment"
    EVIDENCE = "evidence"
    EQUITY = "equity"
    TIME = "time"
    GOALS = "goals"
    INDICATORS = "indicators"
    USAGE = "usage"


def _page_query(request: HttpRequest) -> str:
    """The page's query string for the same filters, as the page's download audits it."""
    query = QueryDict(mutable=True)
    for api_name, page_name in (("school_id", "school"), ("coach_type", "coach_type"), ("period", "period")):
        if request.GET.get(api_name):
            query[page_name] = request.GET[api_name]
    return query.urlencode()


@router.get(
    "/dashboard/{table}.csv",
    openapi_extra=file_answer(
        "text/csv", "The table as a CSV file (UTF-8 with a byte-order mark), as the page's download."
    ),
)
@tokens.service(tokens.Scope.READ_AGGREGATES)
def dashboard_csv(
    request: HttpRequest,
    table: DashboardTable,
    school_id: Id | None = None,
    coach_type: CoachType | None = None,
    period: str = "year",
) -> HttpResponse:
    """One table of the program dashboard as CSV, byte for byte the page's download for the same
    filters: suppressed cells read "*", audited as an export. `time` is the program lead's and
    the district admins' (a 404 for a principal, as on the page)."""
    access.require(access.may_open(request.user, "reports:dashboard-csv"), DASHBOARD_REFUSED)
    board = _board(request, school_id, coach_type, period)
    return views.dashboard_file(request, board, table.value, _page_query(request))  # type: ignore[arg-type]


@router.get(
    "/summary.pdf",
    openapi_extra=file_answer("application/pdf", "The summary as a PDF file, as the page's download."),
)
@tokens.service(tokens.Scope.READ_AGGREGATES)
def summary_pdf(
    request: HttpRequest,
    school_id: Id | None = None,
    coach_type: CoachType | None = None,
    period: str = "year",
) -> HttpResponse:
    """The plain-language summary as the one-page PDF the summary page downloads, for the same
    filters as `/reports/summary`: byte for byte the page's, audited as an export."""
    access.require(access.may_open(request.user, "reports:summary-pdf"), DASHBOARD_REFUSED)
    board = _board(request, school_id, coach_type, period)
    return views.summary_pdf_file(request, board)  # type: ignore[arg-type]


@router.get(
    "/impact.pdf",
    openapi_extra=file_answer("application/pdf", "The impact summary as a PDF file, as the page's download."),
)
def impact_pdf(request: HttpRequest, coach_id: Id | None = None, period: str = "") -> HttpResponse:
    """A coach's impact summary as the PDF the impact page downloads, for the same `coach_id` and
    `period` as `/reports/impact`: byte for byte the page's, audited as an export."""
    summary = _impact_of(request, "reports:impact-pdf", coach_id, period)
    return views.impact_pdf_file(request, summary)  # type: ignore[arg-type]
