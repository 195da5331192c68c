"""The program dashboard, its summaries, the impact estimates and the framework's levels through
the API (issue 20): each route's figures are the page's and its CSV's for the same world, null
exactly where the page hides a figure (*), and a service token never gets what only a data owner
or the program lead sees."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import numpy as np
import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from coachmap.api import tokens
from coachmap.core import csvsafe
from coachmap.core.models import Role, User
from coachmap.impact import queries as impact_queries
from coachmap.improvement.outcome_rows import Outcome, Rows
from coachmap.program import queries as program_queries
from coachmap.reports import summary, views
from tests.conftest import World
from tests.factories import member
from tests.program.test_framework import NOON, _walkthroughs
from tests.reports.test_dashboard import (  # noqa: F401 - the fixtures, used by name
    Fixture,
    _board,
    eq,
    fx,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 1)  # the fixture's school year, 2026–27


@pytest.fixture
def on_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *a: DAY)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(client: Client, name: str, **params: Any) -> Any:
    response = client.get(reverse(name), params)
    assert response.status_code == 200, response.content
    return response.json()


def _download(client: Client, table: str, **params: Any) -> list[list[str]]:
    response = client.get(
        reverse("reports:dashboard-csv", kwargs={"table": table}), {"period": "year", **params}
    )
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _csv(board: Any, table: str) -> list[list[str]]:
    """The table's CSV download as the download view makes it (`reports.views`), for a board
    already built (each download builds the whole dashboard again)."""
    if table in board.tables():
        header, rows = board.tables()[table].csv_header, board.tables()[table].csv_rows()
    else:
        header, rows = views.EXTRA_CSV[table](board) or ([], [])
    response = csvsafe.csv_response(table, header, rows)
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


@pytest.mark.usefixtures("on_day")
@pytest.mark.parametrize("role", ["lead", "admin", "principal"])
def test_the_dashboard_route_has_the_csvs_figures_hidden_where_they_are(eq: Fixture, role: str) -> None:  # noqa: F811
    user = getattr(eq, role)
    client = _client(user)
    got = _api(client, "api:program_dashboard")
    board = _board(user)
    assert [t["slug"] for t in got["tables"]] == list(board.tables())
    for table in got["tables"]:
        keys = [c["key"] for c in table["columns"]]
        lines = _csv(board, table["slug"])
        assert lines[0] == [
            table["row_heading"],
            *(c["label"] for c in table["columns"][: len(lines[0]) - 1]),
        ]
        rows = [*table["rows"], *([table["total"]] if table["total"] else [])]
        assert len(lines) - 1 == len(rows), table["slug"]
        for line, row in zip(lines[1:], rows, strict=True):
            # The CSV's star is the API's null, row by row; every other figure is the same.
            expected = ["*" if row["suppressed"] else _cell(row["values"][k]) for k in keys[: len(line) - 1]]
            assert line == [row["label"], *expected], (table["slug"], row["label"])
            if row["suppressed"]:
                assert set(row["values"].values()) == {None}
        # The page's derived columns (hours, shares) are the page's own figures.
        page = board.tables()[table["slug"]]
        for out, row in zip(table["rows"], page.rows, strict=True):
            assert out["suppressed"] == row.hidden
            if not row.hidden and "hours" in out["values"]:
                assert out["values"]["hours"] == row.values["hours"]
    goals = _csv(board, "goals")[1:]
    assert [
        [
            g["school"],
            g["statement"],
            g["student_group"],
            _cell(g["baseline"]),
            _cell(g["newest"]),
            _cell(g["target"]),
            g["progress"],
            "*" if g["coaching_suppressed"] else _cell(g["coaching_hours"]),
        ]
        for g in got["goals"]
    ] == goals
    indicators = _csv(board, "indicators")[1:]
    assert [
        [
            i["name"],
            i["goal"],
            i["student_group"],
            _cell(i["baseline"]),
            _cell(i["newest"]),
            _cell(i["change"]),
            _cell(i["target"]),
            i["unit"],
            i["progress"],
        ]
        for i in got["indicators"]
    ] == indicators
    usage = _csv(board, "usage")
    assert [
        [u["tool"], *("*" if v is None else str(v) for v in u["students_per_week"])]
        for u in got["usage"]["tools"]
    ] == usage[1:]
    assert got["goals_without_coaching"] == board.without_coaching
    assert got["impact"] == {
        "outcome": None,
        "school_id": None if role != "principal" else eq.alder.pk,
        "method": "adjusted",
        "estimate": None,
    }
    if role == "principal":
        assert got["time"] is None and got["school_id"] == eq.alder.pk
    else:
        time = _csv(board, "time")[1:]
        if got["time"]["coaches"]:  # the lead: per coach, as the time CSV
            assert [
                [
                    c["coach"],
                    str(c["minutes_coaching"]),
                    str(c["minutes_logged"]),
                    _cell(c["share_percent"]),
                    str(c["weeks_below_target"]),
                ]
                for c in got["time"]["coaches"]
            ] == time
            assert got["time"]["team_share_percent"] == 46
        else:  # the admin: two coaches logged time, fewer than five: hidden, as the CSV
            assert role == "admin" and time == [] and got["time"]["suppressed"]
            assert got["time"]["team_share_percent"] is None and got["time"]["weeks"] == []


@pytest.mark.usefixtures("on_day")
def test_a_group_below_the_minimum_is_null_exactly_where_the_page_hides_it(fx: Fixture) -> None:  # noqa: F811
    client = _client(fx.lead)
    page = client.get(reverse("reports:coaching-trends"), {"period": "year"}).content.decode()
    got = _api(client, "api:program_dashboard")
    reach = next(t for t in got["tables"] if t["slug"] == "reach-school")
    rows = {r["label"]: r for r in reach["rows"]}
    # Birch has 3 teachers (minimum 5): hidden; Cedar (6) with it, or Birch is the total minus the rest.
    for hidden in ("Birch Middle", "Cedar High"):
        assert rows[hidden]["suppressed"] and set(rows[hidden]["values"].values()) == {None}
        at = page.index(f'<th scope="row">{hidden}</th>')  # its first row: the reach by school
        assert 'class="num suppressed"' in page[at : at + 120], hidden
    # The download itself says the same: a star for each of them.
    download = {line[0]: line[1:] for line in _download(client, "reach-school")[1:]}
    assert download["Birch Middle"] == download["Cedar High"] == ["*"] * 5
    alder = rows["Alder Elementary"]
    assert not alder["suppressed"]
    assert [alder["values"][k] for k in ("asked", "matched", "started", "finished", "offers")] == [
        12,
        11,
        11,
        5,
        0,
    ]
    assert reach["total"]["values"]["asked"] == 21 and reach["total"]["key"] is None
    alignment = next(t for t in got["tables"] if t["slug"] == "alignment")
    assert [r["suppressed"] for r in alignment["rows"]] == [r.hidden for r in _board(fx.lead).alignment.rows]
    # Narrowed to one teacher (Alder's instructional coach): nothing about people is shown.
    narrow = _api(client, "api:program_dashboard", school_id=fx.alder.pk, coach_type="instructional")
    for table in narrow["tables"]:
        for row in [*table["rows"], *([table["total"]] if table["total"] else [])]:
            assert row["suppressed"] or not any(row["values"].get(k) for k in ("asked", "teachers")), table[
                "slug"
            ]


@pytest.mark.usefixtures("on_day")
def test_wrong_filters_are_named_and_another_school_is_not_found(fx: Fixture) -> None:  # noqa: F811
    lead, principal = _client(fx.lead), _client(fx.principal)
    for name in ("api:program_dashboard", "api:program_summary"):
        for param, value in (("period", "1999"), ("coach_type", "nobody"), ("school_id", "abc")):
            response = lead.get(reverse(name), {param: value})
            assert response.status_code == 422 and param in str(response.json()["detail"]), (name, param)
        # A principal's own school only: another one is a 404, not a fall back to their own.
        assert principal.get(reverse(name), {"school_id": fx.birch.pk}).status_code == 404
        assert principal.get(reverse(name), {"school_id": fx.alder.pk}).status_code == 200


@pytest.mark.usefixtures("on_day")
def test_the_summaries_are_the_pages_words_and_the_figures_behind_them(fx: Fixture) -> None:  # noqa: F811
    lead = _client(fx.lead)
    got = _api(lead, "api:program_summary")
    s = summary.summary(_board(fx.lead))
    assert got["title"] == s.title == "The coaching program" and got["school_id"] is None
    assert [(p["heading"], p["sentences"]) for p in got["paragraphs"]] == [
        (p.heading, p.sentences) for p in s.paragraphs
    ]
    page = lead.get(reverse("reports:summary"), {"period": "year"}).content.decode()
    for p in got["paragraphs"]:
        for sentence in p["sentences"]:
            assert escape(sentence) in page, sentence
    figures = got["figures"]
    # The hand figures of tests/reports/test_dashboard.py: 30 sessions, 1035 minutes = 17.2 hours.
    assert figures["coaching"] == {
        "suppressed": False,
        "sessions": 30,
        "hours": 17.2,
        "cycles": 20,
        "teachers": 20,
        "top_goal": f"Alder Elementary: {fx.g1.statement}",
        "top_goal_hours": 11.0,
        "top_goal_percent": 64,
        "goals_hidden": 1,
        "not_tied_hours": None,  # that row is hidden with Birch's goal
    }
    assert figures["reach"] == {"suppressed": False, "asked": 21, "matched": 20, "started": 20, "finished": 5}
    assert figures["students"] == {
        "suppressed": False,
        "cycles": 5,
        "before_percent": 40,
        "after_percent": 70,
    }
    assert figures["team_time"] == {"suppressed": False, "share_percent": 46, "target_percent": 60}
    # A school's summary: the lead chooses it; the principal's is their school's.
    school = _api(lead, "api:program_summary", school_id=fx.alder.pk)
    mine = _api(_client(fx.principal), "api:program_summary")
    assert school["title"] == mine["title"] == "Alder Elementary"
    assert mine["paragraphs"] == [
        {"heading": p.heading, "sentences": p.sentences}
        for p in summary.summary(_board(fx.principal)).paragraphs
    ]
    assert mine["figures"]["coaching"]["sessions"] == 21 and mine["figures"]["team_time"] is None


@pytest.mark.usefixtures("on_day")
def test_a_service_token_never_reads_the_leads_per_coach_time(fx: Fixture) -> None:  # noqa: F811
    # The admin who makes the service account also leads the program: signed in, they see each
    # coach's time and the team's share; their service account reads as a district admin does.
    member(fx.admin, Role.PROGRAM_LEAD, district=fx.alder.district)
    own = _api(_client(fx.admin), "api:program_dashboard")
    assert len(own["time"]["coaches"]) == 2 and own["time"]["team_share_percent"] == 46
    secret = tokens.service_account_create(actor=fx.admin, name="Warehouse", scopes=["read:aggregates"])[2]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    board = Client().get(reverse("api:program_dashboard"), {"period": "year"}, **headers).json()
    assert board["time"] == {
        "target_percent": 60,
        "suppressed": True,
        "team_share_percent": None,
        "weeks": [],
        "coaches": [],
    }
    assert not any(name in str(board) for name in fx.coach_names)
    assert board["tables"] == own["tables"]  # every table is suppressed alike for everyone
    said = Client().get(reverse("api:program_summary"), {"period": "year"}, **headers).json()
    assert (
        said["figures"]["team_time"]["suppressed"] and said["figures"]["team_time"]["share_percent"] is None
    )
    assert not any("team spent" in s for p in said["paragraphs"] for s in p["sentences"])


@time_machine.travel(NOON)
def test_the_levels_report_is_the_pages_table(world: World) -> None:
    from coachmap.improvement.framework import services

    version = services.framework_ensure(district=world.district)
    _walkthroughs(world, version, "Adoption", 12)
    _walkthroughs(world, version, "Infusion", 3)
    for who, user in (("principal", world.principal), ("lead", world.lead), ("admin", world.admin)):
        got = _api(world.client(who), "api:framework_report")
        table = program_queries.framework_levels(user, world.district, 2027)
        assert (
            got["levels"] == table.levels == ["Entry", "Adoption", "Adaptation", "Infusion", "Transformation"]
        )
        assert got["school_year"] == 2027 and got["min_group_size"] == 10
        # 3 is below the minimum (10); 12 is hidden too, or 15 − 12 would give it away.
        assert got["rows"] == [
            {
                "school_id": world.school.pk,
                "school": "Maple Elementary",
                "grade_band": "g35",
                "grade_band_label": "Grades 3 to 5",
                "counts": [0, None, 0, None, 0],
                "total": 15,
            }
        ]
    page = world.client("lead").get(reverse("program:framework-report")).content.decode()
    assert page.count("*") >= 2 and ">15<" in page.replace(" ", "").replace("\n", "")
    assert _api(world.client("other_principal"), "api:framework_report")["rows"] == []
    assert _api(world.client("lead"), "api:framework_report", year=2026)["rows"] == []
    late = world.client("lead").get(reverse("api:framework_report"), {"year": 2099})
    assert late.status_code == 422 and "year" in str(late.json()["detail"])


OUTCOME = Outcome("interim-2027-ela", "interim", 2027, "ela", 1, 2)


@pytest.fixture
def students(world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    """The world's district with one outcome and 1,200 students of 40 teachers in its two schools
    (grades 3 to 5): the first 20 teachers completed a cycle, and their students grew 5 points more.
    A quarter are English learners (an estimate), 3 % have a disability (too few: hidden); the
    world's two technology coaches are too few for a coach-type estimate; no tool has use data."""
    rng = np.random.default_rng(7)
    n = 1200
    teacher = np.repeat(np.arange(1, 41), 30).astype(np.int64)
    school = np.where(teacher % 2 == 0, world.school.pk, world.other_school.pk).astype(np.int64)
    baseline = rng.normal(200, 20, n)
    coached = teacher <= 20
    rows = Rows(
        np.arange(1, n + 1, dtype=np.int64),
        school,
        (3 + teacher % 3).astype(np.int64),
        baseline,
        baseline + 10 + 5 * coached + rng.normal(0, 8, n),
        teacher,
        {"el": np.arange(n) % 4 == 0, "swd": np.arange(n) % 33 == 0, "ed": np.arange(n) % 2 == 0},
    )
    status = impact_queries.TeacherStatus(
        {t: t <= 20 for t in range(1, 41)},
        dict.fromkeys(range(1, 21), "technology"),
        dict.fromkeys(range(1, 21), world.coach.pk),
        {},
    )
    monkeypatch.setattr(impact_queries, "outcomes", lambda district: [OUTCOME])
    monkeypatch.setattr(
        impact_queries,
        "student_rows",
        lambda outcome, school_id=None: rows if school_id is None else rows.take(rows.school == school_id),
    )
    monkeypatch.setattr(impact_queries, "teacher_status", lambda district, year: status)
    return world


FIGURES = {
    "difference_points": "difference (scale-score points)",
    "interval_low_points": "95% interval low",
    "interval_high_points": "95% interval high",
    "difference_sd": "difference (standard deviations)",
    "interval_low_sd": "sd interval low",
    "interval_high_sd": "sd interval high",
    "p_value": "p value",
    "baseline_gap_sd": "baseline difference (standard deviations)",
}


def _number(cell: str) -> float | None:
    return float(cell.removeprefix("'")) if cell else None  # the CSV writes a negative figure as text


def test_the_impact_estimates_are_the_csvs_hidden_where_it_hides(students: World) -> None:
    lead = students.client("lead")
    got = _api(lead, "api:impact_estimates")
    export = lead.get(reverse("impact:export")).content.decode("utf-8-sig")
    lines = list(csv.DictReader(io.StringIO(export)))
    assert got["outcome"] == {"key": OUTCOME.key, "label": OUTCOME.label} and got["min_teachers"] == 10
    assert len(got["estimates"]) == len(lines) > 5
    for e, line in zip(got["estimates"], lines, strict=True):
        assert (e["section"], e["label"], e["why_not_shown"]) == (
            line["section"],
            line["row"],
            line["why not shown"],
        )
        assert e["shown"] == (line["shown"] == "yes")
        for key, column in FIGURES.items():
            assert e[key] == _number(line[column]), (e["label"], key)
        teachers = e["teachers"] or {}
        assert str(teachers.get("coached_or_higher_use", "")) == line["teachers coached / higher use"]
        assert (e["evidence_tier"] or "") == line["evidence tier"]
        if not e["shown"]:  # hidden: its reason only, as the page
            assert e["students"] is None and e["size"] is None and e["interval_against_zero"] is None
    by_label = {e["label"]: e for e in got["estimates"]}
    main = got["estimates"][0]
    assert main["label"] == "All students" and main["shown"] and main["proves_cause"] is False
    # The planted 5 points: the page says "fairly sure … above zero"; the API says so as fields.
    assert main["interval_against_zero"] == "above_zero" and main["direction"] == "more"
    assert main["interval_low_points"] < 5 < main["interval_high_points"]
    assert main["teachers"] == {"coached_or_higher_use": 20, "comparison_or_lower_use": 20}
    page = lead.get(reverse("impact:index")).content.decode()
    assert "above zero." in page and f"a {main['size']} difference" in page
    assert by_label["English learners"]["shown"]
    assert not by_label["Students with disabilities"]["shown"]
    assert not by_label["Technology coach"]["shown"]  # two coaches: "about one or two coaches"
    assert "coaches" in by_label["Technology coach"]["why_not_shown"]
    # The dashboard's headline is the page's first estimate.
    assert _api(lead, "api:program_dashboard")["impact"]["estimate"] == main
    # A service account reads what its admin reads: these are suppressed for everyone.
    secret = tokens.service_account_create(actor=students.admin, name="BI", scopes=["read:aggregates"])[2]
    service = Client().get(reverse("api:impact_estimates"), HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert service.json() == _api(students.client("admin"), "api:impact_estimates") == got


def test_the_impact_estimates_are_for_a_principals_own_school(students: World) -> None:
    principal = students.client("principal")
    own = _api(principal, "api:impact_estimates")
    assert own["school_id"] == students.school.pk and own["school"] == "Maple Elementary"
    lead = _api(students.client("lead"), "api:impact_estimates", school_id=students.school.pk)
    assert lead["estimates"] == own["estimates"]
    # 20 teachers at Maple, 10 coached: each side just meets the minimum of 10.
    assert own["estimates"][0]["teachers"] == {"coached_or_higher_use": 10, "comparison_or_lower_use": 10}
    assert (
        principal.get(reverse("api:impact_estimates"), {"school_id": students.other_school.pk}).status_code
        == 404
    )
    wrong = students.client("lead").get(
        reverse("api:impact_estimates"), {"outcome": "nonsense", "method": "gain"}
    )
    assert wrong.status_code == 422 and "outcome" in wrong.json()["detail"]
    gain = students.client("lead").get(reverse("api:impact_estimates"), {"method": "gain"}).json()
    assert gain["method"] == "gain" and gain["method_label"] == "Growth compared (difference in differences)"
