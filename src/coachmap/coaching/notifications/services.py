"""In-app notifications, the one place any app tells a person something: the coach hears that a
teacher accepted, the teacher that a proposal waits, the leads that something needs them."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from coachmap.coaching.handovers.models import Handover
from coachmap.coaching.notifications.models import Notification
from coachmap.core.models import Membership, Role, User


def notification_send(*, user: User, text: str, url: str = "") -> Notification:
    return Notification.objects.create(user=user, text=text[:300], url=url)


def leads_notify(*, district_id: int, text: str, url: str = "") -> None:
    """Every program lead of the district."""
    leads = Membership.objects.filter(district_id=district_id, role=Role.PROGRAM_LEAD).values_list(
        "user_id", flat=True
    )
    Notification.objects.bulk_create([Notification(user_id=uid, text=text[:300], url=url) for uid in leads])


def notifications_mark_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at=None).update(read_at=timezone.now())


def handover_announce(*, handover: Handover) -> None:
    """Tell the receiving coach that a teacher is handed over to them, with a note for them alone."""
    assert handover.to_coach is not None  # noqa: S101 - announced once the receiving coach is known
    notification_send(
        user=handover.to_coach.user,
        text=f"{handover.from_coach} is handing {handover.new_request.teacher} over to you, with a note for you alone.",
        url=reverse("coaching:handover", kwargs={"handover_id": handover.pk}),
    )
