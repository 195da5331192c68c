from __future__ import annotations

import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from coachmap.core import access, tokens
from coachmap.reports import queries

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
