"""The loan schedule benchmark at a tiny size: it runs, times every kind of loan, and times real schedules."""

import random

from bench.loan_schedules import KINDS, loans, main
from minka.credit.engine import schedule


def test_the_benchmark_prints_a_rate_for_every_kind_of_loan(capsys):
    assert main(["--seconds", "0.01", "--loans", "5"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 + len(KINDS) + 1
    rates = [float(line.split()[-3].replace(",", "")) for line in lines[1:]]
    assert all(rate > 0 for rate in rates)


def test_the_loans_it_times_are_varied_and_well_formed():
    rng = random.Random(1)
    for kind in KINDS.values():
        batch = loans(kind, 20, rng)
        assert len({terms.disbursement_date for terms in batch}) > 10
        for terms in batch:
            plan = schedule(terms)
            assert plan.totals.principal == terms.principal and plan.installments[-1].balance == 0
