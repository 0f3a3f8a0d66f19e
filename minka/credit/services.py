"""Writing funds, their capital and expenses, and loan products with their ladders. Every write: one transaction,
the rules checked, an audit event; every movement of money, one balanced journal entry.

The loan lifecycle (application to closure) is in `minka.credit.loans`.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minka.accounts import access
from minka.audit.services import audit_create, audit_update, record_snapshot
from minka.core.errors import ApplicationError, PermissionDenied
from minka.core.services import record_save
from minka.credit import ledger
from minka.credit.models import Account, Contribution, Expense, Fund, LadderStep, LoanProduct

CENT = Decimal("0.01")
FUND_FIELDS = ("organization", "program", "slug", "name", "currency", "arrears_buckets", "is_active")
PRODUCT_FIELDS = (
    "name",
    "min_amount",
    "max_amount",
    "annual_rate",
    "max_annual_rate",
    "min_repayments",
    "max_repayments",
    "default_repayments",
    "every",
    "frequency",
    "method",
    "amortization",
    "interest_period",
    "days_in_year",
    "days_in_month",
    "schedule_type",
    "rounding",
    "installment_multiple",
    "grace_principal",
    "grace_interest",
    "interest_free",
    "fee_per_installment",
    "penalty_percent",
    "penalty_grace_days",
    "allocation_order",
    "ladder_max_days_late",
    "is_active",
)


def money(value, field: str, *, allow_zero: bool = False) -> Decimal:
    """A positive amount with at most two decimals, or an error naming `field`."""
    try:
        amount = Decimal(str(value).strip().replace(",", "")) if value is not None else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise ApplicationError(_("Escriba un monto."), code="invalid", fields={field: [_("Escriba un monto.")]})
    if amount < 0 or (amount == 0 and not allow_zero):
        message = _("El monto debe ser mayor que cero.")
        raise ApplicationError(message, code="not_positive", fields={field: [message]})
    if amount != amount.quantize(CENT):
        message = _("Use a lo más dos decimales.")
        raise ApplicationError(message, code="decimals", fields={field: [message]})
    return amount.quantize(CENT)


def not_in_future(on_date: datetime.date, field: str) -> None:
    if on_date > timezone.localdate():
        message = _("La fecha no puede estar en el futuro.")
        raise ApplicationError(message, code="future_date", fields={field: [message]})


def require_manager(user, fund: Fund) -> None:
    if not access.fund_can_manage(user, fund):
        raise PermissionDenied(_("Solo la administración de la organización maneja este fondo."))


def require_operator(user, fund: Fund) -> None:
    if not access.fund_can_operate(user, fund):
        raise PermissionDenied(_("No opera este fondo: pida a la administración que le asigne."))


def _only(data: dict, allowed) -> dict:
    return {key: value for key, value in data.items() if key in allowed}


def _check_buckets(text: str) -> None:
    try:
        bounds = [int(part) for part in text.split(",")]
    except ValueError:
        bounds = []
    if not bounds or any(b <= 0 for b in bounds) or bounds != sorted(set(bounds)):
        message = _("Escriba días crecientes separados por comas, por ejemplo 30,60,90.")
        raise ApplicationError(message, code="invalid", fields={"arrears_buckets": [message]})


@transaction.atomic
def create_fund(*, user, data: dict, officers=()) -> Fund:
    organization = data.get("organization")
    if organization is None or organization.pk not in {o.pk for o in access.fund_organization_choices(user)}:
        raise PermissionDenied(_("Solo la administración de una organización abre sus fondos."))
    _check_buckets(data.get("arrears_buckets") or "30,60,90")
    fund = record_save(Fund(), _only(data, FUND_FIELDS), m2m={"officers": list(officers)})
    audit_create(actor=user, instance=fund, organization=organization, program=fund.program, m2m=("officers",))
    return fund


@transaction.atomic
def update_fund(*, user, fund: Fund, data: dict, officers=None) -> Fund:
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    require_manager(user, fund)
    if "arrears_buckets" in data:
        _check_buckets(data["arrears_buckets"])
    before = record_snapshot(fund, m2m=("officers",))
    values = _only(data, set(FUND_FIELDS) - {"organization", "currency"})
    record_save(fund, values, m2m={"officers": list(officers)} if officers is not None else None)
    audit_update(actor=user, instance=fund, before=before, organization=fund.organization, m2m=("officers",))
    return fund


@transaction.atomic
def add_contribution(*, user, fund: Fund, data: dict) -> Contribution:
    """Capital from a donor: cash in, capital up."""
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    require_manager(user, fund)
    amount = money(data.get("amount"), "amount")
    received_on = data.get("received_on")
    if received_on:
        not_in_future(received_on, "received_on")
    values = _only(data, ("donor", "donor_name", "received_on", "reference")) | {"amount": amount}
    contribution = record_save(Contribution(fund=fund, recorded_by=user), values)
    if not contribution.donor_id and not contribution.donor_name:
        message = _("Indique quién aporta el capital.")
        raise ApplicationError(message, code="required", fields={"donor_name": [message]})
    name = contribution.donor.name if contribution.donor_id else contribution.donor_name
    ledger.post(
        fund,
        contribution.received_on,
        _("Aporte de capital de %(donor)s") % {"donor": name},
        {Account.CASH: amount, Account.CAPITAL: -amount},
        contribution=contribution,
    )
    audit_create(actor=user, instance=contribution, organization=fund.organization)
    return contribution


@transaction.atomic
def add_expense(*, user, fund: Fund, data: dict) -> Expense:
    """An operating cost paid from the fund's cash, never more than the cash there is."""
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    require_manager(user, fund)
    amount = money(data.get("amount"), "amount")
    if data.get("spent_on"):
        not_in_future(data["spent_on"], "spent_on")
    available = ledger.cash_available(fund)
    if amount > available:
        message = _("El fondo tiene %(cash)s disponibles.") % {"cash": available}
        raise ApplicationError(message, code="insufficient_funds", fields={"amount": [message]})
    expense = record_save(
        Expense(fund=fund, recorded_by=user), _only(data, ("spent_on", "description")) | {"amount": amount}
    )
    ledger.post(
        fund,
        expense.spent_on,
        expense.description,
        {Account.OPERATING_EXPENSES: amount, Account.CASH: -amount},
        expense=expense,
    )
    audit_create(actor=user, instance=expense, organization=fund.organization)
    return expense


def _check_product(product: LoanProduct) -> None:
    errors = {}
    if product.max_repayments < product.min_repayments:
        errors["max_repayments"] = [_("Debe ser al menos el número mínimo de cuotas.")]
    elif not product.min_repayments <= product.default_repayments <= product.max_repayments:
        errors["default_repayments"] = [_("Debe estar entre el mínimo y el máximo de cuotas.")]
    if product.min_repayments < 1:
        errors["min_repayments"] = [_("Al menos una cuota.")]
    if product.max_amount is not None and product.min_amount is not None and product.max_amount < product.min_amount:
        errors["max_amount"] = [_("Debe ser al menos el monto mínimo.")]
    rates = (product.annual_rate, product.max_annual_rate)
    if None not in rates and rates[0] > rates[1]:
        errors["annual_rate"] = [_("Supera la tasa máxima del producto.")]
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], code="invalid", fields=errors)


def _check_steps(product: LoanProduct, amounts: list[Decimal]) -> None:
    if amounts != sorted(set(amounts)):
        message = _("Los escalones deben ir de menor a mayor, sin repetirse.")
        raise ApplicationError(message, code="invalid", fields={"steps": [message]})
    outside = [a for a in amounts if not product.min_amount <= a <= product.max_amount]
    if outside:
        message = _("Cada escalón debe estar entre el monto mínimo y el máximo del producto.")
        raise ApplicationError(message, code="invalid", fields={"steps": [message]})


@transaction.atomic
def create_product(*, user, fund: Fund, data: dict, steps=()) -> LoanProduct:
    """A product and its ladder (`steps`: the amounts of each step, lowest first; empty for no ladder)."""
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    require_manager(user, fund)
    product = LoanProduct(fund=fund)
    for name, value in _only(data, PRODUCT_FIELDS).items():
        setattr(product, name, value)
    _check_product(product)
    record_save(product, {})
    _save_steps(product, [money(a, "steps") for a in steps])
    audit_create(actor=user, instance=product, organization=fund.organization, program=fund.program)
    return product


@transaction.atomic
def update_product(*, user, product: LoanProduct, data: dict, steps=None) -> LoanProduct:
    """Changes a product for loans applied for from now on: loans already made keep the terms they were given."""
    product = LoanProduct.objects.select_for_update().select_related("fund").get(pk=product.pk)
    require_manager(user, product.fund)
    before = record_snapshot(product)
    for name, value in _only(data, PRODUCT_FIELDS).items():
        setattr(product, name, value)
    _check_product(product)
    record_save(product, {})
    if steps is not None:
        _save_steps(product, [money(a, "steps") for a in steps])
    audit_update(actor=user, instance=product, before=before, organization=product.fund.organization)
    return product


def _save_steps(product: LoanProduct, amounts: list[Decimal]) -> None:
    _check_steps(product, amounts)
    product.steps.all().delete()
    LadderStep.objects.bulk_create(
        LadderStep(product=product, position=position, amount=amount) for position, amount in enumerate(amounts, 1)
    )
