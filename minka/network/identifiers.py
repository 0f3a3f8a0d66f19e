"""Peruvian identifiers checked offline. SUNAT's RUC check digit is a weighted sum modulo 11."""

RUC_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
RUC_PREFIXES = ("10", "15", "17", "20")


def ruc_check_digit(first_ten: str) -> int:
    total = sum(int(digit) * weight for digit, weight in zip(first_ten, RUC_WEIGHTS, strict=True))
    return (11 - total % 11) % 10


def ruc_is_valid(ruc: str) -> bool:
    """True for an 11-digit RUC with a known prefix and the right check digit (e.g. 20512333797)."""
    return (
        len(ruc) == 11
        and ruc.isascii()
        and ruc.isdigit()
        and ruc[:2] in RUC_PREFIXES
        and ruc_check_digit(ruc[:10]) == int(ruc[10])
    )
