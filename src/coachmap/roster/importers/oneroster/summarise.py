"""Phase 5, summarise: what follows from the merged rows (a school's grade span), and the
staging tables dropped."""

from __future__ import annotations

from coachmap.core.models import School
from coachmap.roster.importers.oneroster.state import ImportState
from coachmap.roster.importers.staging import execute, fetchall


def summarise(st: ImportState) -> None:
    if "users" in st.stages:
        school_grade_spans(st)
    drop_stages(st)


def drop_stages(st: ImportState) -> None:
    for stage in st.stages.values():
        stage.drop()
    for table in ("map_school", "map_class", "map_lineitem", "map_teacher"):
        execute(f"DROP TABLE IF EXISTS {table}")


def school_grade_spans(st: ImportState) -> None:
    """A school's grade span follows the grades of its students."""
    for school_id, low, high in fetchall(
        "SELECT school_id, MIN(grade), MAX(grade) FROM roster_student WHERE district_id = %s GROUP BY school_id",
        [st.district_id],
    ):
        School.objects.filter(pk=school_id).exclude(grade_low=low, grade_high=high).update(
            grade_low=low, grade_high=high
        )
