"""A coach's impact summary for a period: one page, plain language, no notes ever.

Cycles and their honest ends, teachers, minutes by session type, the share of time coaching from
the confirmed time log, the fidelity trend, pre/post student evidence, and the pulse survey.
Figures drawn from teachers' classrooms (fidelity, evidence) are shown to anyone but the coach
only when they cover at least the district's minimum group size of teachers; the pulse is shown
through `feedback.queries.pulse_results` (released batches only) to everyone, the coach included.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone

from coachmap.coaching.cycles import rules
from coachmap.coaching.models import (
    CoachingCycle,
    CoachingSession,
    CycleOutcome,
    EvidenceKind,
    FidelityCheckIn,
    SessionType,
    StudentEvidence,
)
from coachmap.coaching.timelog import timeshare
from coachmap.coaching.timelog.queries import minutes_by_category
from coachmap.core import access, percent, privacy
from coachmap.core.access import AnyUser
from coachmap.core.models import Coach
from coachmap.core.schoolyear import school_year_bounds, school_year_of
from coachmap.feedback.queries import PulseResults, pulse_results


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: datetime.date
    end: datetime.date


def periods(today: datetime.date) -> list[Period]:
    """This school year, its two halves, and last school year."""
    start, year_end = school_year_bounds(school_year_of(today))
    winter = datetime.date(start.year + 1, 1, 1)
    last = school_year_bounds(school_year_of(today) - 1)[0]
    label = f"{start.year}–{str(start.year + 1)[-2:]}"
    return [
        Period("year", f"School year {label}", start, year_end),
        Period("fall", f"August to December {start.year}", start, winter - datetime.timedelta(days=1)),
        Period("spring", f"January to July {start.year + 1}", winter, year_end),
        Period(
            "last-year",
            f"School year {last.year}–{str(start.year)[-2:]}",
            last,
            start - datetime.timedelta(days=1),
        ),
    ]


def period_for(key: str, today: datetime.date) -> Period:
    options = periods(today)
    return next((p for p in options if p.key == key), options[0])


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    percent: int


@dataclass(frozen=True)
class TrendPoint:
    label: str
    fidelity: float | None
    teachers: int
    hidden: bool


@dataclass
class ImpactSummary:
    coach: Coach
    period: Period
    target: int
    min_size: int
    for_coach: bool
    cycles_total: int = 0
    cycles_active: int = 0
    cycles_opened: int = 0
    cycles_ended: int = 0
    outcomes: list[Bar] = field(default_factory=list)
    teachers: int = 0
    sessions: int = 0
    minutes: int = 0
    by_type: list[Bar] = field(default_factory=list)
    time: timeshare.Shares | None = None
    weeks_logged: int = 0
    fidelity: list[TrendPoint] = field(default_factory=list)
    evidence_cycles: int = 0
    evidence_hidden: bool = False
    pre_share: float | None = None
    post_share: float | None = None
    pulse: PulseResults | None = None

    @property
    def change(self) -> float | None:
        return rules.evidence_change(self.pre_share, self.post_share)

    @property
    def hours(self) -> float:
        return self.minutes / 60


def _bars(values: dict[str, int], labels: dict[str, str]) -> list[Bar]:
    shares = percent.whole_percentages(values)
    return [Bar(labels[k], v, shares[k]) for k, v in values.items() if v]


def _quarters(period: Period) -> list[tuple[str, datetime.date, datetime.date]]:
    """The period cut into three-month spans (the last one may be shorter)."""
    spans = []
    start = period.start
    while start <= period.end:
        month = start.month + 3
        end = datetime.date(start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1) - datetime.timedelta(
            days=1
        )
        end = min(end, period.end)
        spans.append((f"{start:%b}–{end:%b %Y}", start, end))
        start = end + datetime.timedelta(days=1)
    return spans


def impact_summary(user: AnyUser, coach: Coach, period: Period) -> ImpactSummary:
    access.require(
        access.impact_coaches_for(user).filter(pk=coach.pk).exists(), "This summary is not part of your role."
    )
    district = coach.district
    summary = ImpactSummary(
        coach,
        period,
        district.coaching_time_target,
        district.min_group_size,
        for_coach=user.pk == coach.user_id,
    )
    in_period = Q(opened_on__lte=period.end) & (Q(closed_on__isnull=True) | Q(closed_on__gte=period.start))
    cycles = CoachingCycle.objects.filter(in_period, coach=coach)
    counts = cycles.aggregate(
        total=Count("id"),
        teachers=Count("teacher", distinct=True),
        opened=Count("id", filter=Q(opened_on__gte=period.start)),
        ended=Count("id", filter=Q(closed_on__gte=period.start, closed_on__lte=period.end)),
        active=Count("id", filter=Q(closed_on__isnull=True) | Q(closed_on__gt=period.end)),
    )
    summary.cycles_total = counts["total"]
    summary.teachers, summary.cycles_opened = counts["teachers"], counts["opened"]
    summary.cycles_ended, summary.cycles_active = counts["ended"], counts["active"]
    ended = dict(
        cycles.filter(closed_on__gte=period.start, closed_on__lte=period.end)
        .exclude(outcome="")
        .values_list("outcome")
        .annotate(n=Count("id"))
    )
    summary.outcomes = _bars({o: ended.get(o, 0) for o in CycleOutcome.values}, dict(CycleOutcome.choices))

    sessions = CoachingSession.objects.filter(
        cycle__coach=coach, date__gte=period.start, date__lte=period.end
    )
    by_type = dict(sessions.values_list("session_type").annotate(m=Sum("minutes")))
    totals = sessions.aggregate(n=Count("id"), m=Sum("minutes"))
    summary.sessions, summary.minutes = totals["n"], totals["m"] or 0
    summary.by_type = _bars(
        {t: by_type.get(t, 0) or 0 for t in SessionType.values}, dict(SessionType.choices)
    )

    logged = minutes_by_category(coach, period.start, period.end)
    if logged:
        summary.time = timeshare.shares(logged, district.time_counted)
        summary.weeks_logged = coach.time_weeks.filter(week__gte=period.start, week__lte=period.end).count()

    coach_view = summary.for_coach
    checkins = FidelityCheckIn.objects.filter(
        cycle__coach=coach, date__gte=period.start, date__lte=period.end
    )
    rows = list(checkins.values_list("date", "look_fors", "seen", "cycle__teacher_id"))
    today = timezone.localdate()
    for label, start, end in _quarters(period):
        if start > today:
            break
        span = [r for r in rows if start <= r[0] <= end]
        teachers = len({r[3] for r in span})
        scores = [rules.fidelity(len(r[1]), len(r[2])) for r in span]
        known = [s for s in scores if s is not None]
        hidden = not coach_view and privacy.rate_hidden(teachers, district.min_group_size)
        summary.fidelity.append(
            TrendPoint(label, None if hidden or not known else sum(known) / len(known), teachers, hidden)
        )

    pre_post: dict[int, dict[str, list[tuple[datetime.date, float]]]] = defaultdict(lambda: defaultdict(list))
    for cycle_id, kind, day, meeting, assessed in StudentEvidence.objects.filter(
        cycle__in=cycles, measured_on__lte=period.end
    ).values_list("cycle_id", "kind", "measured_on", "students_meeting", "students_assessed"):
        pre_post[cycle_id][kind].append((day, 100 * meeting / assessed))
    pairs = [
        (min(e[EvidenceKind.PRE])[1], max(e[EvidenceKind.POST])[1])
        for e in pre_post.values()
        if e[EvidenceKind.PRE] and e[EvidenceKind.POST]
    ]
    summary.evidence_cycles = len(pairs)
    summary.evidence_hidden = not coach_view and privacy.rate_hidden(len(pairs), district.min_group_size)
    if pairs and not summary.evidence_hidden:
        summary.pre_share = sum(p for p, _ in pairs) / len(pairs)
        summary.post_share = sum(q for _, q in pairs) / len(pairs)

    summary.pulse = pulse_results(user, coach, school_year_of(period.end))
    return summary
