"""Forms for programs, phases, projects, partners, initiatives and funding.

They validate input and offer only the choices the user may pick; the services make the final checks and write.
Peru has ~1,900 districts, too many for a select on a phone: a project's scope is picked from departments and
provinces, with a text input for district ubigeo codes; an initiative's district uses the network's district picker.
"""

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from minka.accounts import access
from minka.network.forms import DistrictField
from minka.network.models import Organization, Territory, TerritoryLevel
from minka.programs.models import (
    Disbursement,
    FundingCommitment,
    Initiative,
    InitiativeStatus,
    PartnerRole,
    Phase,
    Program,
    Project,
    ProjectStatus,
)
from minka.programs.selectors import project_editable_list

UBIGEO = re.compile(r"^\d{2}(\d{2}(\d{2})?)?$")
UBIGEO_SPLIT = re.compile(r"[\s,;]+")


def short_text():
    return forms.Textarea(attrs={"rows": 4})


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def organization_choices(user, program=None):
    """Organizations the user may name (as catalyst, partner or funder): the active ones they see, as for project
    leads (`access.project_lead_choices`); coordinators also see those taking part in nothing yet. `program` is
    kept for callers that name one."""
    return Organization.objects.filter(is_active=True, pk__in=access.organizations_visible(user).values("pk"))


def broad_territories():
    """Departments and provinces (about 220), ordered so each province follows its department."""
    return (
        Territory.objects.filter(level__in=[TerritoryLevel.DEPARTMENT, TerritoryLevel.PROVINCE])
        .select_related("parent")
        .order_by("code")
    )


def territory_label(territory) -> str:
    """A department or province with its path: "Quispicanchi, Cusco" (the parent must be loaded)."""
    return territory.name if territory.parent_id is None else f"{territory.name}, {territory.parent.name}"


def filter_choices(data, name: str, choices) -> list[tuple[str, str]]:
    """Options for a filter select, with "all" first; a value asked for in the address that is not among them (a
    district code, a slug typed by hand) is kept as an option so the page shows what it filters by."""
    choices = list(choices)
    current = (data.get(name) or "").strip()
    if current and current not in {value for value, _label in choices}:
        choices.append((current, current))
    return [("", _("Todos")), *choices]


def territory_filter_choices(data) -> list[tuple[str, str]]:
    """Departments and provinces for a territory filter (which takes any ubigeo prefix, districts included)."""
    territories = [(territory.code, territory_label(territory)) for territory in broad_territories()]
    if not UBIGEO.match((data.get("territory") or "").strip()):
        data = {}
    return filter_choices(data, "territory", territories)


def ubigeo_validator(value):
    if value and not UBIGEO.match(value):
        raise forms.ValidationError(_("Use un código de ubigeo de 2, 4 o 6 dígitos."), code="malformed")


class TerritoryChoiceMixin:
    def label_from_instance(self, obj):
        return territory_label(obj)


class TerritoryMultipleChoiceField(TerritoryChoiceMixin, forms.ModelMultipleChoiceField):
    pass


class TerritoryChoiceField(TerritoryChoiceMixin, forms.ModelChoiceField):
    pass


def territories_from_codes(text: str) -> list[Territory]:
    """The territories named by ubigeo codes separated by spaces or commas; a ValidationError names unknown ones."""
    codes = [code for code in UBIGEO_SPLIT.split(text.strip()) if code]
    malformed = [code for code in codes if not UBIGEO.match(code)]
    if malformed:
        raise forms.ValidationError(
            _("Código de ubigeo no válido: %(codes)s. Use 2, 4 o 6 dígitos."),
            code="malformed",
            params={"codes": ", ".join(malformed)},
        )
    found = {territory.code: territory for territory in Territory.objects.filter(code__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise forms.ValidationError(
            _("Código de territorio desconocido: %(codes)s."), code="unknown", params={"codes": ", ".join(unknown)}
        )
    return [found[code] for code in dict.fromkeys(codes)]


class ProgramForm(forms.ModelForm):
    class Meta:
        model = Program
        fields = [
            "slug",
            "name_es",
            "name_en",
            "description_es",
            "description_en",
            "start_date",
            "end_date",
            "currency",
            "catalysts",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "description_es": short_text(),
            "description_en": short_text(),
        }
        help_texts = {
            "slug": _("Letras minúsculas, números y guiones; forma parte de la dirección de las páginas."),
            "currency": _("Moneda en que el programa informa sus montos."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        program = self.instance if self.instance.pk else None
        self.fields["catalysts"].queryset = organization_choices(user, program)
        self.fields["catalysts"].required = True
        self.fields["catalysts"].help_text = _("Las organizaciones que impulsan el programa y lo coordinan.")


class PhaseForm(forms.ModelForm):
    class Meta:
        model = Phase
        fields = ["number", "name_es", "name_en", "start_date", "end_date"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}


class TerritoryScopeFields(forms.Form):
    """A scope of territories as a phone can pick it: departments and provinces from a list, districts typed by
    their codes. A form using it calls `scope_start` in its `__init__` and reads the choice with `scope()`."""

    territories = TerritoryMultipleChoiceField(
        queryset=Territory.objects.none(),
        required=False,
        label=_("Ámbito: departamentos y provincias"),
        help_text=_("Puede elegir varios."),
    )
    districts = forms.CharField(
        required=False,
        label=_("Ámbito: distritos (códigos de ubigeo)"),
        help_text=_("Códigos INEI de 6 dígitos separados por espacios o comas, p. ej. 081201 081202."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def scope_start(self, current) -> None:
        """Offers the departments and provinces, and shows the `current` scope split between the two inputs."""
        self.fields["territories"].queryset = broad_territories()
        if current is not None and not self.is_bound:
            current = list(current)
            self.initial["territories"] = [t.pk for t in current if t.level != TerritoryLevel.DISTRICT]
            self.initial["districts"] = " ".join(t.code for t in current if t.level == TerritoryLevel.DISTRICT)

    def clean_districts(self):
        return territories_from_codes(self.cleaned_data.get("districts") or "")

    def scope(self) -> list[Territory]:
        """Every territory chosen, in either input, without repeats."""
        chosen = [*self.cleaned_data.get("territories", []), *self.cleaned_data.get("districts", [])]
        return list({territory.code: territory for territory in chosen}.values())


class ProjectForm(TerritoryScopeFields, forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "code",
            "title_es",
            "title_en",
            "phase",
            "status",
            "lead_organization",
            "start_date",
            "end_date",
            "description_es",
            "description_en",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "description_es": short_text(),
            "description_en": short_text(),
        }
        help_texts = {"code": _("Único dentro del programa: letras minúsculas, números y guiones.")}

    def __init__(self, *args, user, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.program = program
        self.fields["phase"].queryset = Phase.objects.filter(program=program)
        leads = access.project_lead_choices(user, program)
        if self.instance.pk:  # keep the current lead selectable even when it is no longer one of the choices
            leads = leads | Organization.objects.filter(pk=self.instance.lead_organization_id)
        self.fields["lead_organization"].queryset = leads.distinct()
        if not self.instance.pk and not self.is_bound:
            only = list(leads.values_list("pk", flat=True)[:2])
            if len(only) == 1:  # a field officer leads with their own organization
                self.initial["lead_organization"] = only[0]
        self.scope_start(self.instance.territories.all() if self.instance.pk else None)


class PartnerForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("Organización"))
    role = forms.ChoiceField(choices=PartnerRole.choices, label=_("Rol"))

    def __init__(self, *args, user, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organization_choices(user, program)


class InitiativeForm(forms.ModelForm):
    territory = TerritoryChoiceField(
        queryset=Territory.objects.none(), required=False, label=_("Territorio: departamento o provincia")
    )
    district = DistrictField(
        required=False,
        label=_("o un distrito"),
        help_text=_(
            "Escriba el nombre o el ubigeo (6 dígitos) y elija de la lista; prevalece sobre el campo anterior."
        ),
    )

    class Meta:
        model = Initiative
        fields = ["title_es", "title_en", "project", "status", "proposed_by", "description", "territory"]
        widgets = {"description": short_text()}

    def __init__(self, *args, user, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.program = program
        self.fields["project"].queryset = project_editable_list(user=user, program=program)
        if not access.program_can_edit(user, program):
            # Without rights over the whole program, an initiative is recorded under one of the user's projects.
            self.fields["project"].required = True
        self.fields["territory"].queryset = broad_territories()
        territory = self.instance.territory if self.instance.territory_id else None
        if territory is not None and territory.level == TerritoryLevel.DISTRICT and not self.is_bound:
            self.initial["territory"] = None
            self.initial["district"] = territory.code

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("district"):
            cleaned["territory"] = cleaned["district"]
        return cleaned


class MoneyFormMixin:
    def clean_amount(self):
        # Stored with two decimals: "3000" and "3000.00" are the same amount, and the audit trail must not see a change.
        amount = self.cleaned_data["amount"]
        return amount.quantize(Decimal("0.01")) if amount is not None else amount


class CommitmentForm(MoneyFormMixin, forms.ModelForm):
    class Meta:
        model = FundingCommitment
        fields = ["funder", "amount", "currency", "committed_on", "reference"]
        widgets = {"committed_on": DateInput()}

    def __init__(self, *args, user, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project = project
        funders = organization_choices(user, project.program)
        if self.instance.pk:
            funders = funders | Organization.objects.filter(pk=self.instance.funder_id)
        self.fields["funder"].queryset = funders.distinct()
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("currency", project.program.currency)


class DisbursementForm(MoneyFormMixin, forms.ModelForm):
    class Meta:
        model = Disbursement
        fields = ["amount", "disbursed_on", "note"]
        widgets = {"disbursed_on": DateInput()}


class ProgramFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Buscar"), widget=forms.SearchInput())


class ProjectFilterForm(forms.Form):
    """Filters of the project list. Slugs are taken as typed (the selectors scope them to what the user sees), so
    an address naming an unknown funder lists no projects instead of ignoring the filter."""

    q = forms.CharField(required=False, label=_("Buscar"), widget=forms.SearchInput())
    program = forms.SlugField(required=False, label=_("Programa"))
    territory = forms.CharField(required=False, label=_("Territorio"), validators=[ubigeo_validator])
    funder = forms.SlugField(required=False, label=_("Financiador"))
    organization = forms.SlugField(required=False, label=_("Organización"))
    status = forms.ChoiceField(required=False, label=_("Estado"), choices=[("", _("Todos")), *ProjectStatus.choices])

    def __init__(self, *args, programs, funders, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        options = {
            "program": [(program.slug, program.name) for program in programs],
            "funder": [(organization.slug, str(organization)) for organization in funders],
            "organization": [(organization.slug, str(organization)) for organization in organizations],
        }
        for name, choices in options.items():
            self.fields[name].widget = forms.Select(choices=filter_choices(self.data, name, choices))
        self.fields["territory"].widget = forms.Select(choices=territory_filter_choices(self.data))


class InitiativeFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Buscar"), widget=forms.SearchInput())
    territory = forms.CharField(required=False, label=_("Territorio"), validators=[ubigeo_validator])
    status = forms.ChoiceField(required=False, label=_("Estado"), choices=[("", _("Todos")), *InitiativeStatus.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].widget = forms.Select(choices=territory_filter_choices(self.data))
