"""The library's and the email settings' writes through the API (issue 20): the pages' forms and
services, the same roles, another district's resource not found."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coachmap.library.models import Resource, ResourceUse
from coachmap.notifications.api import EmailSettingsIn
from coachmap.notifications.models import EmailPreference, Topic
from tests.conftest import World
from tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db

NEW = {
    "title": "Exit  ticket bank",
    "kind": "exemplar",
    "url": "https://example.org/exit",
    "tools": ["Lexia", "  seesaw "],
    "practices": ["exit tickets"],
    "subjects": ["ela"],
    "grades": [3, 4],
    "quadrants": ["new_developing"],
}


def test_the_api_adds_a_resource_exactly_as_the_page_does(world: World) -> None:
    coach = world.client("coach")
    by_api = coach.post(
        reverse("api:resource_create"), {**NEW, "goals": [world.goal.pk]}, content_type="application/json"
    )
    assert by_api.status_code == 200
    coach.post(
        reverse("library:resource-new"),
        {**NEW, "tools": "Lexia,   seesaw ", "practices": "exit tickets", "goals": [world.goal.pk]},
    )
    api_made, page_made = Resource.objects.filter(title="Exit ticket bank").order_by("pk")
    fields = (
        "title",
        "kind",
        "url",
        "tools",
        "practices",
        "subjects",
        "grades",
        "quadrants",
        "search_text",
        "created_by",
    )
    assert [getattr(api_made, f) for f in fields] == [getattr(page_made, f) for f in fields]
    assert list(api_made.goals.all()) == list(page_made.goals.all()) == [world.goal]
    assert by_api.json()["tools"] == api_made.tools


def test_bad_resources_are_refused_field_by_field_and_nothing_is_added(world: World) -> None:
    coach = world.client("coach")
    before = Resource.objects.count()
    for body, words in [
        ({**NEW, "url": "ftp://example.org/x"}, "url"),
        ({**NEW, "url": ""}, "Give a link or upload a file."),
        ({**NEW, "kind": "poster"}, "kind"),
        ({**NEW, "grades": [42]}, "grades"),
        ({**NEW, "goals": [10**9]}, "goals"),
    ]:
        response = coach.post(reverse("api:resource_create"), body, content_type="application/json")
        assert response.status_code == 422, body
        assert words in str(response.json()["detail"]), response.json()
    assert Resource.objects.count() == before
    assert (
        world.client("teacher")
        .post(reverse("api:resource_create"), NEW, content_type="application/json")
        .status_code
        == 403
    )


def test_only_its_author_or_the_lead_changes_a_resource(world: World) -> None:
    url = reverse("api:resource_update", kwargs={"resource_id": world.resource.pk})
    body = {**NEW, "title": "Rotation planner, revised"}
    refused = world.client("other_coach").put(url, body, content_type="application/json")
    assert refused.status_code == 403
    assert Resource.objects.get(pk=world.resource.pk).title == "Small-group rotation planner"
    assert (
        world.client("coach").put(url, body, content_type="application/json").json()["title"]
        == "Rotation planner, revised"
    )
    assert (
        world.client("lead")
        .put(url, {**body, "title": "By the lead"}, content_type="application/json")
        .status_code
        == 200
    )


def test_another_districts_resource_is_not_found(world: World) -> None:
    elsewhere = Resource.objects.create(
        district=DistrictFactory(), title="Theirs", kind="rubric", url="https://example.org/theirs"
    )
    for name, method in (
        ("api:resource", "get"),
        ("api:resource_update", "put"),
        ("api:resource_open", "post"),
    ):
        response = getattr(world.client("lead"), method)(
            reverse(name, kwargs={"resource_id": elsewhere.pk}), NEW, content_type="application/json"
        )
        assert response.status_code == 404, name
    assert not ResourceUse.objects.exists()


def test_opening_a_resource_counts_a_use_and_keeps_no_name(world: World) -> None:
    url = reverse("api:resource_open", kwargs={"resource_id": world.resource.pk})
    first = world.client("teacher").post(url).json()
    assert first == {"url": "https://example.org/rotation-planner", "opened": 1}
    world.client("principal").get(reverse("library:resource-open", args=[world.resource.pk]))
    assert (
        world.client("lead")
        .get(reverse("api:resource", kwargs={"resource_id": world.resource.pk}))
        .json()["opened"]
        == 2
    )
    assert {f.name for f in ResourceUse._meta.get_fields()}.isdisjoint({"user", "teacher", "by"})


# --- email settings ----------------------------------------------------------------------------------


def test_email_settings_are_read_and_changed_as_on_the_page(world: World) -> None:
    client = world.client("teacher")
    read = client.get(reverse("api:notification_settings")).json()
    assert [t["topic"] for t in read["topics"]] == list(Topic.values)
    changed = client.put(
        reverse("api:notification_settings_update"), {"surveys": "off"}, content_type="application/json"
    )
    assert {t["topic"]: t["delivery"] for t in changed.json()["topics"]}["surveys"] == "off"
    assert EmailPreference.objects.get(user=world.teacher.user, topic="surveys").delivery == "off"
    assert not EmailPreference.objects.filter(user=world.lead).exists()  # one's own only
    bad = client.put(
        reverse("api:notification_settings_update"), {"surveys": "sometimes"}, content_type="application/json"
    )
    assert bad.status_code == 422 and "surveys" in str(bad.json()["detail"])
    assert EmailPreference.objects.get(user=world.teacher.user, topic="surveys").delivery == "off"


def test_every_topic_can_be_chosen_through_the_api() -> None:
    assert set(EmailSettingsIn.model_fields) == set(Topic.values)
