"""A school with two years of results, to drive the improvement pages by hand-countable numbers."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from coachmap.core.models import District, Role, School, User
from coachmap.improvement.summaries import summaries_rebuild
from coachmap.roster.models import Assessment, Result, Student, Window
from tests.factories import AssessmentFactory, DistrictFactory, SchoolFactory, UserFactory, member


@dataclass
class Maple:
    district: District
    school: School
    principal: User
    admin: User
    state: Assessment


@pytest.fixture
def maple(db: None) -> Maple:
    """Grade 4 at Maple, min group size 10. 2026 state ELA: 40 students, 20 proficient (50%);
    12 English learners, 3 proficient (25%); 3 Asian students (hidden). 2025: 40 students, 22
    proficient; 12 English learners, 5 proficient."""
    district = DistrictFactory(name="Riverbend", min_group_size=10)
    school = SchoolFactory(district=district, name="Maple Elementary", grade_low=3, grade_high=5)
    principal = member(UserFactory(username="paula"), Role.PRINCIPAL, district=district, school=school)
    admin = member(UserFactory(username="ada"), Role.DISTRICT_ADMIN, district=district)
    state = AssessmentFactory(
        district=district, school_year=2026, window=Window.STATE, administered_on=datetime.date(2026, 4, 25)
    )
    older = AssessmentFactory(
        district=district, school_year=2025, window=Window.STATE, administered_on=datetime.date(2025, 4, 25)
    )
    students = []
    for i in range(40):
        students.append(
            Student.objects.create(
                district=district,
                school=school,
                source_id=f"M{i}",
                grade=4,
                english_learner=i < 12,
                race_ethnicity="asian" if i >= 37 else "hispanic" if i < 20 else "white",
            )
        )
    for i, s in enumerate(students):
        el = i < 12
        now = (i < 3) if el else (i < 29)  # 3 of 12 EL, 17 of 28 others: 20 of 40
        before = (i < 5) if el else (i < 29)  # 5 of 12 EL, 17 of 28 others: 22 of 40
        Result.objects.create(
            assessment=state, student=s, school=school, grade=4, scale_score=300 + i, proficient=now
        )
        Result.objects.create(
            assessment=older, student=s, school=school, grade=3, scale_score=290 + i, proficient=before
        )
    summaries_rebuild(district=district)
    return Maple(district, school, principal, admin, state)
