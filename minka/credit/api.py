"""Solidarity credit over the API: funds with their cash and books, products with their ladders, eligibility,
loans from application to closure, and the portfolio's quality on a day.

Every read goes through `access.funds_visible` / `access.loans_visible`: a fund, loan or transaction the user may
not see answers 404 as if it did not exist (a credit officer of one fund never sees another's borrowers; funders
see no fund or loan, only aggregates through the results). Every write calls the same service as the pages
(`minka.credit.loans`), which refuses with 403 those who read the fund but do not operate it (auditors).

Money is a decimal string with two places beside the fund's currency; rates are percentages (`"12.0000"`).
"""

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.contrib.auth import get_user_model
from django.db.models import DecimalField, F, OuterRef, Prefetch, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import WithJsonSchema

from minka.accounts import access
from minka.core.api_support import (
    ERROR_READ,
    Error,
    Filters,
    Id,
    Input,
    Key,
    Money,
    Pagination,
    read_responses,
    resolve,
    write_responses,
)
from minka.core.errors import ApplicationError
from minka.credit import ledger, loans, portfolio, services
from minka.credit.ladder import eligibility
from minka.credit.models import (
    MONEY,
    ZERO,
    BusinessStatus,
    DisbursementChannel,
    Fund,
    Installment,
    Loan,
    LoanEvent,
    LoanProduct,
    LoanStatus,
    Transaction,
    TransactionKind,
    UseCategory,
    UseVerified,
)
from minka.enterprises.models import Enterprise
from minka.network.api import OrganizationRef
from minka.network.models import Site
from minka.people.api import PersonRef

router = Router()

FUNDS = ["credit: funds"]
LOANS = ["credit: loans"]

# Money coming in: above zero, two decimals at most, and no more digits than the books keep (14).
AmountIn = Annotated[
    Decimal,
    Field(gt=0, max_digits=MONEY["max_digits"], decimal_places=MONEY["decimal_places"]),
    WithJsonSchema({"type": "string", "format": "decimal", "example": "300.00"}),
]
RateIn = Annotated[
    Decimal,
    Field(ge=0, max_digits=7, decimal_places=4),
    WithJsonSchema({"type": "string", "format": "decimal", "example": "12.00"}),
]
Repayments = Annotated[int, Field(ge=1, le=32767)]
DateOrToday = Field(None, description="Today if not sent; never in the future.")


def _today() -> datetime.date:
    return timezone.localdate()


# --- Schemas ----------------------------------------------------------------------------------------------------


class FundOut(Schema):
    id: int
    slug: str
    name: str
    organization: OrganizationRef
    program: str | None = Field(None, description="Slug of the program whose results count its loans.")
    currency: str
    arrears_buckets: str = Field(..., description="Upper bounds of the delinquency buckets, in days.")
    active: bool = Field(..., alias="is_active")

    @staticmethod
    def resolve_program(fund) -> str | None:
        return fund.program.slug if fund.program_id else None


class TrialBalanceRowOut(Schema):
    account: str
    label: str
    debit: Money
    credit: Money


class TrialBalanceOut(Schema):
    rows: list[TrialBalanceRowOut]
    debit: Money
    credit: Money
    balanced: bool


class FundDetailOut(FundOut):
    officers: list[str] = Field(..., description="Usernames of its credit officers.")
    cash_available: Money
    trial_balance: TrialBalanceOut
    can_operate: bool = Field(..., description="Whether you may apply, approve, disburse and collect.")
    can_manage: bool = Field(..., description="Whether you may change its products, capital and expenses.")

    @staticmethod
    def resolve_officers(fund) -> list[str]:
        return [user.username for user in fund.officers.order_by("username")]


class StepOut(Schema):
    position: int
    amount: Money


class ProductOut(Schema):
    id: int
    fund: str = Field(..., alias="fund.slug")
    name: str
    currency: str = Field(..., alias="fund.currency")
    min_amount: Money
    max_amount: Money
    annual_rate: Decimal
    max_annual_rate: Decimal
    min_repayments: int
    max_repayments: int
    default_repayments: int
    every: int
    frequency: str
    method: str
    amortization: str
    interest_period: str
    days_in_year: str
    days_in_month: str
    schedule_type: str
    rounding: str
    installment_multiple: Money | None
    grace_principal: int
    grace_interest: int
    interest_free: int
    fee_per_installment: Money
    penalty_percent: Decimal
    penalty_grace_days: int
    allocation_order: str
    ladder_max_days_late: int = Field(..., description="Most days late a repaid loan may have to climb a step.")
    active: bool = Field(..., alias="is_active")
    steps: list[StepOut] = Field(..., description="The ladder, lowest step first; empty for none.")

    @staticmethod
    def resolve_steps(product):
        return list(product.steps.all())


class EligibilityOut(Schema):
    borrower: PersonRef
    product: int
    eligible: bool
    amount: Money | None = Field(None, description="The most she may borrow now; null for nothing.")
    step: int | None = Field(None, description="The ladder step that amount stands on.")
    reason: str
    currency: str


class SiteRef(Schema):
    id: int
    name: str


class LoanOut(Schema):
    id: int
    number: str
    fund: str = Field(..., alias="fund.slug")
    currency: str = Field(..., alias="fund.currency")
    product: int = Field(..., alias="product_id")
    product_name: str = Field(..., alias="product.name")
    borrower: PersonRef
    enterprise: int | None = Field(None, alias="enterprise_id")
    site: SiteRef | None
    officer: str = Field(..., alias="officer.username")
    status: LoanStatus
    amount: Money
    annual_rate: Decimal
    repayments: int
    ladder_step: int | None
    use_category: UseCategory
    use_description: str
    applied_on: datetime.date
    approved_on: datetime.date | None
    disbursed_on: datetime.date | None
    first_repayment_on: datetime.date | None
    closed_on: datetime.date | None
    principal_outstanding: Money = Field(..., description="Principal of the schedule in force not yet repaid.")
    credit_balance: Money = Field(..., description="Paid beyond what was owed and not refunded.")
    days_in_arrears: int = Field(..., description="As of the last close of day or payment.")
    write_off_requested: bool

    @staticmethod
    def resolve_write_off_requested(loan) -> bool:
        return bool(loan.write_off_requested_by_id)


class InstallmentOut(Schema):
    number: int
    from_date: datetime.date
    due_date: datetime.date
    principal: Money
    interest: Money
    interest_waived: Money
    fees: Money
    fees_waived: Money
    penalties: Money
    total: Money = Field(..., description="principal + interest − interest_waived + fees − fees_waived + penalties.")
    principal_paid: Money
    interest_paid: Money
    fees_paid: Money
    penalties_paid: Money
    paid: Money
    outstanding: Money = Field(..., description="total − paid.")
    paid_on: datetime.date | None
    superseded: bool = Field(..., description="Replaced by a rescheduling; kept as history.")


class TransactionOut(Schema):
    id: int
    loan: int = Field(..., alias="loan_id")
    kind: TransactionKind
    on_date: datetime.date
    amount: Money
    principal: Money
    interest: Money
    fees: Money
    penalties: Money
    overpayment: Money = Field(..., description="Kept as the borrower's credit.")
    receipt: str
    idempotency_key: str
    recorded_by: str = Field(..., alias="recorded_by.username")
    reversed_on: datetime.date | None
    reversed_by: str | None = None
    reversal_reason: str

    @staticmethod
    def resolve_reversed_by(movement) -> str | None:
        return movement.reversed_by.username if movement.reversed_by_id else None


class EventOut(Schema):
    kind: str
    on_date: datetime.date
    amount: Money | None
    principal_outstanding: Money
    transaction: int | None = Field(None, alias="transaction_id")
    by: str | None = None
    data: dict[str, str]
    created_at: datetime.datetime

    @staticmethod
    def resolve_by(event) -> str | None:
        return event.by.username if event.by_id else None


class VisitOut(Schema):
    id: int
    loan: int = Field(..., alias="loan_id")
    visited_on: datetime.date
    officer: str = Field(..., alias="officer.username")
    is_evaluation: bool
    use_verified: str
    verified_use_category: str
    business_status: BusinessStatus
    findings: str


class RescheduleOut(Schema):
    id: int
    on_date: datetime.date
    principal: Money
    repayments: int
    annual_rate: Decimal
    first_repayment_on: datetime.date
    reason: str
    by: str = Field(..., alias="by.username")


class TotalsOut(Schema):
    principal: Money
    interest: Money
    fees: Money
    penalties: Money
    total: Money
    paid: Money
    outstanding: Money


class LoanDetailOut(LoanOut):
    prepared_by: str = Field(..., alias="prepared_by.username")
    approved_by: str | None = None
    decision_note: str
    disbursement_channel: str
    disbursement_receipt: str
    write_off_reason: str
    write_off_requested_on: datetime.date | None
    worst_days_late: int = Field(..., description="Of the installment paid latest; decides the next ladder step.")
    totals: TotalsOut = Field(..., description="Of the installments in force.")
    installments: list[InstallmentOut] = Field(..., description="In force first, then those rescheduled away.")
    transactions: list[TransactionOut]
    events: list[EventOut]
    visits: list[VisitOut]
    reschedules: list[RescheduleOut]
    can_operate: bool

    @staticmethod
    def resolve_approved_by(loan) -> str | None:
        return loan.approved_by.username if loan.approved_by_id else None


class PayoffOut(Schema):
    loan: int
    on_date: datetime.date
    currency: str
    principal: Money
    interest: Money = Field(..., description="Fallen due, and accrued to the day of the installment running.")
    fees: Money
    penalties: Money
    total: Money
    unearned_interest: Money = Field(..., description="Interest not yet accrued: waived when paying off.")


class PaidOffOut(Schema):
    transaction: TransactionOut | None = Field(None, description="The payment; null when nothing was owed.")
    loan: LoanDetailOut


class QualityOut(Schema):
    active_loans: int
    active_borrowers: int
    gross_loan_portfolio: Money = Field(..., description="Unpaid principal of the loans outstanding.")
    at_risk_30: Money = Field(..., description="Whole unpaid principal of the loans with an installment >30 days late.")
    at_risk_90: Money
    par30: Decimal = Field(..., description="at_risk_30 over the gross loan portfolio, to four decimals (0.1234).")
    par90: Decimal
    average_balance_per_borrower: Money | None
    average_balance_per_loan: Money | None


class TrendPointOut(QualityOut):
    on_date: datetime.date = Field(..., alias="on")


class AgingRowOut(Schema):
    code: str = Field(..., description='"current", "1-30", …, "91+".')
    label: str
    low: int
    high: int | None
    loans: int
    principal: Money


class PeriodOut(Schema):
    start: datetime.date
    end: datetime.date
    average_glp: Money
    written_off: Money
    interest: Money
    fees: Money
    penalties: Money
    financial_income: Money
    operating_expenses: Money | None
    write_off_ratio: Decimal | None
    portfolio_yield: Decimal | None = Field(None, description="Of the period, not annualized.")
    operational_self_sufficiency: Decimal | None
    installments_due: int
    installments_on_time: int
    on_time_rate: Decimal | None


class QualityGroupOut(QualityOut):
    id: int | None = Field(None, description="Of the site, officer (user) or product; null for loans without one.")
    name: str


class PortfolioOut(QualityOut):
    fund: str
    currency: str
    on_date: datetime.date
    aging: list[AgingRowOut] = Field(..., description="The outstanding loans by days in arrears.")
    period: PeriodOut = Field(..., description="The `months` months ending on `on_date`.")
    trend: list[TrendPointOut] = Field(..., description="At the end of each month of the period, oldest first.")
    groups: list[QualityGroupOut] = Field(..., description="Split by `by`; empty without it.")


class PortfolioFilters(Filters):
    on_date: datetime.date | None = Field(None, description="Today if not sent.")
    months: int = Field(12, ge=1, le=60, description="Length of the period for yields, write-offs and the trend.")
    by: Literal["site", "officer", "product"] | None = Field(None, description="Split the figures on the day.")


# Requests


class LoanIn(Input):
    product: Id = Field(..., description="Id of a product of a fund you operate.")
    borrower: Id = Field(..., description="Id of a person whose data you may read.")
    amount: AmountIn
    repayments: Repayments | None = Field(None, description="The product's default if not sent.")
    annual_rate: RateIn | None = Field(None, description="The product's rate if not sent; never over its limit.")
    use_category: UseCategory
    use_description: str = Field(..., max_length=300)
    applied_on: datetime.date | None = DateOrToday
    enterprise: Id | None = Field(None, description="Id of the enterprise it finances, of the fund's organization.")
    site: Id | None = Field(None, description="Id of the site or agency, of the fund's organization.")


class VisitIn(Input):
    visited_on: datetime.date | None = DateOrToday
    is_evaluation: bool = Field(False, description="Before approval; otherwise a follow-up of a disbursed loan.")
    use_verified: UseVerified | None = Field(None, description="Required on a follow-up visit.")
    verified_use_category: UseCategory | None = None
    business_status: BusinessStatus
    findings: str = Field(..., min_length=1, max_length=5000)


class DecisionIn(Input):
    on_date: datetime.date | None = DateOrToday
    note: str = Field("", max_length=300)


class RejectIn(DecisionIn):
    note: str = Field(..., min_length=1, max_length=300, description="Why.")


class DisburseIn(Input):
    on_date: datetime.date | None = DateOrToday
    channel: DisbursementChannel
    receipt: str = Field("", max_length=60)
    first_repayment_on: datetime.date | None = Field(None, description="By default one period after disbursing.")


IdempotencyKey = Field("", max_length=80, description="The same key sent again returns the payment already made.")


class RepaymentIn(Input):
    amount: AmountIn
    on_date: datetime.date | None = DateOrToday
    receipt: str = Field("", max_length=60)
    idempotency_key: str = IdempotencyKey


class PayOffIn(Input):
    on_date: datetime.date | None = DateOrToday
    receipt: str = Field("", max_length=60)
    idempotency_key: str = IdempotencyKey


class ReverseIn(Input):
    on_date: datetime.date | None = DateOrToday
    reason: str = Field(..., min_length=1, max_length=300)


class RefundIn(Input):
    on_date: datetime.date | None = DateOrToday
    receipt: str = Field("", max_length=60)


class RescheduleIn(Input):
    on_date: datetime.date | None = DateOrToday
    repayments: Repayments
    first_repayment_on: datetime.date
    reason: str = Field(..., min_length=1, max_length=300)
    annual_rate: RateIn | None = Field(None, description="The loan's rate if not sent; never over the product's limit.")


class WriteOffIn(Input):
    on_date: datetime.date | None = DateOrToday
    reason: str = Field(..., min_length=1, max_length=300)


class DateIn(Input):
    on_date: datetime.date | None = DateOrToday


class LoanFilters(Filters):
    fund: str = Field("", max_length=100, description="Slug of the fund.")
    status: LoanStatus | None = None
    site: Id | None = Field(None, description="Id of the site or agency.")
    in_arrears: bool | None = Field(None, description="true: with an installment unpaid past its due date.")
    borrower: Id | None = Field(None, description="Id of the borrower.")
    q: str = Field("", max_length=30, description="Start of the loan's number.")


# --- Reading ------------------------------------------------------------------------------------------------------


def _fund(request, slug: str) -> Fund:
    fund = access.funds_visible(request.auth).select_related("organization", "program").filter(slug=slug).first()
    if fund is None:
        raise Http404
    return fund


def _product(request, product_id: int) -> LoanProduct:
    products = LoanProduct.objects.filter(fund__in=access.funds_visible(request.auth))
    product = products.select_related("fund").prefetch_related("steps").filter(pk=product_id).first()
    if product is None:
        raise Http404
    return product


def _principal_left() -> Coalesce:
    left = (
        Installment.objects.filter(loan=OuterRef("pk"), superseded=False)
        .values("loan")
        .annotate(left=Sum(F("principal") - F("principal_paid")))
        .values("left")
    )
    amount = DecimalField(**MONEY)
    return Coalesce(Subquery(left, output_field=amount), Value(ZERO), output_field=amount)


def _loans(user):
    return (
        access.loans_visible(user)
        .select_related("fund", "product", "borrower", "site", "officer")
        .annotate(principal_outstanding=_principal_left())
    )


def _loan(request, loan_id: int) -> Loan:
    loan = access.loans_visible(request.auth).filter(pk=loan_id).first()
    if loan is None:
        raise Http404
    return loan


def _detail(user, loan_id: int) -> Loan:
    users = ("recorded_by", "reversed_by")
    loan = (
        _loans(user)
        .select_related("prepared_by", "approved_by")
        .prefetch_related(
            Prefetch("installments", queryset=Installment.objects.order_by("superseded", "number")),
            Prefetch("transactions", queryset=Transaction.objects.select_related(*users).order_by("on_date", "pk")),
            Prefetch("events", queryset=LoanEvent.objects.select_related("by").order_by("created_at", "pk")),
            "visits__officer",
            "reschedules__by",
        )
        .get(pk=loan_id)
    )
    live = [row for row in loan.installments.all() if not row.superseded]
    parts = {name: sum((getattr(row, name) for row in live), ZERO) for name in ("principal", "penalties")}
    interest = sum((row.interest - row.interest_waived for row in live), ZERO)
    parts["fees"] = sum((row.fees - row.fees_waived for row in live), ZERO)
    total = sum((row.total for row in live), ZERO)
    paid = sum((row.paid for row in live), ZERO)
    loan.totals = {**parts, "interest": interest, "total": total, "paid": paid, "outstanding": total - paid}
    loan.can_operate = access.fund_can_operate(user, loan.fund)
    return loan


def _transaction(request, transaction_id: int) -> Transaction:
    movement = (
        Transaction.objects.filter(loan__in=access.loans_visible(request.auth), pk=transaction_id)
        .select_related("loan", "recorded_by", "reversed_by")
        .first()
    )
    if movement is None:
        raise Http404
    return movement


# --- Funds and products -------------------------------------------------------------------------------------------


@router.get("/credit/funds", response=read_responses(list[FundOut]), tags=FUNDS)
@paginate(Pagination)
def fund_list(request):
    """The funds you see: those of organizations you run or audit, those you are a credit officer of, and those
    of the programs you coordinate or audit."""
    return access.funds_visible(request.auth).select_related("organization", "program").order_by("name", "pk")


@router.get("/credit/funds/{slug}", response=read_responses(FundDetailOut), tags=FUNDS)
def fund_detail(request, slug: Key):
    """The fund with its cash available today and its trial balance (the two columns always add up the same)."""
    fund = _fund(request, slug)
    fund.cash_available = ledger.cash_available(fund)
    fund.trial_balance = ledger.trial_balance(fund)
    fund.can_operate = access.fund_can_operate(request.auth, fund)
    fund.can_manage = access.fund_can_manage(request.auth, fund)
    return fund


@router.get("/credit/funds/{slug}/products", response=read_responses(list[ProductOut]), tags=FUNDS)
def product_list(request, slug: Key):
    """The fund's loan products, each with its ladder."""
    fund = _fund(request, slug)
    return list(fund.products.select_related("fund").prefetch_related("steps").order_by("name", "pk"))


@router.get(
    "/credit/products/{product_id}/eligibility/{person_id}", response=read_responses(EligibilityOut), tags=FUNDS
)
def product_eligibility(request, product_id: Id, person_id: Id):
    """How much the person may borrow now with this product, the ladder step that is, and why."""
    product = _product(request, product_id)
    borrower = access.people_visible(request.auth).filter(pk=person_id).first()
    if borrower is None:
        raise Http404
    allowed = eligibility(borrower, product)
    return {
        "borrower": borrower,
        "product": product.pk,
        "eligible": allowed.eligible,
        "amount": allowed.amount,
        "step": allowed.step,
        "reason": allowed.reason,
        "currency": product.fund.currency,
    }


EARLIEST = datetime.date(1900, 1, 1)
GROUP_NAMES = {"site": (Site, "name"), "officer": (get_user_model(), "username"), "product": (LoanProduct, "name")}


def _quality(quality: portfolio.Quality) -> dict:
    return {
        "active_loans": quality.active_loans,
        "active_borrowers": quality.active_borrowers,
        "gross_loan_portfolio": quality.gross_loan_portfolio,
        "at_risk_30": quality.at_risk_30,
        "at_risk_90": quality.at_risk_90,
        "par30": quality.par30,
        "par90": quality.par90,
        "average_balance_per_borrower": quality.average_balance_per_borrower,
        "average_balance_per_loan": quality.average_balance_per_loan,
    }


def _groups(loans_of_fund, on: datetime.date, by: str | None) -> list[dict]:
    if by is None:
        return []
    found = portfolio.portfolio_quality(loans=loans_of_fund, on=on, by=by)
    ids = [key[0] for key in found if key[0] is not None]
    model, field = GROUP_NAMES[by]
    names = dict(model.objects.filter(pk__in=ids).values_list("pk", field))
    rows = [
        {"id": key[0], "name": names.get(key[0], "") if key[0] is not None else _("Sin asignar"), **_quality(q)}
        for key, q in found.items()
    ]
    return sorted(rows, key=lambda row: (row["id"] is None, row["name"], row["id"] or 0))


@router.get("/credit/funds/{slug}/portfolio", response={200: PortfolioOut, ERROR_READ | {400}: Error}, tags=FUNDS)
def fund_portfolio(request, slug: Key, filters: Query[PortfolioFilters]):
    """The fund's portfolio quality on `on_date` by the CGAP/SEEP definitions, worked out from its transactions:
    active borrowers, gross loan portfolio, PAR30 and PAR90, average balances, the aging table; over the `months`
    before it the write-off ratio, portfolio yield, operational self-sufficiency and on-time repayment rate; and
    the trend at each month's end. Ratios have four decimals (0.1234 is 12.34 %)."""
    fund = _fund(request, slug)
    on = filters.on_date or _today()
    if not EARLIEST <= on <= _today():
        message = _("Elija una fecha desde 1900 hasta hoy.")
        raise ApplicationError(message, code="invalid", fields={"on_date": [message]})
    loans_of_fund = Loan.objects.filter(fund=fund)
    start = portfolio.period_start(on, filters.months)
    figures = portfolio.period_figures(loans=loans_of_fund, on=on, start=start)[()]
    period = {
        name: getattr(figures, name)
        for name in (
            "start", "end", "average_glp", "written_off", "interest", "fees", "penalties", "financial_income",
            "operating_expenses", "write_off_ratio", "portfolio_yield", "operational_self_sufficiency",
            "installments_due", "installments_on_time", "on_time_rate",
        )
    }  # fmt: skip
    return {
        "fund": fund.slug,
        "currency": fund.currency,
        "on_date": on,
        **_quality(portfolio.quality_on(loans=loans_of_fund, on=on)),
        "aging": portfolio.aging(loans=loans_of_fund, on=on),
        "period": period,
        "trend": [
            {"on": point.on, **_quality(point)}
            for point in portfolio.trend(loans=loans_of_fund, on=on, months=filters.months)
        ],
        "groups": _groups(loans_of_fund, on, filters.by),
    }


# --- Loans --------------------------------------------------------------------------------------------------------


@router.get("/credit/loans", response=read_responses(list[LoanOut]), tags=LOANS)
@paginate(Pagination)
def loan_list(request, filters: Query[LoanFilters]):
    """The loans of the funds you see, latest application first."""
    found = _loans(request.auth)
    if filters.fund.strip():
        found = found.filter(fund__slug=filters.fund.strip())
    if filters.status:
        found = found.filter(status=filters.status)
    if filters.site is not None:
        found = found.filter(site_id=filters.site)
    if filters.borrower is not None:
        found = found.filter(borrower_id=filters.borrower)
    if filters.in_arrears is True:
        found = found.filter(status=LoanStatus.ACTIVE, overdue_since__isnull=False)
    elif filters.in_arrears is False:
        found = found.exclude(status=LoanStatus.ACTIVE, overdue_since__isnull=False)
    if filters.q.strip():
        found = found.filter(number__istartswith=filters.q.strip())
    return found.order_by("-applied_on", "-pk")


@router.post("/credit/loans", response=write_responses(LoanDetailOut, status=201), tags=LOANS)
def loan_create(request, payload: LoanIn):
    """An application, checked against the product's limits and the borrower's ladder step. Approving it takes
    an evaluation visit and someone other than who applied."""
    user = request.auth
    products = LoanProduct.objects.filter(fund__in=access.funds_visible(user)).select_related("fund")
    product = resolve(products, "product", pk=payload.product)
    services.require_operator(user, product.fund)
    data = payload.model_dump(exclude={"product"})
    data["borrower"] = resolve(access.people_visible(user), "borrower", pk=payload.borrower)
    organization = product.fund.organization_id
    if payload.enterprise is not None:
        data["enterprise"] = resolve(
            Enterprise.objects.filter(organization=organization), "enterprise", pk=payload.enterprise
        )
    if payload.site is not None:
        data["site"] = resolve(Site.objects.filter(organization=organization), "site", pk=payload.site)
    data["applied_on"] = payload.applied_on or _today()
    loan = loans.apply_for_loan(user=user, product=product, data=data)
    return Status(201, _detail(user, loan.pk))


@router.get("/credit/loans/{loan_id}", response=read_responses(LoanDetailOut), tags=LOANS)
def loan_detail(request, loan_id: Id):
    """The loan with its schedule (and the installments a rescheduling replaced), its money movements, its
    events, visits and reschedules; `totals` add up the installments in force."""
    _loan(request, loan_id)
    return _detail(request.auth, loan_id)


@router.post("/credit/loans/{loan_id}/visits", response=write_responses(VisitOut, status=201), tags=LOANS)
def loan_visit(request, loan_id: Id, payload: VisitIn):
    """An evaluation visit before approval, or a follow-up of a disbursed loan with the use verified."""
    loan = _loan(request, loan_id)
    data = payload.model_dump()
    data["visited_on"] = payload.visited_on or _today()
    return Status(201, loans.record_visit(user=request.auth, loan=loan, data=data))


@router.post("/credit/loans/{loan_id}/approve", response=write_responses(LoanDetailOut), tags=LOANS)
def loan_approve(request, loan_id: Id, payload: DecisionIn):
    """By someone other than who prepared the application (403 `same_user`), after an evaluation visit."""
    loan = _loan(request, loan_id)
    loans.approve_loan(user=request.auth, loan=loan, on_date=payload.on_date or _today(), note=payload.note)
    return _detail(request.auth, loan_id)


@router.post("/credit/loans/{loan_id}/reject", response=write_responses(LoanDetailOut), tags=LOANS)
def loan_reject(request, loan_id: Id, payload: RejectIn):
    loan = _loan(request, loan_id)
    loans.reject_loan(user=request.auth, loan=loan, on_date=payload.on_date or _today(), note=payload.note)
    return _detail(request.auth, loan_id)


@router.post("/credit/loans/{loan_id}/disburse", response=write_responses(LoanDetailOut), tags=LOANS)
def loan_disburse(request, loan_id: Id, payload: DisburseIn):
    """Pays an approved loan out of the fund's cash (400 `insufficient_funds` beyond it) and lays out its
    schedule."""
    loan = _loan(request, loan_id)
    loans.disburse_loan(
        user=request.auth,
        loan=loan,
        on_date=payload.on_date or _today(),
        channel=payload.channel,
        receipt=payload.receipt,
        first_repayment_on=payload.first_repayment_on,
    )
    return _detail(request.auth, loan_id)


def _idempotency_key(header: str | None, body: str) -> str:
    header = (header or "").strip()
    body = body.strip()
    if len(header) > 80:
        message = _("Es demasiado largo (máximo %(max_length)s caracteres).") % {"max_length": 80}
        raise ApplicationError(message, code="invalid", fields={"Idempotency-Key": [message]})
    if header and body and header != body:
        message = _("La cabecera Idempotency-Key y el campo idempotency_key no coinciden.")
        raise ApplicationError(message, code="invalid", fields={"idempotency_key": [message]})
    return header or body


IDEMPOTENCY_HEADER = Header(None, alias="Idempotency-Key", description="Or the body's `idempotency_key`.")


@router.post("/credit/loans/{loan_id}/repayments", response=write_responses(TransactionOut, status=201), tags=LOANS)
def loan_repay(
    request,
    response: HttpResponse,
    loan_id: Id,
    payload: RepaymentIn,
    idempotency_key: str | None = IDEMPOTENCY_HEADER,
):
    """A payment, allocated oldest installment first in the product's order; what is left over is kept as the
    borrower's credit. With an idempotency key (the `Idempotency-Key` header or the `idempotency_key` field), the
    same payment sent again answers with the payment already recorded (the same id, and the header
    `Idempotent-Replayed: true`) instead of making a new one; the key with another amount, date or loan is 409."""
    loan = _loan(request, loan_id)
    key = _idempotency_key(idempotency_key, payload.idempotency_key)
    repeated = bool(key) and Transaction.objects.filter(idempotency_key=key, loan=loan).exists()
    movement = loans.record_repayment(
        user=request.auth,
        loan=loan,
        amount=payload.amount,
        on_date=payload.on_date or _today(),
        receipt=payload.receipt,
        idempotency_key=key,
    )
    if repeated:
        response["Idempotent-Replayed"] = "true"
    return Status(201, movement)


@router.get(
    "/credit/loans/{loan_id}/payoff",
    response={200: PayoffOut, ERROR_READ | {400, 409}: Error},
    tags=LOANS,
)
def loan_payoff_quote(request, loan_id: Id, on_date: datetime.date | None = None):
    """What pays the loan off on `on_date` (today by default): principal still owed, interest fallen due and
    accrued to that day, fees and penalties fallen due."""
    loan = _loan(request, loan_id)
    if loan.status != LoanStatus.ACTIVE:
        message = _("Solo se cancela por adelantado un crédito vigente.")
        raise ApplicationError(message, code="not_active", status=409)
    day = on_date or _today()
    if loan.disbursed_on and day < loan.disbursed_on:
        message = _("La fecha es anterior al desembolso del crédito.")
        raise ApplicationError(message, code="before_disbursement", fields={"on_date": [message]})
    quote = loans.payoff_quote(loan, day)
    return {
        "loan": loan.pk,
        "on_date": day,
        "currency": loan.fund.currency,
        "principal": quote.principal,
        "interest": quote.interest,
        "fees": quote.fees,
        "penalties": quote.penalties,
        "total": quote.total,
        "unearned_interest": quote.unearned_interest,
    }


@router.post("/credit/loans/{loan_id}/payoff", response=write_responses(PaidOffOut), tags=LOANS)
def loan_pay_off(request, loan_id: Id, payload: PayOffIn):
    """Closes the loan early on `on_date`: interest not yet accrued is waived and the payoff amount is paid."""
    loan = _loan(request, loan_id)
    movement = loans.pay_off(
        user=request.auth,
        loan=loan,
        on_date=payload.on_date or _today(),
        receipt=payload.receipt,
        idempotency_key=payload.idempotency_key.strip(),
    )
    return {"transaction": movement, "loan": _detail(request.auth, loan_id)}


@router.post("/credit/loans/{loan_id}/refund", response=write_responses(TransactionOut, status=201), tags=LOANS)
def loan_refund(request, loan_id: Id, payload: RefundIn):
    """Gives the borrower back her credit (what she paid beyond what she owed)."""
    loan = _loan(request, loan_id)
    movement = loans.refund_credit(
        user=request.auth, loan=loan, on_date=payload.on_date or _today(), receipt=payload.receipt
    )
    return Status(201, movement)


@router.post("/credit/loans/{loan_id}/reschedule", response=write_responses(LoanDetailOut), tags=LOANS)
def loan_reschedule(request, loan_id: Id, payload: RescheduleIn):
    """Puts the principal still owed on a new schedule; the old installments stay, marked superseded."""
    loan = _loan(request, loan_id)
    loans.reschedule_loan(
        user=request.auth,
        loan=loan,
        on_date=payload.on_date or _today(),
        repayments=payload.repayments,
        first_repayment_on=payload.first_repayment_on,
        reason=payload.reason,
        annual_rate=payload.annual_rate,
    )
    return _detail(request.auth, loan_id)


@router.post("/credit/loans/{loan_id}/write-off", response=write_responses(LoanDetailOut), tags=LOANS)
def loan_write_off_request(request, loan_id: Id, payload: WriteOffIn):
    """Asks for the loan to be written off, with the reason; someone else approves."""
    loan = _loan(request, loan_id)
    loans.request_write_off(user=request.auth, loan=loan, on_date=payload.on_date or _today(), reason=payload.reason)
    return _detail(request.auth, loan_id)


@router.post("/credit/loans/{loan_id}/write-off/approve", response=write_responses(LoanDetailOut), tags=LOANS)
def loan_write_off_approve(request, loan_id: Id, payload: DateIn):
    """Takes the principal still owed off the portfolio as a loss; not by who asked (403 `same_user`)."""
    loan = _loan(request, loan_id)
    loans.approve_write_off(user=request.auth, loan=loan, on_date=payload.on_date or _today())
    return _detail(request.auth, loan_id)


@router.post("/credit/loans/{loan_id}/write-off/cancel", response=write_responses(LoanDetailOut), tags=LOANS)
def loan_write_off_cancel(request, loan_id: Id, payload: DateIn):
    """Withdraws a write-off asked for and not yet approved."""
    loan = _loan(request, loan_id)
    loans.cancel_write_off(user=request.auth, loan=loan)
    return _detail(request.auth, loan_id)


@router.post("/credit/transactions/{transaction_id}/reverse", response=write_responses(TransactionOut), tags=LOANS)
def transaction_reverse(request, transaction_id: Id, payload: ReverseIn):
    """Undoes a wrong payment: it stays on record marked reversed, with who and why; the books get the opposite
    entry and a loan it had closed opens again."""
    movement = _transaction(request, transaction_id)
    loans.reverse_transaction(
        user=request.auth, movement=movement, on_date=payload.on_date or _today(), reason=payload.reason
    )
    return _transaction(request, transaction_id)
