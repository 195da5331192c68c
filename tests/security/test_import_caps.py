"""One CSV cell is capped (issue 12, item 6): a 400 MB cell once took the worker to 4.45 GB.

Every reader — OneRoster row by row and its bulk path (PostgreSQL COPY, SQLite executemany),
vendor results, published results, usage and program flags — refuses a cell longer than
`MAX_FIELD` with the file, row and column, changes nothing, and never holds the cell in memory.
"""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from coachmap.roster.importers.oneroster.spec import HEADERS_11
from coachmap.roster.importers.report import Report
from coachmap.roster.importers.source import MAX_FIELD, MAX_LINE, Source, Table
from tests.roster.conftest import SAMPLE, V12, do_import, problems, snapshot, write_bundle

pytestmark = pytest.mark.django_db

HUGE = 50 * 1024 * 1024  # 50 MB in one cell
MEMORY_BOUND = 16 * 1024 * 1024  # what an import may grow by while reading it: well below the cell


def write_huge(path: Path, before: str, after: str, size: int = HUGE, quoted: bool = False) -> Path:
    """`before` + a cell of `size` characters + `after`, streamed to disk in pieces."""
    piece = "x" * (1 << 20)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(before + ('"' if quoted else ""))
        for _ in range(size // len(piece)):
            out.write(piece)
        out.write(piece[: size % len(piece)])
        out.write(('"' if quoted else "") + after)
    return path


def peak_growth(run: Callable[[], Report]) -> tuple[Report, int]:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base, _ = tracemalloc.get_traced_memory()
        report = run()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return report, peak - base


def cap_message(report: Report) -> str:
    located = [p for p in problems(report) if f"longer than {MAX_FIELD:,} characters" in p]
    assert located, problems(report)
    return located[0]


@pytest.fixture
def roster() -> None:
    assert do_import("oneroster", SAMPLE).ok


CASES = {
    "flags": ("flags.csv", "student_id,english_learner\n604863,", "\n604874,true\n", "english_learner"),
    "usage": ("usage.csv", "student_id,tool,date,minutes\n604863,", ",2020-11-02,5\n", "tool"),
    "results": (
        "star.csv",
        "Student ID,Test Name,Subject,Test Date,Scale Score\n604863,Star Reading,",
        ",09/15/2020,512\n",
        "Subject",
    ),
    "published": (
        "state.csv",
        "Year,Corporation ID,Corporation Name,Subject,Group,Tested\n2024,15,",
        ",ELA,All,40\n",
        "Corporation Name",
    ),
}


@pytest.mark.parametrize("kind", CASES)
def test_a_50_mb_cell_is_refused_with_its_row_and_column_in_bounded_memory(
    roster: None, tmp_path: Path, kind: str
) -> None:
    name, before_cell, after_cell, column = CASES[kind]
    path = write_huge(tmp_path / name, before_cell, after_cell)
    before = snapshot()

    report, grown = peak_growth(lambda: do_import(kind, path))

    assert cap_message(report).startswith(f"{name}, row 2, column {column}")
    assert snapshot() == before
    assert grown < MEMORY_BOUND, f"reading grew memory by {grown:,} bytes"


@pytest.mark.parametrize("size", [HUGE, MAX_FIELD + 1], ids=["50 MB", "just over the cap"])
@pytest.mark.parametrize("bulk_file", ["results.csv", "enrollments.csv"])
def test_a_long_cell_in_a_bundle_is_refused_by_the_bulk_path_and_located_row_by_row(
    tmp_path: Path, bulk_file: str, size: int
) -> None:
    """A line too long is never sent to the database; a shorter one is loaded, and the proof in
    SQL (`length(cell)`) refuses it: either way the row-by-row reader reports where it is."""
    folder = write_bundle(tmp_path / "bundle", {k: v for k, v in V12.items() if k != bulk_file})
    header, first, *_ = V12[bulk_file].splitlines()
    cells = first.split(",")
    # The huge cell is the third column of row 3 (its file's reference to a line item or class).
    write_huge(
        folder / bulk_file,
        f"{header}\n{first}\n" + ",".join(["r9", "active", ""]) + ",",
        "," + ",".join(cells[4:]) + "\n",
        size=size,
    )

    report, grown = peak_growth(lambda: do_import("oneroster", folder))

    third = header.split(",")[3]
    assert cap_message(report).startswith(f"{bulk_file}, row 3, column {third}")
    assert snapshot()["Score"] == [] and snapshot()["Enrollment"] == []
    assert grown < MEMORY_BOUND, f"reading grew memory by {grown:,} bytes"


@pytest.mark.parametrize("size", [HUGE, MAX_FIELD + 1], ids=["50 MB", "just over the cap"])
def test_a_long_cell_in_demographics_is_refused_by_the_bulk_path_and_located_row_by_row(
    tmp_path: Path, size: int
) -> None:
    """demographics.csv takes the bulk path too: a long birth date there is refused by it and
    located by the row reader, as in results.csv."""
    header = HEADERS_11["demographics"]
    folder = write_bundle(
        tmp_path / "bundle", {**V12, "manifest.csv": V12["manifest.csv"] + "file.demographics,bulk\n"}
    )
    rest = ["false"] * 7 + ["", "", "", ""]
    first = ",".join(["s1", "active", "", "2016-04-02", "female", *rest])
    write_huge(
        folder / "demographics.csv",
        ",".join(header) + "\n" + first + "\ns2,active,,",
        "," + ",".join(["male", *rest]) + "\n",
        size=size,
    )

    report, grown = peak_growth(lambda: do_import("oneroster", folder))

    assert cap_message(report).startswith(f"demographics.csv, row 3, column {header[3]}")
    assert snapshot()["Student"] == []
    assert grown < MEMORY_BOUND, f"reading grew memory by {grown:,} bytes"


def test_a_long_quoted_cell_after_quoted_commas_names_its_own_column(tmp_path: Path) -> None:
    """A cell longer than the cap but on a line the reader takes whole: csv finds it, the column is exact."""
    path = write_huge(tmp_path / "f.csv", 'a,b,c,d\n1,"x, y",', ",4\n", size=MAX_FIELD + 10, quoted=True)
    report = Report(kind="flags", source="f.csv")
    with Source(path) as source:
        rows = list(Table(source, "f.csv", report).rows())

    assert rows == []
    assert cap_message(report).startswith("f.csv, row 2, column c")


def test_a_line_longer_than_the_reader_takes_is_refused_at_the_header_too(tmp_path: Path) -> None:
    path = write_huge(tmp_path / "f.csv", "a,", ",c\n1,2,3\n", size=MAX_LINE + 10)
    report = Report(kind="flags", source="f.csv")
    with Source(path) as source:
        table = Table(source, "f.csv", report)

    assert table.header is None
    assert cap_message(report).startswith("f.csv, row 1, column field 2")


def test_cells_up_to_the_cap_are_read_whole(tmp_path: Path) -> None:
    data = io.StringIO()
    data.write("a,b\n" + "y" * MAX_FIELD + ',"q\nr"\n')
    (tmp_path / "f.csv").write_text(data.getvalue())
    report = Report(kind="flags", source="f.csv")
    with Source(tmp_path / "f.csv") as source:
        rows = list(Table(source, "f.csv", report).rows())

    assert report.ok, problems(report)
    assert rows == [(3, ["y" * MAX_FIELD, "q\nr"])]
