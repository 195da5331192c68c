"""Lighter supports through the API (issue 20): the same reads and writes as their pages
(`lighter.views`), the same checks (`coaching.access`), the same services and queries.

A micro-coaching conversation's focus, next step and notes are the teacher's and the coach's only
and every read is audited: the one route that returns them is closed to every token. A host who
declined a peer observation is seen by nobody but themselves, here as on the pages.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from coachmap.coaching import access as coaching_access
from coachmap.coaching.lighter import queries, services
from coachmap.coaching.lighter.models import (
    LighterSupport,
    MicroConversation,
    ObservationStatus,
    PeerObservation,
    SupportKind,
    SupportStatus,
)
from coachmap.core import access, tokens
from coachmap.core.access import coach_of, teacher_of
from coachmap.core.inputs import Id, Pages, Text

router = Router(tags=["lighter support"])

MINUTES = (5, 10, 15, 20, 30)  # the page's choices


class SupportOut(Schema):
    id: int
    teacher_id: int
    teacher: str
    kind: str
    status: str
    status_label: str = Field(description="What the support's status means, in words.")
    next: str = Field(description="What happens next, in words, as the page says it to this reader.")
    goal: str | None
    coach: str | None
    conversations: int
    offering_id: int | None = Field(description="A workshop: the offering to sign up on, or the seat's.")
    offering: str | None
    observation_id: int | None = Field(description="A peer observation the host agreed to.")
    reflection: str | None = Field(description="The observer's reflection: theirs alone.")


def _support(request: HttpRequest, view: queries.SupportView) -> dict[str, Any]:
    s = view.support
    observation = view.observation
    shown = observation is not None and observation.status in (
        ObservationStatus.SCHEDULED,
        ObservationStatus.DONE,
    )
    own = s.teacher.user_id == request.user.pk
    return {
        "id": s.pk,
        "teacher_id": s.teacher_id,
        "teacher": str(s.teacher),
        "kind": s.kind,
        "status": s.status,
        "status_label": view.words.label,
        "next": view.words.next,
        "goal": s.goal.statement if s.goal_id else None,  # type: ignore[union-attr]
        "coach": str(s.coach) if s.coach_id else None,
        "conversations": view.conversations,
        "offering_id": view.offering.pk if view.offering else None,
        "offering": view.offering.title if view.offering else None,
        "observation_id": observation.pk if observation is not None and shown else None,
        "reflection": observation.reflection
        if own and observation is not None and observation.status == ObservationStatus.DONE
        else None,
    }


class _SupportRows:
    """A queryset of supports the paginator slices; each page is read as the page's views are, in bulk."""

    def __init__(self, request: HttpRequest, queryset: QuerySet[LighterSupport]) -> None:
        self.request, self.queryset = request, queryset

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        supports = list(self.queryset[index])
        views = queries.support_views(self.request.user, supports, timezone.localdate())
        return [_support(self.request, v) for v in views]


def _require_support_reader(request: HttpRequest) -> None:
    access.require(
        access.may_open(request.user, "coaching:lighter-support"),
        "Lighter supports are for the teacher, their school's coaches and the program lead.",
    )


@router.get("/lighter-supports", response=list[SupportOut])
@paginate(Pages, page_size=50)
def lighter_supports(
    request: HttpRequest,
    kind: SupportKind | None = None,
    status: SupportStatus | None = None,
    teacher_id: Id | None = None,
) -> Any:
    """Lighter supports the user may see (their own; their schools' as a coach; the district's as the
    program lead), newest first, each with what happens next. A workshop names the offering that
    serves it. Filters: `kind`, `status`, `teacher_id`."""
    _require_support_reader(request)
    queryset = coaching_access.lighter_supports_visible_to(request.user).select_related(
        "teacher__user", "coach__user", "goal", "seat"
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(status=status)
    if teacher_id is not None:
        queryset = queryset.filter(teacher_id=teacher_id)
    return _SupportRows(request, queryset.order_by("-created_at", "-id"))


@router.get("/lighter-supports/{support_id}", response=SupportOut)
def lighter_support(request: HttpRequest, support_id: Id) -> dict[str, Any]:
    """One lighter support, as on its page."""
    _require_support_reader(request)
    support = access.fetch(coaching_access.lighter_supports_visible_to, request.user, pk=support_id)
    return _support(request, queries.support_view(request.user, support, timezone.localdate()))


# --- micro-coaching without a cycle -----------------------------------------------------------------


class ConversationOut(Schema):
    id: int
    teacher_id: int
    teacher: str
    coach: str
    support_id: int | None
    date: datetime.date
    minutes: int

    @staticmethod
    def resolve_teacher(obj: MicroConversation) -> str:
        return str(obj.teacher)

    @staticmethod
    def resolve_coach(obj: MicroConversation) -> str:
        return str(obj.coach)


class ConversationNotesOut(ConversationOut):
    focus: str
    next_step: str
    notes: str


@router.get("/micro-conversations", response=list[ConversationOut])
@paginate(Pages, page_size=50)
def micro_conversations(
    request: HttpRequest, teacher_id: Id | None = None, support_id: Id | None = None
) -> QuerySet[MicroConversation]:
    """The micro-coaching conversations the user took part in (teacher or coach), dated, newest
    first. Never their focus, next step or notes: those are read one at a time, signed in."""
    access.require(
        access.may_open(request.user, "coaching:micro-conversation"),
        "Micro-coaching conversations are for the teacher and the coach.",
    )
    queryset = (
        coaching_access.micro_conversations_visible_to(request.user)
        .select_related("teacher__user", "coach__user")
        .defer("focus", "next_step", "notes")
        .order_by("-date", "-id")
    )
    if teacher_id is not None:
        queryset = queryset.filter(teacher_id=teacher_id)
    if support_id is not None:
        queryset = queryset.filter(support_id=support_id)
    return queryset


@router.get("/micro-conversations/{conversation_id}", response=ConversationNotesOut)
@tokens.never
def micro_conversation(request: HttpRequest, conversation_id: Id) -> MicroConversation:
    """One conversation with its confidential focus, next step and notes: the teacher and the coach
    only, signed in (never with a token); every read is audited, as on its page."""
    access.require(
        access.may_open(request.user, "coaching:micro-conversation"),
        "Micro-coaching conversations are for the teacher and the coach.",
    )
    conversation = access.fetch(
        coaching_access.micro_conversations_visible_to, request.user, pk=conversation_id
    )
    return queries.conversation_notes(request.user, conversation)


class ConversationIn(Schema):
    teacher_id: Id
    date: datetime.date
    minutes: int = Field(10, description="5, 10, 15, 20 or 30, as on the page.")
    focus: Text = Field(..., max_length=200)
    next_step: Text = Field(..., max_length=4000)
    notes: Text = Field("", max_length=10000, description="Confidential: the teacher and you only.")


@router.post("/micro-conversations", response=ConversationOut)
def micro_create(request: HttpRequest, payload: ConversationIn) -> MicroConversation:
    """A coach logs a short conversation with a teacher of a school they serve, without a cycle (as
    on "Log a micro-coaching conversation"). The answer leaves out the confidential texts."""
    access.require(
        access.may_open(request.user, "coaching:micro-conversation-new"),
        "Only coaches log micro-coaching conversations.",
    )
    coach = coach_of(request.user)
    assert coach is not None  # noqa: S101 - the role guarantees one
    teacher = queries.micro_teachers(coach).filter(pk=payload.teacher_id).first()
    if teacher is None:
        raise ValidationError({"teacher_id": "Choose a teacher of a school you serve."})
    if payload.minutes not in MINUTES:
        raise ValidationError({"minutes": "Choose 5, 10, 15, 20 or 30 minutes."})
    return services.micro_conversation_log(
        coach=coach,
        teacher=teacher,
        date=payload.date,
        minutes=payload.minutes,
        focus=payload.focus,
        next_step=payload.next_step,
        notes=payload.notes,
    )


# --- peer observations ------------------------------------------------------------------------------


class ObservationOut(Schema):
    id: int
    support_id: int
    observer: str
    host_id: int
    host: str
    date: datetime.date
    focus: str
    status: str

    @staticmethod
    def resolve_observer(obj: PeerObservation) -> str:
        return str(obj.support.teacher)

    @staticmethod
    def resolve_host(obj: PeerObservation) -> str:
        return str(obj.host)


@router.get("/peer-observations", response=list[ObservationOut])
@paginate(Pages, page_size=50)
def peer_observations(
    request: HttpRequest, status: ObservationStatus | None = None, hosting: bool = False
) -> QuerySet[PeerObservation]:
    """Peer observations the user may see: those they are asked to host (whatever they answered),
    their own visits once the host said yes, and (program lead, the coach who arranged it) those
    not declined. `hosting=true`: only the asks to host this user. A host who declined is seen by
    nobody but themselves."""
    queryset = coaching_access.peer_observations_visible_to(request.user).select_related(
        "support__teacher__user", "host__user"
    )
    if hosting:
        queryset = queryset.filter(host__user_id=request.user.pk or 0)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-date", "-id")


class ArrangeIn(Schema):
    host_id: Id
    date: datetime.date
    focus: Text = Field(..., max_length=200)


@router.post("/lighter-supports/{support_id}/observation", response=ObservationOut)
def observation_create(request: HttpRequest, support_id: Id, payload: ArrangeIn) -> PeerObservation:
    """Ask a colleague to host a peer observation on a day (the program lead, or a coach of the
    teacher's school). Nothing is scheduled until the host says yes."""
    access.require(
        access.may_open(request.user, "coaching:observation-arrange"),
        "Only the program lead or a coach of the teacher's school arranges a peer observation.",
    )
    support = access.fetch(coaching_access.lighter_supports_visible_to, request.user, pk=support_id)
    access.require(
        coaching_access.may_arrange_observation(request.user, support),
        "Only the program lead or a coach of the teacher's school arranges a peer observation.",
    )
    host = queries.host_choices(support).filter(pk=payload.host_id).first()
    if host is None:
        # The page's list of hosts: never says who declined.
        raise ValidationError(
            {"host_id": "Choose a colleague from the district's teachers, not the observer."}
        )
    return services.observation_arrange(
        actor=request.user,  # type: ignore[arg-type]
        support=support,
        host=host,
        date=payload.date,
        focus=payload.focus,
    )


class AnswerIn(Schema):
    accept: bool


@router.post("/peer-observations/{observation_id}/answer", response=ObservationOut)
def observation_host_answer(request: HttpRequest, observation_id: Id, payload: AnswerIn) -> PeerObservation:
    """The colleague asked to host says yes (the visit is scheduled) or no (nobody else learns who
    was asked)."""
    access.require(
        access.may_open(request.user, "coaching:observation-answer"),
        "Only the colleague asked to host can answer.",
    )
    observation = access.fetch(coaching_access.peer_observations_visible_to, request.user, pk=observation_id)
    access.require(
        coaching_access.may_answer_observation(request.user, observation),
        "Only the colleague asked to host can answer.",
    )
    host = teacher_of(request.user)
    assert host is not None  # noqa: S101 - may_answer_observation: the host
    return services.observation_answer(host=host, observation=observation, accept=payload.accept)


class ReflectionIn(Schema):
    reflection: Text = Field(..., max_length=10000)


class ReflectionOut(ObservationOut):
    reflection: str


@router.post("/peer-observations/{observation_id}/reflect", response=ReflectionOut)
def observation_reflection(
    request: HttpRequest, observation_id: Id, payload: ReflectionIn
) -> PeerObservation:
    """The teacher who observed writes what they saw and what they will try; the support is done."""
    access.require(
        access.may_open(request.user, "coaching:observation-reflect"),
        "Only the teacher who observed writes the reflection.",
    )
    observation = access.fetch(coaching_access.peer_observations_visible_to, request.user, pk=observation_id)
    access.require(
        coaching_access.may_reflect_observation(request.user, observation),
        "Only the teacher who observed writes the reflection.",
    )
    teacher = teacher_of(request.user)
    assert teacher is not None  # noqa: S101 - may_reflect_observation: the observer
    return services.observation_reflect(
        teacher=teacher, observation=observation, reflection=payload.reflection
    )
