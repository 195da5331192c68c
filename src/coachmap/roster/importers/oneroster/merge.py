"""Phase 4, merge: the set-based merge: removals first (dependants before what they depend on),
then updates and inserts, matched by sourcedId within the district. What is not a plain staged
table (the district, schools, small files, teachers, demographics) is `merge_entities`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models

from coachmap.roster.importers.oneroster import impact, merge_entities
from coachmap.roster.importers.oneroster.state import ImportState
from coachmap.roster.importers.staging import (
    analyze,
    as_json,
    execute,
    fetchall,
    fetchone,
    indexes_built_after,
    is_distinct,
)
from coachmap.roster.models import (
    AcademicSession,
    Category,
    Class,
    Course,
    Enrollment,
    LineItem,
    Score,
    Student,
)

DELETE_CHUNK = 2000
_DISTRICT_CLASSES = impact.DISTRICT_CLASSES


def merge(st: ImportState) -> None:
    merge_entities.district_and_schools(st)
    merge_entities.small_file(st, "academicSessions", AcademicSession, "academic sessions")
    merge_entities.small_file(st, "courses", Course, "courses")
    merge_entities.small_file(st, "categories", Category, "categories")
    d = st.district_id
    scopes = impact.scopes(d)
    plans = [
        ("results", "results", Score, ""),
        ("line items", "lineItems", LineItem, ""),
        ("enrollments", "enrollments", Enrollment, ""),
        ("students", "users", Student, "AND kind = 'student'"),
        ("classes", "classes", Class, ""),
    ]
    # Removals first, dependants before what they depend on, so each file's count is its own.
    for entity, file, model, staged_filter in plans:
        if st.stage_of(file) is not None:
            st.progress(f"Removing {entity} no longer in the roster", 0, 1)
            scope, params = scopes[entity]
            _remove(st, entity, file, model, scope=scope, params=params, staged_filter=staged_filter)
    # Schools by sourcedId: the partial unique index on core_school cannot serve these joins.
    _map(
        st,
        "map_school",
        "SELECT sch.source_id, sch.id FROM core_school sch WHERE sch.district_id = %s AND sch.source_id <> ''",
        [d],
    )
    if "classes" in st.stages:
        st.progress("Saving classes", 0, 1)
        _upsert(
            st,
            entity="classes",
            file="classes",
            model=Class,
            res_sql=(
                "SELECT s.source_id, sch.id AS school_id, s.title, s.code AS course_code, s.grades, "
                "s.subject, co.id AS course_id FROM stg_classes s "
                "JOIN map_school sch ON sch.source_id = s.school_ref "
                "LEFT JOIN roster_course co ON co.district_id = %s AND co.source_id = s.course_ref "
                "WHERE s.status = 'active'"
            ),
            res_params=[d],
            columns=["school_id", "title", "course_code", "grades", "subject", "course_id"],
            json_columns={"grades"},
            scope=scopes["classes"],
        )
    _map(
        st,
        "map_class",
        f"SELECT c.source_id, c.id FROM roster_class c WHERE c.id IN ({_DISTRICT_CLASSES})",
        [d],
    )
    (st.last_student_id,) = fetchone("SELECT COALESCE(MAX(id), 0) FROM roster_student")
    if "users" in st.stages:
        st.progress("Saving students", 0, 1)
        _upsert(
            st,
            entity="students",
            file="users",
            model=Student,
            # New students get their demographics as they are inserted (one write, not two).
            res_sql=(
                "SELECT s.source_id, sch.id AS school_id, s.grade, "
                + (
                    "COALESCE(dm.race, 'unknown') AS race_ethnicity, COALESCE(dm.gender, 'unknown') AS gender "
                    "FROM stg_users s LEFT JOIN stg_demographics dm ON dm.source_id = s.source_id "
                    "AND dm.status = 'active' "
                    if "demographics" in st.stages
                    else "'unknown' AS race_ethnicity, 'unknown' AS gender FROM stg_users s "
                )
                + "JOIN map_school sch ON sch.source_id = s.school_ref "
                "WHERE s.status = 'active' AND s.kind = 'student'"
            ),
            res_params=[],
            columns=["school_id", "grade"],
            insert_only=["race_ethnicity", "gender"],
            constants={
                "district_id": d,
                "english_learner": False,
                "disability": False,
                "econ_disadvantaged": False,
            },
            scope=scopes["students"],
            staged_filter="AND kind = 'student'",
        )
        st.progress("Saving teachers", 0, 1)
        merge_entities.teachers(st)
        merge_entities.note_skipped_users(st)
    _map(
        st,
        "map_teacher",
        "SELECT t.source_id, t.id FROM core_teacher t JOIN core_school sc ON sc.id = t.school_id "
        "WHERE sc.district_id = %s AND t.source_id <> ''",
        [d],
    )
    if "enrollments" in st.stages:
        st.progress("Saving enrollments", 0, 1)
        _upsert(
            st,
            entity="enrollments",
            file="enrollments",
            model=Enrollment,
            res_sql=(
                "SELECT s.source_id, mc.id AS klass_id, st.id AS student_id, mt.id AS teacher_id, "
                's.is_primary AS "primary", s.begin_date, s.end_date FROM stg_enrollments s '
                "JOIN map_class mc ON mc.source_id = s.class_ref "
                "LEFT JOIN roster_student st ON s.role = 'student' AND st.district_id = %s "
                "AND st.source_id = s.user_ref "
                "LEFT JOIN map_teacher mt ON s.role = 'teacher' AND mt.source_id = s.user_ref "
                "WHERE s.status = 'active' AND (st.id IS NOT NULL OR mt.id IS NOT NULL)"
            ),
            res_params=[d],
            columns=["klass_id", "student_id", "teacher_id", '"primary"', "begin_date", "end_date"],
            scope=scopes["enrollments"],
            skipped_reason="enrollments of users coachmap does not import (guardians, aides, "
            "students without a PK–12 grade, teachers without a school) were skipped",
        )
    if "demographics" in st.stages:
        st.progress("Saving demographics", 0, 1)
        merge_entities.demographics(st)
    if "line_items" in st.stages:
        st.progress("Saving line items", 0, 1)
        _upsert(
            st,
            entity="line items",
            file="lineItems",
            model=LineItem,
            res_sql=(
                "SELECT s.source_id, mc.id AS klass_id, s.title, COALESCE(cat.title, '') AS category, "
                "s.assign_date, s.due_date, s.result_min, s.result_max FROM stg_line_items s "
                "JOIN map_class mc ON mc.source_id = s.class_ref "
                "LEFT JOIN roster_category cat ON cat.district_id = %s AND cat.source_id = s.category_ref "
                "WHERE s.status = 'active'"
            ),
            res_params=[d],
            columns=[
                "klass_id",
                "title",
                "category",
                "assign_date",
                "due_date",
                "result_min",
                "result_max",
            ],
            scope=scopes["line items"],
        )
    _map(
        st,
        "map_lineitem",
        "SELECT li.source_id, li.id FROM roster_lineitem li JOIN map_class mc ON mc.id = li.klass_id",
        [],
    )
    if "results" in st.stages:
        st.progress("Saving results", 0, 1)
        _upsert(
            st,
            entity="results",
            file="results",
            model=Score,
            res_sql=(
                "SELECT s.source_id, ml.id AS line_item_id, st.id AS student_id, s.score_status AS status, "
                "s.score, s.score_date FROM stg_results s "
                "JOIN map_lineitem ml ON ml.source_id = s.line_item_ref "
                "JOIN roster_student st ON st.district_id = %s AND st.source_id = s.student_ref "
                "WHERE s.status = 'active'"
            ),
            res_params=[d],
            columns=["line_item_id", "student_id", "status", "score", "score_date"],
            scope=scopes["results"],
            skipped_reason="results of students coachmap does not import were skipped",
        )


def _map(st: ImportState, name: str, sql: str, params: list[Any]) -> None:
    """A temporary source_id → id lookup for the district, indexed for the joins that follow."""
    execute(f"DROP TABLE IF EXISTS {name}")
    execute(f"CREATE TEMPORARY TABLE {name} AS {sql}", params)
    execute(f"CREATE INDEX {name}_source_id ON {name} (source_id)")
    analyze(name)


def _remove(
    st: ImportState,
    entity: str,
    file: str,
    model: type[models.Model],
    *,
    scope: str,
    params: list[Any],
    staged_filter: str,
) -> None:
    """Rows a bulk file no longer has, or a delta file marks `tobedeleted` (what `impact` counted)."""
    gone = impact.gone_sql(st, file, model._meta.db_table, scope, staged_filter)
    st.report.entity(entity).removed += _delete(st, model, gone, params)


def _upsert(
    st: ImportState,
    *,
    entity: str,
    file: str,
    model: type[models.Model],
    res_sql: str,
    res_params: list[Any],
    columns: list[str],
    scope: tuple[str, list[Any]],
    constants: dict[str, Any] | None = None,
    json_columns: set[str] = frozenset(),  # type: ignore[assignment]
    skipped_reason: str = "",
    staged_filter: str = "",
    insert_only: Sequence[str] = (),
) -> None:
    """Update and add `model` rows from the staged file, matched by source_id in `scope`."""
    table = model._meta.db_table
    counts = st.report.entity(entity)
    stage = st.stage_of(file)
    assert stage is not None  # noqa: S101
    scope_sql, scope_params = scope
    if stage.active_rows is not None and not staged_filter:
        staged_active = stage.active_rows  # counted as the bulk path proved the file
    else:
        (staged_active,) = fetchone(
            f"SELECT COUNT(*) FROM {stage.table} WHERE status = 'active' {staged_filter}"
        )
    (existing,) = fetchone(f"SELECT COUNT(*) FROM {table} WHERE {scope_sql}", scope_params)

    def value(c: str) -> str:
        return as_json(f"r.{c}") if c in json_columns else f"r.{c}"

    constants = constants or {}
    names = ["source_id", *columns, *insert_only, *constants]
    select = ", ".join(
        ["r.source_id", *(value(c) for c in [*columns, *insert_only])] + ["%s"] * len(constants)
    )
    changed = 0
    if not existing:
        # A first import: nothing to match against, so insert straight from the staged rows.
        with indexes_built_after(table):
            added = execute(
                f"INSERT INTO {table} ({', '.join(names)}) SELECT {select} FROM ({res_sql}) r",
                [*constants.values(), *res_params],
            )
        resolved = added
    else:
        res = f"res_{stage.name}"
        execute(f"DROP TABLE IF EXISTS {res}")
        execute(f"CREATE TEMPORARY TABLE {res} AS {res_sql}", res_params)
        execute(f"CREATE INDEX {res}_source_id ON {res} (source_id)")
        (resolved,) = fetchone(f"SELECT COUNT(*) FROM {res}")
        sets = ", ".join(f"{c} = {value(c)}" for c in columns)
        differs = " OR ".join(is_distinct(f"{table}.{c}", value(c)) for c in columns)
        changed = execute(
            f"UPDATE {table} SET {sets} FROM {res} r WHERE {table}.source_id = r.source_id "
            f"AND {scope_sql} AND ({differs})",
            scope_params,
        )
        added = execute(
            f"INSERT INTO {table} ({', '.join(names)}) SELECT {select} FROM {res} r "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} WHERE {table}.source_id = r.source_id AND {scope_sql})",
            [*constants.values(), *scope_params],
        )
        execute(f"DROP TABLE IF EXISTS {res}")
    counts.skipped += staged_active - resolved
    if staged_active - resolved and skipped_reason:
        st.report.notes.append(f"{staged_active - resolved:,} {skipped_reason}.")
    counts.added += added
    counts.changed += changed
    counts.unchanged += resolved - added - changed


def _delete(st: ImportState, model: type[models.Model], ids_sql: str, params: list[Any]) -> int:
    """Delete through the ORM in chunks, so every cascade in every app is honoured (`impact`
    counted and reported them before the merge began)."""
    ids = [pk for (pk,) in fetchall(ids_sql, params)]
    for start in range(0, len(ids), DELETE_CHUNK):
        model._default_manager.filter(pk__in=ids[start : start + DELETE_CHUNK]).delete()
    return len(ids)
