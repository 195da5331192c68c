"""The upload page: program lead and district admin upload, the task runs, the run page reports."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from coachmap.core.models import AuditAction, AuditEvent
from coachmap.roster.models import ImportRun, ImportStatus, Student
from tests.conftest import World
from tests.factories import DistrictFactory, StudentFactory
from tests.roster.conftest import SAMPLE, do_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload(world: World, django_capture_on_commit_callbacks: Any) -> Any:
    """Post a file to the upload page; the task is queued on commit and (in tests) runs at once."""

    def post(role: str, content: bytes, name: str = "flags.csv", **extra: str) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return world.client(role).post(
                reverse("roster:imports"),
                {
                    "kind": "flags",
                    "upload": SimpleUploadedFile(name, content, "text/csv"),
                    "action": "import",
                    **extra,
                },
            )

    return post


@pytest.mark.parametrize("role", ["lead", "admin"])
def test_a_program_lead_or_admin_uploads_and_sees_the_report(world: World, upload: Any, role: str) -> None:
    world.district.import_hold_percent = 100  # the world's one student: any change is 100 %
    world.district.save()
    student = Student.objects.get()
    response = upload(role, f"student_id,english_learner\n{student.source_id},true\n".encode())

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("roster:import-run", args=[run.pk])
    assert run.status == ImportStatus.DONE
    assert run.actor == world.users[role]
    student.refresh_from_db()
    assert student.english_learner
    page = world.client(role).get(reverse("roster:import-run", args=[run.pk])).content.decode()
    assert "Imported." in page
    assert "changed 1" in page
    assert not Path(run.upload_path).exists(), "the upload (it may hold names) is deleted after the import"
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT, actor=world.users[role]).exists()


def test_a_rejected_upload_lists_each_problem_and_changes_nothing(world: World, upload: Any) -> None:
    upload("admin", b"student_id,english_learner\nNOPE,true\n")

    run = ImportRun.objects.get()
    assert run.status == ImportStatus.REJECTED
    page = world.client("admin").get(reverse("roster:import-status", args=[run.pk])).content.decode()
    assert "Problems (1): nothing was changed" in page
    assert "no student has this id: import the roster (OneRoster) first" in page
    assert not Student.objects.filter(english_learner=True).exists()


def test_a_check_only_upload_writes_nothing(world: World, upload: Any) -> None:
    student = Student.objects.get()
    upload("lead", f"student_id,english_learner\n{student.source_id},true\n".encode(), action="check")

    assert ImportRun.objects.get().status == ImportStatus.CHECKED
    student.refresh_from_db()
    assert not student.english_learner


def test_a_running_import_shows_progress_and_polls(world: World) -> None:
    run = ImportRun.objects.create(
        district=world.district, kind="flags", filename="big.csv", status=ImportStatus.RUNNING
    )
    page = world.client("lead").get(reverse("roster:import-run", args=[run.pk])).content.decode()

    assert 'hx-trigger="every 1s"' in page
    assert "<progress" in page


def test_another_districts_import_is_not_found(world: World) -> None:
    elsewhere = ImportRun.objects.create(district=DistrictFactory(), kind="flags", filename="x.csv")

    assert world.client("admin").get(reverse("roster:import-run", args=[elsewhere.pk])).status_code == 404


def test_the_upload_page_lists_recent_imports(world: World, upload: Any) -> None:
    StudentFactory(school=world.school)
    upload("lead", b"student_id,english_learner\n")
    page = world.client("lead").get(reverse("roster:imports")).content.decode()

    assert "flags.csv" in page
    assert "Import data into Riverbend" in page


def test_the_command_line_imports_and_prints_a_summary(tmp_path: Path) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("import", "oneroster", str(SAMPLE), stdout=out)
    text = out.getvalue()
    assert "added 51, changed 0, removed 0, rejected 0" in text
    assert "Dropped, never stored: birth dates and places of birth (demographics.csv): 8 rows" in text

    out = StringIO()
    call_command("import", "oneroster", str(SAMPLE), "--dry-run", stdout=out)
    assert "Checked, nothing changed: would add 0, changed 0, removed 0, rejected 0" in out.getvalue()


def test_the_command_line_fails_with_the_problems(tmp_path: Path) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    do_import("oneroster", SAMPLE)
    path = tmp_path / "flags.csv"
    path.write_text("student_id,english_learner\n604863,perhaps\n")
    out = StringIO()
    with pytest.raises(CommandError, match="Rejected: 1 problem in 1 row; nothing was changed"):
        call_command("import", "flags", str(path), stdout=out)
    assert "flags.csv, row 2, column english_learner (value “perhaps”)" in out.getvalue()


def test_a_finished_import_no_longer_says_it_is_queued_and_a_running_one_shows_a_full_width_bar(
    world: World, upload: Any
) -> None:
    world.district.import_hold_percent = 100  # the world's one student: any change is 100 %
    world.district.save()
    student = Student.objects.get()
    response = upload("lead", f"student_id,english_learner\n{student.source_id},true\n".encode())
    page = world.client("lead").get(response["Location"])
    text = page.content.decode()
    assert "queued" not in text.lower()
    assert "Imported." in text
    run = ImportRun.objects.get()
    run.status = ImportStatus.RUNNING
    run.save(update_fields=["status"])
    running = world.client("lead").get(reverse("roster:import-status", args=[run.pk])).content.decode()
    assert 'class="import-progress"' in running and "This page updates by itself" in running
    css = (Path(__file__).resolve().parents[2] / "src/coachmap/static/coachmap/app.css").read_text()
    assert "progress.import-progress { display: block; width: 100%" in css


def test_a_second_import_into_the_district_is_refused_while_one_is_under_way(
    world: World, upload: Any, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    waiting = ImportRun.objects.create(
        district=world.district, kind="flags", filename="monday.csv", status=ImportStatus.RUNNING
    )
    student = Student.objects.get()
    response = upload("lead", f"student_id,english_learner\n{student.source_id},true\n".encode())

    assert response.status_code == 200
    page = response.content.decode()
    assert "already under way (monday.csv" in page
    assert "Wait for it to finish" in page
    assert ImportRun.objects.get() == waiting, "nothing new was queued"
    student.refresh_from_db()
    assert not student.english_learner
    assert not list((tmp_path / "imports").iterdir()), "the refused upload is not kept"


def test_a_run_left_by_a_stopped_worker_does_not_block_the_district_for_ever(
    world: World, upload: Any
) -> None:
    world.district.import_hold_percent = 100
    world.district.save()
    stale = ImportRun.objects.create(
        district=world.district, kind="flags", filename="crashed.csv", status=ImportStatus.RUNNING
    )
    ImportRun.objects.filter(pk=stale.pk).update(created_at=timezone.now() - datetime.timedelta(hours=4))
    student = Student.objects.get()
    upload("lead", f"student_id,english_learner\n{student.source_id},true\n".encode())

    assert ImportRun.objects.exclude(pk=stale.pk).get().status == ImportStatus.DONE


def test_another_districts_running_import_does_not_block_this_one(world: World, upload: Any) -> None:
    world.district.import_hold_percent = 100
    world.district.save()
    ImportRun.objects.create(
        district=DistrictFactory(), kind="flags", filename="x.csv", status=ImportStatus.RUNNING
    )
    student = Student.objects.get()
    upload("lead", f"student_id,english_learner\n{student.source_id},true\n".encode())

    assert ImportRun.objects.get(district=world.district).status == ImportStatus.DONE
