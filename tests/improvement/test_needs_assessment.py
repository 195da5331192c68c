"""The needs assessment a principal reads: figures from the summaries, by hand, with small groups hidden."""

from __future__ import annotations

import pytest

from coachmap.core.models import Role, School, User
from coachmap.improvement.queries.needs import (
    NeedsAssessment,
    Period,
    Scope,
    needs_assessment,
    rows_for,
    trend_lines,
)
from coachmap.improvement.summaries import summaries_rebuild
from coachmap.roster.models import Assessment, Subject, Window
from tests.factories import (
    AssessmentFactory,
    DistrictFactory,
    ResultFactory,
    SchoolFactory,
    StudentFactory,
    UserFactory,
    member,
)

pytestmark = pytest.mark.django_db


def _principal(school: School) -> User:
    return member(UserFactory(), Role.PRINCIPAL, district=school.district, school=school)


def _admin(school: School) -> User:
    return member(UserFactory(), Role.DISTRICT_ADMIN, district=school.district)


def _read(school: School, user: User | None = None, period: Period | None = None) -> NeedsAssessment:
    summaries_rebuild(district=school.district)
    return needs_assessment(user or _principal(school), Scope(school.district, school), period=period)


def _students(school, n, *, proficient, race="hispanic", el=False, assessment):  # type: ignore[no-untyped-def]
    for i in range(n):
        student = StudentFactory(school=school, race_ethnicity=race, english_learner=el)
        ResultFactory(student=student, assessment=assessment, proficient=i < proficient)


def _by_code(assessment: NeedsAssessment, grade: int | None = None) -> dict[str, object]:
    return {row.code: row.figures for row in rows_for(assessment.subjects[0], grade)}


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

    result = _read(school)
    assert [s.subject for s in result.subjects] == ["ela"]
    rows = _by_code(result)
    everyone = rows["all"]
    assert (everyone.tested, everyone.rate) == (54, pytest.approx(100 * 29 / 54))
    assert rows["race:hispanic"].rate == pytest.approx(40.0)  # 12 / 30
    assert rows["el"].rate == pytest.approx(20.0)  # 2 / 10
    assert rows["el"].gap_to_all == pytest.approx(20.0 - 100 * 29 / 54)
    # Asian (4) is below 10: hidden, and White (the next smallest race group) with it,
    # or Asian would be 54 − 30 − 20.
    assert rows["race:asian"].hidden and rows["race:white"].hidden
    assert rows["race:white"].rate is None
    assert not rows["race:hispanic"].hidden
    assert sum(f.hidden for f in rows.values()) == 2
    # Hispanic is the best group shown, so its gap to the best is zero; EL is 20 points below it.
    assert rows["el"].gap_to_best == pytest.approx(-20.0)
    # Groups with nobody tested are left out entirely.
    assert "race:black" not in rows


def test_the_district_admin_owns_the_data_and_sees_the_small_groups() -> None:
    district = DistrictFactory(min_group_size=10)
    school = SchoolFactory(district=district)
    ela = AssessmentFactory(district=district, window=Window.STATE)
    _students(school, 20, proficient=10, assessment=ela)
    _students(school, 4, proficient=3, race="asian", assessment=ela)
    result = _read(school, _admin(school))
    assert result.reveal
    assert _by_code(result)["race:asian"].rate == 75.0


def test_the_newest_state_test_is_shown_unless_another_window_is_chosen() -> None:
    # Rates near 0 % and 100 % would show as bounds; this test is about which window is shown.
    district = DistrictFactory(min_group_size=1, rate_coding=False)
    school = SchoolFactory(district=district)
    fall = AssessmentFactory(district=district, subject=Subject.MATH, school_year=2026, window=Window.FALL)
    state = AssessmentFactory(district=district, subject=Subject.MATH, school_year=2026, window=Window.STATE)
    older = AssessmentFactory(district=district, subject=Subject.MATH, school_year=2025, window=Window.STATE)
    student = StudentFactory(school=school)
    ResultFactory(student=student, assessment=fall, proficient=False)
    ResultFactory(student=student, assessment=state, proficient=True)
    ResultFactory(student=student, assessment=older, proficient=False)

    result = _read(school)
    assert [p.value for p in result.periods] == ["2026|state", "2026|fall", "2025|state"]
    assert result.period == Period(2026, "state")
    assert _by_code(result)["all"].rate == 100.0
    assert _by_code(_read(school, period=Period(2026, "fall")))["all"].rate == 0.0
    # A window that does not exist falls back to the newest, rather than failing.
    assert _read(school, period=Period(1999, "fall")).period == Period(2026, "state")
    # The trend of the state test: 0% in 2025, 100% in 2026; the fall test has no other year.
    years, lines = trend_lines(result.subjects[0], None)
    assert years == [2025, 2026]
    assert lines[0].code == "all" and lines[0].rates == [0.0, 100.0]


def test_a_student_who_moved_counts_where_they_were_tested() -> None:
    district = DistrictFactory(min_group_size=1)
    old, new = SchoolFactory(district=district), SchoolFactory(district=district)
    state = AssessmentFactory(district=district, window=Window.STATE)
    student = StudentFactory(school=new)
    ResultFactory(student=student, assessment=state, school=old, proficient=True)
    assert _by_code(_read(old))["all"].tested == 1
    assert _read(new).subjects == []


def test_a_school_without_results_gets_an_empty_assessment_not_an_error() -> None:
    result = _read(SchoolFactory())
    assert result.subjects == [] and result.period is None and result.periods == []


def _interim(district, window: str) -> Assessment:  # type: ignore[no-untyped-def]
    return AssessmentFactory(
        district=district, name="Interim", subject=Subject.ELA, school_year=2026, window=window
    )


def test_growth_counts_only_students_tested_here_in_fall_and_spring() -> None:
    district = DistrictFactory(min_group_size=1)
    school, elsewhere = SchoolFactory(district=district), SchoolFactory(district=district)
    fall, spring = _interim(district, Window.FALL), _interim(district, Window.SPRING)
    # Three stayers gain 10, 20 and 30 points; one arrived after fall testing elsewhere (+50);
    # one has no fall score; one has a spring result without a scale score.
    for before, after in [(300, 310), (320, 340), (280, 310)]:
        s = StudentFactory(school=school)
        ResultFactory(student=s, assessment=fall, scale_score=before)
        ResultFactory(student=s, assessment=spring, scale_score=after)
    mover = StudentFactory(school=school)
    ResultFactory(student=mover, assessment=fall, school=elsewhere, scale_score=300)
    ResultFactory(student=mover, assessment=spring, scale_score=350)
    ResultFactory(student=StudentFactory(school=school), assessment=spring, scale_score=330)
    unscored = StudentFactory(school=school)
    ResultFactory(student=unscored, assessment=fall, scale_score=300)
    ResultFactory(student=unscored, assessment=spring, scale_score=None)

    spring_view = _read(school, period=Period(2026, Window.SPRING))
    everyone = _by_code(spring_view)["all"]
    assert everyone.tested == 6
    assert everyone.matched == 3 and everyone.growth == pytest.approx(20.0)
    # Mean scale score over the 5 spring scores: 310, 340, 310, 350, 330.
    assert everyone.mean_score == pytest.approx(328.0)
    # For the district the mover counts: (10 + 20 + 30 + 50) / 4.
    admin = _admin(school)
    district_view = needs_assessment(admin, Scope(district, None), period=Period(2026, Window.SPRING))
    assert _by_code(district_view)["all"].growth == pytest.approx(27.5)


def test_participation_compares_tested_with_the_roster_and_a_group_with_nobody_tested() -> None:
    district = DistrictFactory(min_group_size=1)
    school = SchoolFactory(district=district)
    state = AssessmentFactory(district=district, window=Window.STATE, school_year=2026)
    older = AssessmentFactory(district=district, window=Window.STATE, school_year=2025)
    tested = [StudentFactory(school=school) for _ in range(8)]
    for s in tested:
        ResultFactory(student=s, assessment=state)
        ResultFactory(student=s, assessment=older)
    for _ in range(2):  # on the roster, absent on test day
        StudentFactory(school=school)
    for _ in range(3):  # English learners, none tested
        StudentFactory(school=school, english_learner=True)
    rows = _by_code(_read(school))
    assert rows["all"].participation == pytest.approx(100 * 8 / 13)
    assert rows["el"].tested == 0 and rows["el"].rate is None and rows["el"].participation == 0.0
    # The roster is this year's: last year's tests have no participation figure.
    assert _by_code(_read(school, period=Period(2025, Window.STATE)))["all"].participation is None


def test_a_missing_window_leaves_a_hole_in_the_trend_not_a_zero() -> None:
    district = DistrictFactory(min_group_size=1, rate_coding=False)
    school = SchoolFactory(district=district)
    student = StudentFactory(school=school)
    for year, proficient in [(2023, False), (2025, True)]:
        ResultFactory(
            student=student,
            assessment=AssessmentFactory(district=district, school_year=year),
            proficient=proficient,
        )
    years, lines = trend_lines(_read(school).subjects[0], None)
    assert years == [2023, 2025]
    assert lines[0].rates == [0.0, 100.0]
