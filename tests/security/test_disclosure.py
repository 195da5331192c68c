"""Issue 12, item 2: suppression that survives arithmetic.

Every hidden cell of a figure table must stay unknown to a reader who combines everything the
table shows: sums over groups and grades, 0 ≤ proficient ≤ tested, whole numbers, rates (exact
at the CSV's two decimals, or only a bound where coded "≤ 5 %" / "≥ 95 %").

The auditor here is independent of the one in `coachmap.core.privacy` (HiGHS): it is written
from what the reader sees (the CSV's cells, or the table's shown figures) and solved with
OR-Tools CP-SAT, a different solver.
"""

from __future__ import annotations

import csv
import datetime
import io
import time
from collections.abc import Mapping, Sequence

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from coachmap.core import access, groups, privacy
from coachmap.core.models import District, Role, School, User
from coachmap.demo.generate import Generator
from coachmap.demo.profiles import PROFILES
from coachmap.improvement.needs import table
from coachmap.improvement.needs.stats import Tally
from coachmap.improvement.queries.needs import Scope, available_sources, needs_assessment
from coachmap.improvement.summaries import summaries_rebuild
from coachmap.reports.queries import Trends, coaching_trends_by_month, coaching_trends_for
from coachmap.roster.models import Subject, Window
from tests.factories import (
    AssessmentFactory,
    CoachFactory,
    CycleFactory,
    DistrictFactory,
    ResultFactory,
    SchoolFactory,
    SessionFactory,
    StudentFactory,
    TeacherFactory,
    UserFactory,
    member,
)

BIG = 100_000
Key = tuple[object, str]


# -- the independent auditor ------------------------------------------------------------------


class Shown:
    """One cell as the reader sees it: tested and the rate, or hidden."""

    def __init__(self, hidden: bool, tested: int = 0, rate: str | float | None = None) -> None:
        self.hidden, self.tested, self.rate = hidden, tested, rate


def _proficient_bounds(cell: Shown) -> tuple[int, int]:
    """What a shown rate says of the proficient count, in whole numbers."""
    t = cell.tested
    if t == 0 or cell.rate in (None, ""):
        return 0, 0 if t == 0 else t
    if cell.rate == "≤ 5 %":
        return 0, (5 * t) // 100
    if cell.rate == "≥ 95 %":
        return -(-95 * t // 100), t
    hundredths = round(float(cell.rate) * 100)  # type: ignore[arg-type]
    # proficient / tested within half a hundredth of a percent of the shown rate
    low = max(0, -(-(2 * hundredths - 1) * t // 20000))
    high = min(t, (2 * hundredths + 1) * t // 20000)
    return low, high


def cpsat_pinned(
    cells: Mapping[Key, Shown],
    partitions: Mapping[str, Sequence[str]],
    grades: Sequence[object],
    truth: Mapping[Key, tuple[int, int]] | None = None,
) -> list[tuple[str, Key, int]]:
    """Hidden (figure, cell, value) that every whole-number table consistent with `cells` agrees on.

    `cells` holds every cell of the table (a cell the reader does not see at all has nobody in
    it). Lines: each partition adds up to all students in each grade and in all grades; the
    grades add up to all grades in each group. With `truth` (tested, proficient of every cell),
    a figure is pinned when no solution gives it another value (one solve instead of two).
    """
    model = cp_model.CpModel()
    # No cell holds more students than the whole table's all students, when that is shown.
    everyone = cells.get(("all", groups.ALL))
    most = everyone.tested if everyone is not None and not everyone.hidden and everyone.tested else BIG
    t: dict[Key, cp_model.IntVar] = {}
    p: dict[Key, cp_model.IntVar] = {}
    for key, cell in cells.items():
        if cell.hidden:
            t[key] = model.NewIntVar(0, most, f"t{key}")
            p[key] = model.NewIntVar(0, most, f"p{key}")
            model.Add(p[key] <= t[key])
        else:
            low, high = _proficient_bounds(cell)
            t[key] = model.NewIntVar(cell.tested, cell.tested, f"t{key}")
            p[key] = model.NewIntVar(low, high, f"p{key}")
    every_grade = [g for g in grades if g != "all"]
    codes = {code for _, code in cells}
    for grade in grades:
        for members in partitions.values():
            parts = [(grade, code) for code in members if (grade, code) in cells]
            if parts and (grade, groups.ALL) in cells:
                for figure in (t, p):
                    model.Add(sum(figure[k] for k in parts) == figure[(grade, groups.ALL)])
    for code in codes:
        parts = [(grade, code) for grade in every_grade if (grade, code) in cells]
        if parts and ("all", code) in cells:
            for figure in (t, p):
                model.Add(sum(figure[k] for k in parts) == figure[("all", code)])
    pinned = []
    for key, cell in cells.items():
        if not cell.hidden or (truth is not None and truth[key][0] == 0):
            continue  # what is learnt of an empty cell is about no student
        for index, (name, figure) in enumerate((("tested", t), ("proficient", p))):
            if truth is not None:
                value = truth[key][index]
                other = model.NewBoolVar(f"other{name}{key}")
                model.Add(figure[key] != value).OnlyEnforceIf(other)
                model.ClearAssumptions()
                model.AddAssumptions([other])
                solver = cp_model.CpSolver()
                solver.parameters.num_workers = 1
                solver.parameters.max_time_in_seconds = 20
                status = solver.Solve(model)
                assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.INFEASIBLE), (
                    solver.StatusName()
                )
                if status == cp_model.INFEASIBLE:
                    pinned.append((name, key, value))
                continue
            ends = []
            for maximise in (False, True):
                model.ClearObjective()
                model.ClearAssumptions()
                (model.Maximize if maximise else model.Minimize)(figure[key])
                solver = cp_model.CpSolver()
                solver.parameters.num_workers = 1
                solver.parameters.max_time_in_seconds = 20
                status = solver.Solve(model)
                assert status == cp_model.OPTIMAL, f"the shown table is inconsistent ({solver.StatusName()})"
                ends.append(solver.Value(figure[key]))
            if ends[0] == ends[1]:
                if name == "tested" and ends[0] == 0:
                    break  # known to be empty: nobody to learn anything about
                pinned.append((name, key, ends[0]))
    return pinned


def _from_table(result: table.Table) -> dict[Key, Shown]:
    cells: dict[Key, Shown] = {}
    for (grade, code), f in result.cells.items():
        key = ("all" if grade is None else grade, code)
        if f.hidden:
            cells[key] = Shown(True)
        else:
            rate = f.coded or (None if f.rate is None else round(f.rate, 2))
            cells[key] = Shown(False, f.tested or 0, rate)
    return cells


# -- property: random tables ------------------------------------------------------------------

PARTITIONS = {"race": ["race:a", "race:b", "race:c"], "gender": ["gender:f", "gender:m"]}
FLAGS = ["el"]


@st.composite
def tables(draw: st.DrawFn) -> tuple[dict[tuple[int | None, str], Tally], int, bool]:
    """Students in 1–3 grades, each with a race, a gender, an EL flag and a result; tallied."""
    grades = draw(st.lists(st.sampled_from([3, 4, 5]), min_size=1, max_size=3, unique=True))
    students = draw(
        st.lists(
            st.tuples(
                st.sampled_from(grades),
                st.sampled_from(PARTITIONS["race"]),
                st.sampled_from(PARTITIONS["gender"]),
                st.booleans(),
                st.booleans(),
            ),
            min_size=1,
            max_size=45,
        )
    )
    tallies: dict[tuple[int | None, str], Tally] = {}
    codes = [groups.ALL, *PARTITIONS["race"], *PARTITIONS["gender"], *FLAGS]
    for grade in grades:
        for code in codes:
            tallies[(grade, code)] = Tally()
    for grade, race, gender, el, proficient in students:
        one = Tally(tested=1, proficient=int(proficient), scored=1, score_sum=400.0)
        for code in (groups.ALL, race, gender, *(["el"] if el else [])):
            tallies[(grade, code)] = tallies[(grade, code)] + one
    return tallies, draw(st.sampled_from([3, 5, 10])), draw(st.booleans())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_no_hidden_cell_of_a_random_table_is_pinned(
    drawn: tuple[dict[tuple[int | None, str], Tally], int, bool],
) -> None:
    tallies, min_size, coding = drawn
    result_tallies = table.with_all_grades(tallies)
    result = table.build(
        result_tallies,
        partitions=PARTITIONS,
        min_size=min_size,
        reveal=False,
        complete=True,
        with_counts=False,
        coding=coding,
    )
    cells = _from_table(result)
    truth = {("all" if g is None else g, c): (t.tested, t.proficient) for (g, c), t in result_tallies.items()}
    # Primary suppression still holds: every shown group has at least `min_size` students or none.
    for key, cell in cells.items():
        assert cell.hidden or cell.tested == 0 or cell.tested >= min_size, key
    assert cpsat_pinned(cells, PARTITIONS, ["all", *result.grades], truth) == []


def test_the_auditor_in_this_file_does_pin_what_subtraction_and_nonnegativity_give_away() -> None:
    """The test's auditor is not blind: it pins a cell that the old, linear protection left."""
    partitions = {"race": ["race:a", "race:b", "race:c"]}
    cells = {
        ("all", groups.ALL): Shown(False, 25, 32.0),
        ("all", "race:a"): Shown(False, 15, round(100 * 8 / 15, 2)),
        ("all", "race:b"): Shown(True),
        ("all", "race:c"): Shown(True),
    }
    # b and c: 10 students together, none of them proficient (8 of 25 are, all in a).
    pinned = cpsat_pinned(cells, partitions, ["all"])
    assert ("proficient", ("all", "race:b"), 0) in pinned
    assert ("proficient", ("all", "race:c"), 0) in pinned


# -- the reproduction: a principal's needs page and CSV ---------------------------------------


def _principal(school: School) -> User:
    return member(UserFactory(), Role.PRINCIPAL, district=school.district, school=school)


def _students(school, grade, n, *, proficient, race, gender="female", assessment):  # type: ignore[no-untyped-def]
    for i in range(n):
        student = StudentFactory(school=school, grade=grade, race_ethnicity=race, gender=gender)
        ResultFactory(student=student, assessment=assessment, proficient=i < proficient)


def _csv_cells(client: Client, school: School) -> tuple[dict[Key, Shown], list[object]]:
    response = client.get(reverse("improvement:school-export", args=[school.pk, "needs"]))
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    label_to_code = {groups.label(g.code): g.code for g in groups.GROUPS}
    cells: dict[Key, Shown] = {}
    grades: list[object] = []
    for row in rows:
        grade: object = row["grade"] if row["grade"] == "all" else int(row["grade"])
        if grade not in grades:
            grades.append(grade)
        key = (grade, label_to_code[row["group"]])
        if row["tested"] == "*":
            cells[key] = Shown(True)
        else:
            cells[key] = Shown(False, int(row["tested"]), row["percent proficient"])
    # Rows the CSV leaves out are groups nobody is in: zeros, known to the reader.
    for grade in grades:
        for g in groups.GROUPS:
            cells.setdefault((grade, g.code), Shown(False, 0, None))
    return cells, grades


@pytest.mark.django_db
def test_a_principal_cannot_work_out_small_groups_proficient_counts_from_the_csv() -> None:
    """Grade 3: 15 White students (8 proficient), 6 Hispanic and 4 Asian, none of them
    proficient. The old protection hid Hispanic and Asian (both below 10), and the total's
    rate then said that 0 of those 10 students are proficient: both pinned at zero."""
    district = DistrictFactory(min_group_size=10)
    school = SchoolFactory(district=district, grade_low=3, grade_high=4)
    ela = AssessmentFactory(district=district, subject=Subject.ELA, school_year=2026, window=Window.STATE)
    _students(school, 3, 15, proficient=8, race="white", assessment=ela)
    _students(school, 3, 6, proficient=0, race="hispanic", assessment=ela)
    _students(school, 3, 4, proficient=0, race="asian", assessment=ela)
    # Grade 4: 12 White (6 proficient), 3 Black (exactly 1 proficient), 10 Hispanic (4 proficient).
    _students(school, 4, 12, proficient=6, race="white", gender="male", assessment=ela)
    _students(school, 4, 3, proficient=1, race="black", gender="male", assessment=ela)
    _students(school, 4, 10, proficient=4, race="hispanic", gender="male", assessment=ela)
    summaries_rebuild(district=district)
    client = Client()
    client.force_login(_principal(school))

    cells, grades = _csv_cells(client, school)
    assert cells[(3, "race:asian")].hidden and cells[(3, "race:hispanic")].hidden
    assert cells[(4, "race:black")].hidden
    assert cpsat_pinned(cells, groups.partitions(), grades) == []

    # The page shows the same cells hidden (the CSV is the page as a file).
    page = client.get(reverse("improvement:school", args=[school.pk]) + "?grade=3")
    assert page.status_code == 200
    hidden_in_csv = sum(cell.hidden for (grade, _), cell in cells.items() if grade == 3)
    assert page.content.decode().count('class="suppressed" colspan="7"') == hidden_in_csv


@pytest.mark.django_db
def test_top_and_bottom_coding_on_the_page_and_in_the_csv() -> None:
    """A group whose rate is within 5 points of 0 % or 100 % shows as a bound, and no gap gives
    the exact rate back; a district can turn the coding off."""
    district = DistrictFactory(min_group_size=10)
    school = SchoolFactory(district=district, grade_low=3, grade_high=3)
    ela = AssessmentFactory(district=district, subject=Subject.ELA, school_year=2026, window=Window.STATE)
    _students(school, 3, 20, proficient=20, race="white", assessment=ela)
    _students(school, 3, 20, proficient=2, race="hispanic", gender="male", assessment=ela)
    summaries_rebuild(district=district)
    client = Client()
    client.force_login(_principal(school))

    cells, _ = _csv_cells(client, school)
    assert cells[("all", "race:white")].rate == "≥ 95 %"
    assert cells[("all", "race:hispanic")].rate == "10.0"
    response = client.get(reverse("improvement:school-export", args=[school.pk, "needs"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    white = next(r for r in rows if r["grade"] == "all" and r["group"] == "White")
    assert white["gap to all students"] == "" and white["percent proficient"] == "≥ 95 %"
    page = client.get(reverse("improvement:school", args=[school.pk]))
    html = page.content.decode()
    white_row = html[html.index(">White</th>") : html.index("</tr>", html.index(">White</th>"))]
    assert "≥ 95 %" in white_row
    # tested, proficient (coded), mean score, growth, participation: no gap to all or to the best
    assert white_row.count("<td") == 7 and "+" not in white_row and "−" not in white_row

    district.rate_coding = False
    district.save()
    cells, _ = _csv_cells(client, school)
    assert cells[("all", "race:white")].rate == "100.0"


# -- speed: a realistic school's table --------------------------------------------------------


def test_auditing_a_whole_school_table_is_fast() -> None:
    """Six grades × every student group with small groups scattered through it: the audit adds
    well under a second to a subject's table (the timing is printed for the report)."""
    import random

    rng = random.Random(12)
    races = list(groups.partitions()["race"])
    genders = list(groups.partitions()["gender"])
    tallies: dict[tuple[int | None, str], Tally] = {
        (grade, g.code): Tally() for grade in range(3, 9) for g in groups.GROUPS
    }
    weights = [2, 4, 12, 30, 1, 45, 5, 1]
    for grade in range(3, 9):
        for _ in range(rng.randint(60, 110)):
            race = rng.choices(races, weights)[0]
            gender = rng.choices(genders, [48, 48, 1, 3])[0]
            flags = [f for f, share in (("el", 0.12), ("swd", 0.14), ("ed", 0.5)) if rng.random() < share]
            one = Tally(tested=1, proficient=int(rng.random() < 0.45), scored=1, score_sum=400.0, matched=1)
            for code in (groups.ALL, race, gender, *flags):
                tallies[(grade, code)] = tallies[(grade, code)] + one
    started = time.perf_counter()
    result = table.build(
        table.with_all_grades(tallies),
        partitions=groups.partitions(),
        min_size=10,
        reveal=False,
        complete=True,
        coding=True,
    )
    elapsed = time.perf_counter() - started
    print(f"\naudited a {len(result.cells)}-cell table ({result.hidden_count} hidden) in {elapsed:.2f} s")
    assert elapsed < 5
    cells = _from_table(result)
    assert cpsat_pinned(cells, groups.partitions(), ["all", *result.grades]) == []


# -- the demo district: every needs table, as every role ---------------------------------------

TODAY = datetime.date(2026, 11, 23)


@pytest.mark.django_db
def test_no_hidden_cell_of_the_demo_district_is_pinned_for_any_role() -> None:
    """Every needs table of every school (each source, each period, each subject, the trend's
    past years too), read as every role that may read it: the independent auditor pins nothing.
    The truth it checks against is the data owner's view of the same table."""
    generated = time.perf_counter()
    Generator(PROFILES["demo"], 1, TODAY).run()
    print(f"\ndemo district generated in {time.perf_counter() - generated:.1f} s", flush=True)
    district = District.objects.get()
    owner = User.objects.filter(memberships__role=Role.DISTRICT_ADMIN).first()
    readers = {
        role: list(User.objects.filter(memberships__role=role).distinct().order_by("id")[:3])
        for role in Role.values
    }
    readers[Role.PRINCIPAL] = list(User.objects.filter(memberships__role=Role.PRINCIPAL).distinct())
    audited = hidden = 0
    done: set[tuple[object, ...]] = set()
    started = time.perf_counter()
    for role, users in readers.items():
        for user in users:
            for school in School.objects.filter(district=district):
                scope = Scope(district, school)
                if not access.schools_readable_by(user).filter(pk=school.pk).exists():
                    with pytest.raises(PermissionDenied):
                        needs_assessment(user, scope)
                    continue
                for source in available_sources(scope):
                    for period in needs_assessment(user, scope, source=source).periods:
                        shown = needs_assessment(user, scope, source=source, period=period)
                        truth = needs_assessment(owner, scope, source=source, period=period)
                        assert truth.reveal and (shown.reveal == (role == Role.DISTRICT_ADMIN))
                        for subject, real in zip(shown.subjects, truth.subjects, strict=True):
                            for year, result in subject.history.items():
                                seen = (
                                    school.pk,
                                    source,
                                    subject.assessment,
                                    subject.label,
                                    year,
                                    period.window,
                                )
                                if not result.hidden_count or seen in done:
                                    continue
                                done.add(seen)
                                facts = {
                                    ("all" if g is None else g, c): (
                                        f.tested or 0,
                                        round((f.rate or 0) * (f.tested or 0) / 100),
                                    )
                                    for (g, c), f in real.history[year].cells.items()
                                }
                                cells = _from_table(result)
                                lines = groups.partitions() if source != "published" else {}
                                pinned = cpsat_pinned(cells, lines, ["all", *result.grades], facts)
                                assert pinned == [], (role, school.name, period, subject.label, year, pinned)
                                audited += 1
                                hidden += result.hidden_count
    print(f"\naudited {audited} demo tables ({hidden} hidden cells) in {time.perf_counter() - started:.1f} s")
    assert audited > 0

    # The coaching-trends page, as every role.
    trend_tables = 0
    for users in readers.values():
        for user in users:
            for trends in coaching_trends_for(user, TODAY):
                trend_tables += 1
                additive = trends.row_heading == "School"
                assert cpsat_trends_pinned(trends, additive=additive) == [], (user, trends.title)
    assert trend_tables > 0


# -- coaching trends --------------------------------------------------------------------------

TREND_MEASURES = ("teachers", "cycles", "sessions", "minutes")


def cpsat_trends_pinned(trends: Trends, *, additive: bool) -> list[tuple[str, object]]:
    """Hidden trend figures that every whole-number reading of the shown rows agrees on.

    What the reader knows: a listed row had at least one session, so at least one teacher;
    teachers ≤ cycles ≤ sessions; sessions and minutes add up to the total; across schools
    teachers and cycles add up too, across months each month is at most the total.
    """
    model = cp_model.CpModel()
    rows = [*trends.rows, trends.total]
    var: dict[tuple[str, object], cp_model.IntVar] = {}
    for row in rows:
        for m in TREND_MEASURES:
            if row.suppressed:
                var[(m, row.key)] = model.NewIntVar(0, BIG, f"{m}{row.key}")
            else:
                value = getattr(row, m)
                var[(m, row.key)] = model.NewIntVar(value, value, f"{m}{row.key}")
        model.Add(var[("teachers", row.key)] <= var[("cycles", row.key)])
        model.Add(var[("cycles", row.key)] <= var[("sessions", row.key)])
        if not additive or row.key == "__total__":
            model.Add(var[("teachers", row.key)] >= 1)
    for m in TREND_MEASURES:
        parts = [var[(m, r.key)] for r in trends.rows]
        total = var[(m, trends.total.key)]
        if additive or m in ("sessions", "minutes"):
            model.Add(sum(parts) == total)
        else:
            model.Add(sum(parts) >= total)
            for part in parts:
                model.Add(part <= total)
    pinned = []
    for row in rows:
        if not row.suppressed:
            continue
        for m in TREND_MEASURES:
            ends = []
            for maximise in (False, True):
                model.ClearObjective()
                (model.Maximize if maximise else model.Minimize)(var[(m, row.key)])
                solver = cp_model.CpSolver()
                solver.parameters.num_workers = 1
                solver.parameters.max_time_in_seconds = 20
                assert solver.Solve(model) == cp_model.OPTIMAL
                ends.append(solver.Value(var[(m, row.key)]))
            if ends[0] == ends[1] and ends[0] > 0:
                pinned.append((m, row.key))
    return pinned


@pytest.mark.django_db
def test_a_principal_cannot_work_out_a_hidden_months_coaching() -> None:
    """September and October had one teacher and one session each, November five: both small
    months hidden, and the total then said 2 sessions in 2 hidden months, one each."""
    district = DistrictFactory(min_group_size=2)
    school = SchoolFactory(district=district)
    coach = CoachFactory(district=district, schools=[school], capacity=50)
    for day, n in (
        (datetime.date(2026, 9, 8), 1),
        (datetime.date(2026, 10, 8), 1),
        (datetime.date(2026, 11, 9), 5),
    ):
        for _ in range(n):
            cycle = CycleFactory(coach=coach, request__goal__teacher=TeacherFactory(school=school))
            SessionFactory(cycle=cycle, date=day, minutes=30)
    principal = _principal(school)
    trends = coaching_trends_by_month(principal, school, datetime.date(2026, 8, 1))
    hidden = {row.label for row in trends.rows if row.suppressed}
    assert {"September 2026", "October 2026"} <= hidden
    assert cpsat_trends_pinned(trends, additive=False) == []
    # The page shows what the query decided.
    client = Client()
    client.force_login(principal)
    page = client.get(reverse("reports:coaching-trends")).content.decode()
    assert page.count("Hidden: fewer than 2 teachers") == len(hidden) + trends.total.suppressed


# -- tables of counts (the quadrant table) ----------------------------------------------------


def cpsat_counts_pinned(
    counts: Mapping[object, int], lines: Sequence[privacy.Line[object]], hidden: frozenset[object]
) -> list[object]:
    """Hidden counts with people in them that the lines, whole numbers and non-negativity fix."""
    model = cp_model.CpModel()
    var = {
        key: model.NewIntVar(0, BIG, str(key)) if key in hidden else model.NewIntVar(n, n, str(key))
        for key, n in counts.items()
    }
    for line in lines:
        model.Add(sum(var[k] for k in line.parts) == var[line.total])
    pinned = []
    for key in hidden:
        if not counts[key]:
            continue
        other = model.NewBoolVar(f"other{key}")
        model.Add(var[key] != counts[key]).OnlyEnforceIf(other)
        model.ClearAssumptions()
        model.AddAssumptions([other])
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        if solver.Solve(model) == cp_model.INFEASIBLE:
            pinned.append(key)
    return pinned


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(1, 4),
    st.integers(1, 4),
    st.lists(st.integers(0, 14), min_size=16, max_size=16),
    st.sampled_from([3, 5, 10]),
)
def test_no_hidden_count_of_a_random_grid_is_pinned(
    rows: int, columns: int, values: list[int], min_size: int
) -> None:
    """The quadrant table's rule (`privacy.suppress_audited`) on random school × quadrant grids."""
    counts: dict[object, int] = {}
    for r in range(rows):
        for c in range(columns):
            counts[(r, c)] = values[r * 4 + c]
        counts[(r, "total")] = sum(counts[(r, c)] for c in range(columns))
    for c in range(columns):
        counts[("total", c)] = sum(counts[(r, c)] for r in range(rows))
    counts[("total", "total")] = sum(counts[("total", c)] for c in range(columns))
    lines = privacy.grid_lines(list(range(rows)), list(range(columns)))
    hidden = privacy.suppress_audited(counts, lines, min_size)
    assert all(key in hidden for key, n in counts.items() if 0 < n < min_size)
    assert cpsat_counts_pinned(counts, lines, hidden) == []
