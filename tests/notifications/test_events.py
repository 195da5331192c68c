"""Where each notification comes from: an import finishing, a pulse to answer, a request waiting
too long, a coaching meeting tomorrow. Scheduled ones are made by `coachmap send-digests`, once."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from coachmap.coaching.cycles import services as cycle_services
from coachmap.coaching.models import SessionType
from coachmap.feedback.models import PulseReceipt
from coachmap.notifications.models import Notification, Topic
from coachmap.roster.models import ImportRun, Student
from tests.conftest import OTHER_SECRET_NOTE, SECRET_NOTE, World

TZ = ZoneInfo("America/New_York")


def _with_email(*users: Any) -> None:
    for user in users:
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])


def test_whoever_started_an_import_hears_it_finished(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    _with_email(world.lead)
    world.district.import_hold_percent = 100  # the world's one student: any change is 100 %
    world.district.save()
    student = Student.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        world.client("lead").post(
            reverse("roster:imports"),
            {
                "kind": "flags",
                "upload": SimpleUploadedFile(
                    "flags.csv",
                    f"student_id,english_learner\n{student.source_id},true\n".encode(),
                    "text/csv",
                ),
                "action": "import",
            },
        )
    run = ImportRun.objects.get()
    n = Notification.objects.get(user=world.lead, topic=Topic.IMPORTS)
    assert (
        n.text
        == "Your import of flags.csv has finished. Imported. Its report says what changed, or why nothing did."
    )
    assert n.url == reverse("roster:import-run", kwargs={"run_id": run.pk})
    # Someone waits for their import: emailed right away by default.
    assert [m.to for m in mail.outbox] == [["lena@example.org"]]
    assert f"http://localhost:8000{n.url}" in mail.outbox[0].body
    assert not Notification.objects.filter(topic=Topic.IMPORTS).exclude(user=world.lead).exists()


def test_a_teacher_is_invited_to_the_pulse_once(world: World) -> None:
    _with_email(world.teacher.user)
    day_after = datetime.datetime(2026, 9, 11, 8, 0, tzinfo=TZ)
    with time_machine.travel(day_after, tick=False):
        call_command("send_digests")
        call_command("send_digests")
    invites = Notification.objects.filter(user=world.teacher.user, topic=Topic.SURVEYS)
    assert invites.count() == 1
    assert invites.get().key == f"pulse:{world.session.pk}"
    assert f"with {world.coach} on September 10 go?" in invites.get().text
    with time_machine.travel(day_after + datetime.timedelta(days=1), tick=False):
        call_command("send_digests")  # the daily digest goes
    to_teacher = [m for m in mail.outbox if m.to == ["tina@example.org"]]
    assert len(to_teacher) == 1
    assert SECRET_NOTE not in to_teacher[0].body and OTHER_SECRET_NOTE not in to_teacher[0].body


def test_an_answered_pulse_is_not_invited(world: World) -> None:
    PulseReceipt.objects.create(session=world.session, teacher=world.teacher)
    with time_machine.travel(datetime.datetime(2026, 9, 11, 8, 0, tzinfo=TZ), tick=False):
        call_command("send_digests")
    assert not Notification.objects.filter(user=world.teacher.user, topic=Topic.SURVEYS).exists()


def test_the_program_lead_hears_of_a_request_waiting_too_long_once(world: World, settings: Any) -> None:
    settings.NOTIFICATION_WAITING_DAYS = 7
    call_command("send_digests")
    assert not Notification.objects.filter(user=world.lead, topic=Topic.REMINDERS).exists()
    with time_machine.travel(world.open_request.created_at + datetime.timedelta(days=7, hours=1)):
        call_command("send_digests")
        call_command("send_digests")
    waiting = Notification.objects.filter(
        user=world.lead, topic=Topic.REMINDERS, key=f"waiting:{world.open_request.pk}"
    )
    assert waiting.count() == 1
    assert waiting.get().text.startswith(f"{world.teacher}'s coaching request has waited more than 7 days")
    # Only the district's program lead: not the coaches, the principal or the teacher.
    assert set(Notification.objects.filter(topic=Topic.REMINDERS).values_list("user", flat=True)) == {
        world.lead.pk
    }


def test_teacher_and_coach_are_reminded_the_day_before_their_next_meeting(world: World) -> None:
    monday = datetime.datetime(2026, 9, 14, 15, 0, tzinfo=TZ)
    with time_machine.travel(monday, tick=False):
        cycle_services.session_log(
            coach=world.coach,
            cycle=world.cycle,
            date=monday.date(),
            minutes=30,
            session_type=SessionType.CO_PLAN,
            next_meeting_on=datetime.date(2026, 9, 17),
        )
        call_command("send_digests")
    world.cycle.refresh_from_db()
    assert world.cycle.next_meeting_on == datetime.date(2026, 9, 17)
    assert not Notification.objects.filter(topic=Topic.REMINDERS, key__startswith="meeting:").exists()
    with time_machine.travel(datetime.datetime(2026, 9, 16, 6, 0, tzinfo=TZ), tick=False):
        call_command("send_digests")
        call_command("send_digests")
        page = world.client("teacher").get(reverse("coaching:cycle", kwargs={"cycle_id": world.cycle.pk}))
    assert "Thursday, September 17 (you are both reminded the day before)" in page.content.decode()
    with time_machine.travel(datetime.datetime(2026, 9, 18, 9, 0, tzinfo=TZ), tick=False):
        page = world.client("teacher").get(reverse("coaching:cycle", kwargs={"cycle_id": world.cycle.pk}))
    assert "Next meeting" not in page.content.decode()  # a meeting past is no longer shown
    reminders = Notification.objects.filter(key=f"meeting:{world.cycle.pk}:20260917")
    assert {n.user_id: n.text for n in reminders} == {
        world.teacher.user.pk: f"Reminder: your next coaching meeting with {world.coach} is tomorrow, Thursday September 17.",
        world.coach.user.pk: f"Reminder: your next coaching meeting with {world.teacher} is tomorrow, Thursday September 17.",
    }
    assert reminders.first().url == reverse("coaching:cycle", kwargs={"cycle_id": world.cycle.pk})


def test_the_next_meeting_is_after_the_session(world: World) -> None:
    with (
        time_machine.travel(datetime.datetime(2026, 9, 14, 15, 0, tzinfo=TZ), tick=False),
        pytest.raises(ValidationError) as exc,
    ):
        cycle_services.session_log(
            coach=world.coach,
            cycle=world.cycle,
            date=datetime.date(2026, 9, 14),
            minutes=30,
            session_type=SessionType.CO_PLAN,
            next_meeting_on=datetime.date(2026, 9, 14),
        )
    assert exc.value.message_dict["next_meeting_on"] == [
        "The next meeting cannot be before this session: it is a day after this session and after "
        "today. Leave it empty if none is planned."
    ]
    world.cycle.refresh_from_db()
    assert world.cycle.next_meeting_on is None
