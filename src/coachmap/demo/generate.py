"""A deterministic, realistic demo district at the sizes of DESIGN.md §5.

Same profile, seed and reference date → the same district, row for row. Schools span grade
bands; teachers have a spread of experience (many new ones); coaches of every type serve
several schools each; students carry group shares like a large US district, and a year of
results shows real-looking gaps between groups; each school has goals drawn from its own data;
a year of coaching (closed cycles) plus the current school year so far (active cycles, open
requests) fills the chain.

Rows are generated school by school and streamed into `core.bulk.insert_rows` with explicit
ids, so the large profile (3.6 million results) needs neither row-by-row saves nor much memory.
"""

from __future__ import annotations

import datetime
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from coachmap.coaching.models import (
    CoachingCycle,
    CoachingRequest,
    CoachingSession,
    CoachProfile,
    CycleOutcome,
    CycleStatus,
    FidelityCheckIn,
    Referral,
    ReferralStatus,
    RequestStatus,
    SessionType,
    StudentEvidence,
    TeacherGoal,
    TeacherIntake,
)
from coachmap.core import bulk, groups
from coachmap.core.grades import grade_label
from coachmap.core.models import Coach, CoachType, District, Membership, Role, School, Teacher, User
from coachmap.core.schoolyear import school_year_of
from coachmap.demo import names, planting, program, together
from coachmap.demo.effects import DEMO_PLANTED, Planted
from coachmap.demo.profiles import Profile
from coachmap.demo.strategy import StrategyData
from coachmap.demo.supports import seed_program
from coachmap.demo.work import CycleWork
from coachmap.improvement.models import GoalStatus, ImprovementGoal, Indicator, Metric, Tool
from coachmap.improvement.summaries import summaries_rebuild
from coachmap.roster.models import Assessment, Class, Enrollment, LineItem, Result, Student, Subject, Window

DEMO_PASSWORD = "demo"  # noqa: S105 - the published password of the demo logins, which exist only in demo databases
DEMO_LOGINS = {
    "teacher": Role.TEACHER,
    "coach": Role.COACH,
    "lead": Role.PROGRAM_LEAD,
    "principal": Role.PRINCIPAL,
    "admin": Role.DISTRICT_ADMIN,
}

RACES = [code for code, _ in groups.Race.CHOICES]
RACE_SHARES = [0.01, 0.08, 0.22, 0.45, 0.005, 0.20, 0.03, 0.005]
RACE_EFFECT = np.array([-0.30, 0.30, -0.35, -0.25, -0.20, 0.20, 0.0, 0.0])
EL_RATE = np.array([0.05, 0.25, 0.04, 0.35, 0.10, 0.02, 0.04, 0.05])
ED_RATE = np.array([0.80, 0.40, 0.80, 0.80, 0.70, 0.40, 0.55, 0.60])
GENDERS = [groups.Gender.FEMALE, groups.Gender.MALE, groups.Gender.NONBINARY, groups.Gender.UNKNOWN]
GENDER_SHARES = [0.49, 0.49, 0.01, 0.01]
WINDOWS = [Window.FALL, Window.WINTER, Window.SPRING, Window.STATE]
WINDOW_GROWTH = [0.0, 0.12, 0.25, 0.25]
SUBJECTS = [Subject.ELA, Subject.MATH]
CUT = 0.25
BANDS = {"elementary": (0, 5), "middle": (6, 8), "high": (9, 12)}
SESSION_MINUTES = {
    SessionType.CO_PLAN: (30, 50),
    SessionType.MODEL: (40, 55),
    SessionType.CO_TEACH: (40, 55),
    SessionType.OBSERVE: (30, 45),
    SessionType.FEEDBACK: (20, 35),
    SessionType.REFLECT: (20, 35),
    SessionType.MICRO: (10, 15),
}
MIDDLE_TYPES = [
    SessionType.MODEL,
    SessionType.CO_TEACH,
    SessionType.OBSERVE,
    SessionType.FEEDBACK,
    SessionType.MICRO,
]


@dataclass
class Counts:
    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seconds: float = 0.0

    def add(self, table: str, n: int) -> None:
        self.rows[table] += n


@dataclass
class _Teacher:
    id: int
    user_id: int
    school: int
    years: int
    subject: str | None
    grades: list[int]


def weekday(day: datetime.date) -> datetime.date:
    """The day itself on a school day, else the Monday after: nobody is coached on a weekend."""
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def existing_state() -> str:
    """'empty', 'demo' (a generated district and nothing else) or 'other'."""
    if not District.objects.exists() and not User.objects.exists():
        return "empty"
    if District.objects.exclude(is_demo=True).exists():
        return "other"
    if User.objects.filter(memberships__isnull=True).exists():
        return "other"
    return "demo"


class Generator:
    def __init__(
        self,
        profile: Profile,
        seed: int,
        today: datetime.date,
        progress: Callable[[str, int, int], None] | None = None,
        planted: Planted = DEMO_PLANTED,
    ) -> None:
        self.profile = profile
        self.planted = planted
        self.seed = seed
        self.today = today
        self.rng = np.random.default_rng(seed)
        self.random = random.Random(seed)
        self.progress = progress or (lambda task, done, total: None)
        self.counts = Counts()
        self.current_year = school_year_of(today)
        self.results_year = self.current_year - 1
        self.ids: dict[type[Model], int] = {}

    # --- helpers ---------------------------------------------------------------------------------

    def reserve_ids(self, model: type[Model], n: int) -> range:
        start = self.ids.get(model) or bulk.next_id(model)
        self.ids[model] = start + n
        return range(start, start + n)

    def insert_rows(self, model: type[Model], fields: list[str], rows: Any) -> None:
        n = bulk.insert_rows(model, fields, rows)
        self.counts.add(model._meta.db_table, n)

    def _person(self) -> tuple[str, str]:
        return self.random.choice(names.FIRST), self.random.choice(names.LAST)

    # --- the district ---------------------------------------------------------------------------

    def run(self) -> Counts:
        started = time.perf_counter()
        with transaction.atomic():
            self.district = District.objects.create(
                name="Riverbend Unified School District"
                if self.profile.name == "demo"
                else "Great Lakes Metro Schools",
                slug=f"{self.profile.name}-district",
                # The district's org id, as a OneRoster export of it says it (so a re-import matches).
                source_id=f"{self.profile.name}-district",
                is_demo=True,
            )
            self.counts.add("core_district", 1)
            self.work = CycleWork(
                self.seed, self.today, self.current_year, self.district.pk, self.district.min_group_size
            )
            self._schools()
            self._people()
            self._assessments()
            self._students_and_results()
            strategy = StrategyData(self)
            strategy.history()
            self._goals()
            strategy.goals()
            self._coaching()
            strategy.tools()
            strategy.usage()
            strategy.gradebook()
            # Known effects in last year's spring and state scores, for the impact pages to find.
            planting.plant(self, self.planted, planting.subject_tools(strategy))
            bulk.reset_sequences(
                User,
                Membership,
                School,
                Teacher,
                Coach,
                Student,
                Class,
                Enrollment,
                Assessment,
                Result,
                ImprovementGoal,
                TeacherGoal,
                CoachingRequest,
                CoachingCycle,
                CoachingSession,
                Tool,
                Indicator,
                LineItem,
            )
            self._demo_logins()
            self._best_fit()
            self.counts.add(
                "learning_together", together.seed(district=self.district, today=self.today, rng=self.random)
            )
            seed_program(self)
            summaries_rebuild(district=self.district)
            self._family_report()
            # The program as a whole (issue 16): the framework, coach growth, the vision, the review.
            program.seed(
                district=self.district,
                lead=User.objects.get(pk=self.lead_uid),
                today=self.today,
                seed=self.seed,
                counts=self.counts,
            )
        self.counts.seconds = time.perf_counter() - started
        return self.counts

    def _schools(self) -> None:
        p = self.profile
        n_elem = round(p.schools * p.bands[0])
        n_mid = round(p.schools * p.bands[1])
        bands = ["elementary"] * n_elem + ["middle"] * n_mid + ["high"] * (p.schools - n_elem - n_mid)
        suffix = {"elementary": "Elementary School", "middle": "Middle School", "high": "High School"}
        ids = self.reserve_ids(School, p.schools)
        self.schools: list[tuple[int, str]] = []
        rows = []
        for i, (school_id, band) in enumerate(zip(ids, bands, strict=True)):
            stem = names.SCHOOL_STEMS[i % len(names.SCHOOL_STEMS)]
            number = f" {i // len(names.SCHOOL_STEMS) + 1}" if p.schools > len(names.SCHOOL_STEMS) else ""
            low, high = BANDS[band]
            rows.append(
                (school_id, self.district.pk, f"{stem}{number} {suffix[band]}", f"S{i + 1:04d}", low, high)
            )
            self.schools.append((school_id, band))
        self.insert_rows(School, ["id", "district", "name", "source_id", "grade_low", "grade_high"], rows)

    def _users(self, people: list[tuple[str, str, str]]) -> range:
        """Users with unusable passwords (generated people cannot sign in)."""
        ids = self.reserve_ids(User, len(people))
        rows = (
            (uid, make_password(None), username, first, last)
            for uid, (username, first, last) in zip(ids, people, strict=True)
        )
        # The other columns (staff, active, date joined, email) take the model's defaults.
        self.insert_rows(User, ["id", "password", "username", "first_name", "last_name"], rows)
        return ids

    def _people(self) -> None:
        p = self.profile
        per_school = np.full(p.schools, p.teachers // p.schools)
        per_school[: p.teachers % p.schools] += 1
        people: list[tuple[str, str, str]] = []
        teacher_school: list[int] = []
        for (school_id, _), n in zip(self.schools, per_school, strict=True):
            for _ in range(n):
                first, last = self._person()
                people.append((f"t{len(people) + 1:06d}", first, last))
                teacher_school.append(school_id)
        user_ids = self._users(people)
        teacher_ids = self.reserve_ids(Teacher, p.teachers)
        years = self.rng.choice(
            [0, 1, 2, 3, 4, 5, 7, 9, 12, 15, 18, 22, 27],
            size=p.teachers,
            p=[0.12, 0.10, 0.08, 0.08, 0.07, 0.07, 0.09, 0.08, 0.08, 0.07, 0.06, 0.05, 0.05],
        )
        band_of = dict(self.schools)
        self.teachers: list[_Teacher] = []
        index_in_school: dict[int, int] = defaultdict(int)
        for tid, uid, school_id, yrs in zip(
            teacher_ids, user_ids, teacher_school, years.tolist(), strict=True
        ):
            low, high = BANDS[band_of[school_id]]
            k = index_in_school[school_id]
            index_in_school[school_id] += 1
            if band_of[school_id] == "elementary":
                grades, subject = [low + k % (high - low + 1)], None
            else:
                subject = [Subject.ELA, Subject.MATH, Subject.SCIENCE, Subject.SOCIAL_STUDIES][k % 4].value
                grades = list(range(low, high + 1))
            self.teachers.append(_Teacher(tid, uid, school_id, int(yrs), subject, grades))
        elementary_subjects = [
            Subject.ELA.value,
            Subject.MATH.value,
            Subject.SCIENCE.value,
            Subject.SOCIAL_STUDIES.value,
        ]
        self.insert_rows(
            Teacher,
            ["id", "user", "school", "source_id", "years_experience", "grades", "subjects"],
            (
                (
                    t.id,
                    t.user_id,
                    t.school,
                    f"T{t.id:06d}",
                    t.years,
                    t.grades,
                    [t.subject] if t.subject else elementary_subjects,
                )
                for t in self.teachers
            ),
        )
        membership_rows: list[tuple[Any, ...]] = [
            (t.user_id, self.district.pk, t.school, Role.TEACHER.value) for t in self.teachers
        ]

        # Principals, one per school.
        principal_people = []
        for i in range(p.schools):
            first, last = self._person()
            principal_people.append((f"p{i + 1:05d}", first, last))
        principal_ids = self._users(principal_people)
        self.principals = {
            school_id: uid for (school_id, _), uid in zip(self.schools, principal_ids, strict=True)
        }
        membership_rows += [
            (uid, self.district.pk, sid, Role.PRINCIPAL.value) for sid, uid in self.principals.items()
        ]

        # Coaches of every type, each serving several schools.
        if p.coaches <= 6:
            types = [
                CoachType.TECHNOLOGY,
                CoachType.TECHNOLOGY,
                CoachType.INSTRUCTIONAL,
                CoachType.CLIMATE,
                CoachType.CONTENT,
                CoachType.MENTOR,
            ][: p.coaches]
        else:
            types = list(
                self.rng.choice(
                    [
                        CoachType.TECHNOLOGY,
                        CoachType.INSTRUCTIONAL,
                        CoachType.CONTENT,
                        CoachType.CLIMATE,
                        CoachType.MENTOR,
                    ],
                    size=p.coaches,
                    p=[0.6, 0.12, 0.1, 0.08, 0.1],
                )
            )
            types[0] = CoachType.TECHNOLOGY
        coach_people = []
        for i in range(p.coaches):
            first, last = self._person()
            coach_people.append((f"c{i + 1:05d}", first, last))
        coach_user_ids = self._users(coach_people)
        coach_ids = self.reserve_ids(Coach, p.coaches)
        capacities = (
            [12] * p.coaches if p.name == "demo" else self.rng.integers(8, 16, size=p.coaches).tolist()
        )
        self.coaches = list(zip(coach_ids, coach_user_ids, [str(t) for t in types], capacities, strict=True))
        self.insert_rows(
            Coach,
            ["id", "user", "district", "coach_type", "capacity"],
            ((cid, uid, self.district.pk, ctype, cap) for cid, uid, ctype, cap in self.coaches),
        )
        membership_rows += [(uid, self.district.pk, None, Role.COACH.value) for _, uid, _, _ in self.coaches]

        # Each school gets a technology coach and another kind of coach; each coach serves several schools.
        tech = [c for c in self.coaches if c[2] == CoachType.TECHNOLOGY]
        other = [c for c in self.coaches if c[2] != CoachType.TECHNOLOGY] or tech
        self.coach_schools: dict[int, list[int]] = defaultdict(list)
        if p.coaches <= 6:
            half = (p.schools + 1) // 2
            for i, (school_id, _) in enumerate(self.schools):
                self.coach_schools[tech[0 if i < half else min(1, len(tech) - 1)][0]].append(school_id)
                for c in other:
                    self.coach_schools[c[0]].append(school_id)
        else:
            for i, (school_id, _) in enumerate(self.schools):
                for c in {tech[i % len(tech)], tech[(i * 7 + 3) % len(tech)], other[i % len(other)]}:
                    self.coach_schools[c[0]].append(school_id)
        through = Coach.schools.through
        self.insert_rows(
            through,
            ["coach_id", "school_id"],
            ((cid, sid) for cid, sids in sorted(self.coach_schools.items()) for sid in sids),
        )

        # The program lead and the district admin.
        lead_first, lead_last = self._person()
        admin_first, admin_last = self._person()
        lead_uid, admin_uid = self._users(
            [("lead0001", lead_first, lead_last), ("admin0001", admin_first, admin_last)]
        )
        self.lead_uid, self.admin_uid = lead_uid, admin_uid
        membership_rows += [
            (lead_uid, self.district.pk, None, Role.PROGRAM_LEAD.value),
            (admin_uid, self.district.pk, None, Role.DISTRICT_ADMIN.value),
        ]
        self.insert_rows(Membership, ["user", "district", "school", "role"], membership_rows)

    def _assessments(self) -> None:
        ids = self.reserve_ids(Assessment, len(SUBJECTS) * len(WINDOWS))
        y = self.results_year
        dates = {
            Window.FALL: datetime.date(y - 1, 9, 20),
            Window.WINTER: datetime.date(y, 1, 25),
            Window.SPRING: datetime.date(y, 5, 10),
            Window.STATE: datetime.date(y, 4, 25),
        }
        self.assessment_ids: dict[tuple[str, str], int] = {}
        rows = []
        for aid, (subject, window) in zip(ids, [(s, w) for s in SUBJECTS for w in WINDOWS], strict=True):
            name = "State assessment" if window == Window.STATE else "Interim benchmark"
            rows.append(
                (
                    aid,
                    self.district.pk,
                    name,
                    f"A-{subject}-{window}-{y}",
                    subject.value,
                    y,
                    window.value,
                    dates[window],
                )
            )
            self.assessment_ids[(subject.value, window.value)] = aid
        self.insert_rows(
            Assessment,
            ["id", "district", "name", "source_id", "subject", "school_year", "window", "administered_on"],
            rows,
        )

    def _students_and_results(self) -> None:
        p = self.profile
        per_school = np.full(p.schools, p.students // p.schools)
        per_school[: p.students % p.schools] += 1
        teachers_by_school: dict[int, list[_Teacher]] = defaultdict(list)
        for t in self.teachers:
            teachers_by_school[t.school].append(t)
        self.state_stats: dict[int, dict[str, Any]] = {}
        for done, ((school_id, band), n) in enumerate(zip(self.schools, per_school.tolist(), strict=True)):
            self._school_students(school_id, band, n, teachers_by_school[school_id])
            self.progress("students and results", done + 1, p.schools)

    def _school_students(self, school_id: int, band: str, n: int, teachers: list[_Teacher]) -> None:
        rng = self.rng
        low, high = BANDS[band]
        grade = rng.integers(low, high + 1, size=n)
        race = rng.choice(len(RACES), size=n, p=RACE_SHARES)
        el = rng.random(n) < EL_RATE[race] * np.where(grade <= 5, 1.2, 0.8)
        ed = rng.random(n) < ED_RATE[race]
        swd = rng.random(n) < 0.14
        gender = rng.choice(len(GENDERS), size=n, p=GENDER_SHARES)
        school_effect = rng.normal(0, 0.25)
        ability = (
            school_effect + RACE_EFFECT[race] - 0.35 * ed - 0.45 * el - 0.7 * swd + rng.normal(0, 0.9, size=n)
        )

        student_ids = self.reserve_ids(Student, n)
        sid = np.fromiter(student_ids, dtype=np.int64, count=n)
        self.insert_rows(
            Student,
            [
                "id",
                "district",
                "school",
                "source_id",
                "grade",
                "race_ethnicity",
                "english_learner",
                "disability",
                "econ_disadvantaged",
                "gender",
            ],
            zip(
                student_ids,
                [self.district.pk] * n,
                [school_id] * n,
                [f"ST{i:07d}" for i in student_ids],
                grade.tolist(),
                [RACES[r] for r in race.tolist()],
                el.tolist(),
                swd.tolist(),
                ed.tolist(),
                [GENDERS[g] for g in gender.tolist()],
                strict=True,
            ),
        )

        # Results: each subject × window, with growth through the year and test noise.
        result_ids = iter(self.reserve_ids(Result, n * len(SUBJECTS) * len(WINDOWS)))
        growth_rate = rng.normal(1.0, 0.25, size=n) - 0.15 * el
        state_proficient: dict[str, np.ndarray] = {}

        def rows() -> Iterator[tuple[Any, ...]]:
            for subject in SUBJECTS:
                subject_ability = (
                    ability + rng.normal(0, 0.45, size=n) - (0.15 * el if subject == Subject.ELA else 0)
                )
                for window, growth in zip(WINDOWS, WINDOW_GROWTH, strict=True):
                    theta = subject_ability + growth * growth_rate + rng.normal(0, 0.2, size=n)
                    proficient = theta > CUT
                    if window == Window.STATE:
                        state_proficient[subject.value] = proficient
                    scale = np.round(300 + 10 * grade + 25 * theta).astype(int)
                    level = np.digitize(theta, [-0.6, CUT, 1.1]) + 1
                    aid = self.assessment_ids[(subject.value, window.value)]
                    for student, g, s, lv, pr in zip(
                        sid.tolist(),
                        grade.tolist(),
                        scale.tolist(),
                        level.tolist(),
                        proficient.tolist(),
                        strict=True,
                    ):
                        yield (next(result_ids), aid, student, school_id, g, float(s), f"Level {lv}", pr)

        self.insert_rows(
            Result,
            [
                "id",
                "assessment",
                "student",
                "school",
                "grade",
                "scale_score",
                "performance_level",
                "proficient",
            ],
            rows(),
        )
        self.state_stats[school_id] = {
            "race": race,
            "el": el,
            "ed": ed,
            "swd": swd,
            "proficient": state_proficient,
            "n": n,
        }
        self._classes(school_id, band, grade, sid, teachers)

    def _classes(
        self, school_id: int, band: str, grade: np.ndarray, sid: np.ndarray, teachers: list[_Teacher]
    ) -> None:
        """Homerooms in elementary schools; ELA and math sections in middle and high schools."""
        class_ids = self.reserve_ids(Class, len(teachers))
        class_rows: list[tuple[Any, ...]] = []
        enrollments: list[tuple[Any, ...]] = []
        by_grade: dict[int, list[int]] = defaultdict(list)
        by_subject: dict[str, list[int]] = defaultdict(list)
        for cid, t in zip(class_ids, teachers, strict=True):
            if band == "elementary":
                title, subject = f"Grade {grade_label(t.grades[0])} homeroom ({t.id})", Subject.OTHER.value
                by_grade[t.grades[0]].append(cid)
            else:
                subject = t.subject or Subject.OTHER.value
                title = f"{Subject(subject).label} ({t.id})"
                by_subject[subject].append(cid)
            class_rows.append((cid, school_id, f"C{cid:07d}", title, t.grades, subject))
            enrollments.append((f"E-{cid}-T{t.id}", cid, None, t.id, True))
        for student, g in zip(sid.tolist(), grade.tolist(), strict=True):
            if band == "elementary":
                homerooms = by_grade.get(g) or list(class_ids)
                homeroom = homerooms[student % len(homerooms)]
                enrollments.append((f"E-{homeroom}-S{student}", homeroom, student, None, False))
            else:
                for subject in (Subject.ELA.value, Subject.MATH.value):
                    sections = by_subject.get(subject)
                    if sections:
                        section = sections[student % len(sections)]
                        enrollments.append((f"E-{section}-S{student}", section, student, None, False))
        self.insert_rows(Class, ["id", "school", "source_id", "title", "grades", "subject"], class_rows)
        self.insert_rows(Enrollment, ["source_id", "klass", "student", "teacher", "primary"], enrollments)

    # --- goals and coaching ---------------------------------------------------------------------

    def _goals(self) -> None:
        """One or two active goals per school from its own state-test gaps, and last year's goal."""
        candidates: list[tuple[str, str | int]] = [
            ("el", "el"),
            ("swd", "swd"),
            ("ed", "ed"),
            ("race:black", RACES.index("black")),
            ("race:hispanic", RACES.index("hispanic")),
        ]
        rows = []
        self.active_goals: dict[int, list[int]] = defaultdict(list)
        self.past_goal: dict[int, int] = {}
        target_date = datetime.date(self.current_year, 6, 15)
        now = timezone.now()
        next_goal = self.ids.get(ImprovementGoal) or bulk.next_id(ImprovementGoal)
        for school_id, _ in self.schools:
            stats = self.state_stats[school_id]
            options = []
            for subject in SUBJECTS:
                prof = stats["proficient"][subject.value]
                all_rate = 100 * prof.mean()
                for code, selector in candidates:
                    mask = stats["race"] == selector if isinstance(selector, int) else stats[str(selector)]
                    if mask.sum() < 20:
                        continue
                    rate = 100 * prof[mask].mean()
                    options.append((all_rate - rate, subject, code, rate, int(mask.sum())))
            options.sort(key=lambda o: (-o[0], o[1].value, o[2]))
            chosen = options[:1]
            # The demo principal's school keeps room for a second goal of their own.
            if options and self.random.random() < 0.6 and school_id != self.schools[0][0]:
                other = [o for o in options[1:] if o[1] != chosen[0][1]]
                chosen += other[:1]
            for _gap, subject, code, rate, _ in chosen:
                target = min(100.0, round(rate + 10))
                label = groups.label(code).lower() if code != "ed" else "economically disadvantaged students"
                statement = (
                    f"By June {self.current_year}, {target:.0f}% of our {label} will be proficient in "
                    f"{subject.label.lower()} on the state assessment, up from {rate:.0f}%."
                )
                rows.append(
                    (
                        next_goal,
                        school_id,
                        statement,
                        subject.value,
                        code,
                        Metric.PROFICIENCY_RATE.value,
                        round(rate, 1),
                        target,
                        target_date,
                        GoalStatus.ACTIVE.value,
                        self.principals[school_id],
                        now,
                    )
                )
                self.active_goals[school_id].append(next_goal)
                next_goal += 1
            all_rate = 100 * stats["proficient"][Subject.MATH.value].mean()
            rows.append(
                (
                    next_goal,
                    school_id,
                    f"By June {self.current_year - 1}, {all_rate + 5:.0f}% of all students will be proficient in mathematics.",
                    Subject.MATH.value,
                    groups.ALL,
                    Metric.PROFICIENCY_RATE.value,
                    round(all_rate - 3, 1),
                    round(all_rate + 5, 1),
                    datetime.date(self.current_year - 1, 6, 15),
                    GoalStatus.RETIRED.value,
                    self.principals[school_id],
                    now,
                )
            )
            self.past_goal[school_id] = next_goal
            next_goal += 1
        self.ids[ImprovementGoal] = next_goal
        self.insert_rows(
            ImprovementGoal,
            [
                "id",
                "school",
                "statement",
                "subject",
                "student_group",
                "metric",
                "baseline",
                "target",
                "target_date",
                "status",
                "created_by",
                "created_at",
            ],
            rows,
        )

    def _coaching(self) -> None:
        """Cycles back to back in each coach's slots: last school year in full, this one so far."""
        p = self.profile
        sessions_per_slot_year = 28
        teachers_by_school: dict[int, list[_Teacher]] = defaultdict(list)
        for t in self.teachers:
            teachers_by_school[t.school].append(t)
        self.cycle_rows: list[tuple[Any, ...]] = []
        self.request_rows: list[tuple[Any, ...]] = []
        self.goal_rows: list[tuple[Any, ...]] = []
        self.session_rows: list[tuple[Any, ...]] = []
        self.busy: set[int] = set()  # teachers with an active cycle or pending request now
        self.load: dict[int, int] = defaultdict(int)  # places taken in each coach's caseload now
        self.next = {
            m: self.ids.get(m) or bulk.next_id(m)
            for m in (TeacherGoal, CoachingRequest, CoachingCycle, CoachingSession)
        }
        last_year = (datetime.date(self.current_year - 2, 8, 20), datetime.date(self.current_year - 1, 6, 10))
        this_year = (
            datetime.date(self.current_year - 1, 8, 20),
            min(self.today, datetime.date(self.current_year, 6, 10)),
        )
        for done, (coach_id, _uid, _ctype, capacity) in enumerate(self.coaches):
            slots = max(1, min(capacity - 3, round(p.sessions_per_year / p.coaches / sessions_per_slot_year)))
            pool = [t for sid in self.coach_schools[coach_id] for t in teachers_by_school[sid]]
            if not pool:
                continue
            weights = np.array([2.0 if t.years <= 2 else 1.0 for t in pool])
            weights /= weights.sum()
            for start, end in (last_year, this_year):
                for _ in range(slots):
                    day = start + datetime.timedelta(days=int(self.rng.integers(0, 21)))
                    while day < end:
                        length = int(self.rng.integers(42, 71))
                        teacher = pool[int(self.rng.choice(len(pool), p=weights))]
                        if teacher.id in self.busy and start == this_year[0]:
                            day += datetime.timedelta(days=7)
                            continue
                        self._cycle(
                            coach_id, teacher, weekday(day), min(day + datetime.timedelta(days=length), end)
                        )
                        day += datetime.timedelta(days=length + int(self.rng.integers(3, 15)))
            self.progress("coaching", done + 1, len(self.coaches))
        self._requests_now(teachers_by_school)
        self._flush_coaching()

    def _new_goal_and_request(
        self,
        teacher: _Teacher,
        status: str,
        coach_id: int | None,
        when: datetime.datetime,
        goal_id: int | None = None,
    ) -> int:
        goal_id = goal_id or self.active_goals[teacher.school][0]
        tg = self.next[TeacherGoal]
        self.next[TeacherGoal] += 1
        tool, practice = self.random.choice(names.TOOLS), self.random.choice(names.PRACTICES)
        self.goal_rows.append(
            (
                tg,
                teacher.id,
                goal_id,
                f"Use {tool} with {practice} so more of my students reach the goal.",
                when,
            )
        )
        rid = self.next[CoachingRequest]
        self.next[CoachingRequest] += 1
        proposed = when + datetime.timedelta(days=2) if coach_id else None
        responded = (
            when + datetime.timedelta(days=3)
            if status in (RequestStatus.ACCEPTED, RequestStatus.IN_CYCLE, RequestStatus.DECLINED)
            else None
        )
        self.request_rows.append(
            (
                rid,
                teacher.id,
                tg,
                [tool, practice],
                "",
                status,
                coach_id,
                self.lead_uid if coach_id else None,
                proposed,
                responded,
                when,
            )
        )
        return rid

    def _cycle(self, coach_id: int, teacher: _Teacher, start: datetime.date, end: datetime.date) -> None:
        when = timezone.make_aware(
            datetime.datetime.combine(start - datetime.timedelta(days=7), datetime.time(15, 30))
        )
        goal_id = (
            self.active_goals[teacher.school][0]
            if school_year_of(start) >= self.current_year
            else self.past_goal[teacher.school]
        )
        rid = self._new_goal_and_request(teacher, RequestStatus.IN_CYCLE, coach_id, when, goal_id)
        tg = self.goal_rows[-1][0]
        tool, practice = self.request_rows[-1][3]
        cid = self.next[CoachingCycle]
        self.next[CoachingCycle] += 1
        active = end >= self.today  # cut short by today: still running
        first_session = len(self.session_rows)
        if active:
            self.busy.add(teacher.id)
            self.load[coach_id] += 1
        k = int(self.rng.integers(4, 9))
        span = max(1, (min(end, self.today) - start).days)
        days = sorted({int(d) for d in self.rng.integers(0, span + 1, size=k)})
        for j, offset in enumerate(days):
            day = weekday(start + datetime.timedelta(days=offset))
            if day > min(end, self.today):
                continue
            if j == 0:
                stype = SessionType.CO_PLAN
            elif j == len(days) - 1 and not active:
                stype = SessionType.REFLECT
            else:
                stype = MIDDLE_TYPES[int(self.rng.integers(0, len(MIDDLE_TYPES)))]
            low, high = SESSION_MINUTES[stype]
            tool, practice = self.random.choice(names.TOOLS), self.random.choice(names.PRACTICES)
            notes = self.random.choice(names.NOTE_TEMPLATES).format(tool=tool, practice=practice)
            steps = self.random.choice(names.NEXT_STEPS).format(tool=tool)
            sid = self.next[CoachingSession]
            self.next[CoachingSession] += 1
            self.session_rows.append(
                (sid, cid, day, int(self.rng.integers(low, high + 1)), stype.value, notes, steps, when)
            )
        held = [(row[2], row[4]) for row in self.session_rows[first_session:]]
        self.cycle_rows.append(
            (
                cid,
                teacher.id,
                coach_id,
                tg,
                rid,
                CycleStatus.ACTIVE.value if active else CycleStatus.CLOSED.value,
                start,
                None if active else end,
                *self.work.cycle(cid, teacher.id, coach_id, start, active, held, tool, practice),
            )
        )

    def _requests_now(self, teachers_by_school: dict[int, list[_Teacher]]) -> None:
        """Open, proposed and accepted requests waiting in the current school year."""
        when = timezone.make_aware(
            datetime.datetime.combine(self.today - datetime.timedelta(days=5), datetime.time(16, 0))
        )
        capacity = {c[0]: c[3] for c in self.coaches}
        serving: dict[int, list[int]] = defaultdict(list)
        for coach_id, sids in self.coach_schools.items():
            for sid in sids:
                serving[sid].append(coach_id)
        for school_id, _ in self.schools:
            free = [t for t in teachers_by_school[school_id] if t.id not in self.busy]
            self.random.shuffle(free)
            for teacher, wanted in zip(
                free, [RequestStatus.OPEN, RequestStatus.OPEN, RequestStatus.PROPOSED], strict=False
            ):
                coach = None
                status = wanted
                if wanted == RequestStatus.PROPOSED:
                    # Keep two places free in every caseload for the demo logins' own work.
                    room = [c for c in serving[school_id] if self.load[c] < capacity[c] - 2]
                    if not room:
                        status = RequestStatus.OPEN
                    else:
                        coach = min(room, key=lambda c: (self.load[c] / capacity[c], c))
                        self.load[coach] += 1
                self._new_goal_and_request(teacher, status, coach, when)
                self.busy.add(teacher.id)

    def _flush_coaching(self) -> None:
        self.insert_rows(
            TeacherGoal, ["id", "teacher", "improvement_goal", "statement", "created_at"], self.goal_rows
        )
        self.insert_rows(
            CoachingRequest,
            [
                "id",
                "teacher",
                "goal",
                "needs",
                "note",
                "status",
                "coach",
                "proposed_by",
                "proposed_at",
                "responded_at",
                "created_at",
            ],
            self.request_rows,
        )
        self.insert_rows(
            CoachingCycle,
            [
                "id",
                "teacher",
                "coach",
                "goal",
                "request",
                "status",
                "opened_on",
                "closed_on",
                "stage",
                "stage_changed_on",
                "learning_target",
                "practice",
                "tools",
                "look_fors",
                "outcome",
                "referred_to",
            ],
            self.cycle_rows,
        )
        self.insert_rows(
            CoachingSession,
            ["id", "cycle", "date", "minutes", "session_type", "notes", "next_steps", "created_at"],
            self.session_rows,
        )
        for model in self.next:
            self.ids[model] = self.next[model]
        self.work.write(self, self.session_rows)

    def _best_fit(self) -> None:
        """Coach profiles, teachers' intakes, the routing policy with its look-fors, a referral, and a
        draft matching round for the program lead to review (the real service, on the demo's requests)."""
        from coachmap.coaching.bestfit import rounds as matching_rounds
        from coachmap.coaching.bestfit import services as fit_services
        from coachmap.coaching.bestfit.placement import SELF_ASSESSMENT, Quadrant, place

        policy = fit_services.policy_ensure(district=self.district)
        quadrants = [q.value for q in Quadrant]
        band_of = dict(self.schools)
        profiles = []
        for coach_id, _uid, ctype, _cap in self.coaches:
            bands = sorted({band_of[s] for s in self.coach_schools.get(coach_id, [])}) or ["elementary"]
            tools = self.random.sample(names.TOOLS, 4 if ctype == CoachType.TECHNOLOGY else 1)
            profiles.append(
                CoachProfile(
                    coach_id=coach_id,
                    tools=tools,
                    practices=self.random.sample(names.PRACTICES, 3),
                    content_areas=self.random.sample([s.value for s in SUBJECTS] + ["science"], 2),
                    grade_bands=bands,
                    quadrants=self.random.sample(quadrants, 2),
                    languages=["English"] + (["Spanish"] if self.random.random() < 0.25 else []),
                )
            )
        CoachProfile.objects.bulk_create(profiles, batch_size=2000)
        self.counts.add("coaching_coachprofile", len(profiles))

        asking = set(
            CoachingRequest.objects.filter(
                teacher__school__district=self.district,
                status__in=[RequestStatus.OPEN, RequestStatus.PROPOSED],
            ).values_list("teacher_id", flat=True)
        )
        intakes = []
        for t in self.teachers:
            if t.id not in asking and t.id not in self.busy and self.random.random() > 0.3:
                continue
            # Newer teachers tend to answer a little lower; everyone varies.
            centre = 3.0 if t.years <= 3 else 3.6
            answers = {
                item.key: min(5, max(1, round(self.random.gauss(centre, 0.9)))) for item in SELF_ASSESSMENT
            }
            new = self.random.random() < 0.2
            placed = place(years=t.years, new_to_adoption=new, answers=answers, thresholds=policy.thresholds)
            intakes.append(
                TeacherIntake(
                    teacher_id=t.id,
                    years_experience=t.years,
                    new_to_adoption=new,
                    confidence_answers=answers,
                    tech_comfort=self.random.randint(1, 5),
                    needs_tools=[self.random.choice(names.TOOLS)],
                    needs_content=[t.subject] if t.subject else [],
                    needs_practices=[self.random.choice(names.PRACTICES)],
                    availability=self.random.sample(["before_school", "planning", "after_school"], 2),
                    language="Spanish" if self.random.random() < 0.08 else "",
                    experience_axis=placed.experience,
                    confidence_axis=placed.confidence,
                    quadrant=placed.quadrant.value,
                )
            )
        TeacherIntake.objects.bulk_create(intakes, batch_size=2000)
        self.counts.add("coaching_teacherintake", len(intakes))

        # One of the demo coach's closed cycles ended with a referral to the instructional coach.
        closed = (
            CoachingCycle.objects.filter(coach__user__username="coach", status=CycleStatus.CLOSED)
            .order_by("closed_on", "id")
            .first()
        )
        if closed is not None:
            closed.outcome = CycleOutcome.REFERRED
            closed.referred_to = "the instructional coach"
            closed.save(update_fields=["outcome", "referred_to"])
            Referral.objects.create(
                teacher=closed.teacher,
                goal=closed.goal,
                from_cycle=closed,
                from_coach=closed.coach,
                support_type="instructional",
                reason="Small-group routines come first; the instructional coach works on them this term.",
                status=ReferralStatus.ACCEPTED,
            )
            self.counts.add("coaching_referral", 1)

        lead = User.objects.get(pk=self.lead_uid)
        matching_round = matching_rounds.round_run(actor=lead, district=self.district)
        self.counts.add("coaching_matchinground", 1)
        self.counts.add("coaching_matchproposal", matching_round.figures["requests"])

    def _family_report(self) -> None:
        """The demo principal's school has published this term's report to its families (issue 15)."""
        from coachmap.families import services as family_services
        from coachmap.families.models import FamilyReport, Term

        school_id = self.schools[0][0]
        principal = User.objects.get(pk=self.principals[school_id])
        month = self.today.month
        term = Term.FALL if 8 <= month <= 11 else Term.WINTER if month in (12, 1, 2) else Term.SPRING
        report = FamilyReport.objects.create(
            school_id=school_id, school_year=self.current_year, term=term, created_by=principal
        )
        report = family_services.report_texts_save(
            actor=principal,
            report=report,
            texts={
                "en": {
                    "help": "Ask your child to read to you for ten minutes after dinner, in English or in "
                    "your home language, and to tell you one new word they learned.",
                    "contact": "Questions? Call the front office at 555-0142, or stop by on weekdays from "
                    "8:00 to 3:30. We can talk in English or Spanish.",
                },
                "es": {
                    "help": "Pídale a su hijo o hija que le lea diez minutos después de la cena, en inglés o "
                    "en el idioma de su casa, y que le cuente una palabra nueva que aprendió.",
                    "contact": "¿Preguntas? Llame a la oficina principal al 555-0142, o pase de lunes a viernes "
                    "de 8:00 a 3:30. Podemos hablar en inglés o en español.",
                },
            },
        )
        family_services.report_publish(actor=principal, report=report)
        self.counts.add("families_familyreport", 1)

    def _demo_logins(self) -> None:
        """The five published logins, each a real member of the demo district with something to do."""
        school_id = self.schools[0][0]
        first_teacher = next(
            t for t in self.teachers if t.school == school_id and t.years <= 3 and t.id not in self.busy
        )
        coach_id, coach_uid = next(
            (c[0], c[1])
            for c in self.coaches
            if c[2] == CoachType.TECHNOLOGY and school_id in self.coach_schools[c[0]]
        )
        renames = {
            first_teacher.user_id: ("teacher", "Taylor", "Morgan"),
            coach_uid: ("coach", "Casey", "Rivera"),
            self.lead_uid: ("lead", "Lee", "Okafor"),
            self.principals[school_id]: ("principal", "Pat", "Nguyen"),
            self.admin_uid: ("admin", "Avery", "Chen"),
        }
        password = make_password(DEMO_PASSWORD)
        for uid, (username, first, last) in renames.items():
            User.objects.filter(pk=uid).update(
                username=username, first_name=first, last_name=last, password=password
            )

        # Taylor is mid-cycle with Casey; another teacher has accepted Casey and waits for the cycle to open.
        teacher = Teacher.objects.get(pk=first_teacher.id)
        coach = Coach.objects.get(pk=coach_id)
        goal = ImprovementGoal.objects.filter(school_id=school_id, status=GoalStatus.ACTIVE).first()
        assert goal is not None  # noqa: S101 - every school gets an active goal above
        start = weekday(
            max(self.today - datetime.timedelta(days=24), datetime.date(self.current_year - 1, 8, 20))
        )
        tgoal = TeacherGoal.objects.create(
            teacher=teacher,
            improvement_goal=goal,
            statement=(
                f"Run small-group rotations with {'Lexia' if goal.subject == Subject.ELA else 'Desmos'} twice a week "
                f"so my {groups.label(goal.student_group).lower()} reach our {goal.get_subject_display().lower()} goal."
            ),
        )
        request = CoachingRequest.objects.create(
            teacher=teacher,
            goal=tgoal,
            needs=["Lexia" if goal.subject == Subject.ELA else "Desmos", "small-group rotations"],
            status=RequestStatus.IN_CYCLE,
            coach=coach,
            proposed_at=timezone.now(),
            responded_at=timezone.now(),
        )
        cycle = CoachingCycle.objects.create(
            teacher=teacher,
            coach=coach,
            goal=tgoal,
            request=request,
            opened_on=start,
            stage="implementation",
            stage_changed_on=start + datetime.timedelta(days=8),
            learning_target="I can read a grade-level text and tell the main idea with two details.",
            practice="small-group rotations",
            tools=["Lexia"],
            look_fors=[
                "Each group knows its next task",
                "The teacher works with one group without interruptions",
                "Students log in to Lexia within two minutes",
            ],
        )
        StudentEvidence.objects.create(
            cycle=cycle,
            kind="pre",
            measured_on=start,
            measure="exit ticket: main idea with two details",
            students_assessed=24,
            students_meeting=9,
        )
        checkin_day = start + datetime.timedelta(days=9)
        if checkin_day <= self.today:
            FidelityCheckIn.objects.create(
                cycle=cycle,
                date=checkin_day,
                look_fors=cycle.look_fors,
                seen=cycle.look_fors[:1] + cycle.look_fors[2:],
                barriers="The reading group was interrupted twice by the Lexia station.",
                adaptations="Taylor added picture passwords so the youngest readers log in alone.",
            )
        for offset, stype, minutes, notes in [
            (
                0,
                SessionType.CO_PLAN,
                45,
                "Planned the rotation: three groups, the app at one station. Taylor worried about noise levels.",
            ),
            (
                8,
                SessionType.MODEL,
                50,
                "Modeled the station launch. Two students could not log in; we set up picture passwords.",
            ),
            (
                15,
                SessionType.MICRO,
                12,
                "Five-minute debrief after the lesson: transitions were smoother with the timer.",
            ),
        ]:
            day = weekday(start + datetime.timedelta(days=offset))
            if day <= self.today:
                CoachingSession.objects.create(
                    cycle=cycle,
                    date=day,
                    minutes=minutes,
                    session_type=stype,
                    notes=notes,
                    next_steps="Try it alone on Thursday.",
                )
                self.counts.add("coaching_coachingsession", 1)
        other = next(
            t
            for t in self.teachers
            if t.school == school_id and t.id not in self.busy and t.id != first_teacher.id
        )
        other_goal = TeacherGoal.objects.create(
            teacher_id=other.id,
            improvement_goal=goal,
            statement="Use exit tickets in Seesaw to check understanding daily.",
        )
        CoachingRequest.objects.create(
            teacher_id=other.id,
            goal=other_goal,
            needs=["Seesaw", "exit tickets"],
            status=RequestStatus.ACCEPTED,
            coach=coach,
            proposed_at=timezone.now(),
            responded_at=timezone.now(),
        )
