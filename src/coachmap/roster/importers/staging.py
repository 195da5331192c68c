"""Staging tables: each file's checked rows go into a temporary table inside the import's
transaction, so cross-file checks (duplicates, references) and the merge into coachmap's
tables are set-based SQL, and memory stays flat however large the district.

Temporary tables are private to the connection and vanish with the transaction's rollback;
they are dropped explicitly at the end of a successful import as well.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import IntegrityError, connection, transaction

from coachmap.core.bulk import batched

FLUSH_ROWS = 20_000  # rows buffered before they are written


TYPES = {
    "postgresql": {
        "text": "text",
        "int": "bigint",
        "float": "double precision",
        "date": "date",
        "bool": "boolean",
    },
    "sqlite": {"text": "TEXT", "int": "INTEGER", "float": "REAL", "date": "TEXT", "bool": "INTEGER"},
}


def vendor() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def is_distinct(a: str, b: str) -> str:
    """SQL for "a and b differ", treating two NULLs as equal."""
    return f"{a} IS DISTINCT FROM {b}" if vendor() == "postgresql" else f"{a} IS NOT {b}"


def is_same(a: str, b: str) -> str:
    return f"{a} IS NOT DISTINCT FROM {b}" if vendor() == "postgresql" else f"{a} IS {b}"


def as_json(expr: str) -> str:
    """A staged JSON text column as the JSON type of a Django JSONField."""
    return f"({expr})::jsonb" if vendor() == "postgresql" else expr


def execute(sql: str, params: Sequence[Any] = ()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def fetchall(sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def fetchone(sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    assert row is not None  # noqa: S101 - aggregate queries always return a row
    return tuple(row)


def analyze(table: str) -> None:
    """Statistics for a freshly filled temporary table: PostgreSQL never gathers them itself
    for temporary tables, and plans joins of millions of rows badly without them."""
    if vendor() == "postgresql":
        execute(f"ANALYZE {table}")


def secondary_indexes(table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of `table`'s plain indexes: not its primary key, and not those
    behind a constraint (unique constraints stay, so they keep guarding every insert)."""
    if vendor() == "postgresql":
        rows = fetchall(
            "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = %s::regclass "
            "AND NOT x.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid "
            "AND c.conrelid = x.indrelid)",
            [table],
        )
    else:
        rows = fetchall(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
            [table],
        )
    return [(str(name), str(sql)) for name, sql in rows]


def unique_constraints(table: str) -> list[tuple[str, str]]:
    """(name, definition) of `table`'s unique constraints other than its primary key, on
    PostgreSQL; SQLite keeps them in the table's own definition, where they cannot be dropped."""
    return _constraints(table, "u")


def foreign_keys(table: str) -> list[tuple[str, str]]:
    """(name, definition) of `table`'s foreign keys on PostgreSQL; SQLite keeps its foreign keys
    in the table's own definition, where they cost little."""
    return _constraints(table, "f")


def unreferenced_primary_key(table: str) -> list[tuple[str, str]]:
    """[(name, definition)] of `table`'s primary key on PostgreSQL when no foreign key refers to
    the table (dropping a key that others refer to would mean checking theirs again); else []."""
    if vendor() != "postgresql" or fetchall(
        "SELECT 1 FROM pg_constraint WHERE confrelid = %s::regclass AND contype = 'f' LIMIT 1", [table]
    ):
        return []
    return primary_key(table)


def primary_key(table: str) -> list[tuple[str, str]]:
    """[(name, definition)] of `table`'s primary key on PostgreSQL (SQLite's cannot be dropped)."""
    return _constraints(table, "p")


def _constraints(table: str, kind: str) -> list[tuple[str, str]]:
    if vendor() != "postgresql":
        return []
    rows = fetchall(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = %s ORDER BY conname",
        [table, kind],
    )
    return [(str(name), str(definition)) for name, definition in rows]


@contextmanager
def indexes_built_after(table: str) -> Iterator[None]:
    """Fill an empty table with its plain indexes (and, on PostgreSQL, its unique constraints,
    its foreign keys, and its primary key when no other table refers to it) dropped, then build
    each once.

    Keeping millions of index entries in order row by row costs several times more than one
    sorted build, and PostgreSQL checks a foreign key row by row but re-adds it with one join.
    A unique constraint re-added checks every row at once, so it guards the load as it did row
    by row: a duplicate raises `IntegrityError` when it is added. Only for a table that is
    empty (a district's first roster): it is DDL inside the import's transaction, so a failure
    restores everything with the rest.
    """
    if fetchall(f"SELECT 1 FROM {table} LIMIT 1"):
        yield
        return
    qn = connection.ops.quote_name
    indexes, uniques, keys = secondary_indexes(table), unique_constraints(table), foreign_keys(table)
    primary = unreferenced_primary_key(table)  # the rows' ids still come from its identity column
    if keys:
        # PostgreSQL alters no table (nor the tables it refers to) with deferred checks pending:
        # run them now, as the commit would, and defer again.
        execute("SET CONSTRAINTS ALL IMMEDIATE")
        execute("SET CONSTRAINTS ALL DEFERRED")
    for name, _ in [*keys, *uniques, *primary]:
        execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
    for name, _ in indexes:
        execute(f"DROP INDEX {qn(name)}")
    yield
    for _, create in indexes:
        execute(create)
    for name, definition in [*primary, *uniques, *keys]:
        execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
    analyze(table)


class Stage:
    """A temporary table `stg_<name>` with a `row` column (the file's row number) first."""

    def __init__(self, name: str, columns: Sequence[tuple[str, str]]) -> None:
        self.name = name
        self.table = f"stg_{name}"
        self.columns = [("row", "int"), *columns]
        self.rows = 0
        self.unique_ids = False  # set when an index proved every source_id distinct
        self.analyzed = False  # statistics gathered since the rows last changed
        self.active_rows: int | None = None  # rows with status active, when a pass counted them

    def create(self) -> Stage:
        types = TYPES[vendor()]
        cols = ", ".join(f"{n} {types[t]}" for n, t in self.columns)
        execute(f"DROP TABLE IF EXISTS {self.table}")
        execute(f"CREATE TEMPORARY TABLE {self.table} ({cols})")
        return self

    def index(self, *columns: str) -> None:
        name = f"{self.table}_{'_'.join(columns)}"
        execute(f"CREATE INDEX {name} ON {self.table} ({', '.join(columns)})")
        self.analyze()

    def analyze(self) -> None:
        """Statistics, once for rows as written (an index on plain columns needs none of its own);
        whoever changes the rows afterwards sets `analyzed` back to False."""
        if not self.analyzed:
            analyze(self.table)
            self.analyzed = True

    def index_ids(self) -> None:
        """The index on source_id, unique when the file's sourcedIds are: one sorted pass that
        both serves the joins and proves there are no duplicates (only a file that has some
        needs the GROUP BY that finds them)."""
        try:
            with transaction.atomic():
                execute(f"CREATE UNIQUE INDEX {self.table}_source_id ON {self.table} (source_id)")
            self.unique_ids = True
            self.analyze()
        except IntegrityError:
            self.index("source_id")

    def drop(self) -> None:
        execute(f"DROP TABLE IF EXISTS {self.table}")

    @contextmanager
    def writer(self) -> Iterator[Callable[[Sequence[Any]], None]]:
        """`write(row_tuple)` for each row (in `columns` order, `row` first)."""
        names = ", ".join(n for n, _ in self.columns)
        with connection.cursor() as cursor:
            if vendor() == "postgresql":
                with cursor.copy(f"COPY {self.table} ({names}) FROM STDIN") as copy:

                    def write(row: Sequence[Any]) -> None:
                        copy.write_row(row)
                        self.rows += 1

                    yield write
                self.analyzed = False
                self.analyze()
            else:
                # Dates arrive as checked `YYYY-MM-DD` text, which is how Django stores them in SQLite.
                buffer: list[Sequence[Any]] = []
                marks = ", ".join(["%s"] * len(self.columns))
                sql = f"INSERT INTO {self.table} ({names}) VALUES ({marks})"

                def flush() -> None:
                    cursor.executemany(sql, buffer)
                    buffer.clear()

                def write(row: Sequence[Any]) -> None:
                    buffer.append(row)
                    self.rows += 1
                    if len(buffer) >= FLUSH_ROWS:
                        flush()

                yield write
                if buffer:
                    flush()

    def insert_many(self, rows: Sequence[Sequence[Any]]) -> None:
        with self.writer() as write:
            for batch in batched(rows, 5000):
                for row in batch:
                    write(row)


def json_list(values: Sequence[Any]) -> str:
    return json.dumps(list(values))
