"""State files as downloaded (issue 13): real published school-level files import without hand
editing — header cells with line breaks and doubled spaces, performance-level counts beside
the proficient counts, "Proficient %", both corporation and school ids. See data/statefiles/."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from coachmap.core.models import District
from coachmap.roster.models import PublishedResult
from tests.factories import DistrictFactory
from tests.roster.conftest import DATA, do_import, problems

pytestmark = pytest.mark.django_db

STATEFILES = DATA / "statefiles"
INDIANA_SCHOOLS = STATEFILES / "indiana-ilearn-2022-school-excerpt.csv"


@pytest.fixture
def district() -> District:
    return DistrictFactory(name="Adams Central", state_id="15")


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_indianas_school_level_file_imports_as_the_state_publishes_it(district: District) -> None:
    report = do_import("published", INDIANA_SCHOOLS, district=district)

    assert report.ok, problems(report)
    figures = PublishedResult.objects.filter(district=district)
    # Only the district's own corporation (15): its three schools, by their school ids.
    assert set(figures.values_list("entity_code", "entity_name")) == {
        ("13", "Adams Central Middle School"),
        ("20", "Adams Central Elementary School"),
        ("21", "Adams Central High School"),
    }
    middle = figures.get(entity_code="13", grade=6, subject="ela", group="all")
    assert (middle.proficient, middle.tested) == (46, 103)  # "Grade 6|ELA\nTotal\nProficient"
    assert middle.published_rate == pytest.approx(0.447)  # "44.7%" under "Proficient \n%"
    math = figures.get(entity_code="13", grade=6, subject="math", group="all")
    assert math.published_rate == pytest.approx(0.582524272)  # a fraction in the same file
    both = figures.get(entity_code="13", grade=None, subject="ela_math", group="all")
    assert (both.proficient, both.tested) == (116, 305)  # "School Total|ELA & Math"
    meals = figures.get(entity_code="13", grade=None, subject="ela", group="ed")
    assert (meals.proficient, meals.tested) == (16, 65)  # "Free/Reduced Price Meals|ELA"
    hidden = figures.get(entity_code="13", grade=None, subject="ela", group="race:asian")
    assert hidden.suppressed and hidden.proficient is None and hidden.tested == 2
    other = sum(1 for r in rows(INDIANA_SCHOOLS) if r["Corp ID"] != "15")
    assert f"{other:,} rows of other corporations" in " ".join(report.notes)


def test_the_levels_agree_with_the_totals_in_the_real_file(district: District) -> None:
    report = do_import("published", INDIANA_SCHOOLS, district=district)

    assert report.ok, problems(report)
    assert not [w for w in report.warnings if "performance levels" in w.reason]
    assert any("column not used" in w.reason for w in report.warnings), "stray columns are named, not refused"


def test_a_file_with_performance_levels_instead_of_totals(district: District, tmp_path: Path) -> None:
    """The same real rows with the state's total columns left out: proficient is At + Above,
    tested the four levels together, and they equal the totals the state published."""
    with open(INDIANA_SCHOOLS, encoding="utf-8-sig", newline="") as f:
        table = list(csv.reader(f))
    keep = [i for i, h in enumerate(table[0]) if not re.search(r"Total\s+(Proficient|Tested)$", h)]
    levels_only = tmp_path / "levels.csv"
    with open(levels_only, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([[row[i] for i in keep] for row in table])

    report = do_import("published", levels_only, district=district)

    assert report.ok, problems(report)
    figure = PublishedResult.objects.get(entity_code="13", grade=6, subject="ela", group="all")
    assert (figure.proficient, figure.tested) == (46, 103)  # 28 + 18, 27 + 30 + 28 + 18
    hidden = PublishedResult.objects.get(entity_code="13", grade=None, subject="ela", group="race:asian")
    assert hidden.suppressed and hidden.proficient is None


def test_without_the_districts_code_every_school_is_kept(tmp_path: Path) -> None:
    district = DistrictFactory(name="Statewide", state_id="")
    report = do_import("published", INDIANA_SCHOOLS, district=district)

    assert report.ok, problems(report)
    schools = {r["School ID"] for r in rows(INDIANA_SCHOOLS)}
    assert set(PublishedResult.objects.values_list("entity_code", flat=True)) == schools


@pytest.mark.parametrize(
    ("header", "clean"),
    [
        ("Grade 3|ELA \nApproaching\nProficiency", "Grade 3|ELA Approaching Proficiency"),
        ("Grade 3|ELA\nProficient \n%", "Grade 3|ELA Proficient %"),
        ("  School  Total|Math\r\nTotal\r\nTested ", "School Total|Math Total Tested"),
    ],
)
def test_header_cells_are_read_as_a_person_reads_them(header: str, clean: str) -> None:
    from coachmap.roster.importers.statefiles import clean_header

    assert clean_header([header]) == [clean]


TEXAS_DISTRICT = STATEFILES / "texas-staar-2023-district-excerpt.csv"


def test_texas_staar_district_report_imports_as_tea_publishes_it() -> None:
    """TEA's STAAR performance report of one district: title rows, group names wrapped over
    several lines, non-breaking spaces in the section titles, two years per level, `*` and `-`."""
    district = DistrictFactory(name="Floresville ISD", state_id="247901")
    report = do_import("published", TEXAS_DISTRICT, district=district)

    assert report.ok, problems(report)
    own = PublishedResult.objects.filter(district=district, entity_code="247901")
    assert set(own.values_list("entity_name", flat=True)) == {"FLORESVILLE ISD"}
    reading = own.get(year=2023, grade=3, subject="ela", group="all")
    assert reading.published_rate == pytest.approx(0.37)  # "At Meets Grade Level or Above", District
    assert reading.tested is None and reading.proficient is None  # the report publishes rates only
    assert own.get(year=2022, grade=3, subject="ela", group="all").published_rate == pytest.approx(0.49)
    assert own.get(year=2023, grade=3, subject="math", group="ed").published_rate == pytest.approx(0.25)
    assert own.get(year=2023, grade=4, subject="ela", group="el").published_rate == pytest.approx(0.15)
    hidden = own.get(year=2023, grade=3, subject="ela", group="race:black")  # "*"
    assert hidden.suppressed and hidden.published_rate is None
    # "-": no students of the group, not reported
    assert not own.filter(year=2023, grade=3, subject="ela", group="race:american_indian").exists()
    state = PublishedResult.objects.get(entity_code="TX", year=2023, grade=3, subject="ela", group="all")
    assert state.published_rate == pytest.approx(0.49)
    region = PublishedResult.objects.get(entity_code="Region 20", year=2023, grade=4, subject="ela")
    assert region.published_rate == pytest.approx(0.45)
    assert any("At Meets Grade Level or Above" in note for note in report.notes), "says which rate it read"


def test_a_texas_report_of_another_district_is_refused_by_name(tmp_path: Path) -> None:
    district = DistrictFactory(name="Elsewhere ISD", state_id="101912")
    report = do_import("published", TEXAS_DISTRICT, district=district)

    assert not report.ok
    assert any("247901" in str(p) and "101912" in str(p) for p in report.problems)
    assert not PublishedResult.objects.exists()


def test_an_unreadable_cell_in_a_texas_report_is_named(tmp_path: Path) -> None:
    text = TEXAS_DISTRICT.read_bytes().replace(b"Above,2023,49%,46%,37%", b"Above,2023,49%,46%,3 7%", 1)
    changed = tmp_path / "texas.csv"
    changed.write_bytes(text)
    report = do_import("published", changed, district=DistrictFactory(state_id="247901"))

    assert not report.ok
    named = [p for p in report.problems if p.column == "District" and p.value == "3 7%" and p.row == 17]
    assert named, problems(report)  # line 17: the column row spans lines 5-12
    assert not PublishedResult.objects.exists()


@pytest.mark.parametrize("marker", ["*", "***", "<10", "< 10", "s", "N<10", "n<10", "--"])
def test_the_suppression_marks_states_use_are_suppressed_not_zero(marker: str) -> None:
    from coachmap.roster.importers.published import read_figure

    assert read_figure(marker, "24", marker) == (None, 24, None, True)


def test_texas_section_titles_are_read_with_their_non_breaking_spaces() -> None:
    from coachmap.roster.importers.statefiles import tea_section

    assert tea_section("Grade\u00a03\u00a0Reading") == (3, "ela")  # TEA's non-breaking spaces
    assert tea_section("All Grades ELA/Reading") == (None, "ela")
    assert tea_section("End of Course Algebra I") == (None, "eoc algebra i")
    assert tea_section("At Meets Grade Level or Above") is None


def test_the_command_line_imports_the_texas_report_as_downloaded() -> None:
    """`coachmap import published <file>`, as a district would run it on the file it saved."""
    from io import StringIO

    from django.core.management import call_command

    DistrictFactory(name="Floresville ISD", state_id="247901")
    out = StringIO()
    call_command("import", "published", str(TEXAS_DISTRICT), stdout=out)

    assert "At Meets Grade Level or Above" in out.getvalue()
    figures = PublishedResult.objects.filter(entity_code="247901")
    assert figures.get(year=2023, grade=3, subject="math", group="all").published_rate == pytest.approx(0.33)
