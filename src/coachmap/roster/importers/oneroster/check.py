"""Phase 3, check: checks across files, in SQL over the staging tables: duplicate sourcedIds,
references to ids that exist nowhere, users in the wrong role.

The checks on results.csv — by far the biggest file — are `results`, run only when the
merge cannot prove them: the merge joins every result to its line item and student anyway, so
when every result is placed (or skipped for a known reason) and the one-score-per-student
constraint holds, these checks would find nothing (see `job`)."""

from __future__ import annotations

from coachmap.roster.importers.oneroster.state import ImportState
from coachmap.roster.importers.report import MAX_LISTED
from coachmap.roster.importers.staging import fetchall


def references(st: ImportState) -> None:
    """Every check across files but those on results.csv."""
    st.progress("Checking references between files", 0, 1)
    for name in ("classes", "users", "roles", "enrollments", "demographics", "line_items", "results"):
        if name in st.stages and name != "roles":
            _duplicates(st, name)
    _references(st, results=False)


def results(st: ImportState) -> None:
    """The checks across files on results.csv: line items and students that exist, students
    who are students, one result per student and line item."""
    if "results" in st.stages:
        st.progress("Checking results against line items and students", 0, 1)
        _references(st, results=True)


def _references(st: ImportState, *, results: bool) -> None:
    d = st.db_district_id() or 0
    class_db = (
        "SELECT 1 FROM roster_class c JOIN core_school sc ON sc.id = c.school_id "
        "WHERE sc.district_id = %s AND c.source_id = s.{col}"
    )
    user_db = (
        "SELECT 1 FROM roster_student st WHERE st.district_id = %s AND st.source_id = s.{col} "
        "UNION ALL SELECT 1 FROM core_teacher t JOIN core_school ts ON ts.id = t.school_id "
        "WHERE ts.district_id = %s AND t.source_id = s.{col}"
    )
    item_db = (
        "SELECT 1 FROM roster_lineitem li JOIN roster_class c ON c.id = li.klass_id "
        "JOIN core_school sc ON sc.id = c.school_id WHERE sc.district_id = %s AND li.source_id = s.{col}"
    )
    checks = [
        ("enrollments", "class_ref", "classSourcedId", "classes", "classes", class_db, 1, "class"),
        ("enrollments", "user_ref", "userSourcedId", "users", "users", user_db, 2, "user"),
        ("roles", "user_ref", "userSourcedId", "users", "users", user_db, 2, "user"),
        ("demographics", "source_id", "sourcedId", "users", "users", user_db, 2, "user"),
        ("line_items", "class_ref", "classSourcedId", "classes", "classes", class_db, 1, "class"),
        (
            "results",
            "line_item_ref",
            "lineItemSourcedId",
            "line_items",
            "lineItems",
            item_db,
            1,
            "line item",
        ),
        ("results", "student_ref", "studentSourcedId", "users", "users", user_db, 2, "user"),
    ]
    for stage_name, col, column, target, target_file, db_sql, n_params, what in checks:
        if stage_name not in st.stages or not st.checks(target_file):
            continue
        if (stage_name == "results") != results:
            continue
        _dangling(
            st,
            stage_name,
            col,
            column,
            target=target,
            target_file=target_file,
            db_sql=db_sql.format(col=col),
            params=[d] * n_params,
            what=what,
        )
    if results:
        _result_mismatches(st)
    else:
        _role_mismatches(st)


def _duplicates(st: ImportState, name: str) -> None:
    if st.stages[name].unique_ids:
        return
    table = st.stages[name].table
    for source_id, first, row in fetchall(
        f"SELECT source_id, MIN(row), MAX(row) FROM {table} GROUP BY source_id "
        f"HAVING COUNT(*) > 1 ORDER BY MIN(row) LIMIT {MAX_LISTED}"
    ):
        st.report.problem(
            st.file_of(name), row, "sourcedId", source_id, f"duplicate sourcedId: also on row {first}"
        )


def _dangling(
    st: ImportState,
    stage_name: str,
    col: str,
    column: str,
    *,
    target: str,
    target_file: str,
    db_sql: str,
    params: list[int],
    what: str,
) -> None:
    table = st.stages[stage_name].table
    in_file = (
        f"EXISTS (SELECT 1 FROM stg_{target} t WHERE t.source_id = s.{col} AND t.status = 'active')"
        if target in st.stages
        else "1 = 0"
    )
    allowed = in_file
    if st.manifest.mode(target_file) != "bulk" and st.district is not None:
        deleted = (
            f"EXISTS (SELECT 1 FROM stg_{target} t WHERE t.source_id = s.{col} AND t.status <> 'active')"
            if target in st.stages
            else "1 = 0"
        )
        allowed = f"({in_file} OR (EXISTS ({db_sql}) AND NOT {deleted}))"
    else:
        params = []
    rows = fetchall(
        f"SELECT s.row, s.{col} FROM {table} s WHERE s.status = 'active' AND NOT {allowed} "
        f"ORDER BY s.row LIMIT {MAX_LISTED}",
        params,
    )
    for row, value in rows:
        st.report.problem(
            st.file_of(stage_name),
            row,
            column,
            value,
            f"no {what} has this sourcedId (not in {target_file}.csv"
            + ("" if st.manifest.mode(target_file) == "bulk" else " nor already in coachmap")
            + ")",
        )


def _role_mismatches(st: ImportState) -> None:
    if "users" not in st.stages or not st.checks("users"):
        return
    if "enrollments" in st.stages:
        for row, user, role, kind in fetchall(
            "SELECT e.row, e.user_ref, e.role, u.role FROM stg_enrollments e JOIN stg_users u "
            "ON u.source_id = e.user_ref WHERE e.status = 'active' AND e.role IN ('student', 'teacher') "
            f"AND u.role IN ('student', 'teacher') AND u.role <> e.role ORDER BY e.row LIMIT {MAX_LISTED}"
        ):
            st.report.problem(
                "enrollments.csv",
                row,
                "role",
                role,
                f"user {user} is a {kind} in users.csv, not a {role}",
            )


def _result_mismatches(st: ImportState) -> None:
    if "users" not in st.stages or not st.checks("users"):
        return
    for row, user, kind in fetchall(
        "SELECT r.row, r.student_ref, u.role FROM stg_results r JOIN stg_users u "
        "ON u.source_id = r.student_ref WHERE r.status = 'active' AND u.role <> 'student' "
        f"ORDER BY r.row LIMIT {MAX_LISTED}"
    ):
        st.report.problem(
            "results.csv", row, "studentSourcedId", user, f"user {user} is a {kind}, not a student"
        )
    for row, item, student, first in fetchall(
        "SELECT MAX(row), line_item_ref, student_ref, MIN(row) FROM stg_results WHERE status = 'active' "
        f"GROUP BY line_item_ref, student_ref HAVING COUNT(*) > 1 ORDER BY MIN(row) LIMIT {MAX_LISTED}"
    ):
        st.report.problem(
            "results.csv",
            row,
            "studentSourcedId",
            student,
            f"a second result for this student on line item {item}: the first is on row {first}",
        )
