"""Forms for funds, their capital, expenses and products, and the collection sheet. They offer only the choices
the user may pick; the services make the final checks and write."""

import re
from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minka.accounts import access
from minka.accounts.models import OrganizationRole, User
from minka.credit.models import Contribution, Expense, Fund, LoanProduct
from minka.credit.services import PRODUCT_FIELDS
from minka.network.models import Organization
from minka.programs.forms import DateInput
from minka.programs.models import Program


def program_choices(organizations):
    """The programs the organizations catalyse or lead projects in: a fund's loans count in one of them."""
    return Program.objects.filter(
        Q(catalysts__in=organizations) | Q(projects__lead_organization__in=organizations)
    ).distinct()


def officer_choices(organizations):
    """The credit officers and admins of the organizations: those who may be assigned to a fund."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organization__in=organizations,
            memberships__is_active=True,
            memberships__role__in=[OrganizationRole.CREDIT_OFFICER, OrganizationRole.ADMIN],
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class OfficerField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class FundForm(forms.ModelForm):
    """A new fund (with its organization and currency) or an existing one (without them: they stay as opened)."""

    officers = OfficerField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Asesoras/es de crédito"),
        help_text=_("Las y los asesores de crédito que operan este fondo; no ven los demás fondos."),
    )

    class Meta:
        model = Fund
        fields = ["organization", "program", "name", "slug", "currency", "arrears_buckets", "officers", "is_active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["organization"]
            del self.fields["currency"]
            organizations = Organization.objects.filter(pk=self.instance.organization_id)
        else:
            organizations = access.fund_organization_choices(user)
            self.fields["organization"].queryset = organizations
            del self.fields["is_active"]
        self.fields["program"].queryset = program_choices(organizations)
        self.fields["officers"].queryset = officer_choices(organizations)


class ContributionForm(forms.ModelForm):
    class Meta:
        model = Contribution
        fields = ["donor", "donor_name", "amount", "received_on", "reference"]
        widgets = {"received_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["donor"].queryset = Organization.objects.filter(is_active=True)
        self.fields["donor"].help_text = _("Si el donante está en la red; si no, escriba su nombre abajo.")

    def clean(self):
        data = super().clean()
        if not data.get("donor") and not data.get("donor_name"):
            self.add_error("donor_name", _("Indique quién aporta el capital."))
        return data


class ExpenseForm(forms.ModelForm):
    class Meta:
        model = Expense
        fields = ["spent_on", "description", "amount"]
        widgets = {"spent_on": DateInput()}


STEP_SEPARATORS = re.compile(r"[;,\s]+")


class ProductForm(forms.ModelForm):
    """A loan product with all the schedule engine's settings and its ladder of amounts."""

    steps = forms.CharField(
        required=False,
        label=_("Escalones del crédito progresivo"),
        help_text=_(
            "Montos de menor a mayor, separados por comas y sin separador de miles: 300, 500, 1000, 1500, 2000. "
            "En blanco, el producto no tiene escalones."
        ),
    )

    class Meta:
        model = LoanProduct
        fields = list(PRODUCT_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            amounts = [f"{step.amount:f}".removesuffix(".00") for step in self.instance.steps.all()]
            self.initial["steps"] = ", ".join(amounts)
        if not self.instance.pk:
            del self.fields["is_active"]

    def clean_steps(self) -> list[Decimal]:
        text = self.cleaned_data.get("steps", "").strip()
        if not text:
            return []
        amounts = []
        for part in STEP_SEPARATORS.split(text):
            try:
                amount = Decimal(part)
            except ArithmeticError:
                amount = None
            if amount is None or not amount.is_finite() or amount <= 0:
                raise forms.ValidationError(_("«%(value)s» no es un monto válido."), params={"value": part})
            amounts.append(amount)
        if amounts != sorted(set(amounts)):
            raise forms.ValidationError(_("Los escalones deben ir de menor a mayor, sin repetirse."))
        return amounts

    def clean(self):
        data = super().clean()
        rate, limit = data.get("annual_rate"), data.get("max_annual_rate")
        if rate is not None and limit is not None and rate > limit:
            self.add_error("annual_rate", _("Supera la tasa máxima del producto."))
        low, high = data.get("min_amount"), data.get("max_amount")
        if low is not None and high is not None and high < low:
            self.add_error("max_amount", _("Debe ser al menos el monto mínimo."))
        return data


class SheetFilterForm(forms.Form):
    """Which collection sheet to show: a site of the fund and a day."""

    site = forms.ModelChoiceField(queryset=None, label=_("Sede o agencia"), empty_label=None)
    date = forms.DateField(label=_("Fecha"), widget=DateInput())

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


class CollectionForm(forms.Form):
    """One sheet, submitted once: an amount and a receipt per loan; rows left blank record nothing.

    `token` is rendered once per sheet; with the loan it makes each payment's idempotency key, so a sheet sent
    twice records every payment once."""

    token = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)

    def __init__(self, *args, loans, **kwargs):
        super().__init__(*args, **kwargs)
        self.loans = list(loans)
        for loan in self.loans:
            # A row of a table has no room for a label: the field names itself for screen readers.
            label = _("Monto pagado por %(number)s") % {"number": loan.number}
            self.fields[f"amount_{loan.pk}"] = forms.DecimalField(
                required=False,
                min_value=Decimal("0.01"),
                max_digits=14,
                decimal_places=2,
                label=label,
                widget=forms.NumberInput(
                    attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal", "aria-label": label}
                ),
            )
            label = _("Recibo de %(number)s") % {"number": loan.number}
            self.fields[f"receipt_{loan.pk}"] = forms.CharField(
                required=False, max_length=60, label=label, widget=forms.TextInput(attrs={"aria-label": label})
            )

    def payments(self):
        """(loan, amount, receipt) of every row with an amount, in the sheet's order."""
        for loan in self.loans:
            amount = self.cleaned_data.get(f"amount_{loan.pk}")
            if amount:
                yield loan, amount, self.cleaned_data.get(f"receipt_{loan.pk}", "").strip()

    def row_error(self, loan, message) -> None:
        self.add_error(f"amount_{loan.pk}", message)
