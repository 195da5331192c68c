"""Sign-in provider secrets, encrypted at rest (`core.sealing`: AES-GCM keyed from the server's
secret). A copy of the database alone shows random bytes; the secret is opened only when a sign-in
talks to the provider.
"""

from __future__ import annotations

from coachmap.core.sealing import seal_text, unseal_text

_PURPOSE = "coachmap.signin.secret"


def seal(text: str) -> bytes:
    return seal_text(_PURPOSE, text)


def unseal(sealed: bytes | memoryview | None) -> str:
    """The secret, or "" when there is none or no key of this server opens it (it was sealed under a
    secret since dropped from SECRET_KEY_FALLBACKS: the admin types it again)."""
    if not sealed:
        return ""
    return unseal_text(_PURPOSE, sealed) or ""
