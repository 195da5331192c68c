"""The district view comparing schools, by hand: rates, gaps, participation, order and suppression."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from coachmap.core.models import Role
from coachmap.improvement.queries.district import compare, district_comparison
from coachmap.improvement.summaries import summaries_rebuild
from coachmap.roster.models import Result, Student, Window
from tests.factories import AssessmentFactory, DistrictFactory, SchoolFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def _school(district, name, el_tested, el_proficient, others, others_proficient, el_absent=0):  # type: ignore[no-untyped-def]
    school = SchoolFactory(district=district, name=name)
    state = district.assessments.get()
    for i in range(el_tested + el_absent + others):
        el = i < el_tested + el_absent
        s = Student.objects.create(
            district=district, school=school, source_id=f"{name}{i}", grade=4, english_learner=el
        )
        if el and i >= el_tested:
            continue  # on the roster, not tested
        proficient = i < el_proficient if el else i - el_tested - el_absent < others_proficient
        Result.objects.create(
            assessment=state, student=s, school=school, grade=4, proficient=proficient, scale_score=300
        )
    return school


@pytest.fixture
def district():  # type: ignore[no-untyped-def]
    district = DistrictFactory(min_group_size=10)
    AssessmentFactory(district=district, school_year=2026, window=Window.STATE)
    # A: 10 English learners tested (2 proficient) and 2 absent; 10 others (8 proficient).
    _school(district, "Aspen", 10, 2, 10, 8, el_absent=2)
    # B: 4 English learners (1 proficient); 11 others (9 proficient).
    _school(district, "Birch", 4, 1, 11, 9)
    summaries_rebuild(district=district)
    return district


def test_each_school_and_the_district_by_hand(district) -> None:  # type: ignore[no-untyped-def]
    admin = member(UserFactory(), Role.DISTRICT_ADMIN, district=district)
    result = district_comparison(admin, district, group="el")
    assert [r.name for r in result.rows] == ["Birch", "Aspen"]  # largest gap first
    birch, aspen = result.rows
    assert aspen.rate_all == pytest.approx(50.0) and aspen.rate == pytest.approx(20.0)
    assert aspen.gap == pytest.approx(-30.0)
    assert aspen.participation == pytest.approx(100 * 10 / 12)
    assert birch.rate_all == pytest.approx(100 * 10 / 15) and birch.rate == pytest.approx(25.0)
    assert birch.gap == pytest.approx(25.0 - 100 * 10 / 15)
    total = result.total
    assert total is not None
    assert (total.everyone.tested, total.group.tested) == (35, 14)
    assert total.rate == pytest.approx(100 * 3 / 14) and total.rate_all == pytest.approx(100 * 20 / 35)
    assert [r.name for r in district_comparison(admin, district, group="el", sort="name").rows] == [
        "Aspen",
        "Birch",
    ]


def test_only_the_data_owners_compare_schools_and_others_would_see_small_schools_hidden(district) -> None:  # type: ignore[no-untyped-def]
    principal = member(UserFactory(), Role.PRINCIPAL, district=district, school=district.schools.first())
    with pytest.raises(PermissionDenied):
        district_comparison(principal, district, group="el")
    suppressed = compare(district, group="el", reveal=False)
    # Birch's 4 English learners are hidden, and Aspen's with them: Birch would be 14 − 10.
    assert {r.name: r.hidden for r in suppressed.rows} == {"Aspen": True, "Birch": True}
    assert all(r.rate is None and r.gap is None for r in suppressed.rows)
    assert suppressed.total is not None and not suppressed.total.hidden
