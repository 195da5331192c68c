"""Telling the receiving coach about a handover: used when it is made with a coach named, and when
the teacher later accepts a coach of the support type they were handed to."""

from __future__ import annotations

from django.urls import reverse

from coachmap.coaching.handovers.models import Handover
from coachmap.notifications.models import Topic
from coachmap.notifications.services import notification_send


def handover_announce(*, handover: Handover) -> None:
    """Tell the receiving coach that a teacher is handed over to them, with a note for them alone."""
    assert handover.to_coach is not None  # noqa: S101 - announced once the receiving coach is known
    notification_send(
        user=handover.to_coach.user,
        text=f"{handover.from_coach} is handing {handover.new_request.teacher} over to you, with a note for you alone.",
        url=reverse("coaching:handover", kwargs={"handover_id": handover.pk}),
        topic=Topic.ANSWERS,
    )
