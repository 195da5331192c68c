"""Every CSV download starts with a UTF-8 byte-order mark, so Excel opens accented names and en
dashes as written; the importers read such a file back."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from coachmap.improvement.views.export import DISTRICT_TABLES, SCHOOL_TABLES
from coachmap.reports.views import EXTRA_CSV
from tests.conftest import World

pytestmark = pytest.mark.django_db

BOM = b"\xef\xbb\xbf"
SCHOOL_NAME = "Escuela Peñasco – Norte"
TEACHER_FIRST = "José"
GOAL = "Más lectores – “grade 3” reading"
DASHBOARD_TABLES = [
    "reach-school",
    "reach-quadrant",
    "reach-grade-band",
    "reach-coach-type",
    "alignment",
    "evidence",
    "equity",
    *EXTRA_CSV,
]


def _names(resolver: URLResolver, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            names |= _names(p, f"{prefix}{p.namespace}:" if p.namespace else prefix)
        elif isinstance(p, URLPattern) and p.name:
            names.add(prefix + p.name)
    return names


# Every CSV download: URL name → (role, the URL's kwargs for each table).
def _downloads(w: World) -> dict[str, tuple[str, list[dict[str, Any]]]]:
    return {
        "coaching:requests-export": ("lead", [{}]),
        "coaching:caseloads-export": ("lead", [{}]),
        "coaching:referrals-export": ("lead", [{}]),
        "improvement:school-export": (
            "principal",
            [{"school_id": w.school.pk, "table": t} for t in SCHOOL_TABLES],
        ),
        "improvement:district-export": ("admin", [{"table": t} for t in DISTRICT_TABLES]),
        # The same downloads through the API (issue 20).
        "api:school_export": ("principal", [{"school_id": w.school.pk, "table": t} for t in SCHOOL_TABLES]),
        "api:district_export": ("admin", [{"table": t} for t in DISTRICT_TABLES]),
        "reports:dashboard-csv": ("lead", [{"table": t} for t in DASHBOARD_TABLES]),
        "impact:export": ("lead", [{}]),
        "api:dashboard_csv": ("lead", [{"table": t} for t in DASHBOARD_TABLES]),
        "api:impact_estimates_csv": ("lead", [{}]),
    }


def test_the_list_holds_every_csv_route(world: World) -> None:
    csv_like = {n for n in _names(get_resolver()) if "export" in n or "csv" in n}
    assert csv_like == set(_downloads(world))


def test_every_csv_starts_with_a_bom_and_keeps_accents(world: World) -> None:
    world.school.name = SCHOOL_NAME
    world.school.save()
    world.teacher.user.first_name = TEACHER_FIRST
    world.teacher.user.save()
    world.goal.statement = GOAL
    world.goal.save()
    seen_accents = set()
    for name, (role, variants) in _downloads(world).items():
        client = world.client(role)
        for kwargs in variants:
            response = client.get(reverse(name, kwargs=kwargs or None))
            assert response.status_code == 200, (name, kwargs)
            assert response["Content-Type"].startswith("text/csv"), (name, kwargs)
            assert response.content.startswith(BOM), (name, kwargs)
            assert not response.content.startswith(BOM * 2), (name, kwargs)
            text = response.content.decode("utf-8-sig")
            for accented in (SCHOOL_NAME, TEACHER_FIRST, GOAL):
                if accented in text:
                    seen_accents.add((name, accented))
    # The accented names come back as written where each table shows them.
    assert ("coaching:requests-export", TEACHER_FIRST) in seen_accents
    assert ("reports:dashboard-csv", SCHOOL_NAME) in seen_accents
    assert ("improvement:school-export", GOAL) in seen_accents
    assert ("api:school_export", GOAL) in seen_accents
