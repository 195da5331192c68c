"""The demo district's improvement strategy: earlier years' state tests (so trends exist), technology
use and gradebook turnaround (so indicators have data), and each school's technology map.

It runs after the main generator has written students, results, goals and coaching, reads what it
needs back in bulk, and has its own random streams, so the rest of the district is the same row
for row with or without it. Usage and gradebook rows are made for a share of the schools
(`Profile.extras_share`) to keep the large profile quick to generate.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
from django.utils import timezone

from coachmap.core import groups
from coachmap.improvement.models import (
    DataSource,
    GoalStatus,
    ImprovementGoal,
    Indicator,
    IndicatorKind,
    Tool,
    ToolKind,
    ToolLink,
)
from coachmap.roster.models import (
    Assessment,
    Class,
    Enrollment,
    LineItem,
    Result,
    Score,
    Student,
    Subject,
    UsageWeek,
    Window,
)

if TYPE_CHECKING:
    from coachmap.demo.generate import Generator

CUT = 0.25
EL_DRIFT = 0.09  # a year: English learners were closer to their peers before, so that gap widens
SWD_DRIFT = -0.04  # students with disabilities were further behind: that gap narrows
STATE_DAY = (4, 25)
# Tools by grade band: (name, vendor, subjects, the subject it serves, what it is for).
TOOLS: dict[str, list[tuple[str, str, list[str], str | None]]] = {
    "elementary": [
        ("Lexia", "Lexia Learning", ["ela"], "ela"),
        ("IXL", "IXL Learning", ["math"], "math"),
        ("Seesaw", "Seesaw Learning", ["ela", "math"], None),
        ("Google Classroom", "Google", [], None),
    ],
    "secondary": [
        ("Newsela", "Newsela", ["ela"], "ela"),
        ("Desmos", "Amplify", ["math"], "math"),
        ("Khan Academy", "Khan Academy", ["math"], None),
        ("Canvas", "Instructure", [], None),
    ],
}
# (kind, name, of the goal's subject and group, target, tied to the goal's subject tool)
INDICATORS = [
    (IndicatorKind.EQUITY_GAP, "Gap between {whom} and all students", True, 5.0, True),
    (IndicatorKind.TIME_ON_TASK, "{tool} minutes per student per week", False, 60.0, True),
    (IndicatorKind.LITERACY_GAINS, "Growth of {whom} from fall to spring", True, 15.0, False),
]
RATIONALE = {
    "ela": "Daily {tool} practice gives {whom} the reading and vocabulary work the gap points to, with minutes we can watch.",
    "math": "{tool} lets teachers assign practice on the exact skills {whom} miss, and shows who is doing it.",
}


def _band(school_band: str) -> str:
    return "elementary" if school_band == "elementary" else "secondary"


class StrategyData:
    def __init__(self, generator: Generator) -> None:
        self.gen = generator
        self.rng = np.random.default_rng([generator.seed, 4])
        self.random = random.Random(generator.seed * 1009 + 4)
        self.district = generator.district
        self.results_year = generator.results_year
        self.band = dict(generator.schools)
        every = max(1, round(1 / generator.profile.extras_share)) if generator.profile.extras_share > 0 else 0
        self.extras = {sid for i, (sid, _) in enumerate(generator.schools) if every and i % every == 0}

    # --- earlier years ------------------------------------------------------------------------------

    def history(self) -> None:
        """State tests of the previous `history_years` years for today's students, a grade lower each year.

        A student whose grade then was below their school's lowest was at a school of the band below
        (a feeder), so some students changed schools between years.
        """
        years = range(1, self.gen.profile.history_years + 1)
        if not years:
            return
        ids = self.gen.reserve_ids(Assessment, 2 * len(years))
        assessment = {}
        rows = []
        for aid, (k, subject_choice) in zip(
            ids, [(k, s) for k in years for s in (Subject.ELA, Subject.MATH)], strict=True
        ):
            year = self.results_year - k
            assessment[(subject_choice.value, k)] = aid
            rows.append(
                (
                    aid,
                    self.district.pk,
                    "State assessment",
                    f"A-{subject_choice}-state-{year}",
                    subject_choice.value,
                    year,
                    Window.STATE.value,
                    datetime.date(year, *STATE_DAY),
                )
            )
        self.gen.insert_rows(
            Assessment,
            ["id", "district", "name", "source_id", "subject", "school_year", "window", "administered_on"],
            rows,
        )
        now = list(
            Result.objects.filter(
                assessment__district=self.district,
                assessment__school_year=self.results_year,
                assessment__window=Window.STATE,
            ).values_list(
                "student_id",
                "school_id",
                "grade",
                "scale_score",
                "assessment__subject",
                "student__english_learner",
                "student__disability",
                "student__race_ethnicity",
            )
        )
        student, school, grade, scale = (np.array([r[i] for r in now]) for i in range(4))
        subject = np.array([r[4] for r in now])
        el, swd = (np.array([r[i] for r in now], dtype=bool) for i in (5, 6))
        race = np.array([r[7] for r in now])
        theta_now = (scale - 300 - 10 * grade) / 25
        school_ids = sorted(self.band)
        trend = dict(zip(school_ids, self.rng.normal(0, 0.05, size=len(school_ids)).tolist(), strict=True))
        feeders = self._feeders()
        self.baselines: dict[tuple[int, str, str], float] = {}
        low_of = np.zeros(max(school_ids) + 1, dtype=int)
        for sid in school_ids:
            low_of[sid] = self._low(sid)
        for k in years:
            then = grade - k
            where = school.copy()
            for i in np.flatnonzero(then < low_of[school]).tolist():
                where[i] = feeders.get((int(school[i]), int(then[i])), 0)
            keep = (then >= 0) & (where > 0)
            school_trend = np.array([trend.get(s, 0.0) for s in where.tolist()])
            theta = (
                theta_now
                - k * school_trend
                + k * (EL_DRIFT * el + SWD_DRIFT * swd)
                + self.rng.normal(0, 0.3, size=len(now))
            )
            proficient = theta > CUT
            self._remember_baselines(
                k, where[keep], subject[keep], proficient[keep], el[keep], swd[keep], race[keep]
            )
            levels = np.digitize(theta, [-0.6, CUT, 1.1]) + 1
            scores = np.round(300 + 10 * then + 25 * theta).astype(int)
            chosen = np.flatnonzero(keep)
            result_ids = self.gen.reserve_ids(Result, len(chosen))
            aids = np.array([assessment[(str(subj), k)] for subj in subject[chosen].tolist()])
            self.gen.insert_rows(
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
                zip(
                    result_ids,
                    aids.tolist(),
                    student[chosen].tolist(),
                    where[chosen].tolist(),
                    then[chosen].tolist(),
                    scores[chosen].astype(float).tolist(),
                    [f"Level {v}" for v in levels[chosen].tolist()],
                    proficient[chosen].tolist(),
                    strict=True,
                ),
            )

    def _low(self, school_id: int) -> int:
        from coachmap.demo.generate import BANDS

        return BANDS[self.band[school_id]][0]

    def _feeders(self) -> dict[tuple[int, int], int]:
        """(school, a grade below its lowest) → a school of the band below that teaches it."""
        from coachmap.demo.generate import BANDS

        by_band: dict[str, list[int]] = defaultdict(list)
        for sid, band in self.gen.schools:
            by_band[band].append(sid)
        below = {"middle": "elementary", "high": "middle"}
        result = {}
        for sid, band in self.gen.schools:
            lower = below.get(band)
            if not lower or not by_band[lower]:
                continue
            options = by_band[lower]
            for grade in range(BANDS[lower][0], BANDS[lower][1] + 1):
                result[(sid, grade)] = options[(sid + grade) % len(options)]
            if lower == "middle" and by_band["elementary"]:
                for grade in range(0, 6):
                    result[(sid, grade)] = by_band["elementary"][(sid + grade) % len(by_band["elementary"])]
        return result

    def _remember_baselines(
        self,
        k: int,
        school: np.ndarray,
        subject: np.ndarray,
        proficient: np.ndarray,
        el: np.ndarray,
        swd: np.ndarray,
        race: np.ndarray,
    ) -> None:
        """Last year's rate per school, subject and goal group: the demo goals' baselines."""
        if k != 1:
            return
        masks = {
            groups.ALL: np.ones_like(el),
            "el": el,
            "swd": swd,
            "race:black": race == "black",
            "race:hispanic": race == "hispanic",
        }
        for code, mask in masks.items():
            for subj in ("ela", "math"):
                chosen = mask & (subject == subj)
                n = np.bincount(school[chosen], minlength=0)
                p = np.bincount(school[chosen], weights=proficient[chosen].astype(float))
                for sid in np.flatnonzero(n).tolist():
                    if n[sid] >= 10:
                        self.baselines[(sid, subj, code)] = round(100 * p[sid] / n[sid], 1)

    def goals(self) -> None:
        """The active goals were set a year ago: their baselines are last year's state test, so this
        year's shows progress. Targets stay where the generator put them."""
        if not self.gen.profile.history_years:
            return
        year = self.results_year - 1
        goals = list(ImprovementGoal.objects.filter(school__district=self.district, status=GoalStatus.ACTIVE))
        for goal in goals:
            baseline = self.baselines.get((goal.school_id, goal.subject, goal.student_group))
            if baseline is None or baseline >= goal.target:
                continue
            goal.statement = goal.statement.replace(
                f"up from {goal.baseline:.0f}%", f"up from {baseline:.0f}% in {year - 1}–{str(year)[-2:]}"
            )
            goal.baseline = baseline
            goal.baseline_date = datetime.date(year, *STATE_DAY)
            goal.window = Window.STATE
            goal.source = DataSource.RESULTS
        ImprovementGoal.objects.bulk_update(
            goals, ["statement", "baseline", "baseline_date", "window", "source"], batch_size=1000
        )

    # --- the technology map --------------------------------------------------------------------------

    def tools(self) -> None:
        """Four tools per school: the subject tools tied to the goals' indicators, one tied to a goal as a
        whole, and the learning platform left unconnected (so the map flags it)."""
        from coachmap.demo.generate import BANDS

        now = timezone.now()
        goals_by_school: dict[int, list[ImprovementGoal]] = defaultdict(list)
        active = ImprovementGoal.objects.filter(school__district=self.district, status=GoalStatus.ACTIVE)
        for goal in active.order_by("id"):
            goals_by_school[goal.school_id].append(goal)
        tools: list[dict[str, Any]] = []
        indicators: list[dict[str, Any]] = []
        links: list[dict[str, Any]] = []
        tool_ids = iter(self.gen.reserve_ids(Tool, 4 * len(self.gen.schools)))
        indicator_ids = iter(
            self.gen.reserve_ids(Indicator, len(INDICATORS) * sum(map(len, goals_by_school.values())))
        )
        self.tool_names: dict[int, list[str]] = {}
        for sid, band in self.gen.schools:
            low, high = BANDS[band]
            principal = self.gen.principals[sid]
            ids = {}
            for name, vendor, subjects, _ in TOOLS[_band(band)]:
                ids[name] = next(tool_ids)
                tools.append({"id": ids[name], "school": sid, "name": name, "vendor": vendor,
                              "kind": ToolKind.TOOL.value, "grades": list(range(low, high + 1)),
                              "subjects": subjects, "usage_name": "", "created_by": principal, "created_at": now})  # fmt: skip
            self.tool_names[sid] = [name for name, _, _, serves in TOOLS[_band(band)] if serves]
            for goal in goals_by_school[sid]:
                whom = (
                    groups.label(goal.student_group).lower()
                    if goal.student_group != "ed"
                    else "economically disadvantaged students"
                )
                tool = next(name for name, _, _, serves in TOOLS[_band(band)] if serves == goal.subject)
                # Indicators were chosen with the goal, when the school year after its baseline began.
                day = goal.baseline_date + datetime.timedelta(days=110) if goal.baseline_date else None
                set_on = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9))) if day else now
                rationale = RATIONALE.get(goal.subject, RATIONALE["ela"]).format(tool=tool, whom=whom)
                for kind, name, of_group, target, linked in INDICATORS:
                    iid = next(indicator_ids)
                    indicators.append({"id": iid, "goal": goal.pk, "kind": kind.value, "name": name.format(whom=whom, tool=tool),
                                       "subject": goal.subject if of_group else "", "student_group": goal.student_group if of_group else "",
                                       "unit": "", "lower_is_better": kind.lower_is_better, "baseline": None, "target": target,
                                       "created_by": principal, "created_at": set_on})  # fmt: skip
                    if linked:
                        links.append({"tool": ids[tool], "goal": goal.pk, "indicator": iid, "rationale": rationale,
                                      "created_by": principal, "created_at": now})  # fmt: skip
            if goals_by_school[sid]:
                general = "Seesaw" if _band(band) == "elementary" else "Khan Academy"
                links.append({"tool": ids[general], "goal": goals_by_school[sid][0].pk, "indicator": None,
                              "rationale": "Students show their thinking and teachers see who needs another try "
                              "before the next lesson.", "created_by": principal, "created_at": now})  # fmt: skip
        for model, rows in ((Tool, tools), (Indicator, indicators), (ToolLink, links)):
            if rows:
                self.gen.insert_rows(model, list(rows[0]), (tuple(r.values()) for r in rows))

    # --- use and turnaround ------------------------------------------------------------------------

    def _weeks(self) -> list[datetime.date]:
        start = datetime.date(self.gen.current_year - 1, 8, 24)
        start -= datetime.timedelta(days=start.weekday())
        last = self.gen.today - datetime.timedelta(days=self.gen.today.weekday() + 7)
        return [start + datetime.timedelta(weeks=w) for w in range(max(0, (last - start).days // 7 + 1))]

    def usage(self) -> None:
        """Weekly minutes in the school's subject tools, for the schools in `extras`."""
        weeks = self._weeks()
        students = list(
            Student.objects.filter(school_id__in=self.extras)
            .order_by("id")
            .values_list("id", "school_id", "english_learner")
        )
        if not weeks or not students:
            return

        def rows() -> Iterator[tuple[Any, ...]]:
            for student_id, school_id, el in students:
                for tool in self.tool_names.get(school_id, []):
                    habit = float(self.rng.gamma(4.0, 10.0)) * (
                        1.4 if el and tool in ("Lexia", "Newsela") else 1.0
                    )
                    minutes = self.rng.normal(habit, habit / 3, size=len(weeks))
                    used = self.rng.random(len(weeks)) < 0.85
                    for week, m, u in zip(weeks, minutes.tolist(), used.tolist(), strict=True):
                        if u and m > 1:
                            yield (
                                self.district.pk,
                                student_id,
                                tool,
                                week,
                                round(m, 1),
                                max(1, int(m // 12)),
                            )

        self.gen.insert_rows(UsageWeek, ["district", "student", "tool", "week", "minutes", "events"], rows())

    def gradebook(self) -> None:
        """Six checks per class this fall, scored a few days after they were due (each class its own pace)."""
        classes = list(
            Class.objects.filter(school_id__in=self.extras).order_by("id").values_list("id", flat=True)
        )
        roster: dict[int, list[int]] = defaultdict(list)
        for klass, student in Enrollment.objects.filter(
            klass_id__in=classes, student__isnull=False
        ).values_list("klass_id", "student_id"):
            roster[klass].append(student)
        first = datetime.date(self.gen.current_year - 1, 9, 8)
        dues = [first + datetime.timedelta(days=14 * i) for i in range(6)]
        dues = [d for d in dues if d < self.gen.today]
        item_ids = iter(self.gen.reserve_ids(LineItem, len(classes) * len(dues)))
        items, scores = [], []
        for klass in classes:
            pace = float(self.rng.uniform(1, 9))
            for n, due in enumerate(dues):
                item = next(item_ids)
                items.append(
                    (
                        item,
                        klass,
                        f"LI{item}",
                        f"Check {n + 1}",
                        "Assessment",
                        due - datetime.timedelta(days=5),
                        due,
                        0.0,
                        100.0,
                    )
                )
                for student in roster[klass]:
                    if self.random.random() < 0.05:
                        continue
                    lag = max(0, round(self.rng.normal(pace, 1.5)))
                    scored = min(due + datetime.timedelta(days=lag), self.gen.today)
                    scores.append(
                        (
                            item,
                            student,
                            f"SC{item}-{student}",
                            "fully graded",
                            round(self.random.uniform(50, 100)),
                            scored,
                        )
                    )
        self.gen.insert_rows(
            LineItem,
            [
                "id",
                "klass",
                "source_id",
                "title",
                "category",
                "assign_date",
                "due_date",
                "result_min",
                "result_max",
            ],
            items,
        )
        self.gen.insert_rows(
            Score, ["line_item", "student", "source_id", "status", "score", "score_date"], scores
        )
