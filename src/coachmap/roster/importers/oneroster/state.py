"""What a OneRoster import knows as it runs: one `ImportState`, read and filled by the phases.

`read` sets the manifest and the small files kept in memory (orgs, sessions, courses,
categories); `stage` the staging tables of the big files; `merge` the district it wrote into.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from coachmap.core.models import District, User
from coachmap.roster.importers.oneroster import spec
from coachmap.roster.importers.report import Report
from coachmap.roster.importers.source import Progress, Source
from coachmap.roster.importers.staging import Stage


def no_progress(phase: str, done: int, total: int) -> None:
    return None


@dataclass
class Manifest:
    version: str
    modes: dict[str, str] = field(default_factory=dict)  # file → bulk / delta / absent

    def mode(self, name: str) -> str:
        return self.modes.get(name, "absent")


@dataclass
class SmallFile:
    """A small file kept in memory: sourcedId → (row, status, fields)."""

    rows: dict[str, tuple[int, str, dict[str, Any]]] = field(default_factory=dict)


@dataclass(eq=False)
class ImportState:
    """The inputs of one run, the report it writes, and what each phase leaves for the next."""

    source: Source
    district: District | None
    report: Report
    progress: Progress = no_progress
    actor: User | None = None
    fail_at_row: int | None = None  # tests inject a failure here to prove atomicity
    bulk: bool = True  # may the biggest files take the database's bulk loader (`stage_bulk`)
    bulk_used: bool = False
    allow_removals: bool = False  # confirmed: may remove more than the district's share

    # read: the manifest, the orgs and the small files, the ids references may name
    manifest: Manifest = field(default_factory=lambda: Manifest(version=""))
    orgs: dict[str, str] = field(default_factory=dict)  # sourcedId → org type, file and database
    small: dict[str, SmallFile] = field(default_factory=dict)
    district_org: tuple[int, str, dict[str, Any]] | None = None
    district_org_id: str = ""
    session_ids: set[str] = field(default_factory=set)
    course_ids: set[str] = field(default_factory=set)
    category_ids: set[str] = field(default_factory=set)
    broken: set[str] = field(default_factory=set)  # files with problems of their own
    index: dict[str, int] = field(default_factory=dict)  # the header of the file being read

    # stage: one staging table per big file
    stages: dict[str, Stage] = field(default_factory=dict)

    # merge
    district_id: int = 0
    last_student_id: int = 0

    @property
    def version(self) -> str:
        return self.manifest.version

    def checks(self, file: str) -> bool:
        """Whether references into `file` can be checked: not when it has problems of its own
        (a reference to a row that was rejected would only repeat the same problem)."""
        return file not in self.broken

    def fail(self, file: str, row: int, exc: spec.FieldError) -> None:
        self.report.problem(f"{file}.csv", row, exc.column, exc.value, exc.reason)

    def db_district_id(self) -> int | None:
        return self.district.pk if self.district is not None else None

    def new_stage(self, name: str, columns: Sequence[tuple[str, str]]) -> Stage:
        """A staging table for a file (one is made even for absent files: checks read them empty)."""
        stage = Stage(name, [("source_id", "text"), ("status", "text"), *columns]).create()
        self.stages[name] = stage
        return stage

    def stage_of(self, file: str) -> Stage | None:
        return self.stages.get({"lineItems": "line_items"}.get(file, file))

    def file_of(self, stage_name: str) -> str:
        return {"line_items": "lineItems.csv"}.get(stage_name, f"{stage_name}.csv")
