"""The arithmetic of indicators, on plain values: ratios, progress, medians, small-cell suppression.

Pure functions, tested directly and with hypothesis. Money and percentages are Decimal with explicit rounding
(half up, the way people round by hand); counts are int.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from minka.core.errors import ApplicationError

PERCENT_PLACES = Decimal("0.1")
MONEY_PLACES = Decimal("0.01")
SMALL_CELL = 5  # cells counting fewer people than this are hidden from funders and the public


def percent(numerator, denominator) -> Decimal:
    """numerator / denominator as a percentage, to one decimal. A zero denominator is an error, never 0 %."""
    if not denominator:
        raise ApplicationError(
            _("No se puede calcular un porcentaje con denominador cero."),
            code="zero_denominator",
            fields={"denominator": [_("El denominador debe ser mayor que cero.")]},
        )
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP)


def ratio_of_sums(pairs: Sequence[tuple]) -> Decimal | None:
    """The percentage of many (numerator, denominator) pairs: the sum of numerators over the sum of
    denominators, never the mean of the percentages. None when there is nothing to divide by."""
    numerator = sum((Decimal(n) for n, _d in pairs), Decimal(0))
    denominator = sum((Decimal(d) for _n, d in pairs), Decimal(0))
    return percent(numerator, denominator) if denominator else None


def median(values: Sequence) -> Decimal | None:
    """The middle value (the mean of the two middle ones for an even count), to the cent."""
    ordered = sorted(Decimal(v) for v in values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    value = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return value.quantize(MONEY_PLACES, rounding=ROUND_HALF_UP)


def progress(value, target, baseline=None, *, descending=False) -> Decimal | None:
    """How far `value` has gone from the baseline (0 when none) to the target, in percent, to one decimal.
    For a descending indicator (less is better) the way runs down. None when the target leaves no way to go."""
    if value is None or target is None:
        return None
    start = Decimal(baseline or 0)
    way = (start - Decimal(target)) if descending else (Decimal(target) - start)
    if way <= 0:
        return None
    gone = (start - Decimal(value)) if descending else (Decimal(value) - start)
    return (gone * 100 / way).quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Cell:
    """One group of a disaggregation: its dimension values, its value, and for ratios their parts.
    `size` is the number of people (or enterprises) behind it, which decides suppression."""

    key: tuple
    value: Decimal | int | None
    size: int
    numerator: Decimal | int | None = None
    denominator: Decimal | int | None = None
    suppressed: bool = False


def suppress(cells: Sequence[Cell], *, total_known: bool = True, threshold: int = SMALL_CELL) -> list[Cell]:
    """Hide every cell of fewer than `threshold` people, and, when the total is shown, the next smallest cells too
    until the hidden ones cannot be worked out from the total minus the others (see `_undetermined`)."""
    hidden = [cell.size < threshold and cell.size > 0 for cell in cells]
    while (
        total_known
        and any(hidden)
        and not _undetermined([c.size for c, h in zip(cells, hidden, strict=True) if h], threshold)
    ):
        visible = [i for i, is_hidden in enumerate(hidden) if not is_hidden and cells[i].size > 0]
        if not visible:
            break
        hidden[min(visible, key=lambda i: cells[i].size)] = True
    return [
        replace(cell, value=None, numerator=None, denominator=None, suppressed=True) if is_hidden else cell
        for cell, is_hidden in zip(cells, hidden, strict=True)
    ]


def _undetermined(sizes: Sequence[int], threshold: int) -> bool:
    """Whether a reader who knows what the hidden cells add up to (the total minus the visible cells), that each
    holds at least one person, and which are small (under `threshold`) or hidden besides (at least `threshold`),
    still cannot tell any of them. One hidden cell is the sum itself; several are only pinned when the sum is the
    least they could add up to (1 + 1: both are 1) or, when all are small, the most (4 + 4: both are 4)."""
    if len(sizes) < 2:
        return False
    least = sum(1 if size < threshold else threshold for size in sizes)
    most = (threshold - 1) * len(sizes) if all(size < threshold for size in sizes) else None
    return sum(sizes) > least and (most is None or sum(sizes) < most)
