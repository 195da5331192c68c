"""The roster sync page: the district admin connects the service; the secret never reaches a page;
"Sync now" while a sync runs is refused with a message."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from coachmap.roster.models import SyncConnection, SyncRun, SyncStatus
from coachmap.roster.sync import services
from tests.conftest import World

SECRET = "a-very-secret-client-secret"


def _save(client, **changes: str):
    data = {
        "base_url": "https://sis.example.org/ims/oneroster/v1p1",
        "version": "1.1",
        "oauth": "oauth2",
        "token_url": "https://sis.example.org/oauth/token",
        "client_id": "coachmap",
        "secret": SECRET,
        "hour": "2",
        "enabled": "on",
        **changes,
    }
    return client.post(reverse("roster:sync"), data)


@pytest.mark.django_db
def test_the_admin_connects_and_the_secret_never_shows(world: World, client) -> None:
    client.force_login(world.admin)
    response = _save(client)
    assert response.status_code == 302
    connection = SyncConnection.objects.get(district=world.district)
    assert services.secret_of(connection) == SECRET
    page = client.get(reverse("roster:sync")).content.decode()
    assert SECRET not in page
    assert "Saved. Leave empty to keep it" in page
    assert "Next sync: tonight after 02:00, everything (the first full sync)." in page


@pytest.mark.django_db
def test_plain_http_and_a_missing_token_address_are_refused_by_field(world: World, client) -> None:
    client.force_login(world.admin)
    response = _save(client, base_url="http://sis.example.org/ims/oneroster/v1p1")
    assert response.status_code == 400
    assert "Use an https:// address" in response.content.decode()
    response = _save(client, token_url="")
    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert "OAuth 2 needs the address where coachmap asks for a token." in text
    assert SECRET not in text
    assert not SyncConnection.objects.exists()


@pytest.mark.django_db
def test_sync_now_while_one_runs_is_refused(world: World, client) -> None:
    client.force_login(world.admin)
    _save(client)
    SyncRun.objects.create(district=world.district, mode="full", status=SyncStatus.RUNNING)
    response = client.post(reverse("roster:sync-now"), follow=True)
    assert "is already running" in response.content.decode()
    assert SyncRun.objects.filter(district=world.district).count() == 1


@pytest.mark.django_db
def test_sync_now_without_a_service_says_what_to_do(world: World, client) -> None:
    client.force_login(world.admin)
    response = client.post(reverse("roster:sync-now"), follow=True)
    assert "Connect the district's OneRoster service first." in html.unescape(response.content.decode())
