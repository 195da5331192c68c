"""A service's errors in the API's words: a service names the model's field (`coach`), the API
names what the caller sent (`coach_id`), so a 422's `detail` points at the caller's own field."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError


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
