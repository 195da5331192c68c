"""The checks on results.csv, which the merge proves when it can (see `oneroster.job`).

Each broken bundle must get exactly the problem the full checks give and change nothing; a
bundle whose results are legitimately left out (a student coachmap does not import) still
imports, with the same report as when every check ran first.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coachmap.roster.models import ImportRun, ImportStatus, Score
from tests.roster.conftest import V12, do_import, problems, snapshot, write_bundle

pytestmark = pytest.mark.django_db

RESULTS_HEADER = V12["results.csv"].splitlines()[0]
LINE_ITEMS = V12["lineItems.csv"] + "li2,active,,Retell,,2025-09-02,2025-09-09,c1,cat1,q1,0,100\n"


def bundle(tmp_path: Path, name: str, **files: str) -> Path:
    return write_bundle(tmp_path / name, {**V12, "lineItems.csv": LINE_ITEMS, **files})


def results(*rows: str) -> str:
    return "\n".join([RESULTS_HEADER, *rows]) + "\n"


CASES: dict[str, tuple[dict[str, str], list[str]]] = {
    "a result for a line item that does not exist": (
        {"results.csv": results("res1,active,,li9,s1,fully graded,88,2025-09-10,")},
        [
            "results.csv, row 2, column lineItemSourcedId (value “li9”): "
            "no line item has this sourcedId (not in lineItems.csv)"
        ],
    ),
    "a result for a student who does not exist": (
        {"results.csv": results("res1,active,,li1,s9,fully graded,88,2025-09-10,")},
        [
            "results.csv, row 2, column studentSourcedId (value “s9”): "
            "no user has this sourcedId (not in users.csv)"
        ],
    ),
    "a result for a teacher": (
        {"results.csv": results("res1,active,,li1,t1,fully graded,88,2025-09-10,")},
        ["results.csv, row 2, column studentSourcedId (value “t1”): user t1 is a teacher, not a student"],
    ),
    "a result for a parent": (
        {"results.csv": results("res1,active,,li1,p1,fully graded,88,2025-09-10,")},
        ["results.csv, row 2, column studentSourcedId (value “p1”): user p1 is a parent, not a student"],
    ),
    "two results for one student on one line item": (
        {
            "results.csv": results(
                "res1,active,,li1,s1,fully graded,88,2025-09-10,",
                "res2,active,,li2,s1,fully graded,70,2025-09-11,",
                "res3,active,,li1,s1,fully graded,91,2025-09-12,",
            )
        },
        [
            "results.csv, row 4, column studentSourcedId (value “s1”): "
            "a second result for this student on line item li1: the first is on row 2"
        ],
    ),
    "a duplicate result sourcedId": (
        {
            "results.csv": results(
                "res1,active,,li1,s1,fully graded,88,2025-09-10,",
                "res1,active,,li2,s1,fully graded,70,2025-09-11,",
            )
        },
        ["results.csv, row 3, column sourcedId (value “res1”): duplicate sourcedId: also on row 2"],
    ),
    "a problem in another file and one in the results": (
        {
            "enrollments.csv": V12["enrollments.csv"].replace("e1,active,,c1,", "e1,active,,c9,"),
            "results.csv": results("res1,active,,li9,s1,fully graded,88,2025-09-10,"),
        },
        [
            "enrollments.csv, row 2, column classSourcedId (value “c9”): "
            "no class has this sourcedId (not in classes.csv)",
            "results.csv, row 2, column lineItemSourcedId (value “li9”): "
            "no line item has this sourcedId (not in lineItems.csv)",
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_broken_results_file_is_rejected_with_the_exact_problem_and_changes_nothing(
    tmp_path: Path, case: str
) -> None:
    do_import("oneroster", bundle(tmp_path, "first"))
    before = snapshot(audit=True)
    files, expected = CASES[case]

    report = do_import("oneroster", bundle(tmp_path, "broken", **files))

    assert problems(report) == expected
    assert snapshot(audit=True) == {**before, "AuditEvent": before["AuditEvent"] + 1}  # the rejection
    assert ImportRun.objects.order_by("-pk").first().status == ImportStatus.REJECTED  # type: ignore[union-attr]


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_broken_results_file_is_rejected_on_a_first_import_too(tmp_path: Path, case: str) -> None:
    files, expected = CASES[case]

    report = do_import("oneroster", bundle(tmp_path, "broken", **files))

    assert problems(report) == expected
    assert Score.objects.count() == 0


def test_results_of_a_student_coachmap_does_not_import_are_skipped_and_the_rest_imported(
    tmp_path: Path,
) -> None:
    users = V12["users.csv"].replace(",,,,KG,,,,,,,sch1,", ",,,,13,,,,,,,sch1,")  # s2: grade 13
    files = {
        "users.csv": users,
        "results.csv": results(
            "res1,active,,li1,s1,fully graded,88,2025-09-10,",
            "res2,active,,li1,s2,fully graded,70,2025-09-10,",
            "res3,active,,li2,s1,fully graded,91,2025-09-11,",
        ),
    }

    report = do_import("oneroster", bundle(tmp_path, "skips", **files))

    assert report.ok, problems(report)
    assert sorted(Score.objects.values_list("source_id", "student__source_id")) == [
        ("res1", "s1"),
        ("res3", "s1"),
    ]
    counts = report.counts["results"]
    assert (counts.added, counts.skipped) == (2, 1)
    assert "1 results of students coachmap does not import were skipped." in report.notes
    assert report.notes.count("1 results of students coachmap does not import were skipped.") == 1


def test_a_skipped_student_with_a_broken_result_is_still_reported(tmp_path: Path) -> None:
    users = V12["users.csv"].replace(",,,,KG,,,,,,,sch1,", ",,,,13,,,,,,,sch1,")
    files = {
        "users.csv": users,
        "results.csv": results(
            "res1,active,,li1,s1,fully graded,88,2025-09-10,",
            "res2,active,,li9,s2,fully graded,70,2025-09-10,",
        ),
    }

    report = do_import("oneroster", bundle(tmp_path, "skip-and-break", **files))

    assert problems(report) == [
        "results.csv, row 3, column lineItemSourcedId (value “li9”): "
        "no line item has this sourcedId (not in lineItems.csv)"
    ]
    assert Score.objects.count() == 0


def test_a_delta_that_makes_a_student_a_teacher_cannot_keep_their_results(tmp_path: Path) -> None:
    do_import("oneroster", bundle(tmp_path, "first"))
    before = snapshot()
    manifest = V12["manifest.csv"]
    for name in ("users", "roles", "results"):
        manifest = manifest.replace(f"file.{name},bulk", f"file.{name},delta")
    for name in ("orgs", "classes", "enrollments", "academicSessions", "categories", "lineItems"):
        manifest = manifest.replace(f"file.{name},bulk", f"file.{name},absent")
    users = V12["users.csv"].splitlines()
    delta = {
        "manifest.csv": manifest,
        "users.csv": "\n".join([users[0], next(u for u in users if u.startswith("s1,"))]) + "\n",
        "roles.csv": V12["roles.csv"].splitlines()[0] + "\nr1,active,,s1,primary,teacher,,,sch1,\n",
        "results.csv": results("res1,active,,li1,s1,fully graded,95,2025-09-10,"),
    }

    report = do_import("oneroster", write_bundle(tmp_path / "delta", delta))

    assert problems(report) == [
        "results.csv, row 2, column studentSourcedId (value “s1”): user s1 is a teacher, not a student"
    ]
    assert snapshot() == before
