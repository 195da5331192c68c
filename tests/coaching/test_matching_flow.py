"""The matching flow through the services: run, review, confirm, consent, cycle; handover and referral."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coachmap.coaching import access as coaching_access
from coachmap.coaching.bestfit import queries as fit_queries
from coachmap.coaching.bestfit import rounds as matching_rounds
from coachmap.coaching.bestfit import services as fit_services
from coachmap.coaching.bestfit.placement import SELF_ASSESSMENT, Quadrant
from coachmap.coaching.cycles import queries as cycle_queries
from coachmap.coaching.cycles import services as cycle_services
from coachmap.coaching.handovers import queries as handover_queries
from coachmap.coaching.handovers import services as handover_services
from coachmap.coaching.models import (
    CoachingCycle,
    CoachingRequest,
    CycleOutcome,
    CycleStatus,
    MatchProposal,
    ProposalKind,
    ProposalStatus,
    ReferralStatus,
    RequestStatus,
    RoundStatus,
    TeacherIntake,
)
from coachmap.coaching.requests import services as request_services
from coachmap.core.models import AuditAction, AuditEvent, Coach, CoachType, District, Role, Teacher, User
from coachmap.notifications.models import Notification
from tests.factories import (
    CoachFactory,
    CycleFactory,
    DistrictFactory,
    ImprovementGoalFactory,
    SchoolFactory,
    TeacherFactory,
    TeacherGoalFactory,
    UserFactory,
    member,
)


@dataclass
class Scene:
    district: District
    lead: User
    tech: Coach
    mentor: Coach
    teachers: list[Teacher]
    requests: list[CoachingRequest]


def confident(teacher: Teacher, years: int = 1, **kw: object) -> TeacherIntake:
    return fit_services.intake_submit(
        teacher=teacher,
        years_experience=years,
        new_to_adoption=False,
        answers={i.key: 4 for i in SELF_ASSESSMENT},
        tech_comfort=4,
        **kw,  # type: ignore[arg-type]
    )


def scene(n_teachers: int = 3, tech_capacity: int = 2) -> Scene:
    district = DistrictFactory(name="Riverbend")
    school = SchoolFactory(district=district, name="Maple Elementary")
    goal = ImprovementGoalFactory(school=school)
    lead = member(UserFactory(username=f"lead{district.pk}"), Role.PROGRAM_LEAD, district=district)
    tech = CoachFactory(
        district=district,
        schools=[school],
        capacity=tech_capacity,
        user__first_name="Casey",
        user__last_name="Rivera",
    )
    mentor = CoachFactory(
        district=district,
        schools=[school],
        coach_type=CoachType.MENTOR,
        capacity=5,
        user__first_name="Morgan",
        user__last_name="Lee",
    )
    fit_services.coach_profile_update(
        coach=tech,
        tools=["Lexia"],
        content_areas=["ela"],
        grade_bands=["elementary"],
        practices=["small-group rotations"],
        quadrants=[Quadrant.NEW_CONFIDENT.value],
        languages=["English"],
    )
    teachers, requests = [], []
    for _ in range(n_teachers):
        teacher = TeacherFactory(school=school)
        confident(teacher, needs_tools=["Lexia"])
        tgoal = TeacherGoalFactory(teacher=teacher, improvement_goal=goal)
        requests.append(request_services.request_submit(teacher=teacher, goal=tgoal, needs=["Lexia"]))
        teachers.append(teacher)
    return Scene(district, lead, tech, mentor, teachers, requests)


def test_a_round_is_a_draft_that_teachers_cannot_see_until_the_lead_confirms(db: None) -> None:
    s = scene()
    matching_round = matching_rounds.round_run(actor=s.lead, district=s.district)
    assert matching_round.status == RoundStatus.DRAFT
    assert matching_round.figures["requests"] == 3
    assert matching_round.figures["matched"] == 3  # two with the technology coach, one with the mentor
    assert matching_round.figures["by_type"] == {"mentor": 1, "technology": 2}
    assert all(
        r.status == RequestStatus.OPEN
        for r in CoachingRequest.objects.filter(pk__in=[r.pk for r in s.requests])
    )
    teacher_user = s.teachers[0].user
    assert not coaching_access.proposals_visible_to(teacher_user).exists()

    matching_rounds.round_confirm(actor=s.lead, matching_round=matching_round)
    for r in CoachingRequest.objects.filter(pk__in=[r.pk for r in s.requests]):
        assert r.status == RequestStatus.PROPOSED
        assert r.coach_id in (s.tech.pk, s.mentor.pk)
    assert coaching_access.proposals_visible_to(teacher_user).count() == 1
    assert Notification.objects.filter(user=teacher_user, text__contains="proposes").exists()


def test_only_the_program_lead_runs_a_round(db: None) -> None:
    s = scene(n_teachers=1)
    with pytest.raises(PermissionDenied):
        matching_rounds.round_run(actor=s.tech.user, district=s.district)


def test_the_teacher_accepts_the_coach_is_notified_and_only_then_can_the_cycle_open(db: None) -> None:
    s = scene(n_teachers=1)
    matching_round = matching_rounds.round_run(actor=s.lead, district=s.district)
    matching_rounds.round_confirm(actor=s.lead, matching_round=matching_round)
    request = CoachingRequest.objects.get(pk=s.requests[0].pk)
    assert request.coach == s.tech
    with pytest.raises(ValidationError, match="has not accepted yet"):
        cycle_services.cycle_open(coach=s.tech, request=request)
    request_services.request_respond(teacher=s.teachers[0], request=request, accept=True)
    assert Notification.objects.filter(user=s.tech.user, text__contains="accepted you").exists()
    assert MatchProposal.objects.get(request=request).status == ProposalStatus.ACCEPTED
    cycle = cycle_services.cycle_open(coach=s.tech, request=request)
    assert cycle.status == CycleStatus.ACTIVE
    assert cycle in cycle_queries.caseload(s.tech)["active"]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=st.lists(st.booleans(), min_size=3, max_size=3))
def test_a_declined_proposal_never_becomes_a_cycle(db: None, answers: list[bool]) -> None:
    with transaction.atomic():
        s = scene()
        matching_rounds.round_confirm(
            actor=s.lead, matching_round=matching_rounds.round_run(actor=s.lead, district=s.district)
        )
        for teacher, request, accept in zip(s.teachers, s.requests, answers, strict=True):
            request_services.request_respond(
                teacher=teacher, request=CoachingRequest.objects.get(pk=request.pk), accept=accept
            )
        for request in CoachingRequest.objects.filter(pk__in=[r.pk for r in s.requests]):
            assert request.coach is not None
            if request.status == RequestStatus.ACCEPTED:
                cycle_services.cycle_open(coach=request.coach, request=request)
            else:
                with pytest.raises(ValidationError):
                    cycle_services.cycle_open(coach=request.coach, request=request)
        declined = {r.pk for r, a in zip(s.requests, answers, strict=True) if not a}
        assert not CoachingCycle.objects.filter(request_id__in=declined).exists()
        assert CoachingCycle.objects.filter(request__in=s.requests).count() == sum(answers)
        transaction.set_rollback(True)


def test_after_a_decline_the_next_round_proposes_someone_else(db: None) -> None:
    s = scene(n_teachers=1)
    matching_rounds.round_confirm(
        actor=s.lead, matching_round=matching_rounds.round_run(actor=s.lead, district=s.district)
    )
    request = CoachingRequest.objects.get(pk=s.requests[0].pk)
    request_services.request_respond(teacher=s.teachers[0], request=request, accept=False)
    assert Notification.objects.filter(user=s.lead, text__contains="declined").exists()
    second = matching_rounds.round_run(actor=s.lead, district=s.district)
    proposal = second.proposals.get()
    assert proposal.coach == s.mentor
    assert proposal.explanation["trail"] == [
        "Technology coach: none serves Maple Elementary other than one the teacher declined or is leaving."
    ]


def test_a_new_round_discards_the_earlier_draft(db: None) -> None:
    s = scene(n_teachers=1)
    first = matching_rounds.round_run(actor=s.lead, district=s.district)
    matching_rounds.round_run(actor=s.lead, district=s.district)
    first.refresh_from_db()
    assert first.status == RoundStatus.DISCARDED
    with pytest.raises(ValidationError, match="Only a draft round can be confirmed"):
        matching_rounds.round_confirm(actor=s.lead, matching_round=first)


def test_the_lead_changes_a_proposal_with_a_reason_and_the_new_fit_is_explained(db: None) -> None:
    s = scene(n_teachers=1)
    matching_round = matching_rounds.round_run(actor=s.lead, district=s.district)
    proposal = matching_round.proposals.get()
    assert proposal.coach == s.tech
    with pytest.raises(ValidationError, match="Say why"):
        matching_rounds.proposal_edit(actor=s.lead, proposal=proposal, coach=s.mentor, reason=" ")
    matching_rounds.proposal_edit(
        actor=s.lead, proposal=proposal, coach=s.mentor, reason="Morgan mentors this school's new staff."
    )
    proposal.refresh_from_db()
    assert (proposal.coach, proposal.support_type) == (s.mentor, "mentor")
    assert sum(p["points"] for p in proposal.explanation["parts"]) == proposal.score
    assert proposal.explanation["solver"]["route"].startswith(
        "Technology coach"
    )  # the solver's reasoning is kept
    matching_rounds.proposal_edit(
        actor=s.lead, proposal=proposal, offer="workshop", reason="A workshop is enough for now."
    )
    proposal.refresh_from_db()
    assert (proposal.kind, proposal.offer, proposal.coach) == (ProposalKind.OFFER, "workshop", None)


def test_confirming_refuses_when_a_coach_filled_up_since_the_round_ran(db: None) -> None:
    s = scene(n_teachers=1, tech_capacity=1)
    matching_round = matching_rounds.round_run(actor=s.lead, district=s.district)
    other = TeacherFactory(school=s.teachers[0].school)
    CycleFactory(coach=s.tech, request__goal__teacher=other)
    with pytest.raises(ValidationError, match="Run a new round"):
        matching_rounds.round_confirm(actor=s.lead, matching_round=matching_round)


def test_a_teacher_takes_up_a_lighter_offer_and_the_request_closes(db: None) -> None:
    s = scene(n_teachers=1, tech_capacity=1)
    Coach.objects.filter(pk__in=[s.tech.pk, s.mentor.pk]).update(capacity=1)
    for coach in (s.tech, s.mentor):
        CycleFactory(coach=coach, request__goal__teacher=TeacherFactory(school=s.teachers[0].school))
    matching_round = matching_rounds.round_run(actor=s.lead, district=s.district)
    proposal = matching_round.proposals.get()
    assert (proposal.kind, proposal.offer) == (ProposalKind.OFFER, "micro_coaching")
    assert proposal.explanation["trail"] == [
        "Technology coach: the 1 coach serving Maple Elementary had no free places.",
        "New-teacher mentor: the 1 coach serving Maple Elementary had no free places.",
    ]
    matching_rounds.round_confirm(actor=s.lead, matching_round=matching_round)
    proposal.refresh_from_db()
    matching_rounds.offer_respond(teacher=s.teachers[0], proposal=proposal, accept=True)
    assert CoachingRequest.objects.get(pk=s.requests[0].pk).status == RequestStatus.REFERRED
    assert AuditEvent.objects.filter(action=AuditAction.CONSENT, object_id=str(proposal.pk)).exists()


def _in_cycle(s: Scene) -> CoachingCycle:
    matching_rounds.round_confirm(
        actor=s.lead, matching_round=matching_rounds.round_run(actor=s.lead, district=s.district)
    )
    request = CoachingRequest.objects.get(pk=s.requests[0].pk)
    request_services.request_respond(teacher=s.teachers[0], request=request, accept=True)
    return cycle_services.cycle_open(coach=s.tech, request=request)


def test_a_handover_note_is_read_by_the_receiving_coach_only(db: None) -> None:
    s = scene(n_teachers=1)
    cycle = _in_cycle(s)
    handover = handover_services.handover_create(
        coach=s.tech,
        cycle=cycle,
        to_coach=s.mentor,
        reason="A mentor fits a first-year teacher better now.",
        note="Starts strong on Mondays; loses confidence after observations.",
    )
    cycle.refresh_from_db()
    assert (cycle.status, cycle.outcome) == (CycleStatus.CLOSED, CycleOutcome.HANDED_OVER)
    new = handover.new_request
    assert (new.status, new.coach) == (RequestStatus.PROPOSED, s.mentor)
    assert "Starts strong" in handover_queries.handover_note(s.mentor.user, handover)
    assert AuditEvent.objects.filter(action=AuditAction.NOTES_READ, object_id=str(handover.pk)).exists()
    for someone in (s.tech.user, s.lead, s.teachers[0].user):
        with pytest.raises(PermissionDenied):
            handover_queries.handover_note(someone, handover)
    # The teacher still decides.
    with pytest.raises(ValidationError):
        cycle_services.cycle_open(coach=s.mentor, request=new)
    request_services.request_respond(teacher=s.teachers[0], request=new, accept=True)
    assert cycle_services.cycle_open(coach=s.mentor, request=new).coach == s.mentor


def test_a_cycle_ends_with_a_referral_and_the_next_round_looks_for_that_support_first(db: None) -> None:
    s = scene(n_teachers=1)
    cycle = _in_cycle(s)
    with pytest.raises(ValidationError, match="either a support type or a lighter offer"):
        handover_services.cycle_refer(
            coach=s.tech, cycle=cycle, reason="x", support_type="mentor", offer="workshop"
        )
    referral = handover_services.cycle_refer(
        coach=s.tech, cycle=cycle, support_type="mentor", reason="Classroom routines come first this term."
    )
    cycle.refresh_from_db()
    assert cycle.outcome == CycleOutcome.REFERRED
    assert referral in handover_queries.referrals_waiting_for(s.teachers[0])
    handover_services.referral_respond(teacher=s.teachers[0], referral=referral, accept=True)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.new_request is not None
    assert referral.new_request.preferred_type == "mentor"
    proposal = matching_rounds.round_run(actor=s.lead, district=s.district).proposals.get()
    assert proposal.coach == s.mentor
    assert proposal.explanation["route"].startswith("New-teacher mentor: the first choice")


def test_a_coach_moves_a_placement_only_with_a_reason_and_only_for_their_own_teachers(db: None) -> None:
    s = scene(n_teachers=1)
    cycle = _in_cycle(s)
    intake = TeacherIntake.objects.get(teacher=cycle.teacher)
    assert intake.quadrant == Quadrant.NEW_CONFIDENT
    with pytest.raises(ValidationError, match="Say why the placement moves"):
        fit_services.observation_add(coach=s.tech, intake=intake, confidence_shift=-1.0)
    with pytest.raises(PermissionDenied):
        fit_services.observation_add(coach=s.mentor, intake=intake, note="Not my teacher.")
    fit_services.observation_add(
        coach=s.tech,
        intake=intake,
        confidence_shift=-1.0,
        reason="Inflexible when plans change, in three visits.",
    )
    intake.refresh_from_db()
    assert (intake.confidence_axis, intake.quadrant) == (3.0, Quadrant.NEW_DEVELOPING)


def test_changing_the_districts_cuts_re_places_every_teacher_and_is_audited(db: None) -> None:
    s = scene(n_teachers=2)
    policy = fit_services.policy_ensure(district=s.district)
    kwargs = {
        "experience_threshold": 0.5,
        "adoption_discount": 2.0,
        "confidence_threshold": policy.confidence_threshold,
        "weights": policy.weights.as_dict(),
        "routes": policy.route_map,
    }
    with pytest.raises(PermissionDenied):
        fit_services.policy_update(actor=s.tech.user, district=s.district, **kwargs)  # type: ignore[arg-type]
    fit_services.policy_update(actor=s.lead, district=s.district, **kwargs)  # type: ignore[arg-type]
    assert set(TeacherIntake.objects.values_list("quadrant", flat=True)) == {Quadrant.EXPERIENCED_CONFIDENT}
    assert AuditEvent.objects.filter(action=AuditAction.SETTINGS_CHANGE).exists()
    with pytest.raises(ValidationError):
        fit_services.policy_update(
            actor=s.lead, district=s.district, **(kwargs | {"weights": dict.fromkeys(kwargs["weights"], 0)})
        )  # type: ignore[arg-type, operator]


def test_the_program_lead_sees_placements_but_not_self_assessment_answers(db: None) -> None:
    s = scene(n_teachers=1)
    intake = TeacherIntake.objects.get(teacher=s.teachers[0])
    assert coaching_access.intakes_visible_to(s.lead).filter(pk=intake.pk).exists()
    assert not coaching_access.may_read_intake_answers(s.lead, intake)
    assert coaching_access.may_read_intake_answers(s.teachers[0].user, intake)
    assert not coaching_access.may_read_intake_answers(s.tech.user, intake)  # not their teacher yet
    _in_cycle(s)
    assert coaching_access.may_read_intake_answers(s.tech.user, intake)


def test_quadrant_counts_hide_small_schools_from_the_principal(db: None) -> None:
    s = scene(n_teachers=3)
    principal = member(UserFactory(), Role.PRINCIPAL, district=s.district, school=s.teachers[0].school)
    table = fit_queries.quadrant_distribution(principal)
    (row,) = table.rows
    assert row.total is None  # 3 teachers, below the minimum group size of 10
    assert all(cell in (None, 0) for cell in row.cells)
    s.district.min_group_size = 1
    s.district.save()
    table = fit_queries.quadrant_distribution(principal)
    assert table.rows[0].cells[0] == 3


def test_with_many_schools_each_row_is_suppressed_on_its_own_and_no_totals_give_cells_away(db: None) -> None:
    from coachmap.coaching.bestfit.queries import GRID_LIMIT

    district = DistrictFactory(min_group_size=3)
    lead = member(UserFactory(), Role.PROGRAM_LEAD, district=district)
    for i in range(GRID_LIMIT + 1):
        school = SchoolFactory(district=district, name=f"School {i:02d}")
        for j in range(4 + i % 3):
            confident(TeacherFactory(school=school), years=1 if j % 2 else 9)
    table = fit_queries.quadrant_distribution(lead)
    assert table.totals is None
    assert table.grand_total is None
    assert len(table.rows) == GRID_LIMIT + 1
    for row in table.rows:
        shown = [c for c in row.cells if c is not None]
        hidden = len(row.cells) - len(shown)
        # A single hidden cell beside a shown row total could be worked out: never happens.
        assert hidden != 1 or row.total is None
        assert all(c == 0 or c >= 3 for c in shown)


def test_handed_over_to_a_support_type_the_note_waits_for_the_coach_the_teacher_accepts(db: None) -> None:
    s = scene(n_teachers=1)
    cycle = _in_cycle(s)
    handover = handover_services.handover_create(
        coach=s.tech,
        cycle=cycle,
        support_type="mentor",
        reason="A mentor fits a first-year teacher better now.",
        note="Prefers to start with co-planning.",
    )
    assert handover.to_coach is None
    assert handover.new_request.status == RequestStatus.OPEN
    assert not coaching_access.may_read_handover_note(s.mentor.user, handover)
    matching_round = matching_rounds.round_run(actor=s.lead, district=s.district)
    proposal = matching_round.proposals.get()
    assert proposal.coach == s.mentor  # routed to the mentor first; the handing-over coach is left out
    matching_rounds.round_confirm(actor=s.lead, matching_round=matching_round)
    request_services.request_respond(
        teacher=s.teachers[0], request=CoachingRequest.objects.get(pk=handover.new_request_id), accept=True
    )
    handover.refresh_from_db()
    assert handover.to_coach == s.mentor
    assert handover_queries.handover_note(s.mentor.user, handover) == "Prefers to start with co-planning."
    assert Notification.objects.filter(user=s.mentor.user, text__contains="a note for you alone").exists()
    with pytest.raises(PermissionDenied):
        handover_queries.handover_note(s.tech.user, handover)
