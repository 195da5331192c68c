"""Aggregate coaching trends for principals, the program lead and the district.

Counts only: teachers coached, cycles, sessions, minutes. Never notes, never who. A row that
covers fewer teachers than the district's minimum group size is hidden, with complementary
suppression so it cannot be recovered from the total.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth

from coachmap.coaching.models import CoachingSession
from coachmap.core import access, group_size, privacy
from coachmap.core.access import AnyUser
from coachmap.core.models import Role, School


@dataclass(frozen=True)
class TrendRow:
    key: object
    label: str
    teachers: int
    cycles: int
    sessions: int
    minutes: int
    suppressed: bool


@dataclass
class Trends:
    title: str
    rows: list[TrendRow]
    total: TrendRow
    min_size: int
    since: datetime.date
    row_heading: str

    @property
    def suppressed_count(self) -> int:
        return sum(r.suppressed for r in self.rows)


def school_year_start(today: datetime.date) -> datetime.date:
    """School years start on August 1."""
    year = today.year if today.month >= 8 else today.year - 1
    return datetime.date(year, 8, 1)


def _aggregate(sessions: QuerySet[CoachingSession], key_field: str | None) -> Any:
    values = {
        "teachers": Count("cycle__teacher", distinct=True),
        "cycles": Count("cycle", distinct=True),
        "sessions": Count("id"),
        "minutes": Sum("minutes"),
    }
    if key_field is None:
        return sessions.aggregate(**values)
    return sessions.values(key_field).annotate(**values).order_by(key_field)


def _suppressed_rows(
    raw: list[dict], total: dict, key_field: str, labels: dict, min_size: int
) -> tuple[list[TrendRow], TrendRow]:
    counts: dict[object, int] = {row[key_field]: row["teachers"] for row in raw}
    counts["__total__"] = total["teachers"] or 0
    hidden = privacy.suppress(
        counts, [privacy.Line(tuple(k for k in counts if k != "__total__"), "__total__")], min_size
    )

    def row(key: object, label: str, data: dict[str, Any]) -> TrendRow:
        return TrendRow(
            key,
            label,
            data["teachers"] or 0,
            data["cycles"] or 0,
            data["sessions"] or 0,
            data["minutes"] or 0,
            key in hidden,
        )

    return [row(r[key_field], labels.get(r[key_field], str(r[key_field])), r) for r in raw], row(
        "__total__", "Total", total
    )


def coaching_trends_by_school(user: AnyUser, schools: list[School], since: datetime.date) -> Trends:
    """One row per school the user may see, with the district total; for the program lead and district admin."""
    allowed = set(access.schools_with_trends_for(user).values_list("id", flat=True))
    schools = [s for s in schools if s.pk in allowed]
    sessions = CoachingSession.objects.filter(cycle__teacher__school__in=schools, date__gte=since)
    raw = list(_aggregate(sessions, "cycle__teacher__school"))
    seen = {r["cycle__teacher__school"] for r in raw}
    zero = {"teachers": 0, "cycles": 0, "sessions": 0, "minutes": 0}
    raw += [{"cycle__teacher__school": s.pk, **zero} for s in schools if s.pk not in seen]
    labels = {s.pk: s.name for s in schools}
    raw.sort(key=lambda r: labels[r["cycle__teacher__school"]])
    min_size = schools[0].district.min_group_size if schools else group_size.DEFAULT
    rows, total = _suppressed_rows(
        raw, _aggregate(sessions, None), "cycle__teacher__school", labels, min_size
    )
    return Trends("Coaching by school", rows, total, min_size, since, "School")


def coaching_trends_by_month(user: AnyUser, school: School, since: datetime.date) -> Trends:
    """One row per month for one school; for its principal (and the district)."""
    access.require(
        access.schools_with_trends_for(user).filter(pk=school.pk).exists(),
        "These trends are not part of your role.",
    )
    sessions = CoachingSession.objects.filter(cycle__teacher__school=school, date__gte=since).annotate(
        month=TruncMonth("date")
    )
    raw = list(_aggregate(sessions, "month"))
    labels = {r["month"]: f"{r['month']:%B %Y}" for r in raw}
    rows, total = _suppressed_rows(
        raw, _aggregate(sessions, None), "month", labels, school.district.min_group_size
    )
    return Trends(
        f"Coaching at {school.name} by month", rows, total, school.district.min_group_size, since, "Month"
    )


def coaching_trends_for(user: AnyUser, today: datetime.date) -> list[Trends]:
    """Every trends table the user may see this school year: by school for the program lead and
    district admin, by month for each school a principal leads."""
    since = school_year_start(today)
    schools = list(access.schools_with_trends_for(user).select_related("district"))
    tables = []
    if access.has_role(user, Role.PROGRAM_LEAD, Role.DISTRICT_ADMIN):
        tables.append(coaching_trends_by_school(user, schools, since))
    led = access.school_ids(user, Role.PRINCIPAL)
    tables += [coaching_trends_by_month(user, s, since) for s in schools if s.pk in led]
    return tables
