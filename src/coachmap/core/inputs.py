"""Reading what a request sends — ids, page numbers, weeks — so that nonsense is refused with a
message (400 or 404) before it reaches the database, where it would crash (500).

A database integer holds at most 2⁶³−1 and a date at most 9999-12-31; Python's have no such
limit. One definition here, used by the URL converter, the API's parameter types and the views.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable, Iterator
from typing import Annotated, Any

from django.core.exceptions import BadRequest, ValidationError
from django.db.models import QuerySet
from django.forms import BaseForm
from ninja import Schema
from ninja.pagination import PageNumberPagination
from pydantic import AfterValidator, Field

SHOWN_CHARS = 40  # how much of a bad value a message quotes


MAX_ID = 2**63 - 1
MAX_PAGE = 1_000_000  # far beyond any real list; keeps the offset inside a database integer
FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2099, 12, 31)

# An id in the API: a whole number from 1 to 2⁶³−1 (anything else is a 422 naming the parameter).
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class Pages(PageNumberPagination):
    """The API's page numbers: 1 to a million (a larger one is a 422 naming `page`; past the end is empty)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=1000)


class IdConverter:
    """`<id:name>` in a URL: digits that fit a database id; anything larger matches no route (404)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError(f"{value} is larger than any id")
        return number

    def to_url(self, value: int | str) -> str:
        return str(value)


def is_id(value: object) -> bool:
    """Whether `value` (as sent: text or a number) is a whole number a database id can be."""
    text = str(value if value is not None else "").strip()
    return text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_ID


def parse_id(value: object, what: str) -> int:
    """The id of a `what` sent in a form, or a 400 saying what was expected."""
    text = str(value if value is not None else "").strip()
    if not is_id(text):
        shown = text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"
        raise BadRequest(f"“{shown}” does not name a {what}: reload the page and try again.")
    return int(text)


def parse_day(value: str | None, *, what: str, default: datetime.date) -> datetime.date:
    """A date from a link (YYYY-MM-DD) between 2000 and 2099; blank gives `default`, anything else a 400."""
    text = (value or "").strip()
    if not text:
        return default
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or not FIRST_DAY <= day <= LAST_DAY:
        shown = text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"
        raise BadRequest(
            f"“{shown}” is not a {what} coachmap can show: give a date between "
            f"{FIRST_DAY:%Y} and {LAST_DAY:%Y} written as YYYY-MM-DD, like 2026-09-07."
        )
    return day


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("Text cannot hold a NUL character (\\x00): remove it.")
    return value


# Free text sent to the API (a note, a reason, a name): anything but a NUL character, which the
# database cannot store; one is a 422 naming the field, never a 500.
Text = Annotated[str, AfterValidator(_no_nul)]


@contextlib.contextmanager
def errors_on(field: str) -> Iterator[None]:
    """A service's error that names no field is said of `field`: the API's 422 names what to change."""
    try:
        yield
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise
        raise ValidationError({field: exc.messages}) from exc


def form_checked(form: BaseForm) -> BaseForm:
    """The page's form, bound to what the API was sent: its errors are the API's 422, field by field
    (the same checks as the page, said the same way)."""
    if not form.is_valid():
        raise ValidationError({field: list(messages) for field, messages in form.errors.items()})
    return form


class Rows:
    """A queryset the paginator slices, turned into rows only for the page it returns."""

    def __init__(self, queryset: QuerySet[Any], row: Callable[[Any], dict[str, Any]]) -> None:
        self.queryset, self.row = queryset, row

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        return [self.row(obj) for obj in self.queryset[index]]


def file_answer(media_type: str, description: str) -> dict[str, Any]:
    """The OpenAPI answer (`openapi_extra`) of a route that sends a file (a CSV, a PDF), not JSON."""
    return {
        "responses": {
            200: {
                "description": description,
                "content": {media_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }
