"""Fast, streaming inserts through the database's own bulk path.

PostgreSQL gets `COPY … FROM STDIN`; other databases get `executemany` in batches. Rows are
consumed from an iterator, so memory stays flat however many rows there are. Callers run this
inside their own transaction, and give explicit primary keys when later rows must refer to
earlier ones (then call `reset_sequences`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from django.core.management.color import no_style
from django.db import connections, models
from django.db.models import Max
from django.utils import timezone


def batched(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Lists of up to `size` items (itertools.batched arrives in Python 3.12)."""
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)  # noqa: S101 - only concrete columns can be inserted
    return field


def _converters(model: type[models.Model], fields: Sequence[str]) -> list[Callable[[Any], Any] | None]:
    converters: list[Callable[[Any], Any] | None] = []
    for name in fields:
        field = model._meta.get_field(name)
        converters.append(json.dumps if isinstance(field, models.JSONField) else None)
    return converters


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    using: str = "default",
    batch_size: int = 5000,
) -> int:
    """Insert `rows` (tuples in `fields` order) into `model`'s table; returns the number inserted.

    Fields left out get their model default. No model validation, signals or `save()`:
    validate before calling.
    """
    connection = connections[using]
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    given = {_field(model, f).attname for f in fields}
    # Columns the caller leaves out get the model's default, as `save()` would give them.
    defaults = [f for f in model._meta.concrete_fields if f.attname not in given and not f.primary_key]
    all_fields = [*fields, *(f.name for f in defaults)]
    now = timezone.now()
    constants = tuple(
        now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
        for f in defaults
    )
    columns = ", ".join(qn(_field(model, f).column) for f in all_fields)
    converters = _converters(model, all_fields)
    if constants or any(converters):
        rows = (
            tuple(
                value if convert is None else convert(value)
                for value, convert in zip((*row, *constants), converters, strict=True)
            )
            for row in rows
        )
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            placeholders = ", ".join(["%s"] * len(all_fields))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names are quoted model metadata
            for batch in batched(rows, batch_size):
                cursor.executemany(sql, batch)
                count += len(batch)
    return count


def next_id(model: type[models.Model], using: str = "default") -> int:
    return int(model._default_manager.using(using).aggregate(m=Max("pk"))["m"] or 0) + 1


def reset_sequences(*model_list: type[models.Model], using: str = "default") -> None:
    """After inserting explicit primary keys, move each table's id sequence past them."""
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
