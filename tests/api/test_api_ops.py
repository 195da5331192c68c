"""The district admin's operations pages through the API (issue 20): the roster sync, the webhooks and
their delivery log, the Schools page and the audit trail. Each answers what its page shows and
saves what its page saves (the same form, service and audit row); a secret is never in an answer
(but a new webhook's signing secret, once, as on the page); another district's object is a 404."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coachmap.api import tokens
from coachmap.core.audit import audit_record
from coachmap.core.models import AuditAction, AuditEvent, District, Role, School, User
from coachmap.notifications import webhooks
from coachmap.notifications.models import WebhookDelivery, WebhookEndpoint, WebhookStatus
from coachmap.roster.models import SyncConnection, SyncRun, SyncStatus
from coachmap.roster.sync import services as sync_services
from tests.conftest import World
from tests.factories import DistrictFactory, SchoolFactory, UserFactory, member

pytestmark = pytest.mark.django_db

SECRET = "a-very-secret-client-secret"
CONNECTION = {
    "base_url": "https://sis.example.org/ims/oneroster/v1p1",
    "version": "1.1",
    "oauth": "oauth2",
    "token_url": "https://sis.example.org/oauth/token",
    "client_id": "coachmap",
    "hour": 3,
    "enabled": True,
}


def _post(client: Client, name: str, data: Any = None, **kwargs: Any) -> Any:
    return client.post(reverse(name, kwargs=kwargs), json.dumps(data or {}), content_type="application/json")


def _saved_connection(world: World) -> dict[str, Any]:
    row = SyncConnection.objects.get(district=world.district)
    return {
        **{field: getattr(row, field) for field in CONNECTION},
        "secret": sync_services.secret_of(row),
        "watermark": row.watermark,
    }


def _last_audit_detail() -> dict[str, Any]:
    event = AuditEvent.objects.filter(action=AuditAction.SETTINGS_CHANGE).latest("id")
    return {"actor": event.actor_id, "object_type": event.object_type, **event.detail}


def _far_webhook() -> WebhookEndpoint:
    """A webhook of another district, added by its own admin."""
    district: District = DistrictFactory()
    far_admin: User = member(UserFactory(), Role.DISTRICT_ADMIN, district=district)
    return webhooks.webhook_add(
        actor=far_admin, district=district, url="https://b.example.org", events=["cycle.completed"]
    )[0]


# --- the roster sync ---------------------------------------------------------------------------------


def test_the_api_saves_the_connection_the_page_saves_and_never_answers_its_secret(world: World) -> None:
    admin = world.client("admin")
    page = admin.post(reverse("roster:sync"), {**CONNECTION, "enabled": "on", "secret": SECRET})
    assert page.status_code == 302
    by_page, page_audit = _saved_connection(world), _last_audit_detail()
    SyncConnection.objects.all().delete()

    saved = _post(admin, "api:roster_sync_save", {**CONNECTION, "secret": SECRET})
    assert saved.status_code == 200, saved.content
    assert _saved_connection(world) == by_page
    assert _last_audit_detail() == page_audit
    read = admin.get(reverse("api:roster_sync"))
    for answer in (saved, read):
        assert SECRET not in answer.content.decode()
        connection = answer.json()["connection"]
        assert connection["secret_set"] is True and connection["next_sync"] == "full"
        assert connection["client_id"] == "coachmap" and connection["hour"] == 3

    # Fields left out (and the secret) keep their value, as the page's prefilled form does.
    assert _post(admin, "api:roster_sync_save", {"hour": 5}).status_code == 200
    assert _saved_connection(world) == {**by_page, "hour": 5}


def test_a_bad_connection_is_a_422_naming_the_field_and_saves_nothing(world: World) -> None:
    admin = world.client("admin")
    first = _post(admin, "api:roster_sync_save", CONNECTION)
    assert first.status_code == 422 and "secret" in first.json()["detail"]
    plain = _post(
        admin, "api:roster_sync_save", {**CONNECTION, "secret": SECRET, "base_url": "http://sis.example.org/"}
    )
    assert plain.status_code == 422
    assert plain.json()["detail"]["base_url"] == [
        "Use an https:// address: coachmap sends the secret only over HTTPS."
    ]
    no_token = _post(admin, "api:roster_sync_save", {**CONNECTION, "secret": SECRET, "token_url": ""})
    assert no_token.status_code == 422 and "token_url" in no_token.json()["detail"]
    hour = _post(admin, "api:roster_sync_save", {**CONNECTION, "secret": SECRET, "hour": 24})
    assert hour.status_code == 422 and "hour" in hour.json()["detail"]
    assert not SyncConnection.objects.exists()
    assert SECRET not in plain.content.decode() + no_token.content.decode()


def test_sync_runs_are_the_pages_runs_with_what_changed_and_what_was_refused(world: World) -> None:
    admin = world.client("admin")
    done = SyncRun.objects.create(
        district=world.district, mode="full", status=SyncStatus.DONE, reason="Added 12, changed 0, removed 0."
    )
    refused = SyncRun.objects.create(
        district=world.district,
        actor=world.admin,
        mode="delta",
        status=SyncStatus.REJECTED,
        reason="Refused: the service's data has 1 problem: users.csv row 4, column email. Nothing was changed.",
    )
    SyncRun.objects.create(
        district=DistrictFactory(), mode="full", status=SyncStatus.DONE, reason="elsewhere"
    )
    page_runs = [r.pk for r in admin.get(reverse("roster:sync")).context["runs"]]
    runs = admin.get(reverse("api:roster_sync_runs"), {"page_size": 1})
    assert runs.json()["count"] == len(page_runs) == 2
    listed = admin.get(reverse("api:roster_sync_runs")).json()["items"]
    assert [r["id"] for r in listed] == page_runs == [refused.pk, done.pk]
    assert listed[0]["reason"] == refused.reason and listed[0]["status_words"] == "Refused: nothing changed"
    assert listed[0]["started_by"] == str(world.admin) and listed[1]["started_by"] is None
    assert listed[1]["reason"] == "Added 12, changed 0, removed 0."


def test_sync_now_is_the_pages_service_and_refused_while_one_runs(world: World) -> None:
    admin = world.client("admin")
    alone = _post(admin, "api:roster_sync_now")
    assert alone.status_code == 422
    assert alone.json()["detail"] == {"__all__": ["Connect the district's OneRoster service first."]}
    _post(admin, "api:roster_sync_save", {**CONNECTION, "secret": SECRET})
    started = _post(admin, "api:roster_sync_now")
    assert started.status_code == 202
    run = SyncRun.objects.get(district=world.district)
    assert started.json()["id"] == run.pk and run.actor == world.admin and run.status == SyncStatus.RUNNING
    again = _post(admin, "api:roster_sync_now")
    assert again.status_code == 422 and "is already running" in again.json()["detail"]["__all__"][0]
    assert SyncRun.objects.filter(district=world.district).count() == 1


def test_the_admins_personal_token_reads_the_sync_but_never_saves_a_secret(world: World) -> None:
    secret = tokens.personal_token_create(actor=world.admin, name="t", scopes=["read", "write"])[1]
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    client = Client()
    assert client.get(reverse("api:roster_sync"), **bearer).status_code == 200
    refused = client.post(
        reverse("api:roster_sync_save"),
        json.dumps({**CONNECTION, "secret": SECRET}),
        content_type="application/json",
        **bearer,
    )
    assert refused.status_code == 403 and not SyncConnection.objects.exists()


# --- webhooks ------------------------------------------------------------------------------------------


def test_a_webhook_added_through_the_api_is_the_pages_and_its_secret_shows_once(world: World) -> None:
    admin = world.client("admin")
    hook = {"url": "https://warehouse.example.org/hooks", "events": ["import.finished"]}
    assert admin.post(reverse("notifications:webhooks"), hook).status_code == 200
    by_page = WebhookEndpoint.objects.get()
    page_row, page_audit = (by_page.url, by_page.events, by_page.active), _last_audit_detail()
    by_page.delete()

    added = _post(admin, "api:webhook_add", hook)
    assert added.status_code == 201
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.url, endpoint.events, endpoint.active) == page_row
    assert _last_audit_detail() == page_audit
    secret = added.json()["secret"]
    assert secret.startswith("whsec_") and secret == webhooks.unseal_text(
        webhooks.SEAL_PURPOSE, endpoint.secret_sealed
    )
    listed = admin.get(reverse("api:webhook_list"))
    assert listed.json()["items"][0]["url"] == hook["url"] and secret not in listed.content.decode()

    bad = _post(admin, "api:webhook_add", {"url": "not an address", "events": []})
    assert bad.status_code == 422 and {"url", "events"} <= set(bad.json()["detail"])
    ftp = _post(
        admin, "api:webhook_add", {"url": "ftp://warehouse.example.org", "events": ["import.finished"]}
    )
    assert ftp.status_code == 422 and "Use an https:// address" in ftp.json()["detail"]["url"][0]
    assert WebhookEndpoint.objects.count() == 1


def test_removing_a_webhook_is_audited_and_another_districts_is_not_found(world: World) -> None:
    admin = world.client("admin")
    mine = webhooks.webhook_add(
        actor=world.admin, district=world.district, url="https://a.example.org", events=["cycle.completed"]
    )[0]
    theirs = _far_webhook()
    assert [w["id"] for w in admin.get(reverse("api:webhook_list")).json()["items"]] == [mine.pk]
    assert admin.delete(reverse("api:webhook_remove", kwargs={"webhook_id": theirs.pk})).status_code == 404
    assert admin.delete(reverse("api:webhook_remove", kwargs={"webhook_id": mine.pk})).status_code == 204
    assert list(WebhookEndpoint.objects.all()) == [theirs]
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.SETTINGS_CHANGE, detail__setting="webhook removed"
        ).count()
        == 1
    )


def test_the_delivery_log_is_the_pages_paginated_and_scoped(world: World) -> None:
    admin = world.client("admin")
    mine = webhooks.webhook_add(
        actor=world.admin, district=world.district, url="https://a.example.org", events=["cycle.completed"]
    )[0]
    theirs = _far_webhook()
    for endpoint in (mine, mine, theirs):
        WebhookDelivery.objects.create(endpoint=endpoint, event="cycle.completed", payload={"id": "x"})
    WebhookDelivery.objects.filter(endpoint=mine).update(
        status=WebhookStatus.RETRYING, error="The receiver answered 500.", response_code=500, attempts=2
    )
    page = [d.pk for d in admin.get(reverse("notifications:webhooks")).context["deliveries"]]
    first = admin.get(reverse("api:webhook_deliveries"), {"page_size": 1}).json()
    everything = admin.get(reverse("api:webhook_deliveries")).json()["items"]
    assert first["count"] == 2 and [d["id"] for d in everything] == page
    assert everything[0]["error"] == "The receiver answered 500." and everything[0]["response_code"] == 500
    assert admin.get(reverse("api:webhook_deliveries"), {"status": "delivered"}).json()["count"] == 0


# --- the Schools page -----------------------------------------------------------------------------------


def test_schools_are_the_districts_paginated_and_searchable(world: World) -> None:
    admin = world.client("admin")
    elsewhere = SchoolFactory(name="Maple Far Away")
    schools = admin.get(reverse("api:school_list"), {"page_size": 1}).json()
    assert schools["count"] == School.objects.filter(district=world.district).count()
    found = admin.get(reverse("api:school_list"), {"q": "maple"}).json()["items"]
    assert [s["id"] for s in found] == [world.school.pk]
    assert admin.get(reverse("api:school_read", kwargs={"school_id": elsewhere.pk})).status_code == 404
    changed = _post(admin, "api:school_update", {"name": "Taken"}, school_id=elsewhere.pk)
    assert changed.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.name == "Maple Far Away"
    # A search holding a NUL character is a 422 naming it, not PostgreSQL's 500 (the URL walker
    # found it on PostgreSQL only).
    nul = admin.get(reverse("api:school_list"), {"q": "a\x00b"})
    assert nul.status_code == 422 and "q" in str(nul.json()["detail"])


def test_a_school_changed_through_the_api_is_saved_as_on_the_admin_page(world: World) -> None:
    admin = world.client("admin")
    page = admin.post(
        reverse("admin:core_school_change", args=[world.school.pk]),
        {"name": "Maple Academy", "grade_low": "-1", "grade_high": "8"},
    )
    assert page.status_code == 302
    changed = _post(
        admin,
        "api:school_update",
        {"name": "Cedar Academy", "grade_low": -1, "grade_high": 8},
        school_id=world.other_school.pk,
    )
    assert changed.status_code == 200
    assert changed.json()["grades"] == School.objects.get(pk=world.school.pk).grades_label
    rows = School.objects.filter(pk__in=[world.school.pk, world.other_school.pk]).order_by("name")
    assert [(s.name, s.grade_low, s.grade_high, s.source_id) for s in rows] == [
        ("Cedar Academy", -1, 8, world.other_school.source_id),
        ("Maple Academy", -1, 8, world.school.source_id),
    ]
    # Each has its history entry on the admin page, said the same way.
    messages = [e.change_message for e in LogEntry.objects.order_by("id")]
    assert len(messages) == 2 and messages[0] == messages[1]


def test_a_school_with_its_grades_upside_down_is_refused_as_on_the_page(world: World) -> None:
    admin = world.client("admin")
    page = admin.post(
        reverse("admin:core_school_change", args=[world.school.pk]),
        {"name": "Maple Elementary", "grade_low": "8", "grade_high": "5"},
    )
    refused = _post(admin, "api:school_update", {"grade_low": 8}, school_id=world.school.pk)
    assert page.status_code == 200 and refused.status_code == 422
    message = refused.json()["detail"]["grade_high"][0]
    assert message.startswith("The highest grade (Grade 5) is below the lowest (Grade 8)")
    assert message in page.content.decode().replace("&#x27;", "'")
    source = _post(admin, "api:school_update", {"source_id": "X-1"}, school_id=world.school.pk)
    assert source.status_code == 422
    world.school.refresh_from_db()
    assert (world.school.grade_low, world.school.grade_high) == (0, 5)


# --- the audit trail ---------------------------------------------------------------------------------------


def test_the_audit_trail_lists_the_admin_pages_rows_and_never_a_confidential_act(world: World) -> None:
    admin = world.client("admin")
    audit_record(actor=world.admin, action=AuditAction.ROLE_CHANGE, obj=world.lead, district=world.district)
    audit_record(actor=world.lead, action=AuditAction.EXPORT, district=world.district, what="needs")
    audit_record(
        actor=world.coach.user, action=AuditAction.NOTES_READ, obj=world.cycle, district=world.district
    )
    audit_record(actor=None, action=AuditAction.EXPORT, district=DistrictFactory())
    before = AuditEvent.objects.count()

    page = admin.get(reverse("admin:core_auditevent_changelist"))
    page_ids = [e.pk for e in page.context["cl"].result_list]
    trail = admin.get(reverse("api:audit_trail")).json()
    assert [e["id"] for e in trail["items"]] == page_ids and trail["count"] == len(page_ids)
    confidential = {a.value for a in AuditAction if a.is_confidential}
    assert not {e["action"] for e in trail["items"]} & confidential
    assert AuditEvent.objects.count() == before  # reading the trail is not audited, as in the admin

    exports = admin.get(reverse("api:audit_trail"), {"action": "export"}).json()["items"]
    by_page = (
        admin.get(reverse("admin:core_auditevent_changelist"), {"action": "export"}).context["cl"].result_list
    )
    assert [e["id"] for e in exports] == [e.pk for e in by_page] and len(exports) == 1
    assert admin.get(reverse("api:audit_trail"), {"action": "notes_read"}).status_code == 422
    by_lead = admin.get(reverse("api:audit_trail"), {"actor_id": world.lead.pk}).json()["items"]
    assert [e["action"] for e in by_lead] == ["export"]
    today = timezone.localdate()
    assert (
        admin.get(reverse("api:audit_trail"), {"since": str(today + datetime.timedelta(days=2))}).json()[
            "count"
        ]
        == 0
    )
    assert admin.get(reverse("api:audit_trail"), {"until": str(today + datetime.timedelta(days=2))}).json()[
        "count"
    ] == len(page_ids)


def test_the_audit_activity_is_the_pages_counts(world: World) -> None:
    admin = world.client("admin")
    audit_record(
        actor=world.coach.user, action=AuditAction.NOTES_READ, obj=world.cycle, district=world.district
    )
    page = admin.get(reverse("admin:core_auditevent_changelist")).context
    answer = admin.get(reverse("api:audit_activity")).json()
    assert answer["min_group_size"] == page["min_size"]
    assert [(r["action"], r["count"]) for r in answer["months"]] == [
        (r.action, r.count) for r in page["activity"]
    ]
    assert None in [r["count"] for r in answer["months"]]  # notes read once: fewer than the minimum
