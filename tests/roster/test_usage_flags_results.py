"""Technology usage (Schoology and generic), program flags and vendor assessment results."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from coachmap.roster.models import Assessment, ColumnMapping, Result, Student, UsageWeek
from tests.roster.conftest import SAMPLE, SCHOOLOGY, do_import, problems, snapshot

pytestmark = pytest.mark.django_db

MON_2 = datetime.date(2020, 11, 2)
MON_9 = datetime.date(2020, 11, 9)


@pytest.fixture
def roster() -> None:
    report = do_import("oneroster", SAMPLE)
    assert report.ok


def _weeks() -> dict[tuple[str, datetime.date], float]:
    return {
        (sid, week): minutes
        for sid, week, minutes in UsageWeek.objects.values_list("student__source_id", "week", "minutes")
    }


def test_the_schoology_export_gives_minutes_per_student_per_week(roster: None) -> None:
    report = do_import("usage", SCHOOLOGY)

    assert report.ok, problems(report)
    # By hand from the file: Mary Archer (604863) has one timed event, 60 s on Mon 11/09 → 1 minute;
    # Kyle Hughes (604874) has 180 s on Tue 11/10 → 3 minutes in the week of 11/09. Their events
    # in the week of 11/02 carry no time (sessions, submissions). The admin's 660 s and 180 s are not students'.
    assert _weeks() == {
        ("604863", MON_2): 0.0,
        ("604863", MON_9): 1.0,
        ("604874", MON_2): 0.0,
        ("604874", MON_9): 3.0,
    }
    assert set(UsageWeek.objects.values_list("tool", flat=True)) == {"Schoology"}
    kyle = UsageWeek.objects.get(student__source_id="604874", week=MON_9)
    assert kyle.events == 1 + 1 + 3 + 1 + 3 + 3 + 3 + 2 + 1 + 2  # the event_count of his ten rows on 11/10
    assert report.counts["usage rows"].skipped == 21


def test_importing_usage_again_replaces_the_weeks_rather_than_doubling_them(roster: None) -> None:
    do_import("usage", SCHOOLOGY)
    again = do_import("usage", SCHOOLOGY)

    assert again.totals()["added"] == again.totals()["changed"] == 0
    assert _weeks()[("604874", MON_9)] == 3.0


def test_a_generic_usage_csv_counts_a_class_row_for_each_enrolled_student(
    roster: None, tmp_path: Path
) -> None:
    path = tmp_path / "usage.csv"
    path.write_text(
        "student_id,class_id,tool,date,minutes\n"
        "604863,,Lexia,2021-01-05,25\n"
        "604863,,Lexia,01/07/2021,15\n"
        ",25590100102Trad220ALG112011,Desmos,2021-01-06,30\n"
    )

    report = do_import("usage", path)

    assert report.ok, problems(report)
    week = datetime.date(2021, 1, 4)
    assert UsageWeek.objects.get(student__source_id="604863", tool="Lexia", week=week).minutes == 40
    algebra = set(
        Student.objects.filter(enrollments__klass__source_id="25590100102Trad220ALG112011").values_list(
            "source_id", flat=True
        )
    )
    desmos = UsageWeek.objects.filter(tool="Desmos", week=week)
    assert set(desmos.values_list("student__source_id", flat=True)) == algebra
    # a student enrolled in both semesters' sections still spent the 30 minutes once per enrollment row
    assert all(m >= 30 for m in desmos.values_list("minutes", flat=True))


def test_usage_for_an_unknown_student_is_rejected_and_changes_nothing(roster: None, tmp_path: Path) -> None:
    path = tmp_path / "usage.csv"
    path.write_text(
        "student_id,tool,date,minutes\n604863,Lexia,2021-01-05,25\n999,Lexia,2021-01-05,x\n888,Lexia,2021-01-05,5\n"
    )
    before = snapshot()

    report = do_import("usage", path)

    assert problems(report) == [
        "usage.csv, row 3, column minutes (value “x”): not a number",
        "usage.csv, row 4, column student_id (value “888”): no student has this id: import the roster (OneRoster) first",
    ]
    assert snapshot() == before


def test_program_flags_set_what_they_give_and_leave_blanks_alone(roster: None, tmp_path: Path) -> None:
    Student.objects.filter(source_id="604874").update(disability=True)
    path = tmp_path / "flags.csv"
    path.write_text("Student ID,ELL,IEP,FRL\n604863,Y,N,TRUE\n604874,no,,yes\n")

    report = do_import("flags", path, allow_removals=True)  # 2 of 8 students: more than 5 %

    assert report.ok, problems(report)
    flags = {
        sid: (el, swd, ed)
        for sid, el, swd, ed in Student.objects.values_list(
            "source_id", "english_learner", "disability", "econ_disadvantaged"
        )
    }
    assert flags["604863"] == (True, False, True)
    assert flags["604874"] == (False, True, True)  # the blank IEP cell kept the flag
    assert report.counts["students' program flags"].changed == 2


def test_a_flags_file_with_an_unknown_student_or_value_changes_nothing(roster: None, tmp_path: Path) -> None:
    path = tmp_path / "flags.csv"
    path.write_text("student_id,english_learner\n604863,maybe\n123,true\n604863,true\n")
    before = snapshot()

    report = do_import("flags", path)

    assert problems(report) == [
        "flags.csv, row 2, column english_learner (value “maybe”): unknown value: expected true/false, yes/no or 1/0",
        "flags.csv, row 3, column student_id (value “123”): no student has this id: import the roster (OneRoster) first",
    ]
    assert snapshot() == before


RESULTS = (
    "Student ID,Test Name,Subject,Test Date,Scale Score,Achievement Level,Met Standard\n"
    "604863,Star Reading,Reading,09/15/2020,512,Level 3,Yes\n"
    "604874,Star Reading,Reading,09/15/2020,430,Level 2,No\n"
    "604863,Star Math,Mathematics,2020-09-16,520,Level 3,TRUE\n"
)


def test_vendor_results_are_read_through_a_guessed_mapping_that_is_saved(
    roster: None, tmp_path: Path
) -> None:
    path = tmp_path / "star.csv"
    path.write_text(RESULTS)

    report = do_import("results", path, mapping="Star")

    assert report.ok, problems(report)
    assert ColumnMapping.objects.get(name="Star").columns == {
        "student_id": "Student ID",
        "assessment": "Test Name",
        "subject": "Subject",
        "date": "Test Date",
        "scale_score": "Scale Score",
        "performance_level": "Achievement Level",
        "proficient": "Met Standard",
    }
    reading = Assessment.objects.get(name="Star Reading")
    assert (reading.subject, reading.window, reading.school_year) == ("ela", "fall", 2021)
    mary = Result.objects.get(student__source_id="604863", assessment=reading)
    assert (mary.scale_score, mary.performance_level, mary.proficient, mary.grade) == (
        512.0,
        "Level 3",
        True,
        9,
    )


def test_a_saved_mapping_is_used_for_the_next_file_from_that_source(roster: None, tmp_path: Path) -> None:
    ColumnMapping.objects.create(
        district=Student.objects.first().district,  # type: ignore[union-attr]
        kind="results",
        name="Acme",
        columns={
            "student_id": "kid",
            "subject": "area",
            "window": "when",
            "school_year": "yr",
            "scale_score": "pts",
        },
    )
    path = tmp_path / "acme.csv"
    path.write_text("kid,area,when,yr,pts\n604863,ELA,BOY,2025-2026,401\n")

    report = do_import("results", path, mapping="Acme")

    assert report.ok, problems(report)
    result = Result.objects.get()
    assert (result.assessment.window, result.assessment.school_year, result.scale_score) == (
        "fall",
        2026,
        401.0,
    )
    again = do_import("results", path, mapping="Acme")
    assert again.totals()["added"] == 0
    assert Result.objects.count() == 1


def test_results_for_unknown_students_or_subjects_are_rejected(roster: None, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        RESULTS + "000,Star Reading,Reading,09/15/2020,400,Level 1,No\n604874,Star Art,Art,09/15/2020,1,,\n"
    )
    before = snapshot()

    report = do_import("results", path)

    assert problems(report) == [
        "bad.csv, row 6, column Subject (value “Art”): unknown subject: expected ELA (reading), math, science or social studies",
        "bad.csv, row 5, column Student ID (value “000”): no student has this id: import the roster (OneRoster) first",
    ]
    assert snapshot() == before


def test_an_import_brings_the_dashboards_up_to_date(roster: None, tmp_path: Path) -> None:
    from coachmap.improvement.models import ResultCell, SummaryState

    path = tmp_path / "star.csv"
    path.write_text(RESULTS)
    report = do_import("results", path, mapping="Star")
    assert report.ok, problems(report)
    state = SummaryState.objects.get()
    assert state.result_cells == ResultCell.objects.filter(district=state.district).count() > 0
    assert any(note.startswith("Dashboards updated") for note in report.notes)
    # The same file again changes nothing, so there is nothing to rebuild.
    built = state.built_at
    again = do_import("results", path, mapping="Star")
    assert not any(note.startswith("Dashboards updated") for note in again.notes)
    assert SummaryState.objects.get().built_at == built


def test_a_flags_file_saved_by_excel_with_a_byte_order_mark_imports(roster: None, tmp_path: Path) -> None:
    """coachmap's own CSVs start with a UTF-8 byte-order mark (Excel's "CSV UTF-8" does too); the
    importers read the header past it."""
    path = tmp_path / "flags.csv"
    path.write_bytes(b"\xef\xbb\xbf" + b"Student ID,ELL,IEP,FRL\r\n604863,Y,N,TRUE\r\n")

    report = do_import("flags", path, allow_removals=True)  # 1 of 8 students: more than 5 %

    assert report.ok, problems(report)
    assert Student.objects.get(source_id="604863").english_learner
