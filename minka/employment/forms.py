"""Forms of the job service's pages. They offer only the choices of the program at hand; the services make the final
checks and write, and their ApplicationError comes back as form errors."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.employment.models import (
    APPLICATION_TRANSITIONS,
    FOLLOW_UP_MONTHS,
    ApplicationState,
    Employer,
    EmployerContact,
    JobSeeker,
    Language,
    SeekerStatus,
    SelfEmployment,
    Skill,
    Vacancy,
    VacancyStatus,
    WorkExperience,
)
from minka.network.forms import DistrictField
from minka.network.models import Territory
from minka.people.models import Participant
from minka.programs.forms import DateInput

NOT_NEGATIVE = {"min_value": _("No puede ser negativo.")}


def program_districts(program, *also):
    """Districts a seeker may prefer: those of the provinces where the program's employers and vacancies are, and
    any already chosen. All of Peru's 1,874 districts would make a list no one can use on a phone."""
    provinces = Territory.objects.filter(
        Q(children__employers__program=program) | Q(children__vacancies__program=program)
    ).values("pk")
    chosen = [territory.pk for territory in also]
    return (
        Territory.objects.filter(Q(level="district", parent__in=provinces) | Q(pk__in=chosen))
        .select_related("parent")
        .distinct()
        .order_by("name")
    )


class SkillsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


# Seekers -------------------------------------------------------------------------------------------------------


class SeekerForm(forms.ModelForm):
    """A seeker's profile. A new one names a person the user may see (by id, picked from the search)."""

    participant = forms.ModelChoiceField(queryset=Participant.objects.none(), label=_("Persona"))
    languages = forms.MultipleChoiceField(
        choices=Language.choices, widget=forms.CheckboxSelectMultiple, required=False, label=_("Idiomas")
    )
    skills = SkillsField(queryset=Skill.objects.none(), required=False, label=_("Habilidades"))
    preferred_districts = forms.ModelMultipleChoiceField(
        queryset=Territory.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Distritos donde prefiere trabajar"),
    )

    class Meta:
        model = JobSeeker
        fields = [
            "participant",
            "education_level",
            "skills",
            "languages",
            "availability",
            "available_from",
            "preferred_districts",
            "max_travel_km",
            "cv",
            "share_contact",
            "share_cv",
            "share_experience",
            "status",
            "notes",
        ]
        widgets = {"available_from": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "cv": _("PDF o Word, hasta 5 MB."),
            "share_contact": _("Solo con su consentimiento: el empleador verá su teléfono."),
        }

    def __init__(self, *args, program, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skills"].queryset = Skill.objects.filter(program=program, is_active=True)
        chosen = list(self.instance.preferred_districts.all()) if self.instance.pk else []
        self.fields["preferred_districts"].queryset = program_districts(program, *chosen)
        self.fields["preferred_districts"].label_from_instance = lambda t: f"{t.name} ({t.parent.name})"
        if self.instance.pk:
            del self.fields["participant"]
        else:
            self.fields["participant"].queryset = people
            del self.fields["status"]

    def clean_cv(self):
        cv = self.cleaned_data.get("cv")
        if cv and hasattr(cv, "size") and cv.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("El CV no puede pasar de 5 MB."))
        if cv and hasattr(cv, "name") and not cv.name.lower().endswith((".pdf", ".doc", ".docx", ".odt")):
            raise forms.ValidationError(_("Suba el CV en PDF o Word."))
        return cv


class SeekerFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Nombre"))
    status = forms.ChoiceField(choices=[("", _("Todos")), *SeekerStatus.choices], required=False, label=_("Estado"))
    skill = forms.ModelChoiceField(
        queryset=Skill.objects.none(), required=False, label=_("Habilidad"), empty_label=_("Todas")
    )

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skill"].queryset = Skill.objects.filter(program=program, is_active=True)


class ExperienceForm(forms.ModelForm):
    class Meta:
        model = WorkExperience
        fields = ["employer_name", "role", "started_on", "ended_on", "description"]
        widgets = {"started_on": DateInput(), "ended_on": DateInput(), "description": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        data = super().clean()
        if data.get("ended_on") and data.get("started_on") and data["ended_on"] < data["started_on"]:
            self.add_error("ended_on", _("No puede terminar antes de empezar."))
        return data


class SkillForm(forms.Form):
    name = forms.CharField(max_length=120, label=_("Nueva habilidad"))


# Employers -----------------------------------------------------------------------------------------------------


class EmployerForm(forms.ModelForm):
    district = DistrictField(label=_("Distrito"))

    class Meta:
        model = Employer
        fields = ["name", "kind", "sector", "ruc", "district", "address", "notes"]
        widgets = {
            "ruc": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 11, "autocomplete": "off"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"ruc": _("11 dígitos; puede dejarlo en blanco.")}


class ContactForm(forms.ModelForm):
    class Meta:
        model = EmployerContact
        fields = ["name", "position", "phone", "email"]


class PortalLoginForm(forms.Form):
    username = forms.CharField(max_length=150, label=_("Nombre de usuario"))
    password = forms.CharField(
        min_length=12,
        widget=forms.PasswordInput(render_value=False),
        label=_("Contraseña inicial"),
        help_text=_("Al menos 12 caracteres; entréguela en persona."),
    )


# Vacancies -----------------------------------------------------------------------------------------------------


class VacancyForm(forms.ModelForm):
    district = DistrictField(label=_("Distrito"))
    required_skills = SkillsField(queryset=Skill.objects.none(), required=False, label=_("Habilidades requeridas"))
    desirable_skills = SkillsField(queryset=Skill.objects.none(), required=False, label=_("Habilidades deseables"))

    class Meta:
        model = Vacancy
        fields = [
            "employer",
            "title",
            "sector",
            "description",
            "required_skills",
            "desirable_skills",
            "district",
            "wage",
            "contract_type",
            "availability",
            "hours_per_week",
            "positions",
            "opens_on",
            "closes_on",
        ]
        widgets = {
            "opens_on": DateInput(),
            "closes_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {"wage": NOT_NEGATIVE}

    def __init__(self, *args, program, employers, **kwargs):
        super().__init__(*args, **kwargs)
        skills = Skill.objects.filter(program=program, is_active=True)
        self.fields["required_skills"].queryset = skills
        self.fields["desirable_skills"].queryset = skills
        self.fields["employer"].queryset = employers
        if self.instance.pk:
            del self.fields["employer"]

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("La vacante no puede cerrar antes de abrir."))
        return data


class VacancyFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Puesto"))
    status = forms.ChoiceField(choices=[("", _("Todas")), *VacancyStatus.choices], required=False, label=_("Estado"))


class MatchFilterForm(forms.Form):
    """Filters on a vacancy's ranked seekers, for programs that target women and youth."""

    territory = forms.ModelChoiceField(
        queryset=Territory.objects.none(), required=False, label=_("Territorio"), empty_label=_("Todos")
    )
    sex = forms.ChoiceField(
        choices=[("", _("Todos")), ("F", _("Mujeres")), ("M", _("Hombres"))], required=False, label=_("Sexo")
    )
    age_min = forms.IntegerField(min_value=14, max_value=99, required=False, label=_("Edad desde"))
    age_max = forms.IntegerField(min_value=14, max_value=99, required=False, label=_("Edad hasta"))

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = program_districts(program)
        self.fields["territory"].to_field_name = "code"

    def clean(self):
        data = super().clean()
        low, high = data.get("age_min"), data.get("age_max")
        if low is not None and high is not None and high < low:
            self.add_error("age_max", _("La edad máxima no puede ser menor que la mínima."))
        return data


# Applications, placements, follow-ups --------------------------------------------------------------------------


class ShortlistForm(forms.Form):
    """One date for the whole list of matches: today, or the day a proposal written on paper was made."""

    seeker = forms.IntegerField(min_value=1)
    on_date = forms.DateField(widget=DateInput(), required=False, label=_("Preseleccionada/o el"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on_date"].initial = timezone.localdate()


class ApplicationStateForm(forms.Form):
    state = forms.ChoiceField(choices=ApplicationState.choices, label=_("Nuevo estado"))
    on_date = forms.DateField(widget=DateInput(), label=_("Fecha"))
    note = forms.CharField(max_length=250, required=False, label=_("Nota"))

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = APPLICATION_TRANSITIONS.get(application.state, ())
        self.fields["state"].choices = [(s.value, s.label) for s in allowed if s != ApplicationState.HIRED]
        self.fields["on_date"].initial = timezone.localdate()


class PlacementForm(forms.Form):
    start_date = forms.DateField(widget=DateInput(), label=_("Fecha de inicio"))
    wage = forms.DecimalField(
        min_value=0, max_digits=10, decimal_places=2, label=_("Remuneración mensual (S/)"), error_messages=NOT_NEGATIVE
    )
    contract_type = forms.ChoiceField(choices=Vacancy._meta.get_field("contract_type").choices, label=_("Contrato"))
    hours_per_week = forms.IntegerField(min_value=1, max_value=84, label=_("Horas por semana"))


class FollowUpForm(forms.Form):
    month = forms.TypedChoiceField(choices=[(m, m) for m in FOLLOW_UP_MONTHS], coerce=int, label=_("Seguimiento"))
    done_on = forms.DateField(widget=DateInput(), label=_("Fecha del seguimiento"))
    still_working = forms.BooleanField(required=False, label=_("Sigue trabajando"))
    wage = forms.DecimalField(
        min_value=0,
        max_digits=10,
        decimal_places=2,
        required=False,
        label=_("Remuneración o ingreso mensual (S/)"),
        error_messages=NOT_NEGATIVE,
    )
    note = forms.CharField(max_length=250, required=False, label=_("Nota"))

    def __init__(self, *args, months=FOLLOW_UP_MONTHS, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the follow-ups not recorded yet: choosing one already recorded could only end in an error. The
        # labels are made here, in the language of the request; made at import they would stay in the default one.
        self.fields["month"].choices = [(m, _("A los %(months)s meses") % {"months": m}) for m in months]


class SelfEmploymentForm(forms.ModelForm):
    class Meta:
        model = SelfEmployment
        fields = ["enterprise", "started_on", "monthly_income", "description"]
        widgets = {"started_on": DateInput(), "description": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"monthly_income": NOT_NEGATIVE}

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["enterprise"].required = False
