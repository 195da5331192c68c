"""Who may see what: the visibility table of DESIGN.md §3, as code.

| role          | sees                                                                  | never sees                                  |
|---------------|-----------------------------------------------------------------------|---------------------------------------------|
| teacher       | own profile, goals, requests, cycles and their notes; school goals    | other teachers' anything                    |
| coach         | caseload's requests, cycles and notes; goals of the schools served    | other coaches' notes                        |
| program lead  | requests, caseloads, cycles (no notes), coaches, district goals,      | session notes, check-ins, individual survey |
|               | time logs, impact summaries, aggregate survey results                 | answers                                     |
| principal     | own school's needs assessment, goals, aggregate coaching trends       | notes, who is coached, cells below minimum  |
| district admin| all schools' aggregates, program settings, users, the audit trail of  | session notes, individual survey answers,   |
|               | administration (coaching acts only as counts)                         | who took coaching, who read whose notes     |

The district admins are the student data's owners (`owns_student_data`): they see aggregates
below the minimum group size too; everyone else sees them suppressed (docs/improvement.md).

Every view, API route, export and report asks this module. Querysets come already scoped
(`cycles_visible_to(user)`), and objects are fetched with `fetch`, which answers 404 when the
user has no right to know the object exists; `require` answers 403 when they may see it but not
do what they asked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase

from coachmap.core.models import (
    AuditAction,
    AuditEvent,
    Coach,
    District,
    Membership,
    Role,
    School,
    Teacher,
    User,
)

if TYPE_CHECKING:
    from coachmap.coaching.models import (
        CoachingCycle,
        CoachingRequest,
        CoachingSession,
        FidelityCheckIn,
        Handover,
        IntakeObservation,
        LookFor,
        MatchingRound,
        MatchProposal,
        Notification,
        PartnershipAgreement,
        Referral,
        RoutingPolicy,
        StudentEvidence,
        TeacherGoal,
        TeacherIntake,
    )
    from coachmap.feedback.models import Survey
    from coachmap.improvement.models import ImprovementGoal, Indicator, Tool, ToolLink
    from coachmap.library.models import Resource
    from coachmap.roster.models import ImportRun, Student

AnyUser = User | AnonymousUser

M = TypeVar("M", bound=Model)


class AuthedRequest(HttpRequest):
    """A request from a signed-in user: what views behind `role_required` receive."""

    user: User


@dataclass(frozen=True)
class Grant:
    role: Role
    district_id: int
    school_id: int | None


def grants(user: AnyUser) -> tuple[Grant, ...]:
    """The user's roles, read once per request and kept on the user object."""
    if not user.is_authenticated or not user.is_active:
        return ()
    cached: tuple[Grant, ...] | None = vars(user).get("_coachmap_grants")
    if cached is None:
        cached = tuple(
            Grant(Role(role), district_id, school_id)
            for role, district_id, school_id in Membership.objects.filter(user=user).values_list(
                "role", "district_id", "school_id"
            )
        )
        vars(user)["_coachmap_grants"] = cached
    return cached


def forget_grants(user: AnyUser) -> None:
    """Call after changing a user's memberships within the same request."""
    vars(user).pop("_coachmap_grants", None)


def roles(user: AnyUser) -> list[Role]:
    held = {g.role for g in grants(user)}
    return [role for role in Role if role in held]


def has_role(user: AnyUser, *wanted: Role) -> bool:
    return any(g.role in wanted for g in grants(user))


def district_ids(user: AnyUser, *wanted: Role) -> set[int]:
    return {g.district_id for g in grants(user) if not wanted or g.role in wanted}


def school_ids(user: AnyUser, *wanted: Role) -> set[int]:
    return {g.school_id for g in grants(user) if g.school_id is not None and (not wanted or g.role in wanted)}


def _teacher(user: AnyUser) -> Teacher | None:
    if not has_role(user, Role.TEACHER):
        return None
    try:
        return user.teacher  # type: ignore[union-attr]
    except Teacher.DoesNotExist:
        return None


def _coach(user: AnyUser) -> Coach | None:
    if not has_role(user, Role.COACH):
        return None
    try:
        return user.coach  # type: ignore[union-attr]
    except Coach.DoesNotExist:
        return None


def _lead_districts(user: AnyUser) -> set[int]:
    return district_ids(user, Role.PROGRAM_LEAD)


def _admin_districts(user: AnyUser) -> set[int]:
    return district_ids(user, Role.DISTRICT_ADMIN)


# --- places and people -------------------------------------------------------------------------


def districts_visible_to(user: AnyUser) -> QuerySet[District]:
    return District.objects.filter(id__in=district_ids(user))


def schools_visible_to(user: AnyUser) -> QuerySet[School]:
    q = Q(id__in=school_ids(user, Role.TEACHER, Role.PRINCIPAL))
    q |= Q(district_id__in=_lead_districts(user) | _admin_districts(user))
    coach = _coach(user)
    if coach is not None:
        q |= Q(coaches=coach)
    return School.objects.filter(q).distinct() if coach is not None else School.objects.filter(q)


def schools_led_by(user: AnyUser) -> QuerySet[School]:
    """Schools whose needs assessment and goals this user may see (principal or district admin)."""
    return School.objects.filter(
        Q(id__in=school_ids(user, Role.PRINCIPAL)) | Q(district_id__in=_admin_districts(user))
    )


def schools_with_trends_for(user: AnyUser) -> QuerySet[School]:
    """Schools whose aggregate coaching trends this user may see."""
    return School.objects.filter(
        Q(id__in=school_ids(user, Role.PRINCIPAL))
        | Q(district_id__in=_admin_districts(user) | _lead_districts(user))
    )


def coaches_visible_to(user: AnyUser) -> QuerySet[Coach]:
    q = Q(district_id__in=_lead_districts(user) | _admin_districts(user) | district_ids(user, Role.COACH))
    q |= Q(schools__id__in=school_ids(user, Role.PRINCIPAL))
    teacher = _teacher(user)
    if teacher is not None:
        # Their own coaches, and the coaches serving their school, so they can say whom they would like.
        q |= Q(requests__teacher=teacher) | Q(cycles__teacher=teacher) | Q(schools=teacher.school_id)
    return Coach.objects.filter(q).distinct()


# --- student data --------------------------------------------------------------------------------


def owns_student_data(user: AnyUser, district_id: int) -> bool:
    """The data owners see every figure, groups below the minimum size included: the district
    admins, who answer for the district's student data. Everyone else sees aggregates suppressed."""
    return district_id in _admin_districts(user)


def students_visible_to(user: AnyUser) -> QuerySet[Student]:
    """Pseudonymous student rows: the data owners (district admin) and the principal's school."""
    from coachmap.roster.models import Student

    return Student.objects.filter(
        Q(district_id__in=_admin_districts(user)) | Q(school_id__in=school_ids(user, Role.PRINCIPAL))
    )


def import_runs_visible_to(user: AnyUser) -> QuerySet[ImportRun]:
    """Imports are run and read by the program lead and the district admin of the district."""
    from coachmap.roster.models import ImportRun

    return ImportRun.objects.filter(district_id__in=_lead_districts(user) | _admin_districts(user))


# --- the improvement chain -----------------------------------------------------------------------


def improvement_goals_visible_to(user: AnyUser) -> QuerySet[ImprovementGoal]:
    from coachmap.improvement.models import ImprovementGoal

    return ImprovementGoal.objects.filter(school__in=schools_visible_to(user))


def indicators_visible_to(user: AnyUser) -> QuerySet[Indicator]:
    """Indicators of the goals of schools whose needs assessment the user may see."""
    from coachmap.improvement.models import Indicator

    return Indicator.objects.filter(goal__school__in=schools_led_by(user))


def tools_visible_to(user: AnyUser) -> QuerySet[Tool]:
    """A school's technology map: for its principal and the district admins."""
    from coachmap.improvement.models import Tool

    return Tool.objects.filter(school__in=schools_led_by(user))


def tool_links_visible_to(user: AnyUser) -> QuerySet[ToolLink]:
    from coachmap.improvement.models import ToolLink

    return ToolLink.objects.filter(tool__school__in=schools_led_by(user))


def leads_school(user: AnyUser, school_id: int) -> bool:
    """The school's principal: the one who sets its goals, indicators and technology map."""
    return school_id in school_ids(user, Role.PRINCIPAL)


def teacher_goals_visible_to(user: AnyUser) -> QuerySet[TeacherGoal]:
    """A teacher's own goals; their coach's view of them; the program lead's for routing."""
    from coachmap.coaching.models import TeacherGoal

    q = Q(teacher__user_id=user.pk) | Q(teacher__school__district_id__in=_lead_districts(user))
    coach = _coach(user)
    if coach is not None:
        q |= Q(requests__coach=coach) | Q(cycles__coach=coach)
    return TeacherGoal.objects.filter(q).distinct()


def requests_visible_to(user: AnyUser) -> QuerySet[CoachingRequest]:
    from coachmap.coaching.models import CoachingRequest

    q = Q(teacher__user_id=user.pk) | Q(teacher__school__district_id__in=_lead_districts(user))
    coach = _coach(user)
    if coach is not None:
        q |= Q(coach=coach)
    return CoachingRequest.objects.filter(q)


def cycles_visible_to(user: AnyUser) -> QuerySet[CoachingCycle]:
    """Cycles are the teacher's and coach's; the program lead sees caseloads. Principals never see who is coached."""
    from coachmap.coaching.models import CoachingCycle

    q = Q(teacher__user_id=user.pk) | Q(coach__user_id=user.pk)
    q |= Q(coach__district_id__in=_lead_districts(user))
    return CoachingCycle.objects.filter(q)


def sessions_visible_to(user: AnyUser) -> QuerySet[CoachingSession]:
    """Session rows. Notes are deferred for everyone who may not read them; read notes through
    `coaching.cycles.queries.session_notes`, which checks `may_read_notes` and audits the read."""
    from coachmap.coaching.models import CoachingSession

    own = Q(cycle__teacher__user_id=user.pk) | Q(cycle__coach__user_id=user.pk)
    lead = Q(cycle__coach__district_id__in=_lead_districts(user))
    return CoachingSession.objects.filter(own | lead).defer("notes")


def may_read_notes(user: AnyUser, cycle: CoachingCycle) -> bool:
    """Only the two people in the coaching relationship, whatever else they are."""
    return user.is_authenticated and user.pk in (cycle.teacher.user_id, cycle.coach.user_id)


# --- cycle work, surveys and the library (issue 6) ----------------------------------------------


def evidence_visible_to(user: AnyUser) -> QuerySet[StudentEvidence]:
    """Counts of students meeting a cycle's target: the teacher, the coach, the program lead."""
    from coachmap.coaching.models import StudentEvidence

    own = Q(cycle__teacher__user_id=user.pk) | Q(cycle__coach__user_id=user.pk)
    return StudentEvidence.objects.filter(own | Q(cycle__coach__district_id__in=_lead_districts(user)))


def checkins_visible_to(user: AnyUser) -> QuerySet[FidelityCheckIn]:
    """Fidelity check-ins name a teacher's barriers: like notes, for the two of them only."""
    from coachmap.coaching.models import FidelityCheckIn

    if not user.is_authenticated:
        return FidelityCheckIn.objects.none()
    return FidelityCheckIn.objects.filter(
        Q(cycle__teacher__user_id=user.pk) | Q(cycle__coach__user_id=user.pk)
    )


def time_log_coaches_for(user: AnyUser) -> QuerySet[Coach]:
    """Coaches whose time log the user may read: their own; every coach of the program lead's district."""
    if not user.is_authenticated:
        return Coach.objects.none()
    return Coach.objects.filter(Q(user_id=user.pk) | Q(district_id__in=_lead_districts(user)))


def agreements_visible_to(user: AnyUser) -> QuerySet[PartnershipAgreement]:
    """The coach and principal who made it, the school's teachers, the program lead and district admin."""
    from coachmap.coaching.models import PartnershipAgreement

    q = Q(coach__user_id=user.pk) | Q(school_id__in=school_ids(user, Role.PRINCIPAL, Role.TEACHER))
    q |= Q(school__district_id__in=_lead_districts(user) | _admin_districts(user))
    return PartnershipAgreement.objects.filter(q)


def may_change_agreement(user: AnyUser, agreement: PartnershipAgreement) -> bool:
    """Only its two parties: the coach, and the principal of the school."""
    return user.pk == agreement.coach.user_id or agreement.school_id in school_ids(user, Role.PRINCIPAL)


def impact_coaches_for(user: AnyUser) -> QuerySet[Coach]:
    """Coaches whose impact summary the user may read: their own; the program lead's and district
    admin's whole district. Principals see trends, not one coach's summary."""
    if not user.is_authenticated:
        return Coach.objects.none()
    return Coach.objects.filter(
        Q(user_id=user.pk) | Q(district_id__in=_lead_districts(user) | _admin_districts(user))
    )


def surveys_visible_to(user: AnyUser) -> QuerySet[Survey]:
    """The program lead's drafts and all; open surveys to the district's teachers; open and closed
    ones to principals and the district admin (who see results, never answers)."""
    from coachmap.feedback.models import Survey, SurveyStatus

    q = Q(district_id__in=_lead_districts(user))
    q |= Q(district_id__in=district_ids(user, Role.TEACHER), status=SurveyStatus.OPEN)
    q |= Q(
        district_id__in=_admin_districts(user) | district_ids(user, Role.PRINCIPAL),
        status__in=[SurveyStatus.OPEN, SurveyStatus.CLOSED],
    )
    return Survey.objects.filter(q)


def resources_visible_to(user: AnyUser) -> QuerySet[Resource]:
    """The library is shared with everyone in the district."""
    from coachmap.library.models import Resource

    return Resource.objects.filter(district_id__in=district_ids(user))


def may_change_resource(user: AnyUser, resource: Resource) -> bool:
    """The person who added it, and the program lead."""
    return user.pk == resource.created_by_id or resource.district_id in _lead_districts(user)


# --- best fit: intake, look-fors, profiles, routing and matching ---------------------------------
#
# The intake is the teacher's. Their coaches (proposed, accepted or in a cycle) read it all, to
# fit their support; the program lead sees the placement, needs, availability and preferences
# that routing uses, but not the self-assessment answers (`may_read_intake_answers`) nor coaches'
# observations. A handover note is for the receiving coach alone (`may_read_handover_note`).


def _coached_by(coach: Coach, prefix: str = "") -> Q:
    """Teachers (reached through `prefix`) who asked this coach, were proposed to them, or work with them."""
    return Q(**{f"{prefix}requests__coach": coach}) | Q(**{f"{prefix}cycles__coach": coach})


def intakes_visible_to(user: AnyUser) -> QuerySet[TeacherIntake]:
    from coachmap.coaching.models import TeacherIntake

    q = Q(teacher__user_id=user.pk) | Q(teacher__school__district_id__in=_lead_districts(user))
    coach = _coach(user)
    if coach is not None:
        q |= _coached_by(coach, "teacher__")
    return TeacherIntake.objects.filter(q).distinct()


def may_read_intake_answers(user: AnyUser, intake: TeacherIntake) -> bool:
    """The self-assessment answers: the teacher and their coaches, not the program lead."""
    if not user.is_authenticated:
        return False
    if intake.teacher.user_id == user.pk:
        return True
    coach = _coach(user)
    return coach is not None and Teacher.objects.filter(_coached_by(coach), pk=intake.teacher_id).exists()


def observations_visible_to(user: AnyUser) -> QuerySet[IntakeObservation]:
    """Coaches' observations: the teacher observed, the coach who wrote them, the teacher's coaches."""
    from coachmap.coaching.models import IntakeObservation

    q = Q(intake__teacher__user_id=user.pk) | Q(coach__user_id=user.pk)
    coach = _coach(user)
    if coach is not None:
        q |= _coached_by(coach, "intake__teacher__")
    return IntakeObservation.objects.filter(q).distinct()


def _coaching_districts(user: AnyUser) -> set[int]:
    return district_ids(user, Role.COACH, Role.PROGRAM_LEAD, Role.DISTRICT_ADMIN)


def look_fors_visible_to(user: AnyUser) -> QuerySet[LookFor]:
    """The district's look-for checklists: its coaches, program lead and admin."""
    from coachmap.coaching.models import LookFor

    return LookFor.objects.filter(district_id__in=_coaching_districts(user))


def routing_policies_visible_to(user: AnyUser) -> QuerySet[RoutingPolicy]:
    from coachmap.coaching.models import RoutingPolicy

    return RoutingPolicy.objects.filter(district_id__in=_coaching_districts(user))


def may_edit_routing_policy(user: AnyUser, district_id: int) -> bool:
    return district_id in _lead_districts(user) | _admin_districts(user)


def rounds_visible_to(user: AnyUser) -> QuerySet[MatchingRound]:
    from coachmap.coaching.models import MatchingRound

    return MatchingRound.objects.filter(district_id__in=_lead_districts(user))


def proposals_visible_to(user: AnyUser) -> QuerySet[MatchProposal]:
    """Drafts are the program lead's; once confirmed, the teacher's and the proposed coach's too."""
    from coachmap.coaching.models import MatchProposal, ProposalStatus

    sent = Q(status__in=[ProposalStatus.SENT, ProposalStatus.ACCEPTED, ProposalStatus.DECLINED])
    q = Q(round__district_id__in=_lead_districts(user))
    q |= sent & Q(teacher__user_id=user.pk)
    q |= sent & Q(coach__user_id=user.pk)
    return MatchProposal.objects.filter(q)


def referrals_visible_to(user: AnyUser) -> QuerySet[Referral]:
    from coachmap.coaching.models import Referral

    return Referral.objects.filter(
        Q(teacher__user_id=user.pk)
        | Q(from_coach__user_id=user.pk)
        | Q(teacher__school__district_id__in=_lead_districts(user))
    )


def handovers_visible_to(user: AnyUser) -> QuerySet[Handover]:
    """That a handover happened: both coaches, the teacher and the program lead. The note: see below."""
    from coachmap.coaching.models import Handover

    return Handover.objects.filter(
        Q(from_coach__user_id=user.pk)
        | Q(to_coach__user_id=user.pk)
        | Q(new_request__teacher__user_id=user.pk)
        | Q(from_coach__district_id__in=_lead_districts(user))
    ).defer("note")


def may_read_handover_note(user: AnyUser, handover: Handover) -> bool:
    """Only the receiving coach: not the teacher, not the program lead, not the coach who wrote it.

    Handed to a support type, nobody reads it until the teacher has accepted a coach of that type.
    """
    return user.is_authenticated and handover.to_coach is not None and handover.to_coach.user_id == user.pk


def notifications_visible_to(user: AnyUser) -> QuerySet[Notification]:
    from coachmap.coaching.models import Notification

    return (
        Notification.objects.filter(user_id=user.pk) if user.is_authenticated else Notification.objects.none()
    )


CONFIDENTIAL_ACTIONS = frozenset(a.value for a in AuditAction if a.is_confidential)


def audit_visible_to(user: AnyUser) -> QuerySet[AuditEvent]:
    """Audit rows the district admin may list: their districts' administration (roles, accounts,
    settings, imports, exports), never who took coaching or who read whose notes."""
    return AuditEvent.objects.filter(district_id__in=_admin_districts(user)).exclude(
        action__in=CONFIDENTIAL_ACTIONS
    )


def audit_counted_for(user: AnyUser) -> QuerySet[AuditEvent]:
    """Every audit row of the district admin's districts, confidential acts included, to be
    shown only as counts (`core.queries.audit_activity`); never list these rows."""
    return AuditEvent.objects.filter(district_id__in=_admin_districts(user))


def note_reads_visible_to(user: AnyUser, cycle: CoachingCycle) -> QuerySet[AuditEvent]:
    """Who read a cycle's notes: for the cycle's teacher alone, whose notes they are."""
    if not user.is_authenticated or cycle.teacher.user_id != user.pk:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(
        action=AuditAction.NOTES_READ, object_type=cycle._meta.label_lower, object_id=str(cycle.pk)
    )


def account_changes_for(user: AnyUser) -> QuerySet[AuditEvent]:
    """Changes others made to the user's own account: theirs to see."""
    if not user.is_authenticated:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(
        subject_id=user.pk, action__in=[a.value for a in AuditAction if a.is_account_change]
    ).exclude(actor_id=user.pk)


# --- fetching and requiring ----------------------------------------------------------------------


def fetch(scope: Callable[[AnyUser], QuerySet[M]], user: AnyUser, **lookup: Any) -> M:
    """The object the user asked for, or 404 when it does not exist *for them*."""
    try:
        return scope(user).get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Http404("Not found.") from exc


def require(allowed: bool, message: str = "You do not have permission to do that.") -> None:
    """403 when the user may see something but not do what they asked."""
    if not allowed:
        raise PermissionDenied(message)


View = Callable[..., HttpResponseBase]


def role_required(*wanted: Role) -> Callable[[View], View]:
    """A page for some roles: anonymous visitors go to the login page, others get 403."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if wanted and not has_role(request.user, *wanted):
                raise PermissionDenied("This page is not part of your role.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


login_required = role_required()
