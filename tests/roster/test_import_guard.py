"""Imports that cannot wipe a district (issue 13): every import says what it removes before it
changes anything, and one that removes or changes more than the district's share waits for a
confirmation. Reproduced first: a bundle for the wrong schools removed every student."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from coachmap.core.models import District, Membership, Role
from coachmap.roster.importers.report import Report
from coachmap.roster.models import Enrollment, ImportRun, ImportStatus, Score, Student, UsageWeek
from tests.conftest import World
from tests.roster.conftest import (
    SAMPLE,
    SCHOOLOGY,
    V12_FILES,
    do_import,
    problems,
    sample_files,
    snapshot,
    write_bundle,
)

pytestmark = pytest.mark.django_db

# The sample bundle again, for another school: every sourcedId of the district's school, class,
# user and enrollment is different, as in a bundle exported for the wrong set of schools.
WRONG = "255901001"


def wrong_schools(folder: Path) -> Path:
    files = {name: data.decode() for name, data in sample_files().items()}
    for name, text in files.items():
        if name != "manifest.csv":
            renamed = re.sub(r"\b(?!255901\b)([26]\d{5})\b", r"9\1", text)  # students and teachers
            files[name] = renamed.replace(WRONG, "999999999")  # the school
    return write_bundle(folder, files)


def report_text(report: Report) -> str:
    """Every sentence a person reads about an import."""
    parts = [report.summary(), report.effect(), report.held, *report.notes, *report.dropped]
    parts += [str(p) for p in [*report.problems, *report.warnings]]
    parts += list(report.counts) + list(report.impact) + list(report.checked)
    return "\n".join(parts)


# OneRoster's own column and file names (a problem names the cell) are the file's words.
FILE_WORDS = re.compile(r"\b\w+\.csv\b|\b(sourcedId|[a-z]+SourcedIds?|dateLastModified)\b")
SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")
MODEL_NAMES = re.compile(
    r"\b(Score|LineItem|UsageWeek|Enrollment|PublishedResult|ImportRun|Membership|roster_\w+|core_\w+|stg_\w+)\b"
)


def assert_peoples_words(report: Report) -> None:
    text = FILE_WORDS.sub("", report_text(report))
    assert not SNAKE.findall(text), text
    assert not MODEL_NAMES.findall(text), text


def test_the_words_check_catches_table_and_model_names() -> None:
    """The check itself: the notes the old merge wrote fail it."""
    report = Report(kind="oneroster", source="b")
    report.notes.append("Removing them also removed 3 score rows; see roster_score.")
    with pytest.raises(AssertionError):
        assert_peoples_words(report)


def test_a_bundle_for_the_wrong_schools_is_held_and_changes_nothing(tmp_path: Path) -> None:
    do_import("oneroster", SAMPLE)
    do_import("usage", SCHOOLOGY)
    weeks = UsageWeek.objects.count()
    assert weeks and Enrollment.objects.count() == 24
    before = snapshot()

    report = do_import("oneroster", wrong_schools(tmp_path / "wrong"))

    assert ImportRun.objects.order_by("-pk")[0].status == ImportStatus.HELD
    assert snapshot() == before, "a held import changes nothing"
    assert report.effect().startswith(
        "This bundle would remove 8 of 8 students, 2 of 2 teachers, 2 of 2 classes and 24 of 24 enrollments; "
        f"with them would go {weeks:,} weeks of usage"
    ), report.effect()
    assert "every one of the district's students" in report.held
    assert "--allow-removals" in report.held
    assert report.summary().startswith("Not imported yet:")
    assert_peoples_words(report)


def test_the_cascades_are_counted_as_the_merge_then_removes_them(tmp_path: Path) -> None:
    do_import("oneroster", SAMPLE)
    do_import("usage", SCHOOLOGY)
    files = {k: v.decode() for k, v in sample_files().items()}
    gone = "604863"
    files["users.csv"] = "\n".join(
        line for line in files["users.csv"].splitlines() if not line.startswith(f"{gone},")
    )
    files["enrollments.csv"] = "\n".join(
        line for line in files["enrollments.csv"].splitlines() if f",{gone}," not in line
    )
    files["demographics.csv"] = "\n".join(
        line for line in files["demographics.csv"].splitlines() if not line.startswith(f"{gone},")
    )
    weeks = UsageWeek.objects.filter(student__source_id=gone).count()
    assert weeks

    preview = do_import("oneroster", write_bundle(tmp_path / "b", files), dry_run=True)
    assert preview.impact["students"] == [1, 0, 8]
    assert preview.impact["enrollments"] == [4, 0, 24]
    assert preview.impact["weeks of usage"][0] == weeks
    assert "more than 5 % of the district's students" in preview.held
    assert Student.objects.count() == 8

    done = do_import("oneroster", write_bundle(tmp_path / "b2", files), allow_removals=True)

    assert done.ok, problems(done)
    assert Student.objects.count() == 7
    assert not UsageWeek.objects.filter(student__source_id=gone).exists()
    assert done.impact == preview.impact, "the merge removed what the check counted"
    assert done.effect().startswith("This bundle removed 1 of 8 students and 4 of 24 enrollments")
    assert_peoples_words(done)


def test_the_district_share_decides_what_needs_a_confirmation(tmp_path: Path) -> None:
    do_import("oneroster", write_bundle(tmp_path / "a", V12_FILES))
    district = District.objects.get()
    files = dict(V12_FILES)
    files["results.csv"] = (
        files["results.csv"].splitlines()[0] + "\nres1,active,,li1,s1,fully graded,88,2025-09-10,\n"
    )

    report = do_import("oneroster", write_bundle(tmp_path / "b", files))  # 1 of 2 scores: 50 %
    assert ImportRun.objects.order_by("-pk")[0].status == ImportStatus.HELD
    assert Score.objects.count() == 2

    district.import_hold_percent = 50
    district.save()
    report = do_import("oneroster", write_bundle(tmp_path / "c", files))
    assert report.ok and not report.held
    assert Score.objects.count() == 1


def test_every_kind_of_import_is_held_over_the_share(tmp_path: Path) -> None:
    do_import("oneroster", SAMPLE)
    path = tmp_path / "flags.csv"
    path.write_text("student_id,english_learner\n604863,true\n604874,true\n")
    before = snapshot()

    report = do_import("flags", path)

    assert ImportRun.objects.order_by("-pk")[0].status == ImportStatus.HELD
    assert snapshot() == before
    assert report.effect() == "This file would change 2 of 8 program flags."
    assert_peoples_words(report)
    assert do_import("flags", path, allow_removals=True).ok
    assert Student.objects.filter(english_learner=True).count() == 2


def test_the_command_needs_allow_removals_past_the_share(tmp_path: Path) -> None:
    do_import("oneroster", SAMPLE)
    bundle = wrong_schools(tmp_path / "wrong")
    before = snapshot()
    out = StringIO()

    with pytest.raises(CommandError, match="Not imported yet"):
        call_command("import", "oneroster", str(bundle), stdout=out)

    assert "This bundle would remove 8 of 8 students" in out.getvalue()
    assert snapshot() == before
    call_command("import", "oneroster", str(bundle), "--allow-removals", stdout=StringIO())
    assert sorted(Student.objects.values_list("source_id", flat=True))[0].startswith("9")
    assert not Student.objects.filter(source_id="604863").exists()


def test_the_setting_is_validated_and_saved_on_the_settings_page(world: World) -> None:
    client = world.client("admin")
    data = {
        "min_group_size": 10,
        "coaching_time_target": 80,
        "state_id": "",
        "rate_coding": "on",
        "import_hold_percent": 101,
    }
    page = client.post(reverse("district-settings"), data)
    assert page.status_code == 200
    assert "Ensure this value is less than or equal to 100" in page.content.decode()
    world.district.refresh_from_db()
    assert world.district.import_hold_percent == 5

    assert client.post(reverse("district-settings"), {**data, "import_hold_percent": 20}).status_code == 302
    world.district.refresh_from_db()
    assert world.district.import_hold_percent == 20


@pytest.fixture
def post(world: World, django_capture_on_commit_callbacks: Any) -> Any:
    def send(url: str, data: dict[str, Any]) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return world.client("lead").post(url, data)

    return send


def test_the_upload_page_checks_first_then_imports_with_a_confirmation(world: World, post: Any) -> None:
    student = Student.objects.get()
    csv = f"student_id,english_learner\n{student.source_id},true\n".encode()

    post(reverse("roster:imports"), {"kind": "flags", "upload": SimpleUploadedFile("f.csv", csv, "text/csv")})
    check = ImportRun.objects.get()
    assert check.status == ImportStatus.CHECKED and check.dry_run, "the default action is a check"
    page = world.client("lead").get(reverse("roster:import-run", args=[check.pk])).content.decode()
    assert "This file would change 1 of 1 program flags." in page
    assert "Yes, import it." in page

    refused = post(reverse("roster:import-confirm", args=[check.pk]), {})
    assert refused.status_code == 400
    assert "Tick the box to confirm what this import removes." in refused.content.decode()
    student.refresh_from_db()
    assert not student.english_learner and ImportRun.objects.count() == 1

    done = post(reverse("roster:import-confirm", args=[check.pk]), {"confirm": "on"})
    run = ImportRun.objects.latest("pk")
    assert done["Location"] == reverse("roster:import-run", args=[run.pk])
    assert run.status == ImportStatus.DONE and run.allow_removals
    student.refresh_from_db()
    assert student.english_learner
    assert not Path(run.upload_path).exists(), "the upload is deleted once imported"


def test_a_teacher_membership_is_not_removed_by_a_held_bundle(tmp_path: Path) -> None:
    do_import("oneroster", write_bundle(tmp_path / "a", V12_FILES))
    files = dict(V12_FILES)
    files["users.csv"] = "\n".join(
        line for line in V12_FILES["users.csv"].splitlines() if not line.startswith("t1,")
    )
    files["roles.csv"] = "\n".join(line for line in V12_FILES["roles.csv"].splitlines() if ",t1," not in line)
    files["enrollments.csv"] = "\n".join(
        line for line in V12_FILES["enrollments.csv"].splitlines() if ",t1," not in line
    )

    report = do_import("oneroster", write_bundle(tmp_path / "b", files))

    assert report.impact["teachers"] == [1, 0, 1]
    assert "every one of the district's teachers" in report.held
    assert Membership.objects.filter(role=Role.TEACHER).count() == 1


def test_every_kind_of_report_speaks_in_peoples_words(tmp_path: Path) -> None:
    from tests.roster.conftest import INDIANA

    reports = [do_import("oneroster", SAMPLE), do_import("usage", SCHOOLOGY)]
    path = tmp_path / "flags.csv"
    path.write_text("Student ID,ELL\n604863,Y\n")
    reports.append(do_import("flags", path))
    reports.append(do_import("published", INDIANA))
    reports.append(do_import("oneroster", wrong_schools(tmp_path / "wrong"), allow_removals=True))
    for report in reports:
        assert report.ok, problems(report)
        assert_peoples_words(report)
