"""Writes for group cycles: form a group, each teacher's answer, open, plan, shared sessions with
student work from several classrooms, stages, an honest close, resume.

The stage and closing rules are the one-teacher cycle's (`coaching/cycles/rules.py`); every service
checks who is asking, validates, and writes in one transaction. Members who accepted are told of
what happens through `notification_send`; a member who declined is never told anything again.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from coachmap.coaching import access as coaching_access
from coachmap.coaching.cycles import rules
from coachmap.coaching.groups.models import (
    Consent,
    GroupCycle,
    GroupEvidence,
    GroupKind,
    GroupMember,
    GroupSession,
    GroupStatus,
    Protocol,
)
from coachmap.coaching.groups.queries import group_facts
from coachmap.coaching.models import EvidenceKind, SessionType
from coachmap.core import access
from coachmap.core.audit import consent_record
from coachmap.core.models import Coach, Teacher
from coachmap.improvement.models import GoalStatus, ImprovementGoal
from coachmap.notifications.models import Topic
from coachmap.notifications.services import notification_send

MIN_MEMBERS = 2
"""A group is at least two teachers who accepted; fewer is a one-teacher cycle."""
MAX_MEMBERS = 30
MAX_LOOK_FORS = 12


def _own(coach: Coach, group: GroupCycle, what: str) -> None:
    access.require(
        coaching_access.may_work_on_group(coach.user, group), f"Only the group's coach can {what}."
    )


def _active(group: GroupCycle) -> None:
    if group.status != GroupStatus.ACTIVE:
        raise ValidationError("This group cycle is not active: it is still forming, or it has ended.")


def _tell_members(group: GroupCycle, text: str) -> None:
    """Tell every member who accepted; nobody who declined."""
    url = reverse("coaching:group", args=[group.pk])
    for member in group.members.filter(consent=Consent.ACCEPTED).select_related("teacher__user"):
        notification_send(user=member.teacher.user, text=text, url=url, topic=Topic.ANSWERS)


def group_form(
    *,
    coach: Coach,
    school_id: int,
    improvement_goal: ImprovementGoal,
    name: str,
    kind: GroupKind | str,
    focus: str,
    teachers: Sequence[Teacher],
    today: datetime.date | None = None,
) -> GroupCycle:
    """The coach forms a group at a school they serve and invites its teachers; each decides alone."""
    access.require(
        coaching_access.may_form_group(coach.user, school_id), "Coaches form groups at schools they serve."
    )
    errors: dict[str, str] = {}
    if improvement_goal.school_id != school_id or improvement_goal.status != GoalStatus.ACTIVE:
        errors["improvement_goal"] = "Choose an active improvement goal of the group's school."
    chosen = list(dict.fromkeys(teachers))
    if len(chosen) < MIN_MEMBERS:
        errors["teachers"] = f"Invite at least {MIN_MEMBERS} teachers: a group is several teachers."
    elif len(chosen) > MAX_MEMBERS:
        errors["teachers"] = f"Invite at most {MAX_MEMBERS} teachers."
    elif any(t.school_id != school_id for t in chosen):
        errors["teachers"] = "Invite teachers of the group's school only."
    if not name.strip():
        errors["name"] = "Give the group a name, e.g. “Grade 3 team”."
    if not focus.strip():
        errors["focus"] = "Say what the group will look into together."
    if errors:
        raise ValidationError(errors)
    day = today or timezone.localdate()
    with transaction.atomic():
        group = GroupCycle(
            coach=coach,
            school_id=school_id,
            improvement_goal=improvement_goal,
            name=" ".join(name.split()),
            kind=kind,
            focus=focus.strip(),
            created_on=day,
        )
        group.full_clean()
        group.save()
        GroupMember.objects.bulk_create(GroupMember(group=group, teacher=t, invited_on=day) for t in chosen)
        url = reverse("coaching:group", args=[group.pk])
        for teacher in chosen:
            notification_send(
                user=teacher.user,
                text=f"{coach} invites you to a group coaching cycle, “{group.name}”. Join or decline: "
                "it is your choice, and nobody else learns a decline.",
                url=url,
                topic=Topic.OFFERS,
            )
    return group


def group_answer(*, teacher: Teacher, group: GroupCycle, accept: bool) -> GroupMember:
    """A teacher joins or declines a group, or steps back from it later (a decline). Audited as consent."""
    member = GroupMember.objects.filter(group=group, teacher=teacher).first()
    access.require(
        member is not None and coaching_access.may_answer_group_invitation(teacher.user, member),
        "Only the teacher invited answers this invitation.",
    )
    assert member is not None  # noqa: S101 - required just above
    if group.status == GroupStatus.CLOSED:
        raise ValidationError("This group cycle has ended.")
    if member.consent == Consent.DECLINED:
        raise ValidationError("You declined this group; ask the coach to invite you again.")
    if accept and member.consent == Consent.ACCEPTED:
        raise ValidationError("You are already in this group.")
    with transaction.atomic():
        member.consent = Consent.ACCEPTED if accept else Consent.DECLINED
        member.answered_at = timezone.now()
        member.save(update_fields=["consent", "answered_at"])
        consent_record(teacher=teacher, obj=group, accepted=accept)
        if accept:
            notification_send(
                user=group.coach.user,
                text=f"{teacher} joined “{group.name}”.",
                url=reverse("coaching:group", args=[group.pk]),
                topic=Topic.ANSWERS,
            )
    return member


def group_invite(
    *, coach: Coach, group: GroupCycle, teacher: Teacher, today: datetime.date | None = None
) -> GroupMember:
    """Invite one more teacher of the school (or ask again someone who declined, if they asked to be)."""
    _own(coach, group, "invite teachers")
    if group.status == GroupStatus.CLOSED:
        raise ValidationError("This group cycle has ended.")
    if teacher.school_id != group.school_id:
        raise ValidationError({"teacher": "Invite teachers of the group's school only."})
    day = today or timezone.localdate()
    with transaction.atomic():
        member, created = GroupMember.objects.get_or_create(
            group=group, teacher=teacher, defaults={"invited_on": day}
        )
        if not created:
            if member.consent != Consent.DECLINED:
                raise ValidationError({"teacher": f"{teacher} is already invited or in the group."})
            member.consent = Consent.INVITED
            member.invited_on = day
            member.answered_at = None
            member.save(update_fields=["consent", "invited_on", "answered_at"])
        notification_send(
            user=teacher.user,
            text=f"{coach} invites you to a group coaching cycle, “{group.name}”. Join or decline.",
            url=reverse("coaching:group", args=[group.pk]),
            topic=Topic.OFFERS,
        )
    return member


def group_open(*, coach: Coach, group: GroupCycle, today: datetime.date | None = None) -> GroupCycle:
    """Start the group's work once at least two teachers accepted. Each of them is told."""
    _own(coach, group, "open it")
    with transaction.atomic():
        group = GroupCycle.objects.select_for_update().get(pk=group.pk)
        if group.status != GroupStatus.FORMING:
            raise ValidationError("This group cycle has already started.")
        accepted = group.members.filter(consent=Consent.ACCEPTED).count()
        if accepted < MIN_MEMBERS:
            raise ValidationError(
                f"A group cycle starts when at least {MIN_MEMBERS} teachers have accepted; "
                f"{accepted} {'has' if accepted == 1 else 'have'} so far."
            )
        day = today or timezone.localdate()
        group.status = GroupStatus.ACTIVE
        group.opened_on = day
        group.stage_changed_on = day
        group.save(update_fields=["status", "opened_on", "stage_changed_on"])
        _tell_members(group, f"“{group.name}” has started with {group.coach}: your first meeting is next.")
    return group


def _clean_lines(values: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for value in values:
        line = " ".join(value.split())
        if line and line not in seen:
            seen.append(line)
    return seen


def group_plan_set(
    *, coach: Coach, group: GroupCycle, learning_target: str, look_fors: Iterable[str]
) -> GroupCycle:
    """What students will learn across the group's classrooms, and what the group will look for."""
    _own(coach, group, "change its plan")
    if group.status == GroupStatus.CLOSED:
        raise ValidationError("This group cycle has ended.")
    items = _clean_lines(look_fors)
    if len(items) > MAX_LOOK_FORS:
        raise ValidationError({"look_fors": f"Keep to {MAX_LOOK_FORS} look-fors at most."})
    with transaction.atomic():
        group.learning_target = learning_target.strip()
        group.look_fors = items
        group.save(update_fields=["learning_target", "look_fors"])
    return group


@dataclass(frozen=True)
class WorkSample:
    """Student work one member brought: counts only."""

    teacher: Teacher
    kind: str
    measure: str
    students_assessed: int
    students_meeting: int


def group_session_log(
    *,
    coach: Coach,
    group: GroupCycle,
    date: datetime.date,
    minutes: int,
    session_type: SessionType | str,
    protocol: Protocol | str = Protocol.NONE,
    notes: str = "",
    next_steps: str = "",
    work: Sequence[WorkSample] = (),
) -> GroupSession:
    """A shared session: with a protocol, the group analyses student work from several classrooms."""
    _own(coach, group, "log its sessions")
    _active(group)
    errors: dict[str, str] = {}
    if session_type == SessionType.MICRO:
        errors["session_type"] = "Micro-coaching is one teacher at a time; choose another kind of session."
    if date > timezone.localdate():
        errors["date"] = "A session cannot be logged before it happens."
    elif group.opened_on and date < group.opened_on:
        errors["date"] = f"The group started on {group.opened_on:%B %-d, %Y}; the session cannot be earlier."
    accepted = set(group.members.filter(consent=Consent.ACCEPTED).values_list("teacher_id", flat=True))
    if any(sample.teacher.pk not in accepted for sample in work):
        errors["work"] = "Student work comes from the classrooms of members who joined the group."
    elif any(s.students_meeting > s.students_assessed for s in work):
        errors["work"] = "More students cannot meet the target than were assessed."
    elif any(s.kind not in EvidenceKind.values for s in work):
        errors["work"] = "Say whether the work is from before (baseline) or after."
    if protocol != Protocol.NONE and len({s.teacher.pk for s in work}) < MIN_MEMBERS:
        errors["work"] = (
            "A student-work protocol looks at work from at least two classrooms: add each member's counts."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        session = GroupSession(
            group=group,
            date=date,
            minutes=minutes,
            session_type=session_type,
            protocol=protocol,
            notes=notes.strip(),
            next_steps=next_steps.strip(),
        )
        session.full_clean()
        session.save()
        for s in work:
            sample = GroupEvidence(
                session=session,
                teacher=s.teacher,
                kind=s.kind,
                measure=s.measure.strip(),
                students_assessed=s.students_assessed,
                students_meeting=s.students_meeting,
            )
            sample.full_clean()
            sample.save()
    return session


def group_stage_set(
    *, coach: Coach, group: GroupCycle, stage: str, today: datetime.date | None = None
) -> GroupCycle:
    """Move the group's cycle to another stage, by the one-teacher cycle's rules."""
    _own(coach, group, "move it between stages")
    with transaction.atomic():
        group = GroupCycle.objects.select_for_update().get(pk=group.pk)
        problems = rules.stage_change_problems(group_facts(group), stage)
        if problems:
            raise ValidationError({"stage": problems})
        group.stage = stage
        group.stage_changed_on = today or timezone.localdate()
        group.save(update_fields=["stage", "stage_changed_on"])
    return group


GROUP_OUTCOMES = (rules.GOAL_MET, rules.REFERRED, rules.STEPPED_BACK, rules.PAUSED)
"""How a group cycle can end: as a one-teacher cycle, except a handover (a group is not handed on)."""


def group_close(
    *,
    coach: Coach,
    group: GroupCycle,
    outcome: str,
    referred_to: str = "",
    closed_on: datetime.date | None = None,
) -> GroupCycle:
    """End the group's cycle honestly; its members are told how it ended."""
    _own(coach, group, "close it")
    if outcome not in GROUP_OUTCOMES:
        raise ValidationError({"outcome": "Say how the group cycle ended."})
    with transaction.atomic():
        group = GroupCycle.objects.select_for_update().get(pk=group.pk)
        problems = rules.close_problems(group_facts(group), outcome, referred_to)
        if problems:
            raise ValidationError({"outcome": problems})
        day = closed_on or timezone.localdate()
        group.status = GroupStatus.CLOSED
        group.outcome = outcome
        group.referred_to = referred_to.strip() if outcome == rules.REFERRED else ""
        group.stage = rules.stage_after_close(group.stage, outcome)
        group.closed_on = day
        group.stage_changed_on = day
        group.save(
            update_fields=["status", "outcome", "referred_to", "stage", "closed_on", "stage_changed_on"]
        )
        _tell_members(group, f"“{group.name}” has ended: {group.get_outcome_display().lower()}.")
    return group


def group_resume(*, coach: Coach, group: GroupCycle, today: datetime.date | None = None) -> GroupCycle:
    """Pick up a paused group cycle where it stopped."""
    _own(coach, group, "resume it")
    with transaction.atomic():
        group = GroupCycle.objects.select_for_update().get(pk=group.pk)
        if group.status != GroupStatus.CLOSED or group.outcome != rules.PAUSED:
            raise ValidationError("Only a paused group cycle can be resumed.")
        group.status = GroupStatus.ACTIVE
        group.outcome = ""
        group.closed_on = None
        group.stage_changed_on = today or timezone.localdate()
        group.save(update_fields=["status", "outcome", "closed_on", "stage_changed_on"])
        _tell_members(group, f"“{group.name}” has resumed.")
    return group
