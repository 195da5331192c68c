"""Principal–coach check-ins and the data the coach collects (issue 16, part 8; article 002: "scheduling
regular meetings", "an agreement on what data a coach is collecting")."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from coachmap.coaching import access as coaching_access
from coachmap.coaching.agreements import services
from coachmap.coaching.agreements.figures import FIGURES, school_figures
from coachmap.coaching.models import PrincipalCheckIn
from tests.conftest import CHECKIN_NOTE, MICRO_NOTE, SECRET_NOTE, World
from tests.factories import CycleFactory, TeacherFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 10, 1)


@time_machine.travel(TODAY)
def test_the_coach_or_principal_schedules_a_check_in_and_the_other_hears(world: World) -> None:
    checkin = services.checkin_schedule(
        actor=world.principal,
        coach=world.coach,
        school=world.school,
        date=TODAY + datetime.timedelta(days=7),
        figure_keys=["teachers_coached", "coach_time"],
    )
    assert checkin.scheduled_by == world.principal
    assert world.coach.user.notifications.filter(text__contains="Check-in about coaching").exists()
    for actor in (world.other_principal, world.lead, world.teacher.user, world.admin):
        with pytest.raises(PermissionDenied):
            services.checkin_schedule(
                actor=actor, coach=world.coach, school=world.school, date=TODAY, figure_keys=["sessions"]
            )


@pytest.mark.parametrize(
    ("date", "keys", "field"),
    [
        (datetime.date(2027, 9, 1), ["sessions"], "date"),
        (TODAY, [], "figure_keys"),
        (TODAY, ["session_notes"], "figure_keys"),
    ],
)
def test_bad_check_in_input_names_the_field_and_writes_nothing(
    world: World, date: datetime.date, keys: list[str], field: str
) -> None:
    before = PrincipalCheckIn.objects.count()
    with pytest.raises(ValidationError) as error:
        services.checkin_schedule(
            actor=world.coach.user,
            coach=world.coach,
            school=world.school,
            date=date,
            figure_keys=keys,
            today=TODAY,
        )
    assert field in error.value.message_dict
    assert PrincipalCheckIn.objects.count() == before


def test_the_figures_are_school_totals_hidden_below_the_minimum_group_size(world: World) -> None:
    # Maple Elementary has two teachers in cycles and one with lighter supports: fewer than 10.
    figures = {
        f["label"]: f["value"] for f in school_figures(world.coach, world.school, list(FIGURES), TODAY)
    }
    assert figures[FIGURES["teachers_coached"]] == "Hidden: fewer than 10 teachers"
    assert figures[FIGURES["sessions"]] == "Hidden: fewer than 10 teachers"
    # With a minimum of 5 and six teachers coached, the totals show; no name, no note, ever.
    world.district.min_group_size = 5
    world.district.save()
    for _ in range(4):
        CycleFactory(coach=world.coach, request__goal__teacher=TeacherFactory(school=world.school))
    world.school.refresh_from_db()
    shown = school_figures(world.coach, world.school, list(FIGURES), TODAY)
    values = {f["label"]: f["value"] for f in shown}
    assert values[FIGURES["teachers_coached"]].isdigit() and int(values[FIGURES["teachers_coached"]]) >= 5
    text = repr(shown)
    for secret in (SECRET_NOTE, MICRO_NOTE, str(world.teacher)):
        assert secret not in text


@time_machine.travel(TODAY)
def test_notes_are_written_after_the_meeting_and_read_by_principal_coach_and_lead_only(world: World) -> None:
    checkin = services.checkin_schedule(
        actor=world.coach.user,
        coach=world.coach,
        school=world.school,
        date=TODAY + datetime.timedelta(days=2),
        figure_keys=["teachers_coached"],
    )
    with pytest.raises(ValidationError) as error:
        services.checkin_record(actor=world.coach.user, checkin=checkin, notes="Too early")
    assert "notes" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.checkin_record(actor=world.lead, checkin=checkin, notes="x", today=checkin.date)
    services.checkin_record(
        actor=world.principal, checkin=checkin, notes="Agreed: PLC cycle", today=checkin.date
    )
    checkin.refresh_from_db()
    assert checkin.notes_by == world.principal and checkin.figures[0]["label"] == FIGURES["teachers_coached"]
    visible = {
        role
        for role, user in world.users.items()
        if user is not None
        and coaching_access.principal_checkins_visible_to(user).filter(pk=checkin.pk).exists()
    }
    assert visible == {"coach", "principal", "lead"}


def test_the_check_in_page_shows_notes_to_its_readers_and_never_a_session_note(world: World) -> None:
    url = reverse("coaching:principal-checkin", args=[world.lt.checkin.pk])
    for role in ("coach", "principal", "lead"):
        body = world.client(role).get(url).content.decode()
        assert CHECKIN_NOTE in body and SECRET_NOTE not in body and MICRO_NOTE not in body
    assert world.client("admin").get(url).status_code == 403
    assert world.client("other_principal").get(url).status_code == 404


def test_the_agreement_records_the_data_the_coach_collects(world: World) -> None:
    agreement = services.agreement_write(
        actor=world.coach.user,
        coach=world.coach,
        school=world.school,
        school_year=2027,
        who_is_coached="Any teacher who asks.",
        schedule_set_by="coach",
        success_looks_like="More readers on grade level.",
        principal_will_ask="Trends.",
        principal_will_not_ask="What was said in sessions.",
        data_collected="Pulse surveys after sessions and the time log, reviewed at our monthly check-ins.",
    )
    assert agreement.data_collected.startswith("Pulse surveys")
    page = world.client("teacher").get(reverse("coaching:agreement", args=[agreement.pk])).content.decode()
    assert "Data the coach collects" in page and "monthly check-ins" in page
