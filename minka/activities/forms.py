"""Forms for activities, their sessions and types. They offer only the choices the user may pick; the services make
the final checks and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from minka.accounts import access
from minka.activities.models import Activity, ActivityCategory, ActivityType, Session
from minka.activities.services import activity_organization_choices, session_outside_message
from minka.network.models import Organization, Site
from minka.programs.forms import DateInput, filter_choices, territory_filter_choices, ubigeo_validator


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = [
            "activity_type",
            "title",
            "organization",
            "project",
            "site",
            "start_date",
            "end_date",
            "facilitators",
            "completion_percent",
        ]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        help_texts = {
            "facilitators": _("Nombres de quienes facilitan, separados por comas."),
            "completion_percent": _("Porcentaje de sesiones a las que hay que asistir para concluir la actividad."),
        }

    def __init__(self, *args, user, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.program = program
        self.fields["activity_type"].queryset = ActivityType.objects.filter(program=program).order_by("name_es")
        self.fields["activity_type"].label_from_instance = lambda activity_type: activity_type.name
        organizations = activity_organization_choices(user, program)
        if self.instance.pk:  # the current organization stays selectable
            organizations = organizations | Organization.objects.filter(pk=self.instance.organization_id)
        organizations = organizations.distinct()
        self.fields["organization"].queryset = organizations
        if not self.instance.pk and not self.is_bound:
            only = list(organizations.values_list("pk", flat=True)[:2])
            if len(only) == 1:  # a field officer runs activities for their own organization
                self.initial["organization"] = only[0]
        self.fields["project"].queryset = (
            access.projects_visible(user).filter(program=program).order_by("code").only("code", "title_es", "title_en")
        )
        self.fields["project"].label_from_instance = lambda project: project.title
        self.fields["site"].queryset = (
            Site.objects.filter(is_active=True, organization__in=organizations.values("pk"))
            .select_related("organization")
            .order_by("organization__name", "name")
        )
        self.fields["site"].label_from_instance = lambda site: f"{site.name} ({site.organization})"


class ActivityTypeForm(forms.ModelForm):
    class Meta:
        model = ActivityType
        fields = ["name_es", "name_en", "code", "category"]
        help_texts = {"code": _("Único en el programa: letras minúsculas, números y guiones.")}

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.program = program
        self.fields["category"].initial = ActivityCategory.OTHER
        self.fields["category"].help_text = _("Permite contar juntas actividades parecidas de distintos programas.")


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["date", "topic"]
        widgets = {"date": DateInput()}

    def clean_date(self):
        # Said here with the activity's dates, before the model's shorter sentence; the service checks it again.
        day = self.cleaned_data["date"]
        activity = self.instance.activity
        if day and not (activity.start_date <= day <= activity.end_date):
            raise forms.ValidationError(session_outside_message(activity), code="outside_activity")
        return day


class ProgramChoiceForm(forms.Form):
    program = forms.ChoiceField(label=_("Programa"))

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [(program.slug, program.name) for program in programs]


class ActivityFilterForm(forms.Form):
    """Filters of the activity list; slugs and codes are taken as typed (the selector scopes them)."""

    q = forms.CharField(required=False, label=_("Buscar"), widget=forms.SearchInput())
    program = forms.SlugField(required=False, label=_("Programa"))
    type = forms.SlugField(required=False, label=_("Tipo"))
    organization = forms.SlugField(required=False, label=_("Organización"))
    territory = forms.CharField(required=False, label=_("Territorio"), validators=[ubigeo_validator])
    date_from = forms.DateField(required=False, label=_("Desde"), widget=DateInput())
    date_to = forms.DateField(required=False, label=_("Hasta"), widget=DateInput())

    def __init__(self, *args, programs, types, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        options = {
            "program": [(program.slug, program.name) for program in programs],
            "type": types,
            "organization": [(organization.slug, str(organization)) for organization in organizations],
        }
        for name, choices in options.items():
            self.fields[name].widget = forms.Select(choices=filter_choices(self.data, name, choices))
        self.fields["territory"].widget = forms.Select(choices=territory_filter_choices(self.data))
