"""The Import data page in a real browser: a program lead uploads program flags and reads the
report; a broken file shows each problem; a shrinking roster bundle is held for a confirmation
and nothing changes without it. axe-core checks every page."""

from __future__ import annotations

import zipfile

import pytest

from coachmap.core.models import District, Role
from coachmap.roster.models import Enrollment, ImportRun, ImportStatus, Score, Student
from tests.e2e.conftest import check_page, login
from tests.factories import PASSWORD, DistrictFactory, SchoolFactory, StudentFactory, UserFactory, member
from tests.roster.conftest import V12_FILES, do_import, snapshot, write_bundle

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_program_lead_uploads_flags_and_reads_the_report(page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    district = DistrictFactory(name="Riverbend", import_hold_percent=100)
    school = SchoolFactory(district=district, name="Maple Elementary")
    StudentFactory(school=school, source_id="S-1")
    member(UserFactory(username="lee"), Role.PROGRAM_LEAD, district=district)
    good = tmp_path / "flags.csv"
    good.write_text("student_id,english_learner\nS-1,true\n")
    bad = tmp_path / "flags-bad.csv"
    bad.write_text("student_id,english_learner\nS-404,maybe\n")

    login(page, "lee", PASSWORD)
    page.get_by_role("link", name="Import data").click()
    check_page(page, "lead import page")
    page.get_by_label("What are you importing?").select_option(label="Program flags")
    page.get_by_label("File").set_input_files(str(good))
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text("Imported.").wait_for()
    check_page(page, "lead import report")
    assert Student.objects.get(source_id="S-1").english_learner

    page.get_by_role("link", name="Back to imports").click()
    page.get_by_label("What are you importing?").select_option(label="Program flags")
    page.get_by_label("File").set_input_files(str(bad))
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text("Problems (1): nothing was changed").wait_for()
    assert page.get_by_text("unknown value: expected true/false, yes/no or 1/0").is_visible()
    check_page(page, "lead import problems")


def test_a_shrinking_bundle_is_held_until_the_lead_confirms_it(page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    do_import("oneroster", write_bundle(tmp_path / "first", V12_FILES))
    district = District.objects.get()
    member(UserFactory(username="lee"), Role.PROGRAM_LEAD, district=district)
    files = dict(V12_FILES)  # the same bundle without student s2: 1 of 2 students leaves
    files["users.csv"] = "\n".join(
        line for line in files["users.csv"].splitlines() if not line.startswith("s2,")
    )
    files["roles.csv"] = "\n".join(line for line in files["roles.csv"].splitlines() if ",s2," not in line)
    files["enrollments.csv"] = "\n".join(
        line for line in files["enrollments.csv"].splitlines() if ",s2," not in line
    )
    files["results.csv"] = "\n".join(line for line in files["results.csv"].splitlines() if ",s2," not in line)
    bundle = tmp_path / "shrinking.zip"
    with zipfile.ZipFile(bundle, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    before = snapshot()

    login(page, "lee", PASSWORD)
    page.get_by_role("link", name="Import data").click()
    page.get_by_label("What are you importing?").select_option(label="OneRoster bundle")
    page.get_by_label("File").set_input_files(str(bundle))
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text("Waiting for your confirmation").first.wait_for()
    check_page(page, "held import")
    effect = "This bundle would remove 1 of 2 students and 1 of 3 enrollments; with them would go 1 gradebook score."
    assert page.get_by_text(effect).first.is_visible()
    assert ImportRun.objects.latest("pk").status == ImportStatus.HELD
    assert snapshot() == before, "a held import changes nothing"

    box = page.get_by_label("Yes, import it.", exact=False)
    assert box.is_visible()
    page.get_by_role("button", name="Import", exact=True).click()  # without the box: the browser refuses
    assert snapshot() == before
    assert ImportRun.objects.count() == 2

    box.check()
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text("This bundle removed 1 of 2 students").first.wait_for()
    check_page(page, "confirmed import")
    assert not Student.objects.filter(source_id="s2").exists()
    assert (Enrollment.objects.count(), Score.objects.count()) == (2, 1)
