"""The demo's solidarity credit: AMA's prison fund as the seed tells it, its wider program across seven agencies,
books that balance, and one load only.

The whole demo is loaded once for the module inside a transaction rolled back at its end; each test runs in a
savepoint of it.
"""

import itertools
from collections import Counter
from decimal import Decimal

import pytest
from django.db import transaction

from minka.accounts import access
from minka.accounts.models import User
from minka.credit import ledger
from minka.credit.loans import principal_outstanding
from minka.credit.models import (
    Account,
    EventKind,
    Fund,
    Installment,
    JournalEntry,
    Loan,
    LoanEvent,
    LoanStatus,
    Reschedule,
    Transaction,
    UseVerified,
    Visit,
)
from minka.demo import credit as demo_credit
from minka.demo.loader import _demo_users, demo_load
from minka.network.models import Organization
from minka.people.models import Consent, Enrollment, Participant
from minka.programs.models import Program
from minka.results.models import Indicator

CREDIT_MODELS = [Fund, Loan, Installment, Transaction, LoanEvent, Visit, Reschedule, JournalEntry, Participant]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        assert demo_load().created
        yield
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo, db):
    return demo


def prison_loans():
    return Loan.objects.filter(fund__slug=demo_credit.PRISON_FUND)


def agency_loans():
    return Loan.objects.filter(fund__slug=demo_credit.AGENCIES_FUND)


# The prison fund


def test_the_prison_fund_has_17_women_and_47_credits_to_date(loaded):
    fund = Fund.objects.get(slug=demo_credit.PRISON_FUND)
    assert fund.organization.slug == "ama" and fund.program.slug == "ama-solidarity-fund"
    assert prison_loans().count() == 47
    assert prison_loans().values("borrower").distinct().count() == 17
    assert set(prison_loans().values_list("site__name", "site__district_id")) == {
        (demo_credit.PRISON_SITE, demo_credit.PRISON_DISTRICT)
    }
    product = fund.products.get()
    assert list(product.steps.values_list("amount", flat=True)) == [Decimal(a) for a in (300, 500, 1000, 1500, 2000)]
    assert product.ladder_max_days_late == demo_credit.PRISON_MAX_DAYS_LATE
    # Donors' capital and operating expenses, dated; the fund lends at a low rate.
    assert fund.contributions.count() >= 3 and fund.expenses.count() >= 10
    assert product.annual_rate <= 12


def test_rocio_climbed_the_whole_ladder_paying_on_time(loaded):
    rocio = Participant.objects.get(given_names="Rocío", registered_by__slug="ama")
    ladder = list(rocio.loans.order_by("applied_on"))
    assert [loan.amount for loan in ladder] == [Decimal(a) for a in (300, 500, 1000, 1500, 2000)]
    assert [loan.ladder_step for loan in ladder] == [1, 2, 3, 4, 5]
    assert [loan.status for loan in ladder] == [LoanStatus.CLOSED] * 4 + [LoanStatus.ACTIVE]
    assert all(loan.worst_days_late == 0 for loan in ladder[:4])
    for before, after in itertools.pairwise(ladder):
        assert before.closed_on < after.applied_on
    current = ladder[-1]
    assert current.overdue_since is None and current.arrears_as_of == demo_credit.DEMO_TODAY
    assert 0 < principal_outstanding(current) < current.amount


def test_mostly_punctual_a_few_late_and_two_in_arrears_now(loaded):
    closed = prison_loans().filter(status=LoanStatus.CLOSED)
    late = closed.filter(worst_days_late__gt=demo_credit.PRISON_MAX_DAYS_LATE)
    assert 3 <= late.count() <= 6 and closed.count() >= 25
    in_arrears = prison_loans().filter(status=LoanStatus.ACTIVE, overdue_since__isnull=False)
    assert in_arrears.count() == 2
    assert {loan.arrears_as_of for loan in in_arrears} == {demo_credit.DEMO_TODAY}
    first, second = sorted(loan.days_in_arrears for loan in in_arrears)
    assert 1 <= first <= 30 < second <= 60
    # A woman who repaid late stays on her step for the next credit.
    for loan in late:
        following = prison_loans().filter(borrower=loan.borrower, applied_on__gt=loan.applied_on)
        following = following.order_by("applied_on").first()
        if following is not None:
            assert following.amount == loan.amount


def test_every_credit_went_through_evaluation_approval_by_another_and_follow_up(loaded):
    for loan in prison_loans().prefetch_related("visits", "events"):
        kinds = [event.kind for event in loan.events.all()]
        assert kinds[:3] == [EventKind.APPLIED, EventKind.APPROVED, EventKind.DISBURSED], loan
        assert loan.approved_by_id and loan.approved_by_id != loan.prepared_by_id
        visits = list(loan.visits.all())
        evaluation = [visit for visit in visits if visit.is_evaluation]
        assert evaluation and evaluation[0].visited_on <= loan.approved_on
        if (demo_credit.DEMO_TODAY - loan.disbursed_on).days >= 35:
            assert any(not visit.is_evaluation and visit.use_verified for visit in visits), loan
    uses = Counter(prison_loans().values_list("use_category", flat=True))
    assert {"raw_materials", "crafts", "food"} <= set(uses)
    verified = Counter(Visit.objects.filter(loan__in=prison_loans(), is_evaluation=False).values_list("use_verified"))
    assert verified[(UseVerified.AS_PLANNED,)] > 0.8 * sum(verified.values())


def test_borrowers_are_registered_by_ama_with_consent_and_no_dni_in_clear(loaded):
    borrowers = Participant.objects.filter(loans__fund__organization__slug="ama").distinct()
    assert borrowers.count() > 250
    assert set(borrowers.values_list("registered_by__slug", flat=True)) == {"ama"}
    assert set(borrowers.values_list("sex", flat=True)) == {"F"}
    assert not borrowers.filter(dni_hash="").exists()
    assert not borrowers.exclude(pk__in=Consent.objects.values("participant")).exists()
    enrolled = Enrollment.objects.filter(program__slug="ama-solidarity-fund", organization__slug="ama")
    assert not borrowers.exclude(pk__in=enrolled.values("participant")).exists()


# The wider program


def test_the_wider_program_runs_seven_agencies_with_loans_in_every_state(loaded):
    names = {"Trujillo", "Huamachuco", "Otuzco", "Santiago de Chuco", "Virú", "Paiján", "Pacasmayo"}
    sites = set(agency_loans().values_list("site__name", "site__kind"))
    assert sites == {(f"Agencia {name}", "agency") for name in names}
    assert agency_loans().values("borrower").distinct().count() == demo_credit.AGENCIES_BORROWERS
    statuses = Counter(agency_loans().values_list("status", flat=True))
    assert statuses[LoanStatus.WRITTEN_OFF] == 2
    assert statuses[LoanStatus.CLOSED] > 50 and statuses[LoanStatus.ACTIVE] > 150
    assert Reschedule.objects.filter(loan__in=agency_loans()).count() == 1
    # Late in every bucket, as of the demo's close of day.
    active = agency_loans().filter(status=LoanStatus.ACTIVE)
    assert set(active.values_list("arrears_as_of", flat=True)) == {demo_credit.DEMO_TODAY}
    days = [loan.days_in_arrears for loan in active]
    for low, high in ((1, 30), (31, 60), (61, 90), (91, 10_000)):
        assert any(low <= day <= high for day in days), (low, high)
    assert sum(day == 0 for day in days) > 0.7 * len(days)


def test_each_fund_balances_and_its_portfolio_account_matches_the_loans(loaded):
    for fund in Fund.objects.filter(slug__in=[demo_credit.PRISON_FUND, demo_credit.AGENCIES_FUND]):
        balance = ledger.trial_balance(fund)
        assert balance.balanced and balance.debit == balance.credit > 0
        books = ledger.balances(fund)
        active = fund.loans.filter(status=LoanStatus.ACTIVE)
        assert books[Account.LOANS] == sum((principal_outstanding(loan) for loan in active), Decimal(0))
        assert books[Account.CASH] >= 0
        assert books[Account.OPERATING_EXPENSES] > 0 and -books[Account.INTEREST_INCOME] > 0


def test_each_credit_officer_sees_only_her_fund(loaded):
    users = {user.username: user for user in User.objects.filter(username__in=["credito", "credito-agencias"])}
    assert list(access.funds_visible(users["credito"]).values_list("slug", flat=True)) == [demo_credit.PRISON_FUND]
    assert list(access.funds_visible(users["credito-agencias"]).values_list("slug", flat=True)) == [
        demo_credit.AGENCIES_FUND
    ]


def test_the_milestones_are_targets_of_computed_indicators(loaded):
    from minka.results import selectors
    from minka.results.periods import period_parse

    granted = Indicator.objects.get(program__slug="ama-solidarity-fund", code="1.1e")
    assert dict(granted.targets.values_list("period_label", "value")) == {"2027-05": 59, "2027-11": 71}
    # Counted from the fund's records since it began: the 47 credits to date.
    assert selectors.indicator_value(granted, period=period_parse("2026-11"), restricted=False).value == 47
    indicator = Indicator.objects.get(program__slug="ama-solidarity-fund", code="1b")
    assert indicator.measure == "credit_active_borrowers"
    assert list(indicator.territories.values_list("code", flat=True)) == [demo_credit.PRISON_DISTRICT]
    targets = dict(indicator.targets.values_list("period_label", "value"))
    assert targets == {"2027-05": Decimal(22), "2027-11": Decimal(27)}


# One load only


def test_loading_twice_creates_nothing(loaded):
    counts = {model.__name__: model.objects.count() for model in CREDIT_MODELS}

    assert demo_load().created is False
    programs = {program.slug: program for program in Program.objects.all()}
    organizations = {org.slug: org for org in Organization.objects.all()}
    assert not demo_credit.credit_load(programs=programs, organizations=organizations, users=_demo_users())

    assert {model.__name__: model.objects.count() for model in CREDIT_MODELS} == counts
