"""factory_boy factories for the domain. Tests read like the product: `TeacherFactory(school=school)`."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth.hashers import make_password

from coachmap.coaching.models import (
    CoachingCycle,
    CoachingRequest,
    CoachingSession,
    RequestStatus,
    SessionType,
    TeacherGoal,
)
from coachmap.core.models import Coach, CoachType, District, Membership, Role, School, Teacher, User
from coachmap.improvement.models import ImprovementGoal, Indicator, IndicatorKind, Metric, Tool, ToolLink
from coachmap.roster.models import Assessment, Result, Student, Subject, Window

PASSWORD = "correct horse battery staple"
_HASHED = make_password(PASSWORD)


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    name = factory.Sequence(lambda n: f"District {n}")
    slug = factory.Sequence(lambda n: f"district-{n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"School {n}")
    grade_low = 0
    grade_high = 5


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    password = _HASHED


def member(user: User, role: Role, *, district: District, school: School | None = None) -> User:
    Membership.objects.create(
        user=user, role=role, district=district, school=school if role.is_school_role else None
    )
    return user


class TeacherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Teacher
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    years_experience = 2

    @factory.post_generation
    def membership(obj: Teacher, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            member(obj.user, Role.TEACHER, district=obj.school.district, school=obj.school)


class CoachFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coach
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    district = factory.SubFactory(DistrictFactory)
    coach_type = CoachType.TECHNOLOGY
    capacity = 5

    @factory.post_generation
    def schools(obj: Coach, create: bool, extracted: list[School] | None, **kwargs: object) -> None:
        if create:
            member(obj.user, Role.COACH, district=obj.district)
            if extracted:
                obj.schools.set(extracted)


class ImprovementGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImprovementGoal

    school = factory.SubFactory(SchoolFactory)
    statement = "By June, 50% of English learners will be proficient in ELA, up from 38%."
    subject = Subject.ELA
    student_group = "el"
    metric = Metric.PROFICIENCY_RATE
    baseline = 38.0
    target = 50.0
    target_date = datetime.date(2027, 6, 15)


class TeacherGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeacherGoal

    teacher = factory.SubFactory(TeacherFactory)
    improvement_goal = factory.SubFactory(
        ImprovementGoalFactory, school=factory.SelfAttribute("..teacher.school")
    )
    statement = "Run small-group rotations with the reading app twice a week."


class RequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoachingRequest

    goal = factory.SubFactory(TeacherGoalFactory)
    teacher = factory.SelfAttribute("goal.teacher")
    needs = ["Lexia"]
    status = RequestStatus.OPEN


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoachingCycle

    request = factory.SubFactory(
        RequestFactory, status=RequestStatus.IN_CYCLE, coach=factory.SelfAttribute("..coach")
    )
    teacher = factory.SelfAttribute("request.teacher")
    goal = factory.SelfAttribute("request.goal")
    coach = factory.SubFactory(CoachFactory)
    opened_on = datetime.date(2026, 9, 1)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoachingSession

    cycle = factory.SubFactory(CycleFactory)
    date = datetime.date(2026, 9, 8)
    minutes = 40
    session_type = SessionType.CO_PLAN
    notes = "Planned the lesson together."


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Student

    school = factory.SubFactory(SchoolFactory)
    district = factory.SelfAttribute("school.district")
    source_id = factory.Sequence(lambda n: f"S{n:06d}")
    grade = 4


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    district = factory.SubFactory(DistrictFactory)
    name = "State assessment"
    subject = Subject.ELA
    school_year = 2026
    window = Window.STATE


class ResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Result

    student = factory.SubFactory(StudentFactory)
    assessment = factory.SubFactory(AssessmentFactory, district=factory.SelfAttribute("..student.district"))
    school = factory.SelfAttribute("student.school")
    grade = factory.SelfAttribute("student.grade")
    scale_score = 350.0
    proficient = True


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    goal = factory.SubFactory(ImprovementGoalFactory)
    kind = IndicatorKind.CUSTOM
    name = "Exit tickets returned the same day"
    unit = "% of tickets"
    target = 90.0


class ToolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tool

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Tool {n}")
    vendor = "Vendor"
    grades = [3, 4, 5]
    subjects = ["ela"]


class ToolLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ToolLink

    tool = factory.SubFactory(ToolFactory)
    goal = factory.SubFactory(ImprovementGoalFactory, school=factory.SelfAttribute("..tool.school"))
    rationale = "Daily practice on the skills the gap points to."
