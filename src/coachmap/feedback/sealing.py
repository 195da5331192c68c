"""Sealing answers that wait in the pool, so that a copy of the database cannot read them.

AES-GCM with a random nonce, keyed from the server's secret (SECRET_KEY, then its fallbacks, so a
rotated key still opens what was sealed before). The database never holds the key: someone with
only a copy of the database sees random bytes of one fixed length per kind of answer. Someone with
both the database and the server's secret could open what is still waiting; released answers
are no longer in the pool.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.crypto import salted_hmac

from coachmap.core.sealing import seal_text, unseal_text

_PURPOSE = "coachmap.feedback.sealing"


def respondent(kind: str, *parts: object) -> str:
    """A keyed hash naming who answered, only to count different people inside the sealed text."""
    message = ":".join(str(p) for p in (kind, *parts))
    return salted_hmac(_PURPOSE, message, algorithm="sha256").hexdigest()


def seal(payload: dict[str, Any], width: int = 0) -> bytes:
    """The payload, padded to `width` characters so that every sealed answer of a kind has one length."""
    text = json.dumps(payload, separators=(",", ":"), sort_keys=True)
    return seal_text(_PURPOSE, text.ljust(width))


def unseal(sealed: bytes) -> dict[str, Any] | None:
    """The payload, or None when no key of this server opens it (it was sealed under a secret since
    dropped from SECRET_KEY_FALLBACKS)."""
    text = unseal_text(_PURPOSE, sealed)
    if text is None:
        return None
    result: dict[str, Any] = json.loads(text)
    return result
