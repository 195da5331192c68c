"""Import a OneRoster 1.1 or 1.2 CSV bundle (zip or folder) into one district.

Two phases inside the caller's transaction:

1. **Check.** Read the manifest and every file once, checking each cell; small files (orgs,
   sessions, courses, categories) are kept in memory, large ones (classes, users, roles,
   enrollments, demographics, line items, results) stream into staging tables. Then set-based
   checks find duplicate sourcedIds and references to ids that exist nowhere. Any problem stops
   here: `ImportRejected` rolls everything back.
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

from coachmap.roster.importers.oneroster.checks import Checks
from coachmap.roster.importers.oneroster.merge import Merge
from coachmap.roster.importers.oneroster.staged import StagedFiles
from coachmap.roster.importers.report import ImportRejected
from coachmap.roster.importers.staging import (
    execute,
)
from coachmap.roster.models import (
    AcademicSession,
    Category,
)


class OneRosterImport(Merge, Checks, StagedFiles):
    """Check a bundle whole, then merge it; see the module docstring."""

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
            raise ImportRejected(self.report)
        self._merge_all()
        for stage in self.stages.values():
            stage.drop()
        for table in ("map_school", "map_class", "map_lineitem", "map_teacher"):
            execute(f"DROP TABLE IF EXISTS {table}")

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
