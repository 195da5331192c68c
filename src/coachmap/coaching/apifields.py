"""The coaching API's inputs and a service's errors in its words: text without null characters,
and a service's field (`coach`) renamed to what the caller sent (`coach_id`), so a 422's `detail`
points at the caller's own field."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError

from coachmap.core.inputs import Text

# Text a person wrote, as the API takes it: anything but a NUL character (one definition, core.inputs).
__all__ = ["Text", "fields_named"]


@contextmanager
def fields_named(renames: dict[str, str] | None = None, *, unnamed: str | None = None) -> Iterator[None]:
    """Re-raise a service's ValidationError with its fields renamed by `renames`; an error that names
    no field is put under `unnamed` when given (the one input it can be about)."""
    try:
        yield
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            named = {(renames or {}).get(field, field): errors for field, errors in exc.error_dict.items()}
            raise ValidationError(named) from exc
        if unnamed is not None:
            raise ValidationError({unnamed: exc.error_list}) from exc
        raise
