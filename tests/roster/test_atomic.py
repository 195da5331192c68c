"""An import that dies midway changes nothing: the whole import is one transaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from coachmap.roster.importers import oneroster
from coachmap.roster.models import ImportRun, ImportStatus, Student
from tests.roster.conftest import SAMPLE, V12, do_import, snapshot, write_bundle

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("row", "file"), [(2, "orgs.csv"), (4, "academicSessions.csv"), (9, "users.csv")])
def test_a_failure_injected_at_row_n_of_the_reading_leaves_nothing_changed(row: int, file: str) -> None:
    do_import("oneroster", SAMPLE)
    Student.objects.filter(source_id="604863").update(grade=10)  # something the import would change back
    before = snapshot(audit=False)

    report = do_import("oneroster", SAMPLE, fail_at_row=row)

    assert snapshot() == before
    assert ImportRun.objects.order_by("-pk").first().status == ImportStatus.FAILED  # type: ignore[union-attr]
    assert (
        f"The import stopped with an internal error and changed nothing: injected failure at {file} row {row}"
        in report.notes
    )


def test_a_failure_while_saving_after_students_were_written_leaves_nothing_changed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    before = snapshot(audit=False)
    real = oneroster.OneRosterImport._merge_demographics  # noqa: SLF001 -- the test wraps one merge step

    def explode(self: oneroster.OneRosterImport) -> None:
        assert Student.objects.count() == 8  # the students are in, inside the transaction
        real(self)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(oneroster.OneRosterImport, "_merge_demographics", explode)

    report = do_import("oneroster", SAMPLE)

    assert snapshot() == before
    assert "The import stopped with an internal error and changed nothing: the disk is full" in report.notes


def test_a_failure_in_a_later_file_of_a_12_bundle_keeps_the_earlier_ones_out_too(tmp_path: Path) -> None:
    before = snapshot(audit=False)
    report = do_import("oneroster", write_bundle(tmp_path / "v12", V12), fail_at_row=3)

    assert snapshot() == before
    assert (
        "The import stopped with an internal error and changed nothing: injected failure at orgs.csv row 3"
        in report.notes
    )
