"""The bulk path for results.csv, enrollments.csv and demographics.csv gives exactly what reading
row by row gives.

Each bundle is imported twice from the same database state — by the bulk path, then row by
row — and the two reports and everything written must be equal. hypothesis writes the cells
from plainly valid values and the awkward ones real exports hold (white space, other digits,
long decimals, impossible dates, quoted line breaks, blank lines, stray trailing fields), so
both the path that proves a file and the fall-back to reading it row by row are exercised.
"""

from __future__ import annotations

import csv
import io
import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coachmap.core.groups import Gender, Race
from coachmap.roster.importers.oneroster import import_bundle, spec
from coachmap.roster.importers.oneroster import stage as stage_module
from coachmap.roster.importers.report import ImportRejected, Report
from coachmap.roster.importers.source import Source
from coachmap.roster.models import Student
from tests.roster.conftest import V12, do_import, snapshot, write_bundle

pytestmark = pytest.mark.django_db

LINE_ITEMS = V12["lineItems.csv"] + "li2,active,,Retell,,2025-09-02,2025-09-09,c1,cat1,q1,0,100\n"
BASE = {**V12, "lineItems.csv": LINE_ITEMS}


class _Undo(Exception):
    pass


def outcome(folder: Path, *, bulk: bool) -> tuple[dict[str, Any], dict[str, Any] | None, bool]:
    """(report, what the import wrote or None when rejected, whether it read row by row) — undone."""
    report = Report(kind="oneroster", source=folder.name)
    written: dict[str, Any] | None = None
    handler = _Records()
    logger = logging.getLogger("coachmap.roster.importers.oneroster.job")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        with transaction.atomic():
            with Source(folder) as source:
                try:
                    import_bundle(source=source, district=None, report=report, bulk=bulk)
                    written = snapshot()
                except ImportRejected:
                    pass
            raise _Undo
    except _Undo:
        pass
    finally:
        logger.removeHandler(handler)
    return report.to_json(), written, not bulk or bool(handler.records)


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def same_either_way(files: dict[str, str | bytes]) -> bool:
    """Assert both paths agree; returns whether the bulk path stood (no fall-back)."""
    folder = Path(tempfile.mkdtemp())
    try:
        path = write_bundle(folder / "b", files)
        bulk_report, bulk_written, fell_back = outcome(path, bulk=True)
        rows_report, rows_written, _ = outcome(path, bulk=False)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert bulk_report == rows_report
    assert bulk_written == rows_written
    return not fell_back


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


RESULTS_HEADER = next(csv.reader(io.StringIO(V12["results.csv"])))
ENROLLMENTS_HEADER = next(csv.reader(io.StringIO(V12["enrollments.csv"])))


def test_a_clean_bundle_takes_the_bulk_path_and_lands_as_reading_row_by_row_does() -> None:
    assert same_either_way(BASE)


def test_a_cell_the_bulk_path_cannot_prove_is_read_row_by_row_with_the_same_outcome() -> None:
    results = BASE["results.csv"].replace(",88,", ", 88,")
    assert not same_either_way({**BASE, "results.csv": results})


def test_a_broken_result_is_reported_as_row_by_row() -> None:
    results = BASE["results.csv"].replace("2025-09-10", "2025-02-30")
    folder = Path(tempfile.mkdtemp())
    try:
        report, written, _ = outcome(write_bundle(folder / "b", {**BASE, "results.csv": results}), bulk=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert written is None
    assert [p["row"] for p in report["problems"]] == [2]
    assert report["problems"][0]["column"] == "scoreDate"


def test_a_second_import_of_the_same_bundle_changes_nothing_by_the_bulk_path(tmp_path: Path) -> None:
    path = write_bundle(tmp_path / "b", BASE)
    first = do_import("oneroster", path)
    assert first.ok
    before = snapshot()

    again = do_import("oneroster", path)

    assert again.ok
    assert again.totals()["added"] == again.totals()["changed"] == again.totals()["removed"] == 0
    assert snapshot() == before


IDS = ["res1", "res2", "res3", " res4", "res5 ", "'res6", "r" * 101, "", "res\u00a07", "résultat"]
STATUS = ["", "active", "tobedeleted", "Active", " active", "deleted"]
MODIFIED = ["", "2025-09-01", "2025-09-01T10:00:00Z", "2025-09-01 10:00", "2025-13-01", "٢٠٢٥-09-01", "soon"]
DATES = ["", "2025-09-10", "2025-02-30", "2025/09/10", "20250910", " 2025-09-10", "2025-9-1"]
SCORES = [
    "",
    "88",
    "88.5",
    "-3",
    "1e3",
    "1_000",
    " 5",
    "nan",
    "inf",
    "87081.902016",
    "1234567890123456",
    "x",
    "١٢",
]


@st.composite
def result_rows(draw: st.DrawFn) -> list[str]:
    return [
        draw(st.sampled_from(IDS)),
        draw(st.sampled_from(STATUS)),
        draw(st.sampled_from(MODIFIED)),
        draw(st.sampled_from(["li1", "li2", "li9", " li1", ""])),
        draw(st.sampled_from(["s1", "s2", "t1", "p1", "s9", ""])),
        draw(st.sampled_from(["fully graded", "submitted", "Fully Graded", "", "exempt", "graded"])),
        draw(st.sampled_from(SCORES)),
        draw(st.sampled_from(DATES)),
        draw(st.sampled_from(["", "a, b", 'say "hi"', "line\nbreak"])),
    ]


@st.composite
def enrollment_rows(draw: st.DrawFn) -> list[str]:
    return [
        draw(st.sampled_from(["e1", "e2", "e3", "e4", "e5", " e6", ""])),
        draw(st.sampled_from(STATUS)),
        draw(st.sampled_from(MODIFIED)),
        draw(st.sampled_from(["c1", "c9", " c1"])),
        draw(st.sampled_from(["", "sch1", "d1", "zz"])),
        draw(st.sampled_from(["s1", "s2", "t1", "p1", "s9"])),
        draw(st.sampled_from(["student", "teacher", "parent", "Student", ""])),
        draw(st.sampled_from(["", "true", "false", "TRUE", "False", "yes"])),
        draw(st.sampled_from(DATES)),
        draw(st.sampled_from(DATES)),
    ]


def shaped(text: str, shape: str) -> str | bytes:
    """The file as real exports write it: CRLF, a byte-order mark, a blank line, no final newline."""
    if shape == "crlf":
        return text.replace("\n", "\r\n")
    if shape == "bom":
        return b"\xef\xbb\xbf" + text.encode()
    if shape == "blank line":
        return text + "\n"
    if shape == "no final newline":
        return text.rstrip("\n")
    if shape == "trailing field":
        return text.replace("\n", ",\n")
    return text


SHAPES = ["plain", "plain", "crlf", "bom", "blank line", "no final newline", "trailing field"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    results=st.lists(result_rows(), min_size=1, max_size=6),
    enrollments=st.lists(enrollment_rows(), max_size=5),
    shape=st.sampled_from(SHAPES),
)
def test_whatever_the_cells_the_bulk_path_and_row_by_row_agree(
    results: list[list[str]], enrollments: list[list[str]], shape: str
) -> None:
    files: dict[str, str | bytes] = {
        **BASE,
        "results.csv": shaped(csv_text([RESULTS_HEADER, *results]), shape),
        "enrollments.csv": shaped(
            V12["enrollments.csv"] + csv_text(enrollments), "plain" if shape == "trailing field" else shape
        ),
    }
    same_either_way(files)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scores=st.lists(st.decimals(min_value=-1000, max_value=100000, places=6, allow_nan=False), max_size=2))
def test_scores_land_with_the_same_value_either_way(scores: list[Any]) -> None:
    rows = [
        [
            f"res{i}",
            "active",
            "",
            "li1" if i % 2 else "li2",
            "s1" if i < 2 else "s2",
            "fully graded",
            str(s),
            "",
            "",
        ]
        for i, s in enumerate(scores)
    ]
    same_either_way({**BASE, "results.csv": csv_text([RESULTS_HEADER, *rows])})


def test_a_failure_injected_while_the_bulk_path_loads_results_leaves_nothing_changed(tmp_path: Path) -> None:
    do_import("oneroster", write_bundle(tmp_path / "first", BASE))
    before = snapshot()
    students = [f"s{i}" for i in range(3, 33)]
    users = V12["users.csv"] + "".join(f"{s},active,,true,{s},,A,B,,,,,,,04,,,,,,,sch1,\n" for s in students)
    roles = V12["roles.csv"] + "".join(f"r{s},active,,{s},primary,student,,,sch1,\n" for s in students)
    results = V12["results.csv"] + "".join(
        f"res{s}-{item},active,,{item},{s},fully graded,70,2025-09-10,\n"
        for s in students
        for item in ("li1", "li2")
    )
    bigger = {**BASE, "users.csv": users, "roles.csv": roles, "results.csv": results}
    others = max(len(text.splitlines()) for name, text in bigger.items() if name != "results.csv")
    assert others < 50 < len(results.splitlines())  # only results.csv reaches row 50

    report = do_import("oneroster", write_bundle(tmp_path / "bigger", bigger), fail_at_row=50)

    assert any("injected failure at results.csv" in note for note in report.notes)
    assert snapshot() == before


def test_a_column_with_too_many_distinct_values_is_proved_row_by_row_in_sql(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from coachmap.roster.importers.oneroster import stage_bulk

    monkeypatch.setattr(stage_bulk, "DISTINCT_CAP", 3)  # the enrollments' three roles still fit
    pairs = [("li1", "s1"), ("li2", "s1"), ("li1", "s2"), ("li2", "s2")]
    rows = [
        [
            f"res{i}",
            "active",
            f"2025-09-0{i}T10:00:00Z",
            item,
            student,
            "fully graded",
            "88",
            "2025-09-10",
            "",
        ]
        for i, (item, student) in enumerate(pairs, start=1)
    ]
    assert same_either_way({**BASE, "results.csv": csv_text([RESULTS_HEADER, *rows])})

    rows[1][2] = "last Tuesday"
    assert not same_either_way({**BASE, "results.csv": csv_text([RESULTS_HEADER, *rows])})


# --- demographics.csv ----------------------------------------------------------------------------

DEMOGRAPHICS_HEADER = [
    "sourcedId",
    "status",
    "dateLastModified",
    "birthDate",
    "sex",
    *spec.RACE_COLUMNS,
    "countryOfBirthCode",
    "stateOfBirthAbbreviation",
    "cityOfBirth",
    "publicSchoolResidenceStatus",
]
WITH_DEMOGRAPHICS = {**BASE, "manifest.csv": BASE["manifest.csv"] + "file.demographics,bulk\n"}


def demographics(*rows: dict[str, str]) -> str:
    return csv_text([DEMOGRAPHICS_HEADER, *([row.get(c, "") for c in DEMOGRAPHICS_HEADER] for row in rows)])


@st.composite
def demographic_rows(draw: st.DrawFn) -> dict[str, str]:
    flags = ["", "true", "false", "TRUE", "False", "yes", " true", "1"]
    return {
        "sourcedId": draw(st.sampled_from(["s1", "s2", "t1", "p1", "s9", " s1", ""])),
        "status": draw(st.sampled_from(STATUS)),
        "dateLastModified": draw(st.sampled_from(MODIFIED)),
        "birthDate": draw(st.sampled_from(DATES)),
        # The last two are a fullwidth letter and a Kelvin sign: never read as "male" or "unknown".
        "sex": draw(
            st.sampled_from(["", "male", "Female", "OTHER", "unspecified", "m", " male", "ｍale", "\u212aid"])
        ),
        **{column: draw(st.sampled_from(flags)) for column in spec.RACE_COLUMNS},
        "cityOfBirth": draw(st.sampled_from(["", "Springfield", "a, b", "line\nbreak"])),
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(demographic_rows(), min_size=1, max_size=5), shape=st.sampled_from(SHAPES))
def test_whatever_the_demographics_the_bulk_path_and_row_by_row_agree(
    rows: list[dict[str, str]], shape: str
) -> None:
    same_either_way({**WITH_DEMOGRAPHICS, "demographics.csv": shaped(demographics(*rows), shape)})


def test_every_race_and_sex_lands_by_the_bulk_path_as_row_by_row(tmp_path: Path) -> None:
    """Each rule of the federal race reporting, and each spelling of sex, through the SQL view."""
    cases = [
        {"hispanicOrLatinoEthnicity": "true", "asian": "TRUE", "sex": "Female"},  # Hispanic first
        {"white": "True", "blackOrAfricanAmerican": "true", "sex": "male"},  # two races
        {"demographicRaceTwoOrMoreRaces": "true", "sex": "OTHER"},
        {"nativeHawaiianOrOtherPacificIslander": "true", "white": "false", "sex": "unspecified"},
        {"americanIndianOrAlaskaNative": "true"},
        {"asian": "false"},  # no race reported
    ]
    for n, case in enumerate(cases):
        files = {
            **WITH_DEMOGRAPHICS,
            "demographics.csv": demographics({"sourcedId": "s1", "birthDate": "2016-04-02", **case}),
        }
        assert same_either_way(files), f"case {n} fell back to reading row by row"
    path = write_bundle(
        tmp_path / "b",
        {
            **WITH_DEMOGRAPHICS,
            "demographics.csv": demographics(
                {
                    "sourcedId": "s1",
                    "birthDate": "2016-04-02",
                    "white": "true",
                    "asian": "true",
                    "sex": "Female",
                },
                {"sourcedId": "s2", "hispanicOrLatinoEthnicity": "TRUE", "sex": "male"},
            ),
        },
    )
    report = do_import("oneroster", path)
    assert report.ok
    assert dict(Student.objects.values_list("source_id", "race_ethnicity")) == {
        "s1": Race.MULTIRACIAL,
        "s2": Race.HISPANIC,
    }
    assert dict(Student.objects.values_list("source_id", "gender")) == {
        "s1": Gender.FEMALE,
        "s2": Gender.MALE,
    }
    assert report.dropped["birth dates and places of birth (demographics.csv)"] == 1


def test_birth_dates_are_dropped_as_soon_as_the_file_is_proved(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """By the bulk path the raw cells of demographics.csv (birth dates and places) sit in a
    temporary table only until the file is proved: by the next file, they are gone."""
    seen: list[bool] = []
    real = stage_module.line_items

    def next_file(state: Any) -> None:
        seen.append(_table_exists("raw_demographics"))
        seen.append(_table_exists("stg_demographics"))
        real(state)

    monkeypatch.setattr(stage_module, "line_items", next_file)
    rows = {"sourcedId": "s1", "birthDate": "2016-04-02", "cityOfBirth": "Springfield", "white": "true"}
    path = write_bundle(tmp_path / "b", {**WITH_DEMOGRAPHICS, "demographics.csv": demographics(rows)})

    report = do_import("oneroster", path)

    assert report.ok and seen == [False, True]
    assert Student.objects.get(source_id="s1").race_ethnicity == Race.WHITE


def _table_exists(table: str) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {table} LIMIT 1")  # noqa: S608 - a fixed name
        return True
    except DatabaseError:
        return False
