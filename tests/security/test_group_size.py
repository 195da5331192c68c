"""Issue 12, item 5: the minimum group size has a floor of 5, a warning below 10, and an honest audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coachmap.core import group_size
from coachmap.core.models import AuditAction, AuditEvent, District
from coachmap.core.services import district_settings_update
from coachmap.feedback import anonymity
from tests.conftest import World

pytestmark = pytest.mark.django_db

SETTINGS = {"coaching_time_target": "80", "state_id": ""}


def _settings_event() -> AuditEvent:
    return AuditEvent.objects.get(action=AuditAction.SETTINGS_CHANGE)


@pytest.mark.parametrize("size", [1, 4])
def test_settings_page_refuses_a_minimum_group_size_below_five(world: World, size: int) -> None:
    response = world.client("admin").post(reverse("district-settings"), {"min_group_size": size, **SETTINGS})
    assert response.status_code == 200
    assert "cannot be below 5" in response.content.decode()
    world.district.refresh_from_db()
    assert world.district.min_group_size == 10
    assert not AuditEvent.objects.filter(action=AuditAction.SETTINGS_CHANGE).exists()


def test_admin_site_refuses_a_minimum_group_size_below_five(world: World) -> None:
    url = reverse("admin:core_district_change", args=[world.district.pk])
    response = world.client("admin").post(
        url, {"min_group_size": 1, "coaching_time_target": 80, "state_id": ""}
    )
    assert response.status_code == 200
    assert "cannot be below 5" in response.content.decode()
    world.district.refresh_from_db()
    assert world.district.min_group_size == 10


def test_service_and_model_refuse_below_the_floor(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        district_settings_update(
            actor=world.admin, district=world.district, min_group_size=4, coaching_time_target=80
        )
    assert "cannot be below 5" in str(error.value.message_dict["min_group_size"])
    district = District(name="Elsewhere", slug="elsewhere", min_group_size=1)
    with pytest.raises(ValidationError) as error:
        district.full_clean()
    assert "min_group_size" in error.value.message_dict


@pytest.mark.parametrize("size", [5, 9])
def test_a_small_but_allowed_size_is_saved_with_a_warning(world: World, size: int) -> None:
    response = world.client("admin").post(
        reverse("district-settings"), {"min_group_size": size, **SETTINGS}, follow=True
    )
    body = response.content.decode()
    assert "Settings saved." in body
    assert "coachmap recommends 10 or more" in body
    world.district.refresh_from_db()
    assert world.district.min_group_size == size


def test_no_warning_from_ten_up(world: World) -> None:
    response = world.client("admin").post(
        reverse("district-settings"), {"min_group_size": 12, **SETTINGS}, follow=True
    )
    assert "recommends" not in response.content.decode()


def test_admin_site_warns_between_five_and_nine(world: World) -> None:
    url = reverse("admin:core_district_change", args=[world.district.pk])
    response = world.client("admin").post(
        url, {"min_group_size": 6, "coaching_time_target": 80, "state_id": ""}, follow=True
    )
    assert "coachmap recommends 10 or more" in response.content.decode()
    world.district.refresh_from_db()
    assert world.district.min_group_size == 6


def test_settings_page_audit_records_the_real_before_and_after(world: World) -> None:
    world.client("admin").post(reverse("district-settings"), {"min_group_size": 12, **SETTINGS})
    event = _settings_event()
    assert event.detail["before"]["min_group_size"] == 10
    assert event.detail["after"]["min_group_size"] == 12
    assert event.actor == world.admin


def test_admin_site_audit_records_the_real_before_and_after(world: World) -> None:
    url = reverse("admin:core_district_change", args=[world.district.pk])
    world.client("admin").post(url, {"min_group_size": 15, "coaching_time_target": 70, "state_id": ""})
    event = _settings_event()
    assert event.detail["before"]["min_group_size"] == 10
    assert event.detail["after"] == {
        "min_group_size": 15,
        "rate_coding": True,
        "coaching_time_target": 70,
        "import_hold_percent": 5,
        # How many school years of student data the district keeps (issue 18): empty keeps all.
        "retention_years": None,
        # Which coaching-related time counts as coaching (issue 16): unchanged, recorded all the same.
        "time_counts_plc": True,
        "time_counts_committee": True,
        "time_counts_learning": True,
        "state_id": "",
        "source_id": "",
        "time_zone": "",
        "state": "",
    }


def test_one_definition_of_the_floor_and_the_default() -> None:
    assert anonymity.FLOOR == group_size.FLOOR == 5
    assert District._meta.get_field("min_group_size").default == group_size.DEFAULT
    assert anonymity.minimum(1) == group_size.FLOOR
