"""The progressive ladder: how much a borrower may ask for now, and why, from how she repaid before.

A first credit starts on the first step. A credit closed with no installment paid more than the product's
`ladder_max_days_late` days late lets her climb one step; a later one keeps her on the same step. A credit
written off, or one still open, stops a new one.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from minka.credit.models import Loan, LoanProduct, LoanStatus

OPEN = (LoanStatus.SUBMITTED, LoanStatus.APPROVED, LoanStatus.ACTIVE)


@dataclass(frozen=True)
class Eligibility:
    """The most the borrower may borrow now (None: nothing), the step that is, and the reason in words."""

    amount: Decimal | None
    step: int | None
    reason: str

    @property
    def eligible(self) -> bool:
        return self.amount is not None


def eligibility(borrower, product: LoanProduct, *, excluding: Loan | None = None) -> Eligibility:
    steps = {step.position: step.amount for step in product.steps.all()}
    history = Loan.objects.filter(borrower=borrower, product=product).exclude(status=LoanStatus.REJECTED)
    if excluding is not None:
        history = history.exclude(pk=excluding.pk)
    history = list(history.order_by("applied_on", "pk"))
    written_off = next((loan for loan in history if loan.status == LoanStatus.WRITTEN_OFF), None)
    if written_off:
        return Eligibility(None, None, _("Tiene un crédito castigado (%(number)s).") % {"number": written_off.number})
    still_open = next((loan for loan in history if loan.status in OPEN), None)
    if still_open:
        return Eligibility(
            None,
            None,
            _("Tiene un crédito en curso (%(number)s): el siguiente se pide cuando se cancele.")
            % {"number": still_open.number},
        )
    if not steps:
        return Eligibility(product.max_amount, None, _("El producto no tiene escalera: hasta su monto máximo."))
    if not history:
        return Eligibility(steps[min(steps)], min(steps), _("Primer crédito: primer escalón."))
    last = history[-1]
    reached = last.ladder_step or _step_of(steps, last.amount)
    limit = product.ladder_max_days_late
    values = {"number": last.number, "days": last.worst_days_late, "limit": limit}
    if last.worst_days_late > limit:
        return Eligibility(
            steps[reached],
            reached,
            _(
                "El crédito anterior (%(number)s) tuvo una cuota pagada con %(days)s días de atraso, más de los "
                "%(limit)s permitidos: se mantiene en el mismo escalón."
            )
            % values,
        )
    following = min((position for position in steps if position > reached), default=reached)
    reason = (
        _("El crédito anterior (%(number)s) se pagó con a lo más %(days)s días de atraso: sube al siguiente escalón.")
        if following != reached
        else _("El crédito anterior (%(number)s) se pagó a tiempo; ya está en el último escalón.")
    )
    return Eligibility(steps[following], following, reason % values)


def _step_of(steps: dict[int, Decimal], amount: Decimal) -> int:
    """The step a loan made before the ladder existed stands on: the lowest whose amount covers it."""
    return min((position for position, top in steps.items() if top >= amount), default=max(steps))
