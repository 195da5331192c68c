"""What the vendor CSV importers (results, published, usage, flags) share: the opening of the
upload's one file (`open_vendor_file`: the file found, its encoding, byte-order mark and cell
caps handled by `source.Table`, its header read and columns found by synonyms), and the
reporting of student ids coachmap does not know."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from coachmap.roster.importers.report import MAX_LISTED, ImportRejected, Report
from coachmap.roster.importers.source import Progress, Source, Table
from coachmap.roster.importers.staging import Stage, fetchall


def norm(header: str) -> str:
    """A header as people vary it: `Student ID`, `student_id`, `StudentID` are one name."""
    return re.sub(r"[^a-z0-9%]", "", header.lower())


def find_columns(header: Sequence[str], synonyms: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """field → position, by the first synonym (normalised) that a header cell matches."""
    positions = {norm(h): i for i, h in enumerate(header)}
    found: dict[str, int] = {}
    for field, names in synonyms.items():
        for name in names:
            if norm(name) in positions:
                found[field] = positions[norm(name)]
                break
    return found


def single_csv(source: Source, report: Report, progress: Progress | None, label: str) -> Table | None:
    """The one CSV file of an upload (a zip or folder must hold exactly one)."""
    names = [n for n in source.names() if n.lower().endswith((".csv", ".txt"))]
    if len(names) != 1:
        report.problem(
            source.name,
            None,
            "",
            "",
            "expected one CSV file"
            + (f", found {len(names)}: {', '.join(names[:5])}" if names else ", found none"),
        )
        return None
    table = Table(source, names[0], report, progress, label=f"{label} {names[0]}")
    return table if table.header is not None else None


@dataclass
class VendorFile:
    """An upload's one CSV file, opened: its rows are read from `table`."""

    table: Table
    header: list[str]
    name: str

    def columns(self, synonyms: Mapping[str, Sequence[str]]) -> dict[str, int]:
        return find_columns(self.header, synonyms)

    def require(self, report: Report, columns: Mapping[str, int], fields: Sequence[str]) -> None:
        for field in fields:
            if field not in columns:
                report.problem(self.name, 1, field, "", f"missing required column {field}")

    def reject_on_problems(self, report: Report) -> None:
        """Stop before reading a row when the header has problems."""
        if not report.ok:
            self.table.close()
            raise ImportRejected(report)


def open_vendor_file(source: Source, report: Report, progress: Progress | None) -> VendorFile:
    """The upload's one CSV file, opened and its header read; raises `ImportRejected` when the
    upload has none (or several), or its header cannot be read."""
    table = single_csv(source, report, progress, "Reading")
    if table is None:
        raise ImportRejected(report)
    return VendorFile(table, table.header or [], table.name)


def unknown_students(  # noqa: PLR0917 - the results and published importers are being reworked (issue 13); split there
    stage: Stage, column: str, district_id: int, report: Report, file: str, header: str
) -> None:
    """Problems for rows naming a student id the district does not have."""
    for row, value in fetchall(
        f"SELECT s.row, s.{column} FROM {stage.table} s WHERE s.{column} IS NOT NULL AND NOT EXISTS "
        f"(SELECT 1 FROM roster_student st WHERE st.district_id = %s AND st.source_id = s.{column}) "
        f"ORDER BY s.row LIMIT {MAX_LISTED}",
        [district_id],
    ):
        report.problem(
            file, row, header, value, "no student has this id: import the roster (OneRoster) first"
        )
