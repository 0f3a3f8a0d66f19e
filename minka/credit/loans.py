"""A loan's life: application, evaluation visit, approval by someone other than who prepared it, disbursement
within the fund's cash, repayments, payoff, rescheduling, write-off, refunds and reversals.

Every change runs in one transaction with the loan row locked (`select_for_update`), so payments posted at the
same moment on one loan queue up instead of allocating the same installment twice; every change to a balance
writes a `LoanEvent` and, when money moves, one balanced journal entry. Nothing is deleted: a wrong payment is
reversed, a rescheduled installment is kept marked as superseded.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q, Sum
from django.utils.translation import gettext as _

from minka.accounts import access
from minka.audit.services import audit_create, audit_update, record_snapshot
from minka.core.errors import ApplicationError
from minka.core.services import record_save
from minka.credit import engine, ledger
from minka.credit.ladder import eligibility
from minka.credit.models import (
    ZERO,
    Account,
    Allocation,
    EventKind,
    Fund,
    Installment,
    Loan,
    LoanEvent,
    LoanProduct,
    LoanStatus,
    Reschedule,
    Transaction,
    TransactionKind,
    Visit,
)
from minka.credit.services import CENT, money, not_in_future, require_operator

# The product settings a loan copies when applied for: the engine's, then the rules of collection.
ENGINE_SETTINGS = {
    "every": "every",
    "frequency": "frequency",
    "method": "method",
    "amortization": "amortization",
    "interest_period": "interest_period",
    "days_in_year": "days_in_year",
    "days_in_month": "days_in_month",
    "schedule_type": "schedule_type",
    "rounding": "rounding",
    "installment_multiple": "installment_multiple",
    "grace_principal": "grace_on_principal",
    "grace_interest": "grace_on_interest_payment",
    "interest_free": "interest_free_periods",
    "fee_per_installment": "fee_per_installment",
}
COLLECTION_SETTINGS = ("allocation_order", "penalty_percent", "penalty_grace_days")
PARTS = ("principal", "interest", "fees", "penalties")


def _error(message: str, code: str, field: str | None = None, status: int = 400) -> ApplicationError:
    return ApplicationError(message, code=code, fields={field: [message]} if field else None, status=status)


def _terms_snapshot(product: LoanProduct) -> dict:
    snapshot = {}
    for name in (*ENGINE_SETTINGS, *COLLECTION_SETTINGS):
        value = getattr(product, name)
        snapshot[name] = str(value) if isinstance(value, Decimal) else value
    return snapshot


def loan_terms(loan: Loan, **overrides) -> engine.LoanTerms:
    """The engine's terms of a loan, from the settings it copied from its product."""
    settings = {engine_name: loan.terms.get(name) for name, engine_name in ENGINE_SETTINGS.items()}
    multiple = loan.terms.get("installment_multiple")
    settings["installment_multiple"] = Decimal(multiple) if multiple else None
    settings["fee_per_installment"] = Decimal(loan.terms.get("fee_per_installment") or "0")
    values = {
        "principal": loan.amount,
        "rate": loan.annual_rate,
        "repayments": loan.repayments,
        "disbursement_date": loan.disbursed_on or loan.applied_on,
        "first_repayment_date": loan.first_repayment_on,
        **settings,
    } | overrides
    return engine.LoanTerms(**values)


def _engine_error(error: engine.TermsError) -> ApplicationError:
    fields = {"principal": "amount", "rate": "annual_rate", "first_repayment_date": "first_repayment_on"}
    field = fields.get(error.field, error.field)
    return ApplicationError(str(error.message), code=error.code, fields={field: [str(error.message)]})


def _lock(loan: Loan) -> Loan:
    # Only the loan's row: locking its fund too would queue every payment of the fund behind each other.
    return Loan.objects.select_for_update(of=("self",)).select_related("fund", "product").get(pk=loan.pk)


def _live(loan: Loan):
    return loan.installments.filter(superseded=False).order_by("number")


def principal_outstanding(loan: Loan) -> Decimal:
    total = _live(loan).aggregate(left=Sum(F("principal") - F("principal_paid")))["left"]
    return (total or ZERO).quantize(CENT)  # SQLite sums decimals as floats


def _due(row: Installment) -> engine.Parts:
    return engine.Parts(
        row.principal - row.principal_paid,
        row.interest - row.interest_waived - row.interest_paid,
        row.fees - row.fees_waived - row.fees_paid,
        row.penalties - row.penalties_paid,
    )


def _event(loan: Loan, kind: str, on_date, user, *, amount=None, transaction=None, rows=None, **data) -> LoanEvent:
    """`rows`: the live installments, when the caller holds them up to date (saves adding them up again)."""
    left = principal_outstanding(loan) if rows is None else sum((r.principal - r.principal_paid for r in rows), ZERO)
    return LoanEvent.objects.create(
        loan=loan,
        kind=kind,
        on_date=on_date,
        amount=amount,
        principal_outstanding=left,
        transaction=transaction,
        by=user,
        data={key: str(value) for key, value in data.items()},
    )


def _bump(loan: Loan, *fields: str) -> None:
    # The row is locked (`_lock`), so the version read with it is the current one.
    loan.version += 1
    loan.save(update_fields=["version", "updated_at", *fields])


def _check_date(loan: Loan, on_date: datetime.date, field: str = "on_date") -> None:
    not_in_future(on_date, field)
    if loan.disbursed_on and on_date < loan.disbursed_on:
        raise _error(_("La fecha es anterior al desembolso del crédito."), "before_disbursement", field)


# Application and decision ---------------------------------------------------------------------------------------


@transaction.atomic
def apply_for_loan(*, user, product: LoanProduct, data: dict) -> Loan:
    """An application: the borrower, amount, term and planned use, checked against the product and the ladder."""
    fund = Fund.objects.select_for_update().get(pk=product.fund_id)
    require_operator(user, fund)
    # The terms are copied from the product as saved, not from an instance the caller may hold from before a change.
    product = LoanProduct.objects.get(pk=product.pk)
    if not product.is_active or not fund.is_active:
        raise _error(_("Este producto ya no se ofrece."), "inactive", "product")
    borrower = data.get("borrower")
    if borrower is None or not access.people_visible(user).filter(pk=borrower.pk).exists():
        raise _error(_("Elija una persona registrada que usted pueda ver."), "required", "borrower")
    amount = money(data.get("amount"), "amount")
    repayments = data.get("repayments")
    repayments = product.default_repayments if repayments in (None, "") else int(repayments)
    annual_rate = data.get("annual_rate")
    annual_rate = product.annual_rate if annual_rate in (None, "") else Decimal(str(annual_rate))
    if amount < product.min_amount or amount > product.max_amount:
        message = _("El producto presta entre %(low)s y %(high)s.") % {
            "low": product.min_amount,
            "high": product.max_amount,
        }
        raise _error(message, "out_of_range", "amount")
    if not product.min_repayments <= repayments <= product.max_repayments:
        message = _("El producto admite entre %(low)s y %(high)s cuotas.") % {
            "low": product.min_repayments,
            "high": product.max_repayments,
        }
        raise _error(message, "out_of_range", "repayments")
    if annual_rate < 0 or annual_rate > product.max_annual_rate:
        message = _("La tasa supera el límite del producto (%(limit)s %%).") % {"limit": product.max_annual_rate}
        raise _error(message, "rate_over_limit", "annual_rate")
    allowed = eligibility(borrower, product)
    if not allowed.eligible:
        raise _error(allowed.reason, "not_eligible", "borrower")
    if amount > allowed.amount:
        message = _("Puede pedir hasta %(amount)s: %(reason)s") % {"amount": allowed.amount, "reason": allowed.reason}
        raise _error(message, "ladder_step_skipped", "amount")
    for name, owner in (("enterprise", "organization_id"), ("site", "organization_id")):
        record = data.get(name)
        if record is not None and getattr(record, owner) != fund.organization_id:
            raise _error(_("Pertenece a otra organización."), "other_organization", name)
    applied_on = data.get("applied_on")
    if applied_on:
        not_in_future(applied_on, "applied_on")
    loan = Loan(
        fund=fund,
        product=product,
        borrower=borrower,
        officer=data.get("officer") or user,
        prepared_by=user,
        number=_next_number(fund),
        amount=amount,
        annual_rate=annual_rate,
        repayments=repayments,
        terms=_terms_snapshot(product),
        ladder_step=allowed.step,
    )
    try:
        loan_terms(loan, disbursement_date=applied_on or datetime.date.today())
    except engine.TermsError as error:
        raise _engine_error(error) from None
    fields = ("enterprise", "site", "use_category", "use_description", "applied_on")
    record_save(loan, {name: data.get(name) for name in fields})
    _event(loan, EventKind.APPLIED, loan.applied_on, user, amount=amount)
    audit_create(actor=user, instance=loan, organization=fund.organization, program=fund.program)
    return loan


def _next_number(fund: Fund) -> str:
    """The fund's loans numbered in order (the fund row is locked by the caller)."""
    count = Loan.objects.filter(fund=fund).count()
    return f"{fund.slug[:20].upper()}-{count + 1:05d}"


@transaction.atomic
def record_visit(*, user, loan: Loan, data: dict) -> Visit:
    """An evaluation visit before approval, or a follow-up visit checking the use of a disbursed credit."""
    loan = _lock(loan)
    require_operator(user, loan.fund)
    is_evaluation = bool(data.get("is_evaluation"))
    visited_on = data.get("visited_on")
    if visited_on:
        not_in_future(visited_on, "visited_on")
        if visited_on < loan.applied_on:
            raise _error(_("La visita no puede ser anterior a la solicitud."), "before_application", "visited_on")
    if loan.status in (LoanStatus.REJECTED,):
        raise _error(_("El crédito fue rechazado."), "rejected")
    if not is_evaluation:
        if not loan.disbursed_on:
            raise _error(_("Antes del desembolso, la visita es de evaluación."), "not_disbursed", "is_evaluation")
        if not data.get("use_verified"):
            raise _error(_("Indique si el crédito se usó como estaba previsto."), "required", "use_verified")
    fields = ("visited_on", "use_verified", "verified_use_category", "business_status", "findings")
    values = {name: data.get(name) or "" for name in fields} | {"visited_on": visited_on}
    visit = record_save(Visit(loan=loan, officer=user, is_evaluation=is_evaluation), values)
    audit_create(actor=user, instance=visit, organization=loan.fund.organization)
    return visit


@transaction.atomic
def approve_loan(*, user, loan: Loan, on_date: datetime.date, note: str = "") -> Loan:
    """The checker's approval: never the maker's own, and only after an evaluation visit."""
    loan = _lock(loan)
    require_operator(user, loan.fund)
    if loan.status != LoanStatus.SUBMITTED:
        raise _error(_("Solo se aprueba una solicitud pendiente."), "not_submitted", status=409)
    if loan.prepared_by_id == user.pk:
        raise _error(
            _("Quien preparó la solicitud no puede aprobarla: debe hacerlo otra persona."), "same_user", status=403
        )
    if not loan.visits.filter(is_evaluation=True).exists():
        raise _error(_("Registre antes la visita de evaluación."), "no_evaluation")
    _decision_date(loan, on_date)
    before = record_snapshot(loan)
    loan.status, loan.approved_by, loan.approved_on, loan.decision_note = LoanStatus.APPROVED, user, on_date, note
    _bump(loan, "status", "approved_by", "approved_on", "decision_note")
    _event(loan, EventKind.APPROVED, on_date, user, amount=loan.amount)
    audit_update(actor=user, instance=loan, before=before, organization=loan.fund.organization)
    return loan


@transaction.atomic
def reject_loan(*, user, loan: Loan, on_date: datetime.date, note: str) -> Loan:
    loan = _lock(loan)
    require_operator(user, loan.fund)
    if loan.status not in (LoanStatus.SUBMITTED, LoanStatus.APPROVED):
        raise _error(_("Solo se rechaza una solicitud aún no desembolsada."), "not_submitted", status=409)
    if not note.strip():
        raise _error(_("Explique el motivo del rechazo."), "required", "note")
    _decision_date(loan, on_date)
    before = record_snapshot(loan)
    loan.status, loan.approved_by, loan.approved_on, loan.decision_note = LoanStatus.REJECTED, user, on_date, note
    _bump(loan, "status", "approved_by", "approved_on", "decision_note")
    _event(loan, EventKind.REJECTED, on_date, user)
    audit_update(actor=user, instance=loan, before=before, organization=loan.fund.organization)
    return loan


def _decision_date(loan: Loan, on_date: datetime.date) -> None:
    not_in_future(on_date, "on_date")
    if on_date < loan.applied_on:
        raise _error(_("La decisión no puede ser anterior a la solicitud."), "before_application", "on_date")


# Disbursement ---------------------------------------------------------------------------------------------------


@transaction.atomic
def disburse_loan(
    *, user, loan: Loan, on_date: datetime.date, channel: str, receipt: str = "", first_repayment_on=None
) -> Loan:
    """Pays the loan out of the fund's cash (never more than there is) and lays out its installments."""
    fund = Fund.objects.select_for_update().get(pk=loan.fund_id)
    loan = _lock(loan)
    require_operator(user, fund)
    if loan.status != LoanStatus.APPROVED:
        raise _error(_("Solo se desembolsa un crédito aprobado."), "not_approved", status=409)
    not_in_future(on_date, "on_date")
    if on_date < loan.approved_on:
        raise _error(_("El desembolso no puede ser anterior a la aprobación."), "before_approval", "on_date")
    if channel not in {value for value, _label in Loan._meta.get_field("disbursement_channel").choices}:
        raise _error(_("Elija cómo se entrega el dinero."), "required", "channel")
    available = ledger.cash_available(fund)
    if loan.amount > available:
        message = _("El fondo tiene %(cash)s disponibles; no alcanza para desembolsar %(amount)s.") % {
            "cash": available,
            "amount": loan.amount,
        }
        raise _error(message, "insufficient_funds", "amount")
    loan.disbursed_on, loan.first_repayment_on = on_date, first_repayment_on
    try:
        plan = engine.schedule(loan_terms(loan))
    except engine.TermsError as error:
        raise _engine_error(error) from None
    Installment.objects.bulk_create(
        Installment(
            loan=loan,
            number=row.number,
            from_date=row.from_date,
            due_date=row.due_date,
            principal=row.principal,
            interest=row.interest,
            fees=row.fees,
        )
        for row in plan.installments
    )
    before = record_snapshot(loan)
    loan.status, loan.disbursement_channel, loan.disbursement_receipt = LoanStatus.ACTIVE, channel, receipt
    loan.first_repayment_on = plan.installments[0].due_date
    _bump(loan, "status", "disbursed_on", "first_repayment_on", "disbursement_channel", "disbursement_receipt")
    movement = Transaction.objects.create(
        loan=loan,
        kind=TransactionKind.DISBURSEMENT,
        on_date=on_date,
        amount=loan.amount,
        receipt=receipt,
        principal=loan.amount,
        recorded_by=user,
    )
    ledger.post(
        fund,
        on_date,
        _("Desembolso del crédito %(number)s") % {"number": loan.number},
        {Account.LOANS: loan.amount, Account.CASH: -loan.amount},
        loan=loan,
        transaction=movement,
    )
    _event(loan, EventKind.DISBURSED, on_date, user, amount=loan.amount, transaction=movement)
    audit_update(actor=user, instance=loan, before=before, organization=fund.organization)
    return loan


# Repayments -----------------------------------------------------------------------------------------------------


def _refresh_arrears(loan: Loan, as_of: datetime.date, rows: list[Installment] | None = None) -> None:
    """Days in arrears as of `as_of` (never moved back): the oldest installment due before it and still unpaid.
    `rows`: the live installments, when the caller holds them up to date."""
    as_of = max(as_of, loan.arrears_as_of or as_of)
    rows = _live(loan) if rows is None else rows
    overdue = [row for row in rows if row.due_date < as_of and _due(row).total > 0]
    loan.overdue_since = min((row.due_date for row in overdue), default=None)
    loan.arrears_as_of = as_of


def _close_if_repaid(loan: Loan, on_date: datetime.date, user, rows: list[Installment] | None = None) -> None:
    rows = list(_live(loan)) if rows is None else rows
    if any(_due(row).total > 0 for row in rows):
        return
    paid = [row for row in rows if row.paid_on] + list(loan.installments.filter(superseded=True, paid_on__isnull=False))
    loan.worst_days_late = max((max(0, (row.paid_on - row.due_date).days) for row in paid), default=0)
    loan.status, loan.closed_on, loan.overdue_since = LoanStatus.CLOSED, on_date, None
    _event(loan, EventKind.CLOSED, on_date, user, rows=rows, worst_days_late=loan.worst_days_late)


@transaction.atomic
def record_repayment(
    *, user, loan: Loan, amount, on_date: datetime.date, receipt: str = "", idempotency_key: str = ""
) -> Transaction:
    """A payment, allocated oldest installment first in the product's order; what is left over becomes the
    borrower's credit. Sent again with the same `idempotency_key`, it returns the payment already recorded."""
    amount = money(amount, "amount")
    loan = _lock(loan)
    require_operator(user, loan.fund)
    if idempotency_key:
        earlier = Transaction.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            if (earlier.loan_id, earlier.amount, earlier.on_date) != (loan.pk, amount, on_date):
                raise _error(
                    _("Esa clave de idempotencia ya se usó para otro pago."), "idempotency_conflict", status=409
                )
            return earlier
    if loan.status == LoanStatus.CLOSED:
        raise _error(_("El crédito ya está cancelado: no admite pagos."), "loan_closed", status=409)
    if loan.status == LoanStatus.WRITTEN_OFF:
        raise _error(_("El crédito fue castigado: no admite pagos."), "loan_written_off", status=409)
    if loan.status != LoanStatus.ACTIVE:
        raise _error(_("El crédito aún no se desembolsó."), "not_disbursed", status=409)
    _check_date(loan, on_date)
    rows = list(_live(loan))
    split = engine.allocate(amount, [_due(row) for row in rows], loan.terms.get("allocation_order"))
    movement = Transaction(
        loan=loan,
        kind=TransactionKind.REPAYMENT,
        on_date=on_date,
        amount=amount,
        receipt=receipt,
        idempotency_key=idempotency_key,
        overpayment=split.overpayment,
        recorded_by=user,
        **{name: getattr(split.total, name) for name in PARTS},
    )
    try:
        with transaction.atomic():
            movement.save()
    except IntegrityError:
        message = _("Esa clave de idempotencia ya se usó para otro pago.")
        raise _error(message, "idempotency_conflict", status=409) from None
    _apply(movement, rows, split.parts, sign=1)
    loan.credit_balance = loan.credit_balance + split.overpayment
    _post_repayment(loan, movement, sign=1)
    _close_if_repaid(loan, on_date, user, rows)
    _refresh_arrears(loan, on_date, rows)
    _bump(loan, "credit_balance", "status", "closed_on", "worst_days_late", "overdue_since", "arrears_as_of")
    _event(loan, EventKind.REPAID, on_date, user, amount=amount, transaction=movement, rows=rows, receipt=receipt)
    return movement


def _apply(movement: Transaction, rows: list[Installment], parts, *, sign: int) -> None:
    """Adds (or, reversing, takes back) what a payment settled on each installment."""
    touched, allocations = [], []
    for row, paid in zip(rows, parts, strict=True):
        if not paid.total:
            continue
        for name in PARTS:
            setattr(row, f"{name}_paid", getattr(row, f"{name}_paid") + sign * getattr(paid, name))
        row.paid_on = movement.on_date if _due(row).total == 0 else None
        touched.append(row)
        if sign > 0:
            allocations.append(
                Allocation(transaction=movement, installment=row, **{n: getattr(paid, n) for n in PARTS})
            )
    Installment.objects.bulk_update(touched, [*(f"{name}_paid" for name in PARTS), "paid_on"])
    Allocation.objects.bulk_create(allocations)


def _post_repayment(loan: Loan, movement: Transaction, *, sign: int) -> None:
    memo = _("Pago del crédito %(number)s") if sign > 0 else _("Reversión de pago del crédito %(number)s")
    ledger.post(
        loan.fund,
        movement.on_date if sign > 0 else movement.reversed_on,
        memo % {"number": loan.number},
        {
            Account.CASH: sign * movement.amount,
            Account.LOANS: -sign * movement.principal,
            Account.INTEREST_INCOME: -sign * movement.interest,
            Account.FEE_INCOME: -sign * movement.fees,
            Account.PENALTY_INCOME: -sign * movement.penalties,
            Account.BORROWER_CREDIT: -sign * movement.overpayment,
        },
        loan=loan,
        transaction=movement,
    )


@dataclass(frozen=True)
class Payoff:
    """What closes a loan on a day, by part; interest only as far as it has accrued."""

    on_date: datetime.date
    principal: Decimal
    interest: Decimal
    fees: Decimal
    penalties: Decimal
    unearned_interest: Decimal
    unearned_fees: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest + self.fees + self.penalties


def payoff_quote(loan: Loan, on_date: datetime.date) -> Payoff:
    """Principal still owed; interest of installments fallen due and, for the one running, the days elapsed of
    its period (to the cent, half to even); fees fallen due; penalties (only ever charged once earned); less what
    was paid of each. What a reschedule carried into its first new installment had fallen due: it is owed whole."""
    parts, unearned, unearned_fees = dict.fromkeys(PARTS, ZERO), ZERO, ZERO
    carried = _carried(loan)
    for row in _live(loan):
        due = _due(row)
        parts["principal"] += due.principal
        parts["penalties"] += due.penalties
        if row.due_date <= on_date:
            parts["interest"] += due.interest
            parts["fees"] += due.fees
            continue
        interest, fees = carried.get(row.pk, (ZERO, ZERO))
        fees_owed = _fees_kept(row, fees) - row.fees_paid
        parts["fees"] += fees_owed
        unearned_fees += due.fees - fees_owed
        owed = max(ZERO, _accrued(row, on_date, interest) - row.interest_paid)
        parts["interest"] += owed
        unearned += due.interest - owed
    return Payoff(on_date, *parts.values(), unearned_interest=unearned, unearned_fees=unearned_fees)


def _fees_kept(row: Installment, carried: Decimal) -> Decimal:
    """Of an installment not yet due, the fees a payoff keeps: what was paid, or what a reschedule carried into it
    (fallen due before), whichever is more. The installment's own fee is not charged before it falls due."""
    return max(row.fees_paid, min(row.fees, carried))


def _accrued(row: Installment, on_date: datetime.date, carried: Decimal = ZERO) -> Decimal:
    """The interest of an installment not yet due earned by `on_date`: what a reschedule carried into it, plus the
    days elapsed of its period times the rest."""
    if row.from_date >= on_date:
        return carried
    share = Decimal((on_date - row.from_date).days) / Decimal((row.due_date - row.from_date).days)
    return carried + ((row.interest - carried) * share).quantize(CENT, ROUND_HALF_EVEN)


def _carried(loan: Loan) -> dict[int, tuple[Decimal, Decimal]]:
    """Interest and fees fallen due and unpaid that a reschedule moved into its first new installment, by the id
    of that installment (while it is live)."""
    first = {(row.from_date, row.due_date): row.pk for row in _live(loan)}
    carried = {}
    for change in loan.reschedules.all():
        pk = first.get((change.on_date, change.first_repayment_on))
        if pk is None:
            continue
        fallen = [old for old in change.previous_schedule if old["due_date"] <= change.on_date.isoformat()]
        carried[pk] = tuple(
            sum((Decimal(old[name]) - Decimal(old[f"{name}_paid"]) for old in fallen), ZERO)
            for name in ("interest", "fees")
        )
    return carried


@transaction.atomic
def pay_off(*, user, loan: Loan, on_date: datetime.date, receipt: str = "", idempotency_key: str = "") -> Transaction:
    """Closes the loan early: the interest not yet accrued and the fees of installments not yet due are waived,
    then the payoff amount is paid."""
    loan = _lock(loan)
    require_operator(user, loan.fund)
    if idempotency_key and Transaction.objects.filter(idempotency_key=idempotency_key, loan=loan).exists():
        return Transaction.objects.get(idempotency_key=idempotency_key)
    if loan.status != LoanStatus.ACTIVE:
        raise _error(_("Solo se cancela por adelantado un crédito vigente."), "not_active", status=409)
    _check_date(loan, on_date)
    quote = payoff_quote(loan, on_date)
    waived, carried = [], _carried(loan)
    for row in _live(loan).filter(due_date__gt=on_date):
        interest, fees = carried.get(row.pk, (ZERO, ZERO))
        row.interest_waived = row.interest - max(_accrued(row, on_date, interest), row.interest_paid)
        row.fees_waived = row.fees - _fees_kept(row, fees)
        waived.append(row)
    Installment.objects.bulk_update(waived, ["interest_waived", "fees_waived"])
    if quote.unearned_interest or quote.unearned_fees:
        _event(
            loan,
            EventKind.INTEREST_WAIVED,
            on_date,
            user,
            amount=quote.unearned_interest + quote.unearned_fees,
            interest=quote.unearned_interest,
            fees=quote.unearned_fees,
        )
    if not quote.total:
        _close_if_repaid(loan, on_date, user)
        _bump(loan, "status", "closed_on", "worst_days_late", "overdue_since")
        return None
    return record_repayment(
        user=user, loan=loan, amount=quote.total, on_date=on_date, receipt=receipt, idempotency_key=idempotency_key
    )


@transaction.atomic
def reverse_transaction(*, user, movement: Transaction, on_date: datetime.date, reason: str) -> Transaction:
    """Undoes a wrong payment: its allocations are taken back, the ledger gets the opposite entry, the payment
    stays on record marked as reversed. A loan it had closed opens again."""
    loan = _lock(movement.loan)
    require_operator(user, loan.fund)
    movement = Transaction.objects.select_for_update().get(pk=movement.pk)
    if movement.kind != TransactionKind.REPAYMENT:
        raise _error(_("Solo se revierten pagos."), "not_a_payment", status=409)
    if movement.reversed_on:
        raise _error(_("Este pago ya fue revertido."), "already_reversed", status=409)
    if not reason.strip():
        raise _error(_("Explique por qué se revierte el pago."), "required", "reason")
    if loan.status == LoanStatus.WRITTEN_OFF:
        raise _error(_("El crédito fue castigado: sus pagos ya no se revierten."), "loan_written_off", status=409)
    not_in_future(on_date, "on_date")
    if on_date < movement.on_date:
        raise _error(_("La reversión no puede ser anterior al pago."), "before_payment", "on_date")
    allocations = list(movement.allocations.select_related("installment"))
    if any(a.installment.superseded for a in allocations):
        raise _error(_("El pago se aplicó a cuotas ya reprogramadas: no puede revertirse."), "rescheduled", status=409)
    if movement.overpayment > loan.credit_balance:
        raise _error(
            _("El saldo a favor de este pago ya se devolvió: no puede revertirse."), "credit_refunded", status=409
        )
    rows = [a.installment for a in allocations]
    parts = [engine.Parts(*(getattr(a, name) for name in PARTS)) for a in allocations]
    _apply(movement, rows, parts, sign=-1)
    movement.reversed_on, movement.reversed_by, movement.reversal_reason = on_date, user, reason
    movement.save(update_fields=["reversed_on", "reversed_by", "reversal_reason", "updated_at"])
    loan.credit_balance -= movement.overpayment
    _post_repayment(loan, movement, sign=-1)
    if loan.status == LoanStatus.CLOSED:
        # Interest waived by a payoff was waived for closing the loan that day: open again, it is owed again.
        restored = _live(loan).aggregate(total=Sum(F("interest_waived") + F("fees_waived")))["total"] or ZERO
        _live(loan).filter(Q(interest_waived__gt=0) | Q(fees_waived__gt=0)).update(
            interest_waived=ZERO, fees_waived=ZERO
        )
        loan.status, loan.closed_on = LoanStatus.ACTIVE, None
        _event(loan, EventKind.REOPENED, on_date, user, interest_restored=restored.quantize(CENT))
    _refresh_arrears(loan, on_date)
    _bump(loan, "credit_balance", "status", "closed_on", "overdue_since", "arrears_as_of")
    _event(loan, EventKind.REVERSED, on_date, user, amount=-movement.amount, transaction=movement, reason=reason)
    return movement


@transaction.atomic
def refund_credit(*, user, loan: Loan, on_date: datetime.date, receipt: str = "") -> Transaction:
    """Gives the borrower back what she paid beyond what she owed."""
    fund = Fund.objects.select_for_update().get(pk=loan.fund_id)
    loan = _lock(loan)
    require_operator(user, fund)
    if loan.credit_balance <= 0:
        raise _error(_("El crédito no tiene saldo a favor."), "no_credit", status=409)
    _check_date(loan, on_date)
    amount = loan.credit_balance
    if amount > ledger.cash_available(fund):
        raise _error(_("El fondo no tiene caja para devolver el saldo."), "insufficient_funds", "amount")
    movement = Transaction.objects.create(
        loan=loan, kind=TransactionKind.REFUND, on_date=on_date, amount=amount, receipt=receipt, recorded_by=user
    )
    ledger.post(
        fund,
        on_date,
        _("Devolución de saldo a favor del crédito %(number)s") % {"number": loan.number},
        {Account.BORROWER_CREDIT: amount, Account.CASH: -amount},
        loan=loan,
        transaction=movement,
    )
    loan.credit_balance = ZERO
    _bump(loan, "credit_balance")
    _event(loan, EventKind.REFUNDED, on_date, user, amount=amount, transaction=movement)
    return movement


# Rescheduling and write-off -------------------------------------------------------------------------------------


@transaction.atomic
def reschedule_loan(
    *,
    user,
    loan: Loan,
    on_date: datetime.date,
    repayments: int,
    first_repayment_on: datetime.date,
    reason: str,
    annual_rate=None,
) -> Reschedule:
    """Puts the principal still owed on a new schedule from `on_date`. What fell due and is unpaid (interest,
    fees, penalties) moves to the first new installment; interest not yet accrued is dropped. The old
    installments stay, marked superseded, and the reschedule keeps a copy of them."""
    loan = _lock(loan)
    require_operator(user, loan.fund)
    if loan.status != LoanStatus.ACTIVE:
        raise _error(_("Solo se reprograma un crédito vigente."), "not_active", status=409)
    _check_date(loan, on_date)
    if not reason.strip():
        raise _error(_("Explique el motivo de la reprogramación."), "required", "reason")
    rate = loan.annual_rate if annual_rate in (None, "") else Decimal(str(annual_rate))
    if rate < 0 or rate > loan.product.max_annual_rate:
        message = _("La tasa supera el límite del producto (%(limit)s %%).") % {"limit": loan.product.max_annual_rate}
        raise _error(message, "rate_over_limit", "annual_rate")
    if not first_repayment_on or first_repayment_on <= on_date:
        raise _error(_("La primera cuota nueva debe ser posterior a la fecha."), "invalid", "first_repayment_on")
    open_rows = [row for row in _live(loan) if _due(row).total > 0]
    left = sum((row.principal - row.principal_paid for row in open_rows), ZERO)
    if left <= 0:
        raise _error(_("No queda capital por reprogramar."), "nothing_left", status=409)
    fallen_due = [_due(row) for row in open_rows if row.due_date <= on_date]
    carried = {
        name: sum((getattr(due, name) for due in fallen_due), ZERO) for name in ("interest", "fees", "penalties")
    }
    try:
        plan = engine.schedule(
            loan_terms(
                loan,
                principal=left,
                rate=rate,
                repayments=repayments,
                disbursement_date=on_date,
                first_repayment_date=first_repayment_on,
                grace_on_principal=0,
                grace_on_interest_payment=0,
                interest_free_periods=0,
            )
        )
    except engine.TermsError as error:
        raise _engine_error(error) from None
    previous = [
        {
            "number": row.number,
            "due_date": row.due_date.isoformat(),
            **{name: str(getattr(row, name)) for name in PARTS},
            **{f"{name}_paid": str(getattr(row, f"{name}_paid")) for name in PARTS},
        }
        for row in open_rows
    ]
    Installment.objects.filter(pk__in=[row.pk for row in open_rows]).update(superseded=True)
    start = (loan.installments.filter(superseded=False).aggregate(last=Max("number"))["last"] or 0) + 1
    Installment.objects.bulk_create(
        Installment(
            loan=loan,
            number=start + index,
            from_date=row.from_date,
            due_date=row.due_date,
            principal=row.principal,
            interest=row.interest + (carried["interest"] if index == 0 else ZERO),
            fees=row.fees + (carried["fees"] if index == 0 else ZERO),
            penalties=carried["penalties"] if index == 0 else ZERO,
        )
        for index, row in enumerate(plan.installments)
    )
    change = Reschedule.objects.create(
        loan=loan,
        on_date=on_date,
        principal=left,
        repayments=repayments,
        annual_rate=rate,
        first_repayment_on=plan.installments[0].due_date,
        reason=reason,
        previous_schedule=previous,
        by=user,
    )
    _refresh_arrears(loan, on_date)
    _bump(loan, "overdue_since", "arrears_as_of")
    _event(loan, EventKind.RESCHEDULED, on_date, user, amount=left, reason=reason, repayments=repayments)
    audit_create(actor=user, instance=change, organization=loan.fund.organization)
    return change


@transaction.atomic
def request_write_off(*, user, loan: Loan, on_date: datetime.date, reason: str) -> Loan:
    loan = _lock(loan)
    require_operator(user, loan.fund)
    if loan.status != LoanStatus.ACTIVE:
        raise _error(_("Solo se castiga un crédito vigente."), "not_active", status=409)
    if not reason.strip():
        raise _error(_("Explique el motivo del castigo."), "required", "reason")
    _check_date(loan, on_date)
    loan.write_off_reason, loan.write_off_requested_by, loan.write_off_requested_on = reason, user, on_date
    _bump(loan, "write_off_reason", "write_off_requested_by", "write_off_requested_on")
    _event(loan, EventKind.WRITE_OFF_REQUESTED, on_date, user, reason=reason)
    return loan


@transaction.atomic
def approve_write_off(*, user, loan: Loan, on_date: datetime.date) -> Loan:
    """Takes the principal still owed off the portfolio as a loss; approved by someone other than who asked."""
    loan = _lock(loan)
    require_operator(user, loan.fund)
    if loan.status != LoanStatus.ACTIVE or not loan.write_off_requested_by_id:
        raise _error(_("No hay un castigo solicitado para este crédito."), "not_requested", status=409)
    if loan.write_off_requested_by_id == user.pk:
        raise _error(_("Quien solicitó el castigo no puede aprobarlo."), "same_user", status=403)
    _check_date(loan, on_date)
    if on_date < loan.write_off_requested_on:
        raise _error(_("La aprobación no puede ser anterior a la solicitud."), "before_request", "on_date")
    left = principal_outstanding(loan)
    movement = (
        Transaction.objects.create(
            loan=loan, kind=TransactionKind.WRITE_OFF, on_date=on_date, amount=left, principal=left, recorded_by=user
        )
        if left
        else None
    )
    if movement:
        ledger.post(
            loan.fund,
            on_date,
            _("Castigo del crédito %(number)s") % {"number": loan.number},
            {Account.LOAN_LOSSES: left, Account.LOANS: -left},
            loan=loan,
            transaction=movement,
        )
    loan.status, loan.closed_on, loan.write_off_approved_by = LoanStatus.WRITTEN_OFF, on_date, user
    _bump(loan, "status", "closed_on", "write_off_approved_by")
    _event(loan, EventKind.WRITTEN_OFF, on_date, user, amount=left, transaction=movement)
    return loan


@transaction.atomic
def cancel_write_off(*, user, loan: Loan) -> Loan:
    loan = _lock(loan)
    require_operator(user, loan.fund)
    if loan.status != LoanStatus.ACTIVE or not loan.write_off_requested_by_id:
        raise _error(_("No hay un castigo solicitado para este crédito."), "not_requested", status=409)
    loan.write_off_reason, loan.write_off_requested_by, loan.write_off_requested_on = "", None, None
    _bump(loan, "write_off_reason", "write_off_requested_by", "write_off_requested_on")
    return loan
