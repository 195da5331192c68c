"""Write a district's roster as a OneRoster 1.1 bundle (folder or zip), with its program
flags and assessment results as the CSVs coachmap imports beside it.

This is how a demo or test district is rebuilt from files (`coachmap export-oneroster`, then
`coachmap import oneroster`, `import flags`, `import results`), and how a district takes its
data elsewhere. Students have no names in coachmap, so none are written. Text cells go
through `core.csvsafe`, so a spreadsheet never runs one. Rows stream from the database.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from coachmap.core import csvsafe
from coachmap.core.grades import GRADE_LABELS
from coachmap.core.groups import Race
from coachmap.core.models import District, School, Teacher
from coachmap.roster.importers.oneroster.spec import HEADERS_11
from coachmap.roster.models import Class, Enrollment, LineItem, Result, Score, Student

FLAGS_FILE = "program-flags.csv"
RESULTS_FILE = "assessment-results.csv"
RACE_COLUMN = {
    Race.AMERICAN_INDIAN: "americanIndianOrAlaskaNative",
    Race.ASIAN: "asian",
    Race.BLACK: "blackOrAfricanAmerican",
    Race.PACIFIC_ISLANDER: "nativeHawaiianOrOtherPacificIslander",
    Race.WHITE: "white",
    Race.MULTIRACIAL: "demographicRaceTwoOrMoreRaces",
    Race.HISPANIC: "hispanicOrLatinoEthnicity",
}
ITER = 5000


def grade_code(grade: int) -> str:
    label = GRADE_LABELS[grade]
    return label if grade <= 0 else f"{grade:02d}"


def _bool(value: bool) -> str:
    return "true" if value else "false"


class _Out:
    """A folder or a zip that CSV files are written into, one at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) if path.suffix == ".zip" else None
        if self.zip is None:
            path.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def open(self, name: str) -> Iterator[IO[str]]:
        if self.zip is not None:
            with self.zip.open(name, "w") as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as text:
                yield text
        else:
            with open(self.path / name, "w", encoding="utf-8", newline="") as text:
                yield text

    def write(self, name: str, header: list[str], rows: Iterable[Iterable[Any]]) -> int:
        n = 0
        with self.open(name) as stream:
            out = csvsafe.writer(stream)
            out.writerow(header)
            for row in rows:
                out.writerow(row)
                n += 1
        return n

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def oneroster_export(*, district: District, path: str | Path) -> dict[str, int]:
    """Write the bundle; returns rows written per file."""
    out = _Out(Path(path))
    counts: dict[str, int] = {}
    org_id = district.source_id or district.slug
    schools = School.objects.filter(district=district).order_by("pk")
    year = "sy"

    def h(name: str) -> list[str]:
        return HEADERS_11[name]

    try:
        counts["orgs"] = out.write(
            "orgs.csv",
            h("orgs"),
            [[org_id, "active", "", district.name, "district", "", ""]]
            + [
                [s.source_id or f"school-{s.pk}", "active", "", s.name, "school", "", org_id] for s in schools
            ],
        )
        school_ref = {s.pk: s.source_id or f"school-{s.pk}" for s in schools}
        counts["academicSessions"] = out.write(
            "academicSessions.csv",
            h("academicSessions"),
            [[year, "active", "", "School year", "schoolYear", "", "", "", ""]],
        )
        classes = Class.objects.filter(school__district=district).order_by("pk")
        counts["classes"] = out.write(
            "classes.csv",
            h("classes"),
            (
                [
                    c.source_id,
                    "active",
                    "",
                    c.title,
                    ",".join(grade_code(g) for g in c.grades),
                    "",
                    c.course_code,
                    "scheduled",
                    "",
                    school_ref[c.school_id],
                    year,
                    c.subject if c.subject != "other" else "",
                    "",
                    "",
                ]
                for c in classes.iterator(ITER)
            ),
        )
        counts["users"] = out.write("users.csv", h("users"), _users(district, school_ref))
        counts["enrollments"] = out.write(
            "enrollments.csv", h("enrollments"), _enrollments(district, school_ref)
        )
        counts["demographics"] = out.write("demographics.csv", h("demographics"), _demographics(district))
        items = (
            LineItem.objects.filter(klass__school__district=district).select_related("klass").order_by("pk")
        )
        counts["categories"] = out.write(
            "categories.csv",
            h("categories"),
            (
                [f"cat-{i}", "active", "", title]
                for i, title in enumerate(sorted({c for c in items.values_list("category", flat=True) if c}))
            ),
        )
        categories = {
            title: f"cat-{i}"
            for i, title in enumerate(sorted({c for c in items.values_list("category", flat=True) if c}))
        }
        counts["lineItems"] = out.write(
            "lineItems.csv",
            h("lineItems"),
            (
                [
                    li.source_id,
                    "active",
                    "",
                    li.title,
                    "",
                    li.assign_date or "",
                    li.due_date or "",
                    li.klass.source_id,
                    categories.get(li.category, ""),
                    "",
                    "" if li.result_min is None else li.result_min,
                    "" if li.result_max is None else li.result_max,
                ]
                for li in items.iterator(ITER)
            ),
        )
        counts["results"] = out.write(
            "results.csv",
            h("results"),
            (
                [sid, "active", "", item, student, status, "" if score is None else score, day or "", ""]
                for sid, item, student, status, score, day in Score.objects.filter(
                    line_item__klass__school__district=district
                )
                .order_by("pk")
                .values_list(
                    "source_id", "line_item__source_id", "student__source_id", "status", "score", "score_date"
                )
                .iterator(ITER)
            ),
        )
        manifest = [
            ["manifest.version", "1.0"],
            ["oneroster.version", "1.1"],
            ["source.systemName", "coachmap"],
            ["source.systemCode", "coachmap"],
        ] + [[f"file.{name}", "bulk" if name in counts else "absent"] for name in HEADERS_11]
        out.write("manifest.csv", ["propertyName", "value"], manifest)
        counts[FLAGS_FILE] = out.write(
            FLAGS_FILE,
            ["student_id", "english_learner", "disability", "econ_disadvantaged"],
            (
                [sid, _bool(el), _bool(swd), _bool(ed)]
                for sid, el, swd, ed in Student.objects.filter(district=district)
                .order_by("pk")
                .values_list("source_id", "english_learner", "disability", "econ_disadvantaged")
                .iterator(ITER)
            ),
        )
        counts[RESULTS_FILE] = out.write(
            RESULTS_FILE,
            [
                "student_id",
                "assessment",
                "subject",
                "school_year",
                "window",
                "date",
                "grade",
                "scale_score",
                "performance_level",
                "proficient",
            ],
            (
                [
                    sid,
                    name,
                    subject,
                    year_,
                    window,
                    day or "",
                    grade,
                    "" if scale is None else scale,
                    level,
                    "" if prof is None else _bool(prof),
                ]
                for sid, name, subject, year_, window, day, grade, scale, level, prof in Result.objects.filter(
                    assessment__district=district
                )
                .order_by("pk")
                .values_list(
                    "student__source_id",
                    "assessment__name",
                    "assessment__subject",
                    "assessment__school_year",
                    "assessment__window",
                    "assessment__administered_on",
                    "grade",
                    "scale_score",
                    "performance_level",
                    "proficient",
                )
                .iterator(ITER)
            ),
        )
    finally:
        out.close()
    return counts


def _users(district: District, school_ref: dict[int, str]) -> Iterator[list[Any]]:
    for t in (
        Teacher.objects.filter(school__district=district).select_related("user").order_by("pk").iterator(ITER)
    ):
        if not t.source_id:
            continue
        yield [
            t.source_id,
            "active",
            "",
            "true",
            school_ref[t.school_id],
            "teacher",
            t.user.username,
            "",
            t.user.first_name,
            t.user.last_name,
            "",
            "",
            t.user.email,
            "",
            "",
            "",
            "",
            "",
        ]
    for sid, school_id, grade in (
        Student.objects.filter(district=district)
        .order_by("pk")
        .values_list("source_id", "school_id", "grade")
        .iterator(ITER)
    ):
        # username … agentSourcedIds stay empty: coachmap holds no student names or contacts.
        yield [sid, "active", "", "true", school_ref[school_id], "student", *[""] * 10, grade_code(grade), ""]


def _enrollments(district: District, school_ref: dict[int, str]) -> Iterator[list[Any]]:
    rows = (
        Enrollment.objects.filter(klass__school__district=district)
        .order_by("pk")
        .values_list(
            "pk",
            "source_id",
            "klass__source_id",
            "klass__school_id",
            "student__source_id",
            "teacher__source_id",
            "primary",
            "begin_date",
            "end_date",
        )
        .iterator(ITER)
    )
    for pk, sid, klass, school, student, teacher, primary, begin, end in rows:
        user, role = (student, "student") if student else (teacher, "teacher")
        if not user:
            continue
        yield [
            sid or f"e-{pk}",
            "active",
            "",
            klass,
            school_ref[school],
            user,
            role,
            _bool(primary),
            begin or "",
            end or "",
        ]


def _demographics(district: District) -> Iterator[list[Any]]:
    races = list(RACE_COLUMN.values())
    for sid, race, gender in (
        Student.objects.filter(district=district)
        .order_by("pk")
        .values_list("source_id", "race_ethnicity", "gender")
        .iterator(ITER)
    ):
        flags = dict.fromkeys(races, "false")
        if race in RACE_COLUMN:
            flags[RACE_COLUMN[race]] = "true"
        sex = {"female": "female", "male": "male", "nonbinary": "other"}.get(gender, "unspecified")
        yield [sid, "active", "", "", sex, *(flags[c] for c in races), "", "", "", ""]
