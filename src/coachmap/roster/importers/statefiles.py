"""State files as the states publish them: what `published` needs to read a downloaded file
without hand editing (pure functions, no ORM).

- Header cells come from spreadsheets whose headings wrap over several lines: line breaks,
  doubled and trailing spaces (`"Grade 3|ELA \\nApproaching\\nProficiency"`) are one space.
- Figures are named as each state names them: `Total Proficient`, `Total Tested`,
  `Proficiency %` or `Proficient %`, and the performance-level counts `Below`, `Approaching`,
  `At` and `Above Proficiency`. Where a state gives levels instead of totals, proficient is
  At + Above and tested the four levels together; where it gives both, they are compared.
- Subjects and groups as written: `ELA & Math`, `Free/Reduced Price Meals`,
  `Non-English Language Learners`.
- School-level files carry the corporation (district) id and the school id: the school is the
  figure's entity, and only the district's own corporation is kept when its code is set.
- Texas (TEA) STAAR performance reports: title rows, groups as columns, a section per grade and
  subject, a row per performance level and year; the "Meets Grade Level or Above" rates are read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from coachmap.roster.importers.report import Report

# Performance levels, lowest first; the last two are proficient.
LEVELS = ("below", "approaching", "at", "above")
PROFICIENT_LEVELS = ("at", "above")

METRICS = [
    (re.compile(r"^(?P<subject>.+?) Total Proficient$", re.IGNORECASE), "proficient"),
    (re.compile(r"^(?P<subject>.+?) Total Tested$", re.IGNORECASE), "tested"),
    (re.compile(r"^(?P<subject>.+?) Proficien(?:cy|t) ?%$", re.IGNORECASE), "rate"),
    (re.compile(r"^(?P<subject>.+?) Pass N$", re.IGNORECASE), "proficient"),
    (re.compile(r"^(?P<subject>.+?) Test N$", re.IGNORECASE), "tested"),
    (
        re.compile(r"^(?P<subject>.+?) (?P<level>Below|Approaching|At|Above) Proficiency$", re.IGNORECASE),
        "level",
    ),
]
EXPECTED_FIGURES = (
    "… Total Proficient, … Total Tested, … Proficiency % (or Proficient %), or a performance level "
    "(… Below, Approaching, At or Above Proficiency)"
)
# Who a row is about, by the names states use; a file with both ids is a school-level file.
CORPORATION_IDS = ("corp id", "corporation id", "district id", "district code", "lea id", "corp")
SCHOOL_IDS = ("school id", "school code", "schl id", "building id", "building irn")
SCHOOL_NAMES = ("school name", "schl name", "building name")


EXCEL_ERRORS = re.compile(r"^#(N/A|DIV/0!|VALUE!|REF!|NAME\?|NUM!|NULL!)$", re.IGNORECASE)


def without_errors(cells: Sequence[str]) -> tuple[list[str], int]:
    """Cells with spreadsheet error values (`#N/A`, `#DIV/0!`, left by the state's own
    formulas) read as not reported, and how many there were."""
    cleaned = ["" if EXCEL_ERRORS.match(c.strip()) else c for c in cells]
    return cleaned, sum(1 for a, b in zip(cells, cleaned, strict=True) if a != b)


def clean_header(cells: Sequence[str]) -> list[str]:
    """Header cells as a person reads them: line breaks and runs of spaces become one space."""
    return [re.sub(r"\s+", " ", cell).strip() for cell in cells]


def plain(text: str) -> str:
    """A subject or group name compared loosely: `ELA & Math` = `ela and math`,
    `Free/Reduced Price Meals` = `free reduced price meals`."""
    text = text.lower().replace("&", " and ")
    return re.sub(r"[\s/\-–]+", " ", text).strip()


def metric(suffix: str) -> tuple[str, str, str] | None:
    """(subject text, metric, level) of a figure's header after the `|`, or None."""
    for pattern, name in METRICS:
        if m := pattern.match(suffix):
            level = m["level"].lower() if name == "level" else ""
            return m["subject"], name, level
    return None


def school_level_columns(header: Sequence[str]) -> dict[str, int]:
    """corporation / school / school name → position, when the file names a school on each row."""
    lowered = {cell.lower(): i for i, cell in enumerate(header)}

    def first(names: Sequence[str]) -> int | None:
        return next((lowered[n] for n in names if n in lowered), None)

    corporation, school, name = first(CORPORATION_IDS), first(SCHOOL_IDS), first(SCHOOL_NAMES)
    if corporation is None or school is None:
        return {}
    found = {"corporation": corporation, "entity_code": school}
    if name is not None:
        found["entity_name"] = name
    return found


def totals_from_levels(levels: Sequence[str]) -> tuple[str, str]:
    """(proficient, tested) cells derived from the four level cells (below, approaching, at,
    above): blank when any level is blank, the suppression marker when any is suppressed."""
    cells = [c.strip() for c in levels]
    if any(not c for c in cells):
        return "", ""
    if any(not re.fullmatch(r"\d+", c.replace(",", "")) for c in cells):
        marker = next(c for c in cells if not re.fullmatch(r"\d+", c.replace(",", "")))
        return marker, marker
    counts = dict(zip(LEVELS, (int(c.replace(",", "")) for c in cells), strict=True))
    return str(sum(counts[k] for k in PROFICIENT_LEVELS)), str(sum(counts.values()))


def with_levels(  # noqa: PLR0917 - the cell's place (file, row, column) names each problem
    raw: list[str], levels: list[str], report: Report, file: str, row: int, column: str
) -> list[str]:
    """Proficient and tested from the performance levels where the file gives no totals, and
    the totals checked against the levels where it gives both."""
    proficient, tested = totals_from_levels(levels)
    if not raw[0] and not raw[1]:
        return [proficient, tested, raw[2]]
    for given, derived, what in ((raw[0], proficient, "proficient"), (raw[1], tested, "tested")):
        if given.strip().isdigit() and derived.isdigit() and int(given) != int(derived):
            report.warn(
                file,
                row,
                column,
                given,
                f"the {what} count disagrees with the performance levels ({derived})",
            )
    return raw


# Texas (TEA) STAAR performance reports, saved from the Texas Performance Reporting System as
# published: title rows ("Texas Education Agency", the report, "NAME ISD (123456) - COUNTY"),
# a row of columns (State, Region NN, District, then the district's student groups, their names
# wrapped over lines), then for each "Grade 3 Reading" (or "All Grades …", "End of Course …")
# one row per performance level and year. Rates only; "*" suppressed, "-" no students.
TEA_TITLE = "texas education agency"
TEA_ENTITY = re.compile(r"^(?P<name>.+?)\s*\((?P<code>\d+)\)")
TEA_STATE_COLUMN = 2
"""In TEA's report the third column is the state's figure; a line with fewer holds no figures."""
TEA_PROFICIENT = "at meets grade level or above"  # TEA's grade-level standard
TEA_SUBJECTS = {"reading": "ela", "ela reading": "ela", "mathematics": "math", "all subjects": "all"}
TEA_GROUPS = {
    "african american": "race:black",
    "pacific islander": "race:pacific_islander",
    "special ed": "swd",
    "econ disadv": "ed",
    "eb el": "el",
}


def is_tea_report(header: Sequence[str]) -> bool:
    return bool(header) and header[0].strip().lower() == TEA_TITLE


def tea_section(text: str) -> tuple[int | None, str] | None:
    """(grade, subject) of a section title such as `Grade 3 Reading`, `All Grades Mathematics`
    or `End of Course Algebra I`, or None."""
    text = re.sub(r"\s+", " ", text).strip()
    if m := re.fullmatch(r"Grade (\d+) (.+)", text):
        grade, subject = int(m[1]), m[2]
    elif m := re.fullmatch(r"All Grades (.+)", text):
        grade, subject = None, m[1]
    elif m := re.fullmatch(r"End of Course (.+)", text):
        grade, subject = None, f"eoc {m[1]}"
    else:
        return None
    key = plain(subject)
    return grade, TEA_SUBJECTS.get(key, key)[:30]


def tea_rates(  # noqa: PLR0912 - each branch is one kind of line in TEA's report
    rows: Iterable[tuple[int, list[str]]], report: Report, file: str, own: str
) -> Iterator[tuple[int, str, str, int, int | None, str, str, str, str]]:
    """(row, entity code, entity name, year, grade, subject, group text, rate cell, column) for
    each published rate at TEA's standard (Meets Grade Level or Above) in a TEA report. The
    State and Region columns are figures of their own entity (`TX`, `Region 20`). A report of
    another district than `own` (the district's code in state files, when set) is refused."""
    code = name = ""
    columns: list[str] = []
    section: tuple[int | None, str] | None = None
    level = ""
    for row, cells in rows:
        first = re.sub(r"\s+", " ", cells[0]).strip() if cells else ""
        if not code and (m := TEA_ENTITY.match(first)):
            code, name = m["code"], m["name"]
            if own and code != own:
                report.problem(
                    file,
                    row,
                    "",
                    first,
                    f"this report is of another district than yours ({own} in Settings → Code in state "
                    "data files); nothing was imported",
                )
                return
            continue
        if len(cells) > TEA_STATE_COLUMN and not first and cells[TEA_STATE_COLUMN].strip().lower() == "state":
            columns = clean_header(cells)
            continue
        if found := tea_section(first):
            section, level = found, ""
            continue
        level = first.lower() or level
        if section is None or level != TEA_PROFICIENT or len(cells) <= TEA_STATE_COLUMN:
            continue
        if not code or not columns:
            report.problem(
                file, row, "", first, "the district line or the State/District columns are missing"
            )
            return
        year = cells[1].strip()
        if not year.isdigit():
            report.problem(file, row, "", year, "a year such as 2023 is required")
            continue
        for i in range(2, min(len(cells), len(columns))):
            column, rate = columns[i], cells[i].strip()
            if rate in ("", "-"):
                continue
            if column.lower() == "state":
                yield row, "TX", "Texas", int(year), section[0], section[1], "all", rate, column
            elif column.lower().startswith("region"):
                yield row, column, column, int(year), section[0], section[1], "all", rate, column
            else:
                group = "all" if column.lower() == "district" else TEA_GROUPS.get(plain(column), column)
                yield row, code, name, int(year), section[0], section[1], group, rate, column
