"""Secrets Minka must send to another server (a KoboToolbox token, an ODK Central password) cannot be hashed like
our own API tokens. They are sealed instead: XOR with an HMAC-SHA256 keystream (counter mode) under a key derived
from the server's pepper, a fresh nonce per seal, and an HMAC tag over nonce and ciphertext checked before
opening. A copy of the database alone reveals nothing; a changed SECRET_KEY makes the secret unreadable, which
the connection reports as "enter the token again"."""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings

VERSION = b"s1"
NONCE_BYTES = 16
TAG_BYTES = 32


class SealBroken(Exception):
    """The sealed secret was altered, or sealed under another key."""


def _key(purpose: bytes) -> bytes:
    return hmac.new(settings.MINKA_TOKEN_PEPPER.encode(), b"minka.submissions." + purpose, hashlib.sha256).digest()


def _keystream(nonce: bytes, length: int) -> bytes:
    key, blocks = _key(b"stream"), []
    for counter in range((length + 31) // 32):
        blocks.append(hmac.new(key, nonce + counter.to_bytes(8, "big"), hashlib.sha256).digest())
    return b"".join(blocks)[:length]


def seal(plaintext: str) -> str:
    if not plaintext:
        return ""
    data, nonce = plaintext.encode(), secrets.token_bytes(NONCE_BYTES)
    cipher = bytes(a ^ b for a, b in zip(data, _keystream(nonce, len(data)), strict=True))
    tag = hmac.new(_key(b"tag"), VERSION + nonce + cipher, hashlib.sha256).digest()
    return (VERSION + b":" + base64.urlsafe_b64encode(nonce + tag + cipher)).decode()


def unseal(sealed: str) -> str:
    if not sealed:
        return ""
    version, _, body = sealed.encode().partition(b":")
    try:
        raw = base64.urlsafe_b64decode(body)
    except ValueError:
        raise SealBroken from None
    nonce, tag, cipher = raw[:NONCE_BYTES], raw[NONCE_BYTES : NONCE_BYTES + TAG_BYTES], raw[NONCE_BYTES + TAG_BYTES :]
    expected = hmac.new(_key(b"tag"), version + nonce + cipher, hashlib.sha256).digest()
    if version != VERSION or not hmac.compare_digest(tag, expected):
        raise SealBroken
    return bytes(a ^ b for a, b in zip(cipher, _keystream(nonce, len(cipher)), strict=True)).decode()
