"""The demo district rebuilt from a generated OneRoster bundle, and exports a spreadsheet never runs."""

from __future__ import annotations

import csv
import datetime
import io
from collections import Counter
from pathlib import Path

import pytest

from coachmap.core.csvsafe import safe_cell, writer
from coachmap.core.models import District
from coachmap.demo.generate import Generator
from coachmap.demo.profiles import PROFILES
from coachmap.roster.exporters import FLAGS_FILE, RESULTS_FILE, oneroster_export
from coachmap.roster.models import Class, Enrollment, Result, Student
from tests.roster.conftest import do_import, problems

pytestmark = pytest.mark.django_db


def _students(district: District) -> Counter[tuple[object, ...]]:
    return Counter(
        Student.objects.filter(district=district).values_list(
            "source_id",
            "school__source_id",
            "grade",
            "race_ethnicity",
            "gender",
            "english_learner",
            "disability",
            "econ_disadvantaged",
        )
    )


def test_the_demo_district_is_rebuilt_from_its_oneroster_bundle(tmp_path: Path) -> None:
    Generator(PROFILES["demo"], 1, datetime.date(2026, 11, 23)).run()
    demo = District.objects.get()
    counts = oneroster_export(district=demo, path=tmp_path / "bundle.zip")
    assert counts["users"] == 3_000 + 180
    assert counts["enrollments"] == 4_680

    rebuilt = District.objects.create(name="Rebuilt", slug="rebuilt")
    report = do_import("oneroster", tmp_path / "bundle.zip", district=rebuilt)
    assert report.ok, problems(report)
    folder = tmp_path / "files"
    folder.mkdir()
    import zipfile

    with zipfile.ZipFile(tmp_path / "bundle.zip") as z:
        z.extract(FLAGS_FILE, folder)
        z.extract(RESULTS_FILE, folder)
    assert do_import("flags", folder / FLAGS_FILE, district=rebuilt, allow_removals=True).ok
    assert do_import("results", folder / RESULTS_FILE, district=rebuilt).ok

    assert _students(rebuilt) == _students(demo)
    assert (
        Class.objects.filter(school__district=rebuilt).count()
        == Class.objects.filter(school__district=demo).count()
    )
    for district in (demo, rebuilt):
        assert Enrollment.objects.filter(klass__school__district=district).count() == 4_680
    key = (
        "student__source_id",
        "assessment__subject",
        "assessment__window",
        "scale_score",
        "proficient",
        "grade",
    )
    assert Counter(Result.objects.filter(assessment__district=rebuilt).values_list(*key)) == Counter(
        Result.objects.filter(assessment__district=demo).values_list(*key)
    )
    assert (
        rebuilt.schools.get(source_id="S0001").grades_label
        == demo.schools.get(source_id="S0001").grades_label
    )


def test_the_demo_districts_own_export_imports_back_into_it_changing_no_roster_row(tmp_path: Path) -> None:
    Generator(PROFILES["demo"], 1, datetime.date(2026, 11, 23)).run()
    demo = District.objects.get()
    oneroster_export(district=demo, path=tmp_path / "bundle.zip")

    report = do_import("oneroster", tmp_path / "bundle.zip", district=demo)

    assert report.ok, problems(report)
    for entity in ("districts", "schools", "students", "teachers", "classes", "enrollments", "demographics"):
        counts = report.entity(entity)
        assert (counts.added, counts.changed, counts.removed) == (0, 0, 0), entity
    assert report.entity("enrollments").unchanged == 4_680


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("=SUM(A1:A3)", "'=SUM(A1:A3)"),
        ("+1", "'+1"),
        ("-cmd", "'-cmd"),
        ("@x", "'@x"),
        ("plain", "plain"),
        (-3, -3),
    ],
)
def test_a_cell_a_spreadsheet_would_run_is_exported_as_text(value: object, shown: object) -> None:
    assert safe_cell(value) == shown


def test_the_safe_writer_round_trips_through_the_importers_text_rule() -> None:
    from coachmap.roster.importers.cells import clean_text

    out = io.StringIO()
    writer(out).writerow(['=HYPERLINK("x")', 5])
    cell = next(csv.reader(io.StringIO(out.getvalue())))[0]
    assert cell == '\'=HYPERLINK("x")'
    assert clean_text(cell, 100) == '=HYPERLINK("x")'
