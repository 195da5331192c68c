"""Group cycles through the API (issue 20): forming a group, each teacher's answer, its plan,
sessions, stages and close, with the same checks (`coaching.access`) and services as the pages
(`groups.views`).

Consent is each teacher's: only the group's coach learns that someone declined; members read the
members who accepted. The sessions' notes are the members' and the coach's, audited, and never
read with a token.
"""

import datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from coachmap.coaching import access as coaching_access
from coachmap.coaching.cycles import rules
from coachmap.coaching.groups import queries, services
from coachmap.coaching.groups.services import WorkSample
from coachmap.coaching.models import (
    Consent,
    CycleOutcome,
    CycleStage,
    EvidenceKind,
    GroupCycle,
    GroupKind,
    GroupStatus,
    Protocol,
    SessionType,
)
from coachmap.core import access, tokens
from coachmap.core.access import coach_of, teacher_of
from coachmap.core.inputs import Id, Pages, Text
from coachmap.core.models import Coach, Teacher
from coachmap.improvement.models import GoalStatus, ImprovementGoal

router = Router(tags=["group cycles"])


class GroupFields(Schema):
    id: int
    name: str
    kind: str
    focus: str
    school_id: int
    school: str
    coach: str
    improvement_goal_id: int
    status: str
    stage: str
    created_on: datetime.date
    opened_on: datetime.date | None
    closed_on: datetime.date | None
    accepted: int = Field(description="How many teachers joined.")


class GroupOut(GroupFields):
    @staticmethod
    def resolve_school(obj: GroupCycle) -> str:
        return obj.school.name

    @staticmethod
    def resolve_coach(obj: GroupCycle) -> str:
        return str(obj.coach)


class MemberOut(Schema):
    teacher_id: int
    teacher: str
    consent: str = Field(description="Everyone but the coach sees only the members who accepted.")


class GroupDetailOut(GroupFields):
    learning_target: str
    look_fors: list[str]
    outcome: str
    my_answer: str | None = Field(description="The reader's own invitation: invited or accepted.")
    members: list[MemberOut]
    next_stage: str | None
    next_stage_problems: list[str]


def _group(request: HttpRequest, group_id: int) -> GroupCycle:
    return access.fetch(coaching_access.group_cycles_visible_to, request.user, pk=group_id)


def _own_group(request: HttpRequest, group_id: int, page: str) -> tuple[GroupCycle, Coach]:
    """A group its coach works on, behind the page's roles (as `groups.views._own_group`)."""
    access.require(access.may_open(request.user, page), "Only the group's coach does this.")
    group = _group(request, group_id)
    access.require(
        coaching_access.may_work_on_group(request.user, group), "Only the group's coach does this."
    )
    return group, group.coach


def _counted(queryset: QuerySet[GroupCycle]) -> QuerySet[GroupCycle]:
    return queryset.annotate(
        accepted=Count("members", filter=Q(members__consent=Consent.ACCEPTED), distinct=True)
    ).select_related("school", "coach__user")


def _detail(request: HttpRequest, group: GroupCycle) -> dict[str, Any]:
    """The group as its page shows it to the reader (`groups.views.group_detail`), without the notes."""
    is_coach = coaching_access.may_work_on_group(request.user, group)
    teacher = teacher_of(request.user)
    mine = queries.membership(teacher, group) if teacher else None
    if not (is_coach or mine is not None):
        access.require(False, "A group's page is for its members and its coach.")
    reads_notes = coaching_access.may_read_group_notes(request.user, group)
    members = coaching_access.group_members_shown(request.user, group) if (is_coach or reads_notes) else []
    stages = list(rules.STAGES)
    next_stage = stages[stages.index(group.stage) + 1] if group.stage in stages[:-1] else None
    problems = rules.stage_change_problems(queries.group_facts(group), next_stage) if next_stage else []
    counted = _counted(GroupCycle.objects.filter(pk=group.pk)).get()
    return {
        **{f: getattr(counted, f) for f in GroupFields.model_fields if f not in {"school", "coach"}},
        "school": group.school.name,
        "coach": str(group.coach),
        "learning_target": group.learning_target,
        "look_fors": group.look_fors,
        "outcome": group.outcome,
        "my_answer": mine.consent if mine is not None else None,
        "members": [
            {"teacher_id": m.teacher_id, "teacher": str(m.teacher), "consent": m.consent} for m in members
        ],
        "next_stage": next_stage,
        "next_stage_problems": list(problems),
    }


@router.get("/groups", response=list[GroupOut])
@paginate(Pages, page_size=50)
def groups(
    request: HttpRequest, status: GroupStatus | None = None, school_id: Id | None = None
) -> QuerySet[GroupCycle]:
    """Group cycles the user may see: a teacher's invitations and groups (never one they declined),
    a coach's own groups, the program lead's caseload line. Filters: `status`, `school_id`."""
    access.require(
        access.may_open(request.user, "coaching:groups"),
        "Group cycles are for teachers, coaches and the program lead.",
    )
    queryset = coaching_access.group_cycles_visible_to(request.user)
    if status:
        queryset = queryset.filter(status=status)
    if school_id is not None:
        queryset = queryset.filter(school_id=school_id)
    return _counted(queryset).order_by("-created_on", "-id")


@router.get("/groups/{group_id}", response=GroupDetailOut)
def group_detail(request: HttpRequest, group_id: Id) -> dict[str, Any]:
    """A group as its page shows it: for its coach (every answer) and its members (those who joined)."""
    access.require(
        access.may_open(request.user, "coaching:group"), "A group's page is for its members and its coach."
    )
    return _detail(request, _group(request, group_id))


class WorkOut(Schema):
    teacher_id: int
    teacher: str
    kind: str
    measure: str
    students_assessed: int
    students_meeting: int


class GroupSessionOut(Schema):
    id: int
    date: datetime.date
    minutes: int
    session_type: str
    protocol: str
    notes: str
    next_steps: str
    work: list[WorkOut]


@router.get("/groups/{group_id}/sessions", response=list[GroupSessionOut])
@tokens.never
def group_sessions(request: HttpRequest, group_id: Id) -> list[dict[str, Any]]:
    """The group's sessions with their confidential notes and the student work brought: the coach
    and the members who joined, signed in (never with a token); every read is audited."""
    access.require(
        access.may_open(request.user, "coaching:group"),
        "A group's notes are only for its members and its coach.",
    )
    group = _group(request, group_id)
    return [
        {
            "id": e.session.pk,
            "date": e.session.date,
            "minutes": e.session.minutes,
            "session_type": e.session.session_type,
            "protocol": e.session.protocol,
            "notes": e.notes,
            "next_steps": e.session.next_steps,
            "work": [
                {
                    "teacher_id": w.teacher_id,
                    "teacher": str(w.teacher),
                    "kind": w.kind,
                    "measure": w.measure,
                    "students_assessed": w.students_assessed,
                    "students_meeting": w.students_meeting,
                }
                for w in e.work
            ],
        }
        for e in queries.group_notes(request.user, group)
    ]


class GroupIn(Schema):
    name: Text = Field(..., max_length=120)
    kind: GroupKind
    improvement_goal_id: Id
    focus: Text = Field(..., max_length=1000)
    teacher_ids: list[Id] = Field(..., max_length=200, description="Teachers to invite; each decides alone.")


@router.post("/groups", response={201: GroupDetailOut})
def group_create(request: HttpRequest, payload: GroupIn) -> Status:
    """A coach forms a group at a school they serve and invites its teachers (as "Form a group
    cycle"); each teacher decides alone, and nobody but the coach learns a decline."""
    access.require(access.may_open(request.user, "coaching:group-new"), "Only coaches form group cycles.")
    coach = coach_of(request.user)
    assert coach is not None  # noqa: S101 - the role guarantees one
    schools = coach.schools.all()
    goal = ImprovementGoal.objects.filter(
        school__in=schools, status=GoalStatus.ACTIVE, pk=payload.improvement_goal_id
    ).first()
    if goal is None:
        raise ValidationError({"improvement_goal_id": "Choose an active goal of a school you serve."})
    chosen = list(Teacher.objects.filter(school__in=schools, pk__in=payload.teacher_ids))
    if len(chosen) != len(set(payload.teacher_ids)):
        raise ValidationError({"teacher_ids": "Invite teachers of the schools you serve only."})
    group = services.group_form(
        coach=coach,
        school_id=goal.school_id,
        improvement_goal=goal,
        name=payload.name,
        kind=payload.kind,
        focus=payload.focus,
        teachers=chosen,
    )
    return Status(201, _detail(request, group))


class InviteIn(Schema):
    teacher_id: Id


@router.post("/groups/{group_id}/invite", response=GroupDetailOut)
def group_invite(request: HttpRequest, group_id: Id, payload: InviteIn) -> dict[str, Any]:
    """The group's coach invites one more teacher of the school, or asks again someone who declined
    (when they asked to be)."""
    group, coach = _own_group(request, group_id, "coaching:group-new")
    teacher = Teacher.objects.filter(school_id=group.school_id, pk=payload.teacher_id).first()
    if teacher is None:
        raise ValidationError({"teacher_id": "Invite teachers of the group's school only."})
    services.group_invite(coach=coach, group=group, teacher=teacher)
    return _detail(request, group)


class AcceptIn(Schema):
    accept: bool


class AnswerOut(Schema):
    group_id: int
    consent: str


@router.post("/groups/{group_id}/answer", response=AnswerOut)
def group_answer(request: HttpRequest, group_id: Id, payload: AcceptIn) -> dict[str, Any]:
    """The teacher invited joins (`accept: true`) or declines, or steps back later; recorded as
    consent. Nobody but the coach learns a decline."""
    access.require(
        access.may_open(request.user, "coaching:group-answer"), "Only the teacher invited answers."
    )
    group = _group(request, group_id)
    teacher = teacher_of(request.user)
    assert teacher is not None  # noqa: S101 - the role guarantees one
    member = services.group_answer(teacher=teacher, group=group, accept=payload.accept)
    return {"group_id": group.pk, "consent": member.consent}


@router.post("/groups/{group_id}/open", response=GroupDetailOut)
def group_open(request: HttpRequest, group_id: Id) -> dict[str, Any]:
    """Start the group's work once at least two teachers joined; each of them is told."""
    group, coach = _own_group(request, group_id, "coaching:group-open")
    return _detail(request, services.group_open(coach=coach, group=group))


class PlanIn(Schema):
    learning_target: Text = Field("", max_length=1000)
    look_fors: list[Annotated[Text, Field(max_length=200)]] = Field(default_factory=list, max_length=100)


@router.post("/groups/{group_id}/plan", response=GroupDetailOut)
def group_plan(request: HttpRequest, group_id: Id, payload: PlanIn) -> dict[str, Any]:
    """The student learning target and the look-fors, as on the group's plan page."""
    group, coach = _own_group(request, group_id, "coaching:group-plan")
    services.group_plan_set(
        coach=coach, group=group, learning_target=payload.learning_target, look_fors=payload.look_fors
    )
    return _detail(request, _group(request, group_id))


class WorkIn(Schema):
    teacher_id: Id
    students_assessed: int = Field(..., ge=1, le=500)
    students_meeting: int = Field(..., ge=0, le=500)


class GroupSessionIn(Schema):
    date: datetime.date
    minutes: int = Field(..., ge=1, le=600)
    session_type: SessionType
    protocol: Protocol = Protocol.NONE
    kind: EvidenceKind = Field(
        EvidenceKind.PRE, description="Whether the student work is from before or after."
    )
    measure: Text = Field("", max_length=200)
    notes: Text = Field("", max_length=20000, description="Confidential: the group's members and its coach.")
    next_steps: Text = Field("", max_length=4000)
    work: list[WorkIn] = Field(default_factory=list, max_length=30)


class LoggedOut(Schema):
    id: int
    date: datetime.date
    minutes: int
    session_type: str
    protocol: str


@router.post("/groups/{group_id}/sessions", response={201: LoggedOut})
def group_session_create(request: HttpRequest, group_id: Id, payload: GroupSessionIn) -> Status:
    """The coach logs a shared session; for a student-work protocol, the counts from members'
    classrooms (members who joined only). The answer leaves out the notes."""
    group, coach = _own_group(request, group_id, "coaching:group-session-new")
    members = {
        m.teacher_id: m.teacher
        for m in coaching_access.group_members_shown(request.user, group).filter(consent=Consent.ACCEPTED)
    }
    work = []
    for sample in payload.work:
        teacher = members.get(sample.teacher_id)
        if teacher is None:
            raise ValidationError(
                {"work": "Student work comes from the classrooms of members who joined the group."}
            )
        work.append(
            WorkSample(
                teacher,
                payload.kind,
                payload.measure or "student work",
                sample.students_assessed,
                sample.students_meeting,
            )
        )
    session = services.group_session_log(
        coach=coach,
        group=group,
        date=payload.date,
        minutes=payload.minutes,
        session_type=payload.session_type,
        protocol=payload.protocol,
        notes=payload.notes,
        next_steps=payload.next_steps,
        work=work,
    )
    return Status(201, session)


class StageIn(Schema):
    stage: CycleStage


@router.post("/groups/{group_id}/stage", response=GroupDetailOut)
def group_stage(request: HttpRequest, group_id: Id, payload: StageIn) -> dict[str, Any]:
    """Move the group to the next stage of the cycle, when its rules allow."""
    group, coach = _own_group(request, group_id, "coaching:group-stage")
    return _detail(request, services.group_stage_set(coach=coach, group=group, stage=payload.stage))


class CloseIn(Schema):
    outcome: CycleOutcome = Field(
        ..., description="How the group cycle ended: goal met, referred, stepped back or paused."
    )
    referred_to: Text = Field("", max_length=200)


@router.post("/groups/{group_id}/close", response=GroupDetailOut)
def group_close(request: HttpRequest, group_id: Id, payload: CloseIn) -> dict[str, Any]:
    """End the group cycle; its members are told."""
    group, coach = _own_group(request, group_id, "coaching:group-close")
    services.group_close(coach=coach, group=group, outcome=payload.outcome, referred_to=payload.referred_to)
    return _detail(request, _group(request, group_id))


@router.post("/groups/{group_id}/resume", response=GroupDetailOut)
def group_resume(request: HttpRequest, group_id: Id) -> dict[str, Any]:
    """Resume a paused group cycle."""
    group, coach = _own_group(request, group_id, "coaching:group-resume")
    return _detail(request, services.group_resume(coach=coach, group=group))
