"""`payments`: repayments of the fund's disbursed loans, each recorded through minka.credit.loans.record_repayment
as if collected at the counter: allocated to the installments in the product's order, posted to the ledger,
closing the loan when it is repaid.

The loan is named by its Minka number or by the reference a `loans` import gave it. Natural key: loan, date and
receipt number (or, without a receipt, the amount). The payment is recorded with an idempotency key derived from
that natural key, so a re-import finds it ("unchanged") and record_repayment would return it rather than record it
twice. A payment already recorded by hand with the same receipt on the same day (or, without receipt, the same
amount on the same day) is "unchanged" too: an import never counts a payment twice. Two payments of one loan on
one day without receipts and with the same amount are one row repeated: give them their receipt numbers.

Within each block of rows written together, payments go in by loan and date, so installments are settled in the
order the money came in whatever the file's order.

Undo: the credit ledger deletes nothing (a wrong payment is reversed, with who and why), so an import of payments
is not undone as a whole: the engine refuses it because each payment has its loan event; each payment is reversed
on the loan's page instead.
"""

import hashlib

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.core.errors import ApplicationError
from minka.credit import loans
from minka.credit.models import Loan, LoanStatus, Transaction, TransactionKind
from minka.imports import values as parsers
from minka.imports.kinds.base import CellError, Column, Kind, RowErrors, register
from minka.imports.kinds.loans import (
    FUND,
    fund_find,
    funds_check_access,
    funds_prepare,
    positive_amount,
    reference_key,
    write_refused,
)

IDEMPOTENCY_PREFIX = "import-payment:"


@register
class PaymentsKind(Kind):
    slug = "payments"
    label = gettext_lazy("Pagos de créditos")
    model = Transaction
    created_models = (Transaction,)
    columns = (
        FUND,
        Column(
            "loan",
            "N° de crédito",
            "Loan number",
            parsers.bounded_text(60),
            required=True,
            help=gettext_lazy("El número del crédito en Minka, o el que tenía en el archivo de créditos importado."),
            example="FONDO-ALFA-00001",
            aliases=("credito", "numero de credito", "loan", "loan reference", "referencia"),
        ),
        Column(
            "on_date",
            "Fecha de pago",
            "Payment date",
            parsers.date,
            required=True,
            example="10/02/2025",
            aliases=("fecha",),
        ),
        Column(
            "amount",
            "Monto pagado",
            "Amount paid",
            positive_amount,
            required=True,
            example="55,20",
            aliases=("monto", "importe"),
        ),
        Column(
            "receipt",
            "N° de recibo",
            "Receipt number",
            parsers.bounded_text(60),
            example="R-0042",
            aliases=("recibo", "receipt"),
        ),
    )

    def check_access(self, context) -> None:
        funds_check_access(context)

    def prepare(self, context) -> None:
        funds_prepare(context)
        loan_ids = set(context.cache["loan_references"].values())
        context.cache["loans"] = Loan.objects.in_bulk(loan_ids)
        repayments = Transaction.objects.filter(loan_id__in=loan_ids, kind=TransactionKind.REPAYMENT)
        context.cache["payment_keys"] = set(
            repayments.filter(idempotency_key__startswith=IDEMPOTENCY_PREFIX).values_list("idempotency_key", flat=True)
        )
        context.cache["receipts"] = set()
        context.cache["amounts"] = set()
        for loan_id, on_date, receipt, amount in repayments.values_list("loan_id", "on_date", "receipt", "amount"):
            if receipt:
                context.cache["receipts"].add((loan_id, on_date, parsers.plain(receipt)))
            context.cache["amounts"].add((loan_id, on_date, amount))

    def clean(self, values: dict, context) -> dict:
        errors = []
        try:
            fund = fund_find(values, context)
            loan_id = context.cache["loan_references"].get(reference_key(fund.pk, values["loan"]))
            if loan_id is None:
                raise CellError(
                    _("El fondo %(fund)s no tiene un crédito «%(loan)s».")
                    % {"fund": fund.name, "loan": values["loan"]},
                    code="unknown_loan",
                    column="loan",
                )
            values["loan_obj"] = loan = context.cache["loans"][loan_id]
            if loan.status in (LoanStatus.SUBMITTED, LoanStatus.APPROVED, LoanStatus.REJECTED):
                errors.append(CellError(_("El crédito aún no se desembolsó."), code="not_disbursed", column="loan"))
            elif loan.disbursed_on and values["on_date"] < loan.disbursed_on:
                errors.append(
                    CellError(
                        _("La fecha es anterior al desembolso del crédito."),
                        code="before_disbursement",
                        column="on_date",
                    )
                )
        except CellError as error:
            errors.append(error)
        if values["on_date"] > context.today:
            errors.append(CellError(_("La fecha no puede estar en el futuro."), code="future_date", column="on_date"))
        if errors:
            raise RowErrors(errors)
        return values

    def natural_key(self, values: dict) -> str:
        paid = f"recibo:{parsers.plain(values['receipt'])}" if values["receipt"] else f"monto:{values['amount']:.2f}"
        return f"{values['loan_obj'].pk}|{values['on_date'].isoformat()}|{paid}"[:250]

    def existing(self, values: dict, context):
        loan_id, on_date = values["loan_obj"].pk, values["on_date"]
        if idempotency_key(self.natural_key(values)) in context.cache["payment_keys"]:
            return loan_id
        if values["receipt"]:
            return (
                loan_id if (loan_id, on_date, parsers.plain(values["receipt"])) in context.cache["receipts"] else None
            )
        return loan_id if (loan_id, on_date, values["amount"]) in context.cache["amounts"] else None

    def write_many(self, rows, context):
        written = []
        for number, values in sorted(rows, key=lambda row: (row[1]["loan_obj"].pk, row[1]["on_date"], row[0])):
            try:
                payment = loans.record_repayment(
                    user=context.user,
                    loan=values["loan_obj"],
                    amount=values["amount"],
                    on_date=values["on_date"],
                    receipt=values["receipt"] or "",
                    idempotency_key=idempotency_key(self.natural_key(values)),
                )
            except ApplicationError as error:
                raise write_refused(number, error, {}) from None
            written.append((number, [payment]))
        return written


def idempotency_key(natural_key: str) -> str:
    """At most 80 characters (the field's size) whatever the receipt's length: a digest of the natural key."""
    return IDEMPOTENCY_PREFIX + hashlib.sha256(natural_key.encode()).hexdigest()[:48]
