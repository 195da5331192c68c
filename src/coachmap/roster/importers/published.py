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
from typing import Any

from coachmap.core.models import District
from coachmap.roster.importers import statefiles
from coachmap.roster.importers.cells import (
    CellError,
    clean_text,
    grade_from_text,
)
from coachmap.roster.importers.published_figures import (  # noqa: F401 - callers import them from here
    GROUPS,
    LONG,
    RATE_TOLERANCE,
    SUBJECTS,
    SUPPRESSED,
    Figure,
    group_code,
    read_figure,
    wide_figures,
)
from coachmap.roster.importers.report import MAX_LISTED, ImportRejected, Report
from coachmap.roster.importers.source import Progress, Source, Table
from coachmap.roster.importers.staging import Stage, execute, fetchall, fetchone, is_distinct, is_same
from coachmap.roster.importers.vendor import find_columns, norm, open_vendor_file


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


def _identity(  # noqa: PLR0917 - the results and published importers are being reworked (issue 13); split there
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


def _read_wide(  # noqa: PLR0912, PLR0917 - one reader per layout; the figures loop is the state-file hooks
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
            readable, n = statefiles.without_errors(cells)
            errors += n
            for f in figures:
                raw = [readable[i] if i is not None else "" for i in (f.proficient, f.tested, f.rate)]
                if f.levels is not None:
                    raw = statefiles.with_levels(
                        raw, [readable[i] for i in f.levels], report, file, row, header[f.levels[0]]
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
