"""Phase 2, stage: users.csv and roles.csv (1.2 keeps a user's role and school there).

Only teachers' names are kept (in `stg_teacher_names`); students' names, usernames, emails and
passwords are never read past the parser."""

from __future__ import annotations

from typing import Any

from coachmap.roster.importers.oneroster import read, spec, stage_quick
from coachmap.roster.importers.oneroster.state import ImportState
from coachmap.roster.importers.staging import Stage, execute, fetchall, fetchone


def roles(st: ImportState) -> None:
    stage = st.new_stage(
        "roles",
        [
            ("user_ref", "text"),
            ("role", "text"),
            ("role_type", "text"),
            ("org_ref", "text"),
            ("is_school", "bool"),
        ],
    )
    with stage.writer() as write:
        for row, cells in read.rows(st, "roles"):
            try:
                sid, status = cells.common()
                user = cells.required("userSourcedId")
                role = spec.enum_cell(cells, "role", spec.USER_ROLES, "role")
                role_type = spec.enum_cell(cells, "roleType", spec.ROLE_TYPES, "role type")
                org = cells.required("orgSourcedId")
                if org not in st.orgs and st.checks("orgs"):
                    raise spec.FieldError("orgSourcedId", org, "no org has this sourcedId")
                spec.iso_date_cell(cells, "beginDate")
                spec.iso_date_cell(cells, "endDate")
            except spec.FieldError as exc:
                st.fail("roles", row, exc)
                continue
            write((row, sid, status, user, role, role_type, org, st.orgs.get(org) == "school"))
    stage.index("user_ref")


def users(st: ImportState) -> None:  # noqa: PLR0912 - each branch is one problem the report names
    stage = st.new_stage(
        "users",
        [
            ("kind", "text"),
            ("role", "text"),
            ("school_ref", "text"),
            ("grade", "int"),
            ("grade_codes", "text"),
            ("enabled", "bool"),
        ],
    )
    names = st.new_stage(
        "teacher_names", [("given", "text"), ("family", "text"), ("email", "text"), ("username", "text")]
    )
    v11 = st.version == "1.1"
    students = 0
    teacher_names: list[tuple[Any, ...]] = []  # teachers only: bounded by the staff, not the students
    write_name = teacher_names.append
    with stage.writer() as write:
        reader: stage_quick.FastReader | None = None
        for row, cells in read.rows(st, "users"):
            if v11:
                reader = reader or stage_quick.fast_users_11(st.index, st.orgs, st.checks("orgs"))
                if (quick := reader(cells.cells)) is not None:
                    role, school, grade = quick[2:5]
                    students += role == "student"
                    write((row, *quick[:2], _kind(role, school, grade), *quick[2:]))
                    continue
            try:
                sid, status = cells.common()
                enabled = spec.bool_cell(cells, "enabledUser")
                grade, codes = spec.user_grade(cells)
                role, school = None, None
                if v11:
                    role = spec.enum_cell(cells, "role", spec.USER_ROLES, "role")
                    for org in spec.split_ids(cells.required("orgSourcedIds")):
                        if org not in st.orgs and st.checks("orgs"):
                            raise spec.FieldError("orgSourcedIds", org, "no org has this sourcedId")
                        if school is None and st.orgs.get(org) == "school":
                            school = org
                else:
                    primary = cells("primaryOrgSourcedId")
                    if primary and primary not in st.orgs and st.checks("orgs"):
                        raise spec.FieldError("primaryOrgSourcedId", primary, "no org has this sourcedId")
                if role == "teacher":
                    write_name(_teacher_name(row, sid, status, cells))
            except spec.FieldError as exc:
                st.fail("users", row, exc)
                continue
            students += role == "student"
            write((row, sid, status, _kind(role, school, grade), role, school, grade, codes, enabled))
    names.insert_many(teacher_names)
    stage.index_ids()
    if not v11:
        students = _roles_v12(st, stage, names)
    # The teacher merge pages through the teachers in row order; without this index each
    # page would scan every student.
    stage.index("kind", "row")
    names.index("source_id")
    if students:
        st.report.drop(
            "student names, usernames, emails, phone numbers, passwords and other ids (users.csv)",
            students,
        )


KIND_SQL = (
    "CASE WHEN role = 'student' AND grade IS NOT NULL AND school_ref IS NOT NULL THEN 'student' "
    "WHEN role = 'teacher' AND school_ref IS NOT NULL THEN 'teacher' ELSE 'other' END"
)


def _kind(role: str | None, school: str | None, grade: int | None) -> str:
    """What coachmap makes of a user, as `KIND_SQL` says: a student needs a grade it tracks and
    a school, a teacher a school; anyone else is not imported. 1.1 knows it as the row is read,
    so the staged rows are written once, not written and then updated."""
    if role == "student" and grade is not None and school is not None:
        return "student"
    if role == "teacher" and school is not None:
        return "teacher"
    return "other"


def _roles_v12(st: ImportState, stage: Stage, names: Stage) -> int:
    """1.2 keeps roles and schools in roles.csv: each user's kind follows from them. Returns
    the number of students."""
    _roles_into_users(st)
    _teacher_names_v12(st, names)
    (students,) = fetchone("SELECT COUNT(*) FROM stg_users WHERE role = 'student'")
    execute(f"UPDATE stg_users SET kind = {KIND_SQL}")
    stage.analyzed = False
    return int(students)


def _roles_into_users(st: ImportState) -> None:
    """1.2: a user's role and school come from roles.csv (the primary role first)."""
    order = "CASE r.role_type WHEN 'primary' THEN 0 ELSE 1 END, r.row"
    execute(
        "UPDATE stg_users SET "
        f"role = (SELECT r.role FROM stg_roles r WHERE r.user_ref = stg_users.source_id "
        f"AND r.status = 'active' ORDER BY {order} LIMIT 1), "
        f"school_ref = (SELECT r.org_ref FROM stg_roles r WHERE r.user_ref = stg_users.source_id "
        f"AND r.status = 'active' AND r.is_school ORDER BY {order} LIMIT 1)"
    )


def _teacher_names_v12(st: ImportState, names: Stage) -> None:
    """1.2 says who is a teacher only in roles.csv: read users.csv again for teachers' names."""
    teachers = {sid for (sid,) in fetchall("SELECT source_id FROM stg_users WHERE role = 'teacher'")}
    if not teachers:
        return
    opened = read.open_table(st, "users")
    if opened is None:
        return
    table, index = opened
    cells = spec.Cells(index)
    get_id = spec.getter(index, "sourcedId")
    rows_before = st.report.rows_read.get(table.name, 0)
    with names.writer() as write_name:
        for row, raw in table.rows():
            sid = get_id(raw)
            if sid in teachers:
                cells.cells = raw
                try:
                    write_name(_teacher_name(row, sid, "active", cells))
                except spec.FieldError as exc:
                    st.fail("users", row, exc)
    st.report.rows_read[table.name] = rows_before


def _teacher_name(row: int, sid: str, status: str, cells: spec.Cells) -> tuple[Any, ...]:
    """A teacher's row of `stg_teacher_names`: the names and the ids they sign in with."""
    return (
        row,
        sid,
        status,
        cells.text("givenName", 150),
        cells.text("familyName", 150),
        cells.text("email", 254),
        cells.text("username", 150),
    )
