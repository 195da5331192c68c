"""Requests waiting too long: each program lead hears once of a request that has waited more than
NOTIFICATION_WAITING_DAYS for a coach (again if it waits that long after a decline). Made by
`coachmap send-digests` (registered in `coaching/apps.py`)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from coachmap.coaching.requests.models import CoachingRequest, RequestStatus
from coachmap.core.models import Membership, Role, User
from coachmap.notifications.models import Topic
from coachmap.notifications.services import Notice, notices_send_once


def waiting_requests(now: datetime.datetime) -> int:
    days = settings.NOTIFICATION_WAITING_DAYS
    cutoff = now - datetime.timedelta(days=days)
    waiting = (
        CoachingRequest.objects.filter(
            Q(status=RequestStatus.OPEN, created_at__lte=cutoff)
            | Q(status=RequestStatus.DECLINED, responded_at__lte=cutoff)
        )
        .select_related("teacher__user", "teacher__school")
        .order_by("created_at")
    )
    leads: dict[int, list[User]] = defaultdict(list)
    for m in Membership.objects.filter(role=Role.PROGRAM_LEAD).select_related("user"):
        leads[m.district_id].append(m.user)
    url = reverse("coaching:requests")
    notices = []
    for r in waiting:
        since = f":declined:{r.responded_at:%Y%m%d}" if r.status == RequestStatus.DECLINED else ""
        for lead in leads.get(r.teacher.school.district_id, []):
            notices.append(
                Notice(
                    user=lead,
                    key=f"waiting:{r.pk}{since}",
                    text=f"{r.teacher}'s coaching request has waited more than {days} days for a coach. "
                    "The next matching round can place it, or propose a coach by hand.",
                    url=url,
                )
            )
    return notices_send_once(notices=notices, topic=Topic.REMINDERS)
