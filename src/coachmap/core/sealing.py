"""Sealing text at rest, so that a copy of the database cannot read it.

AES-GCM with a random nonce, keyed from the server's secret (SECRET_KEY, then its fallbacks, so a
rotated key still opens what was sealed before). The database never holds the key. Each caller
names its purpose: the key and the authenticated data differ by purpose, so text sealed for one
use cannot be opened as another. Used by survey answers waiting in the pool (`feedback.sealing`)
and sign-in provider secrets (`signin.sealing`).
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.utils.crypto import salted_hmac

NONCE_BYTES = 12


def _keys(purpose: str) -> list[bytes]:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [salted_hmac(purpose, "key", secret=s, algorithm="sha256").digest() for s in secrets]


def seal_text(purpose: str, text: str) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(_keys(purpose)[0]).encrypt(nonce, text.encode(), purpose.encode())


def unseal_text(purpose: str, sealed: bytes | memoryview) -> str | None:
    """The text, or None when no key of this server opens it (it was sealed under a secret since
    dropped from SECRET_KEY_FALLBACKS)."""
    raw = bytes(sealed)
    nonce, body = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    for key in _keys(purpose):
        try:
            return AESGCM(key).decrypt(nonce, body, purpose.encode()).decode()
        except InvalidTag:
            continue
    return None
