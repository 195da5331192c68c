"""Aggregate coaching trends for principals, the program lead and the district.

Counts only: teachers coached, cycles, sessions, minutes. Never notes, never who. A row that
covers fewer teachers than the district's minimum group size is hidden, with complementary
suppression decided by the disclosure audit (`trends_model`), so that no hidden row's figures
can be worked out from the total and the other rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth

from coachmap.coaching.models import CoachingSession
from coachmap.core import access, group_size, privacy
from coachmap.core.access import AnyUser
from coachmap.core.models import Role, School
from coachmap.core.schoolyear import school_year_start


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


MEASURES = ("teachers", "cycles", "sessions", "minutes")
TOTAL = "__total__"


def trends_model(
    rows: Mapping[object, Mapping[str, int]], hidden: frozenset[object], *, additive: bool
) -> privacy.Model[tuple[str, object]]:
    """What a trends table shows, as the disclosure audit reads it.

    Each row (and the total, keyed `TOTAL`) has teachers ≤ cycles ≤ sessions, and teachers ≥ 1
    when it has any session. Sessions and minutes add up to the total; teachers and cycles add
    up only across schools (`additive`): across months the same teacher and cycle come back, so
    each month is at most the total and the months together at least the total. A month is
    listed only if it had a session; a school is listed even without one.
    """
    model: privacy.Model[tuple[str, object]] = privacy.Model()
    figure: dict[str, dict[object, int]] = {m: {} for m in MEASURES}
    for key, row in rows.items():
        for measure in MEASURES:
            value = int(row.get(measure) or 0)
            if key in hidden:
                # A month is listed only when it had a session: the reader knows it is not empty.
                low = 1 if not additive and measure != "minutes" else 0
                figure[measure][key] = model.figure(low, privacy.BIG, value)
                if value:
                    model.watch((measure, key), figure[measure][key])
            else:
                figure[measure][key] = model.shown(value)
        teachers, cycles, sessions = (figure[m][key] for m in ("teachers", "cycles", "sessions"))
        model.at_most(teachers, cycles)
        model.at_most(cycles, sessions)
        model.between({sessions: 1.0, teachers: -float(privacy.BIG)}, high=0.0)
    parts = [key for key in rows if key != TOTAL]
    for measure in MEASURES:
        values = figure[measure]
        if additive or measure in ("sessions", "minutes"):
            model.equal([values[k] for k in parts], values[TOTAL])
        else:
            for k in parts:
                model.at_most(values[k], values[TOTAL])
            model.between({**{values[k]: 1.0 for k in parts}, values[TOTAL]: -1.0}, low=0.0)
    return model


def _suppressed_rows(
    raw: list[dict], total: dict, key_field: str, labels: dict, min_size: int, *, additive: bool
) -> tuple[list[TrendRow], TrendRow]:
    """Rows below the minimum number of teachers are hidden; then the disclosure audit hides more
    rows (the fewest teachers first, the total last) until no hidden figure can be worked out."""
    counts: dict[object, int] = {row[key_field]: row["teachers"] for row in raw}
    counts[TOTAL] = total["teachers"] or 0
    start = privacy.suppress(counts, [privacy.Line(tuple(k for k in counts if k != TOTAL), TOTAL)], min_size)
    rows: dict[object, Mapping[str, int]] = {r[key_field]: r for r in raw}
    rows[TOTAL] = total
    order = {key: i for i, key in enumerate(rows)}
    hidden = privacy.protect(
        list(rows),
        start,
        lambda cells: trends_model(rows, cells, additive=additive),
        lambda key: (key == TOTAL, counts[key] == 0, counts[key], order[key]),
    )

    def row(key: object, label: str, data: Mapping[str, Any]) -> TrendRow:
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
        TOTAL, "Total", total
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
        raw, _aggregate(sessions, None), "cycle__teacher__school", labels, min_size, additive=True
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
        raw, _aggregate(sessions, None), "month", labels, school.district.min_group_size, additive=False
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
