"""The Import data page in a real browser: a program lead uploads program flags and reads the
report; a broken file shows each problem. axe-core checks every page."""

from __future__ import annotations

import pytest

from coachmap.core.models import Role
from coachmap.roster.models import Student
from tests.e2e.conftest import check_page, login
from tests.factories import PASSWORD, DistrictFactory, SchoolFactory, StudentFactory, UserFactory, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_program_lead_uploads_flags_and_reads_the_report(page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    district = DistrictFactory(name="Riverbend")
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
    page.get_by_role("button", name="Check and import").click()
    page.get_by_text("Imported.").wait_for()
    check_page(page, "lead import report")
    assert Student.objects.get(source_id="S-1").english_learner

    page.get_by_role("link", name="Back to imports").click()
    page.get_by_label("What are you importing?").select_option(label="Program flags")
    page.get_by_label("File").set_input_files(str(bad))
    page.get_by_role("button", name="Check and import").click()
    page.get_by_text("Problems (1): nothing was changed").wait_for()
    assert page.get_by_text("unknown value: expected true/false, yes/no or 1/0").is_visible()
    check_page(page, "lead import problems")
