"""The columnar extraction (and the summary rebuilt from it) against a plain-Python reading of the same
rules, on the demo district with a student given two teachers for the subject and one left with only a
homeroom."""

from __future__ import annotations

import datetime
from collections import defaultdict

import pytest

from coachmap.core.models import District, School
from coachmap.demo.generate import Generator
from coachmap.demo.profiles import PROFILES
from coachmap.impact import queries
from coachmap.improvement import outcome_rows
from coachmap.improvement.summaries import summaries_rebuild
from coachmap.roster.models import Class, Enrollment, Result, Student

pytestmark = pytest.mark.django_db


def _reference(
    outcome: queries.Outcome, school_id: int | None
) -> dict[int, tuple[int, int, int, float, float]]:
    """student → (school, grade, teacher, baseline, outcome), the rules of `queries` read one by one."""
    classes = Class.objects.filter(subject__in=[outcome.subject, "other"])
    if school_id is not None:
        classes = classes.filter(school_id=school_id)
    rank = {
        cid: 0 if subject == outcome.subject else 1 for cid, subject in classes.values_list("id", "subject")
    }
    teachers: dict[int, set[int]] = defaultdict(set)
    for kid, tid in Enrollment.objects.filter(teacher__isnull=False).values_list("klass_id", "teacher_id"):
        teachers[kid].add(tid)
    links: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for kid, sid in Enrollment.objects.filter(student__isnull=False).values_list("klass_id", "student_id"):
        if kid in rank:
            links[sid][rank[kid]] |= teachers[kid]
    one: dict[int, int] = {}
    for sid, by_rank in links.items():
        best = by_rank[min(by_rank)]
        if len(best) == 1:
            one[sid] = next(iter(best))
    base = dict(
        Result.objects.filter(assessment_id=outcome.baseline_id, scale_score__isnull=False).values_list(
            "student_id", "scale_score"
        )
    )
    found = {}
    outcomes = Result.objects.filter(assessment_id=outcome.outcome_id, scale_score__isnull=False)
    if school_id is not None:
        outcomes = outcomes.filter(school_id=school_id)
    for sid, school, grade, score in outcomes.values_list("student_id", "school_id", "grade", "scale_score"):
        if sid in one and sid in base:
            found[sid] = (school, grade, one[sid], float(base[sid] or 0), float(score or 0))
    return found


def test_the_extraction_follows_the_one_teacher_rule() -> None:
    Generator(PROFILES["demo"], 3, datetime.date(2026, 11, 23)).run()
    district = District.objects.get()
    outcome = next(o for o in queries.outcomes(district) if o.measure == "interim")
    rows = queries.student_rows(outcome)
    in_rows = [int(s) for s in rows.student]
    # A student joins another class of the same kind with a different teacher: left out.
    mine = (
        Enrollment.objects.filter(student_id__in=in_rows, klass__subject__in=[outcome.subject, "other"])
        .order_by("klass__subject" if outcome.subject < "other" else "-klass__subject", "id")
        .first()
    )
    assert mine is not None
    first = int(mine.student_id or 0)
    teacher_of = Enrollment.objects.filter(klass_id=mine.klass_id, teacher__isnull=False).values_list(
        "teacher_id", flat=True
    )
    other = (
        Class.objects.filter(school_id=mine.klass.school_id, subject=mine.klass.subject)
        .exclude(enrollments__teacher_id__in=list(teacher_of))
        .first()
    )
    assert other is not None
    Enrollment.objects.create(klass=other, student_id=first, source_id="two-teachers")
    # Another loses their subject classes (where the demo has any): their homeroom teacher counts.
    subject_pupil = (
        Enrollment.objects.filter(student_id__in=in_rows, klass__subject=outcome.subject)
        .exclude(student_id=first)
        .first()
    )
    if subject_pupil is not None:
        Enrollment.objects.filter(
            student_id=int(subject_pupil.student_id or 0), klass__subject=outcome.subject
        ).delete()

    # The demo's summary was built before these changes; an import would rebuild it, as here.
    summaries_rebuild(district=district)
    for school_id in [None, School.objects.order_by("id").first().pk]:  # type: ignore[union-attr]
        rows = outcome_rows.extract(outcome, school_id)
        stored = outcome_rows.stored(outcome, school_id)
        assert stored is not None
        got = {
            int(s): (int(sc), int(g), int(t), float(b), float(o))
            for s, sc, g, t, b, o in zip(
                rows.student, rows.school, rows.grade, rows.teacher, rows.baseline, rows.outcome, strict=True
            )
        }
        assert len(got) == len(rows)
        assert got == _reference(outcome, school_id)
        assert sorted(zip(stored.student.tolist(), stored.teacher.tolist(), strict=True)) == sorted(
            (s, v[2]) for s, v in got.items()
        )
    assert first not in set(queries.student_rows(outcome).student.tolist())
    flags = queries.student_rows(outcome)
    el = dict(Student.objects.values_list("id", "english_learner"))
    assert [bool(x) for x in flags.flags["el"]] == [el[int(s)] for s in flags.student]
