"""Forms for enterprises, their members and monthly records. They offer only the choices the user may pick; the
services make the final checks and write."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.accounts import access
from minka.accounts.models import ProgramRoleKind
from minka.enterprises.models import Enterprise, EnterpriseKind, EnterpriseStage, MemberRole, Sector
from minka.network.forms import DistrictField
from minka.network.models import Organization, Site
from minka.programs.forms import DateInput, filter_choices, territory_filter_choices, ubigeo_validator
from minka.programs.models import Program

NOT_NEGATIVE = {"min_value": _("No puede ser negativo.")}


def organization_choices(user):
    """The organizations on whose behalf the user records enterprises: those they work for, and those taking
    part in the programs they coordinate."""
    organizations = Organization.objects.filter(is_active=True)
    if access.is_network_admin(user):
        return organizations
    coordinated = access.program_role_ids(user, [ProgramRoleKind.COORDINATOR])
    return organizations.filter(
        Q(pk__in=access.organization_ids(user, access.STAFF_ROLES))
        | Q(catalyzed_programs__in=coordinated)
        | Q(led_projects__program__in=coordinated)
        | Q(partnerships__project__program__in=coordinated)
    ).distinct()


def program_choices(user):
    """The programs the user coordinates and those in which their organizations work."""
    if access.is_network_admin(user):
        return Program.objects.all()
    orgs = access.organization_ids(user, access.STAFF_ROLES)
    return Program.objects.filter(
        Q(pk__in=access.program_role_ids(user, [ProgramRoleKind.COORDINATOR]))
        | Q(catalysts__in=orgs)
        | Q(projects__lead_organization__in=orgs)
        | Q(projects__partners__organization__in=orgs)
    ).distinct()


class ProjectChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.title}"


class SiteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.organization})"


class EnterpriseForm(forms.ModelForm):
    """A new enterprise (with `organization` and `program`) or an existing one (without them: they decide who sees
    it, and stay as created). On an existing one, a change of stage asks for its date."""

    district = DistrictField(label=_("Distrito"))
    project = ProjectChoiceField(queryset=None, required=False, label=_("Proyecto"))
    site = SiteChoiceField(queryset=None, required=False, label=_("Sede"))
    stage_changed_on = forms.DateField(
        required=False,
        label=_("Fecha del cambio de etapa"),
        help_text=_("Solo si cambia la etapa; hoy si la deja en blanco."),
        widget=DateInput(),
    )
    stage_note = forms.CharField(required=False, max_length=250, label=_("Nota sobre el cambio de etapa"))

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "kind",
            "sector",
            "organization",
            "program",
            "project",
            "stage",
            "started_on",
            "district",
            "site",
            "ruc",
        ]
        widgets = {
            "started_on": DateInput(),
            "ruc": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 11, "autocomplete": "off"}),
        }
        help_texts = {"ruc": _("11 dígitos; déjelo en blanco si el emprendimiento no está formalizado.")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        editing = self.instance.pk is not None
        organizations = organization_choices(user)
        if editing:
            del self.fields["organization"]
            del self.fields["program"]
            self.fields["stage"].help_text = _("Un cambio de etapa queda en la historia con su fecha.")
            programs = Program.objects.filter(pk=self.instance.program_id)
            organizations = Organization.objects.filter(pk=self.instance.organization_id)
        else:
            del self.fields["stage_changed_on"]
            del self.fields["stage_note"]
            programs = program_choices(user).order_by("name_es")
            self.fields["organization"].queryset = organizations
            self.fields["program"].queryset = programs
            self.fields["stage"].help_text = _("La etapa en la fecha de inicio.")
            if not self.is_bound:
                for name, choices in (("organization", organizations), ("program", programs)):
                    only = list(choices.values_list("pk", flat=True)[:2])
                    if len(only) == 1:
                        self.initial[name] = only[0]
        self.fields["project"].queryset = (
            access.projects_visible(user).filter(program__in=programs.values("pk")).select_related("program")
        ).order_by("code")
        self.fields["site"].queryset = Site.objects.filter(
            organization__in=organizations.values("pk"), is_active=True
        ).select_related("organization")
        if editing and self.instance.site_id:  # keep the current site selectable even if closed since
            self.fields["site"].queryset = Site.objects.filter(
                Q(pk__in=self.fields["site"].queryset.values("pk")) | Q(pk=self.instance.site_id)
            ).select_related("organization")
        if editing and self.instance.district_id and not self.is_bound:
            self.initial["district"] = self.instance.district_id

    def clean_ruc(self):
        return (self.cleaned_data.get("ruc") or "").strip()


class MemberForm(forms.Form):
    """A person picked among the search results (the radio buttons are drawn by the page's template)."""

    participant = forms.ModelChoiceField(
        queryset=None,
        label=_("Persona"),
        error_messages={
            "required": _("Busque a la persona y elíjala de la lista."),
            "invalid_choice": _("Elija una persona de la lista de resultados."),
        },
    )
    role = forms.ChoiceField(choices=MemberRole.choices, label=_("Rol"))
    joined_on = forms.DateField(required=False, label=_("Integrante desde"), widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = access.people_visible(user).select_related("district")

    def clean_joined_on(self):
        joined_on = self.cleaned_data.get("joined_on")
        if joined_on and joined_on > timezone.localdate():
            raise forms.ValidationError(_("La fecha no puede estar en el futuro."))
        return joined_on


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__({"placeholder": "AAAA-MM", **(attrs or {})}, format="%Y-%m")


class RecordForm(forms.Form):
    month = forms.DateField(
        label=_("Mes"),
        input_formats=["%Y-%m", "%m/%Y", "%Y-%m-%d", "%d/%m/%Y"],
        widget=MonthInput(),
        error_messages={"invalid": _("Escriba el mes como AAAA-MM, por ejemplo 2025-03.")},
    )
    sales = forms.DecimalField(
        label=_("Ventas del mes (S/)"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        error_messages=NOT_NEGATIVE,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
    )
    costs = forms.DecimalField(
        label=_("Costos del mes (S/)"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        error_messages=NOT_NEGATIVE,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
    )
    jobs = forms.IntegerField(
        label=_("Puestos de trabajo"),
        min_value=0,
        max_value=32767,
        initial=0,
        error_messages=NOT_NEGATIVE,
        help_text=_("Personas que trabajaron en el emprendimiento ese mes, integrantes incluidos."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0"}),
    )

    def __init__(self, *args, month=None, **kwargs):
        super().__init__(*args, **kwargs)
        if month is not None:  # editing one month: its values change, the month does not
            self.fields["month"].disabled = True
            self.fields["month"].initial = month


class EnterpriseFilterForm(forms.Form):
    """Filters of the enterprise list. Slugs are taken as typed (the selector scopes them to what the user sees)."""

    q = forms.CharField(required=False, label=_("Buscar"), widget=forms.SearchInput())
    program = forms.SlugField(required=False, label=_("Programa"))
    organization = forms.SlugField(required=False, label=_("Organización"))
    kind = forms.ChoiceField(required=False, label=_("Tipo"), choices=[("", _("Todos")), *EnterpriseKind.choices])
    stage = forms.ChoiceField(required=False, label=_("Etapa"), choices=[("", _("Todas")), *EnterpriseStage.choices])
    sector = forms.ChoiceField(
        required=False, label=_("Actividad económica"), choices=[("", _("Todas")), *Sector.choices]
    )
    territory = forms.CharField(required=False, label=_("Territorio"), validators=[ubigeo_validator])

    def __init__(self, *args, programs, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        options = {
            "program": [(program.slug, program.name) for program in programs],
            "organization": [(organization.slug, str(organization)) for organization in organizations],
        }
        for name, choices in options.items():
            self.fields[name].widget = forms.Select(choices=filter_choices(self.data, name, choices))
        self.fields["territory"].widget = forms.Select(choices=territory_filter_choices(self.data))
