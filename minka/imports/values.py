"""Reading one spreadsheet cell the way a person would: `31/12/2024` is a date, `1.234,50` is a number, `si` is yes.

Every parser takes the raw cell (a string from a CSV; a string, number, date or datetime from an XLSX; None when
blank) and returns the value, or None for a blank cell, or raises `CellError` with a sentence the user can act on.
The engine attaches the row and column to the error; parsers only say what is wrong with the value.

Decisions a reader should know:
- Dates are read day first (`31/12/2024`, `31-12-2024`, `31.12.24`) as Peru writes them, or ISO (`2024-12-31`).
  A number is an Excel serial (days since 1899-12-30) when it falls between 1950 and 2100; anything else is an
  error rather than a guess.
- Decimals: the separator written last is the decimal one when both appear (`1.234,50` and `1,234.50` are both
  1234.50); a single `,` or `.` followed by exactly three digits is read as thousands (`1.234` is 1234), because
  that is what a spreadsheet in Spanish shows; otherwise it is the decimal point (`12,5`).
- A DNI that lost its leading zero in a spreadsheet (7 digits, or a number like 1234567.0) is padded to 8, then
  checked with the people app's rules (minka.people.identity), check character included.
"""

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.people.identity import InvalidDni, dni_normalize

EXCEL_EPOCH = datetime.date(1899, 12, 30)
# Serials of 1950-01-01 and 2100-01-01: numbers outside are not dates anyone meant.
SERIAL_RANGE = (18264, 73051)
DAY_FIRST = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{2}|\d{4})$")
ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")


class CellError(ValueError):
    """A value that cannot be read. `column` is set by whoever knows it (the engine, or a kind's `clean`)."""

    def __init__(self, message, *, code: str = "invalid", column: str | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.code = code
        self.column = column


# Minka's own exports write a text that a spreadsheet would run as a formula with a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@")


def unescape(raw):
    """A cell as typed: the apostrophe an export put before `=`, `+`, `-` or `@` is taken off again."""
    if isinstance(raw, str) and raw.startswith("'") and raw[1:2] in FORMULA_STARTS:
        return raw[1:]
    return raw


def is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def plain(text: str) -> str:
    """Lower case, accents and repeated spaces gone: how two spellings of a word are compared."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.lower().split())


def text(raw, *, max_length: int | None = None) -> str | None:
    if is_blank(raw):
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # a code typed in a numeric cell: 1234, not 1234.0
    value = " ".join(str(raw).split())
    if max_length is not None and len(value) > max_length:
        raise CellError(_("Texto demasiado largo (máximo %(n)s caracteres).") % {"n": max_length}, code="too_long")
    return value


def bounded_text(max_length: int):
    def parse(raw):
        return text(raw, max_length=max_length)

    parse.help = format_lazy(gettext_lazy("Texto, hasta {n} caracteres."), n=max_length)
    return parse


def date(raw) -> datetime.date | None:
    if is_blank(raw):
        return None
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return _serial(raw)
    value = str(raw).strip()
    if re.fullmatch(r"\d{5}(?:\.0+)?", value):
        return _serial(float(value))
    try:
        if match := ISO.match(value):
            year, month, day = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
        if match := DAY_FIRST.match(value):
            day, month, year = (int(part) for part in match.groups())
            if year < 100:
                year += 2000 if year <= datetime.date.today().year % 100 else 1900
            return datetime.date(year, month, day)
    except ValueError:
        raise CellError(_("Esa fecha no existe: «%(value)s».") % {"value": value}, code="invalid_date") from None
    raise CellError(
        _("No se entiende la fecha «%(value)s»; escríbala como 31/12/2024.") % {"value": value}, code="invalid_date"
    )


date.help = gettext_lazy("Fecha: 31/12/2024 o 2024-12-31.")


def _serial(number: float) -> datetime.date:
    if not (SERIAL_RANGE[0] <= number < SERIAL_RANGE[1]):
        raise CellError(
            _("El número %(value)s no es una fecha; escríbala como 31/12/2024.") % {"value": number},
            code="invalid_date",
        )
    return EXCEL_EPOCH + datetime.timedelta(days=int(number))


def decimal(raw) -> Decimal | None:
    if is_blank(raw):
        return None
    if isinstance(raw, bool):
        raise CellError(_("Se esperaba un número."), code="invalid_number")
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))
    value = re.sub(r"[\s\u00a0]|S/\.?|US\$|\$|€", "", str(raw))
    if "," in value and "." in value:
        decimal_mark = "," if value.rfind(",") > value.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        value = value.replace(thousands, "").replace(decimal_mark, ".")
    elif value.count(",") == 1 or value.count(".") == 1:
        mark = "," if "," in value else "."
        whole, fraction = value.split(mark)
        # 1.234 or 1,234 is thousands, as a Spanish spreadsheet shows them; 12,5 or 0.125 a decimal.
        thousands = len(fraction) == 3 and whole.lstrip("-") not in ("", "0")
        value = whole + fraction if thousands else f"{whole}.{fraction}"
    elif value.count(",") > 1 or value.count(".") > 1:
        value = value.replace(",", "").replace(".", "")  # 1.234.567
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise CellError(
            _("No se entiende el número «%(value)s».") % {"value": str(raw).strip()}, code="invalid_number"
        ) from None
    if not number.is_finite():
        raise CellError(_("No se entiende el número «%(value)s».") % {"value": str(raw).strip()}, code="invalid_number")
    return number


decimal.help = gettext_lazy("Número; decimales con coma o punto (1234,50 o 1234.50).")


def integer(raw) -> int | None:
    number = decimal(raw)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise CellError(_("Se esperaba un número entero."), code="invalid_integer")
    return int(number)


integer.help = gettext_lazy("Número entero.")


def dni(raw) -> str | None:
    """The DNI's 8 digits. A number cell (1234567, 1234567.0) lost every leading zero: they are put back. Typed
    text lost at most one (7 digits); shorter text is more likely a digit missing than two zeros lost."""
    if is_blank(raw):
        return None
    shown = str(raw).strip()
    number = re.fullmatch(r"(\d{1,8})\.0+", shown)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        value = f"{int(raw):08d}" if float(raw).is_integer() and 0 < raw < 10**8 else shown
    elif number:
        value = number.group(1).zfill(8)
    else:
        value = re.sub(r"[\s.]", "", shown)
        if re.match(r"^\d{7}(?!\d)", value):
            value = "0" + value
    try:
        return dni_normalize(value)
    except InvalidDni:
        raise CellError(
            _("DNI no válido: «%(value)s» (8 dígitos y, si se anota, su carácter de verificación).") % {"value": shown},
            code="invalid_dni",
        ) from None


dni.help = gettext_lazy("8 dígitos; si perdió el cero inicial se completa.")

YES = {"si", "s", "yes", "y", "1", "x", "true", "verdadero", "v", "presente", "present", "ok"}
NO = {"no", "n", "0", "false", "falso", "f", "ausente", "absent"}


def yes_no(raw) -> bool | None:
    if is_blank(raw):
        return None
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return bool(raw)
    value = plain(raw).rstrip(".")
    if value in YES:
        return True
    if value in NO:
        return False
    raise CellError(_("Escriba sí o no, no «%(value)s».") % {"value": str(raw).strip()}, code="invalid_choice")


yes_no.help = gettext_lazy("sí / no")


def choice(options: dict[str, str], help_text=""):
    """A parser for a fixed list: `options` maps every accepted spelling (compared without case or accents) to
    the stored value. The stored values and the choices' labels are accepted too when the caller lists them."""
    accepted = {plain(spelling): value for spelling, value in options.items()}

    def parse(raw):
        if is_blank(raw):
            return None
        value = plain(raw).rstrip(".")
        if value in accepted:
            return accepted[value]
        raise CellError(
            _("Valor no reconocido «%(value)s»; use uno de: %(allowed)s.")
            % {"value": str(raw).strip(), "allowed": help_text or ", ".join(sorted(set(options)))},
            code="invalid_choice",
        )

    parse.help = help_text
    return parse


def choices_of(text_choices, extra: dict[str, str] | None = None, help_text=""):
    """A `choice` parser for a model's TextChoices: its values, its Spanish labels and `extra` spellings."""
    options = {value: value for value in text_choices.values}
    options.update({str(label): value for value, label in text_choices.choices})
    options.update(extra or {})
    labels = [label for _value, label in text_choices.choices]
    return choice(options, help_text or format_lazy(" / ".join(["{}"] * len(labels)), *labels))


SEX = {
    "f": "F",
    "m": "M",
    "mujer": "F",
    "hombre": "M",
    "femenino": "F",
    "masculino": "M",
    "female": "F",
    "male": "M",
    "woman": "F",
    "man": "M",
    "varon": "M",
}
sex = choice(SEX, "F / M (mujer / hombre)")


def phone(raw) -> str | None:
    """Digits, with a leading + kept; 9-digit mobiles and landlines alike. Scientific notation from a number cell
    is refused rather than guessed."""
    if is_blank(raw):
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    value = str(raw).strip()
    compact = re.sub(r"[\s\-().]", "", value)
    if not re.fullmatch(r"\+?\d{6,15}", compact):
        raise CellError(_("Teléfono no válido: «%(value)s».") % {"value": value}, code="invalid_phone")
    return compact


phone.help = gettext_lazy("Solo dígitos (puede empezar con +).")
