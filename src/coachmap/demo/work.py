"""Cycle work for the demo district (issue 6): stages, targets and look-fors on every cycle, before
and after evidence, fidelity check-ins, honest ends, a confirmed time log for the school year so far,
partnership agreements, anonymous pulse answers in released batches, last year's faculty survey,
and a resource library with its uses.

Deterministic (seeded) and bulk: rows are collected while the generator builds cycles and sessions,
then streamed through `core.bulk.insert_rows`.
"""

from __future__ import annotations

import datetime
import random
import uuid
from collections import defaultdict
from typing import Any

from django.utils import timezone

from coachmap.coaching.models import (
    FidelityCheckIn,
    PartnershipAgreement,
    StudentEvidence,
    TimeEntry,
    TimeWeek,
)
from coachmap.coaching.timelog import timeshare
from coachmap.core.schoolyear import school_year_of
from coachmap.core.words import with_article
from coachmap.feedback import anonymity, sealing
from coachmap.feedback.models import (
    PulseReceipt,
    PulseResponse,
    Question,
    SealedAnswer,
    Survey,
    SurveyAnswer,
    SurveyReceipt,
    SurveyResponse,
    SurveyStatus,
)
from coachmap.feedback.services import PULSE_SEAL_WIDTH
from coachmap.library.models import Resource, ResourceUse
from coachmap.library.tags import normalise, search_text

LOOK_FORS = {
    "small-group rotations": [
        "Each group knows its next task",
        "The teacher works with one group without interruptions",
    ],
    "exit tickets": ["Every student submits an exit ticket", "Tomorrow's groups come from today's tickets"],
    "academic discourse": ["Students use the sentence stems", "Most talk is student to student"],
    "station teaching": ["Transitions take under two minutes", "Every station has written directions"],
    "feedback on writing": ["Feedback names one next step", "Students revise during class"],
    "number talks": ["Several strategies are shared", "Students explain a classmate's strategy"],
    "vocabulary routines": ["New words are used in context", "Students keep a word log"],
    "formative checks": ["A check happens every ten minutes", "The lesson changes after a check"],
    "student self-assessment": [
        "Students rate themselves against the target",
        "Ratings are compared with work",
    ],
    "project-based learning": ["Every student has a role", "Milestones are checked each week"],
}
TARGETS = [
    "I can explain the main idea of a text with two details.",
    "I can solve a two-step word problem and explain my steps.",
    "I can use evidence from the text to support my answer.",
    "I can compare two strategies and say which is more efficient.",
    "I can revise my writing using one piece of feedback.",
    "I can use three new vocabulary words correctly in writing.",
]
REFERRALS = [
    "the building instructional coach",
    "the new-teacher mentor",
    "the content coach for mathematics",
    "the climate coach",
]
BARRIERS = [
    "Shared laptops are not charged after lunch.",
    "Two students still cannot log in.",
    "The block was cut short by an assembly.",
    "",
    "",
]
ADAPTATIONS = [
    "Added a picture menu for the newcomers.",
    "Shortened the rotation to fit the schedule.",
    "Students lead the launch of the routine now.",
    "",
]
RESOURCE_KINDS = ["lesson_plan", "rubric", "video_case", "exemplar"]
KIND_WORDS = {
    "lesson_plan": "Lesson plan",
    "rubric": "Rubric",
    "video_case": "Video case study",
    "exemplar": "Exemplar",
}
FACULTY_QUESTIONS = [
    ("Coaching this year helped my students learn.", "scale", []),
    ("My coach kept what we discussed confidential.", "scale", []),
    ("Coaching was tied to my own professional goal.", "scale", []),
    ("I would ask for coaching again.", "scale", []),
    (
        "Which kind of support helped most?",
        "choice",
        ["Co-planning", "Modeling", "Co-teaching", "Micro-coaching", "Resources"],
    ),
]


class CycleWork:
    """Collects the cycle-work rows while the generator builds the district, then writes them."""

    def __init__(
        self, seed: int, today: datetime.date, current_year: int, district_id: int, min_group: int
    ) -> None:
        self.random = random.Random(seed * 7919 + 6)
        self.today = today
        self.current_year = current_year
        self.district_id = district_id
        self.min_group = anonymity.minimum(min_group)
        self.evidence: list[tuple[Any, ...]] = []
        self.checkins: list[tuple[Any, ...]] = []
        self.cycle_teacher: dict[int, int] = {}
        self.cycle_coach: dict[int, int] = {}
        self.cycle_tool: dict[int, str] = {}

    # --- per cycle ---------------------------------------------------------------------------

    def cycle(
        self,
        cid: int,
        teacher_id: int,
        coach_id: int,
        start: datetime.date,
        active: bool,
        sessions: list[tuple[datetime.date, str]],
        tool: str,
        practice: str,
    ) -> tuple[Any, ...]:
        """The cycle's own columns: stage, stage_changed_on, learning_target, practice, tools,
        look_fors, outcome, referred_to; and its evidence and check-ins on the side."""
        rnd = self.random
        self.cycle_teacher[cid], self.cycle_coach[cid], self.cycle_tool[cid] = (
            teacher_id,
            coach_id,
            normalise(tool),
        )
        look_fors = [
            *LOOK_FORS.get(practice, ["Students use the tool for the planned task"]),
            f"Students log in to {tool} within two minutes",
        ]
        assessed = rnd.randint(18, 30)
        pre = round(assessed * rnd.uniform(0.2, 0.5))
        self.evidence.append((cid, "pre", start, "exit ticket on the learning target", assessed, pre))
        n = len(sessions)
        last_day = sessions[-1][0] if sessions else start
        if active:
            stage = (
                "goal" if n == 0 else "learning" if n == 1 else "implementation" if n <= 3 else "reflection"
            )
            outcome, referred = "", ""
        else:
            outcome = rnd.choices(
                ["goal_met", "referred", "stepped_back", "paused"], weights=[55, 18, 12, 15]
            )[0]
            referred = rnd.choice(REFERRALS) if outcome == "referred" else ""
            stage = "close" if outcome != "paused" else "implementation"
        if (
            (not active and outcome == "goal_met")
            or (active and stage == "reflection")
            or (not active and rnd.random() < 0.5)
        ):
            gain = rnd.uniform(0.15, 0.4) if outcome == "goal_met" or active else rnd.uniform(-0.05, 0.15)
            post = max(0, min(assessed, pre + round(assessed * gain)))
            self.evidence.append(
                (cid, "post", last_day, "exit ticket on the learning target", assessed, post)
            )
        for k, (day, kind) in enumerate(sessions):
            if kind in ("model", "co_teach", "observe") and rnd.random() < 0.6:
                progress = min(1.0, 0.35 + 0.2 * k + rnd.uniform(-0.15, 0.15))
                seen = look_fors[: max(0, min(len(look_fors), round(progress * len(look_fors))))]
                self.checkins.append(
                    (cid, day, look_fors, seen, rnd.choice(BARRIERS), rnd.choice(ADAPTATIONS))
                )
        return (stage, last_day, rnd.choice(TARGETS), practice, [tool], look_fors, outcome, referred)

    # --- written after the cycles and sessions ---------------------------------------------------

    def write(self, gen: Any, sessions: list[tuple[Any, ...]]) -> None:
        insert = gen.insert_rows
        insert(
            StudentEvidence,
            ["cycle", "kind", "measured_on", "measure", "students_assessed", "students_meeting"],
            self.evidence,
        )
        insert(
            FidelityCheckIn, ["cycle", "date", "look_fors", "seen", "barriers", "adaptations"], self.checkins
        )
        self._time_log(gen, sessions)
        self._pulse(gen, sessions)
        self._agreements(gen)
        self._faculty_survey(gen)
        self._library(gen, sessions)

    def _time_log(self, gen: Any, sessions: list[tuple[Any, ...]]) -> None:
        """A confirmed week for every finished week of this school year, per coach: sessions as logged,
        planning and PD, and the duties that pull coaches away (more of them for some coaches)."""
        rnd = self.random
        start = timeshare.monday(datetime.date(self.current_year - 1, 8, 24))
        this_week = timeshare.monday(self.today)
        by_day: dict[tuple[int, datetime.date, str], int] = defaultdict(int)
        for _sid, cid, day, minutes, kind, *_ in sessions:
            if day >= start:
                by_day[(self.cycle_coach[cid], day, kind)] += minutes
        entries, weeks = [], []
        now = timezone.now()
        for index, (coach_id, *_rest) in enumerate(gen.coaches):
            pulled = index % 5 == 2  # one coach in five is pulled into duties, more so lately
            week = start
            while week < this_week:
                recent = (this_week - week).days <= 14
                for day in timeshare.week_days(week):
                    minutes = {k: by_day.get((coach_id, day, k), 0) for k in timeshare.SESSION_CATEGORIES}
                    minutes["planning"] = rnd.choice([90, 120, 120, 150, 180])
                    minutes["pd"] = rnd.choice([0, 0, 0, 60, 90])
                    minutes["supervision"] = rnd.choice([0, 20, 30])
                    minutes["admin"] = rnd.choice([10, 15, 20, 30])
                    minutes["substitute"] = rnd.choice([0] * 8 + [60, 120]) + (
                        rnd.choice([120, 180, 240]) if pulled and recent else 0
                    )
                    minutes["testing"] = rnd.choice([0, 0, 60]) if day.month in (9, 1, 5) else 0
                    entries += [
                        (coach_id, day, category, value) for category, value in minutes.items() if value
                    ]
                weeks.append((coach_id, week, now))
                week += datetime.timedelta(days=7)
        gen.insert_rows(TimeEntry, ["coach", "date", "category", "minutes"], entries)
        gen.insert_rows(TimeWeek, ["coach", "week", "confirmed_at"], weeks)

    def _pulse(self, gen: Any, sessions: list[tuple[Any, ...]]) -> None:
        """About two in three sessions get an anonymous answer, one in six a skip. Answers are released
        exactly as the service does: one answer from each different teacher waiting about a coach, once
        at least the minimum group size of different teachers are waiting; the rest stay sealed in the
        pool."""
        rnd = self.random
        receipts = []
        pool: dict[tuple[int, int], list[tuple[int, tuple[int, ...]]]] = defaultdict(list)
        released: dict[tuple[int, int], list[list[tuple[int, ...]]]] = defaultdict(list)
        for sid, cid, day, _minutes, *_ in sorted(sessions, key=lambda s: (s[2], s[0])):
            roll = rnd.random()
            if roll < 0.84:
                receipts.append((sid, self.cycle_teacher[cid]))
            if roll < 0.66:
                year = school_year_of(day)
                values = tuple(min(5, max(1, round(rnd.gauss(4.3, 0.8)))) for _ in range(3))
                key = (self.cycle_coach[cid], year)
                pool[key].append((self.cycle_teacher[cid], values))
                batch = anonymity.batch(pool[key], self.min_group, rnd)
                if batch:
                    released[key].append([values for _, values in batch])
                    for item in batch:
                        pool[key].remove(item)
        rows = []
        for (coach_id, year), batches in sorted(released.items()):
            for number, answers in enumerate(batches, start=1):
                for useful, will_use, respected in answers:
                    rows.append(
                        (
                            uuid.UUID(int=rnd.getrandbits(128)).hex,
                            self.district_id,
                            coach_id,
                            year,
                            useful,
                            will_use,
                            respected,
                            number,
                        )
                    )
        waiting = []
        for (coach_id, year), items in sorted(pool.items()):
            rnd.shuffle(items)
            for teacher_id, values in items:
                who = sealing.respondent("pulse", coach_id, year, teacher_id)
                sealed = sealing.seal({"r": who, "a": list(values)}, PULSE_SEAL_WIDTH)
                waiting.append((uuid.UUID(int=rnd.getrandbits(128)).hex, coach_id, year, sealed))
        gen.insert_rows(PulseReceipt, ["session", "teacher"], receipts)
        gen.insert_rows(
            PulseResponse,
            ["id", "district", "coach", "school_year", "useful", "will_use", "respected", "batch"],
            rows,
        )
        SealedAnswer.objects.bulk_create(
            SealedAnswer(id=uuid.UUID(i), coach_id=c, school_year=y, sealed=b) for i, c, y, b in waiting
        )
        gen.counts.add(SealedAnswer._meta.db_table, len(waiting))

    def _agreements(self, gen: Any) -> None:
        now = timezone.now()
        rows = []
        for index, (coach_id, sids) in enumerate(sorted(gen.coach_schools.items())):
            for j, sid in enumerate(sids):
                both = (index + j) % 4 != 3
                rows.append(
                    PartnershipAgreement(
                        coach_id=coach_id,
                        school_id=sid,
                        school_year=self.current_year,
                        who_is_coached="Any teacher who asks. Coaching is voluntary and never tied to evaluation.",
                        schedule_set_by=["coach", "together", "coach", "principal"][(index + j) % 4],
                        success_looks_like="More students in the goal's group meet grade-level targets, and teachers use the tools in their own routines.",
                        principal_will_ask="Trends: teachers coached, goals and practices worked on, time spent coaching.",
                        principal_will_not_ask="What was said in sessions, who asked for coaching, how any one teacher is doing.",
                        coach_acknowledged_at=now,
                        principal_acknowledged_at=now if both else None,
                        principal_acknowledged_by_id=gen.principals[sid] if both else None,
                    )
                )
        PartnershipAgreement.objects.bulk_create(rows, batch_size=2000)
        gen.counts.add(PartnershipAgreement._meta.db_table, len(rows))

    def _faculty_survey(self, gen: Any) -> None:
        rnd = self.random
        last = Survey.objects.create(
            district_id=self.district_id,
            title=f"Faculty survey on coaching, {self.current_year - 2}–{str(self.current_year - 1)[-2:]}",
            introduction="Anonymous: answers are stored without names and shown only as district totals.",
            school_year=self.current_year - 1,
            status=SurveyStatus.CLOSED,
            created_by_id=gen.lead_uid,
        )
        draft = Survey.objects.create(
            district_id=self.district_id,
            title=f"Faculty survey on coaching, {self.current_year - 1}–{str(self.current_year)[-2:]}",
            introduction="Anonymous: answers are stored without names and shown only as district totals.",
            school_year=self.current_year,
            created_by_id=gen.lead_uid,
        )
        questions = []
        for survey in (last, draft):
            for position, (text, kind, options) in enumerate(FACULTY_QUESTIONS, start=1):
                questions.append(
                    Question.objects.create(
                        survey=survey, position=position, text=text, kind=kind, options=options
                    )
                )
        respondents = rnd.sample(gen.teachers, k=min(len(gen.teachers), max(12, len(gen.teachers) * 2 // 3)))
        responses, answers = [], []
        for _teacher in respondents:
            rid = uuid.UUID(int=rnd.getrandbits(128)).hex
            responses.append((rid, last.pk))
            for question in questions[: len(FACULTY_QUESTIONS)]:
                if question.kind == "scale":
                    value = min(5, max(1, round(rnd.gauss(4.0, 0.9))))
                else:
                    value = rnd.choices(range(1, len(question.options) + 1), weights=[3, 2, 2, 3, 1])[0]
                answers.append((uuid.UUID(int=rnd.getrandbits(128)).hex, rid, question.pk, value))
        # Written as the service writes a closed survey's answers: in random order, so that nothing
        # lines them up with the receipts (which follow teacher order).
        rnd.shuffle(responses)
        rnd.shuffle(answers)
        gen.insert_rows(SurveyResponse, ["id", "survey"], responses)
        gen.insert_rows(SurveyAnswer, ["id", "response", "question", "value"], answers)
        receipts = sorted(t.id for t in respondents)
        gen.insert_rows(SurveyReceipt, ["survey", "teacher"], [(last.pk, tid) for tid in receipts])

    def _library(self, gen: Any, sessions: list[tuple[Any, ...]]) -> None:
        from coachmap.demo import names

        rnd = self.random
        goal_ids = [g for goals in gen.active_goals.values() for g in goals]
        resources = []
        for i, practice in enumerate(names.PRACTICES):
            for j, kind in enumerate(RESOURCE_KINDS):
                if (i + j) % 3 == 2:
                    continue
                tool = names.TOOLS[(i * 3 + j) % len(names.TOOLS)]
                grades = sorted({rnd.randint(0, 12) for _ in range(3)})
                subject = ["ela", "math", "science", "social_studies"][(i + j) % 4]
                title = f"{KIND_WORDS[kind]}: {practice} with {tool}"
                description = (
                    f"{with_article(KIND_WORDS[kind].lower(), capital=True)} for {practice} using {tool}, "
                    "from a classroom in the district. "
                    "Includes what to look for and how students show the learning target."
                )
                resource = Resource(
                    district_id=self.district_id,
                    title=title[0].upper() + title[1:],
                    kind=kind,
                    description=description,
                    url=f"https://library.example.org/riverbend/{i}-{j}",
                    subjects=[subject],
                    grades=grades,
                    tools=[tool],
                    practices=[normalise(practice)],
                    quadrants=[
                        [
                            "new_developing",
                            "new_confident",
                            "experienced_developing",
                            "experienced_confident",
                        ][(i + 2 * j) % 4]
                    ],
                    created_by_id=gen.coaches[(i + j) % len(gen.coaches)][1],
                )
                resource.search_text = search_text(
                    description, KIND_WORDS[kind], resource.tools, resource.practices, resource.subjects
                )
                resources.append(resource)
        Resource.objects.bulk_create(resources)
        gen.counts.add(Resource._meta.db_table, len(resources))
        through = Resource.goals.through
        links = [
            (r.pk, goal_ids[k % len(goal_ids)]) for k, r in enumerate(resources) if goal_ids and k % 4 == 0
        ]
        gen.insert_rows(through, ["resource_id", "improvementgoal_id"], links)
        uses: list[tuple[Any, ...]] = []
        for resource in resources:
            for _ in range(rnd.randint(0, 25)):
                uses.append(
                    (
                        resource.pk,
                        "opened",
                        None,
                        None,
                        self.today - datetime.timedelta(days=rnd.randint(0, 300)),
                    )
                )
        by_tool = defaultdict(list)
        for resource in resources:
            by_tool[normalise(resource.tools[0])].append(resource.pk)
        for sid, cid, day, _minutes, kind, *_ in sessions:
            if kind in ("co_plan", "model") and rnd.random() < 0.25:
                options = by_tool.get(self.cycle_tool[cid])
                if options:
                    uses.append((rnd.choice(options), "session", sid, cid, day))
        seen_pairs: set[tuple[int, int]] = set()
        unique = []
        for use in uses:
            if use[2] is not None:
                if (use[0], use[2]) in seen_pairs:
                    continue
                seen_pairs.add((use[0], use[2]))
            unique.append(use)
        gen.insert_rows(ResourceUse, ["resource", "kind", "session", "cycle", "on"], unique)
