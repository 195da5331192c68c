"""Goals and coaching requests through the API (issue 20), as on the pages: the teacher writes a
goal, asks for coaching on it and answers the coach proposed; the program lead reads the queue
(the same rows as the requests page and its CSV, never the teacher's own note) and proposes a coach.
The same `may_open` of each page, the same scopes and the same services."""

import datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from coachmap.coaching import access as coaching_access
from coachmap.coaching.apifields import Text, fields_named
from coachmap.coaching.models import CoachingRequest, RequestStatus
from coachmap.coaching.requests import queries, report, services
from coachmap.core import access
from coachmap.core.inputs import Id, Pages
from coachmap.core.models import Teacher
from coachmap.improvement import access as improvement_access
from coachmap.improvement.models import GoalStatus

router = Router(tags=["coaching"])


class WaitingRequestOut(Schema):
    id: int
    teacher: str
    school: str
    goal: str
    needs: list[str]
    status: str
    declined_by: str | None
    asked_on: datetime.date
    days_waiting: int


def _row(r: CoachingRequest, today: datetime.date) -> dict[str, Any]:
    return {
        "id": r.pk,
        "teacher": str(r.teacher),
        "school": str(r.teacher.school),
        "goal": r.goal.statement,
        "needs": list(r.needs),
        "status": r.get_status_display(),
        "declined_by": str(r.coach) if r.status == RequestStatus.DECLINED and r.coach else None,
        "asked_on": timezone.localdate(r.created_at),
        "days_waiting": report.days_waiting(r, today),
    }


@router.get("/requests/waiting", response=list[WaitingRequestOut])
@paginate(Pages, page_size=25)
def requests_waiting(request: HttpRequest) -> list[dict[str, Any]]:
    """Requests waiting for the program lead: new ones, and ones whose proposal was declined, oldest first."""
    access.require(
        access.may_open(request.user, "coaching:requests"), "The request queue is the program lead's."
    )
    today = timezone.localdate()
    return [_row(r, today) for r in queries.requests_waiting(request.user)]


# --- the teacher: goals and requests -----------------------------------------------------------------


class TeacherRequestOut(Schema):
    """A teacher's own request, in their words: what it means and what happens next. The note they
    wrote for their coach is not repeated here."""

    id: int
    goal_id: int
    status: str
    status_label: str
    next: str
    coach: str | None
    needs: list[str]
    asked_on: datetime.date


class TeacherGoalOut(Schema):
    id: int
    statement: str
    improvement_goal_id: int | None
    district_goal_id: int | None
    serves: str
    requests: list[TeacherRequestOut]


def _teacher_request(r: CoachingRequest) -> dict[str, Any]:
    words = r.status_words  # type: ignore[attr-defined]
    return {
        "id": r.pk,
        "goal_id": r.goal_id,
        "status": r.status,
        "status_label": words.label,
        "next": words.next,
        "coach": str(r.coach) if r.coach else None,
        "needs": list(r.needs),
        "asked_on": timezone.localdate(r.created_at),
    }


def _teacher_goals(request: HttpRequest, teacher: Teacher, **lookup: Any) -> list[dict[str, Any]]:
    goals = list(
        coaching_access.teacher_goals_visible_to(request.user)
        .filter(teacher=teacher, **lookup)
        .select_related("improvement_goal", "district_goal")
        .order_by("-created_at", "-id")
    )
    by_goal: dict[int, list[dict[str, Any]]] = {}
    for r in queries.teacher_requests(request.user, teacher, include_done=True):
        by_goal.setdefault(r.goal_id, []).append(_teacher_request(r))
    return [
        {
            "id": g.pk,
            "statement": g.statement,
            "improvement_goal_id": g.improvement_goal_id,
            "district_goal_id": g.district_goal_id,
            "serves": g.serves,
            "requests": by_goal.get(g.pk, []),
        }
        for g in goals
    ]


def _teacher(request: HttpRequest, page: str) -> Teacher:
    access.require(access.may_open(request.user, page), "Goals and requests are the teacher's own.")
    return request.user.teacher  # type: ignore[union-attr]


@router.get("/teacher-goals", response=list[TeacherGoalOut])
@paginate(Pages, page_size=50)
def teacher_goals(
    request: HttpRequest, improvement_goal_id: Id | None = None, district_goal_id: Id | None = None
) -> list[dict[str, Any]]:
    """The teacher's professional goals, newest first, each with their coaching requests and what
    happens next; filtered by the school goal or district goal they serve."""
    teacher = _teacher(request, "coaching:my-goals")
    lookup: dict[str, int] = {}
    if improvement_goal_id is not None:
        lookup["improvement_goal_id"] = improvement_goal_id
    if district_goal_id is not None:
        lookup["district_goal_id"] = district_goal_id
    return _teacher_goals(request, teacher, **lookup)


GOAL_FIELDS = {"improvement_goal": "improvement_goal_id", "district_goal": "district_goal_id"}


class TeacherGoalIn(Schema):
    statement: Text = Field(..., max_length=2000)
    improvement_goal_id: Id | None = None
    district_goal_id: Id | None = None


@router.post("/teacher-goals", response=TeacherGoalOut)
def teacher_goal_create(request: HttpRequest, payload: TeacherGoalIn) -> dict[str, Any]:
    """Write a professional goal from one of the school's active improvement goals
    (`improvement_goal_id`) or one of the district's active goals (`district_goal_id`): one of the two."""
    teacher = _teacher(request, "coaching:my-goals")
    # The page offers the goals the teacher may see, active, of their school or district.
    improvement_goal = district_goal = None
    if payload.improvement_goal_id is not None:
        improvement_goal = (
            improvement_access.improvement_goals_visible_to(request.user)
            .filter(school=teacher.school, status=GoalStatus.ACTIVE, pk=payload.improvement_goal_id)
            .first()
        )
        if improvement_goal is None:
            raise ValidationError(
                {"improvement_goal_id": "Choose one of your own school's active improvement goals."}
            )
    if payload.district_goal_id is not None:
        district_goal = (
            improvement_access.district_goals_visible_to(request.user)
            .filter(
                district_id=teacher.school.district_id, status=GoalStatus.ACTIVE, pk=payload.district_goal_id
            )
            .first()
        )
        if district_goal is None:
            raise ValidationError({"district_goal_id": "Choose one of your district's active goals."})
    with fields_named(GOAL_FIELDS):
        goal = services.teacher_goal_write(
            teacher=teacher,
            statement=payload.statement,
            improvement_goal=improvement_goal,
            district_goal=district_goal,
        )
    return _teacher_goals(request, teacher, pk=goal.pk)[0]


Need = Annotated[Text, Field(max_length=200)]


class RequestIn(Schema):
    needs: list[Need] = Field(..., max_length=30)
    note: Text = Field("", max_length=2000)


def _own_request(request: HttpRequest, teacher: Teacher, request_id: int) -> dict[str, Any]:
    rows = queries.teacher_requests(request.user, teacher, include_done=True)
    return next(_teacher_request(r) for r in rows if r.pk == request_id)


@router.post("/teacher-goals/{goal_id}/requests", response=TeacherRequestOut)
def request_submit(request: HttpRequest, goal_id: Id, payload: RequestIn) -> dict[str, Any]:
    """Ask for coaching on one of your goals: what you would like help with (`needs`, at least one)
    and, optionally, a note for your coach. The coaching team proposes a coach; you decide."""
    teacher = _teacher(request, "coaching:request-new")
    goal = access.fetch(coaching_access.teacher_goals_visible_to, request.user, pk=goal_id)
    access.require(
        coaching_access.may_request_coaching(request.user, goal),
        "You can only ask for coaching on your own goal.",
    )
    if not [n for n in payload.needs if n.strip()]:
        raise ValidationError({"needs": "Name at least one thing you want help with."})
    with fields_named(unnamed="goal_id"):
        made = services.request_submit(teacher=teacher, goal=goal, needs=payload.needs, note=payload.note)
    return _own_request(request, teacher, made.pk)


class AnswerIn(Schema):
    accept: bool


@router.post("/requests/{request_id}/respond", response=TeacherRequestOut)
def request_respond(request: HttpRequest, request_id: Id, payload: AnswerIn) -> dict[str, Any]:
    """Accept or decline the coach proposed for your request. Your answer is recorded as your
    consent; the coach hears of a yes, the coaching team of a no."""
    teacher = _teacher(request, "coaching:request-respond")
    coaching_request = access.fetch(coaching_access.requests_visible_to, request.user, pk=request_id)
    access.require(
        coaching_access.may_answer_request(request.user, coaching_request),
        "Only the teacher who asked can answer.",
    )
    services.request_respond(teacher=teacher, request=coaching_request, accept=payload.accept)
    return _own_request(request, teacher, coaching_request.pk)


# --- the program lead: proposing a coach -----------------------------------------------------------------


class CoachOptionOut(Schema):
    coach_id: int
    coach: str
    coach_type: str
    load: int
    capacity: int


def _lead_request(request: HttpRequest, request_id: int) -> CoachingRequest:
    access.require(
        access.may_open(request.user, "coaching:request-assign"), "Only the program lead assigns coaches."
    )
    return access.fetch(coaching_access.requests_visible_to, request.user, pk=request_id)


@router.get("/requests/{request_id}/coaches", response=list[CoachOptionOut])
def request_coaches(request: HttpRequest, request_id: Id) -> list[dict[str, Any]]:
    """The coaches who serve the teacher's school, least loaded first: those the lead may propose."""
    coaching_request = _lead_request(request, request_id)
    return [
        {
            "coach_id": o.coach.pk,
            "coach": str(o.coach),
            "coach_type": o.coach.coach_type,
            "load": o.load,
            "capacity": o.coach.capacity,
        }
        for o in queries.coaches_for_request(request.user, coaching_request)
    ]


class ProposeIn(Schema):
    coach_id: Id


@router.post("/requests/{request_id}/propose", response=WaitingRequestOut)
def request_propose(request: HttpRequest, request_id: Id, payload: ProposeIn) -> dict[str, Any]:
    """Propose a coach (one of `GET /requests/{id}/coaches`) for a waiting request; the teacher decides."""
    coaching_request = _lead_request(request, request_id)
    offered = {o.coach.pk: o.coach for o in queries.coaches_for_request(request.user, coaching_request)}
    coach = offered.get(payload.coach_id)
    if coach is None:
        raise ValidationError({"coach_id": "Choose one of the coaches who serve the teacher's school."})
    with fields_named({"coach": "coach_id"}):
        proposed = services.request_propose(actor=request.user, request=coaching_request, coach=coach)  # type: ignore[arg-type]
    return _row(proposed, timezone.localdate())
