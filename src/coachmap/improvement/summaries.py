"""Rebuilding the summary tables from the raw data, one district at a time.

Each table is refilled by one `INSERT … SELECT … GROUP BY` over the raw rows, so a rebuild costs
about one pass over the district's results. Growth pairs each winter or spring score with the
fall score of the same assessment (same name, subject and school year) through the unique
(assessment, student) index. Imports call `summaries_rebuild(district=...)` after they load;
`coachmap rebuild-summaries` does it by hand.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from coachmap.core.models import District, School
from coachmap.core.schoolyear import school_year_of
from coachmap.improvement.models import (
    AuditedTable,
    EnrollmentCell,
    ResultCell,
    SummaryState,
    TurnaroundCell,
    UsageCell,
)
from coachmap.improvement.outcome_rows import outcome_students_rebuild
from coachmap.roster.models import (
    Assessment,
    Class,
    LineItem,
    Result,
    Score,
    Student,
    UsageWeek,
    Window,
)

DEMOGRAPHICS = ["race_ethnicity", "english_learner", "disability", "econ_disadvantaged", "gender"]


@dataclass(frozen=True)
class RebuildReport:
    district: District
    result_cells: int
    enrollment_cells: int
    usage_cells: int
    turnaround_cells: int
    outcome_students: int
    seconds: float


def _t(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def fall_pairs(district: District) -> dict[int, int]:
    """Winter and spring assessments → the fall assessment of the same name, subject and year."""
    assessments = list(
        Assessment.objects.filter(district=district).values("id", "name", "subject", "school_year", "window")
    )
    fall = {
        (a["name"], a["subject"], a["school_year"]): a["id"]
        for a in assessments
        if a["window"] == Window.FALL
    }
    return {
        a["id"]: fall[(a["name"], a["subject"], a["school_year"])]
        for a in assessments
        if a["window"] in (Window.WINTER, Window.SPRING)
        and (a["name"], a["subject"], a["school_year"]) in fall
    }


CELL_COLUMNS = (
    "district_id, school_id, assessment_id, grade, race_ethnicity, english_learner, disability, "
    "econ_disadvantaged, gender, tested, proficient, scored, score_sum, matched, growth_sum, moved_matched, "
    "moved_growth_sum, off_roster, off_grade"
)


def _kept_from(district: District) -> datetime.date | None:
    """The first day whose student-level data are still held; None when nothing was deleted under
    the retention setting (improvement/retention.py). Cells of older days are kept as they were
    built: their raw rows are gone."""
    return District.objects.filter(pk=district.pk).values_list("student_data_kept_from", flat=True).first()


def live_assessment_ids(district: District, kept_from: datetime.date | None) -> list[int]:
    assessments = Assessment.objects.filter(district=district)
    if kept_from is not None:
        assessments = assessments.filter(school_year__gte=school_year_of(kept_from))
    return sorted(assessments.values_list("id", flat=True))


def result_cells_select(district: District, ids: list[int]) -> tuple[str, list[int]]:
    """The one GROUP BY over the district's results that yields its school cells (CELL_COLUMNS order)."""
    pairs = fall_pairs(district)
    # `ids`: the district's assessments as a list, not a subquery, so the planner sees how many
    # results it will read (an estimate of one row makes PostgreSQL loop over an index instead).
    demographics = ", ".join(f"s.{c}" for c in DEMOGRAPHICS)
    params: list[int] = []
    if pairs:
        whens = " ".join("WHEN %s THEN %s" for _ in pairs)
        falls = ", ".join("%s" for _ in set(pairs.values()))
        params = [*sorted(set(pairs.values())), *(value for pair in sorted(pairs.items()) for value in pair)]
        fall_join = f"""
            LEFT JOIN (
                SELECT assessment_id, student_id, school_id, scale_score FROM {_t(Result)}
                WHERE assessment_id IN ({falls}) AND scale_score IS NOT NULL
            ) f ON f.assessment_id = (CASE r.assessment_id {whens} END)
                AND f.student_id = r.student_id AND r.scale_score IS NOT NULL"""  # noqa: S608
        same = "f.school_id = r.school_id"
        growth = (
            f"COUNT(CASE WHEN {same} THEN f.scale_score END) AS matched,"
            f" COALESCE(SUM(CASE WHEN {same} THEN r.scale_score - f.scale_score END), 0) AS growth_sum,"
            f" COUNT(CASE WHEN f.school_id <> r.school_id THEN f.scale_score END) AS moved_matched,"
            f" COALESCE(SUM(CASE WHEN f.school_id <> r.school_id THEN r.scale_score - f.scale_score END), 0)"
            " AS moved_growth_sum"
        )
    else:
        fall_join = ""
        growth = "0 AS matched, 0 AS growth_sum, 0 AS moved_matched, 0 AS moved_growth_sum"
    # The district is a constant, left out of the grouping so the hash table stays small.
    sql = f"""
        SELECT {district.pk:d} AS district_id, r.school_id, r.assessment_id, r.grade, {demographics},
            COUNT(*) AS tested, SUM(CASE WHEN r.proficient THEN 1 ELSE 0 END) AS proficient,
            COUNT(r.scale_score) AS scored, COALESCE(SUM(r.scale_score), 0) AS score_sum, {growth},
            SUM(CASE WHEN s.school_id = r.school_id AND s.grade = r.grade THEN 0 ELSE 1 END) AS off_roster,
            SUM(CASE WHEN s.grade = r.grade THEN 0 ELSE 1 END) AS off_grade
        FROM {_t(Result)} r
        JOIN {_t(Student)} s ON s.id = r.student_id
        {fall_join}
        WHERE r.assessment_id IN ({", ".join("%s" for _ in ids) or "NULL"})
        GROUP BY r.school_id, r.assessment_id, r.grade, {demographics}
    """  # noqa: S608 - table names are quoted model metadata; values are parameters
    return sql, [*params, *ids]


def _result_cells(district: District, ids: list[int]) -> int:
    select, params = result_cells_select(district, ids)
    table = _t(ResultCell)
    live = ", ".join("%s" for _ in ids) or "NULL"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # PostgreSQL runs INSERT … SELECT on one core but CREATE TABLE AS in parallel: aggregate
            # into a scratch table, then copy in by window, so one window's cells lie together on
            # disk for the district comparison.
            cursor.execute(f"CREATE TEMPORARY TABLE coachmap_cells ON COMMIT DROP AS {select}", params)
            cursor.execute(f"INSERT INTO {table} ({CELL_COLUMNS}) SELECT * FROM coachmap_cells ORDER BY 3, 2")  # noqa: S608
            inserted = cursor.rowcount
            cursor.execute("DROP TABLE coachmap_cells")
        else:
            cursor.execute(f"INSERT INTO {table} ({CELL_COLUMNS}) {select}", params)
            inserted = cursor.rowcount
        columns = ", ".join(DEMOGRAPHICS)
        cursor.execute(
            f"""
            INSERT INTO {table} ({CELL_COLUMNS})
            SELECT district_id, NULL, assessment_id, grade, {columns},
                SUM(tested), SUM(proficient), SUM(scored), SUM(score_sum), SUM(matched + moved_matched),
                SUM(growth_sum + moved_growth_sum), 0, 0, SUM(off_grade), SUM(off_grade)
            FROM {table}
            WHERE district_id = %s AND school_id IS NOT NULL AND assessment_id IN ({live})
            GROUP BY district_id, assessment_id, grade, {columns}
            """,  # noqa: S608
            [district.pk, *ids],
        )
        return int(inserted + cursor.rowcount)


def _enrollment_cells(district: District) -> int:
    columns = ", ".join(DEMOGRAPHICS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {_t(EnrollmentCell)} (district_id, school_id, grade, {columns}, students)
            SELECT district_id, school_id, grade, {columns}, COUNT(*)
            FROM {_t(Student)} WHERE district_id = %s
            GROUP BY district_id, school_id, grade, {columns}
            UNION ALL
            SELECT district_id, NULL, grade, {columns}, COUNT(*)
            FROM {_t(Student)} WHERE district_id = %s
            GROUP BY district_id, grade, {columns}
            """,  # noqa: S608
            [district.pk, district.pk],
        )
        return int(cursor.rowcount)


def _usage_cells(district: District, kept_from: datetime.date | None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {_t(UsageCell)} (district_id, school_id, tool, week, students, minutes)
            SELECT u.district_id, s.school_id, LOWER(TRIM(u.tool)), u.week, COUNT(DISTINCT u.student_id), SUM(u.minutes)
            FROM {_t(UsageWeek)} u JOIN {_t(Student)} s ON s.id = u.student_id
            WHERE u.district_id = %s AND u.minutes > 0 AND u.week >= %s
            GROUP BY u.district_id, s.school_id, LOWER(TRIM(u.tool)), u.week
            """,  # noqa: S608
            # Weeks before the retention cut keep their cells: any raw row of theirs is not counted twice.
            [district.pk, kept_from or datetime.date.min],
        )
        return int(cursor.rowcount)


def _turnaround_cells(district: District) -> int:
    """Days from due date to score, by school, subject and month of the due date.

    Scores are first summed per line item (count, and the sum of their dates as day numbers),
    then each line item's due date is taken off once per score: one narrow pass over the
    district's scores instead of a join of every score to its line item, class and school."""
    if connection.vendor == "postgresql":
        month = "CAST(date_trunc('month', li.due_date) AS date)"
        day = "({} - DATE '2000-01-01')"
        scan = ""
    else:
        month = "date(li.due_date, 'start of month')"
        day = "julianday({})"
        # Read the scores in table order: walking them by line item through the unique index
        # costs a random page read per score, three times slower right after a big import.
        scan = "NOT INDEXED"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {_t(TurnaroundCell)} (district_id, school_id, subject, month, scores, days_sum)
            SELECT sch.district_id, c.school_id, c.subject, {month}, SUM(x.scores),
                SUM(x.day_sum - x.scores * {day.format("li.due_date")})
            FROM (
                SELECT line_item_id, COUNT(*) AS scores, SUM({day.format("score_date")}) AS day_sum
                FROM {_t(Score)} {scan} WHERE score_date IS NOT NULL AND line_item_id IN (
                    SELECT li.id FROM {_t(LineItem)} li JOIN {_t(Class)} c ON c.id = li.klass_id
                    JOIN {_t(School)} sch ON sch.id = c.school_id WHERE sch.district_id = %s
                )
                GROUP BY line_item_id
            ) x
            JOIN {_t(LineItem)} li ON li.id = x.line_item_id
            JOIN {_t(Class)} c ON c.id = li.klass_id
            JOIN {_t(School)} sch ON sch.id = c.school_id
            WHERE sch.district_id = %s AND li.due_date IS NOT NULL
            GROUP BY sch.district_id, c.school_id, c.subject, {month}
            """,  # noqa: S608
            [district.pk, district.pk],
        )
        return int(cursor.rowcount)


def summaries_rebuild(*, district: District) -> RebuildReport:
    """Recreate a district's summary tables from its raw results, roster, usage and gradebook, in one transaction."""
    started = time.perf_counter()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # One hash aggregate over the district's results; let it stay in memory for this transaction.
                cursor.execute("SET LOCAL work_mem = '256MB'")
                # Fresh statistics for the small tables the summaries join through: right after
                # a district's first import PostgreSQL would take 1,000 schools for one, and walk
                # millions of scores through an index instead of reading them in one pass.
                for dimension in (School, Class, LineItem):
                    cursor.execute(f"ANALYZE {_t(dimension)}")
        # Audits of the old figures go too: they are derived from them (and a new table misses anyway).
        for model in (EnrollmentCell, AuditedTable):
            model.objects.filter(district=district).delete()
        # Cells of years whose student-level data were deleted (retention) stay as they were built.
        kept_from = _kept_from(district)
        results = ResultCell.objects.filter(district=district)
        usage = UsageCell.objects.filter(district=district)
        turnaround = TurnaroundCell.objects.filter(district=district)
        if kept_from is not None:
            results = results.filter(assessment__school_year__gte=school_year_of(kept_from))
            usage = usage.filter(week__gte=kept_from)
            turnaround = turnaround.filter(month__gte=kept_from)
        for cells in (results, usage, turnaround):
            cells.delete()
        live_ids = live_assessment_ids(district, kept_from)
        result_cells = _result_cells(district, live_ids)
        enrollment_cells = _enrollment_cells(district)
        usage_cells = _usage_cells(district, kept_from)
        turnaround_cells = _turnaround_cells(district)
        outcome_students = outcome_students_rebuild(district=district, live_ids=live_ids)
        seconds = time.perf_counter() - started
        SummaryState.objects.update_or_create(
            district=district,
            defaults={"built_at": timezone.now(), "seconds": seconds, "result_cells": result_cells},
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {_t(ResultCell)}")
    return RebuildReport(
        district, result_cells, enrollment_cells, usage_cells, turnaround_cells, outcome_students, seconds
    )
