"""Reads for group cycles, scoped through `coaching.access`: the facts the stage rules need, the
member list as the reader may see it, the confidential notes (audited), and the lead's caseload line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from coachmap.coaching import access as coaching_access
from coachmap.coaching.cycles import rules
from coachmap.coaching.groups.models import (
    Consent,
    GroupCycle,
    GroupEvidence,
    GroupMember,
    GroupSession,
    GroupStatus,
)
from coachmap.coaching.models import EvidenceKind
from coachmap.core import access
from coachmap.core.access import AnyUser
from coachmap.core.audit import audit_record
from coachmap.core.models import AuditAction, Coach, Teacher


def group_facts(group: GroupCycle) -> rules.CycleFacts:
    """What the one-teacher cycle's stage and closing rules need, read for a group."""
    kinds = set(GroupEvidence.objects.filter(session__group=group).values_list("kind", flat=True))
    types = frozenset(GroupSession.objects.filter(group=group).values_list("session_type", flat=True))
    return rules.CycleFacts(
        stage=group.stage,
        active=group.status == GroupStatus.ACTIVE,
        learning_target=group.learning_target,
        has_pre_evidence=EvidenceKind.PRE in kinds,
        has_post_evidence=EvidenceKind.POST in kinds,
        look_fors=len(group.look_fors),
        session_types=types,
    )


@dataclass(frozen=True)
class GroupNote:
    session: GroupSession
    notes: str
    work: Sequence[GroupEvidence]


def group_notes(user: AnyUser, group: GroupCycle) -> list[GroupNote]:
    """The group's sessions with their confidential notes and the student work brought, for the
    coach and the members who accepted; every read is audited."""
    access.require(
        coaching_access.may_read_group_notes(user, group),
        "A group's notes are only for its members and its coach.",
    )
    sessions = list(GroupSession.objects.filter(group=group).order_by("-date", "-id"))
    work: dict[int, list[GroupEvidence]] = {}
    for sample in GroupEvidence.objects.filter(session__in=sessions).select_related("teacher__user"):
        work.setdefault(sample.session_id, []).append(sample)
    if sessions:
        audit_record(
            actor=user,  # type: ignore[arg-type]
            action=AuditAction.NOTES_READ,
            obj=group,
            district=group.coach.district_id,
            sessions=[s.pk for s in sessions],
        )
    return [GroupNote(s, s.notes, work.get(s.pk, [])) for s in sessions]


def membership(teacher: Teacher, group: GroupCycle) -> GroupMember | None:
    return GroupMember.objects.filter(group=group, teacher=teacher).first()


def teacher_memberships(teacher: Teacher) -> QuerySet[GroupMember]:
    """A teacher's groups: invitations still open and groups joined; never one they declined."""
    return (
        GroupMember.objects.filter(teacher=teacher)
        .filter(
            Q(consent=Consent.ACCEPTED) | (Q(consent=Consent.INVITED) & ~Q(group__status=GroupStatus.CLOSED))
        )
        .select_related("group__coach__user", "group__school")
        .order_by("-group__created_on", "-group_id")
    )


def coach_groups(coach: Coach) -> QuerySet[GroupCycle]:
    """A coach's groups with how many accepted and how many have not answered (declines are the
    coach's to know, and only on the group's page)."""
    return (
        GroupCycle.objects.filter(coach=coach)
        .annotate(
            accepted=Count("members", filter=Q(members__consent=Consent.ACCEPTED)),
            waiting=Count("members", filter=Q(members__consent=Consent.INVITED)),
        )
        .select_related("school")
    )


def lead_groups(user: AnyUser) -> QuerySet[GroupCycle]:
    """The program lead's caseload line for groups: which coach runs which group, its stage and how many
    members accepted. Like a one-teacher cycle: no notes, no evidence, no one who declined."""
    return (
        coaching_access.group_cycles_visible_to(user)
        .filter(coach__district_id__in=access.lead_district_ids(user))
        .annotate(accepted=Count("members", filter=Q(members__consent=Consent.ACCEPTED)))
        .select_related("coach__user", "school")
    )
