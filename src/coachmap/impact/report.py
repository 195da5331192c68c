"""An impact report for a district or one school: the estimates a page, the CSV and the board PDF show.

Reads through `impact.queries`, estimates through `impact.estimate` (the one code path the coverage
benchmark also runs), words through `impact.words`, and hides what the suppression rules ask:
every side needs the district's minimum group size of teachers and a floor of students; rows that
add up (coach types, quadrants) go through `core.privacy.suppress`, so a hidden row cannot be worked
out from the shown ones; a coach type with fewer than three coaches would be about one coach, so it
is not shown. Nothing is ever reported per teacher or per coach.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from coachmap.coaching.bestfit.placement import Quadrant
from coachmap.core import groups, privacy
from coachmap.core.models import CoachType, District, School
from coachmap.impact import estimate, queries, words
from coachmap.impact.estimate import Estimate, Method, Sample
from coachmap.impact.words import Tier
from coachmap.improvement.models import GoalStatus, ImprovementGoal

MIN_COACHES = 3
GROUP_CODES = ["el", "swd", "ed"] + [f"race:{c}" for c in queries.RACE_CODES]
COVARIATES = ("el", "swd", "ed")
HIDDEN_BY_LINE = (
    "Hidden so that a smaller row cannot be worked out from the others (the rows add up to the total)."
)


@dataclass
class Row:
    section: str
    label: str
    estimate: Estimate
    words: list[str]
    tier: Tier | None = None
    anchor: str = ""


@dataclass
class Report:
    district: District
    school: School | None
    outcome: queries.Outcome | None
    method: Method
    min_teachers: int
    main: Row | None = None
    by_group: list[Row] = field(default_factory=list)
    by_coach_type: list[Row] = field(default_factory=list)
    by_quadrant: list[Row] = field(default_factory=list)
    by_goal: list[Row] = field(default_factory=list)
    tools: list[Row] = field(default_factory=list)

    @property
    def sections(self) -> list[tuple[str, str, list[Row]]]:
        """The breakdowns in page order: (heading, slug, rows)."""
        return [
            ("By student group", "groups", self.by_group),
            ("By coach type", "coach-types", self.by_coach_type),
            ("By the teacher's quadrant", "quadrants", self.by_quadrant),
            ("By improvement goal", "goals", self.by_goal),
            ("Technology tools: use against growth", "tools", self.tools),
        ]

    @property
    def rows(self) -> list[Row]:
        head = [self.main] if self.main else []
        return head + self.by_group + self.by_coach_type + self.by_quadrant + self.by_goal + self.tools


def _lookup(keys: npt.NDArray[np.int64], table: Mapping[int, object], missing: object) -> npt.NDArray[Any]:
    """`table[k]` for each of `keys` (`missing` where absent), with no Python work per student: through
    an array indexed by id when the ids are dense enough (teachers, students), else a binary search."""
    known = np.fromiter(table.keys(), dtype=np.int64, count=len(table))
    values = np.array([*table.values(), missing])
    if not len(known) or not len(keys):
        return np.repeat(values[-1:], len(keys))
    low = min(int(known.min()), int(keys.min()))
    high = max(int(known.max()), int(keys.max()))
    if low >= 0 and high < 4 * (len(keys) + len(known)) + 1024:
        slot = np.full(high + 1, len(known), dtype=np.int64)
        slot[known] = np.arange(len(known))
        return values[slot[keys]]
    order = np.argsort(known)
    known = known[order]
    at = np.minimum(np.searchsorted(known, keys), len(known) - 1)
    return values[np.where(known[at] == keys, order[at], len(known))]


def sample_of(rows: queries.Rows, exposure: npt.NDArray[np.float64]) -> Sample:
    """The estimator's input: school × grade cells, teachers as clusters, group flags as covariates."""
    cell = rows.school * 64 + (rows.grade + 2)
    covariates = (
        np.column_stack([rows.flags[c] for c in COVARIATES]).astype(float)
        if rows.flags
        else np.zeros((len(rows), 0))
    )
    return Sample(rows.outcome, rows.baseline, exposure.astype(float), cell, rows.teacher, covariates)


def coaching_sample(rows: queries.Rows, status: queries.TeacherStatus) -> tuple[queries.Rows, Sample]:
    """Students of coached teachers (exposure 1) and of comparison teachers (0); the rest left out."""
    side = _lookup(rows.teacher, {k: int(v) for k, v in status.coached.items()}, -1).astype(int)
    kept = rows.take(side >= 0)
    return kept, sample_of(kept, side[side >= 0].astype(float))


def _coaching_row(section: str, label: str, sample: Sample, report: Report) -> Row:
    assert report.outcome is not None  # noqa: S101
    e = estimate.coaching_estimate(sample, method=report.method, min_teachers=report.min_teachers)
    return Row(section, label, e, words.coaching_words(e, report.outcome.phrase))


def _suppress_lines(
    rows: list[Row], keys: list[str], counts: dict[str, int], total: int, min_size: int
) -> None:
    """Hide rows whose coached-teacher counts would give a hidden one away (rows add up to the total)."""
    cells = {"all": total, **counts}
    hidden = privacy.suppress(cells, [privacy.Line(tuple(keys), "all")], min_size)
    for row, key in zip(rows, keys, strict=True):
        if key in hidden and row.estimate.shown:
            row.estimate = estimate.with_reason(row.estimate, HIDDEN_BY_LINE)
            row.words = [HIDDEN_BY_LINE]


def headline(
    district: District, outcome: queries.Outcome | None, method: Method, school: School | None = None
) -> Row | None:
    """The report's first estimate alone (coaching, all students), for the program dashboard: the
    same sample, estimate, words and hiding as `build`'s `main`, without the breakdowns."""
    if outcome is None:
        return None
    report = Report(district, school, outcome, method, district.min_group_size)
    rows = queries.student_rows(outcome, school.pk if school else None)
    _, sample = coaching_sample(rows, queries.teacher_status(district, outcome.year))
    row = _coaching_row("Coaching", "All students", sample, report)
    row.anchor = "main"
    return row


def build(
    district: District, outcome: queries.Outcome | None, method: Method, school: School | None = None
) -> Report:
    report = Report(district, school, outcome, method, district.min_group_size)
    if outcome is None:
        return report
    school_id = school.pk if school else None
    rows = queries.student_rows(outcome, school_id)
    status = queries.teacher_status(district, outcome.year)
    kept, sample = coaching_sample(rows, status)
    report.main = _coaching_row("Coaching", "All students", sample, report)

    for code in GROUP_CODES:
        mask = kept.flags.get(code)
        if mask is None or not mask.any():
            continue
        report.by_group.append(
            _coaching_row("By student group", groups.label(code), sample.take(mask), report)
        )

    _by_coach_type(report, kept, sample, status)
    _by_quadrant(report, kept, sample, status)
    _by_goal(report, kept, sample)
    for tool in queries.tools_for(district, outcome.subject, school_id):
        report.tools.append(_tool_row(tool, rows, outcome, report))
    report.main.anchor = "main"
    for _, slug, section in report.sections:
        for i, row in enumerate(section, start=1):
            row.anchor = f"{slug}-{i}"
    return report


def _by_coach_type(report: Report, kept: queries.Rows, sample: Sample, status: queries.TeacherStatus) -> None:
    district = report.district
    coached = sample.exposure > 0
    ctype = _lookup(kept.teacher, dict(status.coach_type), "")
    coach = _lookup(kept.teacher, dict(status.coach), 0)
    coaches_per_type = queries.coaches_by_type(district)
    type_counts: dict[str, int] = {}
    for value, label in CoachType.choices:
        treated = coached & (ctype == value)
        type_counts[value] = len(np.unique(kept.teacher[treated]))
        row = _coaching_row("By coach type", label, sample.take(treated | ~coached), report)
        if coaches_per_type.get(value, 0) < MIN_COACHES or len(set(coach[treated].tolist())) < MIN_COACHES:
            reason = (
                f"Not shown: fewer than {MIN_COACHES} coaches of this type coached these teachers, so the figure "
                "would be about one or two coaches."
            )
            row.estimate, row.words = estimate.with_reason(row.estimate, reason), [reason]
        report.by_coach_type.append(row)
    total = len(np.unique(kept.teacher[coached]))
    _suppress_lines(report.by_coach_type, list(type_counts), type_counts, total, report.min_teachers)


def _by_quadrant(report: Report, kept: queries.Rows, sample: Sample, status: queries.TeacherStatus) -> None:
    method = report.method
    coached = sample.exposure > 0
    total = len(np.unique(kept.teacher[coached]))
    quadrant = _lookup(kept.teacher, dict(status.quadrant), "")
    quad_counts: dict[str, int] = {}
    quad_keys = [q.value for q in Quadrant]
    for q in Quadrant:
        treated = coached & (quadrant == q.value)
        quad_counts[q.value] = len(np.unique(kept.teacher[treated]))
        report.by_quadrant.append(
            _coaching_row("By quadrant", q.label, sample.take(treated | ~coached), report)
        )
    quad_counts["none"] = len(np.unique(kept.teacher[coached & (quadrant == "")]))
    # Coached teachers without an intake are a part of the line too, though they get no row.
    _suppress_lines(
        [*report.by_quadrant, Row("", "", Estimate("coaching", method, shown=False), [])],
        [*quad_keys, "none"],
        quad_counts,
        total,
        report.min_teachers,
    )


def _by_goal(report: Report, kept: queries.Rows, sample: Sample) -> None:
    assert report.outcome is not None  # noqa: S101
    district, school, outcome = report.district, report.school, report.outcome
    goals = ImprovementGoal.objects.filter(
        school__district=district, status=GoalStatus.ACTIVE, subject=outcome.subject
    )
    if school is not None:
        goals = goals.filter(school=school)
    by_goal: dict[str, set[int]] = {}
    for group, sid in goals.values_list("student_group", "school_id"):
        by_goal.setdefault(group, set()).add(sid)
    for group, schools in sorted(by_goal.items()):
        mask = np.isin(kept.school, list(schools))
        if group != groups.ALL and group in kept.flags:
            mask &= kept.flags[group]
        elif group != groups.ALL:
            continue
        label = f"Goal for {groups.label(group).lower()} ({len(schools)} school{'s' if len(schools) != 1 else ''})"
        report.by_goal.append(_coaching_row("By goal", label, sample.take(mask), report))


def _tool_row(tool: queries.ToolInfo, rows: queries.Rows, outcome: queries.Outcome, report: Report) -> Row:
    doses, weeks = queries.dose(report.district, tool.usage_name, outcome.year)
    at = rows.take(np.isin(rows.school, list(tool.schools)))
    if not weeks:
        e = Estimate(
            "dose", report.method, shown=False, reason="No usage data for this tool in that school year."
        )
    else:
        exposure = _lookup(at.student, doses, 0.0).astype(float)
        e = estimate.dose_estimate(
            sample_of(at, exposure), method=report.method, min_teachers=report.min_teachers
        )
    tier = words.essa_tier(e, on_map_with_goal=tool.on_map_with_goal)
    return Row("Tool", tool.name, e, words.dose_words(e, tool.name, outcome.phrase), tier)


CSV_HEADER = [
    "outcome",
    "method",
    "section",
    "row",
    "shown",
    "why not shown",
    "difference (scale-score points)",
    "95% interval low",
    "95% interval high",
    "difference (standard deviations)",
    "sd interval low",
    "sd interval high",
    "p value",
    "baseline difference (standard deviations)",
    "baseline equivalence",
    "teachers coached / higher use",
    "teachers comparison / lower use",
    "students coached / higher use",
    "students comparison / lower use",
    "evidence tier",
]


DIGITS = {
    "points": 2,
    "low": 2,
    "high": 2,
    "sd": 3,
    "sd_low": 3,
    "sd_high": 3,
    "p": 4,
    "baseline_gap_sd": 3,
}
"""How many decimals each figure of an estimate is given to, in the CSV and the API."""


def _r(x: float | None, digits: int = 3) -> str:
    return "" if x is None else f"{x:.{digits}f}"


def released(row: Row) -> Estimate:
    """The estimate as it may leave coachmap (CSV, API): a hidden one keeps only its reason."""
    e = row.estimate
    return e if e.shown else Estimate(e.kind, e.method, shown=False, reason=e.reason)


def csv_rows(report: Report) -> list[list[object]]:
    """One line per estimate with its inputs' counts; what the page hides stays empty here too."""
    out: list[list[object]] = []
    for row in report.rows:
        e = released(row)  # nothing of a hidden estimate leaves, whatever it holds
        counts = (*e.teachers, *e.students) if e.shown else ("", "", "", "")
        out.append(
            [
                report.outcome.label if report.outcome else "",
                report.method,
                row.section,
                row.label,
                "yes" if e.shown else "no",
                e.reason,
                *(
                    _r(getattr(e, k), DIGITS[k])
                    for k in ("points", "low", "high", "sd", "sd_low", "sd_high", "p")
                ),
                _r(e.baseline_gap_sd, DIGITS["baseline_gap_sd"]) if e.shown else "",
                e.equivalence if e.shown else "",
                *counts,
                row.tier.label if row.tier else "",
            ]
        )
    return out
