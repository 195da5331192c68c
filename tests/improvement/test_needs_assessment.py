"""The principal's needs table: proficiency by group and subject, with small groups hidden."""

from __future__ import annotations

import pytest

from coachmap.improvement.queries import needs_table
from coachmap.roster.models import Subject, Window
from tests.factories import AssessmentFactory, DistrictFactory, ResultFactory, SchoolFactory, StudentFactory

pytestmark = pytest.mark.django_db


def _students(school, n, *, proficient, race="hispanic", el=False, assessment):  # type: ignore[no-untyped-def]
    for i in range(n):
        student = StudentFactory(school=school, race_ethnicity=race, english_learner=el)
        ResultFactory(student=student, assessment=assessment, proficient=i < proficient)


def test_rates_gaps_and_suppression_by_hand() -> None:
    district = DistrictFactory(min_group_size=10)
    school = SchoolFactory(district=district)
    ela = AssessmentFactory(district=district, subject=Subject.ELA, school_year=2026, window=Window.STATE)
    # 30 Hispanic students (12 proficient, 10 of them English learners with 2 proficient),
    # 20 White students (14 proficient), 4 Asian students (3 proficient).
    _students(school, 10, proficient=2, el=True, assessment=ela)
    _students(school, 20, proficient=10, assessment=ela)
    _students(school, 20, proficient=14, race="white", assessment=ela)
    _students(school, 4, proficient=3, race="asian", assessment=ela)

    table = needs_table(school)
    rows = {row.code: row for row in table.rows}
    assert table.subjects == [("ela", "English language arts")]
    all_cell = rows["all"].cells[0]
    assert (all_cell.tested, all_cell.proficient) == (54, 29)
    assert all_cell.rate == pytest.approx(100 * 29 / 54)
    assert rows["race:hispanic"].cells[0].rate == pytest.approx(40.0)  # 12 / 30
    assert rows["el"].cells[0].rate == pytest.approx(20.0)  # 2 / 10
    assert rows["el"].gaps[0] == pytest.approx(20.0 - 100 * 29 / 54)
    # Asian (4) is below 10: hidden, and White (the next smallest race group) with it,
    # or Asian would be 54 - 30 - 20.
    assert rows["race:asian"].cells[0].suppressed
    assert rows["race:white"].cells[0].suppressed
    assert rows["race:white"].cells[0].rate is None
    assert not rows["race:hispanic"].cells[0].suppressed
    assert table.suppressed_count == 2
    # Groups with nobody tested are left out entirely.
    assert "race:black" not in rows


def test_the_newest_state_test_is_shown_unless_another_window_is_chosen() -> None:
    district = DistrictFactory(min_group_size=1)
    school = SchoolFactory(district=district)
    fall = AssessmentFactory(district=district, subject=Subject.MATH, school_year=2026, window=Window.FALL)
    state = AssessmentFactory(district=district, subject=Subject.MATH, school_year=2026, window=Window.STATE)
    older = AssessmentFactory(district=district, subject=Subject.MATH, school_year=2025, window=Window.STATE)
    student = StudentFactory(school=school)
    ResultFactory(student=student, assessment=fall, proficient=False)
    ResultFactory(student=student, assessment=state, proficient=True)
    ResultFactory(student=student, assessment=older, proficient=False)

    assert needs_table(school).choices == [(2026, "state"), (2026, "fall"), (2025, "state")]
    assert (needs_table(school).school_year, needs_table(school).window) == (2026, "state")
    assert needs_table(school).rows[0].cells[0].rate == 100.0
    assert needs_table(school, 2026, "fall").rows[0].cells[0].rate == 0.0
    # A window that does not exist falls back to the newest, rather than failing.
    assert needs_table(school, 1999, "fall").window == "state"


def test_a_student_who_moved_counts_where_they_were_tested() -> None:
    district = DistrictFactory(min_group_size=1)
    old, new = SchoolFactory(district=district), SchoolFactory(district=district)
    state = AssessmentFactory(district=district, window=Window.STATE)
    student = StudentFactory(school=new)
    ResultFactory(student=student, assessment=state, school=old, proficient=True)
    assert needs_table(old).rows[0].cells[0].tested == 1
    assert needs_table(new).rows == []


def test_a_school_without_results_gets_an_empty_table_not_an_error() -> None:
    table = needs_table(SchoolFactory())
    assert table.rows == [] and table.school_year is None
