"""Import a OneRoster 1.1 or 1.2 CSV bundle (zip or folder) into one district.

`run` is five phases over one `ImportState`, inside the caller's transaction:

1. **Read** (`read`). The manifest and the list of files; the small files (orgs, sessions,
   courses, categories) are read once, checked cell by cell and kept in memory.
2. **Stage** (`stage`). The big files (classes, users, roles, enrollments, demographics, line
   items, results) are read once, checked cell by cell and streamed into staging tables — by
   the database's bulk loader where it can prove the file (`stage_bulk`), else row by row.
3. **Check** (`check`). Set-based checks find duplicate sourcedIds and references to ids that
   exist nowhere (those on results.csv are proven by the merge when it can, see
   `_merge_proving_results`). Any problem stops the import: `ImportRejected` rolls everything
   back.
   **Impact** (`impact`). What the merge would remove, with everything that goes with it,
   counted in SQL; `effect.decide` holds the import for a confirmation when it is more than
   the district's share (nothing has changed yet). A check (dry run) ends here: no merge.
4. **Merge** (`merge`). Per file and in dependency order: rows the bundle no longer has (bulk)
   or marks `tobedeleted` (delta) are removed, changed rows updated, new rows added — matched
   by `sourcedId` within the district, so importing the same bundle twice changes nothing.
5. **Summarise** (`summarise`). What follows from the merged rows; the staging tables dropped.

Orgs become the district and its schools; teachers become teacher profiles (a user who cannot
sign in until given a password or single sign-on, with a teacher membership); students become
pseudonymous students — their names, usernames, emails, passwords and birth dates are never
read past the parser. Schools and teacher profiles are never deleted (goals and confidential
coaching records hang on them): a teacher who leaves the roster loses the teacher role.
"""

from __future__ import annotations

import logging
from typing import NoReturn

from django.db import IntegrityError, connection, transaction

from coachmap.core.models import District, User
from coachmap.roster.importers import effect
from coachmap.roster.importers.oneroster import check, impact, merge, read, stage, summarise
from coachmap.roster.importers.oneroster.stage_bulk import BulkRefused
from coachmap.roster.importers.oneroster.state import ImportState, no_progress
from coachmap.roster.importers.report import ImportRejected, PreviewDone, Report
from coachmap.roster.importers.source import Progress, Source
from coachmap.roster.importers.staging import execute, fetchall

log = logging.getLogger(__name__)


def import_bundle(
    *,
    source: Source,
    district: District | None,
    report: Report,
    progress: Progress | None = None,
    actor: User | None = None,
    fail_at_row: int | None = None,
    bulk: bool = True,
    allow_removals: bool = False,
) -> District | None:
    """Import a bundle: by the bulk path where it can, else (or on any problem) row by row
    (`bulk=False`: row by row from the start).

    Returns the district imported into; raises `ImportRejected` with the report's problems."""

    def state(bulk: bool) -> ImportState:
        return ImportState(
            source=source,
            district=district,
            report=report,
            progress=progress or no_progress,
            actor=actor,
            fail_at_row=fail_at_row,
            bulk=bulk,
            allow_removals=allow_removals,
        )

    if connection.vendor == "postgresql":
        # Joins of millions of staged rows hash in memory, and indexes build in one sort, for
        # this transaction only.
        execute("SET LOCAL work_mem = '256MB'")
        execute("SET LOCAL maintenance_work_mem = '512MB'")
    snapshot = report.snapshot()
    if bulk:
        first = state(bulk=True)
        try:
            with transaction.atomic():
                run(first)
            return first.district
        except BulkRefused as exc:
            log.info("Importing %s row by row: %s", source.name, exc)
        report.restore(snapshot)
        if district is not None:
            district.refresh_from_db()
    second = state(bulk=False)
    run(second)
    return second.district


class _Unproven(Exception):
    """The merge left results out: the checks on results.csv must say why."""


def run(st: ImportState) -> None:
    """Read, stage, check, merge, summarise; see the module docstring."""
    manifest = read.read_manifest(st)
    if manifest is None:
        raise ImportRejected(st.report)
    st.manifest = manifest
    read.check_files(st)
    if not st.report.ok:
        raise ImportRejected(st.report)
    read.read(st)
    stage.stage(st)
    check.references(st)
    if not st.report.ok:
        check.results(st)
        _reject(st)
    impact.measure(st)
    percent = st.district.import_hold_percent if st.district is not None else 100
    if st.report.dry_run or effect.hold_reason(st.report, percent=percent):
        # No merge follows (a check, or an import that may be held): the checks on results.csv
        # run now, since the merge is not there to prove them — a broken bundle is rejected,
        # not held.
        check.results(st)
        if not st.report.ok:
            _reject(st)
    effect.decide(st.report, percent=percent, allowed=st.allow_removals)
    if st.report.dry_run:
        # The check ends before the merge: what the bundle would add is counted, nothing written.
        impact.preview(st)
        summarise.drop_stages(st)
        raise PreviewDone
    _merge_proving_results(st)
    summarise.summarise(st)


def _reject(st: ImportState) -> NoReturn:
    """Reject the bundle; when a file took the bulk path, read it all again row by row first,
    so that the report names every problem as the row-by-row reader does."""
    if st.bulk_used:
        raise BulkRefused("the import found problems")
    raise ImportRejected(st.report)


def _merge_proving_results(st: ImportState) -> None:
    """Merge, letting the merge stand in for the checks on results.csv when it can.

    The results merge joins every result to its line item and student. When none is left
    out and no user in the file is a non-student the district already holds as a student,
    every reference resolved to what the checks allow, and the one-score-per-student
    constraint held as each row went in: the checks would find nothing, and their passes
    over millions of rows are saved. Otherwise the merge is rolled back, the checks run and
    report, and a bundle they pass is merged again."""
    snapshot, district = st.report.snapshot(), st.district
    try:
        with transaction.atomic():
            merge.merge(st)
            if _results_unproven(st):
                raise _Unproven
    except (_Unproven, IntegrityError) as exc:
        st.report.restore(snapshot)
        st.district = district
        if district is not None:
            district.refresh_from_db()
        check.results(st)
        if not st.report.ok:
            _reject(st)
        if isinstance(exc, IntegrityError):
            raise
        merge.merge(st)


def _results_unproven(st: ImportState) -> bool:
    if "results" not in st.stages:
        return False
    if st.report.entity("results").skipped:
        return True
    return st.manifest.mode("users") != "bulk" and bool(
        fetchall(
            "SELECT 1 FROM stg_users u JOIN roster_student st ON st.district_id = %s "
            "AND st.source_id = u.source_id WHERE u.role <> 'student' LIMIT 1",
            [st.district_id],
        )
    )
