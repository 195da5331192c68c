"""Published state results: the Indiana corporation file in full, suppression, rate checks."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from coachmap.core.models import District
from coachmap.roster.importers.published import read_figure, wide_figures
from coachmap.roster.models import PublishedResult
from tests.factories import DistrictFactory
from tests.roster.conftest import INDIANA, do_import, problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def district() -> District:
    return DistrictFactory(name="Our district")


def _expected_cells() -> tuple[int, int, int]:
    """(figures reported, suppressed, not reported) counted straight from the file."""
    with open(INDIANA, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    header = list(rows[0])
    figures, _ = wide_figures(header)
    reported = suppressed = blank = 0
    for row in rows:
        for fig in figures:
            cells = [row[header[i]] if i is not None else "" for i in (fig.proficient, fig.tested, fig.rate)]
            if not any(cells):
                blank += 1
            else:
                reported += 1
                suppressed += "***" in cells
    return reported, suppressed, blank


def test_the_indiana_file_imports_every_year_grade_subject_and_group(district: District) -> None:
    report = do_import("published", INDIANA, district=district)

    assert report.ok, problems(report)
    reported, suppressed, blank = _expected_cells()
    assert (reported, suppressed, blank) == (125_621, 22_069, 25_621)
    rows = PublishedResult.objects.filter(district=district)
    assert rows.count() == reported
    assert set(rows.values_list("year", flat=True)) == {2019, 2021, 2022, 2023, 2024}
    assert set(rows.values_list("grade", flat=True)) == {None, 3, 4, 5, 6, 7, 8}
    assert set(rows.values_list("subject", flat=True)) == {"ela", "math", "ela_math", "iread"}
    assert set(rows.values_list("group", flat=True)) == {
        "all",
        "race:american_indian",
        "race:asian",
        "race:black",
        "race:hispanic",
        "race:multiracial",
        "race:pacific_islander",
        "race:white",
        "el",
        "not:el",
        "swd",
        "not:swd",
        "ed",
        "not:ed",
        "gender:female",
        "gender:male",
    }
    assert rows.filter(school__isnull=False).count() == 0  # corporation (district) level rows
    assert report.checked == {"published rates against proficient ÷ tested": 103_552}
    assert report.warning_count == 0


def test_suppressed_cells_stay_suppressed_never_zero(district: District) -> None:
    do_import("published", INDIANA, district=district)
    suppressed = PublishedResult.objects.filter(district=district, suppressed=True)

    assert suppressed.count() == 22_069
    assert not suppressed.filter(proficient=0).exists()
    assert not suppressed.exclude(proficient=None).exists()
    assert not suppressed.exclude(published_rate=None).exists()
    # `***` proficient with a published count tested keeps the count tested.
    assert suppressed.filter(tested__isnull=False).count() == 20_955


def test_a_sample_of_published_rates_equals_proficient_over_tested(district: District) -> None:
    do_import("published", INDIANA, district=district)

    # Checked by hand in the file: Adams Central (15), 2019, grade 3 ELA: 48 of 90 proficient.
    adams = PublishedResult.objects.get(entity_code="15", year=2019, grade=3, subject="ela", group="all")
    assert (adams.entity_name, adams.proficient, adams.tested) == ("Adams Central Community Schools", 48, 90)
    assert adams.published_rate == pytest.approx(48 / 90)
    sample = (
        PublishedResult.objects.filter(district=district, suppressed=False, tested__gt=0)
        .exclude(published_rate=None)
        .order_by("pk")[::997]
    )
    assert len(sample) > 100
    for figure in sample:
        assert figure.published_rate == pytest.approx(figure.proficient / figure.tested, abs=1e-9), figure


def test_importing_the_file_again_changes_nothing(district: District) -> None:
    do_import("published", INDIANA, district=district)
    again = do_import("published", INDIANA, district=district)

    assert again.totals()["added"] == again.totals()["changed"] == 0
    assert PublishedResult.objects.count() == 125_621


LONG = (
    "year,entity_code,entity_name,grade,subject,group,tested,proficient,rate\n"
    "2024,4010,Riverbend,3,ELA,All Students,120,60,0.50\n"
    "2024,4010,Riverbend,3,ELA,English Language Learners,20,5,0.40\n"
    "2024,4010,Riverbend,,Math,el,8,***,***\n"
    "2024,4010,Riverbend,4,Math,Hispanic,,,\n"
)


def test_a_disagreeing_published_rate_is_reported_not_hidden(district: District, tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text(LONG)

    report = do_import("published", path, district=district)

    assert report.ok, problems(report)
    assert [str(w) for w in report.warnings] == [
        "long.csv, row 3, column rate (value “0.4”): the published rate disagrees with 5 proficient ÷ 20 tested = 0.2500"
    ]
    assert PublishedResult.objects.count() == 3  # the blank row is not reported
    el = PublishedResult.objects.get(grade=None, subject="math")
    assert (el.group, el.suppressed, el.tested, el.proficient) == ("el", True, 8, None)


def test_a_bad_published_file_is_rejected_whole(district: District, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        LONG + "2024,4010,Riverbend,5,ELA,Martians,10,5,0.5\n2024,4010,Riverbend,5,ELA,all,10,12,\n"
    )

    report = do_import("published", path, district=district)

    assert problems(report) == [
        "bad.csv, row 6, column group (value “Martians”): unknown student group",
        "bad.csv, row 7 (value “12,10,”): 12 proficient is more than the 10 tested",
    ]
    assert not PublishedResult.objects.exists()


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (("48", "90", "0.5333"), (48, 90, 0.5333, False)),
        (("***", "12", "***"), (None, 12, None, True)),
        (("<10", "", ""), (None, None, None, True)),
        (("", "", ""), None),
        (("5", "10", "50%"), (5, 10, 0.5, False)),
    ],
)
def test_reading_one_figure(cells: tuple[str, str, str], expected: object) -> None:
    assert read_figure(*cells) == expected
