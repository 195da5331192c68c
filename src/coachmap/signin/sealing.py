"""Sign-in provider secrets, encrypted at rest.

The same idea as `feedback.sealing`: AES-GCM with a random nonce, keyed from the server's secret
(SECRET_KEY, then its fallbacks, so a rotated key still opens what was sealed before). A copy of the
database alone shows random bytes; the secret is opened only when a sign-in talks to the provider.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.utils.crypto import salted_hmac

_PURPOSE = "coachmap.signin.secret"
_NONCE = 12


def _keys() -> list[bytes]:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [salted_hmac(_PURPOSE, "key", secret=s, algorithm="sha256").digest() for s in secrets]


def seal(text: str) -> bytes:
    nonce = os.urandom(_NONCE)
    return nonce + AESGCM(_keys()[0]).encrypt(nonce, text.encode(), _PURPOSE.encode())


def unseal(sealed: bytes | memoryview | None) -> str:
    """The secret, or "" when there is none or no key of this server opens it (it was sealed under a
    secret since dropped from SECRET_KEY_FALLBACKS: the admin types it again)."""
    if not sealed:
        return ""
    raw = bytes(sealed)
    nonce, body = raw[:_NONCE], raw[_NONCE:]
    for key in _keys():
        try:
            return AESGCM(key).decrypt(nonce, body, _PURPOSE.encode()).decode()
        except InvalidTag:
            continue
    return ""
