"""A district's first roster fills the big tables with their plain indexes (and PostgreSQL's
unique constraints, foreign keys and, where no other table refers to it, primary key) dropped and
builds them once afterwards; whatever happens, every index, constraint and key is there when the
import ends, the keys still refuse a dangling row and the constraints a duplicate."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from coachmap.roster.importers import oneroster
from coachmap.roster.importers.oneroster import merge_entities
from coachmap.roster.importers.staging import (
    foreign_keys,
    primary_key,
    secondary_indexes,
    unique_constraints,
    unreferenced_primary_key,
    vendor,
)
from coachmap.roster.models import Enrollment, Score, Student
from tests.roster.conftest import SAMPLE, do_import

pytestmark = pytest.mark.django_db(transaction=True)

TABLES = [m._meta.db_table for m in (Student, Enrollment, Score)]


def indexes() -> dict[str, list[tuple[str, str]]]:
    return {
        table: sorted(secondary_indexes(table))
        + unique_constraints(table)
        + foreign_keys(table)
        + primary_key(table)
        for table in TABLES
    }


def test_a_first_import_leaves_every_index_as_the_migrations_made_it() -> None:
    before = indexes()
    assert all(before.values())  # each table has plain indexes to drop and rebuild
    if vendor() == "postgresql":  # the enrollments' key is dropped too; the students' is referred to
        assert unreferenced_primary_key(Enrollment._meta.db_table)
        assert not unreferenced_primary_key(Student._meta.db_table)

    report = do_import("oneroster", SAMPLE)

    assert report.ok
    assert Student.objects.count() == 8
    assert indexes() == before
    enrolled = Enrollment.objects.filter(student__isnull=False).first()
    assert enrolled is not None
    with pytest.raises(IntegrityError), transaction.atomic():  # the commit checks the rebuilt keys
        Enrollment.objects.filter(pk=enrolled.pk).update(student_id=10**9)
    assert Enrollment.objects.get(pk=enrolled.pk).student_id == enrolled.student_id
    student = Student.objects.first()
    assert student is not None
    with pytest.raises(IntegrityError), transaction.atomic():  # one sourcedId per district, still
        Student.objects.create(
            district_id=student.district_id, school_id=student.school_id, source_id=student.source_id, grade=3
        )
    last = Enrollment.objects.order_by("-pk").first()
    assert last is not None
    with pytest.raises(IntegrityError), transaction.atomic():  # ids stay unique...
        Enrollment.objects.create(pk=last.pk, klass_id=last.klass_id, student=student, source_id="again")
    later = Enrollment.objects.create(klass_id=last.klass_id, student=student, source_id="later")
    assert later.pk > last.pk  # ...and new ones follow on from the import's


def test_a_first_import_that_fails_after_the_rebuild_still_has_every_index(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = indexes()
    real = merge_entities.demographics

    def explode(st: oneroster.ImportState) -> None:
        real(st)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(merge_entities, "demographics", explode)

    report = do_import("oneroster", SAMPLE)

    assert "The import stopped with an internal error and changed nothing: the disk is full" in report.notes
    assert Student.objects.count() == 0
    assert indexes() == before
