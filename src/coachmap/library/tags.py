"""Tags on resources and cycles: one spelling for each tool and practice.

Tool names come from many places (a request's needs, a usage export, the technology map), so they
are compared by a normalised key: case-folded, trimmed, inner spaces collapsed, a trailing ®/™
dropped. Display keeps the first spelling seen.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_SPACES = re.compile(r"\s+")


def normalise(name: str) -> str:
    """The key a tool or practice name is compared by: "  Google  Classroom™ " → "google classroom"."""
    return _SPACES.sub(" ", name.replace("®", "").replace("™", "")).strip().casefold()


def tag_list(values: Iterable[str] | str) -> list[str]:
    """Normalised, de-duplicated tags in the order given; a string is split on commas."""
    items = values.split(",") if isinstance(values, str) else values
    seen: list[str] = []
    for item in items:
        key = normalise(item)
        if key and key not in seen:
            seen.append(key)
    return seen


def search_text(*parts: str | Iterable[str]) -> str:
    """One text to index, from strings and lists of tags."""
    words: list[str] = []
    for part in parts:
        if isinstance(part, str):
            words.append(part)
        else:
            words.extend(part)
    return " ".join(w.strip() for w in words if w and w.strip())
