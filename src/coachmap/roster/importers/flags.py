"""Program flags CSV: English learner, disability, economically disadvantaged — the groups
OneRoster demographics do not carry. One row per student; a blank cell leaves that flag as
it is. Headers are matched by common names (`student_id`, `EL`, `IEP`, `FRL`, …)."""

from __future__ import annotations

from typing import Any

from coachmap.core.models import District
from coachmap.roster.importers.cells import CellError, parse_bool
from coachmap.roster.importers.report import MAX_LISTED, ImportRejected, Report
from coachmap.roster.importers.source import Progress, Source
from coachmap.roster.importers.staging import Stage, execute, fetchall, fetchone, is_distinct
from coachmap.roster.importers.vendor import open_vendor_file, unknown_students

SYNONYMS = {
    "student_id": [
        "student_id",
        "student sourcedId",
        "studentSourcedId",
        "sourcedId",
        "student",
        "local_id",
        "id",
    ],
    "english_learner": ["english_learner", "EL", "ELL", "LEP", "english language learner"],
    "disability": ["disability", "SWD", "IEP", "SPED", "special_education", "students with disabilities"],
    "econ_disadvantaged": [
        "econ_disadvantaged",
        "economically_disadvantaged",
        "ED",
        "FRL",
        "free_reduced_lunch",
        "low_income",
    ],
}
FLAGS = ["english_learner", "disability", "econ_disadvantaged"]


def run(
    *, source: Source, district: District, report: Report, progress: Progress | None = None, **_: Any
) -> None:
    opened = open_vendor_file(source, report, progress)
    table, header, file = opened.table, opened.header, opened.name
    columns = opened.columns(SYNONYMS)
    opened.require(report, columns, ["student_id"])
    if not any(flag in columns for flag in FLAGS):
        report.problem(
            file, 1, "", "", "no flag columns: expected english_learner, disability or econ_disadvantaged"
        )
    opened.reject_on_problems(report)
    stage = Stage("flags", [("student_ref", "text"), *((f, "bool") for f in FLAGS)]).create()
    with stage.writer() as write:
        for row, cells in table.rows():
            sid = cells[columns["student_id"]].strip()
            if not sid:
                report.problem(file, row, header[columns["student_id"]], "", "a student id is required")
                continue
            values: list[bool | None] = []
            for flag in FLAGS:
                value = cells[columns[flag]].strip() if flag in columns else ""
                try:
                    values.append(parse_bool(value, strict=False))
                except CellError as exc:
                    report.problem(file, row, header[columns[flag]], value, str(exc))
                    break
            else:
                write((row, sid, *values))
    stage.index("student_ref")
    for sid, first, row in fetchall(
        "SELECT student_ref, MIN(row), MAX(row) FROM stg_flags GROUP BY student_ref HAVING COUNT(*) > 1 "
        f"ORDER BY MIN(row) LIMIT {MAX_LISTED}"
    ):
        report.problem(
            file, row, header[columns["student_id"]], sid, f"this student is already on row {first}"
        )
    unknown_students(stage, "student_ref", district.pk, report, file, header[columns["student_id"]])
    if not report.ok:
        raise ImportRejected(report)
    table_name = "roster_student"
    sets = ", ".join(f"{f} = COALESCE(s.{f}, {table_name}.{f})" for f in FLAGS)
    differs = " OR ".join(
        f"(s.{f} IS NOT NULL AND {is_distinct(f'{table_name}.{f}', f's.{f}')})" for f in FLAGS
    )
    changed = execute(
        f"UPDATE {table_name} SET {sets} FROM stg_flags s WHERE {table_name}.district_id = %s "
        f"AND {table_name}.source_id = s.student_ref AND ({differs})",
        [district.pk],
    )
    (total,) = fetchone("SELECT COUNT(*) FROM stg_flags")
    counts = report.entity("students' program flags")
    counts.changed += changed
    counts.unchanged += total - changed
    stage.drop()
