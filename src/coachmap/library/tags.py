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
    """Tags as named ("Google Classroom", not "google classroom"), trimmed, de-duplicated by their
    normalised key, in the order given (the first spelling wins); a string is split on commas."""
    items = values.split(",") if isinstance(values, str) else values
    keys: set[str] = set()
    named: list[str] = []
    for item in items:
        key = normalise(item)
        if key and key not in keys:
            keys.add(key)
            named.append(_SPACES.sub(" ", item).strip())
    return named


def has_tag(tags: Iterable[str], wanted: str) -> bool:
    """Whether a list of tags holds `wanted`, compared by normalised key."""
    key = normalise(wanted)
    return any(normalise(t) == key for t in tags)


def search_text(*parts: str | Iterable[str]) -> str:
    """One text to index, from strings and lists of tags."""
    words: list[str] = []
    for part in parts:
        if isinstance(part, str):
            words.append(part)
        else:
            words.extend(part)
    return " ".join(w.strip() for w in words if w and w.strip())
