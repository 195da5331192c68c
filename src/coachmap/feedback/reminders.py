"""Pulse invitations: after a coaching session, its teacher is asked the three quick questions.
Made by `coachmap send-digests` (registered in `apps.py`), once per session."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from coachmap.coaching.models import CoachingSession
from coachmap.feedback.models import PulseReceipt
from coachmap.notifications.models import Topic
from coachmap.notifications.services import Notice, notices_send_once

# Sessions logged in the last two days are invited; older ones still wait on the home page.
INVITE_DAYS = 2


def pulse_invitations(now: datetime.datetime) -> int:
    today = timezone.localdate(now)
    sessions = (
        CoachingSession.objects.filter(
            date__gte=today - datetime.timedelta(days=INVITE_DAYS), date__lte=today
        )
        .exclude(Exists(PulseReceipt.objects.filter(session=OuterRef("pk"))))
        .select_related("cycle__teacher__user", "cycle__coach__user")
        .defer("notes", "next_steps", "look_fors_seen")
    )
    home = reverse("home")
    return notices_send_once(
        notices=[
            Notice(
                user=s.cycle.teacher.user,
                key=f"pulse:{s.pk}",
                text=f"How did your coaching session with {s.cycle.coach} on {s.date:%B %-d} go? Three quick "
                "questions wait on your home page; answers are anonymous and counted only with others’.",
                url=home,
            )
            for s in sessions
        ],
        topic=Topic.SURVEYS,
    )
