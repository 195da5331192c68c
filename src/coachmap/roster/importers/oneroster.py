"""Import a OneRoster 1.1 or 1.2 CSV bundle (zip or folder) into one district.

Two phases inside the caller's transaction:

1. **Check.** Read the manifest and every file once, checking each cell; small files (orgs,
   sessions, courses, categories) are kept in memory, large ones (classes, users, roles,
   enrollments, demographics, line items, results) stream into staging tables. Then set-based
   checks find duplicate sourcedIds and references to ids that exist nowhere. Any problem stops
   here: `ImportRejected` rolls everything back.
2. **Merge.** Per file and in dependency order: rows the bundle no longer has (bulk) or marks
   `tobedeleted` (delta) are removed, changed rows updated, new rows added — matched by
   `sourcedId` within the district, so importing the same bundle twice changes nothing.

Orgs become the district and its schools; teachers become teacher profiles (a user who cannot
sign in until given a password or single sign-on, with a teacher membership); students become
pseudonymous students — their names, usernames, emails, passwords and birth dates are never
read past the parser. Schools and teacher profiles are never deleted (goals and confidential
coaching records hang on them): a teacher who leaves the roster loses the teacher role.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.text import slugify

from coachmap.core.models import District, School, User
from coachmap.roster.importers import oneroster_spec as spec
from coachmap.roster.importers.report import MAX_LISTED, ImportRejected, Report
from coachmap.roster.importers.source import Progress, Source, Table
from coachmap.roster.importers.staging import (
    Stage,
    analyze,
    as_json,
    execute,
    fetchall,
    fetchone,
    is_distinct,
)
from coachmap.roster.importers.teachers import teachers_merge
from coachmap.roster.importers.validation import CellError, check_header, parse_enum
from coachmap.roster.models import (
    AcademicSession,
    Category,
    Class,
    Enrollment,
    LineItem,
    Score,
    Student,
)

DELETE_CHUNK = 2000
_DISTRICT_CLASSES = (
    "SELECT c.id FROM roster_class c JOIN core_school sc ON sc.id = c.school_id WHERE sc.district_id = %s"
)
TEACHER_CHUNK = 2000


@dataclass
class Manifest:
    version: str
    modes: dict[str, str] = field(default_factory=dict)  # file → bulk / delta / absent

    def mode(self, name: str) -> str:
        return self.modes.get(name, "absent")


@dataclass
class _Small:
    """A small file kept in memory: sourcedId → (row, status, fields)."""

    rows: dict[str, tuple[int, str, dict[str, Any]]] = field(default_factory=dict)


class OneRosterImport:
    def __init__(
        self,
        *,
        source: Source,
        district: District | None,
        report: Report,
        progress: Progress | None = None,
        actor: User | None = None,
        fail_at_row: int | None = None,
    ) -> None:
        self.source = source
        self.district = district
        self.report = report
        self.progress = progress or (lambda phase, done, total: None)
        self.actor = actor
        self.fail_at_row = fail_at_row  # tests inject a failure here to prove atomicity
        self.stages: dict[str, Stage] = {}
        self.orgs: dict[str, str] = {}  # sourcedId → org type, from the file and the database
        self.small: dict[str, _Small] = {}
        self.district_org: tuple[int, str, dict[str, Any]] | None = None
        self.district_org_id = ""
        self.broken: set[str] = set()

    # --- entry point ------------------------------------------------------------------------------

    def run(self) -> None:
        manifest = self._manifest()
        if manifest is None:
            raise ImportRejected(self.report)
        self.manifest = manifest
        self.version = manifest.version
        self._check_files()
        if not self.report.ok:
            raise ImportRejected(self.report)
        self._read_all()
        self._check_references()
        if not self.report.ok:
            raise ImportRejected(self.report)
        self._merge_all()
        for stage in self.stages.values():
            stage.drop()
        for table in ("map_class", "map_lineitem", "map_teacher"):
            execute(f"DROP TABLE IF EXISTS {table}")

    # --- manifest and headers ----------------------------------------------------------------------

    def _manifest(self) -> Manifest | None:
        report = self.report
        name = self.source.find("manifest.csv")
        if name is None:
            report.problem(
                "manifest.csv", None, "", "", "the bundle has no manifest.csv: a OneRoster bundle needs one"
            )
            return None
        table = Table(self.source, name, report)
        if table.header is None:
            return None
        check = check_header(table.header, ["propertyName", "value"], ["propertyName", "value"])
        for column, value, reason in check.problems:
            report.problem(name, 1, column, value, reason)
        if check.problems:
            table.close()
            return None
        props: dict[str, tuple[int, str]] = {}
        for row, cells in table.rows():
            key = cells[check.index["propertyName"]].strip()
            props[key] = (row, cells[check.index["value"]].strip())
        version_row, version = props.get("oneroster.version", (None, ""))
        if version not in spec.VERSIONS:
            report.problem(
                name,
                version_row,
                "value",
                version,
                "oneroster.version must be 1.1 or 1.2" if version else "oneroster.version is missing",
            )
        mrow, mversion = props.get("manifest.version", (None, ""))
        if mversion and mversion not in ("1", "1.0"):
            report.problem(name, mrow, "value", mversion, "manifest.version must be 1.0")
        manifest = Manifest(version=version)
        for key, (row, value) in props.items():
            if not key.startswith("file."):
                continue
            file = key.removeprefix("file.")
            try:
                manifest.modes[file] = parse_enum(value, spec.MANIFEST_MODES, "file mode")
            except CellError as exc:
                report.problem(name, row, "value", value, f"{key}: {exc}")
        if version == "1.2" and manifest.mode("users") != "absent" and manifest.mode("roles") == "absent":
            report.problem(
                name,
                None,
                "",
                "",
                "OneRoster 1.2 keeps roles in roles.csv: the manifest must list file.roles",
            )
        return manifest if report.ok else None

    def _headers(self, file: str) -> list[str]:
        return (spec.HEADERS_12 if self.version == "1.2" else spec.HEADERS_11)[file]

    def _check_files(self) -> None:
        """Every file the manifest lists is there; note the ones coachmap does not read."""
        report = self.report
        for file, mode in self.manifest.modes.items():
            csv_name = f"{file}.csv"
            present = self.source.find(csv_name)
            if file not in spec.FILES:
                if mode != "absent":
                    report.notes.append(f"{csv_name} is not used by coachmap; it was not read.")
                continue
            if file == "roles" and self.version != "1.2":
                continue
            if mode != "absent" and present is None:
                report.problem(
                    "manifest.csv",
                    None,
                    "",
                    f"file.{file}={mode}",
                    f"the manifest lists {csv_name} as {mode}, but the bundle has no {csv_name}",
                )
            elif mode == "absent" and present is not None:
                report.warn(csv_name, None, "", "", "the manifest marks this file absent, so it was not read")

    def _table(self, file: str) -> tuple[Table, dict[str, int]] | None:
        if self.manifest.mode(file) == "absent":
            return None
        name = self.source.find(f"{file}.csv")
        if name is None:
            return None
        table = Table(self.source, name, self.report, self.progress, label=f"Reading {name}")
        if table.header is None:
            table.close()
            return None
        required = spec.REQUIRED[file] + (
            spec.REQUIRED_11_EXTRA.get(file, []) if self.version == "1.1" else []
        )
        check = check_header(table.header, self._headers(file), required)
        for column, value, reason in check.problems:
            self.report.problem(name, 1, column, value, reason)
        for column, value, reason in check.warnings:
            self.report.warn(name, 1, column, value, reason)
        if check.problems:
            table.close()
            return None
        return table, check.index

    def _rows(self, file: str) -> Iterable[tuple[int, spec.Cells]]:
        """(row, cells) of `file`; bad cells are reported and their rows left out."""
        before = self.report.problem_count
        try:
            opened = self._table(file)
            if opened is None:
                return
            table, index = opened
            self.index = index
            cells = spec.Cells(index)
            for row, raw in table.rows():
                if self.fail_at_row is not None and row == self.fail_at_row:
                    raise RuntimeError(f"injected failure at {file}.csv row {row}")
                cells.cells = raw
                yield row, cells
        finally:
            if self.report.problem_count > before:
                self.broken.add(file)

    def _checks(self, file: str) -> bool:
        """Whether references into `file` can be checked: not when it has problems of its own
        (a reference to a row that was rejected would only repeat the same problem)."""
        return file not in self.broken

    def _fail(self, file: str, row: int, exc: spec.FieldError) -> None:
        self.report.problem(f"{file}.csv", row, exc.column, exc.value, exc.reason)

    # --- phase 1: read and check -------------------------------------------------------------------

    def _read_all(self) -> None:
        self._read_orgs()
        self._read_small("academicSessions", self._session_fields, AcademicSession)
        self._read_small("courses", self._course_fields, None)
        self._read_small("categories", self._category_fields, Category)
        self._check_small_references()
        for file, stage in [
            ("classes", self._stage_classes),
            ("roles", self._stage_roles),
            ("users", self._stage_users),
            ("enrollments", self._stage_enrollments),
            ("demographics", self._stage_demographics),
            ("lineItems", self._stage_line_items),
            ("results", self._stage_results),
        ]:
            if self.manifest.mode(file) != "absent" and (file != "roles" or self.version == "1.2"):
                stage()

    def _db_district_id(self) -> int | None:
        return self.district.pk if self.district is not None else None

    def _read_orgs(self) -> None:
        district_id = self._db_district_id()
        if district_id is not None:
            for sid in (
                School.objects.filter(district_id=district_id)
                .exclude(source_id="")
                .values_list("source_id", flat=True)
            ):
                self.orgs[sid] = "school"
            if self.district and self.district.source_id:
                self.orgs[self.district.source_id] = "district"
        small = self.small.setdefault("orgs", _Small())
        for row, cells in self._rows("orgs"):
            try:
                sid, status = cells.common()
                fields = {
                    "name": cells.text("name", 200, required=True),
                    "type": spec.enum_cell(cells, "type", spec.ORG_TYPES, "org type"),
                    "parent": cells("parentSourcedId"),
                }
            except spec.FieldError as exc:
                self._fail("orgs", row, exc)
                continue
            if sid in small.rows:
                self.report.problem(
                    "orgs.csv",
                    row,
                    "sourcedId",
                    sid,
                    f"duplicate sourcedId: also on row {small.rows[sid][0]}",
                )
                continue
            small.rows[sid] = (row, status, fields)
            if status == "active":
                self.orgs[sid] = fields["type"]
        districts = [
            (sid, r) for sid, r in small.rows.items() if r[2]["type"] == "district" and r[1] == "active"
        ]
        if len(districts) > 1:
            self.report.problem(
                "orgs.csv",
                districts[1][1][0],
                "type",
                "district",
                f"the bundle holds {len(districts)} districts; import one district at a time",
            )
        elif districts:
            sid, self.district_org = districts[0]
            self.district_org_id = sid
            if self.district is not None and self.district.source_id and self.district.source_id != sid:
                self.report.problem(
                    "orgs.csv",
                    self.district_org[0],
                    "sourcedId",
                    sid,
                    f"this bundle is for the district “{self.district_org[2]['name']}” (sourcedId {sid}), "
                    f"but the import is into {self.district} (sourcedId {self.district.source_id})",
                )
        if self.district is None and not districts:
            self.report.problem(
                "orgs.csv",
                None,
                "type",
                "",
                "the bundle has no district org: choose the district to import into",
            )
        for row, status, fields in small.rows.values():
            parent = fields["parent"]
            if parent and parent not in self.orgs and status == "active":
                self.report.problem("orgs.csv", row, "parentSourcedId", parent, "no org has this sourcedId")

    def _session_fields(self, cells: spec.Cells) -> dict[str, Any]:
        year = cells("schoolYear")
        if year and not (year.isdigit() and len(year) == 4):
            raise spec.FieldError("schoolYear", year, "schoolYear must be a year such as 2026")
        return {
            "title": cells.text("title", 200, required=True),
            "type": spec.enum_cell(cells, "type", spec.SESSION_TYPES, "session type"),
            "start_date": spec.date_cell(cells, "startDate"),
            "end_date": spec.date_cell(cells, "endDate"),
            "parent_source_id": cells.text("parentSourcedId", 100),
            "school_year": int(year) if year else None,
        }

    def _course_fields(self, cells: spec.Cells) -> dict[str, Any]:
        return {
            "title": cells.text("title", 200, required=True),
            "course_code": cells.text("courseCode", 100),
            "grades": spec.json.loads(spec.grades_json(cells.parse("grades", spec.parse_grades))),
            "subjects": cells.text("subjects", 200),
            "org_source_id": cells.text("orgSourcedId", 100),
            "_year": cells("schoolYearSourcedId"),
        }

    def _category_fields(self, cells: spec.Cells) -> dict[str, Any]:
        return {"title": cells.text("title", 100, required=True)}

    def _read_small(
        self, file: str, fields_of: Callable[[spec.Cells], dict[str, Any]], model: type[models.Model] | None
    ) -> None:
        small = self.small.setdefault(file, _Small())
        for row, cells in self._rows(file):
            try:
                sid, status = cells.common()
                fields = fields_of(cells)
            except spec.FieldError as exc:
                self._fail(file, row, exc)
                continue
            if sid in small.rows:
                self.report.problem(
                    f"{file}.csv",
                    row,
                    "sourcedId",
                    sid,
                    f"duplicate sourcedId: also on row {small.rows[sid][0]}",
                )
                continue
            small.rows[sid] = (row, status, fields)

    def _known(self, file: str, model: type[models.Model]) -> set[str]:
        """sourcedIds a reference may name: active rows of the file, plus the district's rows
        in the database unless the file replaces them all (bulk) or deletes them."""
        small = self.small.get(file, _Small())
        ids = {sid for sid, (_, status, _) in small.rows.items() if status == "active"}
        if self.manifest.mode(file) != "bulk" and self.district is not None:
            deleted = {sid for sid, (_, status, _) in small.rows.items() if status != "active"}
            ids |= (
                set(model._default_manager.filter(district=self.district).values_list("source_id", flat=True))
                - deleted
            )
        return ids

    def _check_small_references(self) -> None:
        from coachmap.roster.models import Course

        self.session_ids = self._known("academicSessions", AcademicSession)
        self.course_ids = self._known("courses", Course)
        self.category_ids = self._known("categories", Category)
        for _sid, (row, status, fields) in self.small.get("academicSessions", _Small()).rows.items():
            parent = fields["parent_source_id"]
            if (
                status == "active"
                and parent
                and parent not in self.session_ids
                and self._checks("academicSessions")
            ):
                self.report.problem(
                    "academicSessions.csv",
                    row,
                    "parentSourcedId",
                    parent,
                    "no academic session has this sourcedId",
                )
        for _sid, (row, status, fields) in self.small.get("courses", _Small()).rows.items():
            if status != "active":
                continue
            year = fields.pop("_year")
            if year and year not in self.session_ids and self._checks("academicSessions"):
                self.report.problem(
                    "courses.csv", row, "schoolYearSourcedId", year, "no academic session has this sourcedId"
                )
            org = fields["org_source_id"]
            if org and org not in self.orgs and self._checks("orgs"):
                self.report.problem("courses.csv", row, "orgSourcedId", org, "no org has this sourcedId")

    def _school_ref(self, file: str, column: str, value: str) -> str:
        if not self._checks("orgs"):
            return value
        if value not in self.orgs:
            raise spec.FieldError(column, value, "no org has this sourcedId")
        if self.orgs[value] != "school":
            raise spec.FieldError(column, value, f"this org is a {self.orgs[value]}, not a school")
        return value

    def _stage(self, name: str, columns: Sequence[tuple[str, str]]) -> Stage:
        """A staging table for a file (one is made even for absent files: checks read them empty)."""
        stage = Stage(name, [("source_id", "text"), ("status", "text"), *columns]).create()
        self.stages[name] = stage
        return stage

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
                    if course in self.small.get("courses", _Small()).rows:
                        course_subjects = self.small["courses"].rows[course][2]["subjects"]
                    subject = spec.subject_of(cells("subjects"), course_subjects, title, code)
                except spec.FieldError as exc:
                    self._fail("classes", row, exc)
                    continue
                write((row, sid, status, title, code, spec.grades_json(grades), subject, school, course))
        stage.index("source_id")

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
            fast: spec.FastReader | None = None
            for row, cells in self._rows("users"):
                if v11:
                    fast = fast or spec.fast_users_11(self.index, self.orgs, self._checks("orgs"))
                    if (quick := fast(cells.cells)) is not None:
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
        stage.index("source_id")
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
        analyze("stg_users")
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

    def _stage_enrollments(self) -> None:
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
        fast: spec.FastReader | None = None
        with stage.writer() as write:
            for row, cells in self._rows("enrollments"):
                fast = fast or spec.fast_enrollments(self.index, self.orgs, self._checks("orgs"))
                if (quick := fast(cells.cells)) is not None:
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

    def _stage_demographics(self) -> None:
        stage = self._stage("demographics", [("race", "text"), ("gender", "text")])
        births = 0
        fast: spec.FastReader | None = None
        birth_of: Callable[[Sequence[str]], str] | None = None
        with stage.writer() as write:
            for row, cells in self._rows("demographics"):
                fast = fast or spec.fast_demographics(self.index)
                birth_of = birth_of or spec.getter(self.index, "birthDate")
                if (quick := fast(cells.cells)) is not None:
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
        stage.index("source_id")

    def _stage_results(self) -> None:
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
        fast: spec.FastReader | None = None
        with stage.writer() as write:
            for row, cells in self._rows("results"):
                fast = fast or spec.fast_results(self.index)
                if (quick := fast(cells.cells)) is not None:
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

    # --- cross-file checks -------------------------------------------------------------------------

    def _check_references(self) -> None:
        self.progress("Checking references between files", 0, 1)
        for name in ("classes", "users", "roles", "enrollments", "demographics", "line_items", "results"):
            if name in self.stages and name != "roles":
                self._duplicates(name)
        d = self._db_district_id() or 0
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
            if stage_name not in self.stages or not self._checks(target_file):
                continue
            self._dangling(
                stage_name, col, column, target, target_file, db_sql.format(col=col), [d] * n_params, what
            )
        self._role_mismatches()

    def _file_of(self, stage_name: str) -> str:
        return {"line_items": "lineItems.csv"}.get(stage_name, f"{stage_name}.csv")

    def _duplicates(self, name: str) -> None:
        table = self.stages[name].table
        for source_id, first, row in fetchall(
            f"SELECT source_id, MIN(row), MAX(row) FROM {table} GROUP BY source_id "
            f"HAVING COUNT(*) > 1 ORDER BY MIN(row) LIMIT {MAX_LISTED}"
        ):
            self.report.problem(
                self._file_of(name), row, "sourcedId", source_id, f"duplicate sourcedId: also on row {first}"
            )

    def _dangling(
        self,
        stage_name: str,
        col: str,
        column: str,
        target: str,
        target_file: str,
        db_sql: str,
        params: list[int],
        what: str,
    ) -> None:
        table = self.stages[stage_name].table
        in_file = (
            f"EXISTS (SELECT 1 FROM stg_{target} t WHERE t.source_id = s.{col} AND t.status = 'active')"
            if target in self.stages
            else "1 = 0"
        )
        allowed = in_file
        if self.manifest.mode(target_file) != "bulk" and self.district is not None:
            deleted = (
                f"EXISTS (SELECT 1 FROM stg_{target} t WHERE t.source_id = s.{col} AND t.status <> 'active')"
                if target in self.stages
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
            self.report.problem(
                self._file_of(stage_name),
                row,
                column,
                value,
                f"no {what} has this sourcedId (not in {target_file}.csv"
                + ("" if self.manifest.mode(target_file) == "bulk" else " nor already in coachmap")
                + ")",
            )

    def _role_mismatches(self) -> None:
        if "users" not in self.stages or not self._checks("users"):
            return
        if "enrollments" in self.stages:
            for row, user, role, kind in fetchall(
                "SELECT e.row, e.user_ref, e.role, u.role FROM stg_enrollments e JOIN stg_users u "
                "ON u.source_id = e.user_ref WHERE e.status = 'active' AND e.role IN ('student', 'teacher') "
                f"AND u.role IN ('student', 'teacher') AND u.role <> e.role ORDER BY e.row LIMIT {MAX_LISTED}"
            ):
                self.report.problem(
                    "enrollments.csv",
                    row,
                    "role",
                    role,
                    f"user {user} is a {kind} in users.csv, not a {role}",
                )
        if "results" in self.stages:
            for row, user, kind in fetchall(
                "SELECT r.row, r.student_ref, u.role FROM stg_results r JOIN stg_users u "
                "ON u.source_id = r.student_ref WHERE r.status = 'active' AND u.role <> 'student' "
                f"ORDER BY r.row LIMIT {MAX_LISTED}"
            ):
                self.report.problem(
                    "results.csv", row, "studentSourcedId", user, f"user {user} is a {kind}, not a student"
                )
            for row, item, student, first in fetchall(
                "SELECT MAX(row), line_item_ref, student_ref, MIN(row) FROM stg_results WHERE status = 'active' "
                f"GROUP BY line_item_ref, student_ref HAVING COUNT(*) > 1 ORDER BY MIN(row) LIMIT {MAX_LISTED}"
            ):
                self.report.problem(
                    "results.csv",
                    row,
                    "studentSourcedId",
                    student,
                    f"a second result for this student on line item {item}: the first is on row {first}",
                )

    # --- phase 2: merge ----------------------------------------------------------------------------

    def _merge_all(self) -> None:
        self._merge_district_and_schools()
        self._merge_small("academicSessions", AcademicSession, "academic sessions")
        from coachmap.roster.models import Course

        self._merge_small("courses", Course, "courses")
        self._merge_small("categories", Category, "categories")
        d = self.district_id
        scopes = {
            "classes": ("roster_class.school_id IN (SELECT id FROM core_school WHERE district_id = %s)", [d]),
            "students": ("roster_student.district_id = %s", [d]),
            "enrollments": (f"roster_enrollment.klass_id IN ({_DISTRICT_CLASSES})", [d]),
            "line items": (f"roster_lineitem.klass_id IN ({_DISTRICT_CLASSES})", [d]),
            "results": (
                f"roster_score.line_item_id IN (SELECT li.id FROM roster_lineitem li WHERE li.klass_id IN ({_DISTRICT_CLASSES}))",
                [d],
            ),
        }
        plans = [
            ("results", "results", Score, ""),
            ("line items", "lineItems", LineItem, ""),
            ("enrollments", "enrollments", Enrollment, ""),
            ("students", "users", Student, "AND kind = 'student'"),
            ("classes", "classes", Class, ""),
        ]
        # Removals first, dependants before what they depend on, so each file's count is its own.
        for entity, file, model, staged_filter in plans:
            if self._stage_of(file) is not None:
                self.progress(f"Removing {entity} no longer in the roster", 0, 1)
                scope, params = scopes[entity]
                self._remove(entity, file, model, scope, params, staged_filter)
        if "classes" in self.stages:
            self.progress("Saving classes", 0, 1)
            self._upsert(
                entity="classes",
                file="classes",
                model=Class,
                res_sql=(
                    "SELECT s.source_id, sch.id AS school_id, s.title, s.code AS course_code, s.grades, "
                    "s.subject, co.id AS course_id FROM stg_classes s "
                    "JOIN core_school sch ON sch.district_id = %s AND sch.source_id = s.school_ref "
                    "LEFT JOIN roster_course co ON co.district_id = %s AND co.source_id = s.course_ref "
                    "WHERE s.status = 'active'"
                ),
                res_params=[d, d],
                columns=["school_id", "title", "course_code", "grades", "subject", "course_id"],
                json_columns={"grades"},
                scope=scopes["classes"],
            )
        self._map(
            "map_class",
            f"SELECT c.source_id, c.id FROM roster_class c WHERE c.id IN ({_DISTRICT_CLASSES})",
            [d],
        )
        (self.last_student_id,) = fetchone("SELECT COALESCE(MAX(id), 0) FROM roster_student")
        if "users" in self.stages:
            self.progress("Saving students", 0, 1)
            self._upsert(
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
                        if "demographics" in self.stages
                        else "'unknown' AS race_ethnicity, 'unknown' AS gender FROM stg_users s "
                    )
                    + "JOIN core_school sch ON sch.district_id = %s AND sch.source_id = s.school_ref "
                    "WHERE s.status = 'active' AND s.kind = 'student'"
                ),
                res_params=[d],
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
            self.progress("Saving teachers", 0, 1)
            self._merge_teachers()
            self._note_skipped_users()
            self._school_grade_spans()
        self._map(
            "map_teacher",
            "SELECT t.source_id, t.id FROM core_teacher t JOIN core_school sc ON sc.id = t.school_id "
            "WHERE sc.district_id = %s AND t.source_id <> ''",
            [d],
        )
        if "enrollments" in self.stages:
            self.progress("Saving enrollments", 0, 1)
            self._upsert(
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
        if "demographics" in self.stages:
            self.progress("Saving demographics", 0, 1)
            self._merge_demographics()
        if "line_items" in self.stages:
            self.progress("Saving line items", 0, 1)
            self._upsert(
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
        self._map(
            "map_lineitem",
            "SELECT li.source_id, li.id FROM roster_lineitem li JOIN map_class mc ON mc.id = li.klass_id",
            [],
        )
        if "results" in self.stages:
            self.progress("Saving results", 0, 1)
            self._upsert(
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

    def _stage_of(self, file: str) -> Stage | None:
        return self.stages.get({"lineItems": "line_items"}.get(file, file))

    def _map(self, name: str, sql: str, params: list[Any]) -> None:
        """A temporary source_id → id lookup for the district, indexed for the joins that follow."""
        execute(f"DROP TABLE IF EXISTS {name}")
        execute(f"CREATE TEMPORARY TABLE {name} AS {sql}", params)
        execute(f"CREATE INDEX {name}_source_id ON {name} (source_id)")
        analyze(name)

    def _remove(
        self,
        entity: str,
        file: str,
        model: type[models.Model],
        scope: str,
        params: list[Any],
        staged_filter: str,
    ) -> None:
        """Rows a bulk file no longer has, or a delta file marks `tobedeleted`."""
        table = model._meta.db_table
        stage = self._stage_of(file)
        assert stage is not None  # noqa: S101
        if self.manifest.mode(file) == "bulk":
            gone = (
                f"SELECT id FROM {table} WHERE {scope} AND NOT EXISTS (SELECT 1 FROM {stage.table} s "
                f"WHERE s.source_id = {table}.source_id AND s.status = 'active' {staged_filter})"
            )
        else:
            gone = (
                f"SELECT id FROM {table} WHERE {scope} AND EXISTS (SELECT 1 FROM {stage.table} s "
                f"WHERE s.source_id = {table}.source_id AND s.status <> 'active')"
            )
        self.report.entity(entity).removed += self._delete(model, gone, params)

    def _merge_district_and_schools(self) -> None:
        report = self.report
        orgs = self.small.get("orgs", _Small())
        if self.district is None:
            assert self.district_org is not None  # noqa: S101 - checked in _read_orgs
            name = self.district_org[2]["name"]
            slug = base = slugify(name)[:45] or "district"
            n = 1
            while District.objects.filter(slug=slug).exists():
                n += 1
                slug = f"{base}-{n}"
            self.district = District.objects.create(name=name, slug=slug, source_id=self.district_org_id)
            report.entity("districts").added += 1
        elif self.district_org is not None and not self.district.source_id:
            self.district.source_id = self.district_org_id
            self.district.save(update_fields=["source_id"])
            report.entity("districts").changed += 1
        elif self.district_org is not None:
            report.entity("districts").unchanged += 1
        self.district_id = self.district.pk
        counts = report.entity("schools")
        existing = {
            s.source_id: s for s in School.objects.filter(district=self.district).exclude(source_id="")
        }
        seen = set()
        for sid, (row, status, fields) in orgs.rows.items():
            if fields["type"] != "school":
                if fields["type"] != "district":
                    counts.skipped += 1
                continue
            seen.add(sid)
            school = existing.get(sid)
            if status != "active":
                if school is not None:
                    report.warn(
                        "orgs.csv",
                        row,
                        "status",
                        status,
                        f"{school} is kept: coachmap never deletes a school",
                    )
                continue
            if school is None:
                School.objects.create(district=self.district, source_id=sid, name=fields["name"])
                counts.added += 1
            elif school.name != fields["name"]:
                school.name = fields["name"]
                school.save(update_fields=["name"])
                counts.changed += 1
            else:
                counts.unchanged += 1
        if self.manifest.mode("orgs") == "bulk":
            for sid, school in existing.items():
                if sid not in seen:
                    report.warn("orgs.csv", None, "", sid, f"{school} is not in orgs.csv; it is kept")

    def _merge_small(self, file: str, model: type[models.Model], entity: str) -> None:
        small = self.small.get(file)
        mode = self.manifest.mode(file)
        if small is None or mode == "absent":
            return
        counts = self.report.entity(entity)
        manager = model._default_manager
        existing = {obj.source_id: obj for obj in manager.filter(district=self.district)}  # type: ignore[attr-defined]
        keep: set[str] = set()
        for sid, (_, status, fields) in small.rows.items():
            fields = {k: v for k, v in fields.items() if not k.startswith("_")}
            obj = existing.get(sid)
            if status != "active":
                continue
            keep.add(sid)
            if obj is None:
                manager.create(district=self.district, source_id=sid, **fields)
                counts.added += 1
            elif any(getattr(obj, k) != v for k, v in fields.items()):
                for k, v in fields.items():
                    setattr(obj, k, v)
                obj.save()
                counts.changed += 1
            else:
                counts.unchanged += 1
        if mode == "bulk":
            gone = [obj.pk for sid, obj in existing.items() if sid not in keep]
        else:
            gone = [
                existing[sid].pk
                for sid, (_, status, _) in small.rows.items()
                if status != "active" and sid in existing
            ]
        if gone:
            manager.filter(pk__in=gone).delete()
            counts.removed += len(gone)

    def _upsert(
        self,
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
        counts = self.report.entity(entity)
        stage = self._stage_of(file)
        assert stage is not None  # noqa: S101
        scope_sql, scope_params = scope
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
            self.report.notes.append(f"{staged_active - resolved:,} {skipped_reason}.")
        counts.added += added
        counts.changed += changed
        counts.unchanged += resolved - added - changed

    def _delete(self, model: type[models.Model], ids_sql: str, params: list[Any]) -> int:
        """Delete through the ORM in chunks, so every cascade in every app is honoured."""
        ids = [pk for (pk,) in fetchall(ids_sql, params)]
        for start in range(0, len(ids), DELETE_CHUNK):
            _, per_model = model._default_manager.filter(pk__in=ids[start : start + DELETE_CHUNK]).delete()
            for label, n in per_model.items():
                if label != model._meta.label and n:
                    self.report.notes.append(
                        f"Removing them also removed {n:,} {label.split('.')[-1].lower()} rows."
                    )
        return len(ids)

    def _merge_teachers(self) -> None:
        assert self.district is not None  # noqa: S101
        teachers_merge(
            district=self.district, actor=self.actor, mode=self.manifest.mode("users"), report=self.report
        )

    def _note_skipped_users(self) -> None:
        skipped = Counter(
            dict(
                fetchall(
                    "SELECT COALESCE(role, 'no role'), COUNT(*) FROM stg_users "
                    "WHERE kind = 'other' AND status = 'active' GROUP BY role"
                )
            )
        )
        for role, n in sorted(skipped.items()):
            self.report.entity("users not imported").skipped += n
            if role == "student":
                self.report.notes.append(
                    f"{n:,} students were not imported: they have no grade coachmap tracks (PK–12) or no school."
                )
            elif role == "teacher":
                self.report.notes.append(f"{n:,} teachers were not imported: they belong to no school.")
            else:
                self.report.notes.append(
                    f"{n:,} users with the role {role} were not imported (coachmap imports students and teachers)."
                )
        for row, codes, grade in fetchall(
            "SELECT row, grade_codes, grade FROM stg_users WHERE kind = 'other' AND role = 'student' "
            f"AND status = 'active' ORDER BY row LIMIT {MAX_LISTED}"
        ):
            if grade is None:
                self.report.warn(
                    "users.csv",
                    row,
                    "grades",
                    codes,
                    "student not imported: no grade coachmap tracks (PK–12)",
                )
            else:
                self.report.warn(
                    "users.csv", row, "orgSourcedIds", "", "student not imported: belongs to no school"
                )

    def _school_grade_spans(self) -> None:
        """A school's grade span follows the grades of its students."""
        for school_id, low, high in fetchall(
            "SELECT school_id, MIN(grade), MAX(grade) FROM roster_student WHERE district_id = %s GROUP BY school_id",
            [self.district_id],
        ):
            School.objects.filter(pk=school_id).exclude(grade_low=low, grade_high=high).update(
                grade_low=low, grade_high=high
            )

    def _merge_demographics(self) -> None:
        counts = self.report.entity("demographics")
        d = self.district_id
        mode = self.manifest.mode("demographics")
        table = "roster_student"
        reset = 0
        if mode == "bulk":
            reset = execute(
                f"UPDATE {table} SET race_ethnicity = 'unknown', gender = 'unknown' WHERE district_id = %s "
                "AND (race_ethnicity <> 'unknown' OR gender <> 'unknown') AND NOT EXISTS "
                f"(SELECT 1 FROM stg_demographics s WHERE s.source_id = {table}.source_id AND s.status = 'active')",
                [d],
            )
        else:
            reset = execute(
                f"UPDATE {table} SET race_ethnicity = 'unknown', gender = 'unknown' WHERE district_id = %s "
                f"AND EXISTS (SELECT 1 FROM stg_demographics s WHERE s.source_id = {table}.source_id "
                "AND s.status <> 'active')",
                [d],
            )
        changed = execute(
            f"UPDATE {table} SET race_ethnicity = s.race, gender = s.gender FROM stg_demographics s "
            f"WHERE {table}.district_id = %s AND {table}.source_id = s.source_id AND s.status = 'active' AND ("
            + is_distinct(f"{table}.race_ethnicity", "s.race")
            + " OR "
            + is_distinct(f"{table}.gender", "s.gender")
            + ")",
            [d],
        )
        (matched,) = fetchone(
            f"SELECT COUNT(*) FROM stg_demographics s JOIN {table} ON {table}.district_id = %s "
            f"AND {table}.source_id = s.source_id WHERE s.status = 'active'",
            [d],
        )
        (active,) = fetchone("SELECT COUNT(*) FROM stg_demographics WHERE status = 'active'")
        (added,) = fetchone(
            f"SELECT COUNT(*) FROM stg_demographics s JOIN {table} ON {table}.district_id = %s "
            f"AND {table}.source_id = s.source_id WHERE s.status = 'active' AND {table}.id > %s",
            [d, self.last_student_id],
        )
        counts.added += added
        counts.changed += changed
        counts.removed += reset
        counts.unchanged += matched - added - changed
        counts.skipped += active - matched
        if active - matched:
            self.report.notes.append(
                f"{active - matched:,} demographics rows are for users who are not imported students; they were skipped."
            )
