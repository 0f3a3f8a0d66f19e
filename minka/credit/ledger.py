"""The fund's books: every movement of money is one journal entry whose lines add up to zero.

Interest, fees and penalties are income when they are received (cash basis, as a small fund keeps its books), so
the loans account always holds exactly the principal lent and not yet repaid or written off.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from minka.credit.models import ZERO, Account, Fund, JournalEntry, Posting

CENT = Decimal("0.01")


def post(fund: Fund, on_date: datetime.date, memo: str, lines: dict[str, Decimal], **links) -> JournalEntry:
    """Writes one entry. `lines` maps accounts to signed amounts (debit +, credit −); zero lines are left out.
    Must run inside the caller's transaction."""
    lines = {account: amount for account, amount in lines.items() if amount}
    if sum(lines.values(), ZERO) != ZERO:
        raise ValueError(f"Unbalanced entry {memo!r}: {lines}")
    entry = JournalEntry.objects.create(fund=fund, on_date=on_date, memo=memo[:200], **links)
    Posting.objects.bulk_create(
        Posting(entry=entry, account=account, amount=amount) for account, amount in lines.items()
    )
    return entry


def balances(fund: Fund, as_of: datetime.date | None = None) -> dict[str, Decimal]:
    """Each account's balance as the sum of its lines (debit +), on `as_of` if given."""
    postings = Posting.objects.filter(entry__fund=fund)
    if as_of is not None:
        postings = postings.filter(entry__on_date__lte=as_of)
    found = dict(postings.values("account").annotate(total=Sum("amount")).values_list("account", "total"))
    # SQLite adds decimals as floats: back to cents, or 300 − 300 leaves 7e-15 and the trial balance is off.
    return {account: (found.get(account) or ZERO).quantize(CENT) for account in Account.values}


def cash_available(fund: Fund, as_of: datetime.date | None = None) -> Decimal:
    return balances(fund, as_of)[Account.CASH]


@dataclass(frozen=True)
class TrialBalanceRow:
    account: str
    label: str
    debit: Decimal
    credit: Decimal


@dataclass(frozen=True)
class TrialBalance:
    rows: tuple[TrialBalanceRow, ...]
    debit: Decimal
    credit: Decimal

    @property
    def balanced(self) -> bool:
        return self.debit == self.credit


def trial_balance(fund: Fund, as_of: datetime.date | None = None) -> TrialBalance:
    """Every account with its balance in the debit or the credit column; the two columns add up the same."""
    rows = []
    for account, balance in balances(fund, as_of).items():
        debit, credit = (balance, ZERO) if balance > 0 else (ZERO, -balance)
        rows.append(TrialBalanceRow(account, str(Account(account).label), debit, credit))
    return TrialBalance(
        rows=tuple(rows),
        debit=sum((row.debit for row in rows), ZERO),
        credit=sum((row.credit for row in rows), ZERO),
    )
