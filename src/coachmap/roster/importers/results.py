"""Student assessment results from a vendor's CSV, read through a column mapping.

Every vendor names its columns differently, so a mapping says which header holds each of
coachmap's fields. A saved mapping (per district and source name) is used when given;
otherwise the mapping is guessed from the header names and reported, and saved under the
source name for next time. Results are matched on (assessment, student): importing a file
again updates scores rather than adding rows.
"""

from __future__ import annotations

import datetime
from typing import Any

from coachmap.core.models import District
from coachmap.core.schoolyear import school_year_of
from coachmap.roster.importers.cells import (
    CellError,
    clean_text,
    grade_from_text,
    parse_float,
    parse_id,
    parse_proficient,
    parse_us_date,
)
from coachmap.roster.importers.oneroster.spec import subject_of
from coachmap.roster.importers.report import MAX_LISTED, ImportRejected, Report
from coachmap.roster.importers.source import Progress, Source
from coachmap.roster.importers.staging import Stage, execute, fetchall, fetchone, is_distinct
from coachmap.roster.importers.vendor import find_columns, norm, open_vendor_file, unknown_students
from coachmap.roster.models import Assessment

FIELDS: dict[str, list[str]] = {
    "student_id": [
        "student_id",
        "student sourcedId",
        "studentSourcedId",
        "student number",
        "local id",
        "sis id",
        "state id",
        "student",
    ],
    "assessment": ["assessment", "assessment name", "test", "test name", "assessment_name"],
    "subject": ["subject", "content area", "discipline", "course"],
    "grade": ["grade", "grade level", "enrolled grade", "student grade"],
    "window": ["window", "test window", "term", "season", "period", "administration"],
    "date": ["date", "test date", "completion date", "administered on", "assessment date", "completed"],
    "school_year": ["school_year", "school year", "year"],
    "scale_score": ["scale_score", "scale score", "score", "rit score", "ss", "scaled score"],
    "performance_level": [
        "performance_level",
        "performance level",
        "achievement level",
        "proficiency level",
        "level",
    ],
    "proficient": ["proficient", "met standard", "is proficient", "meets standard", "proficiency"],
}
REQUIRED = ["student_id", "subject"]
WINDOWS = {
    "fall": "fall",
    "boy": "fall",
    "beginning of year": "fall",
    "winter": "winter",
    "moy": "winter",
    "middle of year": "winter",
    "spring": "spring",
    "eoy": "spring",
    "end of year": "spring",
    "state": "state",
    "summative": "state",
    "other": "other",
}


def guess_mapping(header: list[str]) -> dict[str, str]:
    """coachmap field → header, from common vendor names."""
    found = find_columns(header, FIELDS)
    return {field: header[i] for field, i in found.items()}


def window_of(text: str, day: datetime.date | None) -> str:
    low = text.strip().lower()
    for word, window in WINDOWS.items():
        if word in low:
            return window
    if low:
        raise CellError("unknown window: expected fall, winter, spring, state or other (or BOY/MOY/EOY)")
    if day is None:
        raise CellError("a window or a date is required")
    return "fall" if 8 <= day.month <= 11 else "winter" if day.month in (12, 1, 2) else "spring"  # noqa: PLR2004 - the results and published importers are being reworked (issue 13); split there


def run(  # noqa: PLR0912, PLR0915 - the results and published importers are being reworked (issue 13); split there
    *,
    source: Source,
    district: District,
    report: Report,
    progress: Progress | None = None,
    mapping: dict[str, str] | None = None,
    **_: Any,
) -> None:
    opened = open_vendor_file(source, report, progress)
    table, header, file = opened.table, opened.header, opened.name
    if mapping is None:
        mapping = guess_mapping(header)
        report.notes.append(
            "Columns matched by their names: " + ", ".join(f"{k} ← {v}" for k, v in mapping.items()) + "."
        )
    report.mapping = dict(mapping)
    positions = {norm(h): i for i, h in enumerate(header)}
    columns: dict[str, int] = {}
    for field, name in mapping.items():
        if field not in FIELDS:
            report.problem(file, 1, name, field, f"the mapping names an unknown field {field}")
        elif norm(name) in positions:
            columns[field] = positions[norm(name)]
        else:
            report.problem(file, 1, name, "", f"the mapping's column {name} (for {field}) is not in the file")
    for field in REQUIRED:
        if field not in mapping:
            report.problem(file, 1, field, "", f"missing required column {field}: no header looks like it")
    if "window" not in mapping and "date" not in mapping:
        report.problem(file, 1, "date", "", "missing required column: a test date or a window")
    opened.reject_on_problems(report)
    stage = Stage(
        "results",
        [
            ("student_ref", "text"),
            ("assessment", "text"),
            ("subject", "text"),
            ("school_year", "int"),
            ("win", "text"),
            ("day", "date"),
            ("grade", "int"),
            ("scale_score", "float"),
            ("performance_level", "text"),
            ("proficient", "bool"),
        ],
    ).create()
    default_name = "Assessment"

    def cell(cells: list[str], field: str) -> str:
        return cells[columns[field]].strip() if field in columns else ""

    with stage.writer() as write:
        for row, cells in table.rows():
            field = "student_id"
            try:
                student = parse_id(cell(cells, "student_id"), "student")
                field = "assessment"
                name = clean_text(cell(cells, "assessment"), 200) or default_name
                field = "subject"
                raw_subject = cell(cells, "subject")
                subject = subject_of(raw_subject)
                if subject == "other" and raw_subject.lower() not in ("other", ""):
                    raise CellError(
                        "unknown subject: expected ELA (reading), math, science or social studies"
                    )
                field = "date"
                day = parse_us_date(cell(cells, "date")) if cell(cells, "date") else None
                field = "window"
                window = window_of(cell(cells, "window"), day)
                field = "school_year"
                raw_year = cell(cells, "school_year")
                if raw_year:
                    year = int(raw_year[-4:]) if raw_year[-4:].isdigit() else None
                    if year is None:
                        raise CellError("a school year such as 2026 (or 2025-2026) is required")
                elif day is not None:
                    year = school_year_of(day)
                else:
                    raise CellError("a school year or a test date is required")
                field = "grade"
                grade = grade_from_text(cell(cells, "grade")) if cell(cells, "grade") else None
                field = "scale_score"
                scale = parse_float(cell(cells, "scale_score"))
                field = "performance_level"
                level = clean_text(cell(cells, "performance_level"), 40)
                field = "proficient"
                proficient = parse_proficient(cell(cells, "proficient"))
            except CellError as exc:
                column = mapping.get(field, field)
                report.problem(file, row, column, cell(cells, field), str(exc))
                continue
            write(
                (
                    row,
                    student,
                    name,
                    subject,
                    year,
                    window,
                    day.isoformat() if day else None,
                    grade,
                    scale,
                    level,
                    proficient,
                )
            )
    stage.index("student_ref")
    _check(stage, district, report, file, mapping)
    if not report.ok:
        raise ImportRejected(report)
    _merge(district, report)
    stage.drop()


def _check(stage: Stage, district: District, report: Report, file: str, mapping: dict[str, str]) -> None:
    column = mapping.get("student_id", "student_id")
    unknown_students(stage, "student_ref", district.pk, report, file, column)
    for student, first, row in fetchall(
        "SELECT student_ref, MIN(row), MAX(row) FROM stg_results "
        "GROUP BY student_ref, assessment, subject, school_year, win HAVING COUNT(*) > 1 "
        f"ORDER BY MIN(row) LIMIT {MAX_LISTED}"
    ):
        report.problem(
            file, row, column, student, f"a second result for this student on the same test: see row {first}"
        )


def _merge(district: District, report: Report) -> None:
    counts = report.entity("assessments")
    for name, subject, year, window, day in fetchall(
        "SELECT assessment, subject, school_year, win, MIN(day) FROM stg_results "
        "GROUP BY assessment, subject, school_year, win"
    ):
        when = day if isinstance(day, datetime.date) or day is None else datetime.date.fromisoformat(day)
        _, created = Assessment.objects.get_or_create(
            district=district,
            name=name,
            subject=subject,
            school_year=year,
            window=window,
            defaults={"administered_on": when},
        )
        counts.added += created
        counts.unchanged += not created
    d = district.pk
    execute("DROP TABLE IF EXISTS res_results")
    execute(
        "CREATE TEMPORARY TABLE res_results AS SELECT a.id AS assessment_id, st.id AS student_id, "
        "st.school_id AS school_id, COALESCE(s.grade, st.grade) AS grade, s.scale_score, "
        "s.performance_level, s.proficient FROM stg_results s "
        "JOIN roster_student st ON st.district_id = %s AND st.source_id = s.student_ref "
        "JOIN roster_assessment a ON a.district_id = %s AND a.name = s.assessment AND a.subject = s.subject "
        'AND a.school_year = s.school_year AND a."window" = s.win',
        [d, d],
    )
    table = "roster_result"
    key = f"{table}.assessment_id = r.assessment_id AND {table}.student_id = r.student_id"
    fields = ["school_id", "grade", "scale_score", "performance_level", "proficient"]
    changed = execute(
        f"UPDATE {table} SET "
        + ", ".join(f"{f} = r.{f}" for f in fields)
        + f" FROM res_results r WHERE {key} AND ("
        + " OR ".join(is_distinct(f"{table}.{f}", f"r.{f}") for f in fields)
        + ")"
    )
    added = execute(
        f"INSERT INTO {table} (assessment_id, student_id, {', '.join(fields)}) "
        f"SELECT r.assessment_id, r.student_id, {', '.join('r.' + f for f in fields)} FROM res_results r "
        f"WHERE NOT EXISTS (SELECT 1 FROM {table} WHERE {key})"
    )
    (total,) = fetchone("SELECT COUNT(*) FROM res_results")
    results = report.entity("results")
    results.added += added
    results.changed += changed
    results.unchanged += total - added - changed
    execute("DROP TABLE res_results")
