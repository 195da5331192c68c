"""Import a OneRoster 1.1 or 1.2 CSV bundle (zip or folder) into one district.

Two phases inside the caller's transaction:

1. **Check.** Read the manifest and every file once, checking each cell; small files (orgs,
   sessions, courses, categories) are kept in memory, large ones (classes, users, roles,
   enrollments, demographics, line items, results) stream into staging tables. Then set-based
   checks find duplicate sourcedIds and references to ids that exist nowhere (those on
   results.csv are proven by the merge when it can, see `_merge_proving_results`). Any problem
   stops the import: `ImportRejected` rolls everything back.
2. **Merge.** Per file and in dependency order: rows the bundle no longer has (bulk) or marks
   `tobedeleted` (delta) are removed, changed rows updated, new rows added — matched by
   `sourcedId` within the district, so importing the same bundle twice changes nothing.

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
from coachmap.roster.importers.oneroster.bulk import BulkRefused
from coachmap.roster.importers.oneroster.checks import Checks
from coachmap.roster.importers.oneroster.merge import Merge
from coachmap.roster.importers.oneroster.staged import StagedFiles
from coachmap.roster.importers.report import ImportRejected, Report
from coachmap.roster.importers.source import Progress, Source
from coachmap.roster.importers.staging import (
    execute,
    fetchall,
)
from coachmap.roster.models import (
    AcademicSession,
    Category,
)

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
) -> District | None:
    """Import a bundle: by the bulk path where it can, else (or on any problem) row by row
    (`bulk=False`: row by row from the start).

    Returns the district imported into; raises `ImportRejected` with the report's problems."""

    def job(bulk: bool) -> OneRosterImport:
        return OneRosterImport(
            source=source,
            district=district,
            report=report,
            progress=progress,
            actor=actor,
            fail_at_row=fail_at_row,
            bulk=bulk,
        )

    if connection.vendor == "postgresql":
        # Joins of millions of staged rows hash in memory, and indexes build in one sort, for
        # this transaction only.
        execute("SET LOCAL work_mem = '256MB'")
        execute("SET LOCAL maintenance_work_mem = '512MB'")
    snapshot = report.snapshot()
    if bulk:
        first = job(bulk=True)
        try:
            with transaction.atomic():
                first.run()
            return first.district
        except BulkRefused as exc:
            log.info("Importing %s row by row: %s", source.name, exc)
        report.restore(snapshot)
        if district is not None:
            district.refresh_from_db()
    second = job(bulk=False)
    second.run()
    return second.district


class _Unproven(Exception):
    """The merge left results out: the checks on results.csv must say why."""


class OneRosterImport(Merge, Checks, StagedFiles):
    """Check a bundle whole, then merge it; see the module docstring."""

    def _reject(self) -> NoReturn:
        """Reject the bundle; when a file took the bulk path, read it all again row by row first,
        so that the report names every problem as the row-by-row reader does."""
        if self.bulk_used:
            raise BulkRefused("the import found problems")
        raise ImportRejected(self.report)

    def run(self) -> None:
        manifest = self._manifest()
        if manifest is None:
            raise ImportRejected(self.report)
        self.manifest = manifest
        self.version = manifest.version
        self._check_files()
        if not self.report.ok:
            raise ImportRejected(self.report)
        self._read_all()
        self._check_references()
        if not self.report.ok:
            self._check_results()
            self._reject()
        self._merge_proving_results()
        for stage in self.stages.values():
            stage.drop()
        for table in ("map_school", "map_class", "map_lineitem", "map_teacher"):
            execute(f"DROP TABLE IF EXISTS {table}")

    def _merge_proving_results(self) -> None:
        """Merge, letting the merge stand in for the checks on results.csv when it can.

        The results merge joins every result to its line item and student. When none is left
        out and no user in the file is a non-student the district already holds as a student,
        every reference resolved to what the checks allow, and the one-score-per-student
        constraint held as each row went in: the checks would find nothing, and their passes
        over millions of rows are saved. Otherwise the merge is rolled back, the checks run and
        report, and a bundle they pass is merged again."""
        snapshot, district = self.report.snapshot(), self.district
        try:
            with transaction.atomic():
                self._merge_all()
                if self._results_unproven():
                    raise _Unproven
        except (_Unproven, IntegrityError) as exc:
            self.report.restore(snapshot)
            self.district = district
            if district is not None:
                district.refresh_from_db()
            self._check_results()
            if not self.report.ok:
                self._reject()
            if isinstance(exc, IntegrityError):
                raise
            self._merge_all()

    def _results_unproven(self) -> bool:
        if "results" not in self.stages:
            return False
        if self.report.entity("results").skipped:
            return True
        return self.manifest.mode("users") != "bulk" and bool(
            fetchall(
                "SELECT 1 FROM stg_users u JOIN roster_student st ON st.district_id = %s "
                "AND st.source_id = u.source_id WHERE u.role <> 'student' LIMIT 1",
                [self.district_id],
            )
        )

    def _read_all(self) -> None:
        self._read_orgs()
        self._read_small("academicSessions", self._session_fields, AcademicSession)
        self._read_small("courses", self._course_fields, None)
        self._read_small("categories", self._category_fields, Category)
        self._check_small_references()
        for file, stage in [
            ("classes", self._stage_classes),
            ("roles", self._stage_roles),
            ("users", self._stage_users),
            ("enrollments", self._stage_enrollments),
            ("demographics", self._stage_demographics),
            ("lineItems", self._stage_line_items),
            ("results", self._stage_results),
        ]:
            if self.manifest.mode(file) != "absent" and (file != "roles" or self.version == "1.2"):
                stage()
