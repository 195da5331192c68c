"""The named permission checks, `may_<verb>_<thing>(user, obj)`, one per act: for each, the
people of the shared world who may, and everyone else (anonymous included) who may not.

A check answers yes or no; the service or view asks it and answers "not yours" with a 403
(PermissionDenied), or a 404 where even the object's existence is private."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from coachmap.coaching import access as coaching_access
from coachmap.coaching.cycles import services as cycle_services
from coachmap.coaching.handovers import services as handover_services
from coachmap.coaching.models import TeacherGoal
from coachmap.coaching.requests import services as request_services
from coachmap.core import access
from coachmap.families import access as families_access
from coachmap.feedback import access as feedback_access
from coachmap.feedback import queries as feedback_queries
from coachmap.feedback import services as feedback_services
from coachmap.improvement import access as improvement_access
from coachmap.library import access as library_access
from coachmap.notifications import access as notifications_access
from coachmap.program import access as program_access
from coachmap.program.models import AnnualReview
from coachmap.roster import access as roster_access
from tests.conftest import ROLES, World
from tests.issue16_world import of as issue16

pytestmark = pytest.mark.django_db

Check = Callable[[Any, World], bool]

# check name → (how to ask it of a user, the roles of the world who may)
CHECKS: dict[str, tuple[Check, set[str]]] = {
    "may_read_notes": (lambda u, w: coaching_access.may_read_notes(u, w.cycle), {"teacher", "coach"}),
    "may_work_on_cycle": (lambda u, w: coaching_access.may_work_on_cycle(u, w.cycle), {"coach"}),
    "may_see_note_reads": (lambda u, w: coaching_access.may_see_note_reads(u, w.cycle), {"teacher"}),
    "may_open_cycle": (lambda u, w: coaching_access.may_open_cycle(u, w.proposed_request), {"coach"}),
    "may_request_coaching": (
        lambda u, w: coaching_access.may_request_coaching(u, TeacherGoal.objects.get(pk=w.fresh_goal_id)),
        {"teacher"},
    ),
    "may_answer_request": (
        lambda u, w: coaching_access.may_answer_request(u, w.proposed_request),
        {"teacher"},
    ),
    "may_answer_proposal": (
        lambda u, w: coaching_access.may_answer_proposal(u, w.offer_proposal),
        {"teacher"},
    ),
    "may_answer_referral": (lambda u, w: coaching_access.may_answer_referral(u, w.referral), {"teacher"}),
    "may_change_agreement": (
        lambda u, w: coaching_access.may_change_agreement(u, w.agreement),
        {"coach", "principal"},
    ),
    "may_write_agreement": (
        lambda u, w: coaching_access.may_write_agreement(u, w.coach, w.school.pk),
        {"coach", "principal"},
    ),
    "may_read_handover_note": (lambda u, w: coaching_access.may_read_handover_note(u, w.handover), {"coach"}),
    "may_assign_coach": (lambda u, w: coaching_access.may_assign_coach(u, w.district.pk), {"lead"}),
    "may_run_matching": (lambda u, w: coaching_access.may_run_matching(u, w.district.pk), {"lead"}),
    "may_edit_look_fors": (
        lambda u, w: coaching_access.may_edit_look_fors(u, w.district.pk),
        {"coach", "other_coach", "lead"},
    ),
    "may_edit_routing_policy": (
        lambda u, w: coaching_access.may_edit_routing_policy(u, w.district.pk),
        {"lead", "admin"},
    ),
    "may_edit_surveys": (lambda u, w: feedback_access.may_edit_surveys(u, w.district.pk), {"lead"}),
    "may_answer_pulse": (lambda u, w: feedback_access.may_answer_pulse(u, w.session), {"teacher"}),
    "may_answer_survey": (
        lambda u, w: feedback_access.may_answer_survey(u, w.open_survey),
        {"teacher", "other_teacher"},
    ),
    "may_read_survey_results": (
        lambda u, w: feedback_access.may_read_survey_results(u, w.open_survey),
        {"lead", "principal", "other_principal", "admin"},
    ),
    "may_read_pulse_results": (
        lambda u, w: feedback_access.may_read_pulse_results(u, w.coach),
        {"coach", "lead", "admin"},
    ),
    "may_change_resource": (
        lambda u, w: library_access.may_change_resource(u, w.resource),
        {"coach", "lead"},
    ),
    "may_add_resource": (
        lambda u, w: library_access.may_add_resource(u, w.district.pk),
        {"coach", "other_coach", "lead"},
    ),
    "may_import_into": (lambda u, w: roster_access.may_import_into(u, w.district.pk), {"lead", "admin"}),
    "may_change_district": (lambda u, w: access.may_change_district(u, w.district.pk), {"admin"}),
    # Family reports (issue 15): the school's principal alone writes, publishes and takes down.
    "may_change_family_report": (
        lambda u, w: families_access.may_change_family_report(u, _family_report(w)),
        {"principal"},
    ),
    "may_connect_roster": (lambda u, w: roster_access.may_connect_roster(u, w.district.pk), {"admin"}),
    "may_manage_webhooks": (
        lambda u, w: notifications_access.may_manage_webhooks(u, w.district.pk),
        {"admin"},
    ),
    # Group cycles and professional learning (issue 16).
    "may_read_group_notes": (
        lambda u, w: coaching_access.may_read_group_notes(u, issue16(w).group),
        {"teacher", "coach"},
    ),
    "may_work_on_group": (lambda u, w: coaching_access.may_work_on_group(u, issue16(w).group), {"coach"}),
    "may_form_group": (lambda u, w: coaching_access.may_form_group(u, w.school.pk), {"coach"}),
    "may_answer_group_invitation": (
        lambda u, w: coaching_access.may_answer_group_invitation(
            u, issue16(w).group.members.get(teacher=w.teacher)
        ),
        {"teacher"},
    ),
    "may_add_offering": (
        lambda u, w: coaching_access.may_add_offering(u, w.district.pk),
        {"coach", "other_coach", "lead"},
    ),
    "may_run_offering": (
        lambda u, w: coaching_access.may_run_offering(u, issue16(w).offering),
        {"coach", "lead"},
    ),
    "may_take_seat": (
        lambda u, w: coaching_access.may_take_seat(u, issue16(w).offering),
        {"teacher", "other_teacher"},
    ),
    "may_change_seat": (lambda u, w: coaching_access.may_change_seat(u, issue16(w).seat), {"teacher"}),
    "may_answer_offering_feedback": (
        lambda u, w: feedback_access.may_answer_offering_feedback(u, issue16(w).offering),
        {"teacher"},
    ),
    "may_read_offering_feedback": (
        lambda u, w: feedback_access.may_read_offering_feedback(u, issue16(w).offering),
        {"coach", "lead", "admin"},
    ),
    # The program as a whole (issue 16).
    "may_edit_framework": (lambda u, w: improvement_access.may_edit_framework(u, w.district.pk), {"lead"}),
    "may_record_walkthrough": (
        lambda u, w: improvement_access.may_record_walkthrough(u, w.school),
        {"coach", "principal"},
    ),
    "may_edit_rubric": (lambda u, w: program_access.may_edit_rubric(u, w.district.pk), {"lead"}),
    "may_read_team_growth": (lambda u, w: program_access.may_read_team_growth(u, w.district.pk), {"lead"}),
    "may_write_vision": (lambda u, w: program_access.may_write_vision(u, w.district.pk), {"lead"}),
    "may_read_vision": (
        lambda u, w: program_access.may_read_vision(u, w.district.pk),
        set(ROLES) - {"anonymous"},
    ),
    "may_write_review": (
        lambda u, w: program_access.may_write_review(
            u, AnnualReview(district=w.district, school_year=2027), 2027
        ),
        {"lead"},
    ),
    # Issue 16: lighter supports, check-ins, district goals.
    "may_read_micro_notes": (
        lambda u, w: coaching_access.may_read_micro_notes(u, w.lt.conversation),
        {"teacher", "coach"},
    ),
    "may_log_micro": (lambda u, w: coaching_access.may_log_micro(u, w.teacher), {"coach"}),
    "may_arrange_observation": (
        lambda u, w: coaching_access.may_arrange_observation(u, w.lt.peer_support),
        {"coach", "lead"},
    ),
    "may_answer_observation": (
        lambda u, w: coaching_access.may_answer_observation(u, w.lt.observation),
        {"other_teacher"},
    ),
    "may_reflect_observation": (
        lambda u, w: coaching_access.may_reflect_observation(u, w.lt.observation),
        {"teacher"},
    ),
    "may_write_checkin": (
        lambda u, w: coaching_access.may_write_checkin(u, w.coach, w.school.pk),
        {"coach", "principal"},
    ),
    "may_edit_district_goal": (
        lambda u, w: improvement_access.may_edit_district_goal(u, w.district.pk),
        {"lead", "admin"},
    ),
}


def _family_report(w: World) -> Any:
    from coachmap.families.models import FamilyReport

    report, _ = FamilyReport.objects.get_or_create(school=w.school, school_year=2027, term="fall")
    return report


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_each_check_lets_exactly_its_people_through(world: World, name: str) -> None:
    check, allowed = CHECKS[name]
    for role in ROLES:
        user = world.users[role] or AnonymousUser()
        assert check(user, world) is (role in allowed), (
            f"{name}: {role} should {'' if role in allowed else 'not '}be let through"
        )


def test_another_coachs_cycle_is_403_in_every_cycle_service(world: World) -> None:
    """Someone else's cycle is not a mistake in the form: every write answers PermissionDenied."""
    other = world.other_coach
    with pytest.raises(PermissionDenied, match="Only the cycle's coach"):
        cycle_services.cycle_stage_set(coach=other, cycle=world.cycle, stage="learn")
    with pytest.raises(PermissionDenied, match="Only the cycle's coach"):
        cycle_services.cycle_close(coach=other, cycle=world.cycle, outcome="paused")
    with pytest.raises(PermissionDenied, match="Only the cycle's coach"):
        handover_services.handover_create(coach=other, cycle=world.cycle, reason="x", to_coach=world.coach)
    with pytest.raises(PermissionDenied, match="Only the coach the teacher accepted"):
        cycle_services.cycle_open(coach=other, request=world.accepted_request)


def test_answering_for_another_teacher_is_403(world: World) -> None:
    other = world.other_teacher
    with pytest.raises(PermissionDenied):
        request_services.request_respond(teacher=other, request=world.proposed_request, accept=True)
    with pytest.raises(PermissionDenied):
        handover_services.referral_respond(teacher=other, referral=world.referral, accept=True)
    with pytest.raises(PermissionDenied):
        feedback_services.pulse_skip(teacher=other, session=world.session)


def test_results_outside_ones_role_are_403(world: World) -> None:
    with pytest.raises(PermissionDenied):
        feedback_queries.survey_results(world.teacher.user, world.open_survey)
    with pytest.raises(PermissionDenied):
        feedback_queries.pulse_results(world.other_coach.user, world.coach, 2027)


def test_another_teachers_cycle_stays_404_on_its_page(world: World) -> None:
    """Existence is private: another teacher's cycle is not even acknowledged."""
    from django.urls import reverse

    response = world.client("other_teacher").get(
        reverse("coaching:cycle", kwargs={"cycle_id": world.cycle.pk})
    )
    assert response.status_code == 404
    response = world.client("other_coach").post(
        reverse("coaching:cycle-close", kwargs={"cycle_id": world.cycle.pk})
    )
    assert response.status_code in {403, 404}
