"""Phase 1, read: the manifest, the list of files, and the small files (orgs, sessions,
courses, categories), kept in memory and checked; `rows` is how every phase reads a file's rows."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import models

from coachmap.core.models import School
from coachmap.roster.importers.cells import CellError, check_header, parse_enum
from coachmap.roster.importers.oneroster import spec
from coachmap.roster.importers.oneroster.state import ImportState, Manifest, SmallFile
from coachmap.roster.importers.source import Table
from coachmap.roster.models import AcademicSession, Category

YEAR_DIGITS = 4  # a schoolYear is written with this many digits


def read(st: ImportState) -> None:
    """The small files, and the ids a reference into them may name."""
    read_orgs(st)
    read_small(st, "academicSessions", _session_fields, AcademicSession)
    read_small(st, "courses", _course_fields, None)
    read_small(st, "categories", _category_fields, Category)
    check_small_references(st)


def read_manifest(st: ImportState) -> Manifest | None:
    report = st.report
    name = st.source.find("manifest.csv")
    if name is None:
        report.problem(
            "manifest.csv", None, "", "", "the bundle has no manifest.csv: a OneRoster bundle needs one"
        )
        return None
    table = Table(st.source, name, report)
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


def check_files(st: ImportState) -> None:
    """Every file the manifest lists is there; note the ones coachmap does not read."""
    report = st.report
    for file, mode in st.manifest.modes.items():
        csv_name = f"{file}.csv"
        present = st.source.find(csv_name)
        if file not in spec.FILES:
            if mode != "absent":
                report.notes.append(f"{csv_name} is not used by coachmap; it was not read.")
            continue
        if file == "roles" and st.version != "1.2":
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


def _headers(st: ImportState, file: str) -> list[str]:
    return (spec.HEADERS_12 if st.version == "1.2" else spec.HEADERS_11)[file]


def open_table(st: ImportState, file: str) -> tuple[Table, dict[str, int]] | None:
    if st.manifest.mode(file) == "absent":
        return None
    name = st.source.find(f"{file}.csv")
    if name is None:
        return None
    table = Table(st.source, name, st.report, st.progress, label=f"Reading {name}")
    if table.header is None:
        table.close()
        return None
    required = spec.REQUIRED[file] + (spec.REQUIRED_11_EXTRA.get(file, []) if st.version == "1.1" else [])
    check = check_header(table.header, _headers(st, file), required)
    for column, value, reason in check.problems:
        st.report.problem(name, 1, column, value, reason)
    for column, value, reason in check.warnings:
        st.report.warn(name, 1, column, value, reason)
    if check.problems:
        table.close()
        return None
    return table, check.index


def rows(st: ImportState, file: str) -> Iterable[tuple[int, spec.Cells]]:
    """(row, cells) of `file`; bad cells are reported and their rows left out."""
    before = st.report.problem_count
    try:
        opened = open_table(st, file)
        if opened is None:
            return
        table, index = opened
        st.index = index
        cells = spec.Cells(index)
        for row, raw in table.rows():
            if st.fail_at_row is not None and row == st.fail_at_row:
                raise RuntimeError(f"injected failure at {file}.csv row {row}")
            cells.cells = raw
            yield row, cells
    finally:
        if st.report.problem_count > before:
            st.broken.add(file)


def read_orgs(st: ImportState) -> None:  # noqa: PLR0912 - each branch is one problem the report names
    district_id = st.db_district_id()
    if district_id is not None:
        for sid in (
            School.objects.filter(district_id=district_id)
            .exclude(source_id="")
            .values_list("source_id", flat=True)
        ):
            st.orgs[sid] = "school"
        if st.district and st.district.source_id:
            st.orgs[st.district.source_id] = "district"
    small = st.small.setdefault("orgs", SmallFile())
    for row, cells in rows(st, "orgs"):
        try:
            sid, status = cells.common()
            fields = {
                "name": cells.text("name", 200, required=True),
                "type": spec.enum_cell(cells, "type", spec.ORG_TYPES, "org type"),
                "parent": cells("parentSourcedId"),
            }
        except spec.FieldError as exc:
            st.fail("orgs", row, exc)
            continue
        if _is_duplicate(st, "orgs", small, row, sid):
            continue
        small.rows[sid] = (row, status, fields)
        if status == "active":
            st.orgs[sid] = fields["type"]
    districts = [(sid, r) for sid, r in small.rows.items() if r[2]["type"] == "district" and r[1] == "active"]
    if len(districts) > 1:
        st.report.problem(
            "orgs.csv",
            districts[1][1][0],
            "type",
            "district",
            f"the bundle holds {len(districts)} districts; import one district at a time",
        )
    elif districts:
        sid, st.district_org = districts[0]
        st.district_org_id = sid
        if st.district is not None and st.district.source_id and st.district.source_id != sid:
            st.report.problem(
                "orgs.csv",
                st.district_org[0],
                "sourcedId",
                sid,
                f"this bundle is for the district “{st.district_org[2]['name']}” (sourcedId {sid}), "
                f"but the import is into {st.district} (sourcedId {st.district.source_id})",
            )
    if st.district is None and not districts:
        st.report.problem(
            "orgs.csv",
            None,
            "type",
            "",
            "the bundle has no district org: choose the district to import into",
        )
    for row, status, fields in small.rows.values():
        parent = fields["parent"]
        if parent and parent not in st.orgs and status == "active":
            st.report.problem("orgs.csv", row, "parentSourcedId", parent, "no org has this sourcedId")


def _session_fields(cells: spec.Cells) -> dict[str, Any]:
    year = cells("schoolYear")
    if year and not (year.isdigit() and len(year) == YEAR_DIGITS):
        raise spec.FieldError("schoolYear", year, "schoolYear must be a year such as 2026")
    return {
        "title": cells.text("title", 200, required=True),
        "type": spec.enum_cell(cells, "type", spec.SESSION_TYPES, "session type"),
        "start_date": spec.date_cell(cells, "startDate"),
        "end_date": spec.date_cell(cells, "endDate"),
        "parent_source_id": cells.text("parentSourcedId", 100),
        "school_year": int(year) if year else None,
    }


def _course_fields(cells: spec.Cells) -> dict[str, Any]:
    return {
        "title": cells.text("title", 200, required=True),
        "course_code": cells.text("courseCode", 100),
        "grades": spec.json.loads(spec.grades_json(cells.parse("grades", spec.parse_grades))),
        "subjects": cells.text("subjects", 200),
        "org_source_id": cells.text("orgSourcedId", 100),
        "_year": cells("schoolYearSourcedId"),
    }


def _category_fields(cells: spec.Cells) -> dict[str, Any]:
    return {"title": cells.text("title", 100, required=True)}


def read_small(
    st: ImportState,
    file: str,
    fields_of: Callable[[spec.Cells], dict[str, Any]],
    model: type[models.Model] | None,
) -> None:
    small = st.small.setdefault(file, SmallFile())
    for row, cells in rows(st, file):
        try:
            sid, status = cells.common()
            fields = fields_of(cells)
        except spec.FieldError as exc:
            st.fail(file, row, exc)
            continue
        if _is_duplicate(st, file, small, row, sid):
            continue
        small.rows[sid] = (row, status, fields)


def _known(st: ImportState, file: str, model: type[models.Model]) -> set[str]:
    """sourcedIds a reference may name: active rows of the file, plus the district's rows
    in the database unless the file replaces them all (bulk) or deletes them."""
    small = st.small.get(file, SmallFile())
    ids = {sid for sid, (_, status, _) in small.rows.items() if status == "active"}
    if st.manifest.mode(file) != "bulk" and st.district is not None:
        deleted = {sid for sid, (_, status, _) in small.rows.items() if status != "active"}
        ids |= (
            set(model._default_manager.filter(district=st.district).values_list("source_id", flat=True))
            - deleted
        )
    return ids


def check_small_references(st: ImportState) -> None:
    from coachmap.roster.models import Course

    st.session_ids = _known(st, "academicSessions", AcademicSession)
    st.course_ids = _known(st, "courses", Course)
    st.category_ids = _known(st, "categories", Category)
    for _sid, (row, status, fields) in st.small.get("academicSessions", SmallFile()).rows.items():
        parent = fields["parent_source_id"]
        if status == "active" and parent and parent not in st.session_ids and st.checks("academicSessions"):
            st.report.problem(
                "academicSessions.csv",
                row,
                "parentSourcedId",
                parent,
                "no academic session has this sourcedId",
            )
    for _sid, (row, status, fields) in st.small.get("courses", SmallFile()).rows.items():
        if status != "active":
            continue
        year = fields.pop("_year")
        if year and year not in st.session_ids and st.checks("academicSessions"):
            st.report.problem(
                "courses.csv", row, "schoolYearSourcedId", year, "no academic session has this sourcedId"
            )
        org = fields["org_source_id"]
        if org and org not in st.orgs and st.checks("orgs"):
            st.report.problem("courses.csv", row, "orgSourcedId", org, "no org has this sourcedId")


def _is_duplicate(st: ImportState, file: str, small: SmallFile, row: int, sid: str) -> bool:
    """Whether an earlier row of the file has this sourcedId (a problem when it has)."""
    if sid not in small.rows:
        return False
    message = f"duplicate sourcedId: also on row {small.rows[sid][0]}"
    st.report.problem(f"{file}.csv", row, "sourcedId", sid, message)
    return True
