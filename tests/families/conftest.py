"""Maple's families: a school with results (tests/improvement/conftest.py), two goals, a tool,
a teacher and a coach whose names must never reach a family report."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from coachmap.core.models import User
from coachmap.core.schoolyear import school_year_of
from coachmap.families import services
from coachmap.families.models import FamilyReport
from coachmap.improvement.models import ImprovementGoal
from tests.factories import CoachFactory, ImprovementGoalFactory, TeacherFactory, ToolFactory
from tests.improvement.conftest import Maple, maple  # noqa: F401 - the fixture, used by name

SPANISH_HELP = "Lean con sus hijos cada noche y pregunten por Lexia."
SPANISH_CONTACT = "Escriba a la señora Ruiz, oficina principal, de 8 a 15 h."
ENGLISH_HELP = "Read with your children every night and ask about Lexia."
ENGLISH_CONTACT = "Write to Ms. Ruiz at the front office, 8 to 3."


@dataclass
class Families:
    maple: Maple
    el_goal: ImprovementGoal
    small_goal: ImprovementGoal
    teacher_name: str
    coach_name: str
    report: FamilyReport

    @property
    def principal(self) -> User:
        return self.maple.principal


@pytest.fixture
def families(maple: Maple) -> Families:  # noqa: F811 - the fixture imported above
    school = maple.school
    el_goal = ImprovementGoalFactory(
        school=school,
        statement="More English learners read on grade level.",
        student_group="el",
        baseline=3.0,  # coded: families read "5% or fewer"
        baseline_date=datetime.date(2025, 9, 1),
        target=40.0,
        target_date=datetime.date(2028, 6, 15),
    )
    # Three Asian students: below the minimum of 10, so this goal shows no figure at all.
    small_goal = ImprovementGoalFactory(
        school=school,
        statement="Asian students in grade 4 thrive in reading.",
        student_group="race:asian",
        grade=4,
        baseline=67.0,
        target=80.0,
    )
    ToolFactory(school=school, name="Lexia", grades=[3, 4], subjects=["ela"])
    teacher = TeacherFactory(school=school, user__first_name="Tamsin", user__last_name="Quellwood")
    coach = CoachFactory(
        district=maple.district, schools=[school], user__first_name="Corwin", user__last_name="Abernathy"
    )
    report = services.report_start(
        actor=maple.principal, school=school, school_year=school_year_of(timezone.localdate()), term="fall"
    )
    report = services.report_texts_save(
        actor=maple.principal,
        report=report,
        texts={
            "en": {"help": ENGLISH_HELP, "contact": ENGLISH_CONTACT},
            "es": {"help": SPANISH_HELP, "contact": SPANISH_CONTACT},
        },
    )
    return Families(
        maple,
        el_goal,
        small_goal,
        teacher.user.get_full_name(),
        coach.user.get_full_name(),
        report,
    )
