"""The school figures a principal and coach may review at a check-in: aggregates only.

Every figure counts the school's coaching as a whole; none names a teacher or quotes a note. A
figure that stands on fewer teachers than the district's minimum group size is hidden
(`core.privacy.rate_hidden`), and so are the figures that would let it be worked out: sessions and
minutes stand on the teachers coached, and cycles and lighter supports are hidden together.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, Sum

from coachmap.coaching.cycles.models import CoachingCycle, CoachingSession, CycleStatus
from coachmap.coaching.lighter.models import LighterSupport, MicroConversation
from coachmap.coaching.timelog import timeshare
from coachmap.coaching.timelog.models import TimeEntry
from coachmap.core import privacy
from coachmap.core.models import Coach, School
from coachmap.core.schoolyear import school_year_bounds, school_year_of

FIGURES: dict[str, str] = {
    "teachers_coached": "Teachers coached this school year (cycles and lighter supports)",
    "cycles_active": "Coaching cycles under way",
    "lighter": "Lighter supports taken up this school year",
    "sessions": "Coaching sessions and micro-coaching conversations this school year",
    "minutes": "Hours of coaching this school year",
    "coach_time": "The coach's share of time spent coaching (last four weeks logged)",
}
FIGURE_CHOICES = list(FIGURES.items())


def school_figures(
    coach: Coach, school: School, keys: list[str], today: datetime.date
) -> list[dict[str, str]]:
    """The chosen figures for one school, as label and value in words, hidden where they must be."""
    unknown = [k for k in keys if k not in FIGURES]
    if unknown:
        raise ValueError(f"unknown figures: {unknown}")
    start, end = school_year_bounds(school_year_of(today))
    minimum = school.district.min_group_size
    cycles = CoachingCycle.objects.filter(teacher__school=school).filter(
        Q(status=CycleStatus.ACTIVE) | Q(opened_on__gte=start)
    )
    supports = LighterSupport.objects.filter(teacher__school=school, created_at__date__gte=start)
    coached = set(cycles.values_list("teacher_id", flat=True)) | set(
        supports.values_list("teacher_id", flat=True)
    )
    n_coached = len(coached)
    n_active = cycles.filter(status=CycleStatus.ACTIVE).values("teacher_id").distinct().count()
    n_lighter = supports.values("teacher_id").distinct().count()
    sessions = CoachingSession.objects.filter(
        cycle__teacher__school=school, date__gte=start, date__lte=end
    ).aggregate(n=Count("id"), m=Sum("minutes"))
    micro = MicroConversation.objects.filter(
        teacher__school=school, date__gte=start, date__lte=end
    ).aggregate(n=Count("id"), m=Sum("minutes"))
    coached_hidden = privacy.rate_hidden(n_coached, minimum)
    parts_hidden = privacy.rate_hidden(n_active, minimum) or privacy.rate_hidden(n_lighter, minimum)
    hidden = f"Hidden: fewer than {minimum} teachers"
    values: dict[str, str] = {
        "teachers_coached": hidden if coached_hidden else str(n_coached),
        "cycles_active": hidden if parts_hidden or coached_hidden else str(n_active),
        "lighter": hidden if parts_hidden or coached_hidden else str(n_lighter),
        "sessions": hidden if coached_hidden else str((sessions["n"] or 0) + (micro["n"] or 0)),
        "minutes": hidden if coached_hidden else f"{((sessions['m'] or 0) + (micro['m'] or 0)) / 60:.1f}",
    }
    if "coach_time" in keys:
        since = today - datetime.timedelta(days=28)
        logged = dict(
            TimeEntry.objects.filter(coach=coach, date__gte=since, date__lte=today)
            .values_list("category")
            .annotate(m=Sum("minutes"))
            .values_list("category", "m")
        )
        share = timeshare.shares(logged, coach.district.time_counted).coaching_percent if logged else None
        values["coach_time"] = "No time logged" if share is None else f"{share} %"
    return [{"label": FIGURES[k], "value": values[k]} for k in keys]
