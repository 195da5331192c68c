"""The students an impact estimate compares on one outcome, one row each: read from the raw tables, or
from the summary every import rebuilds.

An *outcome* is a pair of tests of one subject: an interim test's fall and spring windows of one
school year, or the state test against the state test of the year before. For each student with
both scores: the school and grade tested at, the starting and outcome scores, the group flags and
their one teacher for the subject: the one teacher of their classes in the subject (or, when they
have none, of their homeroom, classes of subject "other"). A student with two teachers there is left
out, since the comparison cannot say whose student they are. On one school's page only that school's
classes count.

`extract` reads the raw tables. At 450,000 students that costs several times the statistics
themselves, so `outcome_students_rebuild` (run by `summaries_rebuild`, hence after every import
that changes data and before a retention purge) keeps the same rows per outcome in
`OutcomeStudents`, and `stored` reads them in one value. A test proves the two agree.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection
from django.utils import timezone

from coachmap.core.models import District
from coachmap.improvement.models import OutcomeStudents
from coachmap.roster.models import Assessment, Subject, Window

SUBJECT_WORDS = {"ela": "English language arts", "math": "mathematics"}
MEASURES = {"interim": "Interim test, fall to spring", "state": "State test, year over year"}
RACE_CODES = ["american_indian", "asian", "black", "hispanic", "pacific_islander", "white", "multiracial"]

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Outcome:
    key: str
    measure: str
    year: int
    subject: str
    baseline_id: int
    outcome_id: int

    @property
    def label(self) -> str:
        years = f"{self.year - 1}–{str(self.year)[-2:]}"
        return f"{Subject(self.subject).label}: {MEASURES[self.measure].lower()}, {years}"

    @property
    def phrase(self) -> str:
        """How the plain words name it: "growth in mathematics from fall to spring 2025–26"."""
        years = f"{self.year - 1}–{str(self.year)[-2:]}"
        what = (
            "from fall to spring" if self.measure == "interim" else "on the state test from the year before"
        )
        return f"growth in {SUBJECT_WORDS.get(self.subject, self.subject)} {what}, {years}"


def outcomes(district: District) -> list[Outcome]:
    """Every outcome the district's results allow, newest year first."""
    rows = list(
        Assessment.objects.filter(district=district, subject__in=[Subject.ELA, Subject.MATH]).values_list(
            "id", "name", "subject", "school_year", "window"
        )
    )
    by_key = {(name, subject, year, window): aid for aid, name, subject, year, window in rows}
    found: list[Outcome] = []
    for (name, subject, year, window), aid in by_key.items():
        if window == Window.SPRING and (fall := by_key.get((name, subject, year, Window.FALL))):
            found.append(Outcome(f"interim-{year}-{subject}", "interim", year, subject, fall, aid))
        if window == Window.STATE and (before := by_key.get((name, subject, year - 1, Window.STATE))):
            found.append(Outcome(f"state-{year}-{subject}", "state", year, subject, before, aid))
    found.sort(key=lambda o: (-o.year, o.measure, o.subject))
    # One outcome per key (two interim tests of one subject in a year: the first one).
    unique: dict[str, Outcome] = {}
    for o in found:
        unique.setdefault(o.key, o)
    return list(unique.values())


@dataclass
class Rows:
    """The extracted data: NumPy columns, one entry per student."""

    student: Ints
    school: Ints
    grade: Ints
    baseline: Floats
    outcome: Floats
    teacher: Ints
    flags: dict[str, npt.NDArray[np.bool_]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.student)

    def take(self, mask: npt.NDArray[np.bool_]) -> Rows:
        at = np.flatnonzero(mask)  # once, rather than a boolean pass for each of the 16 columns
        return Rows(
            self.student[at],
            self.school[at],
            self.grade[at],
            self.baseline[at],
            self.outcome[at],
            self.teacher[at],
            {k: v[at] for k, v in self.flags.items()},
        )


# --- reading the raw tables -----------------------------------------------------------------------

# Plain column sets (no join in SQL), joined in NumPy: at 450,000 students the joins, the grouping
# and the per-row conversion in SQL cost several times the fit (docs/impact.md, "Speed").
_CLASSES = (
    "SELECT id, CAST(CASE WHEN subject = %(subject)s THEN 0 ELSE 1 END AS bigint), school_id"
    " FROM roster_class WHERE subject IN (%(subject)s, 'other')"
)
_PUPILS = "SELECT klass_id, student_id FROM roster_enrollment WHERE student_id IS NOT NULL"
_TEACHERS = "SELECT klass_id, teacher_id FROM roster_enrollment WHERE teacher_id IS NOT NULL"
_RESULTS = (
    "SELECT student_id, school_id, CAST(grade AS bigint), CAST(scale_score AS double precision) "
    "FROM roster_result WHERE assessment_id = %(assessment)s AND scale_score IS NOT NULL"
)
_BASELINES = (
    "SELECT student_id, CAST(scale_score AS double precision) "
    "FROM roster_result WHERE assessment_id = %(baseline)s AND scale_score IS NOT NULL"
)
_AT_SCHOOL = " AND klass_id IN (SELECT id FROM roster_class WHERE school_id = %(school)s)"
_TOOK = " {id} IN (SELECT student_id FROM roster_result WHERE assessment_id = %(assessment)s AND school_id = %(school)s)"
_STUDENTS = (
    "SELECT id, CAST(CASE WHEN english_learner THEN 1 ELSE 0 END + CASE WHEN disability THEN 2 ELSE 0 END"
    " + CASE WHEN econ_disadvantaged THEN 4 ELSE 0 END AS bigint), CAST({race} AS bigint) FROM roster_student"
)
_RACE = (
    "CASE race_ethnicity "
    + " ".join(f"WHEN '{c}' THEN {i}" for i, c in enumerate(RACE_CODES))
    + " ELSE -1 END"
)


def _columns(sql: str, params: Mapping[str, int | str], kinds: str) -> list[npt.NDArray[Any]]:
    """A query's columns as arrays: `kinds` has one letter a column, "i" (bigint) or "f" (double);
    no column may be NULL. Each column comes back as one aggregated value, never as a row per student:
    converting 450,000 row tuples cost more than the fit itself."""
    if connection.vendor == "postgresql":
        return _packed_columns(sql, params, kinds)
    names = [f"c{j}" for j in range(len(kinds))]
    # SQLite: one comma-separated text a column; floats written with 17 digits, so they read back exact.
    packed = ", ".join(
        f"group_concat({n if k == 'i' else f'printf(%(fmt)s, {n})'})"
        for n, k in zip(names, kinds, strict=True)
    )
    with connection.cursor() as cursor:
        query = f"WITH q({', '.join(names)}) AS ({sql}) SELECT {packed} FROM q"  # noqa: S608 - fixed text
        cursor.execute(query, {**params, "fmt": "%!.17g"})
        row = cursor.fetchone()
    return [
        np.fromstring(text, dtype=np.int64 if k == "i" else np.float64, sep=",")
        if text
        else np.zeros(0, np.int64 if k == "i" else np.float64)
        for text, k in zip(row, kinds, strict=True)
    ]


def _packed_columns(sql: str, params: Mapping[str, int | str], kinds: str) -> list[npt.NDArray[Any]]:
    """PostgreSQL: each column packed server-side into one bytea of big-endian values, one row in all.

    Every aggregate of one pass sees the rows in the same order, so the columns stay aligned.
    """
    names = [f"c{j}" for j in range(len(kinds))]
    packed = ", ".join(
        f"string_agg({'int8send' if k == 'i' else 'float8send'}({n}), ''::bytea)"
        for n, k in zip(names, kinds, strict=True)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {packed} FROM ({sql}) AS q({', '.join(names)})", params)  # noqa: S608
        row = cursor.fetchone()
    return [
        np.frombuffer(bytes(data or b""), dtype=">i8" if k == "i" else ">f8").astype(
            np.int64 if k == "i" else np.float64
        )
        for data, k in zip(row, kinds, strict=True)
    ]


@dataclass(frozen=True)
class _Links:
    """Every (pupil, teacher) pair of the subject's and homeroom classes: the class's rank (0 for the
    subject, 1 for homeroom) and school."""

    student: Ints
    rank: Ints
    teacher: Ints
    school: Ints


def _links(subject: str, school_id: int | None) -> _Links:
    klass, rank, klass_school = _columns(_CLASSES, {"subject": subject}, "iii")
    if school_id is not None:
        keep = klass_school == school_id
        klass, rank, klass_school = klass[keep], rank[keep], klass_school[keep]
    # One school's page reads only that school's classes' enrollments.
    at_school, params = "", dict[str, int | str]()
    if school_id is not None:
        at_school, params = _AT_SCHOOL, {"school": school_id}
    p_klass, p_student = _columns(_PUPILS + at_school, params, "ii")
    t_klass, t_teacher = _columns(_TEACHERS + at_school, params, "ii")
    # Pupils of the subject's (and homeroom) classes, each with the class's rank and school.
    order = np.argsort(klass)
    klass, rank, klass_school = klass[order], rank[order], klass_school[order]
    pos = np.clip(np.searchsorted(klass, p_klass), 0, max(len(klass) - 1, 0))
    inside = (klass[pos] == p_klass) if len(klass) else np.zeros(len(p_klass), bool)
    p_klass, p_student, at = p_klass[inside], p_student[inside], pos[inside]
    # Every (pupil, teacher) pair of a class: teachers sorted by class, each pupil's run of them.
    t_order = np.argsort(t_klass, kind="stable")
    t_klass, t_teacher = t_klass[t_order], t_teacher[t_order]
    lo = np.searchsorted(t_klass, p_klass, "left")
    runs = np.searchsorted(t_klass, p_klass, "right") - lo
    starts = np.repeat(lo - np.cumsum(runs) + runs, runs)
    pairs = int(runs.sum())
    return _Links(
        student=np.repeat(p_student, runs),
        rank=np.repeat(rank[at], runs),
        teacher=t_teacher[starts + np.arange(pairs)] if pairs else np.zeros(0, np.int64),
        school=np.repeat(klass_school[at], runs),
    )


def _one_teacher(links: _Links, *, by_school: bool = False) -> tuple[Ints, Ints, Ints]:
    """(student, school, their one teacher) sorted by student and school, for those who have one.

    Per student (per student and school of the classes, `by_school`): the best-ranked classes'
    teachers only; one teacher when the lowest and highest of them agree. Without `by_school` the
    school column is 0.
    """
    sid, rk, tid = links.student, links.rank, links.teacher
    school = links.school if by_school else np.zeros(len(sid), np.int64)
    if not len(sid):
        return sid, school, tid
    order = np.lexsort((tid, rk, school, sid))
    sid, school, rk, tid = sid[order], school[order], rk[order], tid[order]
    first = np.r_[True, (sid[1:] != sid[:-1]) | (school[1:] != school[:-1])]
    best = np.flatnonzero(first)
    best_rank = np.repeat(rk[best], np.diff(np.r_[best, len(sid)]))
    on = rk == best_rank
    sid, school, tid, first = sid[on], school[on], tid[on], first[on]
    starts = np.flatnonzero(first)
    last = np.r_[starts[1:], len(sid)] - 1
    single = tid[starts] == tid[last]
    return sid[starts][single], school[starts][single], tid[starts][single]


def _pick(values: Ints, found: npt.NDArray[np.bool_], at: Ints) -> Ints:
    """values[at] where found, else 0 (no teacher)."""
    return np.where(found, values[at], 0) if len(values) else np.zeros(len(found), np.int64)


def _find(keys: Ints, wanted: Ints) -> tuple[npt.NDArray[np.bool_], Ints]:
    """For each of `wanted`: whether it is in the sorted `keys`, and where."""
    if not len(keys):
        return np.zeros(len(wanted), bool), np.zeros(len(wanted), np.int64)
    at = np.clip(np.searchsorted(keys, wanted), 0, len(keys) - 1)
    return keys[at] == wanted, at


@dataclass(frozen=True)
class _Scores:
    """The outcome test's scored results and the baselines of the same students, with their flags."""

    student: Ints
    school: Ints
    grade: Ints
    baseline: Floats
    outcome: Floats
    bits: Ints  # 1 English learner, 2 disability, 4 economically disadvantaged
    race: Ints  # index in RACE_CODES, -1 for none of them


def _scores(outcome: Outcome, school_id: int | None) -> _Scores:
    """Students with both scores (at one school: who took the outcome test there)."""
    params: dict[str, int | str] = {"assessment": outcome.outcome_id, "baseline": outcome.baseline_id}
    took = ""
    if school_id is not None:
        params["school"] = school_id
        took = _TOOK
    o_student, o_school, o_grade, o_score = _columns(
        _RESULTS + (" AND school_id = %(school)s" if school_id is not None else ""), params, "iiif"
    )
    b_student, b_score = _columns(_BASELINES + took.replace("{id}", "AND student_id"), params, "if")
    s_id, s_bits, s_race = _columns(
        _STUDENTS.format(race=_RACE) + took.replace("{id}", "WHERE id"), params, "iii"
    )
    b_order = np.argsort(b_student)
    b_student, b_score = b_student[b_order], b_score[b_order]
    has_baseline, b_at = _find(b_student, o_student)
    keep = has_baseline
    if school_id is not None:
        keep &= o_school == school_id
    s_order = np.argsort(s_id)
    s_at = s_order[np.searchsorted(s_id[s_order], o_student[keep])]
    return _Scores(
        o_student[keep],
        o_school[keep],
        o_grade[keep],
        b_score[b_at[keep]],
        o_score[keep],
        s_bits[s_at],
        s_race[s_at],
    )


def _rows(scores: _Scores, teacher: Ints, keep: npt.NDArray[np.bool_]) -> Rows:
    bits, race = scores.bits[keep], scores.race[keep]
    flags = {"el": bits & 1 > 0, "swd": bits & 2 > 0, "ed": bits & 4 > 0}
    for i, code in enumerate(RACE_CODES):
        flags[f"race:{code}"] = race == i
    return Rows(
        student=scores.student[keep],
        school=scores.school[keep],
        grade=scores.grade[keep],
        baseline=scores.baseline[keep],
        outcome=scores.outcome[keep],
        teacher=teacher[keep],
        flags=flags,
    )


def extract(outcome: Outcome, school_id: int | None = None) -> Rows:
    """Every student with both scores and one teacher for the subject (optionally at one school),
    read from the raw tables."""
    sid, _, tid = _one_teacher(_links(outcome.subject, school_id))
    scores = _scores(outcome, school_id)
    found, at = _find(sid, scores.student)
    return _rows(scores, _pick(tid, found, at), found)


# --- the summary ----------------------------------------------------------------------------------

# Packed columns of a stored outcome. `teacher` is the one teacher across the district (0: none),
# `school_teacher` the one among the classes at the school tested at (0: none), for one school's page.
PACKED = ("student", "school", "grade", "teacher", "school_teacher", "baseline", "outcome", "bits", "race")


def _narrow(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """The smallest type that holds every value exactly (whole scale scores fit in two bytes): the
    stored value is a third of its size, and reading it back costs that much less."""
    if np.issubdtype(values.dtype, np.floating):
        whole = bool(np.all(values == np.round(values)))
        kinds: tuple[type[Any], ...] = (np.int16, np.int32, np.float32) if whole else (np.float32,)
    else:
        kinds = (np.int8, np.int16, np.int32)
    for kind in kinds:
        if np.issubdtype(kind, np.integer):
            info = np.iinfo(kind)
            if not len(values) or (values.min() >= info.min and values.max() <= info.max):
                return values.astype(kind)
        elif np.array_equal(values.astype(kind).astype(values.dtype), values):
            return values.astype(kind)
    return values


def pack(columns: Mapping[str, npt.NDArray[Any]]) -> bytes:
    """The columns as one NumPy archive (no pickles), each in the smallest exact type: the way
    `OutcomeStudents` keeps them."""
    out = io.BytesIO()
    arrays: dict[str, Any] = {name: _narrow(np.asarray(columns[name])) for name in PACKED}
    np.savez(out, **arrays)
    return out.getvalue()


def unpack(data: bytes | memoryview) -> dict[str, npt.NDArray[Any]]:
    """The columns back, ids and codes as int64 and scores as float64, exactly as packed."""
    wide = {"baseline": np.float64, "outcome": np.float64}
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        return {name: archive[name].astype(wide.get(name, np.int64)) for name in PACKED}


_Teachers = tuple[Ints, Ints, Ints, Ints, Ints]


def _both_teachers(subject: str) -> _Teachers:
    """Each student's one teacher across the district, and per school of their classes."""
    found = _links(subject, None)
    sid, _, tid = _one_teacher(found)
    return (sid, tid, *_one_teacher(found, by_school=True))


def _stored_columns(outcome: Outcome, teachers: _Teachers) -> dict[str, npt.NDArray[Any]]:
    """The whole district's rows of an outcome, with both teachers of each student: a student is
    kept when either exists."""
    sid, tid, s_sid, s_school, s_tid = teachers
    scores = _scores(outcome, None)
    found, at = _find(sid, scores.student)
    # (student, school) as one sortable number.
    width = int(max(s_school.max(initial=0), scores.school.max(initial=0))) + 1
    at_school, s_at = _find(s_sid * width + s_school, scores.student * width + scores.school)
    keep = found | at_school
    return {
        "student": scores.student[keep],
        "school": scores.school[keep],
        "grade": scores.grade[keep].astype(np.int16),
        "teacher": _pick(tid, found, at)[keep],
        "school_teacher": _pick(s_tid, at_school, s_at)[keep],
        "baseline": scores.baseline[keep],
        "outcome": scores.outcome[keep],
        "bits": scores.bits[keep].astype(np.int8),
        "race": scores.race[keep].astype(np.int8),
    }


def outcome_students_rebuild(*, district: District, live_ids: list[int]) -> int:
    """Refill the district's stored outcomes from the raw tables (inside the summaries' transaction):
    every outcome whose two tests still have their results. Returns the number of students stored."""
    OutcomeStudents.objects.filter(district=district).delete()
    live = set(live_ids)
    teachers: dict[str, _Teachers] = {}
    stored_students = 0
    now = timezone.now()
    for outcome in outcomes(district):
        if outcome.baseline_id not in live or outcome.outcome_id not in live:
            continue
        if outcome.subject not in teachers:
            teachers[outcome.subject] = _both_teachers(outcome.subject)
        columns = _stored_columns(outcome, teachers[outcome.subject])
        OutcomeStudents.objects.create(
            district=district,
            baseline_id=outcome.baseline_id,
            outcome_id=outcome.outcome_id,
            students=len(columns["student"]),
            columns=pack(columns),
            built_at=now,
        )
        stored_students += len(columns["student"])
    return stored_students


def outcome_students_forget(*, district: District, before_year: int) -> None:
    """A retention purge deleted the results of school years before `before_year`: the stored rows
    of outcomes that read them go too (they are student-level data)."""
    OutcomeStudents.objects.filter(district=district, baseline__school_year__lt=before_year).delete()


def stored(outcome: Outcome, school_id: int | None = None) -> Rows | None:
    """The rows of `extract` from the summary, or None when it holds none for the outcome."""
    data = (
        OutcomeStudents.objects.filter(baseline_id=outcome.baseline_id, outcome_id=outcome.outcome_id)
        .values_list("columns", flat=True)
        .first()
    )
    if data is None:
        return None
    c = unpack(data)
    if school_id is None:
        teacher = c["teacher"]
        keep = teacher > 0
    else:
        teacher = c["school_teacher"]
        keep = (c["school"] == school_id) & (teacher > 0)
    scores = _Scores(
        c["student"],
        c["school"],
        c["grade"].astype(np.int64),
        c["baseline"],
        c["outcome"],
        c["bits"],
        c["race"],
    )
    return _rows(scores, teacher, keep)
