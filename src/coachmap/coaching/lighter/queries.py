"""Reads for lighter supports, scoped through `coaching.access`: the teacher's supports with their
status words, the host's requests to answer, the lead's list and counts, a conversation's notes
(audited, the teacher and coach only)."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Min, Q, QuerySet, Sum
from django.utils import timezone

from coachmap.coaching import access as coaching_access
from coachmap.coaching.learning.models import Offering, OfferingSession, OfferingStatus, SeatStatus
from coachmap.coaching.lighter.models import (
    LighterSupport,
    MicroConversation,
    ObservationStatus,
    PeerObservation,
    SupportKind,
    SupportStatus,
)
from coachmap.coaching.lighter.status import Facts, StatusWords, Workshop, support_status_words
from coachmap.core import access
from coachmap.core.access import AnyUser
from coachmap.core.audit import audit_record
from coachmap.core.models import AuditAction, Coach, Teacher


@dataclass
class SupportView:
    support: LighterSupport
    words: StatusWords
    conversations: int = 0
    observation: PeerObservation | None = None
    observations: list[PeerObservation] = field(default_factory=list)
    offering: Offering | None = None  # a workshop: the offering to sign up on, or the seat's


@dataclass(frozen=True)
class _WorkshopFacts:
    state: str = ""
    offering: Offering | None = None
    date: datetime.date | None = None


def _workshop_facts(supports: list[LighterSupport]) -> dict[int, _WorkshopFacts]:
    """Where each workshop support stands with an offering: its seat's status, or an open offering that
    serves it (one the teacher was told about and can still sign up for)."""
    workshops = [s for s in supports if s.kind == SupportKind.WORKSHOP and (s.seat_id or s.offering_id)]
    if not workshops:
        return {}
    now = timezone.now()
    offering_ids = {s.seat.offering_id if s.seat_id else s.offering_id for s in workshops}  # type: ignore[union-attr]
    offerings = Offering.objects.in_bulk(offering_ids)
    starts = dict(
        OfferingSession.objects.filter(offering_id__in=offering_ids)
        .values("offering_id")
        .annotate(first=Min("starts_at"))
        .values_list("offering_id", "first")
    )
    upcoming = set(
        OfferingSession.objects.filter(offering_id__in=offering_ids, starts_at__gt=now).values_list(
            "offering_id", flat=True
        )
    )
    facts: dict[int, _WorkshopFacts] = {}
    for s in workshops:
        seat = s.seat if s.seat_id else None
        offering = offerings.get(seat.offering_id if seat is not None else s.offering_id)
        if offering is None:
            continue
        first = starts.get(offering.pk)
        day = timezone.localtime(first).date() if first else None
        if seat is not None and seat.status in (SeatStatus.ENROLLED, SeatStatus.WAITLISTED):
            facts[s.pk] = _WorkshopFacts(seat.status, offering, day)
        elif seat is None and offering.status == OfferingStatus.OPEN and offering.pk in upcoming:
            facts[s.pk] = _WorkshopFacts(Workshop.OPEN, offering, day)
    return facts


def _views(
    user: AnyUser, supports: list[LighterSupport], today: datetime.date, *, for_lead: bool
) -> list[SupportView]:
    ids = [s.pk for s in supports]
    counts = dict(
        MicroConversation.objects.filter(support_id__in=ids)
        .values_list("support_id")
        .annotate(n=Count("id"))
        .values_list("support_id", "n")
    )
    visible = list(
        coaching_access.peer_observations_visible_to(user)
        .filter(support_id__in=ids)
        .exclude(status=ObservationStatus.DECLINED)
        .select_related("host__user")
        .order_by("-created_at", "-id")
    )
    by_support: dict[int, list[PeerObservation]] = {}
    for o in visible:
        by_support.setdefault(o.support_id, []).append(o)
    # Where a host has been asked, the observer reads that much, never who (an ask may end in a no).
    asked = set(
        PeerObservation.objects.filter(support_id__in=ids, status=ObservationStatus.ASKED).values_list(
            "support_id", flat=True
        )
    )
    workshops = _workshop_facts(supports)
    views = []
    for s in supports:
        workshop = workshops.get(s.pk, _WorkshopFacts())
        mine = by_support.get(s.pk, [])
        current = mine[0] if mine else None
        shown = current is not None and current.status in (
            ObservationStatus.SCHEDULED,
            ObservationStatus.DONE,
        )
        words = support_status_words(
            s.kind,
            Facts(
                status=s.status,
                coach=str(s.coach) if s.coach_id else "",
                conversations=counts.get(s.pk, 0),
                observation=current.status
                if current is not None
                else (ObservationStatus.ASKED if s.pk in asked else ""),
                observation_date=current.date if current is not None and shown else None,
                host=str(current.host) if current is not None and shown else "",
                focus=current.focus if current is not None and shown else "",
                today=today,
                for_lead=for_lead,
                workshop=workshop.state,
                workshop_title=workshop.offering.title if workshop.offering else "",
                workshop_date=workshop.date,
            ),
        )
        views.append(SupportView(s, words, counts.get(s.pk, 0), current, mine, workshop.offering))
    return views


def teacher_supports(user: AnyUser, teacher: Teacher, today: datetime.date) -> list[SupportView]:
    """The teacher's lighter supports, newest first, each with what happens next."""
    supports = list(
        coaching_access.lighter_supports_visible_to(user)
        .filter(teacher=teacher)
        .select_related("coach__user", "goal", "teacher__user", "seat")
    )
    return _views(user, supports, today, for_lead=False)


def support_view(user: AnyUser, support: LighterSupport, today: datetime.date) -> SupportView:
    """One support as its reader sees it: the teacher's words for the teacher, the lead's for the rest."""
    for_lead = support.teacher.user_id != user.pk
    return _views(user, [support], today, for_lead=for_lead)[0]


def support_views(user: AnyUser, supports: list[LighterSupport], today: datetime.date) -> list[SupportView]:
    """Several supports as their reader sees them (one page of the API's list), in the order given:
    the teacher's words on the teacher's own, the lead's on the rest; read in a few queries."""
    own = [s for s in supports if s.teacher.user_id == user.pk]
    others = [s for s in supports if s.teacher.user_id != user.pk]
    found: dict[int, SupportView] = {}
    for group, for_lead in ((own, False), (others, True)):
        if group:
            found |= {v.support.pk: v for v in _views(user, group, today, for_lead=for_lead)}
    return [found[s.pk] for s in supports]


def hosting_asks(teacher: Teacher) -> QuerySet[PeerObservation]:
    """Requests to host a colleague that wait for this teacher's answer. The host is told who would
    visit: consent needs to know whom one lets in."""
    return (
        PeerObservation.objects.filter(host=teacher, status=ObservationStatus.ASKED)
        .select_related("support__teacher__user")
        .order_by("date")
    )


def hosting_upcoming(teacher: Teacher, today: datetime.date) -> QuerySet[PeerObservation]:
    return (
        PeerObservation.objects.filter(host=teacher, status=ObservationStatus.SCHEDULED, date__gte=today)
        .select_related("support__teacher__user")
        .order_by("date")
    )


def lead_supports(user: AnyUser, today: datetime.date) -> list[SupportView]:
    """The lighter supports of the lead's district that are not finished, those the lead must act on
    (a peer observation without a host) first."""
    supports = list(
        coaching_access.lighter_supports_visible_to(user)
        .filter(
            teacher__school__district_id__in=access.lead_district_ids(user),
            status__in=[SupportStatus.WAITING, SupportStatus.UNDER_WAY],
        )
        .select_related("coach__user", "teacher__user", "teacher__school", "goal", "seat")
        .order_by("created_at", "id")
    )
    views = _views(user, supports, today, for_lead=True)
    return sorted(views, key=lambda v: (v.support.kind != SupportKind.PEER or v.observation is not None,))


@dataclass(frozen=True)
class StatusCount:
    kind: str
    label: str
    n: int


def lead_status_counts(user: AnyUser, today: datetime.date) -> list[StatusCount]:
    """How many lighter supports of the lead's district stand at each status, by kind: the lead's
    request statuses, beside the requests waiting for a coach."""
    supports = list(
        coaching_access.lighter_supports_visible_to(user)
        .filter(teacher__school__district_id__in=access.lead_district_ids(user))
        .select_related("coach__user", "teacher__user", "seat")
    )
    counted = Counter(
        (v.support.get_kind_display(), v.words.label) for v in _views(user, supports, today, for_lead=True)
    )
    return [StatusCount(kind, label, n) for (kind, label), n in sorted(counted.items())]


def conversation_notes(user: AnyUser, conversation: MicroConversation) -> MicroConversation:
    """A micro-coaching conversation with its confidential focus, next step and notes: the teacher and
    the coach only, and every read is audited like session notes."""
    access.require(
        coaching_access.may_read_micro_notes(user, conversation),
        "Micro-coaching notes are only for the teacher and the coach.",
    )
    audit_record(
        actor=user,  # type: ignore[arg-type]
        action=AuditAction.NOTES_READ,
        obj=conversation,
        district=conversation.coach.district_id,
    )
    return conversation


def conversations_of(user: AnyUser, support: LighterSupport) -> list[MicroConversation]:
    """The conversations of a micro-coaching support, dated, for the teacher and the coach (focus
    and next step are read on each conversation's own page, audited)."""
    return list(
        coaching_access.micro_conversations_visible_to(user)
        .filter(support=support)
        .select_related("coach__user")
        .defer("focus", "next_step", "notes")
    )


def coach_micro_supports(user: AnyUser, coach: Coach, today: datetime.date) -> list[SupportView]:
    """Micro-coaching taken up at the coach's schools, waiting for a first conversation or under way
    with them: the coach's list of whom to check in with."""
    supports = list(
        coaching_access.lighter_supports_visible_to(user)
        .filter(
            kind=SupportKind.MICRO,
            teacher__school__in=coach.schools.all(),
            status__in=[SupportStatus.WAITING, SupportStatus.UNDER_WAY],
        )
        .filter(Q(coach__isnull=True) | Q(coach=coach))
        .select_related("coach__user", "teacher__user")
        .order_by("status", "created_at")
    )
    return _views(user, supports, today, for_lead=True)


def micro_teachers(coach: Coach) -> QuerySet[Teacher]:
    """Teachers a coach may log micro-coaching with: those of the schools the coach serves."""
    return (
        Teacher.objects.filter(school__in=coach.schools.all())
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )


def host_choices(support: LighterSupport) -> QuerySet[Teacher]:
    """Colleagues who may be asked to host: the district's teachers, not the observer, and never one who
    already said no for this support."""
    declined = PeerObservation.objects.filter(support=support, status=ObservationStatus.DECLINED).values(
        "host_id"
    )
    return (
        Teacher.objects.filter(school__district_id=support.teacher.school.district_id)
        .exclude(pk=support.teacher_id)
        .exclude(pk__in=declined)
        .select_related("user", "school")
        .order_by("school__name", "user__last_name", "user__first_name")
    )


def micro_minutes_by_day(coach: Coach, days: list[datetime.date]) -> dict[datetime.date, int]:
    """Minutes of micro-coaching logged without a cycle, per day: the time log counts them as micro-coaching."""
    rows = (
        MicroConversation.objects.filter(coach=coach, date__in=days)
        .values("date")
        .annotate(minutes=Sum("minutes"))
    )
    return {r["date"]: r["minutes"] or 0 for r in rows}
