"""Published state results: counts tested and proficient and published rates, by school or
district × year × grade × subject × student group, in the wide layout states publish
(Indiana's `Grade 3|ELA Total Proficient`, …) or a long one (a row per figure).

Suppression markers (`***`, `*`, `<10`) are kept as suppressed, never as zero; a blank cell
is "not reported" and makes no row. Where proficient, tested and a rate are all published,
the rate is checked against proficient ÷ tested and disagreements are reported as warnings.
Rates are stored as fractions (0.53 for 53%).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from coachmap.core.models import District
from coachmap.roster.importers import statefiles
from coachmap.roster.importers.cells import (
    CellError,
    clean_text,
    grade_from_text,
    parse_count,
    parse_float,
)
from coachmap.roster.importers.report import MAX_LISTED, ImportRejected, Report
from coachmap.roster.importers.source import Progress, Source, Table
from coachmap.roster.importers.staging import Stage, execute, fetchall, fetchone, is_distinct, is_same
from coachmap.roster.importers.vendor import find_columns, norm, open_vendor_file

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
        elif i < 2:
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


def run(
    *, source: Source, district: District, report: Report, progress: Progress | None = None, **_: Any
) -> None:
    opened = open_vendor_file(source, report, progress)
    table, header, file = opened.table, statefiles.clean_header(opened.header), opened.name
    stage = Stage(
        "published",
        [
            ("entity_code", "text"),
            ("entity_name", "text"),
            ("school_ref", "text"),
            ("year", "int"),
            ("grade", "int"),
            ("subject", "text"),
            ("grp", "text"),
            ("tested", "int"),
            ("proficient", "int"),
            ("rate", "float"),
            ("suppressed", "bool"),
            ("source", "text"),
        ],
    ).create()
    if statefiles.is_tea_report(header):
        _read_tea(table, stage, report, file, district)
    elif any("|" in h for h in header):
        _read_wide(table, header, stage, report, file, district)
    else:
        _read_long(table, header, stage, report, file)
    if report.ok:
        _check_and_merge(stage, district, report, file)
    stage.drop()
    if not report.ok:
        raise ImportRejected(report)


def _identified_rows(
    table: Table, columns: dict[str, int], header: Sequence[str], report: Report
) -> Iterator[tuple[int, list[str], tuple[int, str, str]]]:
    """The rows whose year and entity can be read, with them (the others are reported)."""
    for row, cells in table.rows():
        identity = _identity(cells, columns, header, row, report, table.name)
        if identity is not None:
            yield row, cells, identity


def _identity(
    cells: Sequence[str], columns: dict[str, int], header: Sequence[str], row: int, report: Report, file: str
) -> tuple[int, str, str] | None:
    raw_year = cells[columns["year"]].strip()
    year = raw_year[:4] if re.fullmatch(r"\d{4}(-\d{2,4})?", raw_year) else ""
    if not year:
        report.problem(file, row, header[columns["year"]], raw_year, "a year such as 2024 is required")
        return None
    code = cells[columns["entity_code"]].strip()
    if not code:
        report.problem(file, row, header[columns["entity_code"]], "", "an entity code is required")
        return None
    try:
        name = clean_text(cells[columns["entity_name"]].strip(), 200) if "entity_name" in columns else code
    except CellError as exc:
        report.problem(file, row, header[columns["entity_name"]], cells[columns["entity_name"]], str(exc))
        return None
    return int(year), code[:40], name


def _read_wide(
    table: Any, header: Sequence[str], stage: Stage, report: Report, file: str, district: District
) -> None:
    figures, unread = wide_figures(header)
    for column, reason in unread:
        # States add columns of their own (and spreadsheets leave stray ones): a column that is
        # not a figure is named in the report; the file is refused only when nothing is a figure.
        if figures:
            report.warn(file, 1, column, column, f"column not used: {reason}")
        else:
            report.problem(file, 1, column, column, reason)
    columns = statefiles.school_level_columns(header) or find_columns(
        header, {k: LONG[k] for k in ("year", "entity_code", "entity_name")}
    )
    columns.update(find_columns(header, {"year": LONG["year"]}))
    for needed in ("year", "entity_code"):
        if needed not in columns:
            report.problem(
                file, 1, needed, "", f"missing required column {needed} (e.g. Year, Corporation ID)"
            )
    ignored = [
        h for h in header if "|" not in h and norm(h) not in {norm(header[i]) for i in columns.values()}
    ]
    if ignored:
        report.notes.append(f"Columns not used: {', '.join(ignored)}.")
    if not report.ok:
        table.close()
        return
    own = district.state_id.strip() if "corporation" in columns else ""
    others = errors = 0
    with stage.writer() as write:
        for row, cells, (year, code, name) in _identified_rows(table, columns, header, report):
            if own and cells[columns["corporation"]].strip() != own:
                others += 1
                continue
            cells, n = statefiles.without_errors(cells)
            errors += n
            for f in figures:
                raw = [cells[i] if i is not None else "" for i in (f.proficient, f.tested, f.rate)]
                if f.levels is not None:
                    raw = statefiles.with_levels(
                        raw, [cells[i] for i in f.levels], report, file, row, header[f.levels[0]]
                    )
                try:
                    figure = read_figure(*raw)
                except CellError as exc:
                    column = header[f.proficient if f.proficient is not None else f.rate or 0]
                    report.problem(file, row, column, ",".join(raw), str(exc))
                    continue
                if figure is None:
                    continue
                _check_rate(figure, report, file, row, header[f.rate] if f.rate is not None else "")
                write(
                    (
                        row,
                        code,
                        name,
                        None,
                        year,
                        f.grade,
                        f.subject,
                        f.group,
                        figure[1],
                        figure[0],
                        figure[2],
                        figure[3],
                        file,
                    )
                )
    if errors:
        report.notes.append(
            f"{errors:,} cells held a spreadsheet error such as #N/A and were read as not reported."
        )
    if others:
        report.notes.append(
            f"{others:,} rows of other corporations than the district's own ({own}) were left out."
        )


def _read_tea(table: Table, stage: Stage, report: Report, file: str, district: District) -> None:
    """A TEA STAAR performance report (see `statefiles.tea_rates`): rates of one district."""
    entity = ""
    with stage.writer() as write:
        for row, code, name, year, grade, subject, text, rate, column in statefiles.tea_rates(
            table.rows(), report, file, district.state_id.strip()
        ):
            entity = entity if code == "TX" or code.startswith("Region") else f"{name} ({code})"
            group = group_code(text)
            if group is None:
                report.problem(file, row, column, text, "unknown student group")
                continue
            try:
                figure = read_figure("", "", rate)
            except CellError as exc:
                report.problem(file, row, column, rate, str(exc))
                continue
            if figure is not None:
                write((row, code, name, None, year, grade, subject, group, None, None, *figure[2:], file))
    table.close()
    if entity and report.ok:
        report.notes.append(
            f"Texas STAAR report of {entity}: the rates “At Meets Grade Level or Above” are imported "
            "(State and Region as figures of their own); Approaches and Masters are not."
        )


def _check_rate(
    figure: tuple[int | None, int | None, float | None, bool],
    report: Report,
    file: str,
    row: int,
    column: str,
) -> None:
    proficient, tested, rate, _ = figure
    if proficient is None or tested is None or rate is None:
        return
    report.checked["published rates against proficient ÷ tested"] = (
        report.checked.get("published rates against proficient ÷ tested", 0) + 1
    )
    if tested == 0:
        report.warn(file, row, column, f"{rate:g}", "a rate is published for 0 students tested")
        return
    computed = proficient / tested
    if abs(computed - rate) > RATE_TOLERANCE:
        report.warn(
            file,
            row,
            column,
            f"{rate:g}",
            f"the published rate disagrees with {proficient} proficient ÷ {tested} tested = {computed:.4f}",
        )


def _read_long(table: Any, header: Sequence[str], stage: Stage, report: Report, file: str) -> None:
    columns = find_columns(header, LONG)
    for needed in ("year", "entity_code", "subject", "group"):
        if needed not in columns:
            report.problem(file, 1, needed, "", f"missing required column {needed}")
    if not any(k in columns for k in ("tested", "proficient", "rate")):
        report.problem(file, 1, "", "", "no figures: expected tested, proficient or rate columns")
    if not report.ok:
        table.close()
        return

    def cell(cells: Sequence[str], key: str) -> str:
        return cells[columns[key]].strip() if key in columns else ""

    with stage.writer() as write:
        for row, cells, (year, code, name) in _identified_rows(table, columns, header, report):
            raw_grade = cell(cells, "grade")
            try:
                grade = (
                    None
                    if raw_grade.lower() in ("", "all", "total", "school total")
                    else grade_from_text(raw_grade)
                )
            except CellError as exc:
                report.problem(file, row, header[columns["grade"]], raw_grade, str(exc))
                continue
            subject = SUBJECTS.get(cell(cells, "subject").lower(), cell(cells, "subject").lower())
            if not subject:
                report.problem(file, row, header[columns["subject"]], "", "a subject is required")
                continue
            group = group_code(cell(cells, "group"))
            if group is None:
                report.problem(
                    file, row, header[columns["group"]], cell(cells, "group"), "unknown student group"
                )
                continue
            raw = [cell(cells, "proficient"), cell(cells, "tested"), cell(cells, "rate")]
            try:
                figure = read_figure(*raw)
            except CellError as exc:
                report.problem(file, row, "", ",".join(raw), str(exc))
                continue
            if figure is None:
                continue
            _check_rate(figure, report, file, row, header[columns["rate"]] if "rate" in columns else "")
            school = cell(cells, "school") or None
            write(
                (
                    row,
                    code,
                    name,
                    school,
                    year,
                    grade,
                    subject[:30],
                    group,
                    figure[1],
                    figure[0],
                    figure[2],
                    figure[3],
                    file,
                )
            )


def _check_and_merge(stage: Stage, district: District, report: Report, file: str) -> None:
    d = district.pk
    for code, year, grade, subject, group, first, row in fetchall(
        "SELECT entity_code, year, grade, subject, grp, MIN(row), MAX(row) FROM stg_published "
        f"GROUP BY entity_code, year, grade, subject, grp HAVING COUNT(*) > 1 ORDER BY MIN(row) LIMIT {MAX_LISTED}"
    ):
        what = f"{code} {year} grade {grade if grade is not None else 'all'} {subject} {group}"
        report.problem(file, row, "", what, f"this figure is already on row {first}")
    for row, school in fetchall(
        "SELECT s.row, s.school_ref FROM stg_published s WHERE s.school_ref IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM core_school sc WHERE sc.district_id = %s AND sc.source_id = s.school_ref) "
        f"ORDER BY s.row LIMIT {MAX_LISTED}",
        [d],
    ):
        report.problem(file, row, "school", school, "no school of the district has this id")
    if not report.ok:
        return
    stage.index("entity_code", "year", "subject", "grp")
    table = "roster_publishedresult"
    key = (
        f"{table}.district_id = %s AND {table}.entity_code = s.entity_code AND {table}.year = s.year AND "
        f'{is_same(f"{table}.grade", "s.grade")} AND {table}.subject = s.subject AND {table}."group" = s.grp'
    )
    fields = ["entity_name", "tested", "proficient", "suppressed"]
    school = "(SELECT sc.id FROM core_school sc WHERE sc.district_id = %s AND sc.source_id = s.school_ref)"
    changed = execute(
        f"UPDATE {table} SET entity_name = s.entity_name, tested = s.tested, proficient = s.proficient, "
        f"published_rate = s.rate, suppressed = s.suppressed, source = s.source, school_id = {school} "
        f"FROM stg_published s WHERE {key} AND ("
        + " OR ".join(is_distinct(f"{table}.{f}", f"s.{f}") for f in fields)
        + f" OR {is_distinct(f'{table}.published_rate', 's.rate')})",
        [d, d],
    )
    added = execute(
        f'INSERT INTO {table} (district_id, school_id, entity_code, entity_name, year, grade, subject, "group", '
        "tested, proficient, published_rate, suppressed, source) "
        f"SELECT %s, {school}, s.entity_code, s.entity_name, s.year, s.grade, s.subject, s.grp, s.tested, "
        f"s.proficient, s.rate, s.suppressed, s.source FROM stg_published s "
        f"WHERE NOT EXISTS (SELECT 1 FROM {table} WHERE {key})",
        [d, d, d],
    )
    (total,) = fetchone("SELECT COUNT(*) FROM stg_published")
    (suppressed,) = fetchone("SELECT COUNT(*) FROM stg_published WHERE suppressed")
    counts = report.entity("published figures")
    counts.added += added
    counts.changed += changed
    counts.unchanged += total - added - changed
    if suppressed:
        report.notes.append(f"{suppressed:,} figures are suppressed in the file and are kept as suppressed.")
