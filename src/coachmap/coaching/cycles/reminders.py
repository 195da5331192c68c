"""The day before a cycle's next meeting, its teacher and coach are reminded. Made by
`coachmap send-digests` (registered in `coaching/apps.py`), once per meeting."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from coachmap.coaching.cycles.models import CoachingCycle, CycleStatus
from coachmap.notifications.models import Topic
from coachmap.notifications.services import Notice, notices_send_once


def meeting_reminders(now: datetime.datetime) -> int:
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    cycles = CoachingCycle.objects.filter(status=CycleStatus.ACTIVE, next_meeting_on=tomorrow).select_related(
        "teacher__user", "coach__user"
    )
    notices = []
    for c in cycles:
        when = f"tomorrow, {tomorrow:%A %B %-d}"
        url = reverse("coaching:cycle", kwargs={"cycle_id": c.pk})
        key = f"meeting:{c.pk}:{tomorrow:%Y%m%d}"
        notices += [
            Notice(
                c.teacher.user, key, f"Reminder: your next coaching meeting with {c.coach} is {when}.", url
            ),
            Notice(
                c.coach.user, key, f"Reminder: your next coaching meeting with {c.teacher} is {when}.", url
            ),
        ]
    return notices_send_once(notices=notices, topic=Topic.REMINDERS)
