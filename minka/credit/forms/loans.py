"""Forms for loans: the list's filters, the application, and one small form per action on a loan (visit,
decision, disbursement, payment, payoff, reversal, refund, rescheduling, write-off). They offer only the choices
the user may pick and parse what was typed; the services in `minka.credit.loans` check the rules and write."""

import uuid

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.accounts import access
from minka.credit.models import (
    BusinessStatus,
    DisbursementChannel,
    Fund,
    Loan,
    LoanProduct,
    LoanStatus,
    Transaction,
    TransactionKind,
    UseCategory,
    UseVerified,
)
from minka.enterprises.models import Enterprise
from minka.network.models import Site
from minka.programs.forms import DateInput

AMOUNT = {"max_digits": 14, "decimal_places": 2}
AMOUNT_ERRORS = {"min_value": _("El monto debe ser mayor que cero.")}


def operated_funds(user):
    """The funds whose loans the user may apply for, decide, disburse and collect."""
    return [fund for fund in access.funds_visible(user).filter(is_active=True) if access.fund_can_operate(user, fund)]


def _today():
    return timezone.localdate()


def _date(label, **options):
    return forms.DateField(label=label, widget=DateInput(), **options)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class ProductChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.fund})"


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


# The list ------------------------------------------------------------------------------------------------------


class LoanFilterForm(forms.Form):
    """The list's filters, with options drawn from the loans the user sees."""

    fund = forms.ModelChoiceField(
        queryset=Fund.objects.none(), required=False, label=_("Fondo"), empty_label=_("Todos")
    )
    status = forms.ChoiceField(required=False, label=_("Estado"))
    site = forms.ModelChoiceField(
        queryset=Site.objects.none(), required=False, label=_("Sede o agencia"), empty_label=_("Todas")
    )
    officer = UserChoiceField(
        queryset=get_user_model().objects.none(), required=False, label=_("Asesor/a"), empty_label=_("Todos")
    )
    arrears = forms.BooleanField(required=False, label=_("Solo con atraso"))

    def __init__(self, *args, user, visible, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = access.funds_visible(user)
        self.fields["status"].choices = [("", _("Todos")), *LoanStatus.choices]
        self.fields["site"].queryset = Site.objects.filter(pk__in=visible.values("site")).order_by("name")
        self.fields["officer"].queryset = (
            get_user_model().objects.filter(pk__in=visible.values("officer")).order_by("first_name", "username")
        )


# Application ---------------------------------------------------------------------------------------------------


class LoanApplicationForm(forms.Form):
    """A new application: the borrower among the people the user sees, a product of a fund the user operates."""

    borrower = PersonChoiceField(queryset=None, label=_("Prestataria/o"))
    product = ProductChoiceField(queryset=None, label=_("Producto de crédito"))
    amount = forms.DecimalField(label=_("Monto"), min_value=0.01, error_messages=AMOUNT_ERRORS, **AMOUNT)
    repayments = forms.IntegerField(
        label=_("Número de cuotas"),
        min_value=1,
        max_value=600,
        required=False,
        help_text=_("En blanco: las del producto."),
    )
    annual_rate = forms.DecimalField(
        label=_("Tasa nominal anual (%)"),
        max_digits=7,
        decimal_places=4,
        min_value=0,
        required=False,
        help_text=_("En blanco: la del producto."),
    )
    use_category = forms.ChoiceField(label=_("Uso previsto"), choices=[("", "—"), *UseCategory.choices])
    use_description = forms.CharField(label=_("Descripción del uso"), max_length=300)
    enterprise = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Emprendimiento que financia"), empty_label=_("Ninguno")
    )
    site = forms.ModelChoiceField(queryset=None, required=False, label=_("Sede o agencia"), empty_label=_("Ninguna"))
    applied_on = _date(_("Fecha de solicitud"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        funds = operated_funds(user)
        organizations = {fund.organization_id for fund in funds}
        self.fields["borrower"].queryset = access.people_visible(user).order_by("search_name", "pk")
        self.fields["product"].queryset = (
            LoanProduct.objects.filter(fund__in=funds, is_active=True).select_related("fund").order_by("fund", "name")
        )
        self.fields["enterprise"].queryset = Enterprise.objects.filter(
            organization__in=organizations, pk__in=_visible_enterprises(user)
        ).order_by("name")
        self.fields["site"].queryset = Site.objects.filter(organization__in=organizations).order_by("name")
        self.fields["applied_on"].initial = _today
        # An officer of one fund with one product should not have to pick it.
        products = list(self.fields["product"].queryset[:2])
        if len(products) == 1 and "product" not in self.initial:
            self.initial["product"] = products[0].pk

    def chosen(self, name):
        """The borrower or product picked so far (bound or initial), for the eligibility shown beside the form."""
        field = self.fields[name]
        value = self.data.get(self.add_prefix(name)) if self.is_bound else self.initial.get(name)
        if value in (None, ""):
            return None
        try:
            return field.clean(value)
        except forms.ValidationError:
            return None


def _visible_enterprises(user):
    from minka.enterprises.selectors import enterprises_visible

    return enterprises_visible(user).values("pk")


# Actions on one loan -------------------------------------------------------------------------------------------


class VisitForm(forms.Form):
    visited_on = _date(_("Fecha de la visita"), initial=_today)
    is_evaluation = forms.BooleanField(label=_("Visita de evaluación (antes de aprobar)"), required=False)
    use_verified = forms.ChoiceField(
        label=_("¿Se usó como estaba previsto?"), choices=[("", "—"), *UseVerified.choices], required=False
    )
    verified_use_category = forms.ChoiceField(
        label=_("En qué se usó"), choices=[("", "—"), *UseCategory.choices], required=False
    )
    business_status = forms.ChoiceField(label=_("Estado del negocio"), choices=[("", "—"), *BusinessStatus.choices])
    findings = forms.CharField(label=_("Hallazgos"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, loan: Loan, **kwargs):
        super().__init__(*args, **kwargs)
        if not loan.disbursed_on:
            self.fields["is_evaluation"].initial = True
            for name in ("use_verified", "verified_use_category"):
                del self.fields[name]
        else:
            self.fields["use_verified"].help_text = _("Uso previsto: %(use)s — %(description)s") % {
                "use": loan.get_use_category_display(),
                "description": loan.use_description,
            }


class ApproveForm(forms.Form):
    on_date = _date(_("Fecha de aprobación"), initial=_today)
    note = forms.CharField(label=_("Nota"), max_length=300, required=False)


class RejectForm(forms.Form):
    on_date = _date(_("Fecha del rechazo"), initial=_today)
    note = forms.CharField(label=_("Motivo"), max_length=300)


class DisburseForm(forms.Form):
    on_date = _date(_("Fecha de desembolso"), initial=_today)
    channel = forms.ChoiceField(label=_("Medio"), choices=[("", "—"), *DisbursementChannel.choices])
    receipt = forms.CharField(label=_("Comprobante"), max_length=60, required=False)
    first_repayment_on = _date(
        _("Primera cuota"), required=False, help_text=_("En blanco: un periodo después del desembolso.")
    )


def _idempotency_key() -> str:
    return uuid.uuid4().hex


class RepaymentForm(forms.Form):
    """A payment. The hidden key is made when the form is shown, so the same form sent twice posts once."""

    amount = forms.DecimalField(label=_("Monto"), min_value=0.01, error_messages=AMOUNT_ERRORS, **AMOUNT)
    on_date = _date(_("Fecha del pago"), initial=_today)
    receipt = forms.CharField(label=_("Recibo"), max_length=60, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80, initial=_idempotency_key)


class PayoffForm(forms.Form):
    on_date = _date(_("Fecha"), initial=_today)
    receipt = forms.CharField(label=_("Recibo"), max_length=60, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80, initial=_idempotency_key)


class PayoffQuoteForm(forms.Form):
    payoff_on = _date(_("Cancelar el"), required=False)


class MovementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        receipt = f" · {obj.receipt}" if obj.receipt else ""
        return f"{obj.on_date:%d/%m/%Y} · {obj.amount}{receipt}"


class ReverseForm(forms.Form):
    movement = MovementChoiceField(queryset=None, label=_("Pago"))
    on_date = _date(_("Fecha de la reversión"), initial=_today)
    reason = forms.CharField(label=_("Motivo"), max_length=300)

    def __init__(self, *args, loan: Loan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["movement"].queryset = Transaction.objects.filter(
            loan=loan, kind=TransactionKind.REPAYMENT, reversed_on__isnull=True
        ).order_by("-on_date", "-pk")


class RefundForm(forms.Form):
    on_date = _date(_("Fecha de la devolución"), initial=_today)
    receipt = forms.CharField(label=_("Comprobante"), max_length=60, required=False)


class RescheduleForm(forms.Form):
    on_date = _date(_("Fecha de la reprogramación"), initial=_today)
    repayments = forms.IntegerField(label=_("Nuevas cuotas"), min_value=1, max_value=600)
    first_repayment_on = _date(_("Primera cuota nueva"))
    annual_rate = forms.DecimalField(
        label=_("Tasa nominal anual (%)"),
        max_digits=7,
        decimal_places=4,
        min_value=0,
        required=False,
        help_text=_("En blanco: la del crédito."),
    )
    reason = forms.CharField(label=_("Motivo"), max_length=300)


class WriteOffRequestForm(forms.Form):
    on_date = _date(_("Fecha"), initial=_today)
    reason = forms.CharField(label=_("Motivo del castigo"), max_length=300)


class WriteOffApproveForm(forms.Form):
    on_date = _date(_("Fecha del castigo"), initial=_today)


class ConfirmForm(forms.Form):
    """An action with nothing to fill in (cancelling a write-off request)."""
