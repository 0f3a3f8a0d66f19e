"""A loan's terms: every setting a schedule depends on, checked once so that the engines can trust them.

Enum values are the words the rest of Minka stores (`"declining"`, `"equal_installments"`, `"360"`), so a product's
`TextChoices` can share them. Money is `Decimal`; a float is refused rather than rounded by accident.
"""

from dataclasses import dataclass, field, fields
from datetime import date
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

ZERO = Decimal(0)
HUNDRED = Decimal(100)


class TermsError(ValueError):
    """Terms no loan can have. `field` names the setting (a `LoanTerms` field); `code` is stable for callers that
    word their own message, such as the command naming its flag."""

    def __init__(self, message: str, field: str, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class InterestMethod(StrEnum):
    FLAT = "flat"
    DECLINING = "declining"


class Amortization(StrEnum):
    EQUAL_INSTALLMENTS = "equal_installments"
    EQUAL_PRINCIPAL = "equal_principal"


class InterestPeriod(StrEnum):
    SAME_AS_REPAYMENT = "same_as_repayment"
    DAILY = "daily"


class DaysInYear(StrEnum):
    ACTUAL = "actual"
    DAYS_360 = "360"
    DAYS_364 = "364"
    DAYS_365 = "365"


class DaysInMonth(StrEnum):
    ACTUAL = "actual"
    DAYS_30 = "30"


class Frequency(StrEnum):
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"


class ScheduleType(StrEnum):
    CUMULATIVE = "cumulative"
    PROGRESSIVE = "progressive"


class RateFrequency(StrEnum):
    YEAR = "year"
    MONTH = "month"


class Rounding(StrEnum):
    HALF_EVEN = "half_even"
    HALF_UP = "half_up"


_ROUNDING = {Rounding.HALF_EVEN: ROUND_HALF_EVEN, Rounding.HALF_UP: ROUND_HALF_UP}
_ENUMS = {
    "rate_frequency": RateFrequency,
    "frequency": Frequency,
    "method": InterestMethod,
    "amortization": Amortization,
    "interest_period": InterestPeriod,
    "days_in_year": DaysInYear,
    "days_in_month": DaysInMonth,
    "schedule_type": ScheduleType,
    "rounding": Rounding,
}
_DECIMALS = ("principal", "rate", "installment_multiple", "fee_per_installment", "principal_percent_per_installment")
MAX_DECIMALS = 6


@dataclass(frozen=True, slots=True)
class LoanTerms:
    """Everything that shapes a schedule. `rate` is a percentage per `rate_frequency` (nominal: a monthly rate is
    twelve times smaller than the annual one, as in Fineract). `schedule_start_date` is Fineract's "repayments start
    from the submission date": periods count from it while interest runs from the disbursement only.
    `principal_percent_per_installment` is Fineract's fixed principal percentage (the last installment takes the
    rest); `fee_per_installment` is a flat fee due with each installment."""

    principal: Decimal
    rate: Decimal
    repayments: int
    disbursement_date: date
    rate_frequency: RateFrequency = RateFrequency.YEAR
    every: int = 1
    frequency: Frequency = Frequency.MONTHS
    method: InterestMethod = InterestMethod.DECLINING
    amortization: Amortization = Amortization.EQUAL_INSTALLMENTS
    interest_period: InterestPeriod = InterestPeriod.SAME_AS_REPAYMENT
    days_in_year: DaysInYear = DaysInYear.ACTUAL
    days_in_month: DaysInMonth = DaysInMonth.ACTUAL
    first_repayment_date: date | None = None
    schedule_start_date: date | None = None
    grace_on_principal: int = 0
    grace_on_interest_payment: int = 0
    interest_free_periods: int = 0
    installment_multiple: Decimal | None = None
    decimals: int = 2
    rounding: Rounding = Rounding.HALF_EVEN
    schedule_type: ScheduleType = ScheduleType.CUMULATIVE
    fee_per_installment: Decimal = ZERO
    principal_percent_per_installment: Decimal | None = None
    # Worked out once from the fields above: the engines ask for them for every stretch of every period.
    annual_rate: Decimal = field(init=False, repr=False, compare=False)
    quantum: Decimal = field(init=False, repr=False, compare=False)
    rounding_mode: str = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        for name, enum in _ENUMS.items():
            value = getattr(self, name)
            try:
                object.__setattr__(self, name, enum(value))
            except ValueError:
                choices = ", ".join(member.value for member in enum)
                raise TermsError(f"«{value}» no es una opción válida ({choices}).", name, "choice") from None
        for name in _DECIMALS:
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, _decimal(value, name))
        for setting in fields(self):
            if setting.type is int and not isinstance(getattr(self, setting.name), int):
                raise TermsError("Debe ser un número entero.", setting.name, "integer")
        yearly = self.rate * 12 if self.rate_frequency == RateFrequency.MONTH else self.rate
        object.__setattr__(self, "annual_rate", yearly / HUNDRED)  # nominal, as a fraction: 12 % → 0.12
        object.__setattr__(self, "quantum", Decimal(1).scaleb(-self.decimals))
        object.__setattr__(self, "rounding_mode", _ROUNDING[self.rounding])
        _check(self)

    @property
    def start_date(self) -> date:
        """Where the first period begins: the disbursement, or the earlier date repayments are counted from."""
        return self.schedule_start_date or self.disbursement_date

    def money(self, amount: Decimal) -> Decimal:
        """An amount in the currency's decimals, rounded the product's way."""
        return amount.quantize(self.quantum, self.rounding_mode)

    def to_multiple(self, amount: Decimal) -> Decimal:
        """An installment amount rounded to the product's multiple, the money's way (as Fineract does). An amount
        the multiple would round to nothing keeps its cents instead, so that no installment vanishes."""
        if not self.installment_multiple:
            return self.money(amount)
        units = (amount / self.installment_multiple).quantize(Decimal(1), self.rounding_mode)
        return self.money(units * self.installment_multiple) if units else self.money(amount)


def _decimal(value, name: str) -> Decimal:
    if isinstance(value, float):
        raise TermsError("Los montos y tasas se dan como decimales exactos, no como float.", name, "float")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise TermsError(f"«{value}» no es un número.", name, "number") from None
    if not number.is_finite():
        raise TermsError(f"«{value}» no es un número.", name, "number")
    return number


def _check(terms: LoanTerms) -> None:
    """The rules every loan must meet; each failure names its field."""
    if terms.principal <= 0:
        raise TermsError("El monto del préstamo debe ser mayor que cero.", "principal", "positive")
    if not 0 <= terms.decimals <= MAX_DECIMALS:
        raise TermsError(f"Los decimales de la moneda van de 0 a {MAX_DECIMALS}.", "decimals", "range")
    if terms.principal != terms.money(terms.principal):
        raise TermsError("El monto tiene más decimales que la moneda.", "principal", "decimals")
    if terms.rate < 0:
        raise TermsError("La tasa de interés no puede ser negativa.", "rate", "not_negative")
    if terms.repayments < 1:
        raise TermsError("El préstamo debe tener al menos una cuota.", "repayments", "positive")
    if terms.every < 1:
        raise TermsError("La frecuencia de pago debe ser de al menos 1.", "every", "positive")
    for name in ("grace_on_principal", "grace_on_interest_payment", "interest_free_periods"):
        if getattr(terms, name) < 0:
            raise TermsError("Los periodos de gracia no pueden ser negativos.", name, "not_negative")
    for name in ("grace_on_principal", "grace_on_interest_payment"):
        if getattr(terms, name) >= terms.repayments:
            raise TermsError("La gracia debe dejar al menos una cuota sin gracia.", name, "less_than_repayments")
    if terms.interest_free_periods > terms.repayments:
        raise TermsError("Los periodos sin interés no pueden ser más que las cuotas.", "interest_free_periods", "range")
    if terms.installment_multiple is not None and terms.installment_multiple <= 0:
        raise TermsError("El múltiplo de la cuota debe ser mayor que cero.", "installment_multiple", "positive")
    if terms.fee_per_installment < 0 or terms.fee_per_installment != terms.money(terms.fee_per_installment):
        raise TermsError("La comisión por cuota no es un monto válido.", "fee_per_installment", "not_negative")
    percent = terms.principal_percent_per_installment
    if percent is not None and not 0 < percent <= HUNDRED:
        raise TermsError(
            "El porcentaje de capital por cuota va de 0 a 100.", "principal_percent_per_installment", "range"
        )
    if terms.first_repayment_date is not None and terms.first_repayment_date <= terms.disbursement_date:
        raise TermsError(
            "La primera cuota debe vencer después del desembolso.", "first_repayment_date", "after_disbursement"
        )
    if terms.schedule_start_date is not None and terms.schedule_start_date > terms.disbursement_date:
        raise TermsError(
            "El calendario no puede empezar después del desembolso.", "schedule_start_date", "before_disbursement"
        )
