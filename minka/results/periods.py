"""Reporting periods written the way people say them: `2019`, `2019-Q3`, `2019-07`, `2019-01..2019-12`.

Pure: no Django models. A period is a closed range of days with its canonical label.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from minka.core.errors import ApplicationError


class PeriodKind:
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    RANGE = "range"


@dataclass(frozen=True, order=True)
class Period:
    start: datetime.date
    end: datetime.date
    label: str
    kind: str

    def __contains__(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    def overlaps(self, other: "Period") -> bool:
        return self.start <= other.end and other.start <= self.end

    def months(self) -> list["Period"]:
        return _split(self, month_period)

    def quarters(self) -> list["Period"]:
        return _split(self, lambda day: quarter_period(day.year, (day.month - 1) // 3 + 1))

    def years(self) -> list["Period"]:
        return _split(self, lambda day: year_period(day.year))


def year_period(year: int) -> Period:
    return Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31), f"{year}", PeriodKind.YEAR)


def quarter_period(year: int, quarter: int) -> Period:
    first = 3 * (quarter - 1) + 1
    last_day = calendar.monthrange(year, first + 2)[1]
    return Period(
        datetime.date(year, first, 1),
        datetime.date(year, first + 2, last_day),
        f"{year}-Q{quarter}",
        PeriodKind.QUARTER,
    )


def month_period(day: datetime.date) -> Period:
    last_day = calendar.monthrange(day.year, day.month)[1]
    return Period(day.replace(day=1), day.replace(day=last_day), f"{day.year}-{day.month:02d}", PeriodKind.MONTH)


def _split(period: Period, period_of) -> list[Period]:
    """The whole periods (months, quarters, years) that `period` touches, in order."""
    parts, day = [], period.start
    while day <= period.end:
        part = period_of(day)
        parts.append(part)
        day = part.end + datetime.timedelta(days=1)
    return parts


_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _single(text: str) -> Period | None:
    if match := _YEAR.match(text):
        return year_period(int(match[1]))
    if match := _QUARTER.match(text):
        return quarter_period(int(match[1]), int(match[2]))
    if match := _MONTH.match(text):
        month = int(match[2])
        if 1 <= month <= 12:
            return month_period(datetime.date(int(match[1]), month, 1))
    return None


def period_parse(text: str) -> Period:
    """The period `text` names, or an ApplicationError that says what is accepted."""
    text = (text or "").strip()
    if ".." in text:
        first, _sep, last = text.partition("..")
        start, end = _single(first.strip()), _single(last.strip())
        if start and end:
            if end.end < start.start:
                raise ApplicationError(
                    _("El periodo «%(period)s» termina antes de empezar.") % {"period": text},
                    code="invalid_period",
                    fields={"period": [_("El final del periodo es anterior a su inicio.")]},
                )
            return Period(start.start, end.end, f"{start.label}..{end.label}", PeriodKind.RANGE)
    elif period := _single(text):
        return period
    raise ApplicationError(
        _("No se entiende el periodo «%(period)s». Use 2019, 2019-Q3, 2019-07 o 2019-01..2019-12.") % {"period": text},
        code="invalid_period",
        fields={"period": [_("Use 2019, 2019-Q3, 2019-07 o 2019-01..2019-12.")]},
    )
