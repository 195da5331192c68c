"""Writes for lighter supports: a support begins with the teacher's yes; micro-coaching is logged
without a cycle; a peer observation happens only with the host's yes. One transaction each."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from coachmap.coaching import access as coaching_access
from coachmap.coaching.lighter import workshops
from coachmap.coaching.lighter.models import (
    LighterSupport,
    MicroConversation,
    ObservationStatus,
    PeerObservation,
    SupportKind,
    SupportStatus,
)
from coachmap.coaching.lighter.status import WORKSHOP_WAITING
from coachmap.coaching.requests.models import CoachingRequest, TeacherGoal
from coachmap.core import access
from coachmap.core.audit import consent_record
from coachmap.core.models import Coach, Teacher, User
from coachmap.core.schoolyear import school_year_bounds, school_year_of
from coachmap.notifications.models import Topic
from coachmap.notifications.services import leads_notify, notification_send, users_notify


def lighter_support_start(
    *,
    teacher: Teacher,
    kind: str,
    request: CoachingRequest | None = None,
    goal: TeacherGoal | None = None,
) -> LighterSupport:
    """Begin the support a teacher took up. Called inside the service that records their yes (an offer
    or a referral), so the two stand or fall together."""
    if kind not in SupportKind.values:
        raise ValidationError({"kind": "Choose one of the lighter supports."})
    with transaction.atomic():
        support = LighterSupport(
            teacher=teacher,
            kind=kind,
            request=request,
            goal=goal or (request.goal if request is not None else None),
            status=SupportStatus.UNDER_WAY if kind == SupportKind.RESOURCE else SupportStatus.WAITING,
        )
        support.full_clean()
        support.save()
        url = reverse("coaching:lighter-support", kwargs={"support_id": support.pk})
        if kind == SupportKind.MICRO:
            coaches = [c.user for c in Coach.objects.filter(schools=teacher.school_id).select_related("user")]
            users_notify(
                users=coaches,
                text=f"{teacher} took up micro-coaching: log your first short conversation with them.",
                url=url,
                topic=Topic.OFFERS,
            )
        elif kind == SupportKind.PEER:
            leads_notify(
                district_id=teacher.school.district_id,
                text=f"{teacher} took up a peer observation: choose a host and a date.",
                url=url,
                topic=Topic.OFFERS,
            )
        elif kind == SupportKind.WORKSHOP and not workshops.support_started(support):
            notification_send(user=teacher.user, text=f"Workshop seat requested. {WORKSHOP_WAITING}", url=url)
    return support


def _in_this_school_year(day: datetime.date, field: str, today: datetime.date) -> None:
    start, end = school_year_bounds(school_year_of(today))
    if not start <= day <= end:
        raise ValidationError(
            {field: f"Choose a day in this school year ({start:%B %-d, %Y} to {end:%B %-d, %Y})."}
        )


def micro_conversation_log(
    *,
    coach: Coach,
    teacher: Teacher,
    date: datetime.date,
    minutes: int,
    focus: str,
    next_step: str,
    notes: str = "",
    today: datetime.date | None = None,
) -> MicroConversation:
    """A coach logs a short coaching conversation with a teacher, without a cycle. It joins the
    teacher's micro-coaching support if they took one up, and the coach's time log as micro-coaching."""
    access.require(
        coaching_access.may_log_micro(coach.user, teacher),
        "Only a coach who serves the teacher's school logs micro-coaching with them.",
    )
    today = today or timezone.localdate()
    if date > today:
        raise ValidationError({"date": "Log a conversation once it has happened."})
    _in_this_school_year(date, "date", today)
    if not focus.strip():
        raise ValidationError({"focus": "Say what the conversation was about: a practice or a look-for."})
    if not next_step.strip():
        raise ValidationError({"next_step": "Write the next step the teacher will try."})
    with transaction.atomic():
        support = (
            LighterSupport.objects.select_for_update()
            .filter(
                teacher=teacher,
                kind=SupportKind.MICRO,
                status__in=[SupportStatus.WAITING, SupportStatus.UNDER_WAY],
            )
            .order_by("created_at")
            .first()
        )
        conversation = MicroConversation(
            coach=coach,
            teacher=teacher,
            support=support,
            date=date,
            minutes=minutes,
            focus=focus.strip(),
            next_step=next_step.strip(),
            notes=notes.strip(),
        )
        conversation.full_clean()
        conversation.save()
        if support is not None and (support.coach_id is None or support.status == SupportStatus.WAITING):
            support.coach = support.coach or coach
            support.status = SupportStatus.UNDER_WAY
            support.save(update_fields=["coach", "status", "updated_at"])
        notification_send(
            user=teacher.user,
            text=f"{coach} logged your micro-coaching conversation and the next step you agreed.",
            url=reverse("coaching:micro-conversation", kwargs={"conversation_id": conversation.pk}),
        )
    return conversation


def observation_arrange(
    *,
    actor: User,
    support: LighterSupport,
    host: Teacher,
    date: datetime.date,
    focus: str,
    today: datetime.date | None = None,
) -> PeerObservation:
    """Ask a colleague to host a peer observation on a day. Nothing is scheduled until the host says yes."""
    access.require(
        coaching_access.may_arrange_observation(actor, support),
        "Only the program lead or a coach of the teacher's school arranges a peer observation.",
    )
    if support.kind != SupportKind.PEER:
        raise ValidationError("This support is not a peer observation.")
    if support.status not in (SupportStatus.WAITING, SupportStatus.UNDER_WAY):
        raise ValidationError("This peer observation is already done.")
    today = today or timezone.localdate()
    if host.pk == support.teacher_id:
        raise ValidationError({"host": "The host is a colleague, not the teacher who observes."})
    if host.school.district_id != support.teacher.school.district_id:
        raise ValidationError({"host": "Choose a host who teaches in the district."})
    if date < today:
        raise ValidationError({"date": "Choose a day from today on."})
    _in_this_school_year(date, "date", today)
    if not focus.strip():
        raise ValidationError({"focus": "Say what the observer will watch for."})
    with transaction.atomic():
        LighterSupport.objects.select_for_update().get(pk=support.pk)
        asked = PeerObservation.objects.filter(support=support)
        if asked.filter(host=host, status=ObservationStatus.DECLINED).exists():
            raise ValidationError({"host": "This colleague has already said no; choose another host."})
        if asked.filter(status__in=[ObservationStatus.ASKED, ObservationStatus.SCHEDULED]).exists():
            raise ValidationError(
                "A host has already been asked for this observation; wait for their answer."
            )
        observation = PeerObservation(
            support=support, host=host, date=date, focus=focus.strip(), arranged_by=actor
        )
        observation.full_clean()
        observation.save()
        notification_send(
            user=host.user,
            text=f"A colleague would like to observe your class on {date:%A %B %-d} ({focus.strip()}). "
            "Say yes or no on your home page: nothing happens without your yes.",
            url=reverse("home"),
            topic=Topic.OFFERS,
        )
    return observation


def observation_answer(*, host: Teacher, observation: PeerObservation, accept: bool) -> PeerObservation:
    """The host says yes (the visit is scheduled, the observer is told) or no (the observer never learns
    who was asked; the coaching team finds another host)."""
    access.require(
        coaching_access.may_answer_observation(host.user, observation),
        "Only the colleague asked to host can answer.",
    )
    if observation.status != ObservationStatus.ASKED:
        raise ValidationError("This request to host has already been answered.")
    with transaction.atomic():
        observation.status = ObservationStatus.SCHEDULED if accept else ObservationStatus.DECLINED
        observation.host_answered_at = timezone.now()
        observation.save(update_fields=["status", "host_answered_at"])
        support = observation.support
        consent_record(teacher=host, obj=observation, accepted=accept, hosting=True)
        url = reverse("coaching:lighter-support", kwargs={"support_id": support.pk})
        if accept:
            support.status = SupportStatus.UNDER_WAY
            support.save(update_fields=["status", "updated_at"])
            notification_send(
                user=support.teacher.user,
                text=f"Your peer observation is scheduled: {host}'s classroom on {observation.date:%A %B %-d}.",
                url=url,
            )
        else:
            leads_notify(
                district_id=support.teacher.school.district_id,
                text=f"A host could not take {support.teacher}'s peer observation: choose another.",
                url=url,
            )
    return observation


def observation_reflect(
    *, teacher: Teacher, observation: PeerObservation, reflection: str
) -> PeerObservation:
    """The observer writes what they saw and what they will try; the support is then done."""
    access.require(
        coaching_access.may_reflect_observation(teacher.user, observation),
        "Only the teacher who observed writes the reflection.",
    )
    if observation.status not in (ObservationStatus.SCHEDULED, ObservationStatus.DONE):
        raise ValidationError("A reflection follows a visit the host agreed to.")
    if observation.date > timezone.localdate():
        raise ValidationError(
            {"reflection": f"Write your reflection after the visit on {observation.date:%B %-d}."}
        )
    if not reflection.strip():
        raise ValidationError({"reflection": "Write a few words on what you saw and what you will try."})
    with transaction.atomic():
        observation.reflection = reflection.strip()
        observation.reflected_at = timezone.now()
        observation.status = ObservationStatus.DONE
        observation.save(update_fields=["reflection", "reflected_at", "status"])
        LighterSupport.objects.filter(pk=observation.support_id).update(
            status=SupportStatus.DONE, updated_at=timezone.now()
        )
    return observation
