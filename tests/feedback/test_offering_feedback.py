"""Feedback after a professional-learning offering is anonymous exactly as the pulse is (issue 16):
no row links an answer to the attendee, answers wait sealed and are released in shuffled batches
of one answer from each of enough different attendees, and results show only at or above the
minimum group size, with small counts suppressed."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.urls import reverse

from coachmap.coaching.learning import services as learning_services
from coachmap.coaching.learning.services import SessionPlan
from coachmap.coaching.models import Attendance, Offering, Seat
from coachmap.core.models import Teacher, User
from coachmap.feedback import queries, sealing, services
from coachmap.feedback.models import OfferingFeedback, OfferingFeedbackReceipt, SealedAnswer
from tests.conftest import World
from tests.factories import TeacherFactory

pytestmark = pytest.mark.django_db
NY = ZoneInfo("America/New_York")
BEFORE = datetime.datetime(2026, 10, 1, 9, tzinfo=NY)
SESSION = datetime.datetime(2026, 10, 7, 15, 30, tzinfo=NY)
AFTER = datetime.datetime(2026, 10, 8, 9, tzinfo=NY)
TODAY = AFTER.date()


@pytest.mark.parametrize("model", [OfferingFeedback, SealedAnswer])
def test_an_anonymous_answer_has_no_link_to_an_attendee_a_seat_a_time_or_an_order(
    model: type[models.Model],
) -> None:
    for f in model._meta.get_fields():
        if f.is_relation and f.concrete:
            assert f.related_model not in (Teacher, User, Seat, Attendance), f"{model.__name__}.{f.name}"
        assert not isinstance(f, models.DateField | models.DateTimeField | models.TimeField), (
            f"{model.__name__}.{f.name}"
        )
    assert isinstance(model._meta.pk, models.UUIDField)


def test_the_receipt_holds_no_answer() -> None:
    names = {f.name for f in OfferingFeedbackReceipt._meta.get_fields()}
    assert names == {"id", "offering", "teacher"}


def _offering_with_attendees(world: World, n: int) -> tuple[Offering, list[Teacher]]:
    with time_machine.travel(BEFORE):
        offering = learning_services.offering_add(
            actor=world.lead,
            district=world.district,
            title="Feedback that moves learning",
            description="Short cycles of feedback with a tool.",
            seats=40,
            sessions=[SessionPlan(SESSION, 60)],
            goals=[world.goal],
            presenter_coach=world.coach,
        )
        teachers = [TeacherFactory(school=world.school) for _ in range(n)]
        seats = [learning_services.seat_take(teacher=t, offering=offering) for t in teachers]
    with time_machine.travel(AFTER):
        learning_services.attendance_mark(
            actor=world.coach.user, session=offering.sessions.get(), present=seats
        )
    return offering, teachers


@time_machine.travel(AFTER)
def test_only_attendees_answer_once_and_answers_wait_sealed(world: World) -> None:
    offering, (first, *_) = _offering_with_attendees(world, 2)
    with pytest.raises(PermissionDenied):
        services.offering_feedback_answer(
            teacher=world.teacher, offering=offering, useful=5, will_use=5, fits_goal=5
        )
    services.offering_feedback_answer(teacher=first, offering=offering, useful=5, will_use=4, fits_goal=5)
    assert (
        SealedAnswer.objects.filter(offering=offering).count() == 1 and not OfferingFeedback.objects.exists()
    )
    # The sealed row cannot be read from the database: no answer values in the clear.
    sealed = bytes(SealedAnswer.objects.get(offering=offering).sealed)
    assert b'"a"' not in sealed and b"[5," not in sealed
    opened = sealing.unseal(sealed)
    assert opened is not None and opened["a"] == [5, 4, 5]
    assert opened["r"] != first.pk and str(first.pk) != opened["r"]  # who: a keyed hash, only to count people
    with pytest.raises(ValidationError, match="already answered or skipped"):
        services.offering_feedback_skip(teacher=first, offering=offering)


@time_machine.travel(AFTER)
def test_results_move_only_in_whole_batches_of_different_attendees(world: World) -> None:
    offering, teachers = _offering_with_attendees(world, 11)
    for t in teachers[:9]:
        services.offering_feedback_answer(teacher=t, offering=offering, useful=5, will_use=4, fits_goal=5)
        assert queries.offering_feedback_results(world.coach.user, offering).n == 0
    services.offering_feedback_answer(
        teacher=teachers[9], offering=offering, useful=1, will_use=1, fits_goal=1
    )
    released = queries.offering_feedback_results(world.lead, offering)
    assert released.shown and released.n == 10
    assert not SealedAnswer.objects.filter(offering=offering).exists()
    # One more, distinctive answer: nothing changes until a whole new batch has come in.
    services.offering_feedback_answer(
        teacher=teachers[10], offering=offering, useful=2, will_use=2, fits_goal=2
    )
    again = queries.offering_feedback_results(world.coach.user, offering)
    assert (again.n, [q.mean for q in again.questions]) == (10, [q.mean for q in released.questions])
    useful = {c.value: c.count for c in again.questions[0].counts}
    assert useful[1] is None  # the one low answer is not printed as a count of one


@time_machine.travel(AFTER)
def test_a_skip_is_sealed_like_an_answer_and_never_counted(world: World) -> None:
    offering, teachers = _offering_with_attendees(world, 2)
    services.offering_feedback_skip(teacher=teachers[0], offering=offering)
    services.offering_feedback_answer(
        teacher=teachers[1], offering=offering, useful=3, will_use=3, fits_goal=3
    )
    lengths = {
        len(bytes(s)) for s in SealedAnswer.objects.filter(offering=offering).values_list("sealed", flat=True)
    }
    assert len(lengths) == 1  # an answer and a skip look alike


@time_machine.travel(AFTER)
def test_a_single_answer_shows_nowhere_even_where_the_district_reports_groups_of_one(world: World) -> None:
    world.district.min_group_size = 1
    world.district.save()
    offering, (only,) = _offering_with_attendees(world, 1)
    services.offering_feedback_answer(teacher=only, offering=offering, useful=1, will_use=1, fits_goal=1)
    assert not OfferingFeedback.objects.exists()  # the floor of 5 still holds it back, sealed
    for role in ("coach", "lead", "admin"):
        body = (
            world.client(role).get(reverse("feedback:offering-results", args=[offering.pk])).content.decode()
        )
        assert "Not enough anonymous answers yet" in body, role


@time_machine.travel(AFTER)
def test_results_are_for_the_presenter_the_lead_and_the_district_only(world: World) -> None:
    offering, _ = _offering_with_attendees(world, 1)
    for who in ("teacher", "principal", "other_coach"):
        with pytest.raises(PermissionDenied):
            queries.offering_feedback_results(world.users[who], offering)
    assert queries.offering_feedback_results(world.admin, offering).n == 0
