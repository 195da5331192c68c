"""Notifications by email: at once, in a digest, or not at all; retried while the mail server is
down, never twice; and never saying more than the recipient may see."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from coachmap.core.models import User
from coachmap.notifications import delivery
from coachmap.notifications.models import Delivery, EmailPreference, EmailStatus, Notification, Topic
from coachmap.notifications.services import leads_notify, notification_send, preferences_set
from tests.conftest import OTHER_SECRET_NOTE, SECRET_NOTE, World
from tests.factories import UserFactory

TZ = ZoneInfo("America/New_York")
# A Tuesday afternoon; the daily digest is due the next morning at 7, the weekly one on Monday.
TUESDAY = datetime.datetime(2026, 9, 15, 14, 0, tzinfo=TZ)
WEDNESDAY_MORNING = datetime.datetime(2026, 9, 16, 7, 5, tzinfo=TZ)
NEXT_MONDAY_MORNING = datetime.datetime(2026, 9, 21, 7, 5, tzinfo=TZ)
DOWN = "tests.notifications.mailbackends.Down"


@pytest.fixture
def person(db: None) -> User:
    return UserFactory(username="tess", first_name="Tess", email="tess@example.org")


def test_an_offer_reaches_the_outbox_at_once(person: User, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        n = notification_send(
            user=person, text="The coaching team proposes Carla as your coach.", url="/", topic=Topic.OFFERS
        )
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["tess@example.org"]
    assert email.subject == "coachmap: The coaching team proposes Carla as your coach."
    assert "Hello Tess," in email.body
    assert "Open it in coachmap: http://localhost:8000/" in email.body
    assert "/notifications/email/" in email.body  # how to change or stop these emails
    n.refresh_from_db()
    assert n.email_status == EmailStatus.SENT and n.emailed_at is not None


def test_nothing_is_emailed_when_the_change_is_rolled_back(
    person: User, django_capture_on_commit_callbacks
) -> None:
    def failing_change() -> None:
        with transaction.atomic():
            notification_send(user=person, text="An offer", topic=Topic.OFFERS)
            raise RuntimeError("the change failed")

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError, match="the change failed"),
    ):
        failing_change()
    assert mail.outbox == []


@time_machine.travel(TUESDAY, tick=False)
def test_the_daily_digest_groups_three_notifications_into_one_email(person: User) -> None:
    texts = ["Tina accepted you as her coach.", "Omar declined the workshop.", "Nina took up the offer."]
    for text in texts:
        notification_send(user=person, text=text, url="/caseload/")  # answers: daily digest by default
    assert mail.outbox == []  # nothing goes before the digest is due

    call_command("send_digests")
    assert mail.outbox == []  # not yet due this afternoon

    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        call_command("send_digests")
        call_command("send_digests")  # a second run sends nothing new
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.subject == "Your coachmap digest: 3 updates"
    for text in texts:
        assert f"- {text}" in digest.body
    assert digest.body.count("http://localhost:8000/caseload/") == 3
    assert set(Notification.objects.values_list("email_status", flat=True)) == {EmailStatus.SENT}


@time_machine.travel(TUESDAY, tick=False)
def test_the_weekly_digest_waits_for_monday(person: User) -> None:
    preferences_set(user=person, choices={Topic.ANSWERS: Delivery.WEEKLY})
    notification_send(user=person, text="Tina accepted you as her coach.")
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        call_command("send_digests")
    assert mail.outbox == []
    with time_machine.travel(NEXT_MONDAY_MORNING, tick=False):
        call_command("send_digests")
    assert [m.subject for m in mail.outbox] == ["Your coachmap digest: 1 update"]


def test_off_sends_no_email_ever(person: User, django_capture_on_commit_callbacks) -> None:
    preferences_set(user=person, choices={Topic.OFFERS: Delivery.OFF, Topic.ANSWERS: Delivery.OFF})
    with django_capture_on_commit_callbacks(execute=True):
        offer = notification_send(user=person, text="An offer", topic=Topic.OFFERS)
        answer = notification_send(user=person, text="An answer")
    with time_machine.travel(datetime.timedelta(days=8)):
        call_command("send_digests")
    assert mail.outbox == []
    assert {offer.email_status, answer.email_status} == {EmailStatus.NOT_EMAILED}
    assert Notification.objects.filter(user=person, read_at=None).count() == 2  # still in the app


@time_machine.travel(TUESDAY, tick=False)
def test_turning_a_topic_off_stops_what_waits_for_the_digest(person: User) -> None:
    notification_send(user=person, text="An answer")
    preferences_set(user=person, choices={Topic.ANSWERS: Delivery.OFF})
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        call_command("send_digests")
    assert mail.outbox == []


def test_a_person_without_an_address_is_not_emailed(db: None, django_capture_on_commit_callbacks) -> None:
    nobody = UserFactory(email="")
    with django_capture_on_commit_callbacks(execute=True):
        n = notification_send(user=nobody, text="An offer", topic=Topic.OFFERS)
    assert mail.outbox == [] and n.email_status == EmailStatus.NOT_EMAILED


def test_mail_server_down_page_still_answers_and_the_email_goes_once_it_is_back(
    world: World, settings, django_capture_on_commit_callbacks
) -> None:
    """The lead confirms a round while SMTP is down: the page answers, the teacher's offer waits and
    is retried; once the server is back it is sent, and never a second time."""
    world.teacher.user.email = "tina@example.org"
    world.teacher.user.save()
    settings.EMAIL_BACKEND = DOWN
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("lead").post(
            reverse("coaching:round-confirm", kwargs={"round_id": world.draft_round.pk}),
            {"confirmed": "yes"},
        )
    assert response.status_code == 302
    assert world.client("lead").get(response["Location"]).status_code == 200
    n = Notification.objects.get(user=world.teacher.user, topic=Topic.OFFERS)
    assert n.email_status == EmailStatus.WAITING
    assert n.email_attempts == 1
    assert "Connection unexpectedly closed" in n.email_error
    assert n.email_due_at is not None

    # Still down at the next run: tried again, the pause grows.
    with time_machine.travel(n.email_due_at + datetime.timedelta(seconds=1)):
        call_command("send_digests")
    n.refresh_from_db()
    assert n.email_status == EmailStatus.WAITING and n.email_attempts == 2
    assert mail.outbox == []

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(n.email_due_at - datetime.timedelta(seconds=1)):
        call_command("send_digests")
    assert mail.outbox == []  # not before its time
    with time_machine.travel(n.email_due_at + datetime.timedelta(seconds=1)):
        call_command("send_digests")
        call_command("send_digests")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["tina@example.org"]
    n.refresh_from_db()
    assert n.email_status == EmailStatus.SENT and n.email_error == ""


def test_a_subject_is_the_first_sentence_cut_at_a_word() -> None:
    text = "The coaching team proposes Casey Rivera as your coach. Accept or decline on your home page."
    assert delivery.subject_of(text) == "The coaching team proposes Casey Rivera as your coach."
    long = "Reminder: " + "a very long sentence without an end " * 4
    cut = delivery.subject_of(long)
    assert cut == "Reminder: a very long sentence without an end a very long sentence without…"
    assert len(cut) <= 78


def test_the_retry_pause_grows_and_is_capped() -> None:
    pauses = [delivery.retry_pause(a) for a in range(1, 10)]
    assert pauses[:4] == [datetime.timedelta(minutes=m) for m in (5, 10, 20, 40)]
    assert pauses == sorted(pauses) and pauses[-1] == datetime.timedelta(hours=6)


def test_it_gives_up_after_the_last_try(person: User, settings, django_capture_on_commit_callbacks) -> None:
    settings.EMAIL_BACKEND = DOWN
    with django_capture_on_commit_callbacks(execute=True):
        n = notification_send(user=person, text="An offer", topic=Topic.OFFERS)
    for _ in range(delivery.TRIES):
        n.refresh_from_db()
        if n.email_status != EmailStatus.WAITING:
            break
        with time_machine.travel(n.email_due_at + datetime.timedelta(seconds=1)):
            delivery.deliveries_run()
    n.refresh_from_db()
    assert n.email_status == EmailStatus.NOT_EMAILED
    assert n.email_attempts == delivery.TRIES
    assert n.email_error.startswith(f"Gave up after {delivery.TRIES} tries.")


def test_a_notification_claimed_by_one_worker_is_not_sent_by_another(person: User) -> None:
    n = notification_send(user=person, text="An offer", topic=Topic.OFFERS)  # not committed: no task ran
    Notification.objects.filter(pk=n.pk).update(email_status=EmailStatus.SENDING, email_claim="other-worker")
    assert delivery.notification_email_send(n.pk) == "nothing to send"
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_the_task_worker_sends_and_retries(settings) -> None:
    """The real worker path: the database task backend, `coachmap db_worker --batch`."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_BACKEND = DOWN
    person = UserFactory(email="wes@example.org")
    n = notification_send(user=person, text="The coaching team offers you a workshop.", topic=Topic.OFFERS)
    worker = ["db_worker", "--batch", "--interval", "0", "--no-startup-delay"]
    call_command(*worker)
    n.refresh_from_db()
    assert n.email_status == EmailStatus.WAITING and n.email_attempts == 1
    assert mail.outbox == []

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command(*worker)  # the retry is queued for later: nothing yet
    assert mail.outbox == []
    with time_machine.travel(n.email_due_at + datetime.timedelta(seconds=1)):
        call_command(*worker)
        call_command("send_digests")  # cron finds nothing left to send
    assert len(mail.outbox) == 1
    n.refresh_from_db()
    assert n.email_status == EmailStatus.SENT


def test_send_digests_can_hand_the_run_to_the_worker(person: User) -> None:
    from io import StringIO

    out = StringIO()
    call_command("send_digests", "--queue", stdout=out)  # the immediate backend runs it inline in tests
    assert "Queued for the task worker." in out.getvalue()
    out = StringIO()
    call_command("send_digests", stdout=out)
    assert "sent 0 emails right away and 0 digests" in out.getvalue()


def test_a_proposal_email_to_a_teacher_names_no_other_teacher_and_holds_no_notes(
    world: World, django_capture_on_commit_callbacks
) -> None:
    for user in User.objects.all():
        user.email = f"{user.username}@example.org"
        user.save()
    with django_capture_on_commit_callbacks(execute=True):
        world.client("lead").post(
            reverse("coaching:round-confirm", kwargs={"round_id": world.draft_round.pk}),
            {"confirmed": "yes"},
        )
    to_teacher = [m for m in mail.outbox if m.to == ["tina@example.org"]]
    assert len(to_teacher) == 1
    text = to_teacher[0].subject + to_teacher[0].body
    assert str(world.coach) in text  # the proposed coach: that is the news
    others = User.objects.exclude(pk__in=[world.teacher.user.pk, world.coach.user.pk])
    for other in others:
        for part in {other.username, other.get_full_name(), other.first_name, other.last_name} - {""}:
            assert part not in text, part
    for secret in (SECRET_NOTE, OTHER_SECRET_NOTE, world.session.next_steps):
        assert not secret or secret not in text


def test_leads_each_get_their_own(world: World, django_capture_on_commit_callbacks) -> None:
    world.lead.email = "lena@example.org"
    world.lead.save()
    EmailPreference.objects.create(user=world.lead, topic=Topic.ANSWERS, delivery=Delivery.IMMEDIATELY)
    with django_capture_on_commit_callbacks(execute=True):
        leads_notify(district_id=world.district.pk, text="Tina declined Carla.", url="/requests/")
    assert [m.to for m in mail.outbox] == [["lena@example.org"]]


def test_a_keyed_notice_is_made_once(person: User) -> None:
    first = notification_send(user=person, text="Meeting tomorrow", key="meeting:1:2026-09-16")
    again = notification_send(user=person, text="Meeting tomorrow", key="meeting:1:2026-09-16")
    assert first.pk == again.pk
    assert Notification.objects.filter(user=person).count() == 1


def test_unread_count_is_shown_in_the_header_and_cleared(person: User) -> None:
    client = Client()
    client.force_login(person)
    home = client.get(reverse("notifications:settings")).content.decode()
    assert "new notification" not in home
    notification_send(user=person, text="One")
    notification_send(user=person, text="Two")
    page = client.get(reverse("notifications:settings")).content.decode()
    assert f'<a class="unread-count" href="{reverse("notifications:list")}">2 new notifications</a>' in page
    assert client.post(reverse("notifications:list")).status_code == 302
    assert "new notification" not in client.get(reverse("notifications:settings")).content.decode()


def test_each_person_sets_their_own_email_choices(person: User) -> None:
    client = Client()
    client.force_login(person)
    page = client.get(reverse("notifications:settings")).content.decode()
    assert "Proposals and offers waiting for your answer" in page
    assert "Emails go to tess@example.org" in page
    choices = {t.value: Delivery.DAILY for t in Topic} | {Topic.SURVEYS: Delivery.OFF}
    response = client.post(reverse("notifications:settings"), choices)
    assert response.status_code == 302
    assert dict(EmailPreference.objects.filter(user=person).values_list("topic", "delivery")) == choices
    bad = client.post(reverse("notifications:settings"), {**choices, Topic.OFFERS: "hourly"})
    assert bad.status_code == 200
    assert "Select a valid choice" in bad.content.decode()
