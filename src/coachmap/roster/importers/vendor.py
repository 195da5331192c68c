"""Helpers the CSV importers (results, published, usage, flags) share: a header read with
synonyms, student lookups and the reporting of ids coachmap does not know."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from coachmap.roster.importers.report import MAX_LISTED, Report
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


def rows(table: Table) -> Iterator[tuple[int, list[str]]]:
    yield from table.rows()


def unknown_students(
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
