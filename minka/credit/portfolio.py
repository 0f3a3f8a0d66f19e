"""Portfolio quality as of any day, by the CGAP/SEEP definitions, worked out from the loans' transactions.

Every figure is computed for a set of loans (any `Loan` queryset: a fund, an agency, an officer's, a product's)
and a day D, optionally split by fund, site, officer or product. Nothing reads the balances kept on the loans and
installments (they are only right for today): what a loan owed on D is its amount less the principal of the
repayments made on or before D that were never reversed. A reversed payment counts on no day at all, since a
reversal corrects a payment that should not have been recorded.

Definitions (CGAP, "Microfinance Consensus Guidelines: Definitions of selected financial terms, ratios and
adjustments"; SEEP, "Microfinance Financial Reporting Standards"):

- A loan is *outstanding* on D when it was disbursed on or before D and not closed (repaid or written off)
  on or before D. *Active borrowers*: the distinct borrowers with an outstanding loan.
- *Gross loan portfolio* (GLP): the unpaid principal of the outstanding loans.
- *PAR30*, *PAR90*: the whole unpaid principal of the loans with an installment whose principal or interest is
  unpaid more than 30 (90) days after its due date, over the GLP; 0 when the GLP is 0.
- *Write-off ratio*: the principal written off in the period over the period's average GLP.
- *Portfolio yield*: interest, fees and penalties received in the period over the average GLP. It is the
  period's yield, not annualized: over the default period of twelve months the two are the same.
- *Operational self-sufficiency* (OSS): operating income (interest, fees, penalties received) over operating
  expenses plus loan losses (the principal written off) of the period; None when both are zero. Expenses are
  recorded per fund, so split by site, officer or product the OSS is None.
- *On-time repayment rate*: the installments due in the period that were paid in full (principal, interest and
  fees; penalties only arise from lateness) by their due date, over the installments due in the period; the sum
  of numerators over the sum of denominators.
- *Average outstanding balance per borrower* (SEEP's "average outstanding loan balance"): GLP over active
  borrowers; the average per loan is given beside it.

The *average GLP* of a period is the mean of the GLP on the day before the period starts, at the end of each
month inside it, and on its last day: thirteen points for the default twelve months ending on a month's end.

The schedule read for arrears is the one in force now: installments replaced by a rescheduling are left out,
so on a day before a rescheduling the loan's arrears are those of its new schedule.

Money is rounded half-even to the cent, ratios half-even to four decimals (0.1234 is 12.34 %).
"""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

from django.db import connections
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual
from django.utils.translation import gettext as _

from minka.credit.models import (
    Allocation,
    Expense,
    Fund,
    Installment,
    Loan,
    LoanStatus,
    Transaction,
    TransactionKind,
    Visit,
)

CENT = Decimal("0.01")
RATIO_PLACES = Decimal("0.0001")
ZERO = Decimal("0.00")
RATIO_ZERO = Decimal("0.0000")
AMOUNT = DecimalField(max_digits=18, decimal_places=2)
DISBURSED = (LoanStatus.ACTIVE, LoanStatus.CLOSED, LoanStatus.WRITTEN_OFF)
DEFAULT_BUCKETS = (30, 60, 90)

# The ways a portfolio is split: the loan's column for each.
GROUPINGS = {"fund": "fund_id", "site": "site_id", "officer": "officer_id", "product": "product_id"}

# A grouping, seen from a loan ("") or from a row pointing at one ("loan__"): the aliases and their expressions.
Grouping = Callable[[str], dict]


def money(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_EVEN)


def ratio(numerator, denominator) -> Decimal | None:
    """numerator / denominator to four decimals; None when there is nothing to divide by."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATIO_PLACES, rounding=ROUND_HALF_EVEN)


def grouping(by: str | Sequence[str] | None) -> Grouping:
    """The grouping for `by`: None, one of GROUPINGS, or several of them."""
    names = () if by is None else (by,) if isinstance(by, str) else tuple(by)
    unknown = [name for name in names if name not in GROUPINGS]
    if unknown:
        raise ValueError(f"unknown grouping {unknown}; known: {sorted(GROUPINGS)}")
    return lambda path: {f"g_{name}": F(f"{path}{GROUPINGS[name]}") for name in names}


def _grouped(rows: QuerySet, group: Grouping, path: str, **aggregates) -> dict[tuple, dict]:
    """`rows` aggregated per group: {key: {name: value}}, the key a tuple of the group's values (() ungrouped)."""
    expressions = group(path)
    aliases = list(expressions)
    if not aliases:
        return {(): rows.aggregate(**aggregates)}
    result = rows.values(**expressions).annotate(**aggregates).order_by()
    return {tuple(row[a] for a in aliases): {name: row[name] for name in aggregates} for row in result}


# Balances on a past day ---------------------------------------------------------------------------------------


def _repayments(on: datetime.date, start: datetime.date | None = None) -> Q:
    """Repayments that stand (never reversed) made by `on`, and from `start` when given; seen from a transaction."""
    q = Q(kind=TransactionKind.REPAYMENT, reversed_on__isnull=True, on_date__lte=on)
    return q & Q(on_date__gte=start) if start else q


def _sum(queryset: QuerySet, key: str, expression) -> Coalesce:
    """A correlated sum over `queryset` grouped on `key` (the outer row), 0 when there are no rows."""
    total = queryset.order_by().values(key).annotate(total=Sum(expression, output_field=AMOUNT)).values("total")
    return Coalesce(Subquery(total, output_field=AMOUNT), Value(ZERO), output_field=AMOUNT)


def principal_repaid(on: datetime.date) -> Coalesce:
    """Per loan (an expression on a Loan queryset): the principal repaid on or before `on`."""
    return _sum(Transaction.objects.filter(_repayments(on), loan=OuterRef("pk")), "loan", "principal")


def _allocated(on: datetime.date, part: str) -> Coalesce:
    """Per installment: how much of `part` the standing repayments made on or before `on` paid of it."""
    rows = Allocation.objects.filter(
        installment=OuterRef("pk"),
        transaction__kind=TransactionKind.REPAYMENT,
        transaction__reversed_on__isnull=True,
        transaction__on_date__lte=on,
    )
    return _sum(rows, "installment", part)


def installments_unpaid(on: datetime.date) -> QuerySet:
    """The installments (of the schedules in force) due before `on` whose principal or interest was still unpaid
    on `on`: in arrears that day."""
    return (
        Installment.objects.filter(superseded=False, due_date__lt=on)
        .alias(principal_by=_allocated(on, "principal"), interest_by=_allocated(on, "interest"))
        .filter(Q(principal_by__lt=F("principal")) | Q(interest_by__lt=F("interest") - F("interest_waived")))
    )


def overdue_since(on: datetime.date) -> Subquery:
    """Per loan: the due date of its oldest installment in arrears on `on` (None when it was up to date)."""
    oldest = installments_unpaid(on).filter(loan=OuterRef("pk")).order_by("due_date").values("due_date")[:1]
    return Subquery(oldest, output_field=Installment._meta.get_field("due_date"))


def loans_outstanding(loans: QuerySet, on: datetime.date) -> QuerySet:
    """The loans disbursed on or before `on` and not closed or written off on or before it, each with its unpaid
    principal that day (`balance`) and the due date of its oldest installment in arrears (`late_since`)."""
    balance = ExpressionWrapper(F("amount") - principal_repaid(on), output_field=AMOUNT)
    return (
        loans.filter(status__in=DISBURSED, disbursed_on__lte=on)
        .exclude(closed_on__lte=on)
        .exclude(
            Exists(
                Transaction.objects.filter(
                    loan=OuterRef("pk"), kind=TransactionKind.WRITE_OFF, reversed_on__isnull=True, on_date__lte=on
                )
            )
        )
        .annotate(balance=balance, late_since=overdue_since(on))
    )


# Figures on a day ---------------------------------------------------------------------------------------------


@dataclass
class Quality:
    """A portfolio on a day: who owes, how much, and how much of it is at risk."""

    on: datetime.date
    active_loans: int = 0
    active_borrowers: int = 0
    gross_loan_portfolio: Decimal = ZERO
    at_risk_30: Decimal = ZERO
    at_risk_90: Decimal = ZERO

    @property
    def par30(self) -> Decimal:
        return ratio(self.at_risk_30, self.gross_loan_portfolio) or RATIO_ZERO

    @property
    def par90(self) -> Decimal:
        return ratio(self.at_risk_90, self.gross_loan_portfolio) or RATIO_ZERO

    @property
    def average_balance_per_borrower(self) -> Decimal | None:
        return money(self.gross_loan_portfolio / self.active_borrowers) if self.active_borrowers else None

    @property
    def average_balance_per_loan(self) -> Decimal | None:
        return money(self.gross_loan_portfolio / self.active_loans) if self.active_loans else None


def portfolio_quality(*, loans: QuerySet, on: datetime.date, by: str | Sequence[str] | None = None) -> dict:
    """Active loans and borrowers, GLP, PAR30 and PAR90 of `loans` on `on`, per group of `by` (fund, site,
    officer, product). Returns {key: Quality}: the key is () ungrouped, else a tuple of the groups' ids; a group
    without outstanding loans is absent. One query."""
    return quality_grouped(loans=loans, on=on, group=grouping(by))


def _per_loan(loans: QuerySet, on: datetime.date, group: Grouping) -> tuple[str, tuple, list[str]]:
    """The outstanding loans on `on`, one row each with its groups, borrower, balance and oldest due date in
    arrears, as SQL to select from, with its parameters and the groups' column names."""
    expressions = group("")
    rows = (
        loans_outstanding(loans, on)
        .values(**expressions, l_borrower=F("borrower_id"), l_balance=F("balance"), l_late=F("late_since"))
        .order_by()
    )
    sql, params = rows.query.sql_with_params()
    return sql, params, list(expressions)


def _select(loans: QuerySet, sql: str, params) -> list[tuple]:
    with connections[loans.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _decimal(value) -> Decimal:
    # SQLite sums decimals as floats; PostgreSQL returns Decimal. Either way, to the cent.
    return money(Decimal(str(value)) if value is not None else None)


def quality_grouped(*, loans: QuerySet, on: datetime.date, group: Grouping) -> dict:
    """`portfolio_quality` for any grouping of the loans (the results engine splits by territory and sex).

    The per-loan figures are correlated subqueries; aggregating over them as a derived table works each one out
    once per loan, where the ORM's GROUP BY would repeat them inside every sum."""
    inner, params, aliases = _per_loan(loans, on, group)
    q = connections[loans.db].ops.quote_name
    adapt = connections[loans.db].ops.adapt_datefield_value
    cols = [f"t.{q(a)}" for a in aliases]
    balance, late = f"t.{q('l_balance')}", f"t.{q('l_late')}"
    at_risk = f"SUM(CASE WHEN {late} < %s THEN {balance} ELSE 0 END)"
    # Only the ORM's own SQL and quoted aliases go into the text; every value stays a parameter.
    sql = (
        f"SELECT {''.join(c + ', ' for c in cols)}COUNT(*), COUNT(DISTINCT t.{q('l_borrower')}), "  # noqa: S608
        f"SUM({balance}), {at_risk}, {at_risk} FROM ({inner}) t"
    )
    if cols:
        sql += f" GROUP BY {', '.join(cols)}"
    days = (adapt(on - datetime.timedelta(days=30)), adapt(on - datetime.timedelta(days=90)))
    result = {}
    for row in _select(loans, sql, (*days, *params)):
        key, (n, people, glp, risk_30, risk_90) = tuple(row[: len(cols)]), row[len(cols) :]
        if not n:
            continue
        result[key] = Quality(
            on=on,
            active_loans=n,
            active_borrowers=people,
            gross_loan_portfolio=_decimal(glp),
            at_risk_30=_decimal(risk_30),
            at_risk_90=_decimal(risk_90),
        )
    return result


def quality_on(*, loans: QuerySet, on: datetime.date) -> Quality:
    """The whole set's figures on a day (an empty portfolio gives zeros)."""
    return portfolio_quality(loans=loans, on=on).get((), Quality(on=on))


# The aging table ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgingRow:
    code: str  # "current", "1-30", …, "91+"
    label: str
    low: int  # days late, inclusive; 0 for loans up to date
    high: int | None  # inclusive; None for the last bucket
    loans: int
    principal: Decimal


def buckets_parse(text: str) -> tuple[int, ...]:
    """A fund's `arrears_buckets` ("30,60,90": the upper bounds) as sorted positive days."""
    days = sorted({int(part) for part in text.replace(" ", "").split(",") if part})
    if not days or days[0] < 1:
        raise ValueError(f"arrears buckets must be positive days: {text!r}")
    return tuple(days)


def _buckets_of(loans: QuerySet) -> tuple[int, ...]:
    """The buckets of the loans' fund; the default when they span funds that set them differently."""
    settings = set(Fund.objects.filter(pk__in=loans.values("fund_id")).values_list("arrears_buckets", flat=True))
    return buckets_parse(settings.pop()) if len(settings) == 1 else DEFAULT_BUCKETS


def _bucket_ranges(bounds: Sequence[int]) -> list[tuple[str, int, int | None]]:
    ranges = [("current", 0, 0)]
    low = 1
    for high in bounds:
        ranges.append((f"{low}-{high}", low, high))
        low = high + 1
    ranges.append((f"{low}+", low, None))
    return ranges


def _bucket_label(low: int, high: int | None) -> str:
    if low == 0:
        return _("Sin atraso")
    if high is None:
        return _("Más de %(days)s días") % {"days": low - 1}
    return _("De %(low)s a %(high)s días") % {"low": low, "high": high}


def aging(*, loans: QuerySet, on: datetime.date, buckets: Sequence[int] | None = None) -> list[AgingRow]:
    """The outstanding loans on `on` by days in arrears (of their oldest installment in arrears), with the count
    and unpaid principal in each bucket; the principal adds up to the GLP. `buckets` are upper bounds (30, 60, 90
    give current, 1–30, 31–60, 61–90, over 90); by default the loans' fund's. One query (two to read the buckets)."""
    bounds = tuple(buckets) if buckets else _buckets_of(loans)
    ranges = _bucket_ranges(bounds)
    inner, params, _aliases = _per_loan(loans, on, lambda path: {})
    connection = connections[loans.db]
    q, adapt = connection.ops.quote_name, connection.ops.adapt_datefield_value
    late = f"t.{q('l_late')}"
    whens = "".join(f" WHEN {late} >= %s THEN '{code}'" for code, _low, _high in ranges[1:-1])
    limits = [adapt(on - datetime.timedelta(days=high)) for _code, _low, high in ranges[1:-1]]
    # The bucket codes are made here of digits and dashes; the dates are parameters.
    sql = (
        f"SELECT CASE WHEN {late} IS NULL THEN 'current'{whens} ELSE '{ranges[-1][0]}' END, "  # noqa: S608
        f"COUNT(*), SUM(t.{q('l_balance')}) FROM ({inner}) t GROUP BY 1"
    )
    rows = [{"bucket": b, "n": n, "principal": p} for b, n, p in _select(loans, sql, (*limits, *params))]
    found = {row["bucket"]: row for row in rows}
    return [
        AgingRow(
            code=code,
            label=_bucket_label(low, high),
            low=low,
            high=high,
            loans=found.get(code, {}).get("n", 0),
            principal=_decimal(found.get(code, {}).get("principal")),
        )
        for code, low, high in ranges
    ]


# Figures over a period ----------------------------------------------------------------------------------------


def month_end(day: datetime.date) -> datetime.date:
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def months_back(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` months earlier (the month's last day when it has fewer days)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    first = datetime.date(year, month + 1, 1)
    return first.replace(day=min(day.day, month_end(first).day))


def period_start(on: datetime.date, months: int = 12) -> datetime.date:
    """The first day of the `months` months that end on `on`: 31 Dec 2025 → 1 Jan 2025."""
    return months_back(on, months) + datetime.timedelta(days=1)


def average_points(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The days the average GLP is read on: the eve of the period, each month's end inside it, and its end."""
    points = [start - datetime.timedelta(days=1)]
    day = month_end(start)
    while day < end:
        points.append(day)
        day = month_end(day + datetime.timedelta(days=1))
    points.append(end)
    return points


@dataclass
class PeriodFigures:
    """What happened to a portfolio over a period: income, losses, costs and punctuality."""

    start: datetime.date
    end: datetime.date
    average_glp: Decimal = ZERO
    written_off: Decimal = ZERO
    interest: Decimal = ZERO
    fees: Decimal = ZERO
    penalties: Decimal = ZERO
    operating_expenses: Decimal | None = ZERO  # None: not recorded for this group (a site, an officer)
    installments_due: int = 0
    installments_on_time: int = 0

    @property
    def financial_income(self) -> Decimal:
        return self.interest + self.fees + self.penalties

    @property
    def write_off_ratio(self) -> Decimal | None:
        return ratio(self.written_off, self.average_glp)

    @property
    def portfolio_yield(self) -> Decimal | None:
        return ratio(self.financial_income, self.average_glp)

    @property
    def operational_self_sufficiency(self) -> Decimal | None:
        if self.operating_expenses is None:
            return None
        return ratio(self.financial_income, self.operating_expenses + self.written_off)

    @property
    def on_time_rate(self) -> Decimal | None:
        return ratio(self.installments_on_time, self.installments_due)


def _paid_by_due_date() -> Coalesce:
    """Per installment: principal, interest and fees paid by standing repayments on or before its due date."""
    rows = Allocation.objects.filter(
        installment=OuterRef("pk"),
        transaction__kind=TransactionKind.REPAYMENT,
        transaction__reversed_on__isnull=True,
        transaction__on_date__lte=OuterRef("due_date"),
    )
    return _sum(rows, "installment", F("principal") + F("interest") + F("fees"))


def installments_due(loans: QuerySet, start: datetime.date, end: datetime.date) -> QuerySet:
    """The installments (of the schedules in force) of disbursed `loans` due from `start` to `end`, except those
    falling due after their loan was closed or written off; `on_time` says whether each was paid in full by its
    due date."""
    due = F("principal") + F("interest") - F("interest_waived") + F("fees") - F("fees_waived")
    return (
        Installment.objects.filter(
            loan__in=loans.filter(status__in=DISBURSED), superseded=False, due_date__gte=start, due_date__lte=end
        )
        .filter(Q(loan__closed_on__isnull=True) | Q(due_date__lte=F("loan__closed_on")))
        .annotate(on_time=Case(When(GreaterThanOrEqual(_paid_by_due_date(), due), then=Value(1)), default=Value(0)))
    )


def _expenses_grouped(loans: QuerySet, names: tuple[str, ...], start, end) -> dict[tuple, Decimal] | None:
    """Operating expenses of the loans' funds in the period, per fund or in all; None for other groupings."""
    if names not in ((), ("fund",)):
        return None
    expenses = Expense.objects.filter(fund__in=loans.values("fund_id"), spent_on__gte=start, spent_on__lte=end)
    if not names:
        return {(): money(expenses.aggregate(total=Sum("amount"))["total"])}
    rows = expenses.values("fund_id").annotate(total=Sum("amount")).order_by()
    return {(row["fund_id"],): money(row["total"]) for row in rows}


def period_figures(
    *,
    loans: QuerySet,
    on: datetime.date,
    start: datetime.date | None = None,
    by: str | Sequence[str] | None = None,
) -> dict:
    """Write-offs, income, operating expenses and installments due of `loans` from `start` (by default twelve
    months before) to `on`, with their average GLP, per group of `by`: {key: PeriodFigures}. Operating expenses
    are only known per fund: split otherwise, `operating_expenses` (and so the OSS) is None. Queries: one per
    point of the average GLP (13 for a year), and four more."""
    start = start or period_start(on)
    names = () if by is None else (by,) if isinstance(by, str) else tuple(by)
    expenses = _expenses_grouped(loans, names, start, on)
    return figures_grouped(loans=loans, on=on, start=start, group=grouping(by), expenses=expenses)


def figures_grouped(*, loans, on, start, group: Grouping, expenses: dict | None = None) -> dict:
    """`period_figures` for any grouping; `expenses` per key (None: unknown)."""
    points = average_points(start, on)
    glps = [quality_grouped(loans=loans, on=day, group=group) for day in points]
    keys = set().union(*glps)
    transactions = Transaction.objects.filter(loan__in=loans, on_date__gte=start, on_date__lte=on)
    written = _grouped(
        transactions.filter(kind=TransactionKind.WRITE_OFF, reversed_on__isnull=True),
        group,
        "loan__",
        amount=Sum("amount", output_field=AMOUNT),
    )
    income = _grouped(
        transactions.filter(_repayments(on, start)),
        group,
        "loan__",
        interest=Sum("interest", output_field=AMOUNT),
        fees=Sum("fees", output_field=AMOUNT),
        penalties=Sum("penalties", output_field=AMOUNT),
    )
    due = _grouped(installments_due(loans, start, on), group, "loan__", n=Count("pk"), punctual=Sum("on_time"))
    keys |= set(written) | set(income) | set(due) | set(expenses or ())
    if not any(group("")):
        keys.add(())
    result = {}
    for key in keys:
        paid = income.get(key, {})
        result[key] = PeriodFigures(
            start=start,
            end=on,
            average_glp=money(sum((g[key].gross_loan_portfolio for g in glps if key in g), ZERO) / len(points)),
            written_off=money(written.get(key, {}).get("amount")),
            interest=money(paid.get("interest")),
            fees=money(paid.get("fees")),
            penalties=money(paid.get("penalties")),
            operating_expenses=None if expenses is None else expenses.get(key, ZERO),
            installments_due=due.get(key, {}).get("n") or 0,
            installments_on_time=due.get(key, {}).get("punctual") or 0,
        )
    return result


# Trend ----------------------------------------------------------------------------------------------------------


def trend(*, loans: QuerySet, on: datetime.date, months: int = 12) -> list[Quality]:
    """The portfolio at the end of each of the last `months` months up to `on`, oldest first; the last point is
    `on` itself when it is not a month's end. One query per month."""
    ends = [month_end(months_back(on.replace(day=1), back)) for back in range(months - 1, 0, -1)]
    ends.append(on)
    return [quality_on(loans=loans, on=day) for day in ends]


# A borrower's statement -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementInstallment:
    number: int
    due_date: datetime.date
    principal: Decimal
    interest: Decimal
    fees: Decimal
    penalties: Decimal
    principal_paid: Decimal
    interest_paid: Decimal
    fees_paid: Decimal
    penalties_paid: Decimal
    due: Decimal
    paid: Decimal
    outstanding: Decimal
    days_late: int  # on the statement's day: 0 when paid or not yet due


@dataclass(frozen=True)
class StatementLine:
    on_date: datetime.date
    kind: str  # a TransactionKind value, or "reversal"
    label: str
    amount: Decimal
    principal: Decimal  # the change to the principal owed (+ a disbursement or a reversal, − a repayment)
    interest: Decimal
    fees: Decimal
    penalties: Decimal
    receipt: str
    balance: Decimal  # principal owed after this line
    transaction_id: int
    reversed: bool = False


@dataclass
class Statement:
    loan: Loan
    on: datetime.date
    installments: list[StatementInstallment] = field(default_factory=list)
    lines: list[StatementLine] = field(default_factory=list)

    @property
    def principal_balance(self) -> Decimal:
        return self.lines[-1].balance if self.lines else ZERO


def loan_statement(*, loan: Loan, on: datetime.date | None = None) -> Statement:
    """A borrower's statement of one loan as of `on` (default: every record): each installment of the schedule in
    force with what is due and what had been paid of each part on `on`, and the loan's transactions in date order
    with the principal owed after each. A reversed payment shows twice: on its day, and on the day it was
    reversed, where it puts the principal back. Two queries: the installments and the transactions."""
    on = on or datetime.date.max
    statement = Statement(loan=loan, on=on)
    installments = (
        loan.installments.filter(superseded=False)
        .annotate(**{f"{part}_by": _allocated(on, part) for part in ("principal", "interest", "fees", "penalties")})
        .order_by("number")
    )
    for inst in installments:
        due_parts = (inst.principal, inst.interest - inst.interest_waived, inst.fees - inst.fees_waived, inst.penalties)
        paid_parts = (inst.principal_by, inst.interest_by, inst.fees_by, inst.penalties_by)
        due, paid = sum(due_parts, ZERO), sum(paid_parts, ZERO)
        unpaid_core = inst.principal_by < inst.principal or inst.interest_by < due_parts[1]
        late = (on - inst.due_date).days if unpaid_core and on != datetime.date.max and inst.due_date < on else 0
        statement.installments.append(
            StatementInstallment(
                number=inst.number,
                due_date=inst.due_date,
                principal=inst.principal,
                interest=due_parts[1],
                fees=inst.fees,
                penalties=inst.penalties,
                principal_paid=money(inst.principal_by),
                interest_paid=money(inst.interest_by),
                fees_paid=money(inst.fees_by),
                penalties_paid=money(inst.penalties_by),
                due=money(due),
                paid=money(paid),
                outstanding=money(due - paid),
                days_late=max(0, late),
            )
        )
    events = []
    for tx in loan.transactions.filter(on_date__lte=on).order_by("on_date", "pk"):
        sign = {TransactionKind.DISBURSEMENT: 1, TransactionKind.REPAYMENT: -1, TransactionKind.WRITE_OFF: -1}
        principal = tx.amount if tx.kind in (TransactionKind.DISBURSEMENT, TransactionKind.WRITE_OFF) else tx.principal
        if tx.kind == TransactionKind.REFUND:
            principal = ZERO
        change = sign.get(tx.kind, 0) * principal
        reversed_then = tx.reversed_on is not None and tx.reversed_on <= on
        events.append((tx.on_date, 0, tx.pk, tx, tx.kind, str(tx.get_kind_display()), change, reversed_then))
        if reversed_then:
            events.append((tx.reversed_on, 1, tx.pk, tx, "reversal", _("Reversión de pago"), -change, False))
    balance = ZERO
    for on_date, _order, _pk, tx, kind, label, change, reversed_then in sorted(events, key=lambda e: e[:3]):
        balance += change
        factor = -1 if kind == "reversal" else 1
        statement.lines.append(
            StatementLine(
                on_date=on_date,
                kind=kind,
                label=label,
                amount=factor * tx.amount,
                principal=money(change),
                interest=factor * tx.interest,
                fees=factor * tx.fees,
                penalties=factor * tx.penalties,
                receipt=tx.receipt,
                balance=money(balance),
                transaction_id=tx.pk,
                reversed=reversed_then,
            )
        )
    return statement


# Credit use -------------------------------------------------------------------------------------------------------


def latest_use_verified(on: datetime.date | None = None) -> Subquery:
    """Per loan: what the latest follow-up visit (not the evaluation before approval) on or before `on` found
    the credit was used for (`UseVerified`), among visits that recorded it; None when none did."""
    visits = Visit.objects.filter(loan=OuterRef("pk"), is_evaluation=False).exclude(use_verified="")
    if on:
        visits = visits.filter(visited_on__lte=on)
    return Subquery(visits.order_by("-visited_on", "-pk").values("use_verified")[:1])
