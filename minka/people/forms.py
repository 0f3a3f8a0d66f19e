"""Forms for the people registry. They check what can be checked from the input alone; the services decide the rest
(DNI already registered, sensitive data without written consent) and their errors come back onto these fields.

The DNI is a plain text field that is never filled from the record: after a save the page only ever shows its last
three digits.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.network.forms import DistrictField
from minka.network.models import Organization
from minka.people.identity import InvalidDni, dni_normalize
from minka.people.models import Consent, ConsentMethod, Enrollment, Participant, Sex
from minka.programs.forms import DateInput
from minka.programs.models import Program

DEFAULT_PURPOSE = _("Participación en el programa y seguimiento de resultados")
DEFAULT_TEXT_VERSION = "v1"
CONSENT_FIELDS = ("purpose", "text_version", "method", "covers_sensitive_data", "given_on")


def masked_dni(last_digits: str) -> str:
    return f"•••••{last_digits}" if last_digits else ""


class PersonForm(forms.ModelForm):
    dni = forms.CharField(
        label=_("DNI"),
        required=False,
        max_length=12,
        help_text=_("8 dígitos; si lo tiene, el carácter de verificación tras un guion (12345678-9)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
    )
    district = DistrictField(label=_("Distrito de residencia"), required=False)
    household_name = forms.CharField(
        label=_("Hogar"),
        required=False,
        max_length=120,
        help_text=_("Opcional. Quienes comparten hogar llevan el mismo nombre, p. ej. «Hogar 12, sector Pampa»."),
    )

    class Meta:
        model = Participant
        fields = [
            "given_names",
            "paternal_surname",
            "maternal_surname",
            "sex",
            "birth_date",
            "birth_year",
            "phone",
            "mother_tongue",
            "area",
            "district",
            "ethnic_group",
            "disability",
            "deprived_of_liberty",
        ]
        widgets = {
            "birth_date": DateInput(),
            "birth_year": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1900}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        }
        help_texts = {
            "birth_year": _("Solo si no se conoce la fecha."),
            "ethnic_group": _("Dato sensible: solo con consentimiento escrito que lo cubra."),
            "disability": _("Dato sensible: solo con consentimiento escrito que lo cubra."),
            "deprived_of_liberty": _("Dato sensible: solo con consentimiento escrito que lo cubra."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sex"].choices = Sex.choices
        self.fields["sex"].widget = forms.RadioSelect(choices=Sex.choices)
        if self.instance.household_id:
            self.fields["household_name"].initial = self.instance.household.name
        if self.instance.pk and self.instance.dni_last_digits:
            self.fields["dni"].help_text = _(
                "Registrado: %(masked)s. Déjelo en blanco para no cambiarlo; escriba otro solo para corregirlo."
            ) % {"masked": masked_dni(self.instance.dni_last_digits)}

    def clean_dni(self):
        dni = (self.cleaned_data.get("dni") or "").strip()
        if not dni:
            return ""
        try:
            dni_normalize(dni)
        except InvalidDni:
            raise forms.ValidationError(
                _("El DNI debe tener 8 dígitos (y, si se anota, su carácter de verificación correcto).")
            ) from None
        return dni

    def clean(self):
        cleaned = super().clean()
        birth_date, birth_year = cleaned.get("birth_date"), cleaned.get("birth_year")
        if birth_date and birth_year and birth_date.year != birth_year:
            self.add_error("birth_year", _("No coincide con la fecha de nacimiento."))
        return cleaned

    def participant_data(self) -> dict:
        """What the registry service takes: every field but the DNI, passed apart."""
        data = {name: self.cleaned_data.get(name) for name in self._meta.fields}
        data["household_name"] = self.cleaned_data.get("household_name", "")
        return data


class PersonCreateForm(PersonForm):
    """Registering a person: her data, on behalf of one of the user's organizations, with an optional consent and an
    optional enrollment. `confirm` is offered once likely duplicates have been shown."""

    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("Registra"))
    give_consent = forms.BooleanField(
        required=False, label=_("Registrar ahora su consentimiento (Ley 29733)"), initial=True
    )
    purpose = forms.CharField(label=_("Finalidad"), required=False, max_length=200, initial=DEFAULT_PURPOSE)
    text_version = forms.CharField(
        label=_("Versión del texto de consentimiento"), required=False, max_length=40, initial=DEFAULT_TEXT_VERSION
    )
    method = forms.ChoiceField(
        label=_("Forma"), required=False, choices=ConsentMethod.choices, initial=ConsentMethod.SIGNED_PAPER
    )
    covers_sensitive_data = forms.BooleanField(
        label=_("Incluye datos sensibles (pueblo o grupo étnico, discapacidad, privación de libertad)"), required=False
    )
    given_on = forms.DateField(label=_("Fecha del consentimiento"), required=False, widget=DateInput())
    program = forms.ModelChoiceField(
        queryset=Program.objects.none(),
        label=_("Inscribir en el programa"),
        required=False,
        empty_label=_("— No inscribir por ahora —"),
    )
    confirm = forms.BooleanField(
        required=False, label=_("Revisé las coincidencias: es otra persona, registrarla de todos modos")
    )

    PERSON_FIELDS = ("organization", "dni", *PersonForm.Meta.fields, "household_name")
    CONSENT_BLOCK = ("give_consent", *CONSENT_FIELDS)

    def __init__(self, *args, organizations, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].empty_label = None
        self.fields["program"].queryset = programs
        self.fields["given_on"].initial = timezone.localdate
        self.order_fields(["organization", "dni"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("give_consent"):
            for name in ("purpose", "text_version", "method", "given_on"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("Este campo es obligatorio."))
        return cleaned

    def consent_data(self) -> dict | None:
        if not self.cleaned_data.get("give_consent"):
            return None
        return {name: self.cleaned_data.get(name) for name in CONSENT_FIELDS}

    def section(self, names):
        return [self[name] for name in names]

    def person_fields(self):
        return self.section(self.PERSON_FIELDS)

    def consent_fields(self):
        return self.section(self.CONSENT_BLOCK)


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = list(CONSENT_FIELDS)
        widgets = {"given_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        defaults = {
            "purpose": DEFAULT_PURPOSE,
            "text_version": DEFAULT_TEXT_VERSION,
            "method": ConsentMethod.SIGNED_PAPER,
            "given_on": timezone.localdate(),
        }
        for name, value in defaults.items():
            if not self.initial.get(name):  # a new consent's blank values do not count as chosen
                self.initial[name] = value


class EnrollmentCreateForm(forms.ModelForm):
    class Meta:
        model = Enrollment
        fields = ["program", "organization", "enrolled_on"]
        widgets = {"enrolled_on": DateInput()}

    def __init__(self, *args, programs, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs
        self.fields["organization"].queryset = organizations
        self.fields["organization"].empty_label = None
        if not self.initial.get("enrolled_on"):
            self.initial["enrolled_on"] = timezone.localdate()


class EnrollmentForm(forms.ModelForm):
    class Meta:
        model = Enrollment
        fields = ["status", "enrolled_on", "ended_on"]
        widgets = {"enrolled_on": DateInput(), "ended_on": DateInput()}
        help_texts = {"ended_on": _("Si concluyó o se retiró y no se indica, hoy.")}


class PersonFilterForm(forms.Form):
    """Filters of the person list. Program and organization by slug among those the user sees."""

    q = forms.CharField(
        required=False,
        label=_("Nombre o DNI"),
        max_length=100,
        widget=forms.SearchInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    program = forms.ChoiceField(required=False, label=_("Programa"))
    organization = forms.ChoiceField(required=False, label=_("Organización"))
    district = forms.RegexField(
        required=False,
        label=_("Ubigeo"),
        regex=r"^\d{2}(\d{2}(\d{2})?)?$",
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6, "placeholder": "08, 0812…"}),
        error_messages={"invalid": _("Un ubigeo de 2, 4 o 6 dígitos.")},
    )
    sex = forms.ChoiceField(required=False, label=_("Sexo"), choices=[("", _("Todos")), *Sex.choices])

    def __init__(self, *args, programs, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [("", _("Todos")), *((p.slug, p.name) for p in programs)]
        self.fields["organization"].choices = [("", _("Todas")), *((o.slug, str(o)) for o in organizations)]
