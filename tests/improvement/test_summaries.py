"""The summary tables agree with the raw data they are rebuilt from.

A small district with the awkward cases mixed in — students who changed schools or grades,
missing scale scores, unknown proficiency, a fall window with gaps, usage under two spellings
of one tool — is summarised, and every summary row is checked against sums computed here,
independently, from the raw rows.
"""

from __future__ import annotations

import datetime
import io
import random
from collections import defaultdict
from typing import Any

import pytest
from django.core.management import call_command

from coachmap.core.models import District
from coachmap.improvement.models import EnrollmentCell, ResultCell, SummaryState, TurnaroundCell, UsageCell
from coachmap.improvement.summaries import fall_pairs, summaries_rebuild
from coachmap.roster.models import Assessment, Class, LineItem, Result, Score, Student, UsageWeek
from tests.factories import DistrictFactory, SchoolFactory

pytestmark = pytest.mark.django_db

DEMOGRAPHICS = ("race_ethnicity", "english_learner", "disability", "econ_disadvantaged", "gender")


def _district(seed: int) -> District:
    rng = random.Random(seed)
    district = DistrictFactory()
    schools = [SchoolFactory(district=district, grade_low=3, grade_high=5) for _ in range(3)]
    students = [
        Student(
            district=district,
            school=rng.choice(schools),
            source_id=f"S{i}",
            grade=rng.choice([3, 4, 5]),
            race_ethnicity=rng.choice(["hispanic", "white", "black", "asian"]),
            english_learner=rng.random() < 0.3,
            disability=rng.random() < 0.2,
            econ_disadvantaged=rng.random() < 0.5,
            gender=rng.choice(["female", "male", "nonbinary"]),
        )
        for i in range(80)
    ]
    Student.objects.bulk_create(students)
    assessments = {
        (name, subject, window): Assessment.objects.create(
            district=district, name=name, subject=subject, school_year=2026, window=window
        )
        for name, windows in (("Interim", ["fall", "winter", "spring"]), ("State", ["state"]))
        for subject in ("ela", "math")
        for window in windows
    }
    results = []
    for student in students:
        for assessment in assessments.values():
            if rng.random() < 0.1:  # absent that day
                continue
            moved = rng.random() < 0.1
            results.append(
                Result(
                    assessment=assessment,
                    student=student,
                    school=rng.choice(schools) if moved else student.school,
                    grade=student.grade - (rng.random() < 0.05),
                    scale_score=None if rng.random() < 0.05 else rng.randint(250, 450),
                    proficient=None if rng.random() < 0.05 else rng.random() < 0.5,
                )
            )
    Result.objects.bulk_create(results)
    for student in students[:40]:
        for tool in ("Lexia", " lexia", "Desmos"):
            if rng.random() < 0.6:
                UsageWeek.objects.create(
                    district=district,
                    student=student,
                    tool=tool,
                    week=datetime.date(2026, 9, 7),
                    minutes=rng.randint(0, 90),
                )
    klass = Class.objects.create(school=schools[0], source_id="C1", title="Grade 4", subject="ela")
    for n, due in enumerate(
        [datetime.date(2026, 9, 10), datetime.date(2026, 9, 24), datetime.date(2026, 10, 5)]
    ):
        item = LineItem.objects.create(klass=klass, source_id=f"L{n}", title=f"Check {n}", due_date=due)
        for student in students[:12]:
            Score.objects.create(
                line_item=item,
                student=student,
                source_id=f"R{n}-{student.pk}",
                score=1,
                score_date=due + datetime.timedelta(days=rng.randint(-1, 9)) if rng.random() < 0.9 else None,
            )
    return district


def _expected_result_cells(district: District) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    pairs = fall_pairs(district)
    rows = list(Result.objects.filter(assessment__district=district).select_related("student").order_by("pk"))
    fall = {(r.assessment_id, r.student_id): r for r in rows}
    cells: dict[tuple[Any, ...], list[Any]] = defaultdict(lambda: [0, 0, 0, 0.0, 0, 0.0, 0, 0.0, 0, 0])
    for r in rows:
        s = r.student
        demographics = tuple(getattr(s, f) for f in DEMOGRAPHICS)
        before = fall.get((pairs.get(r.assessment_id), r.student_id))
        gain = None
        if before is not None and before.scale_score is not None and r.scale_score is not None:
            gain = r.scale_score - before.scale_score
        for school in (r.school_id, None):
            c = cells[(school, r.assessment_id, r.grade, *demographics)]
            c[0] += 1
            c[1] += r.proficient is True
            c[2] += r.scale_score is not None
            c[3] += r.scale_score or 0
            if gain is not None:
                same = before is not None and before.school_id == r.school_id
                if school is None or same:
                    c[4] += 1
                    c[5] += gain
                elif not same:
                    c[6] += 1
                    c[7] += gain
            c[8] += (
                (s.grade != r.grade) if school is None else (s.school_id != r.school_id or s.grade != r.grade)
            )
            c[9] += s.grade != r.grade
    return {key: tuple(value) for key, value in cells.items()}


def _actual_result_cells(district: District) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    return {
        (c.school_id, c.assessment_id, c.grade, *(getattr(c, f) for f in DEMOGRAPHICS)): (
            c.tested,
            c.proficient,
            c.scored,
            c.score_sum,
            c.matched,
            c.growth_sum,
            c.moved_matched,
            c.moved_growth_sum,
            c.off_roster,
            c.off_grade,
        )
        for c in ResultCell.objects.filter(district=district)
    }


@pytest.mark.parametrize("seed", [1, 2])
def test_result_cells_agree_with_the_raw_results(seed: int) -> None:
    district = _district(seed)
    summaries_rebuild(district=district)
    expected, actual = _expected_result_cells(district), _actual_result_cells(district)
    assert actual.keys() == expected.keys()
    for key, value in expected.items():
        assert actual[key] == pytest.approx(value), key
    # Growth pairs winter and spring with fall of the same name; the state test has no fall.
    assert len(fall_pairs(district)) == 4


def test_roster_usage_and_gradebook_cells_agree_with_the_raw_rows() -> None:
    district = _district(3)
    summaries_rebuild(district=district)
    roster: dict[tuple[Any, ...], int] = defaultdict(int)
    for s in Student.objects.filter(district=district):
        for school in (s.school_id, None):
            roster[(school, s.grade, *(getattr(s, f) for f in DEMOGRAPHICS))] += 1
    assert {
        (c.school_id, c.grade, *(getattr(c, f) for f in DEMOGRAPHICS)): c.students
        for c in EnrollmentCell.objects.filter(district=district)
    } == roster

    usage: dict[tuple[Any, ...], list[Any]] = defaultdict(lambda: [set(), 0.0])
    for u in UsageWeek.objects.filter(district=district, minutes__gt=0).select_related("student"):
        cell = usage[(u.student.school_id, u.tool.strip().lower(), u.week)]
        cell[0].add(u.student_id)
        cell[1] += u.minutes
    assert {
        (c.school_id, c.tool, c.week): (c.students, c.minutes)
        for c in UsageCell.objects.filter(district=district)
    } == {key: (len(ids), minutes) for key, (ids, minutes) in usage.items()}

    turnaround: dict[tuple[Any, ...], list[float]] = defaultdict(lambda: [0, 0.0])
    for score in Score.objects.filter(score_date__isnull=False).select_related("line_item__klass"):
        item = score.line_item
        assert item.due_date is not None and score.score_date is not None
        cell = turnaround[(item.klass.school_id, item.klass.subject, item.due_date.replace(day=1))]
        cell[0] += 1
        cell[1] += (score.score_date - item.due_date).days
    assert {
        (c.school_id, c.subject, c.month): [c.scores, c.days_sum]
        for c in TurnaroundCell.objects.filter(district=district)
    } == turnaround


def test_a_rebuild_replaces_rather_than_adds_and_leaves_other_districts_alone() -> None:
    district, other = _district(4), _district(5)
    summaries_rebuild(district=other)
    other_cells = ResultCell.objects.filter(district=other).count()
    summaries_rebuild(district=district)
    first = ResultCell.objects.filter(district=district).count()
    Result.objects.filter(assessment__district=district).delete()
    call_command("rebuild_summaries", district=district.slug, stdout=io.StringIO())
    assert first > 0
    assert ResultCell.objects.filter(district=district).count() == 0
    assert ResultCell.objects.filter(district=other).count() == other_cells
    state = SummaryState.objects.get(district=district)
    assert state.result_cells == 0 and state.built_at is not None


def test_the_command_names_the_districts_it_knows_when_given_another() -> None:
    from django.core.management.base import CommandError

    DistrictFactory(slug="riverbend")
    with pytest.raises(CommandError, match="riverbend"):
        call_command("rebuild_summaries", district="nowhere")
