"""A corpus of broken bundles, one defect each: the exact problem is reported and nothing changes.

Each case starts from the shared sample already imported, so "nothing changed" is checked
against a real district, not an empty database.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from coachmap.roster.models import ImportRun, ImportStatus
from tests.roster.conftest import SAMPLE, do_import, problems, sample_files, snapshot, write_bundle

pytestmark = pytest.mark.django_db

Files = dict[str, bytes]


def replace(name: str, old: str, new: str, count: int = 1) -> Callable[[Files], None]:
    def mutate(files: Files) -> None:
        text = files[name].decode()
        assert old in text
        files[name] = text.replace(old, new, count).encode()

    return mutate


def append(name: str, line: str) -> Callable[[Files], None]:
    def mutate(files: Files) -> None:
        files[name] = files[name].rstrip(b"\r\n") + b"\n" + line.encode()

    return mutate


def drop_column(name: str, column: str) -> Callable[[Files], None]:
    def mutate(files: Files) -> None:
        import csv
        import io

        rows = list(csv.reader(io.StringIO(files[name].decode())))
        i = rows[0].index(column)
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows([r[:i] + r[i + 1 :] for r in rows])
        files[name] = out.getvalue().encode()

    return mutate


def set_file(name: str, content: bytes) -> Callable[[Files], None]:
    def mutate(files: Files) -> None:
        files[name] = content

    return mutate


def remove_file(name: str) -> Callable[[Files], None]:
    def mutate(files: Files) -> None:
        del files[name]

    return mutate


ROLES = (
    "administrator, aide, counselor, districtAdministrator, guardian, parent, principal, proctor, relative, "
    "siteAdministrator, student, systemAdministrator, teacher"
)

CASES: dict[str, tuple[Callable[[Files], None], list[str]]] = {
    "missing required column": (
        drop_column("users.csv", "grades"),
        ["users.csv, row 1, column grades: missing required column grades"],
    ),
    "header typo": (
        replace("enrollments.csv", "dateLastModified", "dataLastModified"),
        [
            "enrollments.csv, row 1, column dataLastModified (value “dataLastModified”): "
            "unknown column dataLastModified: did you mean dateLastModified?"
        ],
    ),
    "unknown enum value": (
        replace("users.csv", "255901001,student,Kyle", "255901001,studnet,Kyle"),
        [f"users.csv, row 3, column role (value “studnet”): unknown role: expected one of {ROLES}"],
    ),
    "wrong date format": (
        replace("enrollments.csv", "604874,student,,2020-08-17", "604874,student,,08/17/2020"),
        [
            "enrollments.csv, row 4, column beginDate (value “08/17/2020”): "
            "wrong date format: expected YYYY-MM-DD (write 2020-08-17 for 08/17/2020)"
        ],
    ),
    "impossible date": (
        replace("academicSessions.csv", "2021-05-28,,2021", "2021-02-30,,2021"),
        ["academicSessions.csv, row 2, column endDate (value “2021-02-30”): 2021-02-30 is not a real date"],
    ),
    "duplicate sourcedId": (
        append("demographics.csv", "604863,,,1997-05-30,female,false,true,false,false,false,false,true,,,,"),
        ["demographics.csv, row 10, column sourcedId (value “604863”): duplicate sourcedId: also on row 2"],
    ),
    "dangling class reference": (
        replace(
            "enrollments.csv",
            "25590100102Trad220ALG112011,255901001,604874",
            "NO-SUCH-CLASS,255901001,604874",
        ),
        [
            "enrollments.csv, row 4, column classSourcedId (value “NO-SUCH-CLASS”): "
            "no class has this sourcedId (not in classes.csv)"
        ],
    ),
    "dangling school reference": (
        replace("classes.csv", "scheduled,220,255901001", "scheduled,220,999999"),
        ["classes.csv, row 3, column schoolSourcedId (value “999999”): no org has this sourcedId"],
    ),
    "wrong encoding": (
        replace("users.csv", "Kyle,Hughes", "Kyl\xe9,Hughes"),
        [],  # filled in below: the bytes must be Latin-1, which `replace` cannot write
    ),
    "too few fields": (
        replace(
            "courses.csv",
            "ENG-1,,,255901001_2021_2020-2021_SchoolYear,English I,ENG-1,09,255901,Algebra I,02052",
            "ENG-1,,,x",
        ),
        ["courses.csv, row 3 (value “ENG-1,,,x”): too few fields: the row has 4, the header has 10"],
    ),
    "empty file": (
        set_file("demographics.csv", b""),
        ["demographics.csv: the file is empty: it needs a header row"],
    ),
    "header only, no manifest": (
        remove_file("manifest.csv"),
        ["manifest.csv: the bundle has no manifest.csv: a OneRoster bundle needs one"],
    ),
    "manifest lists a missing file": (
        remove_file("classes.csv"),
        [
            "manifest.csv (value “file.classes=bulk”): the manifest lists classes.csv as bulk, "
            "but the bundle has no classes.csv"
        ],
    ),
    "unknown OneRoster version": (
        replace("manifest.csv", "oneroster.version,1.1", "oneroster.version,2.0"),
        ["manifest.csv, row 3, column value (value “2.0”): oneroster.version must be 1.1 or 1.2"],
    ),
    "unknown manifest mode": (
        replace("manifest.csv", "file.users,bulk", "file.users,full"),
        [
            "manifest.csv, row 10, column value (value “full”): file.users: unknown file mode: "
            "expected one of absent, bulk, delta"
        ],
    ),
    "a student enrolled as a teacher": (
        replace("enrollments.csv", "255901001,604874,student", "255901001,604874,teacher"),
        [
            "enrollments.csv, row 4, column role (value “teacher”): user 604874 is a student in users.csv, not a teacher"
        ],
    ),
    "a bad boolean": (
        replace("demographics.csv", "604874,,,1997-07-31,male,true", "604874,,,1997-07-31,male,yes"),
        [
            "demographics.csv, row 3, column americanIndianOrAlaskaNative (value “yes”): unknown value: expected true or false"
        ],
    ),
}


def _latin1(files: Files) -> None:
    files["users.csv"] = files["users.csv"].replace(b"Kyle,Hughes", "Kylé,Hughes".encode("latin-1"))


CASES["wrong encoding"] = (
    _latin1,
    ["users.csv, row 3: wrong encoding: the byte 0xE9 is not UTF-8; save the file as UTF-8 (CSV UTF-8)"],
)


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_broken_bundle_is_rejected_with_the_exact_problem_and_changes_nothing(
    tmp_path: Path, case: str
) -> None:
    do_import("oneroster", SAMPLE)
    before = snapshot(audit=False)
    mutate, expected = CASES[case]
    files = sample_files()
    mutate(files)

    report = do_import("oneroster", write_bundle(tmp_path / "broken", files))

    assert problems(report) == expected
    assert snapshot() == before
    assert ImportRun.objects.order_by("-pk").first().status == ImportStatus.REJECTED  # type: ignore[union-attr]


def test_what_real_exports_do_is_accepted(tmp_path: Path) -> None:
    """A UTF-8 BOM, CRLF line endings, no final newline, upper-case TRUE and manifest.version 1."""
    do_import("oneroster", SAMPLE)
    expected = snapshot()
    files = sample_files()
    for name, data in files.items():
        files[name] = b"\xef\xbb\xbf" + data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n").rstrip(b"\r\n")
    files["users.csv"] = files["users.csv"].replace(b",true,", b",TRUE,")
    files["demographics.csv"] = files["demographics.csv"].replace(b",false,", b",False,")
    assert b"manifest.version,1\r\n" in files["manifest.csv"]

    report = do_import("oneroster", write_bundle(tmp_path / "quirky", files))

    assert report.ok, problems(report)
    assert snapshot() == expected
    assert report.totals()["changed"] == 0


def test_a_cell_that_looks_like_a_formula_is_stored_as_text(tmp_path: Path) -> None:
    from coachmap.roster.models import Class

    files = sample_files()
    replace(
        "classes.csv",
        "25590100101Trad120ENG112011,,,ENG-1",
        '25590100101Trad120ENG112011,,,"=HYPERLINK(""x"")"',
    )(files)
    report = do_import("oneroster", write_bundle(tmp_path / "f", files))

    assert report.ok, problems(report)
    assert Class.objects.get(source_id="25590100101Trad120ENG112011").title == '=HYPERLINK("x")'
