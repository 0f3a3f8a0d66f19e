"""Portfolio quality on hand-known loans built through the services: a flat 12 % product, so each monthly
installment is a round share of the principal plus 1 % of the amount.

The book (all 2025), fund Alfa, product "Plano":
- A (Ana, CDE Urcos, credit_a): 1,200 in 4 × (300 + 12), disbursed 3 Jan, due 3 Feb, 3 Mar, 3 Apr, 3 May; pays
  the first on 3 Feb, nothing else.
- B (Bea, CDE Urcos): 600 in 2 × (300 + 6), disbursed 3 Jan; pays both on their day: closed on 3 Mar.
- C (Carla, agency Otuzco, officer admin_a): 1,000 in 2 × (500 + 10), disbursed 3 Mar, due 3 Apr, 3 May; a
  payment of 510 on 3 Apr is reversed on 5 Apr.
- D (Dora, CDE Urcos): 500 in 2 × (250 + 5), disbursed 10 Jan, due 10 Feb, 10 Mar; pays nothing.
- E (Eva, CDE Urcos): 400 in 1 × (400 + 4), disbursed 5 Jan, due 5 Feb; written off on 10 Apr.
- An operating expense of 50 on 15 Feb.
"""

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minka.credit import loans, portfolio, services
from minka.credit.models import Loan, LoanStatus, Transaction, TransactionKind
from minka.credit.tests.conftest import credit_create
from minka.network.models import Site
from minka.results.measures import MEASURES, Scope

pytestmark = pytest.mark.django_db

D = datetime.date
M = Decimal
DAY = D(2025, 4, 15)


class Book:
    def __init__(self, world):
        self.world = world
        self.credit = credit_create(world)
        self.fund = self.credit.fund
        self.product = services.create_product(
            user=world.admin_a,
            fund=self.fund,
            data={
                "name": "Plano",
                "min_amount": M("100"),
                "max_amount": M("5000"),
                "annual_rate": M("12"),
                "max_annual_rate": M("24"),
                "method": "flat",
                "min_repayments": 1,
                "max_repayments": 12,
            },
        )
        self.otuzco = Site.objects.create(
            organization=world.org_a, name="Agencia Otuzco", kind="agency", district_id="130101"
        )

    def loan(self, name, amount, repayments, disbursed, first, *, site=None, officer=None) -> Loan:
        borrower = self.credit.borrower(name)
        loan = loans.apply_for_loan(
            user=self.world.credit_a,
            product=self.product,
            data={
                "borrower": borrower,
                "amount": M(amount),
                "repayments": repayments,
                "use_category": "raw_materials",
                "use_description": "Lana",
                "applied_on": disbursed,
                "site": site or self.world.site_a,
                "officer": officer,
            },
        )
        loans.record_visit(
            user=self.world.credit_a,
            loan=loan,
            data={"visited_on": disbursed, "is_evaluation": True, "business_status": "stable", "findings": "Teje."},
        )
        loans.approve_loan(user=self.world.admin_a, loan=loan, on_date=disbursed)
        return loans.disburse_loan(
            user=self.world.credit_a, loan=loan, on_date=disbursed, channel="cash", first_repayment_on=first
        )

    def pay(self, loan, amount, on) -> Transaction:
        return loans.record_repayment(user=self.world.credit_a, loan=loan, amount=M(amount), on_date=on)

    def visit(self, loan, on, use):
        loans.record_visit(
            user=self.world.credit_a,
            loan=loan,
            data={"visited_on": on, "use_verified": use, "business_status": "stable", "findings": "Vende."},
        )


@pytest.fixture
def book(world):
    b = Book(world)
    b.a = b.loan("Ana", "1200", 4, D(2025, 1, 3), D(2025, 2, 3))
    b.b = b.loan("Bea", "600", 2, D(2025, 1, 3), D(2025, 2, 3))
    b.c = b.loan("Carla", "1000", 2, D(2025, 3, 3), D(2025, 4, 3), site=b.otuzco, officer=world.admin_a)
    b.d = b.loan("Dora", "500", 2, D(2025, 1, 10), D(2025, 2, 10))
    b.e = b.loan("Eva", "400", 1, D(2025, 1, 5), D(2025, 2, 5))
    b.pay(b.a, "312", D(2025, 2, 3))
    b.pay(b.b, "306", D(2025, 2, 3))
    b.pay(b.b, "306", D(2025, 3, 3))
    wrong = b.pay(b.c, "510", D(2025, 4, 3))
    loans.reverse_transaction(user=world.credit_a, movement=wrong, on_date=D(2025, 4, 5), reason="Era de otra")
    loans.request_write_off(user=world.credit_a, loan=b.e, on_date=D(2025, 4, 9), reason="Se mudó")
    loans.approve_write_off(user=world.admin_a, loan=b.e, on_date=D(2025, 4, 10))
    services.add_expense(
        user=world.admin_a,
        fund=b.fund,
        data={"amount": M("50"), "spent_on": D(2025, 2, 15), "description": "Movilidad"},
    )
    return b


def everything(book):
    return Loan.objects.filter(fund=book.fund)


def test_the_schedules_are_the_round_ones_the_book_assumes(book):
    rows = [(r.due_date, r.principal, r.interest) for r in book.a.installments.order_by("number")]
    assert rows == [(D(2025, m, 3), M("300.00"), M("12.00")) for m in (2, 3, 4, 5)]
    assert Loan.objects.get(pk=book.b.pk).closed_on == D(2025, 3, 3)
    assert Loan.objects.get(pk=book.e.pk).status == LoanStatus.WRITTEN_OFF


# On a day -------------------------------------------------------------------------------------------------------


def test_par30_counts_the_whole_unpaid_principal_of_a_loan_one_installment_late(book):
    q = portfolio.quality_on(loans=everything(book), on=DAY)
    assert (q.active_loans, q.active_borrowers) == (3, 3)  # A, C, D; B closed, E written off
    assert q.gross_loan_portfolio == M("2400.00")
    # A: one installment (3 Mar) 43 days late, but all its 900 is at risk; D: 500; C is 12 days late only.
    assert q.at_risk_30 == M("1400.00")
    assert q.par30 == M("0.5833")
    assert q.at_risk_90 == M("0.00") and q.par90 == M("0.0000")
    assert q.average_balance_per_borrower == M("800.00")


def test_thirty_days_late_is_not_yet_over_thirty(book):
    # A's 3 March installment: 30 days late on 2 April, 31 on 3 April.
    on_2 = portfolio.quality_on(loans=everything(book), on=D(2025, 4, 2))
    on_3 = portfolio.quality_on(loans=everything(book), on=D(2025, 4, 3))
    assert on_2.at_risk_30 == M("900.00")  # D and E
    assert on_3.at_risk_30 == M("1800.00")  # and A
    # C's payment of 3 April was reversed: it counts on no day, so C still owes its 1,000 that day.
    assert on_3.gross_loan_portfolio == M("2800.00")
    assert on_3.par30 == M("0.6429")


def test_a_past_day_ignores_later_payments(book):
    before = portfolio.quality_on(loans=everything(book), on=DAY)
    book.pay(book.a, "312", D(2025, 4, 20))
    book.pay(book.d, "510", D(2025, 4, 25))
    assert portfolio.quality_on(loans=everything(book), on=DAY) == before
    after = portfolio.quality_on(loans=everything(book), on=D(2025, 4, 30))
    # A paid its March installment: its April one is 27 days late. D paid everything: closed.
    assert after.gross_loan_portfolio == M("1600.00")
    assert after.at_risk_30 == M("0.00")
    assert after.active_borrowers == 2


def test_par90_and_a_reversed_payment(book):
    q = portfolio.quality_on(loans=everything(book), on=D(2025, 5, 20))
    # D's 10 February installment is 99 days late; A's 3 March one 78; C owes all of its 1,000.
    assert q.gross_loan_portfolio == M("2400.00")
    assert q.at_risk_90 == M("500.00") and q.par90 == M("0.2083")
    assert q.at_risk_30 == M("2400.00") and q.par30 == M("1.0000")


def test_an_empty_portfolio_has_a_par_of_zero(book):
    q = portfolio.quality_on(loans=everything(book), on=D(2024, 12, 31))
    assert (q.gross_loan_portfolio, q.par30, q.par90, q.average_balance_per_borrower) == (M(0), M(0), M(0), None)


def test_split_by_site_officer_and_product(book):
    by_site = portfolio.portfolio_quality(loans=everything(book), on=DAY, by="site")
    urcos, otuzco = (book.world.site_a.pk,), (book.otuzco.pk,)
    assert by_site[urcos].gross_loan_portfolio == M("1400.00") and by_site[urcos].par30 == M("1.0000")
    assert by_site[otuzco].gross_loan_portfolio == M("1000.00") and by_site[otuzco].par30 == M("0.0000")
    by_officer = portfolio.portfolio_quality(loans=everything(book), on=DAY, by="officer")
    assert {key: q.active_loans for key, q in by_officer.items()} == {
        (book.world.credit_a.pk,): 2,
        (book.world.admin_a.pk,): 1,
    }
    by_both = portfolio.portfolio_quality(loans=everything(book), on=DAY, by=("fund", "product"))
    assert list(by_both) == [(book.fund.pk, book.product.pk)]
    with pytest.raises(ValueError, match="unknown grouping"):
        portfolio.portfolio_quality(loans=everything(book), on=DAY, by="borrower")


def test_the_aging_table_follows_the_fund_buckets_and_adds_up_to_the_portfolio(book):
    rows = portfolio.aging(loans=everything(book), on=DAY)
    assert [(r.code, r.loans, r.principal) for r in rows] == [
        ("current", 0, M("0.00")),
        ("1-30", 1, M("1000.00")),  # C, 12 days
        ("31-60", 1, M("900.00")),  # A, 43 days
        ("61-90", 1, M("500.00")),  # D, 64 days
        ("91+", 0, M("0.00")),
    ]
    assert sum(r.principal for r in rows) == portfolio.quality_on(loans=everything(book), on=DAY).gross_loan_portfolio
    assert str(rows[0].label) == "Sin atraso"
    book.fund.arrears_buckets = "15,45"
    book.fund.save()
    assert [(r.code, r.loans) for r in portfolio.aging(loans=everything(book), on=DAY)] == [
        ("current", 0),
        ("1-15", 1),
        ("16-45", 1),
        ("46+", 1),
    ]


# Over a period ------------------------------------------------------------------------------------------------


def test_write_offs_yield_self_sufficiency_and_punctuality_over_a_period(book):
    f = portfolio.period_figures(loans=everything(book), on=DAY, start=D(2025, 1, 1))[()]
    # Average of the GLP on 31 Dec (0), 31 Jan (2,700), 28 Feb (2,100), 31 Mar (2,800) and 15 Apr (2,400).
    assert f.average_glp == M("2000.00")
    assert f.written_off == M("400.00") and f.write_off_ratio == M("0.2000")
    # Interest received: A 12, B 6 + 6; C's reversed 10 does not count.
    assert f.financial_income == M("24.00") and f.portfolio_yield == M("0.0120")
    # 24 / (50 expenses + 400 written off)
    assert f.operating_expenses == M("50.00")
    assert f.operational_self_sufficiency == M("0.0533")
    # Due by 15 April: A 3, B 2, C 1, D 2, E 1 (before its write-off); on time: A's first and both of B's.
    assert (f.installments_on_time, f.installments_due) == (3, 9)
    assert f.on_time_rate == M("0.3333")


def test_the_default_period_is_the_twelve_months_up_to_the_day(book):
    f = portfolio.period_figures(loans=everything(book), on=D(2025, 12, 31))[()]
    assert (f.start, f.end) == (D(2025, 1, 1), D(2025, 12, 31))
    assert portfolio.average_points(f.start, f.end)[:2] == [D(2024, 12, 31), D(2025, 1, 31)]
    assert len(portfolio.average_points(f.start, f.end)) == 13


def test_self_sufficiency_is_none_without_costs_and_split_by_site(book):
    f = portfolio.period_figures(loans=everything(book), on=D(2025, 2, 10), start=D(2025, 1, 1))[()]
    assert (f.operating_expenses, f.written_off) == (M("0.00"), M("0.00"))
    assert f.operational_self_sufficiency is None
    by_site = portfolio.period_figures(loans=everything(book), on=DAY, start=D(2025, 1, 1), by="site")
    assert by_site[(book.world.site_a.pk,)].operational_self_sufficiency is None
    by_fund = portfolio.period_figures(loans=everything(book), on=DAY, start=D(2025, 1, 1), by="fund")
    assert by_fund[(book.fund.pk,)].operational_self_sufficiency == M("0.0533")


def test_the_monthly_trend(book):
    points = portfolio.trend(loans=everything(book), on=DAY, months=4)
    assert [(q.on, q.gross_loan_portfolio, q.par30, q.active_borrowers) for q in points] == [
        (D(2025, 1, 31), M("2700.00"), M("0.0000"), 4),
        (D(2025, 2, 28), M("2100.00"), M("0.0000"), 4),
        (D(2025, 3, 31), M("2800.00"), M("0.3214"), 4),  # D and E (900) over 30 days; A 28
        (DAY, M("2400.00"), M("0.5833"), 3),
    ]


# A borrower's statement -----------------------------------------------------------------------------------------


def test_the_statement_shows_every_installment_and_the_running_principal(book):
    wrong = book.pay(book.a, "312", D(2025, 3, 5))
    loans.reverse_transaction(user=book.world.credit_a, movement=wrong, on_date=D(2025, 3, 6), reason="Duplicado")
    book.pay(book.a, "312", D(2025, 4, 20))
    statement = portfolio.loan_statement(loan=book.a, on=D(2025, 4, 30))
    assert [(line.on_date, line.kind, line.principal, line.balance) for line in statement.lines] == [
        (D(2025, 1, 3), "disbursement", M("1200.00"), M("1200.00")),
        (D(2025, 2, 3), "repayment", M("-300.00"), M("900.00")),
        (D(2025, 3, 5), "repayment", M("-300.00"), M("600.00")),
        (D(2025, 3, 6), "reversal", M("300.00"), M("900.00")),
        (D(2025, 4, 20), "repayment", M("-300.00"), M("600.00")),
    ]
    assert statement.lines[2].reversed and not statement.lines[4].reversed
    assert statement.principal_balance == M("600.00")
    rows = [(i.number, i.due, i.paid, i.principal_paid, i.days_late) for i in statement.installments]
    assert rows == [
        (1, M("312.00"), M("312.00"), M("300.00"), 0),
        (2, M("312.00"), M("312.00"), M("300.00"), 0),
        (3, M("312.00"), M("0.00"), M("0.00"), 27),
        (4, M("312.00"), M("0.00"), M("0.00"), 0),
    ]
    # Before the late payment: the second installment is unpaid, and the reversal not yet made.
    earlier = portfolio.loan_statement(loan=book.a, on=D(2025, 3, 5))
    assert [line.balance for line in earlier.lines] == [M("1200.00"), M("900.00"), M("600.00")]
    assert not earlier.lines[2].reversed


def test_a_written_off_loan_statement_ends_at_zero(book):
    statement = portfolio.loan_statement(loan=book.e)
    assert [(line.kind, line.balance) for line in statement.lines] == [
        ("disbursement", M("400.00")),
        ("write_off", M("0.00")),
    ]


# The results engine ---------------------------------------------------------------------------------------------


def measure(book, code, by=(), **scope):
    outcome = MEASURES[code].compute(Scope(program_id=book.world.program_a.pk, **scope), by)
    return outcome if by else outcome.total


def test_credit_measures_are_registered(book):
    assert {code for code in MEASURES if code.startswith("credit_")} == {
        "credit_loans_disbursed",
        "credit_active_borrowers",
        "credit_gross_portfolio",
        "credit_par30",
        "credit_par90",
        "credit_on_time_rate",
        "credit_used_as_planned",
        "credit_write_off_ratio",
        "credit_portfolio_yield",
        "credit_self_sufficiency",
    }


def test_credits_granted_count_each_loan_disbursed_in_the_window(book):
    measure = MEASURES["credit_loans_disbursed"]
    january = Scope(program_id=book.world.program_a.pk, start=D(2025, 1, 1), end=D(2025, 1, 31))
    assert measure.compute(january).total.value == 4  # Ana, Bea, Dora, Eva; Carla's came in March
    whole = measure.compute(Scope(program_id=book.world.program_a.pk, end=D(2025, 12, 31)), ("district",))
    assert whole.total.value == 5
    assert sum(cell.value for cell in whole.cells) == 5
    assert set(measure.records(january, {}).values_list("given_names", flat=True)) == {"Ana", "Bea", "Dora", "Eva"}


def test_the_portfolio_as_a_program_indicator(book):
    assert measure(book, "credit_active_borrowers", end=DAY).value == 3
    assert measure(book, "credit_gross_portfolio", end=DAY).value == M("2400.00")
    par = measure(book, "credit_par30", end=DAY)
    assert (par.value, par.numerator, par.denominator) == (M("58.3"), M("1400.00"), M("2400.00"))
    assert measure(book, "credit_par90", end=D(2025, 5, 20)).value == M("20.8")
    # Another program has no fund: nothing, and a ratio without a portfolio has no value.
    other = MEASURES["credit_par30"].compute(Scope(program_id=book.world.program_b.pk, end=DAY), ())
    assert other.total.value is None
    # Within a territory: the agency in Trujillo only.
    assert measure(book, "credit_gross_portfolio", end=DAY, territory_codes=("13",)).value == M("1000.00")


def test_credit_measures_split_by_the_site_district_and_the_borrower(book):
    glp = measure(book, "credit_gross_portfolio", by=("district",), end=DAY)
    assert {c.key: c.value for c in glp.cells} == {("081201",): M("1400.00"), ("130101",): M("1000.00")}
    assert glp.additive
    people = measure(book, "credit_active_borrowers", by=("sex",), end=DAY)
    assert [(c.key, c.value) for c in people.cells] == [(("F",), 3)] and people.additive
    par = measure(book, "credit_par30", by=("district",), end=DAY)
    assert {c.key: c.value for c in par.cells} == {("081201",): M("100.0"), ("130101",): M("0.0")}


def test_on_time_rate_and_period_measures(book):
    rate = measure(book, "credit_on_time_rate", start=D(2025, 1, 1), end=DAY)
    assert (rate.value, rate.numerator, rate.denominator) == (M("33.3"), 3, 9)
    assert measure(book, "credit_write_off_ratio", start=D(2025, 1, 1), end=DAY).value == M("20.0")
    assert measure(book, "credit_portfolio_yield", start=D(2025, 1, 1), end=DAY).value == M("1.2")
    assert measure(book, "credit_self_sufficiency", start=D(2025, 1, 1), end=DAY).value == M("5.3")


def test_credits_used_as_planned_reads_each_loan_latest_follow_up_visit(book):
    book.visit(book.a, D(2025, 3, 10), "as_planned")
    book.visit(book.a, D(2025, 4, 10), "other")
    book.visit(book.d, D(2025, 3, 15), "as_planned")
    book.visit(book.b, D(2025, 2, 20), "partly")
    # C only had its evaluation visit: not counted.
    now = measure(book, "credit_used_as_planned", end=DAY)
    assert (now.numerator, now.denominator, now.value) == (1, 3, M("33.3"))
    then = measure(book, "credit_used_as_planned", end=D(2025, 3, 31))
    assert (then.numerator, then.denominator) == (2, 3)
    records = MEASURES["credit_used_as_planned"].records(Scope(program_id=book.world.program_a.pk, end=DAY), {})
    assert set(records.values_list("given_names", flat=True)) == {"Ana", "Bea", "Dora"}


def test_the_records_behind_par30_are_the_late_borrowers(book):
    records = MEASURES["credit_par30"].records(Scope(program_id=book.world.program_a.pk, end=DAY), {})
    assert set(records.values_list("given_names", flat=True)) == {"Ana", "Dora"}
    at_urcos = MEASURES["credit_active_borrowers"].records(
        Scope(program_id=book.world.program_a.pk, end=DAY), {"district": "130101"}
    )
    assert list(at_urcos.values_list("given_names", flat=True)) == ["Carla"]


def test_a_credit_indicator_on_the_results_page_with_its_split_and_for_funders(book):
    from minka.results import selectors
    from minka.results.periods import period_parse
    from minka.results.tests.conftest import Builder

    indicator = Builder(book.world).indicator("PAR30", measure="credit_par30", direction="descending")
    april = period_parse("2025-04")
    value = selectors.indicator_value(indicator, user=book.world.coordinator_a, period=april, by="district")
    # On 30 April: A (58 days) and D (79 days) are at risk, 1,400 of 2,400.
    assert (value.value, value.numerator, value.denominator) == (M("58.3"), M("1400.00"), M("2400.00"))
    assert {c.labels["district"]: c.value for c in value.cells} == {"Urcos": M("100.0"), "Trujillo": M("0.0")}
    # Three borrowers: too few for a funder to see.
    assert selectors.indicator_value(indicator, period=april, restricted=True).suppressed


def test_a_credit_indicator_trend_runs_from_the_first_disbursement(book):
    from minka.results import selectors
    from minka.results.tests.conftest import Builder

    indicator = Builder(book.world).indicator("GLP", measure="credit_gross_portfolio")
    assert selectors.record_span(indicator)[0] == D(2025, 1, 3)
    points = selectors.trend(indicator, restricted=False)
    assert points, "a credit indicator has a trend"
    # Close to two years of lending: a point per quarter. On 31 March 2025 Ana owes 900 of 1,200, Bea has repaid
    # her 600, Carla owes her 1,000, Dora 500 and Eva 400.
    assert points[0].period.end == D(2025, 3, 31)
    assert points[0].value == M("2800.00")


def test_the_figures_take_a_fixed_number_of_queries(book, django_assert_num_queries):
    loans = everything(book)
    with django_assert_num_queries(1):
        portfolio.portfolio_quality(loans=loans, on=DAY, by=("site", "officer"))
    with django_assert_num_queries(2):  # the fund's buckets, then the table
        portfolio.aging(loans=loans, on=DAY)
    with django_assert_num_queries(1):
        portfolio.aging(loans=loans, on=DAY, buckets=(30, 60, 90))
    # Five points of the average GLP, then write-offs, income, installments due and expenses.
    with django_assert_num_queries(9):
        portfolio.period_figures(loans=loans, on=DAY, start=D(2025, 1, 1), by="fund")
    with django_assert_num_queries(2):
        portfolio.loan_statement(loan=book.a, on=DAY)


# PAR is a share of the portfolio, whatever happens ---------------------------------------------------------------


@pytest.fixture
def fund_for_properties(world):
    return Book(world)


loan_specs = st.lists(
    st.tuples(
        st.sampled_from(["300", "450.50", "1000"]),  # amount
        st.integers(min_value=1, max_value=4),  # repayments
        st.integers(min_value=0, max_value=60),  # disbursed, days after 1 Jan 2025
        st.lists(  # payments: days after disbursement, amount, reversed
            st.tuples(st.integers(min_value=0, max_value=200), st.sampled_from(["50", "120.33", "310"]), st.booleans()),
            max_size=4,
        ),
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=loan_specs, day=st.integers(min_value=0, max_value=400))
def test_par_is_always_between_zero_and_one_and_the_aging_adds_up(fund_for_properties, specs, day):
    from minka.results.tests.conftest import rolled_back

    book = fund_for_properties
    on = D(2025, 1, 1) + datetime.timedelta(days=day)
    with rolled_back():
        for number, (amount, repayments, disbursed, payments) in enumerate(specs):
            start = D(2025, 1, 1) + datetime.timedelta(days=disbursed)
            loan = book.loan(f"P{number}", amount, repayments, start, start + datetime.timedelta(days=30))
            for offset, paid, reverse in sorted(payments):
                loan.refresh_from_db()
                if loan.status != LoanStatus.ACTIVE:
                    break
                when = start + datetime.timedelta(days=offset)
                tx = book.pay(loan, paid, when)
                if reverse:
                    loans.reverse_transaction(user=book.world.credit_a, movement=tx, on_date=when, reason="Error")
        loans_now = Loan.objects.filter(fund=book.fund)
        q = portfolio.quality_on(loans=loans_now, on=on)
        assert M(0) <= q.par90 <= q.par30 <= M(1)
        assert M(0) <= q.at_risk_90 <= q.at_risk_30 <= q.gross_loan_portfolio
        # The GLP worked out here from the transactions, one loan at a time.
        expected = M(0)
        for loan in loans_now:
            if not loan.disbursed_on or loan.disbursed_on > on or (loan.closed_on and loan.closed_on <= on):
                continue
            repaid = sum(
                (
                    t.principal
                    for t in loan.transactions.filter(kind=TransactionKind.REPAYMENT, reversed_on__isnull=True)
                    if t.on_date <= on
                ),
                M(0),
            )
            expected += loan.amount - repaid
        assert q.gross_loan_portfolio == expected
        assert sum(r.principal for r in portfolio.aging(loans=loans_now, on=on)) == expected
