"""A district's first roster fills the big tables with their plain indexes dropped and builds
them once afterwards; whatever happens, every index is there when the import ends."""

from __future__ import annotations

import pytest

from coachmap.roster.importers import oneroster
from coachmap.roster.importers.staging import secondary_indexes
from coachmap.roster.models import Enrollment, Score, Student
from tests.roster.conftest import SAMPLE, do_import

pytestmark = pytest.mark.django_db(transaction=True)

TABLES = [m._meta.db_table for m in (Student, Enrollment, Score)]


def indexes() -> dict[str, list[tuple[str, str]]]:
    return {table: sorted(secondary_indexes(table)) for table in TABLES}


def test_a_first_import_leaves_every_index_as_the_migrations_made_it() -> None:
    before = indexes()
    assert all(before.values())  # each table has plain indexes to drop and rebuild

    report = do_import("oneroster", SAMPLE)

    assert report.ok
    assert Student.objects.count() == 8
    assert indexes() == before


def test_a_first_import_that_fails_after_the_rebuild_still_has_every_index(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = indexes()
    real = oneroster.OneRosterImport._merge_demographics

    def explode(self: oneroster.OneRosterImport) -> None:
        real(self)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(oneroster.OneRosterImport, "_merge_demographics", explode)

    report = do_import("oneroster", SAMPLE)

    assert "The import stopped with an internal error and changed nothing: the disk is full" in report.notes
    assert Student.objects.count() == 0
    assert indexes() == before
