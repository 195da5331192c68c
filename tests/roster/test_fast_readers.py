"""The fast reader of results.csv accepts only rows that are plainly valid; anything else goes
to the full checks, which say what is wrong."""

from __future__ import annotations

from coachmap.roster.importers.oneroster.spec import HEADERS_11
from coachmap.roster.importers.oneroster.stage_quick import fast_results

HEADER = HEADERS_11["results"]
INDEX = {name: i for i, name in enumerate(HEADER)}


def row(**cells: str) -> list[str]:
    base = {
        "sourcedId": "R1",
        "status": "active",
        "dateLastModified": "",
        "lineItemSourcedId": "L1",
        "studentSourcedId": "S1",
        "scoreStatus": "fully graded",
        "score": "87.5",
        "scoreDate": "2025-09-10",
        "comment": "",
    }
    base.update(cells)
    return [base.get(name, "") for name in HEADER]


def test_a_valid_row_is_read_with_its_cells_stripped_and_its_date_as_iso_text() -> None:
    read = fast_results(INDEX)
    assert read(row(sourcedId=" R1 ", score=" 87.5")) == (
        "R1",
        "active",
        "L1",
        "S1",
        "fully graded",
        87.5,
        "2025-09-10",
    )
    assert read(row(score="", scoreDate="")) == ("R1", "active", "L1", "S1", "fully graded", None, None)


def test_rows_the_full_checks_must_explain_are_left_to_them_every_time() -> None:
    read = fast_results(INDEX)
    for bad in [
        row(scoreDate="2025-02-30"),
        row(scoreDate="10/09/2025"),
        row(score="nan"),
        row(score="ninety"),
        row(scoreStatus="graded"),
        row(status="deleted"),
        row(sourcedId=""),
        row(sourcedId="'=1+1"),
        row(studentSourcedId=""),
        row(dateLastModified="yesterday"),
    ]:
        assert read(bad) is None
        assert read(bad) is None  # a remembered verdict is the same verdict
    assert read(row(scoreDate="2025-02-28"))[-1] == "2025-02-28"
