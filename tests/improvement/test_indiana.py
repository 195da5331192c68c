"""The needs assessment of an Indiana school corporation, from the state's published file.

The file (a copy of ../shared/data/results/indiana-corporation-k8.csv in tests/roster/data, Indiana
Department of Education public data; see tests/roster/data/SOURCES.md) is loaded by the published-results importer for one corporation. Every published
percentage must come back out of the district's needs assessment; the gaps and trends it reports
are checked against values computed here straight from the CSV.
"""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import pytest

from coachmap.core.models import District, Role
from coachmap.improvement.needs.table import Table
from coachmap.improvement.queries.needs import NeedsAssessment, Period, Scope, needs_assessment
from coachmap.roster.models import ImportStatus
from coachmap.roster.services import import_run_create, import_run_execute
from tests.factories import DistrictFactory, UserFactory, member

pytestmark = pytest.mark.django_db

SOURCE = Path(__file__).resolve().parents[1] / "roster" / "data" / "indiana-corporation-k8.csv"
INDIANAPOLIS = "5385"
GROUPS = {
    "School Total": "all",
    "American Indian": "race:american_indian",
    "Asian": "race:asian",
    "Black": "race:black",
    "Hispanic": "race:hispanic",
    "Multiracial": "race:multiracial",
    "Native Hawaiian or Other Pacific Islander": "race:pacific_islander",
    "White": "race:white",
    "English Language Learners": "el",
    "Special Education": "swd",
    "Free or Reduced Price Meals": "ed",
    "Female": "gender:female",
    "Male": "gender:male",
}
SUBJECTS = {"ELA": "ela", "Math": "math"}


def _rows(code: str) -> list[dict[str, str]]:
    with SOURCE.open(newline="", encoding="utf-8-sig") as f:
        return [r for r in csv.DictReader(f) if r["Corporation ID"] == code]


def _load(tmp_path: Path, code: str, *, also: tuple[str, ...] = (), **district_fields: str) -> District:
    """The corporation's rows of the state file (and any `also`), imported by the published-results importer."""
    district_fields = district_fields or {"source_id": code}
    district = DistrictFactory(name="Indianapolis Public Schools", min_group_size=10, **district_fields)
    with SOURCE.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = [r for r in reader if r[1] in (code, *also)]
    path = tmp_path / "corporation.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header, *rows])
    run = import_run_create(actor=None, district=district, kind="published", filename=path.name)
    report = import_run_execute(run=run, path=path)
    run.refresh_from_db()
    assert run.status == ImportStatus.DONE, report.summary()
    return district


def _read(district: District, year: int) -> NeedsAssessment:
    owner = member(UserFactory(), Role.DISTRICT_ADMIN, district=district)
    return needs_assessment(owner, Scope(district, None), source="published", period=Period(year, "state"))


def _published(row: dict[str, str], prefix: str, subject: str) -> float | None:
    """The published percentage, or None when it is suppressed (***) or blank."""
    value = row.get(f"{prefix}|{subject} Proficiency %", "")
    try:
        return 100 * float(value)
    except ValueError:
        return None


def _figures(table: Table, prefix: str, code: str):  # type: ignore[no-untyped-def]
    grade = int(prefix.split()[1]) if prefix.startswith("Grade ") else None
    return table.get(grade, code)


def test_the_district_needs_assessment_reproduces_every_published_percentage(tmp_path: Path) -> None:
    district = _load(tmp_path, INDIANAPOLIS)
    checked = hidden = 0
    for row in _rows(INDIANAPOLIS):
        assessment = _read(district, int(row["Year"]))
        for label, subject in SUBJECTS.items():
            table = assessment.subject(subject)
            assert table is not None
            prefixes = [f"Grade {g}" for g in range(3, 9)] + list(GROUPS)
            for prefix in prefixes:
                code = GROUPS.get(prefix, "all")
                expected = _published(row, prefix, label)
                cell = _figures(table.table, prefix, code)
                if expected is None:
                    # Suppressed in the file: hidden here too, even from the data owner.
                    assert cell is None or cell.hidden, (row["Year"], prefix, label)
                    hidden += cell is not None
                    continue
                assert cell is not None and not cell.hidden, (row["Year"], prefix, label)
                assert cell.rate == pytest.approx(expected, abs=1e-9), (row["Year"], prefix, label)
                checked += 1
    # 5 years × 2 subjects × (6 grades + 13 groups); the 10 suppressed are Pacific Islander cells.
    assert (checked, hidden) == (180, 10)


def test_the_district_finds_its_own_rows_in_a_statewide_file_by_its_state_code(tmp_path: Path) -> None:
    # Three corporations in the file; the district says which one it is in its settings.
    district = _load(tmp_path, INDIANAPOLIS, also=("15", "7360"), state_id=INDIANAPOLIS)
    row = next(r for r in _rows(INDIANAPOLIS) if r["Year"] == "2024")
    ela = _read(district, 2024).subject("ela")
    assert ela is not None
    cell = ela.table.get(None, "all")
    assert cell is not None
    assert cell.rate == pytest.approx(100 * float(row["School Total|ELA Proficiency %"]))
    # Without the code, a statewide file is ambiguous: nothing is guessed.
    district.state_id = ""
    district.save()
    ela = _read(district, 2024).subject("ela")
    assert ela is None or ela.table.get(None, "all") is None


def test_gaps_match_the_file(tmp_path: Path) -> None:
    district = _load(tmp_path, INDIANAPOLIS)
    row = next(r for r in _rows(INDIANAPOLIS) if r["Year"] == "2024")
    ela = _read(district, 2024).subject("ela")
    assert ela is not None
    everyone = 100 * float(row["School Total|ELA Proficiency %"])
    # The highest-performing group, worked out here: among groups with 10 or more tested and a
    # published rate, the best rate.
    rates = {
        code: 100 * float(row[f"{prefix}|ELA Proficiency %"])
        for prefix, code in GROUPS.items()
        if code != "all"
        and row[f"{prefix}|ELA Proficiency %"] not in ("", "***")
        and int(row[f"{prefix}|ELA Total Tested"]) >= 10
    }
    best = max(rates, key=lambda c: rates[c])
    for code in GROUPS.values():
        if code == "all" or code not in rates:
            continue
        cell = ela.table.get(None, code)
        assert cell is not None
        assert cell.gap_to_all == pytest.approx(rates[code] - everyone), code
        assert cell.best_group == best
        assert cell.gap_to_best == pytest.approx(rates[code] - rates[best]), code
    # By hand from the file: English learners 6.84%, all students 20.72%.
    el = ela.table.get(None, "el")
    assert el is not None and round(el.gap_to_all or 0, 2) == -13.88


def _trend(points: list[tuple[int, float]]) -> tuple[str, int | None]:
    """The rule of the docs, written out again: the newest change decides the direction (under a
    point a year is stable), and the run goes back while earlier changes went the same way."""
    if len(points) < 2:
        return "unknown", None

    def kind(a: tuple[int, float], b: tuple[int, float]) -> str:
        per_year = (b[1] - a[1]) / (b[0] - a[0])
        return "stable" if abs(per_year) < 1 else "widening" if per_year > 0 else "narrowing"

    steps = [(a[0], kind(a, b)) for a, b in itertools.pairwise(points)]
    direction, since = steps[-1][1], steps[-1][0]
    for year, k in reversed(steps[:-1]):
        if k != direction:
            break
        since = year
    return direction, since


def test_trends_match_the_file(tmp_path: Path) -> None:
    district = _load(tmp_path, INDIANAPOLIS)
    rows = sorted(_rows(INDIANAPOLIS), key=lambda r: int(r["Year"]))
    needs = {n.key: n for s in _read(district, 2024).subjects for n in s.needs}
    checked = 0
    for label, subject in SUBJECTS.items():
        for prefix, code in GROUPS.items():
            points = []
            for r in rows:
                group, everyone = _published(r, prefix, label), _published(r, "School Total", label)
                if (
                    group is not None
                    and everyone is not None
                    and int(r[f"{prefix}|{label} Total Tested"] or 0) >= 10
                ):
                    points.append((int(r["Year"]), everyone - group))
            need = needs.get(f"{subject}:all:{code}")
            if need is None:
                continue
            direction, since = _trend(points)
            assert (need.trend.direction.value, need.trend.since) == (direction, since), (subject, code)
            checked += 1
    assert checked >= 8
    # By hand: English learners in ELA were 13.95, 13.92, 15.44, 15.53 and 13.88 points below all
    # students in 2019, 2021–2024; the last change (−1.65) narrows, the one before (+0.09) is flat.
    el = needs["ela:all:el"]
    assert el.sentence == (
        "English learners: 7% proficient in ELA, 14 points below all students, narrowing since 2023; 2705 students"
    )
    # 2020 has no test: the periods skip it rather than inventing one.
    assert [p.year for p in _read(district, 2024).periods] == [2024, 2023, 2022, 2021, 2019]
