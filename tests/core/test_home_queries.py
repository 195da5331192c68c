"""The home page's queries stay few however much a teacher has going on (bench/load.py measures the
page under load; the lighter supports were read twice per page)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from django.utils import timezone

from tests.conftest import World
from tests.factories import SessionFactory

QueryCap = Callable[[int], AbstractContextManager[Any]]


def test_a_teacher_home_page_reads_the_lighter_supports_once(
    world: World, django_assert_max_num_queries: QueryCap
) -> None:
    SessionFactory(cycle=world.cycle, date=timezone.localdate())  # the pulse question is on the page
    client = world.client("teacher")
    client.get("/")  # the first visit marks account changes seen; count a later one

    with django_assert_max_num_queries(25):
        response = client.get("/")

    assert response.status_code == 200
    assert b"pulse" in response.content
