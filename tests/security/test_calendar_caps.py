"""A calendar file cannot expand beyond what a time log uses (issue 12, item 6): 260 bytes with
`FREQ=SECONDLY` once became 480,000 rows in one minute of a request."""

from __future__ import annotations

import datetime
import time

import pytest
from django.core.exceptions import ValidationError

from coachmap.coaching.models import CalendarEvent
from coachmap.coaching.timelog import ics, services

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 10, 1)


def calendar(*rules: str, start: str = "20260901T080000") -> bytes:
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:e{i}\r\nSUMMARY:Event {i}\r\nDTSTART:{start}\r\nDTEND:{start[:-4]}0900\r\n"
        f"RRULE:{rule}\r\nEND:VEVENT\r\n"
        for i, rule in enumerate(rules)
    )
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n{events}END:VCALENDAR\r\n".encode()


def refused(data: bytes, coach) -> tuple[str, float]:
    began = time.monotonic()
    with pytest.raises(ValidationError) as caught:
        services.calendar_import(coach=coach, data=data, today=TODAY)
    return " ".join(caught.value.messages), time.monotonic() - began


@pytest.mark.parametrize(
    ("freq", "said"), [("SECONDLY", "every second"), ("MINUTELY", "every minute"), ("HOURLY", "every hour")]
)
def test_an_event_repeating_more_than_daily_is_refused_by_name_in_a_moment(world, freq, said):
    data = calendar(f"FREQ={freq}")
    assert len(data) < 300  # the size of the reproduction

    message, seconds = refused(data, world.coach)

    assert f"“Event 0”, starting 2026-09-01 repeats {said} (FREQ={freq})" in message
    assert seconds < 2
    assert not CalendarEvent.objects.exists()


def test_a_daily_rule_begun_in_year_one_is_refused_before_it_is_walked(world):
    message, seconds = refused(calendar("FREQ=DAILY;BYHOUR=8,9,10", start="00010101T080000"), world.coach)

    assert "“Event 0”, starting 0001-01-01 repeats too often over too long a time" in message
    assert seconds < 2
    assert not CalendarEvent.objects.exists()


def test_a_file_expanding_past_the_cap_stops_there_and_saves_nothing(world):
    # Every hour of every day through the school year: 8,760 occurrences from 200 bytes.
    hours = ",".join(str(h) for h in range(24))
    message, seconds = refused(calendar(f"FREQ=DAILY;BYHOUR={hours}"), world.coach)

    assert f"more than {ics.MAX_OCCURRENCES:,} events in this school year" in message
    assert "“Event 0”" in message
    assert seconds < 10
    assert not CalendarEvent.objects.exists()


def test_a_calendar_under_the_caps_still_imports(world):
    report = services.calendar_import(
        coach=world.coach, data=calendar("FREQ=WEEKLY;BYDAY=MO,WE,FR", "FREQ=DAILY;COUNT=20"), today=TODAY
    )

    assert report.events == CalendarEvent.objects.filter(coach=world.coach).count()
    assert report.events > 100


def test_the_upload_page_shows_the_refusal(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("cal.ics", calendar("FREQ=MINUTELY"), content_type="text/calendar")
    response = world.client("coach").post("/time/calendar/", {"calendar": upload})

    assert response.status_code == 200
    assert "repeats every minute" in response.content.decode()
    assert not CalendarEvent.objects.exists()
