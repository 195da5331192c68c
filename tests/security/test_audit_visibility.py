"""Issue 12, item 4: who took coaching, and who read whose notes, is not the district's to list.

The attack: the admin site's audit log listed each consent event with the teacher's name, the
coach and whether they accepted, and who read which cycle's notes. Now the district admin sees
coaching activity only as counts; the teacher sees who read their cycle's notes.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from coachmap.api.api import api
from coachmap.core.audit import audit_record
from coachmap.core.models import AuditAction, AuditEvent
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _read_notes(world: World, role: str) -> None:
    assert world.client(role).get(reverse("coaching:cycle", args=[world.cycle.pk])).status_code == 200


def _names(world: World) -> list[str]:
    teacher, coach = world.teacher.user, world.coach.user
    return [str(teacher), teacher.username, str(coach), coach.username]


def test_admin_audit_list_shows_no_consent_or_notes_read_rows(world: World) -> None:
    _read_notes(world, "coach")
    assert AuditEvent.objects.filter(action=AuditAction.CONSENT).exists()
    assert AuditEvent.objects.filter(action=AuditAction.NOTES_READ).exists()
    page = world.client("admin").get(reverse("admin:core_auditevent_changelist")).content.decode()
    for name in _names(world):
        assert name not in page, f"the admin's audit list names {name}"
    assert "coachingcycle" not in page
    assert "coachingrequest" not in page
    for event in AuditEvent.objects.filter(action__in=[AuditAction.CONSENT, AuditAction.NOTES_READ]):
        assert reverse("admin:core_auditevent_change", args=[event.pk]) not in page


def test_admin_sees_coaching_activity_as_counts_per_month(world: World) -> None:
    for _ in range(11):
        _read_notes(world, "coach")
    page = world.client("admin").get(reverse("admin:core_auditevent_changelist")).content.decode()
    assert "Activity by month" in page
    assert re.search(r"Read confidential session notes</td>\s*<td>11<", page)
    # One consent is fewer than the minimum group size: not even its count is shown.
    assert re.search(r"Accepted or declined coaching</td>\s*<td>fewer than 10<", page)


def test_admin_cannot_open_a_consent_or_notes_read_row(world: World) -> None:
    _read_notes(world, "coach")
    admin = world.client("admin")
    for action in (AuditAction.CONSENT, AuditAction.NOTES_READ):
        event = AuditEvent.objects.filter(action=action).first()
        assert event is not None
        response = admin.get(reverse("admin:core_auditevent_change", args=[event.pk]))
        assert response.status_code in (403, 404)
        filtered = admin.get(reverse("admin:core_auditevent_changelist"), {"action": action.value})
        assert not any(name in filtered.content.decode() for name in _names(world))


def test_admin_still_sees_administration_rows(world: World) -> None:
    audit_record(
        actor=world.admin, action=AuditAction.SETTINGS_CHANGE, obj=world.district, district=world.district
    )
    page = world.client("admin").get(reverse("admin:core_auditevent_changelist")).content.decode()
    assert "Changed district settings" in page


def test_teacher_sees_who_read_their_notes(world: World) -> None:
    _read_notes(world, "coach")
    page = world.client("teacher").get(reverse("coaching:cycle", args=[world.cycle.pk])).content.decode()
    assert "Who has read these notes" in page
    section = page[page.index("Who has read these notes") :]
    assert str(world.coach.user) in section
    assert "Your coach" in section


def test_teacher_with_unread_notes_is_told_so(world: World) -> None:
    page = world.client("teacher").get(reverse("coaching:cycle", args=[world.cycle.pk])).content.decode()
    assert "Nobody but you has read these notes yet." in page


def test_the_coach_does_not_get_the_readers_list(world: World) -> None:
    _read_notes(world, "teacher")
    page = world.client("coach").get(reverse("coaching:cycle", args=[world.cycle.pk])).content.decode()
    assert "Who has read these notes" not in page


def test_the_apis_audit_trail_is_the_admins_and_never_lists_a_confidential_act(world: World) -> None:
    """Issue 20 gave the audit trail API routes (`/audit-trail`, `/audit-trail/activity`): they
    list exactly what the admin's page lists, so who took coaching and who read whose notes are no
    more a row there than on the page, and nobody but the district admin reads them."""
    _read_notes(world, "coach")
    paths = api.get_openapi_schema()["paths"]
    assert {p for p in paths if "audit" in p} == {"/api/v1/audit-trail", "/api/v1/audit-trail/activity"}
    admin = world.client("admin")
    rows = admin.get(reverse("api:audit_trail"), {"page_size": 1000})
    assert rows.status_code == 200
    body = rows.content.decode()
    for name in _names(world):
        assert name not in body, f"the API's audit trail names {name}"
    assert "coachingcycle" not in body and "coachingrequest" not in body
    listed = {row["id"] for row in rows.json()["items"]}
    confidential = AuditEvent.objects.filter(action__in=[AuditAction.CONSENT, AuditAction.NOTES_READ])
    assert confidential.exists() and not listed & set(confidential.values_list("id", flat=True))
    activity = admin.get(reverse("api:audit_activity")).content.decode()
    for name in _names(world):
        assert name not in activity
    for role in ("teacher", "coach", "lead", "principal"):
        assert world.client(role).get(reverse("api:audit_trail")).status_code == 403, role
