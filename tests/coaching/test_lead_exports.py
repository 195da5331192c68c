"""The lead's requests and referrals pages each have a chart with bars from zero and a CSV that Excel
opens (a byte-order mark first), formula-safe and audited, holding only what the lead may see: no
teacher's note on a request, no session notes, no handover note, nothing from another district
(issue 17)."""

from __future__ import annotations

import csv
import io

from coachmap.coaching.models import RequestStatus
from coachmap.core.models import AuditAction, AuditEvent
from tests.conftest import HANDOVER_NOTE, SECRET_NOTE, World
from tests.factories import DistrictFactory, RequestFactory, SchoolFactory, TeacherFactory

TEACHER_NOTE = "Private to me: my principal does not know I asked"


def _csv(world: World, url: str) -> list[list[str]]:
    response = world.client("lead").get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8-sig")
    for secret in (TEACHER_NOTE, SECRET_NOTE, HANDOVER_NOTE, "Handed over"):
        assert secret not in text
    return list(csv.reader(io.StringIO(text)))


def test_the_requests_export_lists_the_waiting_requests_without_the_teachers_note(world: World) -> None:
    world.open_request.note = TEACHER_NOTE
    world.open_request.save()
    declined = RequestFactory(
        goal__teacher=world.other_teacher,
        goal__statement='=HYPERLINK("http://evil.example")',
        status=RequestStatus.DECLINED,
        coach=world.other_coach,
    )
    elsewhere = SchoolFactory(district=DistrictFactory(name="Elsewhere"), name="Far School")
    RequestFactory(goal__teacher=TeacherFactory(school=elsewhere, user__username="zed"))

    rows = _csv(world, "/requests/export/")
    assert rows[0] == [
        "Teacher",
        "School",
        "Goal",
        "Needs",
        "Status",
        "Declined by",
        "Asked on",
        "Days waiting",
    ]
    by_teacher = {row[0]: row for row in rows[1:]}
    assert set(by_teacher) == {str(world.teacher), str(world.other_teacher)}
    mine = by_teacher[str(world.teacher)]
    assert mine[1] == "Maple Elementary" and mine[3] == "Lexia" and mine[4] == "Waiting for a coach"
    assert mine[5] == "" and mine[7] == "0"
    theirs = by_teacher[str(world.other_teacher)]
    assert theirs[2].startswith("'=")  # shown as text, never run as a formula
    assert theirs[4] == "Declined" and theirs[5] == str(declined.coach)
    event = AuditEvent.objects.get(actor=world.lead, action=AuditAction.EXPORT)
    assert event.detail == {"table": "requests"} and event.district == world.district


def test_the_requests_page_has_a_chart_from_zero_and_links_the_export(world: World) -> None:
    page = world.client("lead").get("/requests/").content.decode()
    assert 'data-chart="requests-chart"' in page and '"min": 0' in page
    assert "Under a week" in page and 'href="/requests/export/"' in page


def test_the_referrals_export_has_referrals_handovers_and_offers_but_never_the_handover_note(
    world: World,
) -> None:
    rows = _csv(world, "/referrals/export/")
    assert rows[0] == ["Kind", "Teacher", "School", "From", "To", "Why", "Teacher's answer", "Date"]
    kinds = {row[0]: row for row in rows[1:]}
    assert kinds["Referral"][1] == str(world.teacher)
    assert kinds["Referral"][5] == "Short sessions fit now."
    assert kinds["Referral"][6] == "Waiting for the teacher"
    assert kinds["Handover"][3] == str(world.other_coach) and kinds["Handover"][4] == str(world.coach)
    assert kinds["Handover"][6] == "Waiting for the teacher"
    assert AuditEvent.objects.filter(actor=world.lead, action=AuditAction.EXPORT).count() == 1

    page = world.client("lead").get("/referrals/").content.decode()
    assert 'data-chart="referrals-chart"' in page and '"min": 0' in page
    assert 'href="/referrals/export/"' in page


def test_only_the_program_lead_downloads_them(world: World) -> None:
    for role in ("teacher", "coach", "principal", "admin"):
        for url in ("/requests/export/", "/referrals/export/"):
            assert world.client(role).get(url).status_code == 403, (role, url)
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_requests_chart_counts_every_waiting_request_while_the_page_builds_only_one_page(
    world: World,
) -> None:
    """A large district has hundreds of requests waiting: the chart counts them in the database,
    and the page turns only the 25 it lists into objects (issue 18: the page under load)."""
    import datetime
    import json
    import re

    from django.db.models.signals import post_init
    from django.utils import timezone

    from coachmap.coaching.models import CoachingRequest

    now = timezone.now()
    before = CoachingRequest.objects.filter(status=RequestStatus.OPEN).count()  # the world's, new
    ages = [0] * 12 + [9] * 10 + [20] * 8 + [40] * 10  # under a week, 1–2 weeks, 2–4 weeks, 4+
    for days in ages:
        r = RequestFactory(goal__teacher=world.teacher)
        CoachingRequest.objects.filter(pk=r.pk).update(created_at=now - datetime.timedelta(days=days))
    RequestFactory(goal__teacher=world.other_teacher, status=RequestStatus.DECLINED, coach=world.other_coach)
    built: list[int] = []

    def count(sender: type, instance: CoachingRequest, **kwargs: object) -> None:
        built.append(1)

    post_init.connect(count, sender=CoachingRequest)
    try:
        page = world.client("lead").get("/requests/").content.decode()
    finally:
        post_init.disconnect(count, sender=CoachingRequest)
    spec = json.loads(re.search(r'<script[^>]*id="requests-chart"[^>]*>(.*?)</script>', page, re.S)[1])
    assert spec["series"][0]["values"] == [before + 12, 10, 8, 10]
    assert spec["series"][1]["values"] == [1, 0, 0, 0]
    assert f"{before + 41} waiting requests" in spec["summary"]
    assert len(built) <= 25
