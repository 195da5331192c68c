"""Between check and merge: what the bundle would remove, counted in SQL before anything changes.

The merge removes rows a bulk file no longer has (or a delta file marks `tobedeleted`), and
the database takes with them everything that hangs on them: a student's enrollments,
assessment results, weeks of usage and gradebook scores; a class's enrollments, gradebook
assignments and their scores. `measure` counts all of it with the same statements the merge
deletes by (`gone_sql`), so the plain-words effect (`effect.sentence`) is what the merge will
do; `effect.decide` then holds the import or lets the merge run. A check (dry run) stops here:
`preview` adds what the bundle would add and ends the import without a merge.
"""

from __future__ import annotations

from typing import Any

from coachmap.roster.importers import effect
from coachmap.roster.importers.oneroster.state import ImportState
from coachmap.roster.importers.staging import execute, fetchone

DISTRICT_CLASSES = (
    "SELECT c.id FROM roster_class c JOIN core_school sc ON sc.id = c.school_id WHERE sc.district_id = %s"
)
# What the merge removes, dependants first: (what, file, table, staged filter).
PLANS = [
    ("results", "results", "roster_score", ""),
    ("line items", "lineItems", "roster_lineitem", ""),
    ("enrollments", "enrollments", "roster_enrollment", ""),
    ("students", "users", "roster_student", "AND kind = 'student'"),
    ("classes", "classes", "roster_class", ""),
]


def scopes(d: int) -> dict[str, tuple[str, list[Any]]]:
    """Each table's rows that belong to district `d`."""
    return {
        "classes": ("roster_class.school_id IN (SELECT id FROM core_school WHERE district_id = %s)", [d]),
        "students": ("roster_student.district_id = %s", [d]),
        "enrollments": (f"roster_enrollment.klass_id IN ({DISTRICT_CLASSES})", [d]),
        "line items": (f"roster_lineitem.klass_id IN ({DISTRICT_CLASSES})", [d]),
        "results": (
            "roster_score.line_item_id IN (SELECT li.id FROM roster_lineitem li WHERE li.klass_id IN "
            f"({DISTRICT_CLASSES}))",
            [d],
        ),
    }


def gone_sql(st: ImportState, file: str, table: str, scope: str, staged_filter: str) -> str:
    """The ids of `table` the bundle removes: rows a bulk file no longer has, or a delta file
    marks `tobedeleted`."""
    stage = st.stage_of(file)
    assert stage is not None  # noqa: S101
    if st.manifest.mode(file) == "bulk":
        return (
            f"SELECT id FROM {table} WHERE {scope} AND NOT EXISTS (SELECT 1 FROM {stage.table} s "
            f"WHERE s.source_id = {table}.source_id AND s.status = 'active' {staged_filter})"
        )
    return (
        f"SELECT id FROM {table} WHERE {scope} AND EXISTS (SELECT 1 FROM {stage.table} s "
        f"WHERE s.source_id = {table}.source_id AND s.status <> 'active')"
    )


def measure(st: ImportState) -> None:
    """Record on the report what the merge would remove, with everything that goes with it."""
    if st.district is None:
        return  # a first bundle: nothing to remove
    st.progress("Counting what the roster no longer has", 0, 1)
    d = st.district.pk
    scope = scopes(d)
    for what, file, table, staged_filter in PLANS:
        _gone_table(f"gone_{table}", st, what, file, table, scope[what], staged_filter)
    _gone_teachers(st, d)

    def count(sql: str, params: list[Any] | None = None) -> int:
        (n,) = fetchone(sql, params or [])
        return int(n)

    students = "SELECT id FROM gone_roster_student"
    classes = "SELECT id FROM gone_roster_class"
    items = (
        f"SELECT id FROM roster_lineitem WHERE {scope['line items'][0]} AND (id IN (SELECT id FROM "
        f"gone_roster_lineitem) OR klass_id IN ({classes}))"
    )
    existing = {
        what: count(f"SELECT COUNT(*) FROM {table} WHERE {scope[what][0]}", [d])
        for what, _, table, _ in PLANS
    }
    existing["teachers"] = count("SELECT COUNT(*) FROM district_teachers")
    removed = {
        "students": count(f"SELECT COUNT(*) FROM ({students}) g"),
        "teachers": count("SELECT COUNT(*) FROM gone_teachers"),
        "classes": count(f"SELECT COUNT(*) FROM ({classes}) g"),
        "enrollments": count(
            f"SELECT COUNT(*) FROM roster_enrollment WHERE {scope['enrollments'][0]} AND (id IN (SELECT id "
            f"FROM gone_roster_enrollment) OR klass_id IN ({classes}) OR student_id IN ({students}) "
            "OR teacher_id IN (SELECT id FROM gone_teachers))",
            [d],
        ),
        "gradebook assignments": count(f"SELECT COUNT(*) FROM ({items}) g", [d]),
        "gradebook scores": count(
            f"SELECT COUNT(*) FROM roster_score WHERE {scope['results'][0]} AND (id IN (SELECT id FROM "
            f"gone_roster_score) OR line_item_id IN ({items}) OR student_id IN ({students}))",
            [d, d],
        ),
        "assessment results": count(f"SELECT COUNT(*) FROM roster_result WHERE student_id IN ({students})"),
        "weeks of usage": count(f"SELECT COUNT(*) FROM roster_usageweek WHERE student_id IN ({students})"),
    }
    existing["gradebook assignments"] = existing["line items"]
    existing["gradebook scores"] = existing["results"]
    for what, n in removed.items():
        effect.record(st.report, what, removed=n, existing=existing.get(what, 0))
    for name in (
        "gone_roster_score",
        "gone_roster_lineitem",
        "gone_roster_enrollment",
        "gone_roster_student",
    ):
        execute(f"DROP TABLE IF EXISTS {name}")
    for name in ("gone_roster_class", "gone_teachers", "district_teachers"):
        execute(f"DROP TABLE IF EXISTS {name}")


def preview(st: ImportState) -> None:
    """A check ends here: what the bundle would add, next to what `measure` found it removes."""
    d = st.db_district_id() or 0
    scope = scopes(d)
    for what, file, table, staged_filter in PLANS:
        stage = st.stage_of(file)
        if stage is None:
            continue
        (added,) = fetchone(
            f"SELECT COUNT(*) FROM {stage.table} s WHERE s.status = 'active' {staged_filter} AND NOT EXISTS "
            f"(SELECT 1 FROM {table} WHERE {table}.source_id = s.source_id AND {scope[what][0]})",
            scope[what][1],
        )
        counts = st.report.entity(what)
        counts.added += added
        counts.removed += st.report.impact.get(
            {"results": "gradebook scores", "line items": "gradebook assignments"}.get(what, what), [0]
        )[0]
    st.report.notes.append(
        "This was a check: the bundle was read and compared with what the district holds, and "
        "nothing was changed. Import it to save it."
    )


def _gone_table(  # noqa: PLR0917 - one statement's parts, named at each call
    name: str,
    st: ImportState,
    what: str,
    file: str,
    table: str,
    scope: tuple[str, list[Any]],
    staged_filter: str,
) -> None:
    execute(f"DROP TABLE IF EXISTS {name}")
    if st.stage_of(file) is None:
        execute(f"CREATE TEMPORARY TABLE {name} AS SELECT id FROM {table} WHERE 1 = 0")
        return
    sql = gone_sql(st, file, table, scope[0], staged_filter)
    execute(f"CREATE TEMPORARY TABLE {name} AS {sql}", scope[1])


def _gone_teachers(st: ImportState, d: int) -> None:
    """Teachers who would lose the teacher role (their profiles and coaching records stay)."""
    execute("DROP TABLE IF EXISTS district_teachers")
    execute("DROP TABLE IF EXISTS gone_teachers")
    execute(
        "CREATE TEMPORARY TABLE district_teachers AS SELECT DISTINCT t.id, t.source_id FROM core_teacher t "
        "JOIN core_school sc ON sc.id = t.school_id JOIN core_membership m ON m.user_id = t.user_id "
        "AND m.district_id = %s AND m.role = 'teacher' WHERE sc.district_id = %s AND t.source_id <> ''",
        [d, d],
    )
    if "users" not in st.stages:
        gone = "1 = 0"
    elif st.manifest.mode("users") == "bulk":
        gone = (
            "NOT EXISTS (SELECT 1 FROM stg_users u WHERE u.source_id = dt.source_id AND u.kind = 'teacher' "
            "AND u.status = 'active')"
        )
    else:
        gone = "EXISTS (SELECT 1 FROM stg_users u WHERE u.source_id = dt.source_id AND u.status <> 'active')"
    execute(f"CREATE TEMPORARY TABLE gone_teachers AS SELECT dt.id FROM district_teachers dt WHERE {gone}")
