"""The home page: one page per person, a section per role they hold. It reads from every app, so
it sits above them all (docs/architecture.md, "Layers")."""

from __future__ import annotations

from django.db.models import ExpressionWrapper, F, FloatField
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from coachmap.coaching import access as coaching_access
from coachmap.coaching.bestfit import queries as fit_queries
from coachmap.coaching.cycles import queries as cycle_queries
from coachmap.coaching.handovers import queries as handover_queries
from coachmap.coaching.lighter import queries as lighter_queries
from coachmap.coaching.requests import queries as request_queries
from coachmap.coaching.timelog import queries as timelog_queries
from coachmap.core import access, services
from coachmap.core import queries as core_queries
from coachmap.core.access import AuthedRequest
from coachmap.core.models import Role
from coachmap.feedback import queries as feedback_queries
from coachmap.feedback.forms import PulseForm
from coachmap.improvement import access as improvement_access
from coachmap.improvement.models import GoalStatus
from coachmap.improvement.queries.goals import goal_progress

HOME_COACH_ROWS = 10


@access.route_required("home")
def home(request: AuthedRequest) -> HttpResponse:
    """One page per person, with a section for each role they hold and nothing else."""
    user = request.user
    held = set(access.roles(user))
    account_changes, last_change = core_queries.account_changes(user)
    if last_change is not None:
        services.account_changes_mark_seen(user=user, through=last_change)
    context: dict[str, object] = {"held": held, "account_changes": account_changes}
    if Role.TEACHER in held and hasattr(user, "teacher"):
        teacher = user.teacher
        context["teacher"] = teacher
        context["school_goals"] = improvement_access.improvement_goals_visible_to(user).filter(
            school=teacher.school, status=GoalStatus.ACTIVE
        )
        # Read once: the page lists them, and the requests they came from take their words.
        supports = lighter_queries.teacher_supports(user, teacher, timezone.localdate())
        # Requests still on their way to a cycle; the ones that became cycles are listed as cycles.
        context["my_requests"] = request_queries.teacher_requests(user, teacher, supports=supports)
        context["my_cycles"] = (
            coaching_access.cycles_visible_to(user)
            .filter(teacher=teacher)
            .select_related("coach__user", "goal")
            .order_by("status", "-opened_on")
        )
        context["pulse_session"] = feedback_queries.pending_pulse(teacher, timezone.localdate())
        context["pulse_form"] = PulseForm()
        context["surveys_to_answer"] = feedback_queries.surveys_to_answer(teacher)
        context["my_offers"] = fit_queries.proposals_waiting_for(teacher)
        context["my_referrals"] = handover_queries.referrals_waiting_for(teacher)
        context["my_intake"] = fit_queries.own_intake(teacher)
        context["my_supports"] = supports
        context["hosting_asks"] = lighter_queries.hosting_asks(teacher)
        context["hosting_upcoming"] = lighter_queries.hosting_upcoming(teacher, timezone.localdate())
    if Role.COACH in held and hasattr(user, "coach"):
        context["caseload"] = cycle_queries.caseload(user.coach)
        context["reminders"] = cycle_queries.reminders(user.coach, timezone.localdate())
        context["undoable"] = cycle_queries.micro_undoable(user.coach, timezone.now())
        context["micro_supports"] = lighter_queries.coach_micro_supports(
            user, user.coach, timezone.localdate()
        )
        context["my_time"] = timelog_queries.coaches_time(
            user, access.time_log_coaches_for(user).filter(pk=user.coach.pk), timezone.localdate()
        )[0]
    if Role.PROGRAM_LEAD in held:
        waiting = request_queries.requests_waiting(user)
        context["waiting_count"] = waiting.count()
        oldest = waiting.values_list("created_at", flat=True).first()
        context["oldest_wait_days"] = (
            None if oldest is None else (timezone.localdate() - timezone.localdate(oldest)).days
        )
        coaches = access.coaches_visible_to(user).filter(
            district_id__in=access.district_ids(user, Role.PROGRAM_LEAD)
        )
        context["coach_count"] = coaches.count()
        # The coaches nearest their capacity first: where the lead must look before proposing more.
        context["coach_loads"] = (
            request_queries.with_load(coaches)
            .select_related("user")
            .annotate(share=ExpressionWrapper(F("load") * 1.0 / F("capacity"), output_field=FloatField()))
            .order_by("-share", "user__last_name")[:HOME_COACH_ROWS]
        )
    if Role.PRINCIPAL in held or Role.DISTRICT_ADMIN in held:
        # A principal starts from their school's goals and data; the district admin from the comparison.
        context["principal_schools"] = [
            (school, [goal_progress(user, g) for g in school.goals.filter(status=GoalStatus.ACTIVE)])
            for school in access.schools_led_by(user).filter(pk__in=access.school_ids(user, Role.PRINCIPAL))
        ]
        context["administers"] = Role.DISTRICT_ADMIN in held
    return render(request, "core/home.html", context)
