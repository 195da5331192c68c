"""The bulk path for the two biggest files of a bundle, results.csv and enrollments.csv.

A district's results run to millions of rows, and reading them row by row in Python costs
several times what the database's own bulk loader does. So these files are first loaded as
they are — PostgreSQL `COPY … (FORMAT csv)` straight from the file, SQLite the csv module and
`executemany` — into a temporary table of text cells, and then proved in SQL to hold only rows
that the row-by-row reader (`stage_quick`) would accept as plainly valid:

- ids are present; the file's own sourcedId is at most 100 characters, without surrounding
  white space or a leading `'` (a padded reference fails the checks across files instead);
- every other checked column has few distinct values (statuses, dates, roles, scores), and
  each distinct value is checked in Python by the same rules as the row-by-row reader — on
  SQLite together with SQLite's own reading of it as a number, which must be Python's;
- a column with too many distinct values for that is checked row by row: by a regular
  expression no looser than the reader's on PostgreSQL, by the reader's own rule on SQLite.

A proved file is then read by the checks and the merge through a view (`stg_<file>`) that
gives exactly the values the row-by-row reader would have staged. Anything else — the loader
refuses the file (wrong encoding, a row of the wrong width, a blank line), one cell is not
plainly valid, or the import finds any problem at all — raises `BulkRefused`, and the whole
bundle is read again row by row (`job.import_bundle`), whose report says exactly what is
wrong and where. Names, emails and passwords live in users.csv and demographics.csv, which
never take this path; the temporary tables vanish with the import's transaction.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO

from django.db import DatabaseError, IntegrityError, connection, transaction

from coachmap.core.bulk import batched
from coachmap.roster.importers.cells import ISO_DATETIME
from coachmap.roster.importers.oneroster import spec
from coachmap.roster.importers.oneroster.stage_quick import (
    BOOLEANS,
    STATUSES,
    quick_date,
)
from coachmap.roster.importers.report import Report
from coachmap.roster.importers.source import MAX_FIELD, MAX_LINE, BoundedLines, CellTooLong, Progress, Source
from coachmap.roster.importers.staging import Stage, analyze, execute, fetchall, fetchone, vendor

DISTINCT_CAP = 100_000  # distinct values fetched for checking in Python; more are checked row by row
CHUNK = 1 << 20
BATCH = 20_000
# What Python's str.strip() takes off, so SQL's trim can tell a cell that needs it.
WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
_NUMBER = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,15})?\Z")
_PG_NUMBER = r"^-?[0-9]{1,15}(\.[0-9]{1,15})?$"
_PG_DATETIME = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?$"
)


class BulkRefused(Exception):
    """The bulk path cannot prove the file (or the import found a problem): read it row by row."""


def _trimmed(check: Callable[[str], bool]) -> Callable[[str], bool]:
    return lambda value: value == value.strip() and check(value)


def _is_number(value: str) -> bool:
    return value == "" or (_NUMBER.match(value) is not None and math.isfinite(float(value)))


def _is_date(value: str) -> bool:
    return quick_date(value) is not False


def _is_modified(value: str) -> bool:
    return value == "" or ISO_DATETIME.match(value) is not None


def _one_of(values: Sequence[str]) -> Callable[[str], bool]:
    allowed = frozenset(values)
    return lambda value: value in allowed


@dataclass(frozen=True)
class Checked:
    """A column checked by its distinct values; `pg_rows` is the row-by-row check on
    PostgreSQL when there are too many (None: refuse the file then); `number` marks a column
    the view reads as a number."""

    check: Callable[[str], bool]
    pg_rows: str | None = None
    number: bool = False


@dataclass(frozen=True)
class BulkFile:
    file: str
    stage: str
    ids: Sequence[str]  # required ids; sourcedId first
    optional_ids: Sequence[str] = ()
    checked: Mapping[str, Checked] = field(default_factory=dict)
    view: Sequence[tuple[str, str]] = ()  # (staged column, SQL over {header} placeholders)


_STATUS = Checked(_one_of(list(STATUSES)))
_MODIFIED = Checked(_is_modified, pg_rows=_PG_DATETIME)
_DATE = Checked(_is_date)
_STATUS_SQL = "CASE WHEN {status} = '' THEN 'active' ELSE {status} END"

RESULTS = BulkFile(
    file="results",
    stage="results",
    ids=["sourcedId", "lineItemSourcedId", "studentSourcedId"],
    checked={
        "status": _STATUS,
        "dateLastModified": _MODIFIED,
        "scoreStatus": Checked(_one_of(list(spec.SCORE_STATUS.values()))),
        "score": Checked(_is_number, pg_rows=_PG_NUMBER, number=True),
        "scoreDate": _DATE,
    },
    view=[
        ("source_id", "{sourcedId}"),
        ("status", _STATUS_SQL),
        ("line_item_ref", "{lineItemSourcedId}"),
        ("student_ref", "{studentSourcedId}"),
        ("score_status", "{scoreStatus}"),
        ("score", "CAST(NULLIF({score}, '') AS {float})"),
        ("score_date", "{date_of_scoreDate}"),
    ],
)

ENROLLMENTS = BulkFile(
    file="enrollments",
    stage="enrollments",
    ids=["sourcedId", "classSourcedId", "userSourcedId"],
    optional_ids=["schoolSourcedId"],
    checked={
        "status": _STATUS,
        "dateLastModified": _MODIFIED,
        "role": Checked(_one_of(list(spec.ENROLLMENT_ROLES.values()))),
        "primary": Checked(_one_of(list(BOOLEANS))),
        "beginDate": _DATE,
        "endDate": _DATE,
    },
    view=[
        ("source_id", "{sourcedId}"),
        ("status", _STATUS_SQL),
        ("class_ref", "{classSourcedId}"),
        ("user_ref", "{userSourcedId}"),
        ("role", "{role}"),
        ("is_primary", "({primary} IN ('true', 'TRUE', 'True'))"),
        ("begin_date", "{date_of_beginDate}"),
        ("end_date", "{date_of_endDate}"),
    ],
)


class BulkStage(Stage):
    """A staged file read through a view over its raw cells: its index goes on the raw table."""

    def __init__(self, bulk: BulkFile, index: Mapping[str, int], width: int) -> None:
        super().__init__(bulk.stage, [])
        self.raw = f"raw_{bulk.stage}"
        self.position = dict(index)
        self.width = width

    def cell(self, name: str) -> str:
        """The raw column holding header `name`, or an empty text when the file lacks it."""
        return f"c{self.position[name]}" if name in self.position else "''"

    def create(self) -> BulkStage:
        cells = ", ".join(f"c{i} text" for i in range(self.width))
        execute(f"DROP TABLE IF EXISTS {self.raw}")
        if vendor() == "postgresql":
            # Numbered as a spreadsheet numbers rows: the header is row 1.
            execute(
                f"CREATE TEMPORARY TABLE {self.raw} (row bigint GENERATED BY DEFAULT AS IDENTITY "
                f"(START WITH 2), {cells})"
            )
        else:
            execute(f"CREATE TEMPORARY TABLE {self.raw} (row INTEGER PRIMARY KEY, {cells})")
        return self

    def index(self, *columns: str) -> None:
        raise TypeError("a bulk-loaded file is indexed on its sourcedId only (index_ids)")

    def index_ids(self) -> None:
        sid = self.cell("sourcedId")
        try:
            with transaction.atomic():
                execute(f"CREATE UNIQUE INDEX {self.raw}_source_id ON {self.raw} ({sid})")
            self.unique_ids = True
        except IntegrityError:
            execute(f"CREATE INDEX {self.raw}_source_id ON {self.raw} ({sid})")
        analyze(self.raw)

    def drop(self) -> None:
        execute(f"DROP VIEW IF EXISTS {self.table}")
        execute(f"DROP TABLE IF EXISTS {self.raw}")


class BulkLoader:
    """Load, prove and expose one file; see the module docstring."""

    def __init__(
        self,
        bulk: BulkFile,
        *,
        source: Source,
        report: Report,
        progress: Progress,
        schools: Mapping[str, str],
        check_schools: bool,
        fail_at_row: int | None,
    ) -> None:
        self.bulk = bulk
        self.source = source
        self.report = report
        self.progress = progress
        self.schools = schools
        self.check_schools = check_schools
        self.fail_at_row = fail_at_row

    def load(self, name: str, index: Mapping[str, int], width: int) -> BulkStage:
        """Load file `name` (its header already checked: `index` is column → position)."""
        stage = BulkStage(self.bulk, index, width).create()
        stage.rows = self._copy(name, stage) if vendor() == "postgresql" else self._insert(name, stage)
        if vendor() == "postgresql" and "status" in stage.position:
            # The merge filters on status = 'active' through the view: without statistics on
            # that expression PostgreSQL guesses a few rows and plans the joins for those.
            status = _STATUS_SQL.format(status=stage.cell("status"))
            execute(f"CREATE STATISTICS {stage.raw}_status ON ({status}) FROM {stage.raw}")
        analyze(stage.raw)
        self._prove(name, stage)
        execute(f"DROP VIEW IF EXISTS {stage.table}")
        # Rows as a spreadsheet numbers them (the header is row 1): PostgreSQL counts from 2,
        # SQLite's row ids from 1.
        row = "row" if vendor() == "postgresql" else "row + 1"
        execute(
            f"CREATE TEMPORARY VIEW {stage.table} AS SELECT {row} AS row, {self._view(stage)} FROM {stage.raw}"
        )
        return stage

    # --- loading --------------------------------------------------------------------------------

    def _copy(self, name: str, stage: BulkStage) -> int:
        import psycopg  # the PostgreSQL driver, only present where it is used

        cells = ", ".join(f"c{i}" for i in range(stage.width))
        size, done, lines, last = self.source.size(name), 0, 0, b"\n"
        run = 0  # bytes since the last line break: a line longer than MAX_LINE is never sent
        label = f"Loading {name}"
        try:
            with connection.cursor() as cursor, self.source.open(name) as raw:
                with cursor.copy(
                    f"COPY {stage.raw} ({cells}) FROM STDIN "
                    f"(FORMAT csv, HEADER true, ENCODING 'UTF8', FORCE_NOT_NULL ({cells}))"
                ) as copy:
                    while chunk := raw.read(CHUNK):
                        # CHUNK <= MAX_LINE, so only a line across chunks can be too long.
                        first = chunk.find(b"\n")
                        run += len(chunk) if first < 0 else first
                        if run > MAX_LINE:
                            raise BulkRefused(f"{name}: a line longer than {MAX_LINE:,} bytes")
                        if first >= 0:
                            run = len(chunk) - chunk.rfind(b"\n") - 1
                        copy.write(chunk)
                        lines += chunk.count(b"\n")
                        last = chunk[-1:]
                        done += len(chunk)
                        self.progress(label, done, size)
                rows = int(cursor.rowcount)
        except (DatabaseError, psycopg.Error) as exc:  # psycopg's own copy() is not wrapped by Django
            raise BulkRefused(f"{name}: {exc}") from exc
        # One record a line, as the reader numbers rows: a quoted line break, a lone carriage
        # return or COPY's end-of-data marker would make the two differ.
        if rows != lines - 1 + (last != b"\n"):
            raise BulkRefused(f"{name}: {rows} records in {lines} lines")
        if self.fail_at_row is not None and rows + 1 >= self.fail_at_row:
            raise RuntimeError(f"injected failure at {name} row {self.fail_at_row}")
        self.report.rows_read[name] = self.report.rows_read.get(name, 0) + rows
        return rows

    def _insert(self, name: str, stage: BulkStage) -> int:
        """SQLite: the csv module and `executemany`, as the baseline does. A row the reader would
        treat specially — a blank line, the wrong number of fields, a line break inside a cell,
        bytes that are not UTF-8 — refuses the file."""
        cells = ", ".join(f"c{i}" for i in range(stage.width))
        marks = ", ".join(["%s"] * stage.width)
        sql = f"INSERT INTO {stage.raw} ({cells}) VALUES ({marks})"
        size, label, width, fail_at = self.source.size(name), f"Loading {name}", stage.width, self.fail_at_row
        rows = 0
        with connection.cursor() as cursor, self.source.open(name) as binary:
            text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="", errors="strict")
            reader = csv.reader(BoundedLines(text), strict=True)
            try:
                next(reader)  # the header, checked already
                for batch in batched(reader, BATCH):
                    if any(len(row) != width for row in batch):
                        raise BulkRefused(f"{name}: a row without {width} fields")
                    cursor.executemany(sql, batch)
                    rows += len(batch)
                    if fail_at is not None and rows + 1 >= fail_at:
                        raise RuntimeError(f"injected failure at {name} row {fail_at}")
                    self.progress(label, _position(binary), size)
            except (UnicodeDecodeError, csv.Error, CellTooLong) as exc:
                raise BulkRefused(f"{name}: {exc}") from exc
        if reader.line_num != rows + 1:
            raise BulkRefused(f"{name}: {rows} records in {reader.line_num - 1} lines")
        self.report.rows_read[name] = self.report.rows_read.get(name, 0) + rows
        return rows

    # --- proving --------------------------------------------------------------------------------

    def _prove(self, name: str, stage: BulkStage) -> None:
        self.progress(f"Checking {name}", 0, 1)
        # A reference needs no more than presence: ids are stored without surrounding white
        # space, so a padded reference matches none, fails the checks across files, and the
        # bundle is read row by row. The file's own sourcedId is stored as it is: it must be
        # exactly what the reader would keep.
        sid = stage.cell("sourcedId")
        conditions = [f"{stage.cell(column)} <> ''" for column in self.bulk.ids]
        conditions.append(f"{_trim(sid)} = {sid} AND length({sid}) <= 100 AND substr({sid}, 1, 1) <> %s")
        params = [WHITESPACE, "'"]
        (bad,) = fetchone(
            f"SELECT COUNT(*) FROM {stage.raw} WHERE NOT ({' AND '.join(conditions)})",
            params,
        )
        if bad:
            raise BulkRefused(f"{name}: {bad} rows have ids the reader must look at")
        # The reader refuses a cell longer than MAX_FIELD with its row and column: leave it that.
        longest = " OR ".join(f"length(c{i}) > {MAX_FIELD}" for i in range(stage.width))
        (long,) = fetchone(f"SELECT COUNT(*) FROM {stage.raw} WHERE {longest}")
        if long:
            raise BulkRefused(f"{name}: {long} rows have a cell longer than {MAX_FIELD:,} characters")
        for column, checked in self.bulk.checked.items():
            self._prove_column(name, stage, column, checked)
        if self.check_schools:
            schools = self.schools
            for column in self.bulk.optional_ids:
                self._prove_column(
                    name, stage, column, Checked(lambda v: v == "" or schools.get(v) == "school")
                )

    def _prove_column(self, name: str, stage: BulkStage, column: str, checked: Checked) -> None:
        if column not in stage.position:
            return
        c = stage.cell(column)
        sqlite_number = checked.number and vendor() == "sqlite"
        select = f"{c}, CAST(NULLIF({c}, '') AS REAL)" if sqlite_number else c
        values = fetchall(f"SELECT DISTINCT {select} FROM {stage.raw} LIMIT {DISTINCT_CAP + 1}")
        check = _trimmed(checked.check)
        if len(values) <= DISTINCT_CAP:
            for value, *cast in values:
                # SQLite reads some long decimals a bit differently from Python: such a file
                # is read row by row, so scores are the same whichever path they take.
                if not check(value) or (sqlite_number and cast[0] != (float(value) if value else None)):
                    raise BulkRefused(f"{name}: {column} holds “{value}”, which the reader must look at")
            return
        if vendor() == "postgresql":
            if checked.pg_rows is None:
                raise BulkRefused(f"{name}: too many distinct values of {column} to prove")
            (bad,) = fetchone(
                f"SELECT COUNT(*) FROM {stage.raw} WHERE {c} <> '' AND {c} !~ %s",
                [checked.pg_rows],
            )
        else:
            if sqlite_number:
                raise BulkRefused(f"{name}: too many distinct values of {column} to prove")
            connection.ensure_connection()
            connection.connection.create_function("coachmap_bulk_check", 1, check, deterministic=True)
            (bad,) = fetchone(f"SELECT COUNT(*) FROM {stage.raw} WHERE NOT coachmap_bulk_check({c})")
        if bad:
            raise BulkRefused(f"{name}: {bad} values of {column} the reader must look at")

    # --- the view -------------------------------------------------------------------------------

    def _view(self, stage: BulkStage) -> str:
        """The staged columns, as the row-by-row reader would have written them."""
        postgres = vendor() == "postgresql"
        names = _Cells(float="double precision" if postgres else "REAL")
        for column in stage.position:
            names[column] = stage.cell(column)
            names[f"date_of_{column}"] = (
                f"CAST(NULLIF({names[column]}, '') AS date)" if postgres else f"NULLIF({names[column]}, '')"
            )
        return ", ".join(f"{sql.format_map(names)} AS {staged}" for staged, sql in self.bulk.view)


class _Cells(dict[str, str]):
    """Placeholders for a file's header names; a column the file lacks reads as blank."""

    def __missing__(self, key: str) -> str:
        return "NULL" if key.startswith("date_of_") else "''"


def _position(binary: IO[bytes]) -> int:
    try:
        return binary.tell()
    except (OSError, ValueError):
        return 0


def _trim(cell: str) -> str:
    """SQL for `cell` with Python's white space taken off both ends (the characters a parameter)."""
    return f"btrim({cell}, %s)" if vendor() == "postgresql" else f"trim({cell}, %s)"
