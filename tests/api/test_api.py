"""The JSON API answers like the pages do: scoped, paginated, and notes only for teacher and coach."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coachmap.coaching.models import CoachingCycle
from coachmap.core.models import AuditAction, AuditEvent
from tests.conftest import SECRET_NOTE, World

pytestmark = pytest.mark.django_db


def test_me_lists_the_roles(world: World) -> None:
    assert world.client("coach").get(reverse("api:me")).json()["roles"] == ["coach"]


def test_cycles_are_scoped_and_paginated(world: World) -> None:
    teacher = world.client("teacher").get(reverse("api:cycles")).json()
    assert teacher["count"] == 1 and teacher["items"][0]["id"] == world.cycle.pk
    assert "notes" not in teacher["items"][0]
    lead = world.client("lead").get(reverse("api:cycles")).json()
    assert lead["count"] == CoachingCycle.objects.filter(coach__district=world.district).count() > 2
    assert world.client("principal").get(reverse("api:cycles")).json()["count"] == 0


def test_session_notes_through_the_api_are_audited(world: World) -> None:
    url = reverse("api:cycle_sessions", kwargs={"cycle_id": world.cycle.pk})
    sessions = world.client("coach").get(url).json()
    assert [s["notes"] for s in sessions] == [SECRET_NOTE]
    assert AuditEvent.objects.filter(action=AuditAction.NOTES_READ, actor=world.coach.user).count() == 1
    assert world.client("lead").get(url).json() == {
        "detail": "Session notes are only for the teacher and the coach."
    }


def test_goals_filter_by_school(world: World) -> None:
    goals = world.client("admin").get(reverse("api:goals"), {"school_id": world.other_school.pk}).json()
    assert {g["school_id"] for g in goals} == {world.other_school.pk}


def test_openapi_document_describes_every_route(world: World) -> None:
    # Signed in: the schema is for signed-in people only (tests/security/test_edges.py).
    schema = world.client("teacher").get(reverse("api:openapi-json")).json()
    assert {
        "/api/v1/me",
        "/api/v1/goals",
        "/api/v1/cycles",
        "/api/v1/cycles/{cycle_id}/sessions",
        "/api/v1/reports/coaching-trends",
        # The pages' areas added by issue 20.
        "/api/v1/schools/{school_id}/needs",
        "/api/v1/indicators",
        "/api/v1/schools/{school_id}/technology-map",
        "/api/v1/time/week",
        "/api/v1/agreements",
        "/api/v1/surveys/{survey_id}/results",
        "/api/v1/library",
        "/api/v1/imports",
    } <= set(schema["paths"])
