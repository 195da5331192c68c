"""Who may see surveys (answers are never listed: see feedback.queries).

Scopes built on the primitives of `core.access` (docs/architecture.md, "Layers")."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from coachmap.coaching.models import Attendance, CoachingSession, Offering
from coachmap.core.access import (
    AnyUser,
    admin_district_ids,
    district_ids,
    has_role,
    impact_coaches_for,
    lead_district_ids,
    teacher_of,
)
from coachmap.core.models import Coach, Role
from coachmap.feedback.models import Survey, SurveyStatus


def surveys_visible_to(user: AnyUser) -> QuerySet[Survey]:
    """The program lead's drafts and all; open surveys to the district's teachers; open and closed
    ones to principals and the district admin (who see results, never answers)."""
    q = Q(district_id__in=lead_district_ids(user))
    q |= Q(district_id__in=district_ids(user, Role.TEACHER), status=SurveyStatus.OPEN)
    q |= Q(
        district_id__in=admin_district_ids(user) | district_ids(user, Role.PRINCIPAL),
        status__in=[SurveyStatus.OPEN, SurveyStatus.CLOSED],
    )
    return Survey.objects.filter(q)


def may_edit_surveys(user: AnyUser, district_id: int) -> bool:
    """The district's program lead writes, opens and closes its surveys."""
    return district_id in lead_district_ids(user)


def may_answer_pulse(user: AnyUser, session: CoachingSession) -> bool:
    """The quick survey after a session: the cycle's teacher."""
    teacher = teacher_of(user)
    return teacher is not None and session.cycle.teacher_id == teacher.pk


def may_answer_survey(user: AnyUser, survey: Survey) -> bool:
    """A faculty survey: the teachers of its district (whether it is open is the service's rule)."""
    teacher = teacher_of(user)
    return teacher is not None and survey.district_id == teacher.school.district_id


def may_read_survey_results(user: AnyUser, survey: Survey) -> bool:
    """A survey's aggregate results: the program lead, principals and district admins who see it."""
    return (
        has_role(user, Role.PROGRAM_LEAD, Role.PRINCIPAL, Role.DISTRICT_ADMIN)
        and surveys_visible_to(user).filter(pk=survey.pk).exists()
    )


def may_read_pulse_results(user: AnyUser, coach: Coach) -> bool:
    """A coach's released pulse results: the coach, and their district's program lead and admins."""
    return impact_coaches_for(user).filter(pk=coach.pk).exists()


def may_answer_offering_feedback(user: AnyUser, offering: Offering) -> bool:
    """The questions after a professional-learning offering: teachers the presenter marked present."""
    teacher = teacher_of(user)
    return (
        teacher is not None
        and Attendance.objects.filter(seat__offering=offering, seat__teacher=teacher).exists()
    )


def may_read_offering_feedback(user: AnyUser, offering: Offering) -> bool:
    """An offering's released feedback: its presenting coach, the program lead and the district admin
    (as the pulse: the coach, the lead, the district)."""
    if not user.is_authenticated:
        return False
    if offering.presenter_coach is not None and offering.presenter_coach.user_id == user.pk:
        return True
    return offering.district_id in lead_district_ids(user) | admin_district_ids(user)
