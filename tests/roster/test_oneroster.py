"""OneRoster bundles: the shared 1.1 sample, 1.2 with roles, bulk and delta, gradebook, re-imports."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from coachmap.core.models import AuditAction, AuditEvent, District, Membership, Role, School, Teacher, User
from coachmap.roster.models import (
    AcademicSession,
    Class,
    Course,
    Enrollment,
    ImportRun,
    ImportStatus,
    LineItem,
    Score,
    Student,
)
from tests.roster.conftest import (
    SAMPLE,
    V12_FILES,
    V12_ROLES,
    V12_USERS,
    do_import,
    problems,
    sample_files,
    snapshot,
    write_bundle,
)

pytestmark = pytest.mark.django_db


def test_the_shared_sample_imports_with_exactly_its_counts() -> None:
    report = do_import("oneroster", SAMPLE)

    assert report.ok, problems(report)
    assert District.objects.count() == 1
    assert School.objects.count() == 1
    district = District.objects.get()
    assert (district.name, district.source_id) == ("Grand Bend ISD", "255901")
    assert AcademicSession.objects.count() == 3
    assert Course.objects.count() == 2
    assert Class.objects.count() == 2
    assert Student.objects.count() == 8
    assert Teacher.objects.count() == 2
    assert Enrollment.objects.count() == 24
    assert Enrollment.objects.filter(teacher__isnull=False).count() == 4
    assert report.rows_read["demographics.csv"] == 8
    assert report.counts["demographics"].added == 8  # given to the new students as they were added
    assert report.rows_read == {
        "manifest.csv": 17,
        "orgs.csv": 2,
        "academicSessions.csv": 3,
        "courses.csv": 2,
        "classes.csv": 2,
        "users.csv": 10,
        "enrollments.csv": 24,
        "demographics.csv": 8,
    }


def test_students_are_pseudonymous_and_the_report_says_what_was_dropped() -> None:
    report = do_import("oneroster", SAMPLE)

    # Mary Archer (604863): Asian and Hispanic → Hispanic by the federal rule; female; grade 9.
    mary = Student.objects.get(source_id="604863")
    assert (mary.grade, mary.race_ethnicity, mary.gender, mary.school.name) == (
        9,
        "hispanic",
        "female",
        "Grand Bend High School",
    )
    assert Student.objects.get(source_id="604969").race_ethnicity == "white"
    assert not User.objects.filter(first_name__in=["Mary", "Kyle", "Olivia"]).exists()
    assert not User.objects.filter(email__icontains="archer").exists()
    assert report.dropped == {
        "student names, usernames, emails, phone numbers, passwords and other ids (users.csv)": 8,
        "birth dates and places of birth (demographics.csv)": 8,
    }


def test_teachers_become_profiles_with_a_teacher_role_and_no_usable_password() -> None:
    do_import("oneroster", SAMPLE)

    kelley = Teacher.objects.get(source_id="207270")
    assert (kelley.user.first_name, kelley.user.last_name, kelley.user.username) == (
        "Kelley",
        "Christian",
        "Kelley Heidi Christian",
    )
    assert not kelley.user.has_usable_password()
    membership = Membership.objects.get(user=kelley.user)
    assert (membership.role, membership.school) == (Role.TEACHER, kelley.school)
    assert AuditEvent.objects.filter(action=AuditAction.ROLE_CHANGE, object_id=str(membership.pk)).exists()
    assert set(kelley.enrollments.values_list("klass__title", flat=True)) == {"ALG-1"}


def test_importing_the_same_bundle_again_changes_nothing() -> None:
    do_import("oneroster", SAMPLE)
    before = snapshot()

    again = do_import("oneroster", SAMPLE)

    assert snapshot() == before
    assert again.totals()["added"] == again.totals()["changed"] == again.totals()["removed"] == 0


def test_a_zip_imports_like_the_folder(tmp_path: Path) -> None:
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for name, data in sample_files().items():
            z.writestr(f"export/{name}", data)
    report = do_import("oneroster", archive)

    assert report.ok, problems(report)
    assert Student.objects.count() == 8
    assert Enrollment.objects.count() == 24


def test_an_import_is_audited_and_recorded() -> None:
    do_import("oneroster", SAMPLE)

    run = ImportRun.objects.get()
    assert run.status == ImportStatus.DONE
    assert run.report["totals"]["added"] > 0
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT, object_id=str(run.pk)).exists()


def test_a_dry_run_reports_the_changes_and_writes_nothing() -> None:
    report = do_import("oneroster", SAMPLE, dry_run=True)

    assert report.ok
    assert report.counts["students"].added == 8
    assert not Student.objects.exists()
    assert not District.objects.exists()
    assert ImportRun.objects.get().status == ImportStatus.CHECKED


def _rows(text: str) -> list[str]:
    return text.splitlines()


def test_a_bulk_file_removes_what_it_no_longer_has(tmp_path: Path) -> None:
    do_import("oneroster", SAMPLE)
    files = {k: v.decode() for k, v in sample_files().items()}
    files["users.csv"] = "\n".join(
        line for line in _rows(files["users.csv"]) if not line.startswith("604863,")
    )
    files["enrollments.csv"] = "\n".join(
        line for line in _rows(files["enrollments.csv"]) if ",604863," not in line
    )
    files["demographics.csv"] = "\n".join(
        line for line in _rows(files["demographics.csv"]) if not line.startswith("604863,")
    )

    report = do_import("oneroster", write_bundle(tmp_path / "b", files), allow_removals=True)

    assert report.ok, problems(report)
    assert not Student.objects.filter(source_id="604863").exists()
    assert Student.objects.count() == 7
    assert Enrollment.objects.count() == 20
    assert report.counts["students"].removed == 1
    assert report.counts["enrollments"].removed == 4


def test_a_delta_file_deletes_what_it_marks_tobedeleted_and_keeps_the_rest(tmp_path: Path) -> None:
    do_import("oneroster", SAMPLE)
    manifest = "propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\nfile.users,delta\nfile.enrollments,delta\n"
    users = (
        "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,"
        "middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\n"
        "604874,tobedeleted,2021-02-01T00:00:00Z,true,255901001,student,,,,,,,,,,,09,\n"
        "604918,active,2021-02-01T00:00:00Z,true,255901001,student,,,,,,,,,,,10,\n"
        "700001,active,2021-02-01T00:00:00Z,true,255901001,student,,,New,Student,,,,,,,09,\n"
    )
    enrollments = (
        "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate\n"
        "NEW-1,active,,25590100101Trad120ENG112011,255901001,700001,student,false,2021-02-01,\n"
    )
    folder = write_bundle(
        tmp_path / "delta", {"manifest.csv": manifest, "users.csv": users, "enrollments.csv": enrollments}
    )

    report = do_import("oneroster", folder, allow_removals=True)

    assert report.ok, problems(report)
    assert not Student.objects.filter(source_id="604874").exists()
    assert Student.objects.get(source_id="604918").grade == 10
    assert Student.objects.get(source_id="700001").enrollments.count() == 1
    assert Student.objects.count() == 8  # 8 − 1 + 1
    assert Enrollment.objects.count() == 24 - 4 + 1  # the deleted student's four enrollments went with them
    counts = report.counts
    assert (counts["students"].added, counts["students"].changed, counts["students"].removed) == (1, 1, 1)


def test_a_oneroster_12_bundle_takes_roles_from_roles_csv_and_keeps_names_for_teachers_only(
    tmp_path: Path,
) -> None:
    report = do_import("oneroster", write_bundle(tmp_path / "v12", V12_FILES))

    assert report.ok, problems(report)
    assert sorted(Student.objects.values_list("source_id", "grade")) == [("s1", 3), ("s2", 0)]
    teacher = Teacher.objects.get(source_id="t1")
    assert (teacher.user.first_name, teacher.user.email, teacher.school.name) == (
        "Tess",
        "tess@example.org",
        "Lakeside Elementary",
    )
    assert not User.objects.filter(first_name__in=["Ana", "Ben", "Pat"]).exists()
    assert Enrollment.objects.count() == 3  # the parent's enrollment is skipped
    assert report.counts["users not imported"].skipped == 1
    assert (
        "1 users with the role parent were not imported (coachmap imports students and teachers)."
        in report.notes
    )
    item = LineItem.objects.get()
    assert (item.title, item.category, str(item.due_date)) == ("Fluency check", "Quizzes", "2025-09-08")
    assert sorted(Score.objects.values_list("student__source_id", "status", "score")) == [
        ("s1", "fully graded", 88.0),
        ("s2", "submitted", None),
    ]
    assert Class.objects.get().subject == "ela"
    assert School.objects.get().grades_label == "KG–3"


def test_a_teacher_who_leaves_the_roster_keeps_the_profile_but_loses_the_role(tmp_path: Path) -> None:
    do_import("oneroster", write_bundle(tmp_path / "a", V12_FILES))
    files = dict(V12_FILES)
    files["roles.csv"] = "\n".join(line for line in V12_ROLES.splitlines() if ",t1," not in line)
    files["users.csv"] = "\n".join(line for line in V12_USERS.splitlines() if not line.startswith("t1,"))
    files["enrollments.csv"] = "\n".join(
        line for line in V12_FILES["enrollments.csv"].splitlines() if ",t1," not in line
    )

    report = do_import("oneroster", write_bundle(tmp_path / "b", files), allow_removals=True)

    assert report.ok, problems(report)
    teacher = Teacher.objects.get(source_id="t1")
    assert not Membership.objects.filter(user=teacher.user, role=Role.TEACHER).exists()
    assert report.counts["teachers"].removed == 1


def test_a_schools_grade_span_follows_its_students_grades(tmp_path: Path) -> None:
    do_import("oneroster", SAMPLE)
    school = School.objects.get(source_id="255901001")
    assert (school.grade_low, school.grade_high) == (9, 9)  # every student of the sample is in grade 9

    files = {k: v.decode() for k, v in sample_files().items()}
    lines = _rows(files["users.csv"])
    files["users.csv"] = "\n".join(
        [lines[0]]
        + [line.replace(",09,", ",11,") if line.startswith("604863,") else line for line in lines[1:]]
    )
    report = do_import("oneroster", write_bundle(tmp_path / "b", files))

    assert report.ok, problems(report)
    school.refresh_from_db()
    assert (school.grade_low, school.grade_high) == (9, 11)
