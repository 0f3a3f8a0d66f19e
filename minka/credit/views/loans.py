"""Loan pages: the list with its filters, the application (with the ladder's eligible amount and a schedule
preview refreshed as the officer picks the borrower and product), a loan's page with its schedule, payments,
events, visits and reschedules, and one small POST form per action on its own address.

A loan the user may not see is a 404, like a missing one. Those who see it but do not operate its fund (auditors,
program coordinators) get the page without the actions, and a 403 if they post one. Every action goes through
the service in `minka.credit.loans`; a rule it refuses comes back as an error on the form, never a 500.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.db.models import DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.accounts import access
from minka.core import exports
from minka.core.errors import ApplicationError
from minka.core.pages import form_add_error, paginate
from minka.credit import engine, loans
from minka.credit.exports import LOAN_COLUMNS, PAYMENT_COLUMNS
from minka.credit.forms import loans as forms
from minka.credit.ladder import eligibility
from minka.credit.models import ZERO, Loan, LoanStatus, Transaction, TransactionKind

# Helpers -------------------------------------------------------------------------------------------------------


def _partial(request, target: str) -> bool:
    """True when HTMX asks for only the `target` element (a filter change, a borrower or product picked)."""
    return bool(request.htmx) and request.htmx.target == target


def _loan_get(user, pk) -> Loan:
    """The loan if the user may see it; a 404 for a missing one and for another fund's alike."""
    loan = (
        access.loans_visible(user)
        .select_related(
            "fund",
            "product",
            "borrower",
            "enterprise",
            "site",
            "officer",
            "prepared_by",
            "approved_by",
            "write_off_requested_by",
        )
        .filter(pk=pk)
        .first()
    )
    if loan is None:
        raise Http404(_("No existe ese crédito o no tiene acceso a él."))
    return loan


def _detail_url(loan) -> str:
    return reverse("credit:loan_detail", args=[loan.pk])


def _fund_url(fund) -> str | None:
    """The fund's page, once the fund pages exist."""
    for key in (fund.slug, fund.pk):
        try:
            return reverse("credit:fund_detail", args=[key])
        except NoReverseMatch:
            continue
    return None


def _statement_url(loan) -> str | None:
    """The borrower's statement of this loan, once the fund pages offer it."""
    try:
        return reverse("credit:loan_statement", args=[loan.fund.slug, loan.pk])
    except NoReverseMatch:
        return None


def _crumbs(loan=None):
    crumbs = [(reverse("credit:loan_list"), _("Créditos"))]
    if loan is not None:
        crumbs.append((_detail_url(loan), loan.number))
    return crumbs


def _filters(form) -> dict:
    """The valid values of a GET filter form; an invalid filter is ignored rather than failing the page."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return form.cleaned_data


# The list ------------------------------------------------------------------------------------------------------

PRINCIPAL_LEFT = Coalesce(
    Sum(
        F("installments__principal") - F("installments__principal_paid"),
        filter=Q(installments__superseded=False),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    ),
    Value(ZERO),
    output_field=DecimalField(max_digits=14, decimal_places=2),
)


@login_required
def loan_list(request):
    user = request.user
    visible = access.loans_visible(user)
    form = forms.LoanFilterForm(request.GET or None, user=user, visible=visible)
    filters = _filters(form)
    rows = visible.select_related("fund", "borrower", "site", "officer").annotate(principal_left=PRINCIPAL_LEFT)
    for name in ("fund", "site", "officer", "status"):
        if filters.get(name):
            rows = rows.filter(**{name: filters[name]})
    if filters.get("arrears"):
        rows = rows.filter(status=LoanStatus.ACTIVE, overdue_since__isnull=False)
    rows = rows.order_by("-applied_on", "-pk")
    if exports.export_format(request):
        if request.GET.get("of") == "payments":
            payments = (
                Transaction.objects.filter(kind=TransactionKind.REPAYMENT, loan__in=rows.values("pk"))
                .select_related("loan__fund", "loan__borrower")
                .order_by("on_date", "pk")
            )
            return exports.export_response(request, rows=payments, columns=PAYMENT_COLUMNS, filename="pagos")
        return exports.export_response(request, rows=rows, columns=LOAN_COLUMNS, filename="creditos")
    context = {"form": form, **paginate(request, rows)}
    if _partial(request, "loan-table"):
        return render(request, "credit/loans/_loan_table.html", context)
    context["can_apply"] = bool(forms.operated_funds(user))
    return render(request, "credit/loans/loan_list.html", context)


# Application ---------------------------------------------------------------------------------------------------


def _number(value, kind=Decimal):
    try:
        return kind(str(value).strip().replace(",", "")) if value not in (None, "") else None
    except (InvalidOperation, ValueError):
        return None


def _preview(product, data) -> engine.Schedule | None:
    """The schedule the application would have if disbursed on the day applied for; None until it can be worked
    out. The same engine and the same copied terms as the disbursement."""
    amount = _number(data.get("amount"))
    if product is None or amount is None or amount <= 0:
        return None
    repayments = _number(data.get("repayments"), int) or product.default_repayments
    rate = _number(data.get("annual_rate"))
    try:
        applied_on = datetime.date.fromisoformat(data.get("applied_on") or "")
    except ValueError:
        applied_on = timezone.localdate()
    draft = Loan(
        amount=amount,
        annual_rate=product.annual_rate if rate is None else rate,
        repayments=repayments,
        terms=loans._terms_snapshot(product),  # the terms a loan copies when applied for
        applied_on=applied_on,
    )
    try:
        return engine.schedule(loans.loan_terms(draft))
    except (engine.TermsError, ArithmeticError, ValueError):
        return None


def _eligibility_context(form, data) -> dict:
    borrower, product = form.chosen("borrower"), form.chosen("product")
    return {
        "borrower": borrower,
        "product": product,
        "eligibility": eligibility(borrower, product) if borrower and product else None,
        "preview": _preview(product, data),
        "currency": product.fund.currency if product else "PEN",
    }


@login_required
def loan_create(request):
    user = request.user
    if not forms.operated_funds(user):
        raise Forbidden(_("Solo quienes operan un fondo registran solicitudes de crédito."))
    if _partial(request, "loan-eligibility"):
        form = forms.LoanApplicationForm(request.GET, user=user)
        return render(request, "credit/loans/_eligibility.html", _eligibility_context(form, request.GET))
    initial = {}
    if request.method == "GET":
        initial = {name: request.GET[name] for name in ("borrower", "product") if request.GET.get(name)}
    form = forms.LoanApplicationForm(request.POST or None, user=user, initial=initial)
    fund_id = _number(request.GET.get("fund"), int)
    if fund_id and request.method == "GET" and "product" not in initial:
        products = form.fields["product"].queryset.filter(fund_id=fund_id)
        if len(products) == 1:
            form.initial["product"] = products[0].pk
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            loan = loans.apply_for_loan(user=user, product=data["product"], data=data)
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Solicitud %(number)s registrada.") % {"number": loan.number})
            return redirect(_detail_url(loan))
    context = _eligibility_context(form, request.POST)
    allowed = context["eligibility"]
    if request.method == "GET" and allowed and allowed.eligible:
        # Opened for a borrower and product: the amount she may ask for, and its schedule, as a starting point.
        form.initial["amount"] = allowed.amount
        context["preview"] = _preview(context["product"], {"amount": allowed.amount})
    return render(request, "credit/loans/application_form.html", {"form": form, "crumbs": _crumbs(), **context})


# A loan's page -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """One thing an operator does to a loan: its form, the service it calls, and when it is offered."""

    name: str
    title: str
    button: str
    form: type
    perform: object  # (user, loan, cleaned_data) -> message shown after it succeeds
    offered: object  # (loan, user) -> bool: shown on the loan's page
    secondary: bool = False


def _visit(user, loan, data):
    visit = loans.record_visit(user=user, loan=loan, data=data)
    return _("Visita de evaluación registrada.") if visit.is_evaluation else _("Visita de seguimiento registrada.")


def _approve(user, loan, data):
    loans.approve_loan(user=user, loan=loan, on_date=data["on_date"], note=data.get("note", ""))
    return _("Crédito aprobado.")


def _reject(user, loan, data):
    loans.reject_loan(user=user, loan=loan, on_date=data["on_date"], note=data["note"])
    return _("Solicitud rechazada.")


def _disburse(user, loan, data):
    loans.disburse_loan(
        user=user,
        loan=loan,
        on_date=data["on_date"],
        channel=data["channel"],
        receipt=data.get("receipt", ""),
        first_repayment_on=data.get("first_repayment_on"),
    )
    return _("Crédito desembolsado.")


def _repay(user, loan, data):
    key = data["idempotency_key"]
    already = Transaction.objects.filter(idempotency_key=key, loan=loan).exists()
    loans.record_repayment(
        user=user,
        loan=loan,
        amount=data["amount"],
        on_date=data["on_date"],
        receipt=data.get("receipt", ""),
        idempotency_key=key,
    )
    return _("Este pago ya estaba registrado.") if already else _("Pago registrado.")


def _pay_off(user, loan, data):
    loans.pay_off(
        user=user,
        loan=loan,
        on_date=data["on_date"],
        receipt=data.get("receipt", ""),
        idempotency_key=data["idempotency_key"],
    )
    return _("Crédito cancelado por adelantado.")


def _reverse(user, loan, data):
    loans.reverse_transaction(user=user, movement=data["movement"], on_date=data["on_date"], reason=data["reason"])
    return _("Pago revertido.")


def _refund(user, loan, data):
    loans.refund_credit(user=user, loan=loan, on_date=data["on_date"], receipt=data.get("receipt", ""))
    return _("Saldo a favor devuelto.")


def _reschedule(user, loan, data):
    loans.reschedule_loan(
        user=user,
        loan=loan,
        on_date=data["on_date"],
        repayments=data["repayments"],
        first_repayment_on=data["first_repayment_on"],
        reason=data["reason"],
        annual_rate=data.get("annual_rate"),
    )
    return _("Crédito reprogramado.")


def _request_write_off(user, loan, data):
    loans.request_write_off(user=user, loan=loan, on_date=data["on_date"], reason=data["reason"])
    return _("Castigo solicitado: debe aprobarlo otra persona.")


def _approve_write_off(user, loan, data):
    loans.approve_write_off(user=user, loan=loan, on_date=data["on_date"])
    return _("Crédito castigado.")


def _cancel_write_off(user, loan, data):
    loans.cancel_write_off(user=user, loan=loan)
    return _("Solicitud de castigo anulada.")


def _active(loan) -> bool:
    return loan.status == LoanStatus.ACTIVE


def _has_payments(loan) -> bool:
    return loan.status in (LoanStatus.ACTIVE, LoanStatus.CLOSED) and any(
        movement.kind == TransactionKind.REPAYMENT and not movement.reversed_on for movement in loan.movements
    )


ACTIONS = {
    action.name: action
    for action in (
        Action(
            "visit",
            gettext_lazy("Registrar visita"),
            gettext_lazy("Registrar visita"),
            forms.VisitForm,
            _visit,
            lambda loan, user: loan.status != LoanStatus.REJECTED,
            secondary=True,
        ),
        Action(
            "approve",
            gettext_lazy("Aprobar la solicitud"),
            gettext_lazy("Aprobar"),
            forms.ApproveForm,
            _approve,
            # Maker-checker: never offered to whoever prepared the application (the service refuses it anyway).
            lambda loan, user: loan.status == LoanStatus.SUBMITTED and loan.prepared_by_id != user.pk,
        ),
        Action(
            "reject",
            gettext_lazy("Rechazar la solicitud"),
            gettext_lazy("Rechazar"),
            forms.RejectForm,
            _reject,
            lambda loan, user: loan.status in (LoanStatus.SUBMITTED, LoanStatus.APPROVED),
            secondary=True,
        ),
        Action(
            "disburse",
            gettext_lazy("Desembolsar"),
            gettext_lazy("Desembolsar"),
            forms.DisburseForm,
            _disburse,
            lambda loan, user: loan.status == LoanStatus.APPROVED,
        ),
        Action(
            "repay",
            gettext_lazy("Registrar un pago"),
            gettext_lazy("Registrar pago"),
            forms.RepaymentForm,
            _repay,
            lambda loan, user: _active(loan),
        ),
        Action(
            "payoff",
            gettext_lazy("Cancelar por adelantado"),
            gettext_lazy("Cancelar el crédito"),
            forms.PayoffForm,
            _pay_off,
            lambda loan, user: _active(loan),
            secondary=True,
        ),
        Action(
            "reverse",
            gettext_lazy("Revertir un pago"),
            gettext_lazy("Revertir"),
            forms.ReverseForm,
            _reverse,
            lambda loan, user: _has_payments(loan),
            secondary=True,
        ),
        Action(
            "refund",
            gettext_lazy("Devolver el saldo a favor"),
            gettext_lazy("Devolver"),
            forms.RefundForm,
            _refund,
            lambda loan, user: loan.credit_balance > 0,
            secondary=True,
        ),
        Action(
            "reschedule",
            gettext_lazy("Reprogramar el saldo"),
            gettext_lazy("Reprogramar"),
            forms.RescheduleForm,
            _reschedule,
            lambda loan, user: _active(loan),
            secondary=True,
        ),
        Action(
            "write_off_request",
            gettext_lazy("Solicitar castigo"),
            gettext_lazy("Solicitar castigo"),
            forms.WriteOffRequestForm,
            _request_write_off,
            lambda loan, user: _active(loan) and not loan.write_off_requested_by_id,
            secondary=True,
        ),
        Action(
            "write_off_approve",
            gettext_lazy("Aprobar el castigo"),
            gettext_lazy("Castigar"),
            forms.WriteOffApproveForm,
            _approve_write_off,
            lambda loan, user: (
                _active(loan) and loan.write_off_requested_by_id and loan.write_off_requested_by_id != user.pk
            ),
            secondary=True,
        ),
        Action(
            "write_off_cancel",
            gettext_lazy("Anular la solicitud de castigo"),
            gettext_lazy("Anular"),
            forms.ConfirmForm,
            _cancel_write_off,
            lambda loan, user: _active(loan) and loan.write_off_requested_by_id,
            secondary=True,
        ),
    )
}
LOAN_FORMS = {"visit", "reverse"}  # the forms whose choices depend on the loan


def _action_form(action: Action, loan: Loan, data=None):
    options = {"loan": loan} if action.name in LOAN_FORMS else {}
    return action.form(data, auto_id=f"{action.name}-%s", **options)


@login_required
def loan_detail(request, pk):
    user = request.user
    loan = _loan_get(user, pk)
    installments = list(loan.installments.all())
    loan.movements = list(loan.transactions.select_related("recorded_by", "reversed_by"))
    can_operate = access.fund_can_operate(user, loan.fund)
    actions = []
    if can_operate:
        actions = [
            {"action": action, "form": _action_form(action, loan), "url": reverse(f"credit:loan_{name}", args=[pk])}
            for name, action in ACTIONS.items()
            if action.offered(loan, user)
        ]
        # The next step of the loan's life (approve, disburse, collect) is shown open; the rest stay folded.
        first = next((item for item in actions if not item["action"].secondary), None)
        if first:
            first["open"] = True
    quote_form = forms.PayoffQuoteForm(request.GET or None, initial={"payoff_on": timezone.localdate()})
    quote = None
    if loan.status == LoanStatus.ACTIVE:
        on_date = _filters(quote_form).get("payoff_on") or timezone.localdate()
        quote = loans.payoff_quote(loan, on_date)
    return render(
        request,
        "credit/loans/loan_detail.html",
        {
            "loan": loan,
            "installments": [row for row in installments if not row.superseded],
            "superseded": [row for row in installments if row.superseded],
            "movements": loan.movements,
            "events": list(loan.events.select_related("by")),
            "visits": list(loan.visits.select_related("officer")),
            "reschedules": list(loan.reschedules.select_related("by")),
            "principal_left": loans.principal_outstanding(loan),
            "quote": quote,
            "quote_form": quote_form,
            "actions": actions,
            "can_operate": can_operate,
            "awaiting_checker": loan.status == LoanStatus.SUBMITTED and loan.prepared_by_id == user.pk,
            "borrower_visible": access.people_visible(user).filter(pk=loan.borrower_id).exists(),
            "fund_url": _fund_url(loan.fund),
            "statement_url": _statement_url(loan),
            "crumbs": _crumbs(),
        },
    )


@login_required
def loan_action(request, pk, action: str):
    """One action's form on its own page: shown again with the service's error when a rule is broken."""
    user = request.user
    loan = _loan_get(user, pk)
    if not access.fund_can_operate(user, loan.fund):
        raise Forbidden(_("Solo la administración de la organización y las asesoras del fondo operan sus créditos."))
    spec = ACTIONS[action]
    loan.movements = list(loan.transactions.all())
    form = _action_form(spec, loan, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            message = spec.perform(user, loan, form.cleaned_data)
        except ApplicationError as error:
            if error.status == 403 and error.code == "same_user":
                # Maker-checker: the rule is the user's to read, not a permission page.
                form.add_error(None, error.message)
            else:
                form_add_error(form, error)
        else:
            messages.success(request, message)
            return redirect(_detail_url(loan))
    return render(
        request,
        "credit/loans/action_form.html",
        {"loan": loan, "action": spec, "form": form, "currency": loan.fund.currency, "crumbs": _crumbs(loan)},
    )


ACTION_PATHS = {
    "visit": "visitas/nueva/",
    "approve": "aprobar/",
    "reject": "rechazar/",
    "disburse": "desembolsar/",
    "repay": "pagos/nuevo/",
    "payoff": "cancelar/",
    "reverse": "pagos/revertir/",
    "refund": "devolver-saldo/",
    "reschedule": "reprogramar/",
    "write_off_request": "castigo/solicitar/",
    "write_off_approve": "castigo/aprobar/",
    "write_off_cancel": "castigo/anular/",
}

urlpatterns = [
    path("creditos/", loan_list, name="loan_list"),
    path("creditos/nuevo/", loan_create, name="loan_create"),
    path("creditos/<int:pk>/", loan_detail, name="loan_detail"),
    *(
        path(f"creditos/<int:pk>/{suffix}", loan_action, {"action": name}, name=f"loan_{name}")
        for name, suffix in ACTION_PATHS.items()
    ),
]
