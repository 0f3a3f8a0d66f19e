"""The DNI, Peru's national identity number, checked and reduced to a keyed hash.

Minka never stores a DNI: only an HMAC of its eight digits (so the same person is found again, and
duplicates across partners are caught) and its last three digits (so staff can tell two people apart).
"""

import hashlib
import hmac
import re

from django.conf import settings

DNI_PATTERN = re.compile(r"^(\d{8})(?:-?([0-9A-K]))?$")
WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
NUMERIC_CHECKS = "65432110987"
LETTER_CHECKS = "KJIHGFEDCBA"


class InvalidDni(ValueError):
    pass


def dni_normalize(text: str) -> str:
    """The eight digits of a DNI typed as '01234567', '01234567-8' or '01234567 K'; raises InvalidDni."""
    compact = re.sub(r"[\s.]", "", text or "").upper()
    match = DNI_PATTERN.match(compact)
    if not match:
        raise InvalidDni(text)
    digits, check = match.groups()
    if check is not None and check not in dni_check_characters(digits):
        raise InvalidDni(text)
    return digits


def dni_check_characters(digits: str) -> tuple[str, str]:
    """The check digit and the check letter RENIEC prints after the eight digits."""
    remainder = sum(int(d) * w for d, w in zip(digits, WEIGHTS, strict=True)) % 11
    return NUMERIC_CHECKS[remainder], LETTER_CHECKS[remainder]


def dni_hash(digits: str) -> str:
    return hmac.new(settings.MINKA_DNI_KEY.encode(), digits.encode(), hashlib.sha256).hexdigest()


def dni_last_digits(digits: str) -> str:
    return digits[-3:]
