"""Who may see coaching: goals, requests, cycles, sessions, evidence, check-ins, time, agreements,
intakes, look-fors, routing, matching, referrals and handovers (notifications: `notifications.access`).

The intake is the teacher's. Their coaches (proposed, accepted or in a cycle) read it all, to
fit their support; the program lead sees the placement, needs, availability and preferences
that routing uses, but not the self-assessment answers (`may_read_intake_answers`) nor coaches'
observations. A handover note is for the receiving coach alone (`may_read_handover_note`).

Scopes built on the primitives of `core.access` (docs/architecture.md, "Layers")."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from coachmap.coaching.models import (
    CalendarEvent,
    CoachingCycle,
    CoachingRequest,
    CoachingSession,
    CoachProfile,
    Consent,
    FidelityCheckIn,
    GroupCycle,
    GroupMember,
    GroupSession,
    Handover,
    IntakeObservation,
    LighterSupport,
    LookFor,
    MatchingRound,
    MatchProposal,
    MicroConversation,
    ObservationStatus,
    Offering,
    OfferingStatus,
    PartnershipAgreement,
    PeerObservation,
    PrincipalCheckIn,
    ProposalStatus,
    Referral,
    RoutingPolicy,
    Seat,
    StudentEvidence,
    TeacherGoal,
    TeacherIntake,
    TimeEntry,
)
from coachmap.core import tokens
from coachmap.core.access import (
    AnyUser,
    admin_district_ids,
    coach_of,
    coaches_visible_to,
    district_ids,
    lead_district_ids,
    own,
    school_ids,
    teacher_of,
    time_log_coaches_for,
)
from coachmap.core.models import AuditAction, AuditEvent, Coach, Role, Teacher


def led(user: AnyUser, path: str) -> Q:
    """Rows whose `path` (a district id) is one the user leads the program in; no join at all for
    anyone who leads none (a join that filters nothing still costs a large district's scan)."""
    districts = lead_district_ids(user)
    return Q(**{f"{path}__in": districts}) if districts else Q(pk__in=[])


def teacher_goals_visible_to(user: AnyUser) -> QuerySet[TeacherGoal]:
    """A teacher's own goals; their coach's view of them; the program lead's for routing."""
    q = own(user, "teacher") | led(user, "teacher__school__district_id")
    coach = coach_of(user)
    if coach is not None:
        q |= Q(requests__coach=coach) | Q(cycles__coach=coach)
    return TeacherGoal.objects.filter(q).distinct()


def requests_visible_to(user: AnyUser) -> QuerySet[CoachingRequest]:
    q = own(user, "teacher") | led(user, "teacher__school__district_id")
    coach = coach_of(user)
    if coach is not None:
        q |= Q(coach=coach)
    return CoachingRequest.objects.filter(q)


def led_coaches(user: AnyUser, path: str) -> Q:
    """Rows whose coach (`path`) works in a district the user leads the program in, the coaches
    found by a subquery rather than a join: beside the OR of the reader's own rows, a join kept
    PostgreSQL guessing a handful of rows, so on the large district it joined teachers, users and
    goals to all 22,891 cycles before sorting them for a page of 50 (321 ms, issue 18)."""
    districts = lead_district_ids(user)
    if not districts:
        return Q(pk__in=[])
    return Q(**{f"{path}_id__in": Coach.objects.filter(district_id__in=districts).values("pk")})


def cycles_visible_to(user: AnyUser) -> QuerySet[CoachingCycle]:
    """Cycles are the teacher's and coach's; the program lead sees caseloads. Principals never see who is coached."""
    return CoachingCycle.objects.filter(
        own(user, "teacher") | own(user, "coach") | led_coaches(user, "coach")
    )


def sessions_visible_to(user: AnyUser) -> QuerySet[CoachingSession]:
    """Session rows. Notes are deferred for everyone who may not read them; read notes through
    `coaching.cycles.queries.session_notes`, which checks `may_read_notes` and audits the read."""
    mine = own(user, "cycle__teacher") | own(user, "cycle__coach")
    lead = led(user, "cycle__coach__district_id")
    return CoachingSession.objects.filter(mine | lead).defer("notes")


def may_read_notes(user: AnyUser, cycle: CoachingCycle) -> bool:
    """Only the two people in the coaching relationship, whatever else they are; never with an
    API token (`core.tokens`), whatever its scopes."""
    if tokens.via_token(user):
        return False
    return user.is_authenticated and user.pk in (cycle.teacher.user_id, cycle.coach.user_id)


def evidence_visible_to(user: AnyUser) -> QuerySet[StudentEvidence]:
    """Counts of students meeting a cycle's target: the teacher, the coach, the program lead."""
    mine = own(user, "cycle__teacher") | own(user, "cycle__coach")
    return StudentEvidence.objects.filter(mine | led(user, "cycle__coach__district_id"))


def checkins_visible_to(user: AnyUser) -> QuerySet[FidelityCheckIn]:
    """Fidelity check-ins name a teacher's barriers: like notes, for the two of them only."""
    if not user.is_authenticated:
        return FidelityCheckIn.objects.none()
    return FidelityCheckIn.objects.filter(own(user, "cycle__teacher") | own(user, "cycle__coach"))


def time_entries_visible_to(user: AnyUser) -> QuerySet[TimeEntry]:
    return TimeEntry.objects.filter(coach__in=time_log_coaches_for(user))


def calendar_events_visible_to(user: AnyUser) -> QuerySet[CalendarEvent]:
    """An imported calendar can hold private appointments: the coach's own eyes only."""
    if not user.is_authenticated:
        return CalendarEvent.objects.none()
    return CalendarEvent.objects.filter(coach__user_id=user.pk)


def agreements_visible_to(user: AnyUser) -> QuerySet[PartnershipAgreement]:
    """The coach and principal who made it, the school's teachers, the program lead and district admin."""
    q = own(user, "coach") | Q(school_id__in=school_ids(user, Role.PRINCIPAL, Role.TEACHER))
    q |= Q(school__district_id__in=lead_district_ids(user) | admin_district_ids(user))
    return PartnershipAgreement.objects.filter(q)


def may_change_agreement(user: AnyUser, agreement: PartnershipAgreement) -> bool:
    """Only its two parties: the coach, and the principal of the school."""
    return may_write_agreement(user, agreement.coach, agreement.school_id)


def may_write_agreement(user: AnyUser, coach: Coach, school_id: int) -> bool:
    """A coach's agreement with a school: written by that coach or by the school's principal."""
    return user.is_authenticated and (
        user.pk == coach.user_id or school_id in school_ids(user, Role.PRINCIPAL)
    )


def _coached_by(coach: Coach, prefix: str = "") -> Q:
    """Teachers (reached through `prefix`) who asked this coach, were proposed to them, or work with them."""
    return Q(**{f"{prefix}requests__coach": coach}) | Q(**{f"{prefix}cycles__coach": coach})


def intakes_visible_to(user: AnyUser) -> QuerySet[TeacherIntake]:
    q = own(user, "teacher") | led(user, "teacher__school__district_id")
    coach = coach_of(user)
    if coach is not None:
        q |= _coached_by(coach, "teacher__")
    return TeacherIntake.objects.filter(q).distinct()


def may_read_intake_answers(user: AnyUser, intake: TeacherIntake) -> bool:
    """The self-assessment answers: the teacher and their coaches, not the program lead; never
    with an API token (individual answers are not for other systems)."""
    if not user.is_authenticated or tokens.via_token(user):
        return False
    if intake.teacher.user_id == user.pk:
        return True
    coach = coach_of(user)
    return coach is not None and Teacher.objects.filter(_coached_by(coach), pk=intake.teacher_id).exists()


def observations_visible_to(user: AnyUser) -> QuerySet[IntakeObservation]:
    """Coaches' observations: the teacher observed, the coach who wrote them, the teacher's coaches."""
    q = Q(intake__teacher__user_id=user.pk) | own(user, "coach")
    coach = coach_of(user)
    if coach is not None:
        q |= _coached_by(coach, "intake__teacher__")
    return IntakeObservation.objects.filter(q).distinct()


def coach_profiles_visible_to(user: AnyUser) -> QuerySet[CoachProfile]:
    return CoachProfile.objects.filter(coach__in=coaches_visible_to(user))


def _coaching_districts(user: AnyUser) -> set[int]:
    return district_ids(user, Role.COACH, Role.PROGRAM_LEAD, Role.DISTRICT_ADMIN)


def look_fors_visible_to(user: AnyUser) -> QuerySet[LookFor]:
    """The district's look-for checklists: its coaches, program lead and admin."""
    return LookFor.objects.filter(district_id__in=_coaching_districts(user))


def routing_policies_visible_to(user: AnyUser) -> QuerySet[RoutingPolicy]:
    return RoutingPolicy.objects.filter(district_id__in=_coaching_districts(user))


def may_edit_routing_policy(user: AnyUser, district_id: int) -> bool:
    return district_id in lead_district_ids(user) | admin_district_ids(user)


def rounds_visible_to(user: AnyUser) -> QuerySet[MatchingRound]:
    return MatchingRound.objects.filter(district_id__in=lead_district_ids(user))


def proposals_visible_to(user: AnyUser) -> QuerySet[MatchProposal]:
    """Drafts are the program lead's; once confirmed, the teacher's and the proposed coach's too."""
    sent = Q(status__in=[ProposalStatus.SENT, ProposalStatus.ACCEPTED, ProposalStatus.DECLINED])
    q = led(user, "round__district_id")
    q |= sent & own(user, "teacher")
    q |= sent & own(user, "coach")
    return MatchProposal.objects.filter(q)


def referrals_visible_to(user: AnyUser) -> QuerySet[Referral]:
    return Referral.objects.filter(
        own(user, "teacher") | Q(from_coach__user_id=user.pk) | led(user, "teacher__school__district_id")
    )


def handovers_visible_to(user: AnyUser) -> QuerySet[Handover]:
    """That a handover happened: both coaches, the teacher and the program lead. The note: see below."""
    return Handover.objects.filter(
        Q(from_coach__user_id=user.pk)
        | Q(to_coach__user_id=user.pk)
        | Q(new_request__teacher__user_id=user.pk)
        | led(user, "from_coach__district_id")
    ).defer("note")


def may_read_handover_note(user: AnyUser, handover: Handover) -> bool:
    """Only the receiving coach: not the teacher, not the program lead, not the coach who wrote it.

    Handed to a support type, nobody reads it until the teacher has accepted a coach of that type.
    Never with an API token.
    """
    if tokens.via_token(user):
        return False
    return user.is_authenticated and handover.to_coach is not None and handover.to_coach.user_id == user.pk


def note_reads_visible_to(user: AnyUser, cycle: CoachingCycle) -> QuerySet[AuditEvent]:
    """Who read a cycle's notes: for the cycle's teacher alone, whose notes they are."""
    if not may_see_note_reads(user, cycle):
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(
        action=AuditAction.NOTES_READ, object_type=cycle._meta.label_lower, object_id=str(cycle.pk)
    )


def may_see_note_reads(user: AnyUser, cycle: CoachingCycle) -> bool:
    """Who read a cycle's notes: its teacher, whose notes they are."""
    return user.is_authenticated and cycle.teacher.user_id == user.pk


def may_assign_coach(user: AnyUser, district_id: int) -> bool:
    """Proposing a coach for a request: the district's program lead."""
    return district_id in lead_district_ids(user)


def may_run_matching(user: AnyUser, district_id: int) -> bool:
    """Matching rounds and their proposals: the district's program lead."""
    return district_id in lead_district_ids(user)


def may_edit_look_fors(user: AnyUser, district_id: int) -> bool:
    """The district's look-for checklists: its coaches and program lead."""
    return district_id in district_ids(user, Role.COACH, Role.PROGRAM_LEAD)


def may_work_on_cycle(user: AnyUser, cycle: CoachingCycle) -> bool:
    """A cycle's sessions, evidence, check-ins and close: its coach."""
    return user.is_authenticated and cycle.coach.user_id == user.pk


def _is_teacher(user: AnyUser, teacher_id: int) -> bool:
    teacher = teacher_of(user)
    return teacher is not None and teacher.pk == teacher_id


def _is_coach(user: AnyUser, coach_id: int | None) -> bool:
    coach = coach_of(user)
    return coach is not None and coach.pk == coach_id


def may_request_coaching(user: AnyUser, goal: TeacherGoal) -> bool:
    """Coaching is voluntary: only the teacher whose goal it is asks."""
    return _is_teacher(user, goal.teacher_id)


def may_answer_request(user: AnyUser, coaching_request: CoachingRequest) -> bool:
    """Accepting or declining a proposed coach: the teacher who asked."""
    return _is_teacher(user, coaching_request.teacher_id)


def may_answer_proposal(user: AnyUser, proposal: MatchProposal) -> bool:
    """A matching round's offer: the teacher it was offered to."""
    return _is_teacher(user, proposal.teacher_id)


def may_answer_referral(user: AnyUser, referral: Referral) -> bool:
    """A referral to other support: the teacher who was referred."""
    return _is_teacher(user, referral.teacher_id)


def may_open_cycle(user: AnyUser, coaching_request: CoachingRequest) -> bool:
    """The coach the request was proposed to (and the teacher accepted)."""
    return _is_coach(user, coaching_request.coach_id)


# --- group cycles (issue 16) ------------------------------------------------------------------------
# The one-teacher rule, mirrored: the people in the coaching relationship (here: the coach and every
# member who accepted) read notes; the program lead sees that the group exists, as a caseload line;
# principals and the district admin see nothing of it. A declined (or withdrawn) member is no longer
# in the relationship: only the coach still sees that they were asked.


def group_cycles_visible_to(user: AnyUser) -> QuerySet[GroupCycle]:
    """The coach's own groups; a teacher's groups they were invited to (and have not declined); the
    program lead's district, as caseloads."""
    if not user.is_authenticated:
        return GroupCycle.objects.none()
    member = Q(members__teacher__user_id=user.pk, members__consent__in=[Consent.INVITED, Consent.ACCEPTED])
    q = own(user, "coach") | member | led(user, "coach__district_id")
    return GroupCycle.objects.filter(q).distinct()


def group_members_shown(user: AnyUser, group: GroupCycle) -> QuerySet[GroupMember]:
    """Who is in a group, as `user` may see it: the coach sees every answer; everyone else sees the
    members who accepted, and no trace of anyone who declined."""
    members = GroupMember.objects.filter(group=group).select_related("teacher__user")
    if may_work_on_group(user, group):
        return members
    if not group_cycles_visible_to(user).filter(pk=group.pk).exists():
        return members.none()
    return members.filter(consent=Consent.ACCEPTED)


def group_sessions_visible_to(user: AnyUser) -> QuerySet[GroupSession]:
    """Group session rows; notes deferred for everyone (read them through
    `coaching.groups.queries.group_notes`, which checks `may_read_group_notes` and audits)."""
    if not user.is_authenticated:
        return GroupSession.objects.none()
    mine = Q(group__coach__user_id=user.pk) | Q(
        group__members__teacher__user_id=user.pk, group__members__consent=Consent.ACCEPTED
    )
    lead = led(user, "group__coach__district_id")
    return GroupSession.objects.filter(mine | lead).distinct().defer("notes")


def may_read_group_notes(user: AnyUser, group: GroupCycle) -> bool:
    """The coach and the members who accepted, whatever else they are."""
    if not user.is_authenticated:
        return False
    if group.coach.user_id == user.pk:
        return True
    return GroupMember.objects.filter(
        group=group, teacher__user_id=user.pk, consent=Consent.ACCEPTED
    ).exists()


def may_work_on_group(user: AnyUser, group: GroupCycle) -> bool:
    """A group's members, sessions, stages and close: its coach."""
    return user.is_authenticated and group.coach.user_id == user.pk


def may_form_group(user: AnyUser, school_id: int) -> bool:
    """A coach forms a group at a school they serve."""
    coach = coach_of(user)
    return coach is not None and coach.schools.filter(pk=school_id).exists()


def may_answer_group_invitation(user: AnyUser, member: GroupMember) -> bool:
    """Joining, declining or stepping back from a group: the teacher invited, no one else."""
    return _is_teacher(user, member.teacher_id)


# --- professional-learning offerings (issue 16) -----------------------------------------------------


def offerings_visible_to(user: AnyUser) -> QuerySet[Offering]:
    """The district's catalog: everyone in the district (cancelled offerings: those who run it)."""
    everyone = district_ids(user)
    runs = lead_district_ids(user) | district_ids(user, Role.COACH)
    return Offering.objects.filter(
        Q(district_id__in=everyone, status=OfferingStatus.OPEN) | Q(district_id__in=runs)
    )


def may_add_offering(user: AnyUser, district_id: int) -> bool:
    """The catalog: the program lead and the district's coaches (who present much of it)."""
    return district_id in lead_district_ids(user) | district_ids(user, Role.COACH)


def may_run_offering(user: AnyUser, offering: Offering) -> bool:
    """The sign-up list and attendance: the presenting coach, or the program lead (who marks it for an
    outside presenter)."""
    if not user.is_authenticated:
        return False
    if offering.presenter_coach is not None and offering.presenter_coach.user_id == user.pk:
        return True
    return offering.district_id in lead_district_ids(user)


def may_take_seat(user: AnyUser, offering: Offering) -> bool:
    """Signing up: a teacher of the offering's district."""
    teacher = teacher_of(user)
    return teacher is not None and teacher.school.district_id == offering.district_id


def may_change_seat(user: AnyUser, seat: Seat) -> bool:
    """Giving a seat back or asking for follow-up coaching: the teacher whose seat it is."""
    return _is_teacher(user, seat.teacher_id)


def seats_visible_to(user: AnyUser) -> QuerySet[Seat]:
    """A teacher's own seats; the sign-up lists of offerings the person runs."""
    if not user.is_authenticated:
        return Seat.objects.none()
    q = own(user, "teacher") | Q(offering__presenter_coach__user_id=user.pk)
    q |= led(user, "offering__district_id")
    return Seat.objects.filter(q)


# --- lighter supports (issue 16, part 1) ----------------------------------------------------------


def lighter_supports_visible_to(user: AnyUser) -> QuerySet[LighterSupport]:
    """A lighter support: its teacher, the program lead, and the coaches who serve the teacher's school."""
    q = own(user, "teacher") | led(user, "teacher__school__district_id")
    coach = coach_of(user)
    if coach is not None:
        q |= Q(coach=coach) | Q(teacher__school__in=coach.schools.all())
    return LighterSupport.objects.filter(q).distinct()


def micro_conversations_visible_to(user: AnyUser) -> QuerySet[MicroConversation]:
    """Micro-coaching conversations are like session notes: the teacher and the coach only. The
    program lead counts them (`lighter.queries`) but never reads them."""
    if not user.is_authenticated:
        return MicroConversation.objects.none()
    return MicroConversation.objects.filter(own(user, "teacher") | own(user, "coach"))


def may_read_micro_notes(user: AnyUser, conversation: MicroConversation) -> bool:
    """A micro-coaching conversation's focus, next step and notes: the two people in it."""
    return user.is_authenticated and user.pk in (conversation.teacher.user_id, conversation.coach.user_id)


def may_log_micro(user: AnyUser, teacher: Teacher) -> bool:
    """Logging a micro-coaching conversation without a cycle: a coach who serves the teacher's school."""
    coach = coach_of(user)
    return coach is not None and coach.schools.filter(pk=teacher.school_id).exists()


def peer_observations_visible_to(user: AnyUser) -> QuerySet[PeerObservation]:
    """A peer observation: its host (whatever they answered), its observer once the host said yes,
    and the program lead and the coach who arranged it unless the host declined. A host who declined
    is seen by nobody but themselves."""
    if not user.is_authenticated:
        return PeerObservation.objects.none()
    agreed = Q(status__in=[ObservationStatus.ASKED, ObservationStatus.SCHEDULED, ObservationStatus.DONE])
    q = Q(host__user_id=user.pk)
    q |= Q(
        support__teacher__user_id=user.pk, status__in=[ObservationStatus.SCHEDULED, ObservationStatus.DONE]
    )
    q |= agreed & (led(user, "support__teacher__school__district_id") | Q(arranged_by=user.pk))
    return PeerObservation.objects.filter(q)


def may_arrange_observation(user: AnyUser, support: LighterSupport) -> bool:
    """Choosing a host and a date: the district's program lead, or a coach who serves the teacher's school."""
    if support.teacher.school.district_id in lead_district_ids(user):
        return True
    return may_log_micro(user, support.teacher)


def may_answer_observation(user: AnyUser, observation: PeerObservation) -> bool:
    """Saying yes or no to hosting: the host alone."""
    return _is_teacher(user, observation.host_id)


def may_reflect_observation(user: AnyUser, observation: PeerObservation) -> bool:
    """The reflection after a visit: the teacher who observed."""
    return _is_teacher(user, observation.support.teacher_id)


# --- principal–coach check-ins (issue 16, part 8) ---------------------------------------------------


def principal_checkins_visible_to(user: AnyUser) -> QuerySet[PrincipalCheckIn]:
    """A check-in and its notes: the coach, the school's principal and the program lead. Not the
    school's teachers, not the district admin."""
    if not user.is_authenticated:
        return PrincipalCheckIn.objects.none()
    q = own(user, "coach") | Q(school_id__in=school_ids(user, Role.PRINCIPAL))
    q |= led(user, "school__district_id")
    return PrincipalCheckIn.objects.filter(q)


def may_write_checkin(user: AnyUser, coach: Coach, school_id: int) -> bool:
    """Scheduling a check-in and writing its notes: the coach and the school's principal (the agreement's parties)."""
    return may_write_agreement(user, coach, school_id)
