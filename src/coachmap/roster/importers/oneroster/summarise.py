"""Phase 5, summarise: what follows from the merged rows (a school's grade span), and the
staging tables dropped."""

from __future__ import annotations

from django.db import connection

from coachmap.roster.importers.oneroster.state import ImportState
from coachmap.roster.importers.staging import execute, fetchall, vendor


def summarise(st: ImportState) -> None:
    if "users" in st.stages:
        st.progress("Updating schools' grade spans", 0, 1)
        school_grade_spans(st)
    drop_stages(st)


def drop_stages(st: ImportState) -> None:
    for stage in st.stages.values():
        stage.drop()
    for table in ("map_school", "map_class", "map_lineitem", "map_teacher"):
        execute(f"DROP TABLE IF EXISTS {table}")


def school_grade_spans(st: ImportState) -> None:
    """A school's grade span follows the grades of its students: one statement for every
    school of the district (not one update a school)."""
    if vendor() == "sqlite":
        # SQLite evaluates the grouped subquery of an UPDATE … FROM once a school: the spans
        # are read once instead and written by one statement with many parameter sets.
        spans = fetchall(
            "SELECT MIN(grade), MAX(grade), school_id, MIN(grade), MAX(grade) FROM roster_student "
            "WHERE district_id = %s GROUP BY school_id",
            [st.district_id],
        )
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE core_school SET grade_low = %s, grade_high = %s WHERE id = %s "
                "AND (grade_low <> %s OR grade_high <> %s)",
                spans,
            )
        return
    execute(
        "UPDATE core_school SET grade_low = span.low, grade_high = span.high FROM "
        "(SELECT school_id, MIN(grade) AS low, MAX(grade) AS high FROM roster_student "
        "WHERE district_id = %s GROUP BY school_id) span "
        "WHERE core_school.id = span.school_id "
        "AND (core_school.grade_low <> span.low OR core_school.grade_high <> span.high)",
        [st.district_id],
    )
