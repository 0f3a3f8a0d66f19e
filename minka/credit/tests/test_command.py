"""`minka loan schedule`: Fineract's reference schedules to the cent through the command's JSON, payments replayed,
a readable table, and one clear Spanish line (naming the flag, nothing on stdout) for bad input.

No database: the command is arithmetic on its flags.
"""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from minka import cli
from minka.credit.engine import LoanTerms
from minka.credit.management.commands.loan import Command
from minka.credit.tests.test_engine import cases, events_of, money, terms_for

# The fixtures the examples file and the schedules file share, with the payments that make the replayed ones.
EXAMPLES = cases("fineract-examples.json")
WITH_PAYMENTS = [
    case
    for case in cases("fineract-schedules.json")
    if case["id"] in ("FIN-E2E-RP04-LATE", "FIN-E2E-RP07-LATE-PARTIAL", "FIN-E2E-PROG-7PCT-PAYOFF-AFTER")
    or case["id"] == "FIN-E2E-PROG-OVERDUE-S1"
]


def run(*args: str) -> str:
    out = StringIO()
    call_command(Command(), "schedule", *args, stdout=out)
    return out.getvalue()


def report_of(*args: str) -> dict:
    return json.loads(run(*args))


def flags_for(terms: LoanTerms) -> list[str]:
    """The command line that asks for these terms."""
    flags = [
        "--principal",
        str(terms.principal),
        "--monthly-rate" if terms.rate_frequency == "month" else "--annual-rate",
        str(terms.rate),
        "--repayments",
        str(terms.repayments),
        "--every",
        str(terms.every),
        "--frequency",
        terms.frequency,
        "--method",
        terms.method,
        "--amortization",
        terms.amortization.replace("_", "-"),
        "--interest-period",
        terms.interest_period.replace("_", "-"),
        "--days-in-year",
        terms.days_in_year,
        "--days-in-month",
        terms.days_in_month,
        "--disbursed",
        terms.disbursement_date.isoformat(),
        "--grace-principal",
        str(terms.grace_on_principal),
        "--grace-interest",
        str(terms.grace_on_interest_payment),
        "--interest-free",
        str(terms.interest_free_periods),
        "--decimals",
        str(terms.decimals),
        "--rounding",
        terms.rounding.replace("_", "-"),
        "--schedule-type",
        terms.schedule_type,
    ]
    if terms.installment_multiple:
        flags += ["--installment-multiple", str(terms.installment_multiple)]
    assert terms.schedule_start_date is None and terms.principal_percent_per_installment is None
    return flags


def flags_with_events(case: dict) -> list[str]:
    """The case's terms and payments; a table shown right after the disbursement that asserts what was paid is
    asked for as of the disbursement day."""
    payments, as_of = events_of(case)
    terms = terms_for(case)
    if not payments and not as_of and any("paid" in row for row in case["expected_installments"]):
        as_of = terms.disbursement_date
    flags = flags_for(terms)
    for day, amount in payments:
        flags += ["--payment", f"{day.isoformat()}:{amount}"]
    if as_of:
        flags += ["--as-of", as_of.isoformat()]
    if case["inputs"].get("conventions", {}).get("interest_recalculation"):
        flags.append("--recalculate-interest")
    return flags


def assert_matches(case: dict, report: dict) -> None:
    rows = {row["number"]: row for row in report["installments"]}
    checked = 0
    for expected in case["expected_installments"]:
        if expected.get("row") == "disbursement":
            continue
        row = rows[expected["number"]]
        assert row["due_date"] == expected["due_date"]
        for field in ("from_date", "days", "paid_date"):
            if field in expected:
                assert row[field] == expected[field], (expected["number"], field)
        for field in ("principal", "interest", "total", "balance", "paid", "outstanding"):
            if field in expected:
                assert Decimal(row[field]) == money(expected[field]), (expected["number"], field)
                checked += 1
    assert checked >= 4 * len(rows)


@pytest.mark.parametrize("case", EXAMPLES, ids=lambda case: case["id"])
def test_fineracts_three_reference_schedules_to_the_cent_through_the_command(case):
    report = report_of(*flags_with_events(case))

    assert_matches(case, report)
    assert len(report["installments"]) == case["inputs"]["number_of_repayments"]
    totals = case.get("expected_totals")
    if totals:
        assert Decimal(report["totals"]["interest"]) == money(totals["Interest"])
        assert Decimal(report["totals"]["total"]) == money(totals["Due"])


@pytest.mark.parametrize("case", WITH_PAYMENTS, ids=lambda case: case["id"])
def test_payments_late_partial_early_and_none_replayed_through_the_command(case):
    report = report_of(*flags_with_events(case))

    assert_matches(case, report)
    totals = case.get("expected_totals")
    if totals:
        assert Decimal(report["totals"]["paid"]) == money(totals["Paid"])
        assert Decimal(report["totals"]["outstanding"]) == money(totals["Outstanding"])


def test_the_json_shape_with_amounts_as_strings_of_exactly_the_currency_decimals():
    report = report_of("--principal", "1000", "--annual-rate", "18", "--repayments", "3", "--disbursed", "2025-03-03")

    assert set(report) == {"installments", "totals"}
    row = report["installments"][0]
    assert list(row) == ["number", "from_date", "due_date", "days", "principal", "interest", "fees", "total", "balance"]
    assert row["from_date"] == "2025-03-03" and row["due_date"] == "2025-04-03" and row["days"] == 31
    assert set(report["totals"]) == {"principal", "interest", "fees", "total"}
    amounts = [
        v for r in report["installments"] for k, v in r.items() if k not in ("number", "days") and "date" not in k
    ]
    assert all(isinstance(a, str) and len(a.partition(".")[2]) == 2 for a in amounts + list(report["totals"].values()))
    whole = report_of("--principal", "300000", "--monthly-rate", "2", "--repayments", "3", "--decimals", "0")
    assert "." not in whole["totals"]["total"]


def test_payments_add_paid_and_outstanding_and_as_of_a_payoff():
    report = report_of(
        *("--principal", "1000", "--annual-rate", "18", "--repayments", "3", "--disbursed", "2025-03-03"),
        *("--payment", "2025-04-03:343.38", "--payment", "2025-04-20:100", "--as-of", "2025-04-25"),
    )

    first, second = report["installments"][:2]
    assert (first["paid"], first["outstanding"], first["paid_date"]) == ("343.38", "0.00", "2025-04-03")
    assert (second["paid"], second["paid_date"]) == ("100.00", None)
    assert report["totals"]["paid"] == "443.38" and report["as_of"] == "2025-04-25"
    # 581.69 of principal is left (the 100 paid 10.07 of interest first); the second period's interest was paid
    # whole but only 22 of its 30 days have run (7.39), so 2.68 of it comes off.
    assert report["payoff"] == "579.01"


def test_the_table_is_aligned_columns_with_a_totals_line():
    text = run(
        *("--principal", "5000", "--annual-rate", "12", "--repayments", "6", "--disbursed", "2022-11-01"),
        *("--interest-period", "daily", "--installment-multiple", "1", "--format", "table"),
        *("--payment", "2022-12-05:862", "--recalculate-interest", "--as-of", "2022-12-05"),
    )
    lines = text.splitlines()

    assert lines[0].split()[:4] == ["N°", "Desde", "Vence", "Días"]
    assert set(lines[1]) == {"-", " "}
    assert lines[2].split()[:4] == ["1", "2022-11-01", "2022-12-01", "30"] and "2022-12-05" in lines[2]
    assert lines[8].startswith("Total")
    assert {line.index("2022-12-01") for line in lines[2:3]} == {lines[0].index("Vence")}
    assert "2022-12-05" in lines[-1]


BASE = ("--principal", "1000", "--annual-rate", "18", "--repayments", "3", "--disbursed", "2025-03-03")


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (("--principal", "-5", "--annual-rate", "1", "--repayments", "3"), "--principal"),
        (("--principal", "0", "--annual-rate", "1", "--repayments", "3"), "--principal"),
        (("--principal", "mil", "--annual-rate", "1", "--repayments", "3"), "--principal"),
        (("--annual-rate", "1", "--repayments", "3"), "--principal"),
        (("--principal", "100", "--annual-rate", "1", "--repayments", "0"), "--repayments"),
        (("--principal", "100", "--annual-rate", "1", "--monthly-rate", "2", "--repayments", "3"), "--monthly-rate"),
        (("--principal", "100", "--repayments", "3"), "--annual-rate"),
        (("--principal", "100", "--annual-rate", "-2", "--repayments", "3"), "--annual-rate"),
        ((*BASE, "--disbursed", "2025-02-30"), "--disbursed"),
        ((*BASE, "--first-repayment", "2025-03-01"), "--first-repayment"),
        ((*BASE, "--payment", "2025-03-01:10"), "--payment"),
        ((*BASE, "--payment", "2025-04-03"), "--payment"),
        ((*BASE, "--payment", "ayer:10"), "--payment"),
        ((*BASE, "--payment", "2025-04-03:-1"), "--payment"),
        ((*BASE, "--as-of", "2025-01-01"), "--as-of"),
        ((*BASE, "--frequency", "years"), "--frequency"),
        ((*BASE, "--grace-principal", "3"), "--grace-principal"),
        ((*BASE, "--interest-free", "4"), "--interest-free"),
        ((*BASE, "--decimals", "9"), "--decimals"),
        ((*BASE, "--installment-multiple", "0"), "--installment-multiple"),
        ((*BASE, "--method", "flat", "--recalculate-interest"), "--recalculate-interest"),
        ((*BASE, "--format", "xml"), "--format"),
    ],
)
def test_bad_input_is_one_spanish_sentence_naming_the_flag_and_prints_nothing(args, flag):
    out = StringIO()
    with pytest.raises(CommandError) as error:
        call_command(Command(), "schedule", *args, stdout=out)

    assert flag in str(error.value) and str(error.value).endswith(".")
    assert out.getvalue() == ""


def test_from_the_command_line(capsys):
    cli.main(["minka", "loan", "schedule", *BASE])

    report = json.loads(capsys.readouterr().out)
    assert report["totals"]["principal"] == "1000.00"


def test_from_the_command_line_bad_input_exits_non_zero_with_one_line(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["minka", "loan", "schedule", "--principal", "-1", "--annual-rate", "1", "--repayments", "3"])

    assert exit_.value.code != 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip().splitlines() == ["CommandError: --principal debe ser mayor que cero."]


def test_the_help_lists_every_flag(capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command(Command(), "schedule", "--help")

    assert exit_.value.code == 0
    text = capsys.readouterr().out
    for flag in ("--principal", "--annual-rate", "--monthly-rate", "--repayments", "--every", "--frequency"):
        assert flag in text
    for flag in ("--method", "--amortization", "--interest-period", "--days-in-year", "--days-in-month"):
        assert flag in text
    for flag in ("--disbursed", "--first-repayment", "--grace-principal", "--grace-interest", "--interest-free"):
        assert flag in text
    for flag in ("--installment-multiple", "--decimals", "--rounding", "--schedule-type", "--format", "--payment"):
        assert flag in text
    assert "--as-of" in text and "--recalculate-interest" in text
