import re

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from minka.network.models import Organization, OrganizationKind, Site, SiteKind, Territory, TerritoryLevel

# What the picker puts in the box: "Urcos, Quispicanchi, Cusco (081201)", the name to read and the code to keep.
CHOSEN_DISTRICT = re.compile(r"\((\d{6})\)\s*$")


def district_label(district: Territory) -> str:
    return f"{district.path} ({district.code})"


def chosen_code(value: str) -> str:
    """The ubigeo in what the box holds: a bare 6-digit code, or the code at the end of a chosen district's label."""
    value = value.strip()
    if re.fullmatch(r"\d{6}", value):
        return value
    chosen = CHOSEN_DISTRICT.search(value)
    return chosen.group(1) if chosen else ""


class DistrictInput(forms.TextInput):
    """A text box for a district that suggests districts by name or code as one types (HTMX + datalist). A district
    chosen shows as its name, province and department with the ubigeo after it, never as the bare code.

    Without JavaScript it is still a plain box that takes the 6-digit code or an unambiguous district name.
    """

    template_name = "network/widgets/district.html"

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "inputmode": "search", "spellcheck": "false", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        current = None
        if isinstance(value, Territory):
            current = value
        elif value and (code := chosen_code(str(value))):
            current = Territory.objects.select_related("parent__parent").filter(code=code).first()
        context["widget"]["current"] = current
        if current is not None:
            context["widget"]["value"] = district_label(current)
        return context


class DistrictField(forms.ModelChoiceField):
    """A district by its INEI ubigeo; a district name is taken too when only one district bears it."""

    default_error_messages = {
        "invalid_choice": _("Escriba el ubigeo de 6 dígitos de un distrito o elíjalo de la lista."),
        "ambiguous": _("Hay varios distritos con ese nombre: elija uno de la lista o escriba su ubigeo."),
    }
    widget = DistrictInput

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Escriba el nombre o el ubigeo (6 dígitos) y elija de la lista."))
        super().__init__(
            queryset=Territory.objects.filter(level=TerritoryLevel.DISTRICT).select_related("parent__parent"),
            to_field_name="code",
            **kwargs,
        )

    def to_python(self, value):
        value = (value or "").strip() if isinstance(value, str) else value
        if isinstance(value, str) and CHOSEN_DISTRICT.search(value):
            value = chosen_code(value)
        if isinstance(value, str) and value and not value.isdigit():
            # "Urcos" or "Urcos — Quispicanchi, Cusco" (what some phones paste from the list).
            name = value.split("—")[0].strip()
            matches = list(self.queryset.filter(name__iexact=name)[:2])
            if len(matches) > 1:
                raise forms.ValidationError(self.error_messages["ambiguous"], code="ambiguous")
            if matches:
                return matches[0]
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class OrganizationForm(forms.ModelForm):
    district = DistrictField(label=_("Distrito de la sede"), required=False)
    website = forms.URLField(
        label=capfirst(Organization._meta.get_field("website").verbose_name),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )

    class Meta:
        model = Organization
        fields = [
            "name",
            "short_name",
            "slug",
            "kind",
            "country",
            "ruc",
            "district",
            "website",
            "iati_identifier",
            "description",
            "is_active",
        ]
        widgets = {
            "country": forms.TextInput(attrs={"size": 2, "maxlength": 2, "autocapitalize": "characters"}),
            "ruc": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 11}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "slug": _("Letras minúsculas, números y guiones; aparece en las direcciones de la web."),
            "country": _("Código de dos letras: PE, ES, US…"),
            "ruc": _("11 dígitos, solo para organizaciones peruanas."),
        }

    def clean_country(self):
        country = (self.cleaned_data.get("country") or "").strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", country):
            raise forms.ValidationError(_("Escriba el código de país de dos letras (ISO 3166-1), por ejemplo PE."))
        return country

    def clean_ruc(self):
        ruc = (self.cleaned_data.get("ruc") or "").strip()
        # The database constraint would name itself; say it in words. RUCs are public, so this reveals nothing.
        if ruc and Organization.objects.filter(ruc=ruc).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Ya hay una organización registrada con este RUC."))
        return ruc


class SiteForm(forms.ModelForm):
    district = DistrictField(label=_("Distrito"))

    class Meta:
        model = Site
        fields = ["organization", "name", "kind", "district", "address", "is_active"]

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].empty_label = None

    def clean(self):
        cleaned = super().clean()
        organization, name = cleaned.get("organization"), cleaned.get("name")
        if organization and name:
            same = Site.objects.filter(organization=organization, name__iexact=name).exclude(pk=self.instance.pk)
            if same.exists():
                self.add_error("name", _("Esta organización ya tiene una sede con ese nombre."))
        return cleaned


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(label=_("Buscar"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Tipo"), required=False, choices=[("", _("Todos")), *OrganizationKind.choices])


class SiteFilterForm(forms.Form):
    organization = forms.ChoiceField(label=_("Organización"), required=False)
    kind = forms.ChoiceField(label=_("Tipo"), required=False, choices=[("", _("Todos")), *SiteKind.choices])
    territory = forms.RegexField(
        label=_("Ubigeo"),
        required=False,
        regex=r"^\d{2}(\d{2}(\d{2})?)?$",
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6, "placeholder": "08, 0812…"}),
        error_messages={"invalid": _("Un ubigeo de 2, 4 o 6 dígitos.")},
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [("", _("Todas"))] + [(o.slug, str(o)) for o in organizations]


class TerritorySearchForm(forms.Form):
    q = forms.CharField(label=_("Nombre o ubigeo"), required=False, max_length=100)
