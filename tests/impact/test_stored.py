"""The students of each impact outcome kept in the summary are those the raw tables give: after the
demo's rebuild, after an import, after a retention purge; and a cycle that completes counts at once,
since which side a teacher is on is never stored."""

from __future__ import annotations

import datetime
from pathlib import Path

import numpy as np
import pytest

from coachmap.coaching.models import CoachingCycle, CycleOutcome, CycleStatus
from coachmap.core.models import District
from coachmap.core.schoolyear import school_year_bounds
from coachmap.demo.generate import Generator
from coachmap.demo.profiles import PROFILES
from coachmap.impact import queries, report
from coachmap.improvement import outcome_rows
from coachmap.improvement.models import OutcomeStudents
from coachmap.improvement.retention import student_data_purge
from coachmap.improvement.summaries import summaries_rebuild
from coachmap.roster.models import Assessment, Class, Enrollment, Result
from tests.roster.conftest import do_import, problems

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


def _table(rows: queries.Rows) -> list[tuple[object, ...]]:
    flags = sorted(rows.flags)
    return sorted(
        zip(
            rows.student.tolist(),
            rows.school.tolist(),
            rows.grade.tolist(),
            rows.teacher.tolist(),
            rows.baseline.tolist(),
            rows.outcome.tolist(),
            *(rows.flags[f].tolist() for f in flags),
            strict=True,
        )
    )


def _agrees(outcome: queries.Outcome, school_ids: list[int | None]) -> None:
    for school_id in school_ids:
        live = outcome_rows.extract(outcome, school_id)
        stored = outcome_rows.stored(outcome, school_id)
        assert stored is not None, (outcome.key, school_id)
        assert _table(stored) == _table(live), (outcome.key, school_id)
        assert _table(queries.student_rows(outcome, school_id)) == _table(live)


def test_the_stored_students_follow_imports_and_purges_and_completed_cycles_count_at_once(
    tmp_path: Path,
) -> None:
    # One demo district for the three (generating it is the slow part).
    Generator(PROFILES["demo"], 3, TODAY).run()
    district = District.objects.get()
    _after_an_import(district, tmp_path)
    _after_a_cycle_completes(district)
    _after_a_retention_purge(district)


def _after_an_import(district: District, tmp_path: Path) -> None:
    options = queries.outcomes(district)
    assert {o.measure for o in options} >= {"interim"}
    interim = next(o for o in options if o.measure == "interim")
    rows = queries.student_rows(interim)
    assert len(rows) > 100
    # A student of the district estimate also joins a class of the kind that gives them their teacher
    # (the subject's, or homeroom) at another school, with another teacher: the district leaves them
    # out (two teachers), their own school's page keeps them.
    student, school = int(rows.student[0]), int(rows.school[0])
    kinds = set(
        Enrollment.objects.filter(student_id=student, klass__school_id=school).values_list(
            "klass__subject", flat=True
        )
    )
    kind = interim.subject if interim.subject in kinds else "other"
    elsewhere = (
        Class.objects.filter(subject=kind, enrollments__teacher__isnull=False)
        .exclude(school_id=school)
        .first()
    )
    assert elsewhere is not None
    Enrollment.objects.create(klass=elsewhere, student_id=student, source_id="second-school")
    summaries_rebuild(district=district)
    assert student not in outcome_rows.stored(interim).student.tolist()  # type: ignore[union-attr]
    assert student in outcome_rows.stored(interim, school).student.tolist()  # type: ignore[union-attr]
    schools: list[int | None] = [None, school, elsewhere.school_id]
    for outcome in options:
        _agrees(outcome, schools)

    # An import of new spring scores for three students: the import rebuilds the summary.
    spring = Assessment.objects.get(pk=interim.outcome_id)
    changed = [int(s) for s in rows.student[1:4]]
    sources = dict(
        Result.objects.filter(assessment=spring, student_id__in=changed).values_list(
            "student__source_id", "scale_score"
        )
    )
    path = tmp_path / "spring.csv"
    path.write_text(
        "student_id,assessment,subject,window,school_year,scale_score\n"
        + "".join(
            f"{source},{spring.name},{spring.subject},spring,{spring.school_year - 1}-{spring.school_year},{score + 11}\n"
            for source, score in sources.items()
        )
    )
    imported = do_import("results", path, district=district)
    assert imported.ok, problems(imported)
    after = outcome_rows.stored(interim)
    assert after is not None
    new = dict(zip(after.student.tolist(), after.outcome.tolist(), strict=True))
    old = dict(zip(rows.student.tolist(), rows.outcome.tolist(), strict=True))
    assert [new[s] - old[s] for s in changed] == [11.0, 11.0, 11.0]
    for outcome in options:
        _agrees(outcome, schools)


def _after_a_retention_purge(district: District) -> None:
    # The demo's results are of 2025–26; keeping one school year on December 6, 2026 deletes them.
    district.retention_years = 1
    district.save()
    options = queries.outcomes(district)
    assert OutcomeStudents.objects.filter(district=district).count() == len(options) > 0

    student_data_purge(actor=None, district=district, today=datetime.date(2026, 12, 6), dry_run=False)

    assert not OutcomeStudents.objects.filter(district=district).exists()
    for outcome in options:
        assert outcome_rows.stored(outcome) is None
        assert len(queries.student_rows(outcome)) == len(outcome_rows.extract(outcome)) == 0
    summaries_rebuild(district=district)  # a later rebuild does not bring them back
    assert not OutcomeStudents.objects.filter(district=district).exists()


def _after_a_cycle_completes(district: District) -> None:
    interim = next(o for o in queries.outcomes(district) if o.measure == "interim")
    start, _ = school_year_bounds(interim.year)
    rows = queries.student_rows(interim)
    before = queries.teacher_status(district, interim.year)
    teacher = next(int(t) for t in rows.teacher if before.coached.get(int(t)) is False)
    # A cycle of theirs closes in that year with the goal met (one of the demo's cycles, moved to them).
    cycle = CoachingCycle.objects.filter(coach__district=district).order_by("pk").first()
    assert cycle is not None
    CoachingCycle.objects.filter(pk=cycle.pk).update(
        teacher_id=teacher,
        status=CycleStatus.CLOSED,
        opened_on=start,
        closed_on=start + datetime.timedelta(days=90),
        outcome=CycleOutcome.GOAL_MET,
    )

    _, sample = report.coaching_sample(
        queries.student_rows(interim), queries.teacher_status(district, interim.year)
    )
    theirs = sample.cluster == teacher
    assert theirs.any() and np.all(sample.exposure[theirs] == 1)
