"""Technology usage: the Schoology user-activities export, or a generic usage CSV, summed per
student × tool × week (weeks start on Monday) into `UsageWeek`.

* Schoology: `unique_user_id` is the OneRoster sourcedId; `time spent (seconds)` is the time;
  the day comes from `date` (MM/DD/YYYY) or `last_event_timestamp`; the tool is "Schoology".
  Rows of other roles (teachers, admins) are skipped.
* Generic: `student_id` or `class_id`, `tool`, `date` (YYYY-MM-DD or MM/DD/YYYY), `minutes`.
  A class row counts for every student enrolled in the class.

A file replaces the weeks it covers: importing it twice gives the same minutes, not double.
"""

from __future__ import annotations

import datetime
from typing import Any

from coachmap.core.models import District
from coachmap.roster.importers.cells import CellError, clean_text, parse_float, parse_us_date
from coachmap.roster.importers.report import MAX_LISTED, ImportRejected, Report
from coachmap.roster.importers.source import Progress, Source
from coachmap.roster.importers.staging import Stage, execute, fetchall, fetchone, is_distinct
from coachmap.roster.importers.vendor import open_vendor_file, unknown_students

SCHOOLOGY = {
    "student_id": ["unique_user_id"],
    "role": ["role_name"],
    "seconds": ["time spent (seconds)"],
    "date": ["date"],
    "timestamp": ["last_event_timestamp"],
    "events": ["event_count"],
}
GENERIC = {
    "student_id": ["student_id", "studentSourcedId", "student"],
    "class_id": ["class_id", "classSourcedId", "class", "section_id"],
    "tool": ["tool", "app", "application", "product"],
    "date": ["date", "day", "usage_date"],
    "minutes": ["minutes", "time_minutes", "minutes_used"],
}


def monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def run(
    *, source: Source, district: District, report: Report, progress: Progress | None = None, **_: Any
) -> None:
    opened = open_vendor_file(source, report, progress)
    table, header, file = opened.table, opened.header, opened.name
    schoology = opened.columns(SCHOOLOGY)
    stage = Stage(
        "usage",
        [
            ("student_ref", "text"),
            ("class_ref", "text"),
            ("tool", "text"),
            ("week", "date"),
            ("minutes", "float"),
            ("events", "int"),
        ],
    ).create()
    if "student_id" in schoology and "seconds" in schoology:
        _read_schoology(table, schoology, header, stage, report)
    else:
        columns = opened.columns(GENERIC)
        opened.require(report, columns, ["tool", "date", "minutes"])
        if "student_id" not in columns and "class_id" not in columns:
            report.problem(file, 1, "student_id", "", "missing required column student_id (or class_id)")
        opened.reject_on_problems(report)
        _read_generic(table, columns, header, stage, report)
    stage.index("student_ref")
    _check(stage, district, report, file, header)
    if not report.ok:
        raise ImportRejected(report)
    _merge(district, report)
    stage.drop()


def _read_schoology(
    table: Any, columns: dict[str, int], header: list[str], stage: Stage, report: Report
) -> None:
    file = table.name
    skipped = 0
    with stage.writer() as write:
        for row, cells in table.rows():
            role = cells[columns["role"]].strip() if "role" in columns else "Student"
            sid = cells[columns["student_id"]].strip()
            if role.lower() != "student":
                skipped += 1
                continue
            if not sid:
                report.problem(file, row, "unique_user_id", "", "a student row needs unique_user_id")
                continue
            raw_seconds = cells[columns["seconds"]].strip()
            raw_day = cells[columns["date"]].strip() if "date" in columns else ""
            try:
                seconds = parse_float(raw_seconds) or 0.0
                if seconds < 0:
                    raise CellError("time spent cannot be negative")
            except CellError as exc:
                report.problem(file, row, header[columns["seconds"]], raw_seconds, str(exc))
                continue
            try:
                day = parse_us_date(raw_day or cells[columns["timestamp"]].strip()[:10])
            except (CellError, KeyError) as exc:
                report.problem(file, row, "date", raw_day, str(exc))
                continue
            events = cells[columns["events"]].strip() if "events" in columns else "1"
            write(
                (
                    row,
                    sid,
                    None,
                    "Schoology",
                    monday(day).isoformat(),
                    seconds / 60,
                    int(events) if events.isdigit() else 1,
                )
            )
    if skipped:
        report.entity("usage rows").skipped += skipped
        report.notes.append(
            f"{skipped:,} rows of teachers and administrators were skipped (time on task counts students)."
        )


def _read_generic(
    table: Any, columns: dict[str, int], header: list[str], stage: Stage, report: Report
) -> None:
    file = table.name
    with stage.writer() as write:
        for row, cells in table.rows():
            sid = cells[columns["student_id"]].strip() if "student_id" in columns else ""
            cid = cells[columns["class_id"]].strip() if "class_id" in columns else ""
            if bool(sid) == bool(cid):
                report.problem(
                    file, row, "student_id", sid or cid, "give a student_id or a class_id (one of them)"
                )
                continue
            try:
                tool = clean_text(cells[columns["tool"]].strip(), 100)
                if not tool:
                    raise CellError("a tool name is required")
            except CellError as exc:
                report.problem(file, row, header[columns["tool"]], cells[columns["tool"]], str(exc))
                continue
            raw_day = cells[columns["date"]].strip()
            try:
                day = parse_us_date(raw_day)
            except CellError as exc:
                report.problem(file, row, header[columns["date"]], raw_day, str(exc))
                continue
            raw_minutes = cells[columns["minutes"]].strip()
            try:
                minutes = parse_float(raw_minutes)
                if minutes is None or minutes < 0:
                    raise CellError("minutes must be a number ≥ 0")
            except CellError as exc:
                report.problem(file, row, header[columns["minutes"]], raw_minutes, str(exc))
                continue
            write((row, sid or None, cid or None, tool, monday(day).isoformat(), minutes, 1))


def _check(stage: Stage, district: District, report: Report, file: str, header: list[str]) -> None:
    unknown_students(stage, "student_ref", district.pk, report, file, "student_id")
    for row, value in fetchall(
        "SELECT s.row, s.class_ref FROM stg_usage s WHERE s.class_ref IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM roster_class c JOIN core_school sc ON sc.id = c.school_id "
        "WHERE sc.district_id = %s AND c.source_id = s.class_ref) "
        f"ORDER BY s.row LIMIT {MAX_LISTED}",
        [district.pk],
    ):
        report.problem(
            file, row, "class_id", value, "no class has this id: import the roster (OneRoster) first"
        )


def _merge(district: District, report: Report) -> None:
    d = district.pk
    execute("DROP TABLE IF EXISTS res_usage")
    execute(
        "CREATE TEMPORARY TABLE res_usage AS SELECT student_id, tool, week, SUM(minutes) AS minutes, "
        "SUM(events) AS events FROM ("
        "SELECT st.id AS student_id, s.tool, s.week, s.minutes, s.events FROM stg_usage s "
        "JOIN roster_student st ON st.district_id = %s AND st.source_id = s.student_ref "
        "UNION ALL SELECT e.student_id, s.tool, s.week, s.minutes, s.events FROM stg_usage s "
        "JOIN roster_class c ON c.source_id = s.class_ref JOIN core_school sc ON sc.id = c.school_id "
        "AND sc.district_id = %s JOIN roster_enrollment e ON e.klass_id = c.id AND e.student_id IS NOT NULL"
        ") AS u GROUP BY student_id, tool, week",
        [d, d],
    )
    table = "roster_usageweek"
    key = f"{table}.student_id = r.student_id AND {table}.tool = r.tool AND {table}.week = r.week"
    changed = execute(
        f"UPDATE {table} SET minutes = r.minutes, events = r.events FROM res_usage r WHERE {key} AND ("
        + is_distinct(f"{table}.minutes", "r.minutes")
        + " OR "
        + is_distinct(f"{table}.events", "r.events")
        + ")"
    )
    added = execute(
        f"INSERT INTO {table} (district_id, student_id, tool, week, minutes, events) "
        f"SELECT %s, r.student_id, r.tool, r.week, r.minutes, r.events FROM res_usage r "
        f"WHERE NOT EXISTS (SELECT 1 FROM {table} WHERE {key})",
        [d],
    )
    (total,) = fetchone("SELECT COUNT(*) FROM res_usage")
    counts = report.entity("student-weeks of usage")
    counts.added += added
    counts.changed += changed
    counts.unchanged += total - added - changed
    execute("DROP TABLE res_usage")
