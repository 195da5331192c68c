"""Writes for the teacher's side of the chain: goal → request → proposal → consent (which opens the cycle).

Each service checks who is asking, validates, and writes in one transaction.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from coachmap.coaching import access as coaching_access
from coachmap.coaching.eligibility import coach_load, eligibility
from coachmap.coaching.handovers.announce import handover_announce
from coachmap.coaching.models import (
    CoachingRequest,
    Handover,
    MatchProposal,
    ProposalStatus,
    RequestStatus,
    TeacherGoal,
)
from coachmap.core import access
from coachmap.core.audit import consent_record
from coachmap.core.models import Coach, Teacher, User
from coachmap.improvement.models import DistrictGoal, GoalStatus, ImprovementGoal
from coachmap.notifications.services import leads_notify, notification_send


def teacher_goal_write(
    *,
    teacher: Teacher,
    statement: str,
    improvement_goal: ImprovementGoal | None = None,
    district_goal: DistrictGoal | None = None,
) -> TeacherGoal:
    """A teacher writes a professional goal from one of their school's active improvement goals, or
    from one of the district's active district-wide goals (a school may have none yet)."""
    if (improvement_goal is None) == (district_goal is None):
        raise ValidationError(
            {"improvement_goal": "Choose the one school or district goal this goal serves."}
        )
    if improvement_goal is not None:
        if improvement_goal.school_id != teacher.school_id:
            raise ValidationError({"improvement_goal": "Choose one of your own school's improvement goals."})
        if improvement_goal.status != GoalStatus.ACTIVE:
            raise ValidationError(
                {"improvement_goal": "That school goal is no longer active; choose an active one."}
            )
    if district_goal is not None:
        if district_goal.district_id != teacher.school.district_id:
            raise ValidationError({"district_goal": "Choose one of your own district's goals."})
        if district_goal.status != GoalStatus.ACTIVE:
            raise ValidationError(
                {"district_goal": "That district goal is no longer active; choose an active one."}
            )
    if not statement.strip():
        raise ValidationError({"statement": "Write your professional goal in a sentence or two."})
    with transaction.atomic():
        goal = TeacherGoal(
            teacher=teacher,
            improvement_goal=improvement_goal,
            district_goal=district_goal,
            statement=statement.strip(),
        )
        goal.full_clean()
        goal.save()
    return goal


def request_submit(
    *, teacher: Teacher, goal: TeacherGoal, needs: list[str], note: str = ""
) -> CoachingRequest:
    """A teacher asks for coaching on one of their goals. Coaching is voluntary: only the teacher can ask."""
    access.require(
        coaching_access.may_request_coaching(teacher.user, goal),
        "You can only ask for coaching on your own goal.",
    )
    pending = (RequestStatus.OPEN, RequestStatus.PROPOSED, RequestStatus.ACCEPTED, RequestStatus.IN_CYCLE)
    with transaction.atomic():
        if CoachingRequest.objects.filter(goal=goal, status__in=pending).exists():
            raise ValidationError("You already have a coaching request or cycle for this goal.")
        request = CoachingRequest(
            teacher=teacher, goal=goal, needs=[n.strip() for n in needs if n.strip()], note=note.strip()
        )
        request.full_clean()
        request.save()
    return request


def request_propose(*, actor: User, request: CoachingRequest, coach: Coach) -> CoachingRequest:
    """The program lead proposes a coach; the teacher decides."""
    district_id = request.teacher.school.district_id
    access.require(
        coaching_access.may_assign_coach(actor, district_id), "Only the program lead assigns coaches."
    )
    if request.status not in (RequestStatus.OPEN, RequestStatus.DECLINED):
        raise ValidationError(
            f"This request is {request.get_status_display().lower()}; it cannot get a new proposal."
        )
    problems = eligibility(coach, request)
    if problems:
        raise ValidationError({"coach": problems[0]})
    with transaction.atomic():
        Coach.objects.select_for_update().get(pk=coach.pk)
        problems = eligibility(coach, request, load=coach_load(coach))
        if problems:
            raise ValidationError({"coach": problems[0]})
        if request.status == RequestStatus.DECLINED and request.coach_id == coach.pk:
            raise ValidationError({"coach": f"The teacher declined {coach}; propose someone else."})
        request.coach = coach
        request.status = RequestStatus.PROPOSED
        request.proposed_by = actor
        request.proposed_at = timezone.now()
        request.responded_at = None
        request.save(update_fields=["coach", "status", "proposed_by", "proposed_at", "responded_at"])
    return request


def request_respond(*, teacher: Teacher, request: CoachingRequest, accept: bool) -> CoachingRequest:
    """The teacher accepts or declines the proposed coach. Consent is recorded in the audit trail.

    The coach hears of an acceptance at once; a decline goes back to the program lead, and the
    declined coach is never proposed for this request again.
    """
    access.require(
        coaching_access.may_answer_request(teacher.user, request),
        "Only the teacher who asked can answer this proposal.",
    )
    if request.status != RequestStatus.PROPOSED:
        raise ValidationError("There is no proposal waiting for your answer on this request.")
    with transaction.atomic():
        request.status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
        request.responded_at = timezone.now()
        request.save(update_fields=["status", "responded_at"])
        consent_record(teacher=teacher, obj=request, accepted=accept, coach=request.coach_id)
        MatchProposal.objects.filter(request=request, status=ProposalStatus.SENT).update(
            status=ProposalStatus.ACCEPTED if accept else ProposalStatus.DECLINED,
            responded_at=request.responded_at,
        )
        assert request.coach is not None  # noqa: S101 - a proposed request names its coach
        if accept:
            # A teacher handed over to a support type has now chosen their receiving coach.
            handover = Handover.objects.filter(new_request=request, to_coach=None).first()
            if handover is not None:
                handover.to_coach = request.coach
                handover.save(update_fields=["to_coach"])
                handover_announce(handover=handover)
            notification_send(
                user=request.coach.user,
                text=f"{teacher} accepted you as their coach. Open the cycle from your caseload.",
                url=reverse("coaching:caseload"),
            )
        else:
            leads_notify(
                district_id=teacher.school.district_id,
                text=f"{teacher} declined {request.coach}; the request is back in the next matching round.",
                url=reverse("coaching:requests"),
            )
    return request
