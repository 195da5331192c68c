"""What a published state file's columns and cells mean: the student groups and subjects states
name, the wide layout's headers (Indiana's `Grade 3|ELA Total Proficient`, …), suppression marks,
and one figure read from its cells. The published importer (`published.py`) reads files with these.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from coachmap.roster.importers import statefiles
from coachmap.roster.importers.cells import (
    CellError,
    grade_from_text,
    parse_count,
    parse_float,
)

RATE_TOLERANCE = 0.0005  # half of 0.1 percentage point: states round published rates

# State group names (and coachmap's own codes) → coachmap's group codes.
GROUPS = {
    "all": "all",
    "all students": "all",
    "school total": "all",
    "american indian": "race:american_indian",
    "american indian or alaska native": "race:american_indian",
    "asian": "race:asian",
    "black": "race:black",
    "black or african american": "race:black",
    "hispanic": "race:hispanic",
    "hispanic or latino": "race:hispanic",
    "multiracial": "race:multiracial",
    "two or more races": "race:multiracial",
    "native hawaiian or other pacific islander": "race:pacific_islander",
    "white": "race:white",
    "english language learners": "el",
    "english learners": "el",
    "non english language learners": "not:el",
    "special education": "swd",
    "students with disabilities": "swd",
    "general education": "not:swd",
    "free or reduced price meals": "ed",
    "free reduced price meals": "ed",
    "economically disadvantaged": "ed",
    "paid meals": "not:ed",
    "female": "gender:female",
    "male": "gender:male",
}
SUBJECTS = {"ela": "ela", "math": "math", "ela and math": "ela_math", "iread": "iread", "science": "science"}
SUPPRESSED = re.compile(r"^(\*+|<\s*\d+|n\s*<\s*\d+|n/?s|s|--)$", re.IGNORECASE)
LONG = {
    "year": ["year", "school_year"],
    "entity_code": ["entity_code", "corporation id", "school id", "district id", "code"],
    "entity_name": ["entity_name", "corporation name", "school name", "district name", "name"],
    "school": ["school", "school_source_id", "school sourcedId"],
    "grade": ["grade"],
    "subject": ["subject"],
    "group": ["group", "student_group", "subgroup"],
    "tested": ["tested", "number tested", "total tested"],
    "proficient": ["proficient", "number proficient", "total proficient"],
    "rate": ["rate", "proficiency %", "percent proficient", "proficiency rate"],
}


@dataclass(frozen=True)
class Figure:
    """Where the three numbers of one figure sit in a wide row."""

    grade: int | None
    group: str
    subject: str
    proficient: int | None = None
    tested: int | None = None
    rate: int | None = None
    levels: tuple[int, ...] | None = None  # below, approaching, at, above (`statefiles`)


def group_code(name: str) -> str | None:
    text = name.strip()
    if text.lower() in GROUPS:
        return GROUPS[text.lower()]
    if statefiles.plain(text) in GROUPS:
        return GROUPS[statefiles.plain(text)]
    from coachmap.roster.models import PUBLISHED_GROUP_CHOICES

    return text if text in {code for code, _ in PUBLISHED_GROUP_CHOICES} else None


def wide_figures(header: Sequence[str]) -> tuple[list[Figure], list[tuple[str, str]]]:
    """The figures a wide header holds, and (column, reason) for columns it cannot read."""
    slots: dict[tuple[int | None, str, str], dict[str, int]] = {}
    problems: list[tuple[str, str]] = []
    for position, name in enumerate(header):
        if "|" not in name:
            continue
        prefix, suffix = (part.strip() for part in name.split("|", 1))
        grade: int | None = None
        if m := re.fullmatch(r"Grade (\w+)", prefix):
            try:
                grade = grade_from_text(m[1])
            except CellError as exc:
                problems.append((name, str(exc)))
                continue
            group = "all"
        else:
            code = group_code(prefix)
            if code is None:
                problems.append((name, f"unknown student group “{prefix}”"))
                continue
            group = code
        matched = statefiles.metric(suffix)
        if matched is None:
            problems.append((name, f"unknown figure: expected {statefiles.EXPECTED_FIGURES}"))
            continue
        subject_text, metric, level = matched
        subject = SUBJECTS.get(statefiles.plain(subject_text))
        if subject is None:
            problems.append((name, f"unknown subject “{subject_text}”"))
            continue
        slots.setdefault((grade, group, subject), {})[level or metric] = position
    figures = [
        Figure(
            grade,
            group,
            subject,
            m.get("proficient"),
            m.get("tested"),
            m.get("rate"),
            tuple(m[k] for k in statefiles.LEVELS) if all(k in m for k in statefiles.LEVELS) else None,
        )
        for (grade, group, subject), m in slots.items()
    ]
    return figures, problems


def read_figure(
    proficient_raw: str, tested_raw: str, rate_raw: str
) -> tuple[int | None, int | None, float | None, bool] | None:
    """(proficient, tested, rate, suppressed), or None when nothing is reported. Raises CellError."""
    cells = [proficient_raw.strip(), tested_raw.strip(), rate_raw.strip()]
    if not any(cells):
        return None
    suppressed = any(SUPPRESSED.match(c) for c in cells if c)
    values: list[Any] = []
    for i, cell in enumerate(cells):
        if not cell or SUPPRESSED.match(cell):
            values.append(None)
        elif i < 2:  # noqa: PLR2004 - the results and published importers are being reworked (issue 13); split there
            values.append(parse_count(cell))
        else:
            rate = parse_float(cell.rstrip("%"))
            if rate is not None and (cell.endswith("%") or rate > 1):
                rate /= 100
            if rate is not None and not 0 <= rate <= 1:
                raise CellError("a rate must be between 0 and 1 (or 0% and 100%)")
            values.append(rate)
    proficient, tested, rate = values
    if proficient is not None and tested is not None and proficient > tested:
        raise CellError(f"{proficient} proficient is more than the {tested} tested")
    return proficient, tested, rate, suppressed
