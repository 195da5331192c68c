"""Phase 1b: the large files, checked row by row and streamed into staging tables.

results.csv and enrollments.csv first try the bulk path (`bulk`). Read row by row, each big
file's rows are first tried by a fast reader (`fast.fast_*`); rows it does not accept go
through the full checks, which say exactly what is wrong."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from coachmap.roster.importers.oneroster import bulk, fast, spec
from coachmap.roster.importers.oneroster.base import SmallFile
from coachmap.roster.importers.oneroster.bulk import BulkFile, BulkLoader, BulkRefused
from coachmap.roster.importers.oneroster.small import SmallFiles
from coachmap.roster.importers.staging import (
    Stage,
    execute,
    fetchall,
    fetchone,
)


class StagedFiles(SmallFiles):
    def _stage_classes(self) -> None:
        stage = self._stage(
            "classes",
            [
                ("title", "text"),
                ("code", "text"),
                ("grades", "text"),
                ("subject", "text"),
                ("school_ref", "text"),
                ("course_ref", "text"),
            ],
        )
        with stage.writer() as write:
            for row, cells in self._rows("classes"):
                try:
                    sid, status = cells.common()
                    title = cells.text("title", 200, required=True)
                    code = cells.text("classCode", 100)
                    grades = cells.parse("grades", spec.parse_grades)
                    spec.enum_cell(cells, "classType", spec.CLASS_TYPES, "class type", required=False)
                    school = self._school_ref("classes", "schoolSourcedId", cells.required("schoolSourcedId"))
                    course = cells("courseSourcedId")
                    if course and course not in self.course_ids and self._checks("courses"):
                        raise spec.FieldError("courseSourcedId", course, "no course has this sourcedId")
                    for term in spec.split_ids(cells("termSourcedIds")):
                        if term not in self.session_ids and self._checks("academicSessions"):
                            raise spec.FieldError(
                                "termSourcedIds", term, "no academic session has this sourcedId"
                            )
                    course_subjects = ""
                    if course in self.small.get("courses", SmallFile()).rows:
                        course_subjects = self.small["courses"].rows[course][2]["subjects"]
                    subject = spec.subject_of(cells("subjects"), course_subjects, title, code)
                except spec.FieldError as exc:
                    self._fail("classes", row, exc)
                    continue
                write((row, sid, status, title, code, spec.grades_json(grades), subject, school, course))
        stage.index_ids()

    def _stage_roles(self) -> None:
        stage = self._stage(
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
            for row, cells in self._rows("roles"):
                try:
                    sid, status = cells.common()
                    user = cells.required("userSourcedId")
                    role = spec.enum_cell(cells, "role", spec.USER_ROLES, "role")
                    role_type = spec.enum_cell(cells, "roleType", spec.ROLE_TYPES, "role type")
                    org = cells.required("orgSourcedId")
                    if org not in self.orgs and self._checks("orgs"):
                        raise spec.FieldError("orgSourcedId", org, "no org has this sourcedId")
                    spec.iso_date_cell(cells, "beginDate")
                    spec.iso_date_cell(cells, "endDate")
                except spec.FieldError as exc:
                    self._fail("roles", row, exc)
                    continue
                write((row, sid, status, user, role, role_type, org, self.orgs.get(org) == "school"))
        stage.index("user_ref")

    def _stage_users(self) -> None:
        stage = self._stage(
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
        names = self._stage(
            "teacher_names", [("given", "text"), ("family", "text"), ("email", "text"), ("username", "text")]
        )
        v11 = self.version == "1.1"
        teacher_names: list[tuple[Any, ...]] = []  # teachers only: bounded by the staff, not the students
        write_name = teacher_names.append
        with stage.writer() as write:
            reader: fast.FastReader | None = None
            for row, cells in self._rows("users"):
                if v11:
                    reader = reader or fast.fast_users_11(self.index, self.orgs, self._checks("orgs"))
                    if (quick := reader(cells.cells)) is not None:
                        write((row, *quick[:2], None, *quick[2:]))
                        continue
                try:
                    sid, status = cells.common()
                    enabled = spec.bool_cell(cells, "enabledUser")
                    grade, codes = spec.user_grade(cells)
                    role, school = None, None
                    if v11:
                        role = spec.enum_cell(cells, "role", spec.USER_ROLES, "role")
                        for org in spec.split_ids(cells.required("orgSourcedIds")):
                            if org not in self.orgs and self._checks("orgs"):
                                raise spec.FieldError("orgSourcedIds", org, "no org has this sourcedId")
                            if school is None and self.orgs.get(org) == "school":
                                school = org
                    else:
                        primary = cells("primaryOrgSourcedId")
                        if primary and primary not in self.orgs and self._checks("orgs"):
                            raise spec.FieldError("primaryOrgSourcedId", primary, "no org has this sourcedId")
                    if role == "teacher":
                        write_name(
                            (
                                row,
                                sid,
                                status,
                                cells.text("givenName", 150),
                                cells.text("familyName", 150),
                                cells.text("email", 254),
                                cells.text("username", 150),
                            )
                        )
                except spec.FieldError as exc:
                    self._fail("users", row, exc)
                    continue
                write((row, sid, status, None, role, school, grade, codes, enabled))
        stage.index_ids()
        names.insert_many(teacher_names)
        if not v11:
            self._roles_into_users()
            self._teacher_names_v12(names)
        (students,) = fetchone("SELECT COUNT(*) FROM stg_users WHERE role = 'student'")
        execute(
            "UPDATE stg_users SET kind = CASE "
            "WHEN role = 'student' AND grade IS NOT NULL AND school_ref IS NOT NULL THEN 'student' "
            "WHEN role = 'teacher' AND school_ref IS NOT NULL THEN 'teacher' ELSE 'other' END"
        )
        # The teacher merge pages through the teachers in row order; without this index each
        # page would scan every student.
        stage.index("kind", "row")
        names.index("source_id")
        if students:
            self.report.drop(
                "student names, usernames, emails, phone numbers, passwords and other ids (users.csv)",
                students,
            )

    def _roles_into_users(self) -> None:
        """1.2: a user's role and school come from roles.csv (the primary role first)."""
        order = "CASE r.role_type WHEN 'primary' THEN 0 ELSE 1 END, r.row"
        execute(
            "UPDATE stg_users SET "
            f"role = (SELECT r.role FROM stg_roles r WHERE r.user_ref = stg_users.source_id "
            f"AND r.status = 'active' ORDER BY {order} LIMIT 1), "
            f"school_ref = (SELECT r.org_ref FROM stg_roles r WHERE r.user_ref = stg_users.source_id "
            f"AND r.status = 'active' AND r.is_school ORDER BY {order} LIMIT 1)"
        )

    def _teacher_names_v12(self, names: Stage) -> None:
        """1.2 says who is a teacher only in roles.csv: read users.csv again for teachers' names."""
        teachers = {sid for (sid,) in fetchall("SELECT source_id FROM stg_users WHERE role = 'teacher'")}
        if not teachers:
            return
        opened = self._table("users")
        if opened is None:
            return
        table, index = opened
        cells = spec.Cells(index)
        get_id = spec.getter(index, "sourcedId")
        rows_before = self.report.rows_read.get(table.name, 0)
        with names.writer() as write_name:
            for row, raw in table.rows():
                sid = get_id(raw)
                if sid in teachers:
                    cells.cells = raw
                    try:
                        write_name(
                            (
                                row,
                                sid,
                                "active",
                                cells.text("givenName", 150),
                                cells.text("familyName", 150),
                                cells.text("email", 254),
                                cells.text("username", 150),
                            )
                        )
                    except spec.FieldError as exc:
                        self._fail("users", row, exc)
        self.report.rows_read[table.name] = rows_before

    def _stage_bulk(self, bulk: BulkFile) -> bool:
        """Stage `bulk.file` by the bulk path; False when it is read row by row instead."""
        if not self.bulk:
            return False
        before = self.report.problem_count
        opened = self._table(bulk.file)
        if opened is None:
            if self.report.problem_count > before:
                raise BulkRefused(f"{bulk.file}.csv: its header has problems")
            return False  # absent: staged empty, row by row
        table, index = opened
        width = len(table.header or ())
        table.close()
        loader = BulkLoader(
            bulk,
            source=self.source,
            report=self.report,
            progress=self.progress,
            schools=self.orgs,
            check_schools=self._checks("orgs"),
            fail_at_row=self.fail_at_row,
        )
        self.bulk_used = True
        stage = loader.load(table.name, index, width)
        self.stages[bulk.stage] = stage
        stage.index_ids()
        return True

    def _stage_enrollments(self) -> None:
        if self._stage_bulk(bulk.ENROLLMENTS):
            return
        stage = self._stage(
            "enrollments",
            [
                ("class_ref", "text"),
                ("user_ref", "text"),
                ("role", "text"),
                ("is_primary", "bool"),
                ("begin_date", "date"),
                ("end_date", "date"),
            ],
        )
        reader: fast.FastReader | None = None
        with stage.writer() as write:
            for row, cells in self._rows("enrollments"):
                reader = reader or fast.fast_enrollments(self.index, self.orgs, self._checks("orgs"))
                if (quick := reader(cells.cells)) is not None:
                    write((row, *quick))
                    continue
                try:
                    sid, status = cells.common()
                    klass = cells.required("classSourcedId")
                    user = cells.required("userSourcedId")
                    role = spec.enum_cell(cells, "role", spec.ENROLLMENT_ROLES, "enrollment role")
                    school = cells("schoolSourcedId")
                    if school:
                        self._school_ref("enrollments", "schoolSourcedId", school)
                    primary = spec.bool_cell(cells, "primary")
                    begin = spec.iso_date_cell(cells, "beginDate")
                    end = spec.iso_date_cell(cells, "endDate")
                except spec.FieldError as exc:
                    self._fail("enrollments", row, exc)
                    continue
                write((row, sid, status, klass, user, role, bool(primary), begin, end))
        stage.index_ids()  # removals and lookups match on it

    def _stage_demographics(self) -> None:
        stage = self._stage("demographics", [("race", "text"), ("gender", "text")])
        births = 0
        reader: fast.FastReader | None = None
        birth_of: Callable[[Sequence[str]], str] | None = None
        with stage.writer() as write:
            for row, cells in self._rows("demographics"):
                reader = reader or fast.fast_demographics(self.index)
                birth_of = birth_of or spec.getter(self.index, "birthDate")
                if (quick := reader(cells.cells)) is not None:
                    births += bool(birth_of(cells.cells))
                    write((row, *quick))
                    continue
                try:
                    sid, status = cells.common()
                    flags = {column: spec.bool_cell(cells, column) for column in spec.RACE_COLUMNS}
                    sex = cells("sex")
                    gender = spec.SEX.get(sex.lower()) if sex else spec.Gender.UNKNOWN
                    if gender is None:
                        raise spec.FieldError(
                            "sex", sex, "unknown sex: expected male, female, other or unspecified"
                        )
                    birth = cells("birthDate")
                    if birth:
                        cells.parse("birthDate", spec.parse_date)
                        births += 1
                except spec.FieldError as exc:
                    self._fail("demographics", row, exc)
                    continue
                write((row, sid, status, spec.race_of(flags), gender))
        if births:
            self.report.drop("birth dates and places of birth (demographics.csv)", births)
        stage.index_ids()  # removals and lookups match on it

    def _stage_line_items(self) -> None:
        stage = self._stage(
            "line_items",
            [
                ("title", "text"),
                ("assign_date", "date"),
                ("due_date", "date"),
                ("class_ref", "text"),
                ("category_ref", "text"),
                ("result_min", "float"),
                ("result_max", "float"),
            ],
        )
        with stage.writer() as write:
            for row, cells in self._rows("lineItems"):
                try:
                    sid, status = cells.common()
                    title = cells.text("title", 200, required=True)
                    assign = spec.iso_date_cell(cells, "assignDate")
                    due = spec.iso_date_cell(cells, "dueDate")
                    klass = cells.required("classSourcedId")
                    category = cells("categorySourcedId")
                    if category and category not in self.category_ids and self._checks("categories"):
                        raise spec.FieldError("categorySourcedId", category, "no category has this sourcedId")
                    period = cells("gradingPeriodSourcedId")
                    if period and period not in self.session_ids and self._checks("academicSessions"):
                        raise spec.FieldError(
                            "gradingPeriodSourcedId", period, "no academic session has this sourcedId"
                        )
                    low = spec.float_cell(cells, "resultValueMin")
                    high = spec.float_cell(cells, "resultValueMax")
                except spec.FieldError as exc:
                    self._fail("lineItems", row, exc)
                    continue
                write((row, sid, status, title, assign, due, klass, category, low, high))
        stage.index_ids()

    def _stage_results(self) -> None:
        if self._stage_bulk(bulk.RESULTS):
            return
        stage = self._stage(
            "results",
            [
                ("line_item_ref", "text"),
                ("student_ref", "text"),
                ("score_status", "text"),
                ("score", "float"),
                ("score_date", "date"),
            ],
        )
        reader: fast.FastReader | None = None
        with stage.writer() as write:
            for row, cells in self._rows("results"):
                reader = reader or fast.fast_results(self.index)
                if (quick := reader(cells.cells)) is not None:
                    write((row, *quick))
                    continue
                try:
                    sid, status = cells.common()
                    item = cells.required("lineItemSourcedId")
                    student = cells.required("studentSourcedId")
                    score_status = spec.enum_cell(cells, "scoreStatus", spec.SCORE_STATUS, "score status")
                    score = spec.float_cell(cells, "score")
                    date = spec.iso_date_cell(cells, "scoreDate")
                except spec.FieldError as exc:
                    self._fail("results", row, exc)
                    continue
                write((row, sid, status, item, student, score_status, score, date))
        stage.index_ids()  # removals and lookups match on it
