"""The load benchmark's pieces at a tiny scale (bench/load.py, bench/loadkit/): the people it signs
in really are signed in, and every task of every kind of Locust user works against a live server —
pages open, forms are accepted with the CSRF token read from the page, the API answers the token,
the trivial baseline answers — so `make bench` does not find out after minutes of setup. The tasks
run once each, in order (bench/loadkit/once.py), so the test does not depend on the machine's speed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.loadkit import accounts as load_accounts
from bench.loadkit import labels
from django.test import Client
from django.utils import timezone

from bench import load
from coachmap.coaching.models import CoachingSession, MatchingRound
from coachmap.feedback.models import PulseReceipt
from tests.conftest import World
from tests.factories import SessionFactory


def test_the_chosen_people_are_signed_in_and_the_api_clients_hold_tokens(world: World) -> None:
    accounts = load_accounts.build()

    assert all(accounts[k] for k in ("teachers", "coaches", "principals", "leads", "api"))
    teacher = Client()
    teacher.cookies["sessionid"] = accounts["teachers"][0]["session"]
    assert teacher.get("/").status_code == 200
    coach = Client()
    coach.cookies["sessionid"] = accounts["coaches"][0]["session"]
    assert coach.get("/caseload/").status_code == 200
    assert coach.get(f"/cycles/{accounts['coaches'][0]['cycles'][0]}/sessions/new/").status_code == 200
    principal = Client()
    principal.cookies["sessionid"] = accounts["principals"][0]["session"]
    assert principal.get(f"/schools/{accounts['principals'][0]['school']}/needs/").status_code == 200
    api = Client().get("/api/v1/cycles", HTTP_AUTHORIZATION=f"Bearer {accounts['api'][0]['token']}")
    assert api.status_code == 200
    assert api.json()["count"] >= 1


def test_the_trivial_view_is_mounted_only_by_the_bench_settings(client: Client, settings: object) -> None:
    assert client.get(labels.TRIVIAL_PATH).status_code == 404
    settings.ROOT_URLCONF = "bench.loadkit.urls"  # type: ignore[attr-defined]
    response = client.get(labels.TRIVIAL_PATH)
    assert response.status_code == 200
    assert response.content == b"ok"


def test_every_task_of_every_user_works_against_a_live_server(
    world: World, live_server: object, settings: object, tmp_path: Path
) -> None:
    settings.ROOT_URLCONF = "bench.loadkit.urls"  # type: ignore[attr-defined]
    # A session today in each cycle, so each teacher's home page asks the pulse.
    for cycle in (world.cycle, world.other_cycle):
        SessionFactory(cycle=cycle, date=timezone.localdate())
    accounts = tmp_path / "accounts.json"
    accounts.write_text(json.dumps(load_accounts.build()))
    rounds_before = MatchingRound.objects.count()

    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bench.loadkit.once", live_server.url, *load.MIX, load.TRIVIAL_CLASS],  # type: ignore[attr-defined]
        env={**os.environ, "LOAD_ACCOUNTS": str(accounts), "PYTHONPATH": str(load.ROOT)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    ran = json.loads(result.stdout.strip().splitlines()[-1])
    assert ran["exceptions"] == []
    assert ran["errors"] == []
    assert set(ran["labels"]) == {
        labels.TEACHER_HOME,
        labels.TEACHER_PULSE,
        labels.COACH_CASELOAD,
        labels.COACH_SESSION_FORM,
        labels.COACH_SESSION_LOG,
        labels.PRINCIPAL_NEEDS,
        labels.LEAD_REQUESTS,
        labels.LEAD_ROUNDS,
        labels.LEAD_ROUND_RUN,
        labels.API_CYCLES,
        labels.TRIVIAL,
    }
    # The forms were accepted: a session logged, a pulse answered, a round run.
    assert CoachingSession.objects.filter(notes__startswith="Planned Thursday").count() == 1
    assert PulseReceipt.objects.filter(teacher__in=[world.teacher, world.other_teacher]).exists()
    assert MatchingRound.objects.count() == rounds_before + 1
