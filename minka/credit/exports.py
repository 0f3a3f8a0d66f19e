"""The columns of the loan list's downloads: the loans, and the repayments of those loans."""

from django.utils.translation import gettext_lazy as _

from minka.core.exports import DATE, DECIMAL, INTEGER, MONEY, Column, choice_label
from minka.credit.models import LoanStatus


def _officer(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


LOAN_COLUMNS = [
    Column(_("Número"), lambda loan: loan.number),
    Column(_("Fondo"), lambda loan: loan.fund.name),
    Column(_("Sede"), lambda loan: loan.site.name if loan.site else ""),
    Column(_("Prestataria/o"), lambda loan: loan.borrower.full_name, personal=True),
    Column(_("Asesor/a"), lambda loan: _officer(loan.officer)),
    Column(_("Estado"), choice_label(LoanStatus, lambda loan: loan.status)),
    Column(_("Moneda"), lambda loan: loan.fund.currency),
    Column(_("Monto"), lambda loan: loan.amount, MONEY),
    Column(_("Tasa nominal anual (%)"), lambda loan: loan.annual_rate, DECIMAL),
    Column(_("Número de cuotas"), lambda loan: loan.repayments, INTEGER),
    Column(_("Fecha de solicitud"), lambda loan: loan.applied_on, DATE),
    Column(_("Fecha de desembolso"), lambda loan: loan.disbursed_on, DATE),
    Column(_("Capital pendiente"), lambda loan: loan.principal_left if loan.disbursed_on else None, MONEY),
    Column(_("Días de atraso"), lambda loan: loan.days_in_arrears if loan.status == "active" else None, INTEGER),
]

PAYMENT_COLUMNS = [
    Column(_("Crédito"), lambda t: t.loan.number),
    Column(_("Fondo"), lambda t: t.loan.fund.name),
    Column(_("Prestataria/o"), lambda t: t.loan.borrower.full_name, personal=True),
    Column(_("Fecha"), lambda t: t.on_date, DATE),
    Column(_("Moneda"), lambda t: t.loan.fund.currency),
    Column(_("Monto"), lambda t: t.amount, MONEY),
    Column(_("A capital"), lambda t: t.principal, MONEY),
    Column(_("A interés"), lambda t: t.interest, MONEY),
    Column(_("A comisiones"), lambda t: t.fees, MONEY),
    Column(_("A moras"), lambda t: t.penalties, MONEY),
    Column(_("Recibo"), lambda t: t.receipt),
    Column(_("Revertido el"), lambda t: t.reversed_on, DATE),
]
