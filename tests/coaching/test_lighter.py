"""Lighter supports that happen (issue 16, part 1): each offer taken up gets its own record and life.

Micro-coaching is logged without a cycle and stays between teacher and coach; a peer observation
happens only with the host's yes, and a host who says no is never shown to anyone else; a workshop
seat waits with words that say what happens next. The teacher and the lead read each status."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from coachmap.coaching.bestfit import rounds
from coachmap.coaching.handovers import services as handover_services
from coachmap.coaching.lighter import queries, services
from coachmap.coaching.lighter.models import (
    LighterSupport,
    MicroConversation,
    ObservationStatus,
    PeerObservation,
    SupportKind,
    SupportStatus,
)
from coachmap.coaching.lighter.status import WORKSHOP_WAITING, Facts, support_status_words
from coachmap.coaching.models import CoachingSession, ProposalStatus, RequestStatus
from coachmap.coaching.requests import queries as request_queries
from coachmap.coaching.timelog import queries as timelog_queries
from coachmap.core.models import AuditAction, AuditEvent
from tests.conftest import MICRO_NOTE, World
from tests.factories import TeacherFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 10, 1)  # a Thursday


def _peer_support(world: World) -> LighterSupport:
    return services.lighter_support_start(teacher=world.teacher, kind=SupportKind.PEER)


# --- taking up an offer begins the support -----------------------------------------------------------


@time_machine.travel(TODAY)
def test_taking_up_a_workshop_offer_records_a_seat_request_that_says_what_happens_next(world: World) -> None:
    rounds.offer_respond(teacher=world.teacher, proposal=world.offer_proposal, accept=True)
    seat = LighterSupport.objects.get(request=world.offer_proposal.request)
    assert (seat.kind, seat.status, seat.teacher) == (
        SupportKind.WORKSHOP,
        SupportStatus.WAITING,
        world.teacher,
    )
    # The teacher reads it on their request and on their home page, never "Waiting for a coach".
    words = {
        r.pk: r.status_words for r in request_queries.teacher_requests(world.teacher.user, world.teacher)
    }
    request_words = words[world.offer_proposal.request_id]
    assert request_words.label == "Workshop seat requested" and request_words.next == WORKSHOP_WAITING
    home = world.client("teacher").get(reverse("home")).content.decode()
    assert "Workshop seat requested" in home and WORKSHOP_WAITING in home
    # The lead counts it among the request statuses on the requests page.
    page = world.client("lead").get(reverse("coaching:requests")).content.decode()
    assert "Workshop seat" in page and "Workshop seat requested" in page


def test_declining_an_offer_begins_nothing(world: World) -> None:
    rounds.offer_respond(teacher=world.teacher, proposal=world.offer_proposal, accept=False)
    assert not LighterSupport.objects.filter(request=world.offer_proposal.request).exists()
    world.offer_proposal.refresh_from_db()
    assert world.offer_proposal.status == ProposalStatus.DECLINED
    assert world.offer_proposal.request.status == RequestStatus.OPEN


@time_machine.travel(TODAY)
def test_a_referral_to_micro_coaching_begins_it_and_the_coaches_of_the_school_hear(world: World) -> None:
    handover_services.referral_respond(teacher=world.teacher, referral=world.referral, accept=True)
    support = LighterSupport.objects.get(
        teacher=world.teacher, kind=SupportKind.MICRO, goal=world.referral.goal
    )
    assert support.status == SupportStatus.WAITING and support.goal_id == world.referral.goal_id
    assert world.coach.user.notifications.filter(text__contains="took up micro-coaching").exists()
    assert not world.other_coach.user.notifications.filter(text__contains="took up micro-coaching").exists()


# --- micro-coaching without a cycle ---------------------------------------------------------------------


@time_machine.travel(TODAY)
def test_micro_coaching_is_logged_without_a_cycle_and_joins_the_support_and_the_time_log(
    world: World,
) -> None:
    support = services.lighter_support_start(teacher=world.teacher, kind=SupportKind.MICRO)
    LighterSupport.objects.filter(pk=world.lt.micro_support.pk).delete()
    day = TODAY - datetime.timedelta(days=1)
    conversation = services.micro_conversation_log(
        coach=world.coach,
        teacher=world.teacher,
        date=day,
        minutes=15,
        focus="Exit tickets",
        next_step="Use the three-question exit ticket on Friday",
    )
    support.refresh_from_db()
    assert conversation.support == support
    assert not CoachingSession.objects.filter(date=day).exists()  # no cycle, no session
    assert (support.status, support.coach) == (SupportStatus.UNDER_WAY, world.coach)
    view = queries.support_view(world.teacher.user, support, TODAY)
    assert view.words.label == "Micro-coaching under way" and "1 conversation with" in view.words.next
    grid = timelog_queries.week_grid(world.coach.user, world.coach, day)
    micro = next(r for r in grid.rows if r.category == "micro")
    assert micro.cells[day.weekday()] == 15 and micro.coaching


def test_only_a_coach_of_the_teachers_school_logs_micro_coaching(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.micro_conversation_log(
            coach=world.other_coach,
            teacher=world.teacher,
            date=datetime.date(2026, 9, 1),
            minutes=10,
            focus="x",
            next_step="y",
            today=datetime.date(2026, 9, 2),
        )


@pytest.mark.parametrize(
    ("date", "focus", "next_step", "field"),
    [
        (datetime.date(2026, 9, 3), "Focus", "Step", "date"),  # tomorrow
        (datetime.date(2026, 7, 1), "Focus", "Step", "date"),  # last school year
        (datetime.date(2026, 9, 1), " ", "Step", "focus"),
        (datetime.date(2026, 9, 1), "Focus", "", "next_step"),
    ],
)
def test_bad_micro_coaching_input_names_the_field_and_writes_nothing(
    world: World, date: datetime.date, focus: str, next_step: str, field: str
) -> None:
    before = MicroConversation.objects.count()
    with pytest.raises(ValidationError) as error:
        services.micro_conversation_log(
            coach=world.coach,
            teacher=world.teacher,
            date=date,
            minutes=10,
            focus=focus,
            next_step=next_step,
            today=datetime.date(2026, 9, 2),
        )
    assert field in error.value.message_dict
    assert MicroConversation.objects.count() == before


def test_micro_coaching_notes_are_for_the_teacher_and_coach_and_every_read_is_audited(world: World) -> None:
    conversation = world.lt.conversation
    for role in ("teacher", "coach"):
        assert queries.conversation_notes(world.users[role], conversation).notes == MICRO_NOTE
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.NOTES_READ,
            object_type="coaching.microconversation",
            object_id=str(conversation.pk),
        ).count()
        == 2
    )
    for role in ("lead", "principal", "admin", "other_coach"):
        with pytest.raises(PermissionDenied):
            queries.conversation_notes(world.users[role], conversation)
    # The lead sees the support and how many conversations, never what was said.
    page = world.client("lead").get(reverse("coaching:lighter-support", args=[world.lt.micro_support.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and "1 conversation with" in body and MICRO_NOTE not in body
    assert "Try the rotation chart" not in body


# --- peer observation: the host's consent ---------------------------------------------------------


@time_machine.travel(TODAY)
def test_a_peer_observation_is_scheduled_only_with_the_hosts_yes_and_then_reflected_on(world: World) -> None:
    support = _peer_support(world)
    host = TeacherFactory(school=world.other_school)
    visit = TODAY + datetime.timedelta(days=5)
    observation = services.observation_arrange(
        actor=world.lead, support=support, host=host, date=visit, focus="Exit tickets"
    )
    assert observation.status == ObservationStatus.ASKED
    assert host.user.notifications.filter(text__contains="nothing happens without your yes").exists()
    teacher_view = queries.support_view(world.teacher.user, support, TODAY)
    assert teacher_view.words.label == "Peer observation: asking a host"
    assert str(host) not in teacher_view.words.next
    # Only the host answers.
    with pytest.raises(PermissionDenied):
        services.observation_answer(host=world.teacher, observation=observation, accept=True)
    services.observation_answer(host=host, observation=observation, accept=True)
    support.refresh_from_db()
    assert support.status == SupportStatus.UNDER_WAY
    assert AuditEvent.objects.filter(action=AuditAction.CONSENT, actor=host.user).exists()
    words = queries.support_view(world.teacher.user, support, TODAY).words
    assert words.label == f"Peer observation on {visit:%B %-d}" and str(host) in words.next
    # A reflection comes after the visit, from the observer only.
    with pytest.raises(ValidationError, match="after the visit"):
        services.observation_reflect(teacher=world.teacher, observation=observation, reflection="Early")
    with time_machine.travel(visit + datetime.timedelta(days=1)):
        after = queries.support_view(world.teacher.user, support, visit + datetime.timedelta(days=1))
        assert after.words.label == "Reflection to write"
        with pytest.raises(PermissionDenied):
            services.observation_reflect(teacher=host, observation=observation, reflection="Mine")
        services.observation_reflect(
            teacher=world.teacher, observation=observation, reflection="Saw the chart; will try it."
        )
    support.refresh_from_db()
    assert support.status == SupportStatus.DONE
    assert queries.support_view(world.teacher.user, support, TODAY).words.label == "Peer observation done"


@time_machine.travel(TODAY)
def test_a_declined_host_never_appears_anywhere_else(world: World) -> None:
    support = _peer_support(world)
    host = TeacherFactory(school=world.other_school, user__first_name="Dorothea", user__last_name="Declines")
    observation = services.observation_arrange(
        actor=world.coach.user,
        support=support,
        host=host,
        date=TODAY + datetime.timedelta(days=3),
        focus="Rotations",
    )
    services.observation_answer(host=host, observation=observation, accept=False)
    assert PeerObservation.objects.get(pk=observation.pk).status == ObservationStatus.DECLINED
    # Not to the observer, not to the lead, not to the coach who asked: only the host sees it.
    for role in ("teacher", "lead", "coach"):
        user = world.users[role]
        view = queries.support_view(user, support, TODAY)
        assert view.observation is None and view.observations == []
        assert view.words.label == "Peer observation: finding a host"
        assert "Declines" not in view.words.next
    for role, url in (
        ("teacher", reverse("home")),
        ("teacher", reverse("coaching:lighter-support", args=[support.pk])),
        ("lead", reverse("coaching:requests")),
        ("lead", reverse("coaching:lighter-support", args=[support.pk])),
        ("coach", reverse("coaching:lighter-support", args=[support.pk])),
    ):
        body = world.client(role).get(url).content.decode()
        assert "Declines" not in body, f"{url} names the declined host to {role}"
    # The host picker leaves them out, and asking them again is refused.
    assert host not in queries.host_choices(support)
    with pytest.raises(ValidationError) as error:
        services.observation_arrange(
            actor=world.lead, support=support, host=host, date=TODAY + datetime.timedelta(days=4), focus="x"
        )
    assert "host" in error.value.message_dict
    # The lead is told a host could not take it, without a name.
    notice = world.lead.notifications.filter(text__contains="could not take").get()
    assert "Declines" not in notice.text


def test_arranging_a_peer_observation_is_the_leads_or_a_school_coachs_and_checks_its_input(
    world: World,
) -> None:
    support = _peer_support(world)
    host = TeacherFactory(school=world.school)
    with pytest.raises(PermissionDenied):
        services.observation_arrange(
            actor=world.other_coach.user, support=support, host=host, date=TODAY, focus="x", today=TODAY
        )
    with pytest.raises(ValidationError) as error:
        services.observation_arrange(
            actor=world.lead, support=support, host=world.teacher, date=TODAY, focus="x", today=TODAY
        )
    assert "host" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.observation_arrange(
            actor=world.lead,
            support=support,
            host=host,
            date=TODAY - datetime.timedelta(days=1),
            focus="x",
            today=TODAY,
        )
    assert "date" in error.value.message_dict
    assert not PeerObservation.objects.filter(support=support).exists()


# --- statuses ---------------------------------------------------------------------------------------


def test_every_kind_and_status_has_words_that_say_what_happens_next() -> None:
    seen = set()
    for kind in SupportKind.values:
        for status in SupportStatus.values:
            for facts in (
                Facts(status=status),
                Facts(status=status, coach="Carla Coach", conversations=2),
                Facts(status=status, observation=ObservationStatus.ASKED),
                Facts(
                    status=status,
                    observation=ObservationStatus.SCHEDULED,
                    observation_date=datetime.date(2026, 10, 5),
                    host="Hana Host",
                    focus="Exit tickets",
                    today=datetime.date(2026, 10, 1),
                ),
            ):
                for for_lead in (False, True):
                    words = support_status_words(kind, Facts(**{**facts.__dict__, "for_lead": for_lead}))
                    assert words.label and words.next.endswith(".")
                    assert "_" not in words.label + words.next
                    assert words.label != "Waiting for a coach"
                    seen.add(words.label)
    assert {"Workshop seat requested", "Micro-coaching under way", "Peer observation: finding a host"} <= seen


def test_the_lead_counts_lighter_supports_by_kind_and_status(world: World) -> None:
    counts = {(c.kind, c.label): c.n for c in queries.lead_status_counts(world.lead, TODAY)}
    assert counts[("Micro-coaching", "Micro-coaching under way")] == 1
    assert counts[("Peer observation", "Peer observation: asking a host")] == 1
    assert queries.lead_status_counts(world.principal, TODAY) == []
