"""Money as a Peruvian reads and writes it: `S/ 1,234.50`, the currency's symbol, comma thousands, two decimals."""

from decimal import ROUND_HALF_EVEN, Decimal

from django import template
from django.utils.translation import ngettext

register = template.Library()

SYMBOLS = {"PEN": "S/", "USD": "US$", "EUR": "€"}


@register.filter
def money(amount, currency: str = "PEN") -> str:
    if amount is None or amount == "":
        return "—"
    value = Decimal(amount).quantize(Decimal("0.01"), ROUND_HALF_EVEN)
    sign = "−" if value < 0 else ""
    return f"{sign}{SYMBOLS.get(currency, currency)} {abs(value):,.2f}"


@register.filter
def every(count, frequency: str) -> str:
    """How often installments fall due, as a person says it: "cada mes", "cada 2 semanas"."""
    count = int(count)
    phrases = {
        "days": ngettext("cada día", "cada %(count)s días", count),
        "weeks": ngettext("cada semana", "cada %(count)s semanas", count),
        "months": ngettext("cada mes", "cada %(count)s meses", count),
    }
    return phrases[frequency] % {"count": count}


@register.filter
def percent(ratio, places: int = 1) -> str:
    """A ratio (0.0523) as a percentage (5.2 %); an empty ratio (no denominator) as a dash."""
    if ratio is None:
        return "—"
    value = (Decimal(ratio) * 100).quantize(Decimal(1).scaleb(-int(places)), ROUND_HALF_EVEN)
    return f"{value} %"
