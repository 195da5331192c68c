"""The program dashboard and its summaries, figure by figure, on a small district worked by hand.

The district (minimum group size 5, coaching-time target 60 %), period: school year 2026–27.

Alder Elementary (grades K–5), goals G1 (reading, coached) and G2 (math, no coaching):
  - 10 teachers in cycles with the technology coach T, each request tied to G1; every cycle has two
    30-minute sessions (Sep 8, Sep 15); cycles 1–5 closed on Nov 2 (finished); cycles 1–5 have
    evidence: before 20 students, 8 meeting; after 20 students, 14 meeting.
  - 1 teacher in a cycle with the instructional coach I (goal G1), one 60-minute session.
  - 1 teacher with an open request (goal G1), no coach.
Birch Middle (grades 6–8), goal G3: 3 teachers in cycles with T, one 45-minute session each.
Cedar High (grades 9–12), goal G4 retired: 6 teachers in cycles with T, one 40-minute session each.

Time log: T, week of Sep 7: co-planning 300, admin 200; week of Sep 14: co-planning 100, admin 300.
          I, week of Sep 7: observation 120, testing 120.
Usage: "Lexia" on Alder's map: 30 students the week of Sep 7, 40 the week of Sep 14, 4 the week of Oct 5.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coachmap.coaching.models import CoachingRequest, CycleStatus, EvidenceKind, StudentEvidence
from coachmap.coaching.timelog.models import TimeEntry
from coachmap.core.models import CoachType, Role, School, User
from coachmap.improvement.models import GoalStatus, ImprovementGoal, Measurement, UsageCell
from coachmap.reports import dashboard, summary
from coachmap.reports.impact import Period
from coachmap.reports.pdf import page_count
from coachmap.roster.models import Student, UsageWeek
from tests.factories import (
    CoachFactory,
    CycleFactory,
    DistrictFactory,
    ImprovementGoalFactory,
    IndicatorFactory,
    RequestFactory,
    SchoolFactory,
    SessionFactory,
    StudentFactory,
    TeacherFactory,
    TeacherGoalFactory,
    ToolFactory,
    UserFactory,
    member,
)

pytestmark = pytest.mark.django_db

YEAR = Period("year", "School year 2026–27", datetime.date(2026, 8, 1), datetime.date(2027, 7, 31))
ASKED_ON = timezone.make_aware(datetime.datetime(2026, 8, 25, 9, 0))


@dataclass
class Fixture:
    alder: School
    birch: School
    cedar: School
    g1: ImprovementGoal
    g2: ImprovementGoal
    g3: ImprovementGoal
    lead: User
    admin: User
    principal: User
    teacher_names: list[str]
    coach_names: list[str]


def _cycle(
    school: School, coach: Any, goal: ImprovementGoal, sessions: list[tuple[datetime.date, int]]
) -> Any:
    teacher = TeacherFactory(school=school)
    cycle = CycleFactory(
        coach=coach,
        request__goal=TeacherGoalFactory(teacher=teacher, improvement_goal=goal),
        opened_on=datetime.date(2026, 9, 1),
    )
    for day, minutes in sessions:
        SessionFactory(cycle=cycle, date=day, minutes=minutes)
    return cycle


@pytest.fixture
def fx() -> Fixture:
    district = DistrictFactory(min_group_size=5, coaching_time_target=60)
    alder = SchoolFactory(district=district, name="Alder Elementary", grade_low=0, grade_high=5)
    birch = SchoolFactory(district=district, name="Birch Middle", grade_low=6, grade_high=8)
    cedar = SchoolFactory(district=district, name="Cedar High", grade_low=9, grade_high=12)
    g1 = ImprovementGoalFactory(school=alder, statement="Reading: more third graders proficient.")
    g2 = ImprovementGoalFactory(school=alder, statement="Math: fewer students below basic.")
    g3 = ImprovementGoalFactory(school=birch, statement="Writing: more students proficient.")
    g4 = ImprovementGoalFactory(school=cedar, statement="An old goal.", status=GoalStatus.RETIRED)
    t = CoachFactory(
        district=district, schools=[alder, birch, cedar], capacity=50, coach_type=CoachType.TECHNOLOGY
    )
    i = CoachFactory(district=district, schools=[alder], capacity=50, coach_type=CoachType.INSTRUCTIONAL)
    two = [(datetime.date(2026, 9, 8), 30), (datetime.date(2026, 9, 15), 30)]
    for n in range(10):
        cycle = _cycle(alder, t, g1, two)
        if n < 5:
            cycle.status, cycle.closed_on = CycleStatus.CLOSED, datetime.date(2026, 11, 2)
            cycle.save()
            for kind, meeting in ((EvidenceKind.PRE, 8), (EvidenceKind.POST, 14)):
                StudentEvidence.objects.create(
                    cycle=cycle,
                    kind=kind,
                    measured_on=datetime.date(2026, 9, 2),
                    measure="exit ticket",
                    students_assessed=20,
                    students_meeting=meeting,
                )
    _cycle(alder, i, g1, [(datetime.date(2026, 9, 9), 60)])
    RequestFactory(goal=TeacherGoalFactory(teacher=TeacherFactory(school=alder), improvement_goal=g1))
    for _ in range(3):
        _cycle(birch, t, g3, [(datetime.date(2026, 9, 10), 45)])
    for _ in range(6):
        _cycle(cedar, t, g4, [(datetime.date(2026, 9, 11), 40)])
    CoachingRequest.objects.update(created_at=ASKED_ON)
    for coach, day, category, minutes in (
        (t, datetime.date(2026, 9, 7), "co_plan", 300),
        (t, datetime.date(2026, 9, 8), "admin", 200),
        (t, datetime.date(2026, 9, 14), "co_plan", 100),
        (t, datetime.date(2026, 9, 15), "admin", 300),
        (i, datetime.date(2026, 9, 7), "observe", 120),
        (i, datetime.date(2026, 9, 8), "testing", 120),
    ):
        TimeEntry.objects.create(coach=coach, date=day, category=category, minutes=minutes)
    indicator = IndicatorFactory(goal=g1, name="Exit tickets returned", baseline=10.0, target=30.0)
    Measurement.objects.create(indicator=indicator, measured_on=datetime.date(2026, 10, 1), value=14.0)
    ToolFactory(school=alder, name="Lexia")
    for week, students in (
        (datetime.date(2026, 9, 7), 30),
        (datetime.date(2026, 9, 14), 40),
        (datetime.date(2026, 10, 5), 4),
    ):
        UsageCell.objects.create(
            district=district, school=alder, tool="lexia", week=week, students=students, minutes=students * 20
        )
    lead = member(UserFactory(), Role.PROGRAM_LEAD, district=district)
    admin = member(UserFactory(), Role.DISTRICT_ADMIN, district=district)
    principal = member(UserFactory(), Role.PRINCIPAL, district=district, school=alder)
    teachers = [u.last_name for u in User.objects.filter(teacher__school__district=district)]
    return Fixture(alder, birch, cedar, g1, g2, g3, lead, admin, principal, teachers, [str(t), str(i)])


def _board(user: User, **params: str) -> dashboard.Dashboard:
    return dashboard.dashboard(user, dashboard.filters_for(user, params, YEAR))


def _rows(table: dashboard.Table) -> dict[str, dashboard.Row]:
    return {r.label: r for r in table.rows}


def _figures(row: dashboard.Row, keys: list[str]) -> list[Any]:
    return [row.values[k] for k in keys]


REACH = ["asked", "matched", "started", "finished", "offers"]


def test_reach_by_school_hand_figures(fx: Fixture) -> None:
    d = _board(fx.lead)
    by_school = d.reach[0]
    rows = _rows(by_school)
    # Alder: asked 10 (T) + 1 (I) + 1 (open) = 12; matched 11; started 11; finished 5; no offers.
    assert _figures(rows["Alder Elementary"], REACH) == [12, 11, 11, 5, 0]
    assert not rows["Alder Elementary"].hidden
    # Birch has 3 teachers: hidden. Cedar (6) is the smallest shown school, hidden as the complement
    # so Birch is not the total minus Alder.
    assert rows["Birch Middle"].hidden and rows["Cedar High"].hidden
    # Total: asked 12 + 3 + 6 = 21; matched 11 + 3 + 6 = 20; started 20; finished 5.
    assert by_school.total is not None and not by_school.total.hidden
    assert _figures(by_school.total, REACH) == [21, 20, 20, 5, 0]


def test_reach_by_grade_band_quadrant_and_coach_type(fx: Fixture) -> None:
    d = _board(fx.lead)
    band = _rows(d.reach[2])
    # Grade bands follow the schools one to one: elementary = Alder, middle and high hidden.
    assert _figures(band["Elementary"], REACH) == [12, 11, 11, 5, 0]
    assert band["Middle"].hidden and band["High"].hidden
    quadrant = _rows(d.reach[1])
    # No teacher answered the intake: one row, equal to the total.
    assert _figures(quadrant["No intake answered"], REACH) == [21, 20, 20, 5, 0]
    coach_type = d.reach[3]
    rows = _rows(coach_type)
    # Technology: 10 + 3 + 6 = 19 teachers asked (their requests went to T), matched, started; 5 finished.
    assert _figures(rows["Technology coach"], REACH) == [19, 19, 19, 5, 0]
    # One teacher with the instructional coach, one not matched yet: hidden; rows overlap, so no total.
    assert rows["Instructional coach"].hidden and rows["Not matched yet"].hidden
    assert coach_type.total is None


def test_time_share_hand_figures(fx: Fixture) -> None:
    t = _board(fx.lead).time
    assert t is not None
    assert t.weeks == [datetime.date(2026, 9, 7), datetime.date(2026, 9, 14)]
    # Week of Sep 7: coaching 300 + 120 = 420 of 300 + 200 + 120 + 120 = 740 → 56.76 → 57 %.
    # Week of Sep 14: 100 of 400 → 25 %. The period: 520 of 1140 → 45.6 → 46 %.
    assert t.team == [57, 25]
    assert t.team_share == 46
    assert t.target == 60
    # Per coach (the lead only): T 400 of 900 → 44 %, below target in week 2 only (week 1: 60 % is
    # not below 60); I 120 of 240 → 50 %, one week below.
    names = fx.coach_names
    assert (names[0], 400, 900, 44, 1) in t.coaches
    assert (names[1], 120, 240, 50, 1) in t.coaches


def test_time_share_for_admin_and_principal(fx: Fixture) -> None:
    admin = _board(fx.admin).time
    # Two coaches logged time, fewer than 5: the team figure is hidden, and no coach is listed.
    assert admin is not None and admin.team_hidden and admin.coaches == []
    assert admin.chart() is None
    # Coaches serve several schools: the principal's dashboard has no time section.
    assert _board(fx.principal).time is None


def test_alignment_hand_figures(fx: Fixture) -> None:
    d = _board(fx.lead)
    rows = _rows(d.alignment)
    g1 = rows[f"Alder Elementary: {fx.g1.statement}"]
    # G1: 10 cycles with T (2 × 30 min) and 1 with I (60 min): teachers 11, cycles 11, sessions 21,
    # minutes 600 + 60 = 660, hours 11.0.
    assert _figures(g1, ["teachers", "cycles", "sessions", "minutes", "hours"]) == [11, 11, 21, 660, 11.0]
    # G2: no coaching, shown as zero and named among the goals with none.
    g2 = rows[f"Alder Elementary: {fx.g2.statement}"]
    assert not g2.hidden and g2.values["sessions"] == 0
    assert d.without_coaching == [f"Alder Elementary: {fx.g2.statement}"]
    # G3 (3 teachers) hidden; cycles add up, so G3 would be the total minus the rest: the row of
    # coaching tied to no active goal (Cedar's 6) is hidden with it.
    assert rows[f"Birch Middle: {fx.g3.statement}"].hidden
    assert rows["Not tied to an active school goal"].hidden
    # Total: teachers 11 + 3 + 6 = 20, cycles 20, sessions 21 + 3 + 6 = 30, minutes 660 + 135 + 240 = 1035.
    assert d.alignment.total is not None
    assert _figures(d.alignment.total, ["teachers", "cycles", "sessions", "minutes"]) == [20, 20, 30, 1035]


def test_outcomes_hand_figures(fx: Fixture) -> None:
    d = _board(fx.lead)
    ev = _rows(d.evidence)
    # Alder: 5 cycles with both; before 5 × 20 = 100 students, 5 × 8 = 40 meeting (40 %); after 100, 70 (70 %).
    a = ev["Alder Elementary"]
    assert _figures(
        a, ["teachers", "cycles", "pre_assessed", "pre_meeting", "post_assessed", "post_meeting"]
    ) == [
        5,
        5,
        100,
        40,
        100,
        70,
    ]
    assert (a.values["pre_percent"], a.values["post_percent"]) == (40, 70)
    assert d.evidence.total is not None and d.evidence.total.values["post_meeting"] == 70
    goals = {g.goal.pk: g for g in d.goals}
    # G1 has no results yet: baseline 38, target 50 (the factory's), no newest figure, 11 hours.
    g1 = goals[fx.g1.pk]
    assert (g1.baseline, g1.current, g1.target, g1.hours) == (38.0, None, 50.0, 11.0)
    assert goals[fx.g3.pk].hours is None  # hidden with its alignment row
    # The indicator: baseline 10, measured 14 → moved +4.
    (indicator,) = d.indicators
    assert (indicator.baseline, indicator.current, indicator.moved) == (10.0, 14.0, 4.0)
    # Lexia: September (30 + 40) / 2 weeks = 35 a week; October 4 a week: below 5, hidden.
    assert d.usage.months == [datetime.date(2026, 9, 1), datetime.date(2026, 10, 1)]
    assert d.usage.rows == [("Lexia", [35, None])]


def test_principal_sees_their_school_only(fx: Fixture) -> None:
    d = _board(fx.principal, school=str(fx.birch.pk))
    # Asking for another school falls back to their own.
    assert d.filters.school == fx.alder
    assert [r.label for r in d.reach[0].rows] == ["Alder Elementary"]
    assert d.alignment.total is not None
    # Alder alone: sessions 21, minutes 660.
    assert _figures(d.alignment.total, ["sessions", "minutes"]) == [21, 660]


def test_filter_that_narrows_to_one_teacher_hides_everything(fx: Fixture) -> None:
    d = _board(fx.lead, school=str(fx.alder.pk), coach_type=CoachType.INSTRUCTIONAL)
    # Only one teacher works with the instructional coach at Alder.
    for table in d.tables().values():
        shown = [r for r in [*table.rows, *([table.total] if table.total else [])] if not r.hidden]
        assert all(not any(r.values.get(k) for k in ("asked", "teachers")) for r in shown), table.slug


def test_program_summary_hand_words(fx: Fixture) -> None:
    s = summary.summary(_board(fx.lead))
    text = s.text
    assert s.title == "The coaching program"
    assert (
        "21 teachers asked for coaching; 20 were matched with a coach, 20 started a cycle and 5 finished one."
        in text
    )
    # 1035 minutes = 17.25 hours, rounded to 17.2; G1 has 660 of 1035 minutes = 63.8 → 64 %.
    assert "Coaches logged 30 sessions (17.2 hours) in 20 cycles with 20 teachers." in text
    assert f"Most went to “Alder Elementary: {fx.g1.statement}” (11 hours, 64 % of the time)." in text
    assert "1 goal had too few teachers coached to report." in text
    assert f"No coaching went to: “Alder Elementary: {fx.g2.statement}”." in text
    assert "students meeting the cycle's target went from 40 % to 70 %" in text
    assert "Exit tickets returned: up 4" in text
    assert "The coaching team spent 46 % of its logged time coaching, against a target of 60 %." in text
    assert summary.summary(_board(fx.lead)).text == text  # the same figures, the same words


def test_school_summary_for_the_principal(fx: Fixture) -> None:
    s = summary.summary(_board(fx.principal))
    assert s.title == "Alder Elementary"
    assert "Coaches logged 21 sessions (11 hours) in 11 cycles with 11 teachers." in s.text
    assert fx.g1.statement in s.text
    assert "team spent" not in s.text  # no time figures for a principal


def _get(user: User, name: str, **kwargs: Any) -> Any:
    client = Client()
    client.force_login(user)
    return client.get(reverse(name, kwargs=kwargs or None) + "?period=year")


CSV_TABLES = [
    "reach-school",
    "reach-quadrant",
    "reach-grade-band",
    "reach-coach-type",
    "alignment",
    "evidence",
    "time",
    "goals",
    "indicators",
    "usage",
    "equity",
]


@pytest.mark.parametrize("role", ["principal", "admin"])
def test_no_teacher_named_to_principal_or_admin(
    fx: Fixture, role: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *a: datetime.date(2026, 12, 1))
    user = getattr(fx, role)
    pages = [_get(user, "reports:coaching-trends"), _get(user, "reports:summary")]
    pages += [_get(user, "reports:dashboard-csv", table=t) for t in CSV_TABLES]
    for response in pages:
        assert response.status_code in (200, 404)
        body = response.content.decode("utf-8-sig")
        for name in fx.teacher_names:
            # Whole words: a teacher "Last2" is not the signed-in principal "Last25" in the header.
            assert not re.search(rf"\b{re.escape(name)}\b", body), name
        for name in fx.coach_names:  # coaches' time shares are for the lead
            assert name not in body


def test_lead_sees_coaches_not_teachers(fx: Fixture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *a: datetime.date(2026, 12, 1))
    page = _get(fx.lead, "reports:coaching-trends").content.decode()
    assert fx.coach_names[0] in page
    assert not any(name in page for name in fx.teacher_names)


@pytest.mark.parametrize("role", ["lead", "admin", "principal"])
def test_every_table_suppressed_alike_on_page_and_csv(
    fx: Fixture, role: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *a: datetime.date(2026, 12, 1))
    user = getattr(fx, role)
    d = _board(user)
    for slug, table in d.tables().items():
        body = _get(user, "reports:dashboard-csv", table=slug).content.decode("utf-8-sig")
        lines = body.strip().splitlines()
        for row in table.rows:
            line = next(
                line for line in lines if line.startswith(row.label) or line.startswith(f'"{row.label}')
            )
            assert ("*" in line) == row.hidden, (slug, row.label)
        for row in [*table.rows, *([table.total] if table.total else [])]:
            if not row.hidden:
                # No shown row stands on 1 to 4 teachers.
                people = [
                    v
                    for k, v in row.values.items()
                    if k in ("asked", "matched", "started", "finished", "offers", "teachers")
                ]
                assert not any(0 < v < 5 for v in people), (role, slug, row.label)


def test_summary_pdf_is_one_page(fx: Fixture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *a: datetime.date(2026, 12, 1))
    response = _get(fx.lead, "reports:summary-pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    html = render_to_string(
        "reports/summary_print.html",
        {"s": summary.summary(_board(fx.lead)), "generated": datetime.date(2026, 12, 1)},
    )
    assert page_count(html) == 1


def test_unknown_table_is_404(fx: Fixture) -> None:
    assert _get(fx.lead, "reports:dashboard-csv", table="nothing").status_code == 404


@pytest.mark.parametrize(
    "query",
    ["school=abc&coach_type=nobody&period=1999&page=-3", "school=999999999&page=99", "coach_type=&period="],
)
def test_bad_filters_fall_back_and_never_crash(fx: Fixture, query: str) -> None:
    client = Client()
    client.force_login(fx.lead)
    for url in (reverse("reports:coaching-trends"), reverse("reports:summary")):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200
        assert (
            b"Program dashboard" in response.content or b"Summary: The coaching program" in response.content
        )


def test_a_coach_type_filter_does_not_give_away_the_difference(fx: Fixture) -> None:
    # Technology coaches only: Alder has 10 teachers with T (asked, matched, started), 5 finished.
    # Unfiltered, Alder has 12 asked and 11 matched and started: the difference, 2 and 1 teachers
    # (the instructional coach's teacher and the one not matched), would be given away by the
    # two views side by side, so Alder is hidden under the filter.
    d = _board(fx.lead, coach_type=CoachType.TECHNOLOGY)
    assert _rows(d.reach[0])["Alder Elementary"].hidden
    assert _rows(d.reach[2])["Elementary"].hidden
    # Without the filter Alder is shown (see the first test).
    assert not _rows(_board(fx.lead).reach[0])["Alder Elementary"].hidden


# --- equity: use of the mapped tools by student group ----------------------------------------------
#
# Alder's 20 students (Lexia is on Alder's map; "Minecraft" is on no map):
#   8 Hispanic: English learners, economically disadvantaged; 4 female, 4 male; each used Lexia the
#     weeks of Sep 7 and Sep 14, 30 minutes a week (and Minecraft, which does not count).
#   9 White: not EL; 6 economically disadvantaged; 5 female, 4 male; the 5 female used Lexia the week
#     of Sep 7, 20 minutes.
#   3 Black: not EL, economically disadvantaged, 2 with a disability; 1 female, 2 male; no use.
# Birch has 6 students (White, male) who used Lexia 50 minutes the week of Sep 7: Lexia is not on
# Birch's map, so that use does not count; they are enrolled, so they count in the lead's total.

EQUITY = ["enrolled", "students", "student_weeks", "minutes"]


def _student(
    school: School, race: str, gender: str, *, el: bool = False, swd: bool = False, ed: bool = False
) -> Student:
    return StudentFactory(
        school=school,
        race_ethnicity=race,
        gender=gender,
        english_learner=el,
        disability=swd,
        econ_disadvantaged=ed,
    )


def _use(student: Student, tool: str, week: datetime.date, minutes: float) -> None:
    UsageWeek.objects.create(
        district=student.district, student=student, tool=tool, week=week, minutes=minutes
    )


SEP7, SEP14 = datetime.date(2026, 9, 7), datetime.date(2026, 9, 14)


@pytest.fixture
def eq(fx: Fixture) -> Fixture:
    for n in range(8):
        s = _student(fx.alder, "hispanic", "female" if n < 4 else "male", el=True, ed=True)
        _use(s, "lexia", SEP7, 30)
        _use(s, "lexia", SEP14, 30)
        _use(s, "minecraft", SEP7, 99)
    for n in range(9):
        s = _student(fx.alder, "white", "female" if n < 5 else "male", ed=n < 6)
        if n < 5:
            _use(s, "lexia", SEP7, 20)
    for n in range(3):
        _student(fx.alder, "black", "female" if n < 1 else "male", ed=True, swd=n < 2)
    for _ in range(6):
        _use(_student(fx.birch, "white", "male"), "lexia", SEP7, 50)
    return fx


@pytest.mark.parametrize("role", ["principal", "lead", "admin"])
def test_equity_hand_figures_and_suppression(eq: Fixture, role: str) -> None:
    user = getattr(eq, role)
    # The principal sees Alder; the lead and admin see Alder's figures through its school filter.
    t = _board(user, school=str(eq.alder.pk)).equity
    rows = {r.key: r for r in t.rows}
    # All of Alder: 8 + 9 + 3 = 20 enrolled; 8 + 5 = 13 used Lexia; student-weeks 8 × 2 + 5 = 21;
    # minutes 8 × 2 × 30 + 5 × 20 = 480 + 100 = 580; 580 / 21 = 27.6 a student-week; 13 / 20 = 65 %.
    assert t.total is not None and not t.total.hidden
    assert _figures(t.total, EQUITY) == [20, 13, 21, 580]
    assert (t.total.values["using_percent"], t.total.values["minutes_per_week"]) == (65, 27.6)
    # English learners (the 8 Hispanic students): 8, 8 using, 16 weeks, 480 minutes, 30.0 a week, 100 %.
    assert not rows["el"].hidden
    assert _figures(rows["el"], EQUITY) == [8, 8, 16, 480]
    assert (rows["el"].values["using_percent"], rows["el"].values["minutes_per_week"]) == (100, 30.0)
    # White: 9 enrolled, 5 using, 5 weeks, 100 minutes, 20.0 a week, 5 / 9 = 56 %.
    assert not rows["race:white"].hidden
    assert _figures(rows["race:white"], EQUITY) == [9, 5, 5, 100]
    assert rows["race:white"].values["using_percent"] == 56
    # Black: 3 enrolled, below 5: hidden. Races add up to all students, so Black would be
    # 20 − 8 − 9: the smallest other race, Hispanic (8), is hidden with it.
    assert rows["race:black"].hidden and rows["race:hispanic"].hidden
    # Students with disabilities: 2, hidden. Economically disadvantaged: 8 + 6 + 3 = 17, but the
    # students outside it would be 20 − 17 = 3: hidden too.
    assert rows["swd"].hidden and rows["ed"].hidden
    # Gender: female 4 + 5 + 1 = 10 enrolled, male 10; but male users are 4 (hidden), and female
    # users (4 + 5 = 9) would give them away as 13 − 9: both hidden.
    assert rows["gender:male"].hidden and rows["gender:female"].hidden
    # Races and genders with no student in view are left out.
    assert set(rows) == {
        "race:hispanic",
        "race:white",
        "race:black",
        "el",
        "swd",
        "ed",
        "gender:female",
        "gender:male",
    }


def test_equity_counts_use_only_of_tools_on_the_students_own_map(eq: Fixture) -> None:
    t = _board(eq.lead).equity
    # Every school: 20 at Alder + 6 at Birch = 26 enrolled; Birch's Lexia use is not on Birch's map,
    # so use stays 13 students, 21 student-weeks, 580 minutes (Minecraft never counts).
    assert t.total is not None and _figures(t.total, EQUITY) == [26, 13, 21, 580]
    # White: 9 + 6 = 15 enrolled, 5 using.
    white = next(r for r in t.rows if r.key == "race:white")
    assert not white.hidden and _figures(white, EQUITY) == [15, 5, 5, 100]
    birch = _board(eq.lead, school=str(eq.birch.pk)).equity
    assert birch.total is not None and _figures(birch.total, EQUITY) == [6, 0, 0, 0]


@pytest.mark.parametrize("role", ["principal", "lead", "admin"])
def test_equity_page_and_csv(eq: Fixture, role: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *a: datetime.date(2026, 12, 1))
    user = getattr(eq, role)
    query = "" if role == "principal" else f"&school={eq.alder.pk}"
    client = Client()
    client.force_login(user)
    page = client.get(reverse("reports:coaching-trends") + "?period=year" + query).content.decode()
    assert "Equity: use of the mapped tools by student group" in page
    assert "not per student, so it cannot be split by group" in page
    response = client.get(
        reverse("reports:dashboard-csv", kwargs={"table": "equity"}) + "?period=year" + query
    )
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert (
        lines[0]
        == "Student group,Students enrolled,Students using a mapped tool,Student-weeks of use,Minutes"
    )
    by_label = {line.split(",")[0]: line.split(",")[1:] for line in lines[1:]}
    assert by_label["English learners"] == ["8", "8", "16", "480"]
    assert by_label["White"] == ["9", "5", "5", "100"]
    assert by_label["All"] == ["20", "13", "21", "580"]
    for hidden in (
        "Black or African American",
        "Hispanic or Latino",
        "Students with disabilities",
        "Male",
        "Female",
    ):
        assert by_label[hidden] == ["*", "*", "*", "*"], hidden


# --- impact: the headline coaching estimate --------------------------------------------------------


@pytest.mark.parametrize("role", ["lead", "admin", "principal"])
def test_impact_section_without_results(fx: Fixture, role: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *a: datetime.date(2026, 12, 1))
    page = _get(getattr(fx, role), "reports:coaching-trends").content.decode()
    # The small district has no test results: the impact page's own words for that, and the link.
    assert "No estimate yet: there are no test results with a baseline" in page
    assert "Open every impact estimate" in page


def test_impact_section_hidden_for_whoever_the_impact_page_refuses(
    fx: Fixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Were the impact page closed to the lead (its route table says who may open it), the dashboard
    # would show no estimate and no link to it.
    monkeypatch.setattr(timezone, "localdate", lambda *a: datetime.date(2026, 12, 1))
    real = dashboard.access.may_open
    monkeypatch.setattr(
        dashboard.access, "may_open", lambda user, route: route != "impact:index" and real(user, route)
    )
    assert dashboard.impact_headline(fx.lead, dashboard.filters_for(fx.lead, {}, YEAR)) is None
    page = _get(fx.lead, "reports:coaching-trends").content.decode()
    assert "No estimate yet" not in page and "95 % interval" not in page


def test_impact_headline_is_the_impact_pages_estimate() -> None:
    """On the demo district (which plants a coaching effect): the dashboard's estimate is the impact
    page's first one, shown or hidden alike, for the district (lead, admin) and for each school."""
    from coachmap.core.models import District
    from coachmap.demo.generate import Generator
    from coachmap.demo.profiles import PROFILES
    from coachmap.impact import queries as impact_queries
    from coachmap.impact import report as impact_report

    Generator(PROFILES["demo"], 1, datetime.date(2026, 11, 23)).run()
    district = District.objects.get()
    outcome = impact_queries.outcomes(district)[0]
    for username in ("lead", "admin"):
        user = User.objects.get(username=username)
        head = dashboard.impact_headline(user, dashboard.filters_for(user, {}, YEAR))
        page = impact_report.build(district, outcome, "adjusted").main
        assert head is not None and head.row is not None and page is not None
        assert head.row.estimate == page.estimate and head.row.words == page.words
        assert head.row.estimate.shown and head.school is None
        client = Client()
        client.force_login(user)
        body = client.get(reverse("reports:coaching-trends") + "?period=year").content.decode()
        assert "95 % interval" in body and "the whole district" in body
        assert f"outcome={outcome.key}" in body
    lead = User.objects.get(username="lead")
    for school in School.objects.filter(district=district):
        head = dashboard.impact_headline(lead, dashboard.filters_for(lead, {"school": str(school.pk)}, YEAR))
        page = impact_report.build(district, outcome, "adjusted", school).main
        assert head is not None and head.row is not None and page is not None
        assert head.row.estimate == page.estimate and head.row.words == page.words
    principal = User.objects.get(username="principal")
    own = School.objects.get(memberships__user__username="principal")
    head = dashboard.impact_headline(principal, dashboard.filters_for(principal, {}, YEAR))
    assert head is not None and head.school == own
