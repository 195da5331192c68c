"""hypothesis mangles valid files; every outcome is either a clear error with nothing changed,
or a correct import."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coachmap.roster.importers.report import Report
from tests.roster.conftest import SAMPLE, do_import, sample_files, snapshot, write_bundle

pytestmark = pytest.mark.django_db

FILES = [
    "users.csv",
    "enrollments.csv",
    "classes.csv",
    "demographics.csv",
    "orgs.csv",
    "academicSessions.csv",
]


def _table(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


class Rollback(Exception):
    pass


def _run(files: dict[str, bytes]) -> tuple[Report, dict[str, object], dict[str, object]]:
    """Import the sample, then the mangled bundle; undo both afterwards (each example is fresh)."""
    folder = Path(tempfile.mkdtemp())
    try:
        result: list[object] = []
        try:
            with transaction.atomic():
                do_import("oneroster", SAMPLE)
                before = snapshot()
                report = do_import("oneroster", write_bundle(folder / "b", files))
                result += [report, before, snapshot()]
                raise Rollback
        except Rollback:
            pass
        return result[0], result[1], result[2]  # type: ignore[return-value]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _clear_error_and_unchanged(report: Report, before: object, after: object) -> None:
    assert not report.ok
    assert before == after, "a rejected import changed the database"
    for problem in report.problems:
        assert problem.file, f"a problem without a file: {problem}"
        assert problem.reason, f"a problem without a reason: {problem}"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(FILES), cut=st.floats(min_value=0.05, max_value=0.95))
def test_a_truncated_file_is_rejected_or_imports_what_it_still_holds(name: str, cut: float) -> None:
    files = sample_files()
    data = files[name]
    files[name] = data[: int(len(data) * cut)]
    report, before, after = _run(files)
    if report.ok:
        # Cut at a row boundary: a bulk file with fewer rows is a correct, smaller import.
        kept = _table(files[name])
        assert len(kept) - 1 <= len(_table(data)) - 1
        assert report.rows_read[name] == len([r for r in kept[1:] if r])
    else:
        _clear_error_and_unchanged(report, before, after)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(FILES), data=st.data())
def test_a_dropped_column_is_a_clear_error_or_imports_without_it(name: str, data: st.DataObject) -> None:
    files = sample_files()
    rows = _table(files[name])
    i = data.draw(st.integers(min_value=0, max_value=len(rows[0]) - 1))
    column = rows[0][i]
    files[name] = _csv([r[:i] + r[i + 1 :] for r in rows])
    report, before, after = _run(files)
    if report.ok:
        assert not any(p.column == column for p in report.problems)
    else:
        _clear_error_and_unchanged(report, before, after)
        assert any(column in str(p) for p in report.problems), report.problems


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(FILES), data=st.data())
def test_shuffled_columns_import_exactly_like_the_original(name: str, data: st.DataObject) -> None:
    files = sample_files()
    rows = _table(files[name])
    order = data.draw(st.permutations(range(len(rows[0]))))
    files[name] = _csv([[r[j] if j < len(r) else "" for j in order] for r in rows])
    report, before, after = _run(files)
    assert report.ok, report.problems
    assert before == after  # the same bundle, columns in another order: nothing to change


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(FILES), data=st.data())
def test_shuffled_headers_over_unmoved_data_are_read_by_name_not_position(
    name: str, data: st.DataObject
) -> None:
    """Headers moved but data not: the file now says other things. coachmap must read it by
    header name, exactly as the same file with its columns put back in the usual order."""
    files = sample_files()
    rows = _table(files[name])
    header = list(data.draw(st.permutations(rows[0])))
    mangled = [header, *rows[1:]]
    files[name] = _csv(mangled)
    report, before, after = _run(files)
    order = [header.index(h) for h in rows[0]]
    files[name] = _csv([[r[j] for j in order] for r in mangled])
    canonical, _, canonical_after = _run(files)
    assert report.ok == canonical.ok
    assert after == canonical_after
    assert sorted(p.reason for p in report.problems) == sorted(p.reason for p in canonical.problems)
    if not report.ok:
        _clear_error_and_unchanged(report, before, after)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(FILES), data=st.data())
def test_a_duplicated_row_is_reported_as_a_duplicate_sourced_id(name: str, data: st.DataObject) -> None:
    files = sample_files()
    rows = _table(files[name])
    i = data.draw(st.integers(min_value=1, max_value=len(rows) - 1))
    files[name] = _csv([*rows, rows[i]])
    report, before, after = _run(files)
    _clear_error_and_unchanged(report, before, after)
    assert any("duplicate sourcedId" in p.reason and p.value == rows[i][0] for p in report.problems)
