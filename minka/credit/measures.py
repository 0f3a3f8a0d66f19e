"""Credit measures for the results engine: a program's results page shows the portfolio of the funds it runs.

A measure's scope is the program (the funds whose `program` it is), narrowed to organizations (the fund's) and
territories (the district of the loan's site or agency). Figures that are a state (active borrowers, gross
portfolio, PAR) are read on the scope's last day (today when it has none or it is still ahead); the on-time rate
and the credit use are over the scope's window. Splits: the borrower's sex, age band and youth (personal: each
loan or borrower in one cell), the fund's organization and the site's department, province and district.

Counts of borrowers split by organization or place may put one borrower (with two loans) in two cells, and say so;
money adds up in every split. A ratio with nothing under it (no portfolio, no installment due) has no value.
The records behind every credit figure are the borrowers of the loans it counts.

Registered from `CreditConfig.ready`.
"""

import datetime
from collections.abc import Callable
from dataclasses import replace

from django.db.models import Case, Count, F, IntegerField, Min, Q, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.credit.models import Loan, UseVerified
from minka.credit.portfolio import (
    DISBURSED,
    figures_grouped,
    installments_due,
    latest_use_verified,
    loans_outstanding,
    quality_grouped,
)
from minka.people.models import Participant
from minka.results.arithmetic import Cell, percent
from minka.results.dimensions import person_expressions, place_expressions
from minka.results.measures import Measure, Outcome, Scope, _alias, _in_territories, _where, register

PERSONAL = ("sex", "age_band", "youth")
CREDIT_DIMENSIONS = (*PERSONAL, "organization", "department", "province", "district")
BEGINNING = datetime.date(1900, 1, 1)


def loans_in_scope(scope: Scope) -> QuerySet:
    """The loans of the funds of the scope's program, of its organizations, at sites in its territories."""
    loans = Loan.objects.filter(fund__program_id=scope.program_id)
    if scope.organization_ids:
        loans = loans.filter(fund__organization_id__in=scope.organization_ids)
    if scope.territory_codes:
        loans = loans.filter(_in_territories("site__district_id", scope.territory_codes))
    return loans


def scope_day(scope: Scope) -> datetime.date:
    """The day a state is read on: the window's end, else the phase's, and never later than today."""
    today = timezone.localdate()
    end = scope.end or scope.phase_end
    return min(end, today) if end else today


def scope_start(scope: Scope) -> datetime.date:
    return scope.start or scope.phase_start or BEGINNING


def loan_expressions(path: str, reference: datetime.date) -> dict:
    """SQL for each credit dimension, seen from a loan (`path` "") or a row pointing at one ("loan__")."""
    person = person_expressions(f"{path}borrower__", reference)
    return {
        **{dim: person[dim] for dim in PERSONAL},
        "organization": F(f"{path}fund__organization_id"),
        **place_expressions(f"{path}site__district_id"),
    }


def _group(dims, reference) -> Callable[[str], dict]:
    return lambda path: {_alias(d): loan_expressions(path, reference)[d] for d in dims}


def _reference(dims, day) -> datetime.date | None:
    return day if set(dims) & {"age_band", "youth"} else None


def _keys(grouped: dict, dims) -> list[tuple]:
    return sorted(grouped, key=lambda key: tuple((value is None, str(value)) for value in key)) if dims else []


def _borrower_records(loans: QuerySet, where: dict, day: datetime.date) -> QuerySet:
    loans = _where(loans, where, loan_expressions("", day))
    return Participant.objects.filter(pk__in=loans.values("borrower_id"))


# On the scope's day: borrowers, portfolio, risk ---------------------------------------------------------------


def _quality(scope: Scope, dims):
    day = scope_day(scope)
    loans = loans_in_scope(scope)
    total = quality_grouped(loans=loans, on=day, group=lambda path: {}).get(())
    cells = quality_grouped(loans=loans, on=day, group=_group(dims, day)) if dims else {}
    return day, total, cells


def active_borrowers(scope: Scope, dims=()) -> Outcome:
    day, total, cells = _quality(scope, dims)
    n = total.active_borrowers if total else 0
    return Outcome(
        total=Cell((), n, n),
        cells=[Cell(key, q.active_borrowers, q.active_borrowers) for key in _keys(cells, dims) for q in [cells[key]]],
        additive=all(d in PERSONAL for d in dims),
        age_reference=_reference(dims, day),
    )


def gross_loan_portfolio(scope: Scope, dims=()) -> Outcome:
    day, total, cells = _quality(scope, dims)

    def cell(key, q):
        return Cell(key, q.gross_loan_portfolio if q else None, q.active_borrowers if q else 0)

    return Outcome(
        total=cell((), total),
        cells=[cell(key, cells[key]) for key in _keys(cells, dims)],
        age_reference=_reference(dims, day),
    )


def _par(days: int) -> Callable[[Scope, tuple], Outcome]:
    def compute(scope: Scope, dims=()) -> Outcome:
        day, total, cells = _quality(scope, dims)

        def cell(key, q):
            if not q:
                return Cell(key, None, 0)
            at_risk = q.at_risk_30 if days == 30 else q.at_risk_90
            glp = q.gross_loan_portfolio
            return Cell(key, percent(at_risk, glp) if glp else None, q.active_borrowers, at_risk, glp)

        return Outcome(
            total=cell((), total),
            cells=[cell(key, cells[key]) for key in _keys(cells, dims)],
            additive=False,
            age_reference=_reference(dims, day),
        )

    return compute


def outstanding_records(scope: Scope, where: dict) -> QuerySet:
    day = scope_day(scope)
    return _borrower_records(loans_outstanding(loans_in_scope(scope), day), where, day)


def _at_risk_records(days: int) -> Callable[[Scope, dict], QuerySet]:
    def records(scope: Scope, where: dict) -> QuerySet:
        day = scope_day(scope)
        outstanding = loans_outstanding(loans_in_scope(scope), day)
        at_risk = outstanding.filter(late_since__lt=day - datetime.timedelta(days=days))
        return _borrower_records(at_risk, where, day)

    return records


# Over the scope's window: punctuality and credit use ----------------------------------------------------------


def _share(key, numerator, denominator, size) -> Cell:
    value = percent(numerator, denominator) if denominator else None
    return Cell(key, value, size, numerator, denominator)


def on_time_repayment(scope: Scope, dims=()) -> Outcome:
    day, start = scope_day(scope), scope_start(scope)
    rows = installments_due(loans_in_scope(scope), start, day)

    def grouped(group):
        aggregates = {"n": Count("pk"), "punctual": Sum("on_time"), "people": Count("loan__borrower", distinct=True)}
        if not group:
            return {(): rows.aggregate(**aggregates)}
        return {tuple(row[a] for a in group): row for row in rows.values(**group).annotate(**aggregates).order_by()}

    def cell(key, row):
        return _share(key, row["punctual"] or 0, row["n"] or 0, row["people"] or 0)

    cells = grouped(_group(dims, day)("loan__")) if dims else {}
    return Outcome(
        total=cell((), grouped({})[()]),
        cells=[cell(key, cells[key]) for key in _keys(cells, dims)],
        additive=False,
        age_reference=_reference(dims, day),
    )


def on_time_records(scope: Scope, where: dict) -> QuerySet:
    day = scope_day(scope)
    due = installments_due(loans_in_scope(scope), scope_start(scope), day)
    return _borrower_records(loans_in_scope(scope).filter(pk__in=due.values("loan_id")), where, day)


def verified_loans(scope: Scope) -> QuerySet:
    """The disbursed loans in scope whose latest follow-up visit by the scope's day recorded what the credit was
    used for, with that finding (`use`); with a window start, only those whose latest such visit fell in it."""
    day = scope_day(scope)
    loans = loans_in_scope(scope).filter(status__in=DISBURSED).alias(use=latest_use_verified(day))
    loans = loans.filter(use__isnull=False)
    if scope.start:
        from minka.credit.models import Visit

        in_window = Visit.objects.filter(is_evaluation=False, visited_on__gte=scope.start, visited_on__lte=day)
        loans = loans.filter(pk__in=in_window.exclude(use_verified="").values("loan_id"))
    return loans


def used_as_planned(scope: Scope, dims=()) -> Outcome:
    day = scope_day(scope)
    loans = verified_loans(scope)
    as_planned = Sum(
        Case(When(use=UseVerified.AS_PLANNED, then=Value(1)), default=Value(0)), output_field=IntegerField()
    )
    aggregates = {"n": Count("pk"), "yes": as_planned, "people": Count("borrower", distinct=True)}

    def cell(key, row):
        return _share(key, row["yes"] or 0, row["n"] or 0, row["people"] or 0)

    cells = {}
    if dims:
        group = _group(dims, day)("")
        rows = loans.values(**group).annotate(**aggregates).order_by()
        cells = {tuple(row[a] for a in group): row for row in rows}
    return Outcome(
        total=cell((), loans.aggregate(**aggregates)),
        cells=[cell(key, cells[key]) for key in _keys(cells, dims)],
        additive=False,
        age_reference=_reference(dims, day),
    )


def used_as_planned_records(scope: Scope, where: dict) -> QuerySet:
    return _borrower_records(verified_loans(scope), where, scope_day(scope))


def disbursed_in_scope(scope: Scope) -> QuerySet:
    return loans_in_scope(scope).filter(disbursed_on__gte=scope_start(scope), disbursed_on__lte=scope_day(scope))


def loans_disbursed(scope: Scope, dims=()) -> Outcome:
    """Credits granted (disbursed) in the window: each loan once; a cell's size is its distinct borrowers."""
    day, loans = scope_day(scope), disbursed_in_scope(scope)
    aggregates = {"n": Count("pk"), "people": Count("borrower", distinct=True)}

    def cell(key, row):
        return Cell(key, row["n"] or 0, row["people"] or 0)

    cells = {}
    if dims:
        group = _group(dims, day)("")
        cells = {tuple(row[a] for a in group): row for row in loans.values(**group).annotate(**aggregates).order_by()}
    return Outcome(
        total=cell((), loans.aggregate(**aggregates)),
        cells=[cell(key, cells[key]) for key in _keys(cells, dims)],
        age_reference=_reference(dims, day),
    )


def disbursed_records(scope: Scope, where: dict) -> QuerySet:
    return _borrower_records(disbursed_in_scope(scope), where, scope_day(scope))


# Over the scope's window: the fund's economics (no split) ------------------------------------------------------


def _period(scope: Scope):
    """The scope's window (by default the twelve months up to its day) seen by `portfolio.figures_grouped`, with
    the operating expenses of the scope's funds (those of its organizations; a territory has none of its own)."""
    from minka.credit.models import Expense
    from minka.credit.portfolio import money, period_start

    day = scope_day(scope)
    start = scope.start or scope.phase_start or period_start(day)
    loans = loans_in_scope(scope)
    expenses = None
    if not scope.territory_codes:
        funds = Expense.objects.filter(fund__program_id=scope.program_id, spent_on__gte=start, spent_on__lte=day)
        if scope.organization_ids:
            funds = funds.filter(fund__organization_id__in=scope.organization_ids)
        expenses = {(): money(funds.aggregate(total=Sum("amount"))["total"])}
    figures = figures_grouped(loans=loans, on=day, start=start, group=lambda path: {}, expenses=expenses)
    return figures[()]


def _economic(numerator: Callable, denominator: Callable) -> Callable[[Scope, tuple], Outcome]:
    def compute(scope: Scope, dims=()) -> Outcome:
        figures = _period(scope)
        n, d = numerator(figures), denominator(figures)
        value = percent(n, d) if (d and n is not None) else None
        return Outcome(total=Cell((), value, 0, n, d), additive=False)

    return compute


def period_records(scope: Scope, where: dict) -> QuerySet:
    day = scope_day(scope)
    start = scope.start or scope.phase_start or BEGINNING
    loans = loans_in_scope(scope).filter(status__in=DISBURSED, disbursed_on__lte=day)
    loans = loans.filter(Q(closed_on__isnull=True) | Q(closed_on__gte=start))
    return _borrower_records(loans, where, day)


def _expenses_and_losses(figures):
    return None if figures.operating_expenses is None else figures.operating_expenses + figures.written_off


# The catalogue ----------------------------------------------------------------------------------------------------

CREDIT_MEASURES = (
    Measure(
        code="credit_loans_disbursed",
        label=_("Créditos desembolsados"),
        unit="other",
        counts="people",
        kind="count",
        dimensions=CREDIT_DIMENSIONS,
        compute=loans_disbursed,
        records=disbursed_records,
        description=_("Créditos desembolsados en el periodo, cada uno una vez (una persona puede tener varios)."),
    ),
    Measure(
        code="credit_active_borrowers",
        label=_("Prestatarias/os activas/os"),
        unit="people",
        counts="people",
        kind="count",
        dimensions=CREDIT_DIMENSIONS,
        compute=active_borrowers,
        records=outstanding_records,
        description=_("Personas distintas con un crédito desembolsado y no cancelado ni castigado al cierre."),
    ),
    Measure(
        code="credit_gross_portfolio",
        label=_("Cartera bruta de créditos"),
        unit="soles",
        counts="people",
        kind="sum",
        dimensions=CREDIT_DIMENSIONS,
        compute=gross_loan_portfolio,
        records=outstanding_records,
        description=_("Capital pendiente de pago de los créditos vigentes al cierre."),
    ),
    Measure(
        code="credit_par30",
        label=_("Cartera en riesgo a más de 30 días (PAR30)"),
        unit="percent",
        counts="people",
        kind="percent",
        dimensions=CREDIT_DIMENSIONS,
        compute=_par(30),
        records=_at_risk_records(30),
        description=_(
            "Todo el capital pendiente de los créditos con alguna cuota impaga más de 30 días después de su "
            "vencimiento, sobre la cartera bruta, al cierre."
        ),
    ),
    Measure(
        code="credit_par90",
        label=_("Cartera en riesgo a más de 90 días (PAR90)"),
        unit="percent",
        counts="people",
        kind="percent",
        dimensions=CREDIT_DIMENSIONS,
        compute=_par(90),
        records=_at_risk_records(90),
        description=_(
            "Todo el capital pendiente de los créditos con alguna cuota impaga más de 90 días después de su "
            "vencimiento, sobre la cartera bruta, al cierre."
        ),
    ),
    Measure(
        code="credit_on_time_rate",
        label=_("Cuotas pagadas a tiempo"),
        unit="percent",
        counts="people",
        kind="percent",
        dimensions=CREDIT_DIMENSIONS,
        compute=on_time_repayment,
        records=on_time_records,
        description=_(
            "Cuotas que vencieron en el periodo pagadas por completo a su vencimiento, sobre las que vencieron."
        ),
    ),
    Measure(
        code="credit_used_as_planned",
        label=_("Créditos usados según lo previsto"),
        unit="percent",
        counts="people",
        kind="percent",
        dimensions=CREDIT_DIMENSIONS,
        compute=used_as_planned,
        records=used_as_planned_records,
        description=_(
            "Créditos cuya última visita de seguimiento encontró el uso previsto, sobre los créditos cuya última "
            "visita verificó el uso."
        ),
    ),
    Measure(
        code="credit_write_off_ratio",
        label=_("Tasa de castigos"),
        unit="percent",
        counts="people",
        kind="percent",
        dimensions=(),
        compute=_economic(lambda f: f.written_off, lambda f: f.average_glp),
        records=period_records,
        description=_(
            "Capital castigado en el periodo (por defecto, los 12 meses al cierre) sobre la cartera bruta promedio."
        ),
    ),
    Measure(
        code="credit_portfolio_yield",
        label=_("Rendimiento de la cartera"),
        unit="percent",
        counts="people",
        kind="percent",
        dimensions=(),
        compute=_economic(lambda f: f.financial_income, lambda f: f.average_glp),
        records=period_records,
        description=_("Intereses, comisiones y moras cobrados en el periodo sobre la cartera bruta promedio."),
    ),
    Measure(
        code="credit_self_sufficiency",
        label=_("Autosuficiencia operativa"),
        unit="percent",
        counts="people",
        kind="percent",
        dimensions=(),
        compute=_economic(lambda f: f.financial_income, _expenses_and_losses),
        records=period_records,
        description=_(
            "Ingresos por intereses, comisiones y moras del periodo sobre sus gastos operativos más los castigos."
        ),
    ),
)


def lending_span(program_id: int) -> tuple[datetime.date, datetime.date] | None:
    """From the program's first disbursement to today: what a credit indicator's trend runs over."""
    first = Loan.objects.filter(fund__program_id=program_id, disbursed_on__isnull=False).aggregate(
        first=Min("disbursed_on")
    )["first"]
    return (first, max(first, timezone.localdate())) if first else None


def credit_measures_register() -> None:
    for measure in CREDIT_MEASURES:
        register(replace(measure, span=lending_span))
