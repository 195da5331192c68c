"""State shared by the phases of a OneRoster import, the manifest, and reading a file's rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from coachmap.core.models import District, User
from coachmap.roster.importers.oneroster import spec
from coachmap.roster.importers.report import Report
from coachmap.roster.importers.source import Progress, Source, Table
from coachmap.roster.importers.staging import (
    Stage,
)
from coachmap.roster.importers.validation import CellError, check_header, parse_enum

DELETE_CHUNK = 2000
_DISTRICT_CLASSES = (
    "SELECT c.id FROM roster_class c JOIN core_school sc ON sc.id = c.school_id WHERE sc.district_id = %s"
)
TEACHER_CHUNK = 2000


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


class Base:
    """What every phase of the import shares: the inputs, the report, the staged files."""

    # Set by `run` once the manifest is read, and by the phases that fill them.
    manifest: Manifest
    version: str
    index: dict[str, int]
    session_ids: set[str]
    course_ids: set[str]
    category_ids: set[str]
    district_id: int
    last_student_id: int

    def __init__(
        self,
        *,
        source: Source,
        district: District | None,
        report: Report,
        progress: Progress | None = None,
        actor: User | None = None,
        fail_at_row: int | None = None,
        bulk: bool = True,
    ) -> None:
        self.source = source
        self.district = district
        self.report = report
        self.progress = progress or (lambda phase, done, total: None)
        self.actor = actor
        self.fail_at_row = fail_at_row  # tests inject a failure here to prove atomicity
        self.bulk = bulk  # may the biggest files take the bulk path (see `bulk`)
        self.bulk_used = False
        self.stages: dict[str, Stage] = {}
        self.orgs: dict[str, str] = {}  # sourcedId → org type, from the file and the database
        self.small: dict[str, SmallFile] = {}
        self.district_org: tuple[int, str, dict[str, Any]] | None = None
        self.district_org_id = ""
        self.broken: set[str] = set()

    def _manifest(self) -> Manifest | None:
        report = self.report
        name = self.source.find("manifest.csv")
        if name is None:
            report.problem(
                "manifest.csv", None, "", "", "the bundle has no manifest.csv: a OneRoster bundle needs one"
            )
            return None
        table = Table(self.source, name, report)
        if table.header is None:
            return None
        check = check_header(table.header, ["propertyName", "value"], ["propertyName", "value"])
        for column, value, reason in check.problems:
            report.problem(name, 1, column, value, reason)
        if check.problems:
            table.close()
            return None
        props: dict[str, tuple[int, str]] = {}
        for row, cells in table.rows():
            key = cells[check.index["propertyName"]].strip()
            props[key] = (row, cells[check.index["value"]].strip())
        version_row, version = props.get("oneroster.version", (None, ""))
        if version not in spec.VERSIONS:
            report.problem(
                name,
                version_row,
                "value",
                version,
                "oneroster.version must be 1.1 or 1.2" if version else "oneroster.version is missing",
            )
        mrow, mversion = props.get("manifest.version", (None, ""))
        if mversion and mversion not in ("1", "1.0"):
            report.problem(name, mrow, "value", mversion, "manifest.version must be 1.0")
        manifest = Manifest(version=version)
        for key, (row, value) in props.items():
            if not key.startswith("file."):
                continue
            file = key.removeprefix("file.")
            try:
                manifest.modes[file] = parse_enum(value, spec.MANIFEST_MODES, "file mode")
            except CellError as exc:
                report.problem(name, row, "value", value, f"{key}: {exc}")
        if version == "1.2" and manifest.mode("users") != "absent" and manifest.mode("roles") == "absent":
            report.problem(
                name,
                None,
                "",
                "",
                "OneRoster 1.2 keeps roles in roles.csv: the manifest must list file.roles",
            )
        return manifest if report.ok else None

    def _headers(self, file: str) -> list[str]:
        return (spec.HEADERS_12 if self.version == "1.2" else spec.HEADERS_11)[file]

    def _check_files(self) -> None:
        """Every file the manifest lists is there; note the ones coachmap does not read."""
        report = self.report
        for file, mode in self.manifest.modes.items():
            csv_name = f"{file}.csv"
            present = self.source.find(csv_name)
            if file not in spec.FILES:
                if mode != "absent":
                    report.notes.append(f"{csv_name} is not used by coachmap; it was not read.")
                continue
            if file == "roles" and self.version != "1.2":
                continue
            if mode != "absent" and present is None:
                report.problem(
                    "manifest.csv",
                    None,
                    "",
                    f"file.{file}={mode}",
                    f"the manifest lists {csv_name} as {mode}, but the bundle has no {csv_name}",
                )
            elif mode == "absent" and present is not None:
                report.warn(csv_name, None, "", "", "the manifest marks this file absent, so it was not read")

    def _table(self, file: str) -> tuple[Table, dict[str, int]] | None:
        if self.manifest.mode(file) == "absent":
            return None
        name = self.source.find(f"{file}.csv")
        if name is None:
            return None
        table = Table(self.source, name, self.report, self.progress, label=f"Reading {name}")
        if table.header is None:
            table.close()
            return None
        required = spec.REQUIRED[file] + (
            spec.REQUIRED_11_EXTRA.get(file, []) if self.version == "1.1" else []
        )
        check = check_header(table.header, self._headers(file), required)
        for column, value, reason in check.problems:
            self.report.problem(name, 1, column, value, reason)
        for column, value, reason in check.warnings:
            self.report.warn(name, 1, column, value, reason)
        if check.problems:
            table.close()
            return None
        return table, check.index

    def _rows(self, file: str) -> Iterable[tuple[int, spec.Cells]]:
        """(row, cells) of `file`; bad cells are reported and their rows left out."""
        before = self.report.problem_count
        try:
            opened = self._table(file)
            if opened is None:
                return
            table, index = opened
            self.index = index
            cells = spec.Cells(index)
            for row, raw in table.rows():
                if self.fail_at_row is not None and row == self.fail_at_row:
                    raise RuntimeError(f"injected failure at {file}.csv row {row}")
                cells.cells = raw
                yield row, cells
        finally:
            if self.report.problem_count > before:
                self.broken.add(file)

    def _checks(self, file: str) -> bool:
        """Whether references into `file` can be checked: not when it has problems of its own
        (a reference to a row that was rejected would only repeat the same problem)."""
        return file not in self.broken

    def _fail(self, file: str, row: int, exc: spec.FieldError) -> None:
        self.report.problem(f"{file}.csv", row, exc.column, exc.value, exc.reason)

    def _db_district_id(self) -> int | None:
        return self.district.pk if self.district is not None else None

    def _stage(self, name: str, columns: Sequence[tuple[str, str]]) -> Stage:
        """A staging table for a file (one is made even for absent files: checks read them empty)."""
        stage = Stage(name, [("source_id", "text"), ("status", "text"), *columns]).create()
        self.stages[name] = stage
        return stage

    def _stage_of(self, file: str) -> Stage | None:
        return self.stages.get({"lineItems": "line_items"}.get(file, file))

    def _file_of(self, stage_name: str) -> str:
        return {"line_items": "lineItems.csv"}.get(stage_name, f"{stage_name}.csv")
