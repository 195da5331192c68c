"""Phase 1a: the small files (orgs, sessions, courses, categories), kept in memory and checked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models

from coachmap.core.models import School
from coachmap.roster.importers.oneroster import spec
from coachmap.roster.importers.oneroster.base import Base, SmallFile
from coachmap.roster.models import (
    AcademicSession,
    Category,
)


class SmallFiles(Base):
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
        small = self.small.setdefault("orgs", SmallFile())
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
        small = self.small.setdefault(file, SmallFile())
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
        small = self.small.get(file, SmallFile())
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
        for _sid, (row, status, fields) in self.small.get("academicSessions", SmallFile()).rows.items():
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
        for _sid, (row, status, fields) in self.small.get("courses", SmallFile()).rows.items():
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
