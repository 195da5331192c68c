"""The lead's requests page as a chart and a CSV file (issue 17).

Plain data in, plain data out: the chart spec for `static/coachmap/charts.js` (bars from zero) and
the CSV rows, both from the requests `queries.requests_waiting` returns (the chart from their
counts by day, taken in SQL). The teacher's own note on a request is never part of either.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from coachmap.coaching.models import CoachingRequest, RequestStatus

HEADER = ["Teacher", "School", "Goal", "Needs", "Status", "Declined by", "Asked on", "Days waiting"]

# How long a request has waited, in days: (label, first day, last day or None).
WAITING_BANDS = [
    ("Under a week", 0, 6),
    ("1–2 weeks", 7, 13),
    ("2–4 weeks", 14, 27),
    ("4 weeks or more", 28, None),
]


def days_waiting(request: CoachingRequest, today: datetime.date) -> int:
    return max(0, (today - timezone.localdate(request.created_at)).days)


def _band(days: int) -> int:
    return next(
        i for i, (_, low, high) in enumerate(WAITING_BANDS) if days >= low and (high is None or days <= high)
    )


def waiting_ages(requests: QuerySet[CoachingRequest]) -> dict[tuple[str, datetime.date], int]:
    """How many of the requests were asked on each day, by status, counted in the database: a
    large district's lead has hundreds waiting, and the chart needs only these counts."""
    rows = (
        requests.order_by()
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values_list("status", "day")
        .annotate(n=Count("pk"))
    )
    return {(status, day): n for status, day, n in rows}


def chart(
    ages: Mapping[tuple[str, datetime.date], int], today: datetime.date | None = None
) -> dict[str, Any] | None:
    """How long the waiting requests have waited, new ones and declined ones apart, as bars from zero
    (`ages` as `waiting_ages` counts them)."""
    total = sum(ages.values())
    if not total:
        return None
    today = today or timezone.localdate()
    counts: dict[str, list[int]] = {
        status: [0] * len(WAITING_BANDS) for status in (RequestStatus.OPEN, RequestStatus.DECLINED)
    }
    for (status, day), n in ages.items():
        counts.setdefault(status, [0] * len(WAITING_BANDS))[_band(max(0, (today - day).days))] += n
    series = [
        {"label": "Waiting for a coach", "values": counts[RequestStatus.OPEN]},
        {"label": "Declined, waiting for another coach", "values": counts[RequestStatus.DECLINED]},
    ]
    return {
        "type": "bar",
        "labels": [label for label, _, _ in WAITING_BANDS],
        "series": series,
        "min": 0,
        "axis": "Requests",
        "summary": f"Bar chart of how long {total} waiting request{'s' if total != 1 else ''} "
        "have waited, new and declined apart. The table below lists every request.",
    }


def csv_rows(requests: Sequence[CoachingRequest], today: datetime.date | None = None) -> list[list[Any]]:
    today = today or timezone.localdate()
    return [
        [
            str(r.teacher),
            str(r.teacher.school),
            r.goal.statement,
            ", ".join(r.needs),
            r.get_status_display(),
            str(r.coach) if r.status == RequestStatus.DECLINED and r.coach else "",
            timezone.localdate(r.created_at).isoformat(),
            days_waiting(r, today),
        ]
        for r in requests
    ]
