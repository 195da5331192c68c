"""What the improvement API routes share: the schools they act on, paginated rows, renamed errors."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from pydantic import Field

from coachmap.core import access
from coachmap.core.inputs import Rows  # noqa: F401 - the routes take it from here
from coachmap.core.models import School


def led_school(request: HttpRequest, school_id: int, page: str) -> School:
    """A school whose improvement chain the person changes: its principal."""
    access.require(
        access.may_open(request.user, page), "This is for the school's principal and the district."
    )
    return access.fetch(access.schools_led_by, request.user, pk=school_id)


def readable_school(request: HttpRequest, school_id: int, page: str) -> School:
    """A school whose needs, goals and map the person reads, as on the pages: its principal, the
    district's lead and admins, and the coaches who serve it (issue 15)."""
    access.require(
        access.may_open(request.user, page),
        "This is for the school's principal, its coaches and the district.",
    )
    return access.fetch(access.schools_readable_by, request.user, pk=school_id)


def page(request: HttpRequest, route: str, refusal: str) -> None:
    """The page's roles (`core.routes`), asked as the page's decorator asks them: 403 otherwise."""
    access.require(access.may_open(request.user, route), refusal)


def renamed(exc: ValidationError, names: Mapping[str, str], whole: str | None = None) -> ValidationError:
    """The service's error with its fields named as the API's body names them (`goal` → `goal_id`);
    an error about no field in particular is put on `whole` when given."""
    if not hasattr(exc, "error_dict"):
        return ValidationError({whole: exc.messages}) if whole else exc
    return ValidationError(
        {names.get(field, field): messages for field, messages in exc.message_dict.items()}
    )


# A day a goal, a measurement or a walkthrough can carry (a year 9999 is no school year).
Day = Annotated[datetime.date, Field(ge=datetime.date(2000, 1, 1), le=datetime.date(2100, 12, 31))]
# A figure: a finite number (JSON allows no infinity; Python's reader would take "NaN").
Figure = Annotated[float, Field(allow_inf_nan=False, ge=-1e9, le=1e9)]

NO_NUL = r"^[^\x00]*$"  # the database refuses a NUL character in text
LongText = Annotated[str, Field(max_length=4000, pattern=NO_NUL)]
Line = Annotated[str, Field(max_length=300, pattern=NO_NUL)]
Name = Annotated[str, Field(max_length=100, pattern=NO_NUL)]
