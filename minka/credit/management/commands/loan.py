"""`minka loan schedule …`: a loan's repayment schedule as Apache Fineract would work it out, and, given payments,
what each installment has paid and still owes. See docs/loan-schedule.md.

Nothing is read from or written to the database: the terms come from the flags and go straight to the engine
(`minka.credit.engine`), the same one products and loans use. JSON is the default, for scripts; amounts are
strings with exactly the currency's decimals, so that no reader turns them into floats.
"""

import json
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.management.base import CommandError
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.core.commands import TranslatedCommand
from minka.credit import engine
from minka.credit.engine import LoanTerms, TermsError

CHOICES = {
    "--frequency": ("days", "weeks", "months"),
    "--method": ("declining", "flat"),
    "--amortization": ("equal-installments", "equal-principal"),
    "--interest-period": ("same-as-repayment", "daily"),
    "--days-in-year": ("actual", "360", "364", "365"),
    "--days-in-month": ("actual", "30"),
    "--rounding": ("half-even", "half-up"),
    "--schedule-type": ("cumulative", "progressive"),
    "--format": ("json", "table"),
}
DEFAULTS = {
    "--frequency": "months",
    "--method": "declining",
    "--amortization": "equal-installments",
    "--interest-period": "same-as-repayment",
    "--days-in-year": "actual",
    "--days-in-month": "actual",
    "--rounding": "half-even",
    "--schedule-type": "cumulative",
    "--format": "json",
}
# The engine names a setting; the user typed a flag.
FLAGS = {
    "principal": "--principal",
    "repayments": "--repayments",
    "every": "--every",
    "decimals": "--decimals",
    "grace_on_principal": "--grace-principal",
    "grace_on_interest_payment": "--grace-interest",
    "interest_free_periods": "--interest-free",
    "installment_multiple": "--installment-multiple",
    "first_repayment_date": "--first-repayment",
    "disbursement_date": "--disbursed",
    "payments": "--payment",
    "as_of": "--as-of",
    "method": "--method",
}
MESSAGES = {
    "positive": gettext_lazy("%(flag)s debe ser mayor que cero."),
    "not_negative": gettext_lazy("%(flag)s no puede ser negativo."),
    "less_than_repayments": gettext_lazy("%(flag)s debe ser menor que --repayments."),
    "decimals": gettext_lazy("%(flag)s tiene más decimales que los de la moneda (--decimals)."),
    "after_disbursement": gettext_lazy("%(flag)s debe ser posterior a la fecha de --disbursed."),
    "before_disbursement": gettext_lazy("%(flag)s no puede ser anterior a la fecha de --disbursed."),
    "flat_recalculation": gettext_lazy("--recalculate-interest no se aplica al interés plano (--method flat)."),
}
AMOUNTS = ("principal", "interest", "fees", "total")
# Limits that only make sense for one setting.
RANGE_MESSAGES = {
    "decimals": gettext_lazy("--decimals va de 0 a 6."),
    "interest_free_periods": gettext_lazy("--interest-free no puede ser mayor que --repayments."),
}


class Command(TranslatedCommand):
    help = gettext_lazy("Cronogramas de préstamos: «minka loan schedule --help» muestra las opciones.")
    # Pure arithmetic: no model checks to run and no database to reach.
    requires_system_checks = []

    def add_arguments(self, parser):
        # Plain gettext: argparse formats these as it builds the help, in the language active by then.
        actions = parser.add_subparsers(dest="action", required=True, metavar="schedule")
        sub = actions.add_parser(
            "schedule",
            help=_("Calcula el cronograma de pagos de un préstamo."),
            description=_("Calcula el cronograma de pagos de un préstamo como lo haría Apache Fineract."),
        )
        sub.add_argument("--principal", metavar="MONTO", help=_("Monto del préstamo."))
        sub.add_argument("--annual-rate", metavar="%", help=_("Tasa nominal anual, en porcentaje."))
        sub.add_argument("--monthly-rate", metavar="%", help=_("Tasa mensual, en porcentaje."))
        sub.add_argument("--repayments", metavar="N", help=_("Número de cuotas."))
        sub.add_argument("--every", metavar="N", default="1", help=_("Cada cuántas unidades se paga."))
        for flag, help_text in (
            ("--frequency", _("Unidad de la frecuencia de pago.")),
            ("--method", _("Interés sobre saldo (declining) o plano (flat).")),
            ("--amortization", _("Cuotas iguales o capital igual.")),
            ("--interest-period", _("Interés por periodo de pago o por días.")),
            ("--days-in-year", _("Días del año para el interés.")),
            ("--days-in-month", _("Días del mes para el interés.")),
            ("--rounding", _("Redondeo del dinero.")),
            ("--schedule-type", _("Motor de Fineract: acumulativo o progresivo.")),
            ("--format", _("Formato de salida.")),
        ):
            sub.add_argument(flag, metavar="|".join(CHOICES[flag]), default=DEFAULTS[flag], help=help_text)
        sub.add_argument("--disbursed", metavar="FECHA", help=_("Fecha de desembolso (por defecto, hoy)."))
        sub.add_argument("--first-repayment", metavar="FECHA", help=_("Fecha de la primera cuota."))
        sub.add_argument("--grace-principal", metavar="N", default="0", help=_("Cuotas sin capital."))
        sub.add_argument("--grace-interest", metavar="N", default="0", help=_("Cuotas cuyo interés se paga después."))
        sub.add_argument("--interest-free", metavar="N", default="0", help=_("Cuotas sin interés."))
        sub.add_argument(
            "--installment-multiple",
            metavar="MONTO",
            help=_("Redondea la cuota a un múltiplo de este monto."),
        )
        sub.add_argument("--decimals", metavar="N", default="2", help=_("Decimales de la moneda."))
        sub.add_argument(
            "--payment",
            metavar="FECHA:MONTO",
            action="append",
            default=[],
            help=_("Un pago hecho; se repite por cada pago."),
        )
        sub.add_argument("--as-of", metavar="FECHA", help=_("Cuenta los pagos hasta esta fecha."))
        sub.add_argument(
            "--recalculate-interest",
            action="store_true",
            help=_("Recalcula el interés día a día sobre el capital realmente pendiente."),
        )

    def handle(self, *args, **options):
        output = _choice("--format", options["format"])
        plan, payoff = schedule_run(options)
        if output == "json":
            self.stdout.write(json.dumps(schedule_report(plan, payoff), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(table_text(plan, payoff))


# Reading the flags -------------------------------------------------------------------------------------------------


def schedule_run(options: dict) -> tuple[engine.Schedule, Decimal | None]:
    """The schedule, replayed when payments, --as-of or --recalculate-interest are given, and the payoff amount on
    the --as-of date."""
    rate_flag = _rate_flag(options)
    try:
        terms = _terms(options, rate_flag)
        payments = [_payment(text) for text in options["payment"]]
        as_of = _date("--as-of", options["as_of"])
        replayed = bool(payments) or as_of is not None or options["recalculate_interest"]
        recalculate = options["recalculate_interest"]
        plan = (
            engine.replay(terms, payments, as_of=as_of, recalculate_interest=recalculate)
            if replayed
            else engine.schedule(terms)
        )
        payoff = engine.payoff_amount(terms, payments, as_of, recalculate_interest=recalculate) if as_of else None
    except TermsError as error:
        raise CommandError(_message(error, rate_flag)) from None
    return plan, payoff


def _rate_flag(options) -> str:
    if options["annual_rate"] is not None and options["monthly_rate"] is not None:
        raise CommandError(_("Indique una sola tasa: --annual-rate o --monthly-rate."))
    if options["annual_rate"] is None and options["monthly_rate"] is None:
        raise CommandError(_("Indique la tasa de interés con --annual-rate o --monthly-rate."))
    return "--annual-rate" if options["annual_rate"] is not None else "--monthly-rate"


def _terms(options, rate_flag: str) -> LoanTerms:
    multiple = options["installment_multiple"]
    return LoanTerms(
        principal=_number("--principal", _required("--principal", options["principal"])),
        rate=_number(rate_flag, options["annual_rate"] if rate_flag == "--annual-rate" else options["monthly_rate"]),
        rate_frequency="year" if rate_flag == "--annual-rate" else "month",
        repayments=_integer("--repayments", _required("--repayments", options["repayments"])),
        every=_integer("--every", options["every"]),
        frequency=_choice("--frequency", options["frequency"]),
        method=_choice("--method", options["method"]),
        amortization=_choice("--amortization", options["amortization"]),
        interest_period=_choice("--interest-period", options["interest_period"]),
        days_in_year=_choice("--days-in-year", options["days_in_year"]),
        days_in_month=_choice("--days-in-month", options["days_in_month"]),
        disbursement_date=_date("--disbursed", options["disbursed"]) or timezone.localdate(),
        first_repayment_date=_date("--first-repayment", options["first_repayment"]),
        grace_on_principal=_integer("--grace-principal", options["grace_principal"]),
        grace_on_interest_payment=_integer("--grace-interest", options["grace_interest"]),
        interest_free_periods=_integer("--interest-free", options["interest_free"]),
        installment_multiple=_number("--installment-multiple", multiple) if multiple is not None else None,
        decimals=_integer("--decimals", options["decimals"]),
        rounding=_choice("--rounding", options["rounding"]),
        schedule_type=_choice("--schedule-type", options["schedule_type"]),
    )


def _required(flag: str, text):
    if text is None:
        raise CommandError(_("Falta %(flag)s.") % {"flag": flag})
    return text


def _number(flag: str, text: str) -> Decimal:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise CommandError(_("%(flag)s debe ser un número, no «%(value)s».") % {"flag": flag, "value": text})
    return number


def _integer(flag: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise CommandError(
            _("%(flag)s debe ser un número entero, no «%(value)s».") % {"flag": flag, "value": text}
        ) from None


def _date(flag: str, text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(
            _("%(flag)s debe ser una fecha AAAA-MM-DD, no «%(value)s».") % {"flag": flag, "value": text}
        ) from None


def _choice(flag: str, text: str) -> str:
    if text not in CHOICES[flag]:
        raise CommandError(
            _("%(flag)s admite %(choices)s, no «%(value)s».")
            % {"flag": flag, "choices": ", ".join(CHOICES[flag]), "value": text}
        )
    return text.replace("-", "_")


def _payment(text: str) -> tuple[date, Decimal]:
    day, _sep, amount = text.partition(":")
    try:
        return date.fromisoformat(day.strip()), Decimal(amount.strip())
    except (ValueError, InvalidOperation):
        raise CommandError(
            _("Cada --payment se escribe FECHA:MONTO, p. ej. 2024-02-01:17.01; no «%(value)s».") % {"value": text}
        ) from None


def _message(error: TermsError, rate_flag: str) -> str:
    flag = rate_flag if error.field == "rate" else FLAGS.get(error.field, error.field)
    if error.code == "range" and error.field in RANGE_MESSAGES:
        return str(RANGE_MESSAGES[error.field])
    template = MESSAGES.get(error.code) or gettext_lazy("%(flag)s no es válido.")
    return template % {"flag": flag}


# Writing the report ------------------------------------------------------------------------------------------------


def schedule_report(plan: engine.Schedule, payoff: Decimal | None = None) -> dict:
    """The JSON report: amounts as strings with exactly the currency's decimals, dates in ISO format."""
    money, replayed = plan.terms.money, plan.as_of is not None

    def amount(value: Decimal) -> str:
        return format(money(value), "f")

    rows = []
    for row in plan.installments:
        entry = {
            "number": row.number,
            "from_date": row.from_date.isoformat(),
            "due_date": row.due_date.isoformat(),
            "days": row.days,
            "principal": amount(row.principal),
            "interest": amount(row.interest),
            "fees": amount(row.fees),
            "total": amount(row.total),
            "balance": amount(row.balance),
        }
        if replayed:
            entry["paid"] = amount(row.paid)
            entry["outstanding"] = amount(row.outstanding)
            entry["paid_date"] = row.paid_date.isoformat() if row.paid_date else None
        rows.append(entry)
    totals = plan.totals
    report = {"installments": rows, "totals": {name: amount(getattr(totals, name)) for name in AMOUNTS}}
    if replayed:
        report["totals"] |= {"paid": amount(totals.paid), "outstanding": amount(totals.outstanding)}
        report["as_of"] = plan.as_of.isoformat()
        report["overpayment"] = amount(plan.overpayment)
    if payoff is not None:
        report["payoff"] = amount(payoff)
    return report


def table_text(plan: engine.Schedule, payoff: Decimal | None = None) -> str:
    """The schedule as aligned columns for people: dates on the left, amounts on the right, totals at the foot."""
    replayed, decimals = plan.as_of is not None, plan.terms.decimals

    def amount(value: Decimal) -> str:
        return formats.number_format(plan.terms.money(value), decimal_pos=decimals, use_l10n=True, force_grouping=True)

    header = [_("N°"), _("Desde"), _("Vence"), _("Días"), _("Capital"), _("Interés"), _("Comisiones"), _("Cuota")]
    header.append(_("Saldo"))
    if replayed:
        header += [_("Pagado"), _("Pendiente"), _("Pagada el")]
    rows = []
    for row in plan.installments:
        cells = [str(row.number), row.from_date.isoformat(), row.due_date.isoformat(), str(row.days)]
        cells += [amount(getattr(row, name)) for name in (*AMOUNTS, "balance")]
        if replayed:
            cells += [amount(row.paid), amount(row.outstanding), row.paid_date.isoformat() if row.paid_date else ""]
        rows.append(cells)
    totals = plan.totals
    foot = [_("Total"), "", "", "", *(amount(getattr(totals, name)) for name in AMOUNTS), ""]
    if replayed:
        foot += [amount(totals.paid), amount(totals.outstanding), ""]
    widths = [max(len(cells[i]) for cells in [header, *rows, foot]) for i in range(len(header))]
    on_the_left = {0, 1, 2, 12}

    def line(cells):
        return "  ".join(
            cell.ljust(width) if i in on_the_left else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    lines = [line(header), "  ".join("-" * width for width in widths), *map(line, rows), line(foot)]
    if payoff is not None:
        sentence = _("Para cancelar el préstamo el %(date)s se paga %(amount)s.")
        lines += ["", sentence % {"date": plan.as_of.isoformat(), "amount": amount(payoff)}]
    return "\n".join(lines) + "\n"
