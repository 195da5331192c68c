"""Pure checks and conversions for CSV cells and headers, shared by every importer (no ORM).

Each parser takes the raw text of a cell and returns a Python value, or raises `CellError`
with a reason a person can act on. Real exports are accepted as they are: surrounding spaces,
`TRUE`/`True`, a blank for "not given".
"""

from __future__ import annotations

import datetime
import difflib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from coachmap.core.grades import ONEROSTER_GRADES

LAST_GRADE = 12  # the highest grade a bare number may name


class CellError(ValueError):
    """A cell that cannot be read; the message is the plain reason shown to the user."""


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})\Z")
ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?\Z")
_fromiso = datetime.date.fromisoformat


def parse_date(value: str) -> datetime.date | None:
    """`YYYY-MM-DD`, or None for a blank cell."""
    if not value:
        return None
    if ISO_DATE.match(value):
        try:
            return _fromiso(value)
        except ValueError:
            raise CellError(f"{value} is not a real date") from None
    hint = ""
    if m := _US_DATE.match(value):
        hint = f" (write {m[3]}-{int(m[1]):02d}-{int(m[2]):02d} for {value})"
    raise CellError(f"wrong date format: expected YYYY-MM-DD{hint}")


def parse_us_date(value: str) -> datetime.date:
    """`MM/DD/YYYY` as US exports write it, or `YYYY-MM-DD`."""
    if m := _US_DATE.match(value):
        try:
            return datetime.date(int(m[3]), int(m[1]), int(m[2]))
        except ValueError:
            raise CellError(f"{value} is not a real date") from None
    date = parse_date(value)
    if date is None:
        raise CellError("a date is required here")
    return date


def check_datetime(value: str) -> None:
    """`dateLastModified`: ISO 8601 (a blank is accepted; real bulk exports leave it empty)."""
    if value and not ISO_DATETIME.match(value):
        raise CellError("wrong date-time format: expected ISO 8601 such as 2026-01-05T10:00:00Z")


_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}


def parse_bool(value: str, *, strict: bool = True) -> bool | None:
    """true/false in any case (`TRUE` is what spreadsheets write); blank → None.

    `strict` accepts only true/false, as OneRoster says; otherwise yes/no/y/n/1/0 too.
    """
    if not value:
        return None
    low = value.lower()
    if low == "true" or (not strict and low in _TRUE):
        return True
    if low == "false" or (not strict and low in _FALSE):
        return False
    allowed = "true or false" if strict else "true/false, yes/no or 1/0"
    raise CellError(f"unknown value: expected {allowed}")


def parse_id(value: str, what: str) -> str:
    """A required id (a student's, a class's): the cell without surrounding spaces."""
    value = value.strip()
    if not value:
        raise CellError(f"a {what} id is required")
    return value


_PROFICIENT = {"proficient", "met", "meets", "exceeds", "advanced", "pass", "passed"}
_NOT_PROFICIENT = {"not proficient", "not met", "below", "did not meet", "fail", "failed", "approaching"}


def parse_proficient(value: str) -> bool | None:
    """Whether a score is proficient, as state and vendor files write it (`Meets`, `Below`, `Y`)."""
    low = value.strip().lower()
    if low in _PROFICIENT:
        return True
    if low in _NOT_PROFICIENT:
        return False
    return parse_bool(value, strict=False)


def enum(values: Iterable[str]) -> dict[str, str]:
    """A lookup from lower-cased spelling to the canonical value, for `parse_enum`."""
    return {v.lower(): v for v in values}


def parse_enum(value: str, allowed: Mapping[str, str], what: str) -> str:
    """One of `allowed` (matched without regard to case)."""
    found = allowed.get(value.lower())
    if found is None:
        choices = ", ".join(sorted(set(allowed.values())))
        raise CellError(f"unknown {what}: expected one of {choices}")
    return found


def parse_float(value: str) -> float | None:
    """A finite number (a score, a rate, minutes), or None for a blank cell."""
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise CellError("not a number") from None
    if math.isnan(number) or math.isinf(number):
        raise CellError("not a number")
    return number


def parse_count(value: str) -> int | None:
    """A whole number of people, ≥ 0 (`12` or `12.0`)."""
    try:
        number = parse_float(value)
    except CellError:
        raise CellError("not a number") from None
    if number is None:
        return None
    if number < 0 or number != int(number):
        raise CellError("not a whole number of students")
    return int(number)


GRADE_CODES = enum([*ONEROSTER_GRADES, "IT", "13", "PS", "UG", "Other"])


def parse_grades(value: str) -> list[str]:
    """OneRoster `grades`: codes separated by commas (IT, PR, PK, TK, KG, 01–13, PS, UG, Other)."""
    if not value:
        return []
    codes = []
    for raw in value.split(","):
        part = raw.strip()
        if not part:
            continue
        code = GRADE_CODES.get(part.lower())
        if code is None and part.isdigit() and len(part) == 1:
            code = GRADE_CODES.get(f"0{part}")  # "9" for "09": common, and unambiguous
        if code is None:
            raise CellError("unknown grade: expected IT, PR, PK, TK, KG, 01–13, PS, UG or Other")
        codes.append(code)
    return codes


def grade_number(codes: Sequence[str]) -> int | None:
    """The first grade coachmap tracks (PK–12) among OneRoster codes, as its integer."""
    for code in codes:
        if code in ONEROSTER_GRADES:
            return ONEROSTER_GRADES[code]
    return None


def grade_from_text(value: str) -> int | None:
    """A grade written by a person: `3`, `03`, `Grade 3`, `KG`, `K`, `PK`."""
    text = value.strip().lower().removeprefix("grade").strip()
    if not text:
        return None
    if text in {"k", "kg", "kindergarten"}:
        return 0
    if text in {"pk", "pre-k", "prek", "pr", "tk"}:
        return -1
    if text.isdigit() and 0 <= int(text) <= LAST_GRADE:
        return int(text)
    raise CellError("unknown grade: expected PK, K or 1–12")


_FORMULA = ("=", "+", "-", "@")


def clean_text(value: str, max_length: int) -> str:
    """Text stored as text. A leading apostrophe that coachmap's own exports add before =, +, -
    or @ (see `core.csvsafe`) is taken off again, so exporting and importing round-trips."""
    if len(value) > 1 and value[0] == "'" and value[1] in _FORMULA:
        value = value[1:]
    if len(value) > max_length:
        raise CellError(f"too long: at most {max_length} characters")
    return value


# --- headers ------------------------------------------------------------------------------------


@dataclass
class HeaderCheck:
    index: dict[str, int]
    problems: list[tuple[str, str, str]]  # (column, value, reason)
    warnings: list[tuple[str, str, str]]


def check_header(
    header: Sequence[str],
    known: Sequence[str],
    required: Iterable[str],
    *,
    ignore_prefixes: Sequence[str] = ("metadata.",),
    case_sensitive: bool = True,
) -> HeaderCheck:
    """Map column names to positions; find missing required columns and likely typos.

    A column that is not known but looks like a known column that is missing (`dataLastModified`
    for `dateLastModified`) is an error: the data in it would be silently lost. Other unknown
    columns are reported as ignored.
    """
    problems: list[tuple[str, str, str]] = []
    warnings: list[tuple[str, str, str]] = []
    norm = (lambda s: s) if case_sensitive else str.lower
    known_norm = {norm(k): k for k in known}
    index: dict[str, int] = {}
    unknown: list[tuple[int, str]] = []
    for position, raw in enumerate(header):
        name = raw.strip()
        key = known_norm.get(norm(name))
        if key is None and not case_sensitive:
            key = None
        if key is not None:
            if key in index:
                problems.append((name, name, f"the column {name} appears twice in the header"))
            index[key] = position
        elif not name:
            if any(h.strip() for h in header[position + 1 :]):
                warnings.append(("", "", f"column {position + 1} has no name in the header; it is ignored"))
        elif not name.startswith(tuple(ignore_prefixes)):
            unknown.append((position, name))
    missing = [k for k in known if k not in index]
    claimed: set[str] = set()
    for _, name in unknown:
        guess = difflib.get_close_matches(name, missing, n=1, cutoff=0.75) or difflib.get_close_matches(
            name.lower(), [m.lower() for m in missing], n=1, cutoff=0.75
        )
        if guess:
            target = next(m for m in missing if m.lower() == guess[0].lower())
            claimed.add(target)
            problems.append((name, name, f"unknown column {name}: did you mean {target}?"))
        else:
            warnings.append((name, name, f"unknown column {name} is ignored"))
    for name in required:
        if name not in index and name not in claimed:
            problems.append((name, "", f"missing required column {name}"))
    return HeaderCheck(index, problems, warnings)
