"""Forms for the results framework: the filters of its pages, the framework itself (results, indicators, targets)
and reported values with their evidence and review.

They validate input and offer only the choices that make sense in the program; the services make the final
checks and write. Periods are typed the way people say them (2019, 2019-Q3, 2019-07, 2019-01..2019-12).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from minka.activities.models import ActivityCategory
from minka.core.errors import ApplicationError
from minka.network.models import Organization, Territory
from minka.programs.forms import (
    DateInput,
    TerritoryChoiceField,
    TerritoryScopeFields,
    broad_territories,
    short_text,
)
from minka.programs.models import Phase, Project
from minka.results import selectors
from minka.results.dimensions import DIMENSIONS
from minka.results.measures import MEASURES, measure_choices
from minka.results.models import Indicator, PeriodKind, Result, Source, Unit
from minka.results.periods import period_parse
from minka.results.services import INDICATOR_FIELDS, INDICATOR_M2M

MAX_DIMENSIONS = 3  # a crosstab of more than three splits is unreadable, and slow on a large program
PERIOD_HELP = _("Un año (2019), trimestre (2019-Q3), mes (2019-07) o rango (2019-01..2019-12).")
TARGET_PERIOD_HELP = _(
    "Un año (2019), trimestre (2019-Q3), mes (2019-07), rango (2019-01..2019-12), una fase (fase-1), "
    "o vacío para todo el programa."
)


def period_label_as_typed(label: str) -> str:
    """A stored period label the way it is typed back in a form: the whole program is an empty box."""
    return "" if label == PeriodKind.PROGRAM else label


# Filters -------------------------------------------------------------------------------------------------------


class ResultsFilterForm(forms.Form):
    """Which phase and period the figures are for. A bad period is a clear error on its box, never a failure."""

    phase = forms.TypedChoiceField(label=_("Fase"), required=False, coerce=int, empty_value=None)
    period = forms.CharField(label=_("Periodo"), required=False, max_length=40, help_text=PERIOD_HELP)

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program
        self.phases = {phase.number: phase for phase in program.phases.all()}
        self.fields["phase"].choices = [("", _("Todas")), *((n, phase.name) for n, phase in self.phases.items())]
        self.fields["period"].widget.attrs.update({"placeholder": "2024-Q1", "autocomplete": "off", "size": 16})

    def clean_phase(self):
        number = self.cleaned_data["phase"]
        return self.phases.get(number) if number is not None else None

    def clean_period(self):
        text = self.cleaned_data["period"].strip()
        if not text:
            return None
        try:
            return period_parse(text)
        except ApplicationError as error:
            raise forms.ValidationError(error.message, code=error.code) from None

    def applied(self) -> dict:
        """The phase and period of the valid boxes (an invalid one is left out and shown with its error)."""
        if not self.is_bound:
            return {"phase": None, "period": None}
        self.is_valid()
        return {"phase": self.cleaned_data.get("phase"), "period": self.cleaned_data.get("period")}


class IndicatorFilterForm(ResultsFilterForm):
    """The filters of an indicator's page, with the splits of its disaggregation table."""

    by = forms.MultipleChoiceField(
        label=_("Desagregar por"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Hasta tres a la vez."),
    )

    def __init__(self, data=None, *args, indicator, **kwargs):
        if data is not None and hasattr(data, "getlist"):
            # Splits ticked one by one (by=sex&by=age_band), or written as the API and the command take them
            # (by=sex,age_band): the same splits, the same boxes ticked.
            data = data.copy()
            data.setlist("by", [part for item in data.getlist("by") for part in item.split(",") if part])
        super().__init__(data, *args, program=indicator.program, **kwargs)
        choices = selectors.dimension_choices(indicator)
        if choices:
            self.fields["by"].choices = choices
        else:  # a reported value is not split
            del self.fields["by"]

    def clean_by(self):
        chosen = list(dict.fromkeys(self.cleaned_data["by"]))
        if len(chosen) > MAX_DIMENSIONS:
            raise forms.ValidationError(_("Elija hasta tres desagregaciones."), code="too_many")
        return tuple(chosen)

    def applied(self) -> dict:
        applied = super().applied()
        applied["by"] = self.cleaned_data.get("by", ()) if self.is_bound else tuple(self.initial.get("by", ()))
        return applied


# The framework ---------------------------------------------------------------------------------------------------


class ResultForm(forms.ModelForm):
    class Meta:
        model = Result
        fields = ["level", "parent", "code", "statement_es", "statement_en"]
        widgets = {"statement_es": short_text(), "statement_en": short_text()}
        help_texts = {
            "parent": _("Un efecto contribuye a un impacto y un producto a un efecto; un impacto no tiene superior."),
            "code": _("Único en el programa, p. ej. 1, 1.1 o 1.1.2."),
        }

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.program = program
        parents = Result.objects.filter(program=program).exclude(level="output")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents.order_by("code")


class IndicatorForm(TerritoryScopeFields, forms.ModelForm):
    measure = forms.ChoiceField(
        label=_("Medida"),
        required=False,
        help_text=_("Qué se cuenta en los registros, si el indicador se calcula."),
    )
    disaggregations = forms.MultipleChoiceField(
        label=_("Desagregaciones"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(code, dimension.label) for code, dimension in DIMENSIONS.items()],
        help_text=_("Cómo debe poder dividirse el valor. Cada medida admite solo algunas."),
    )
    activity_categories = forms.MultipleChoiceField(
        label=_("Líneas de actividad"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=ActivityCategory.choices,
        help_text=_("Solo cuenta las actividades de estas líneas; ninguna marcada: todas."),
    )

    class Meta:
        model = Indicator
        fields = [*INDICATOR_FIELDS[:-1], *INDICATOR_M2M, "position"]  # the form's order; position last
        widgets = {
            "definition": short_text(),
            "baseline_date": DateInput(),
            "projects": forms.CheckboxSelectMultiple,
            "organizations": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "code": _("Único en el programa, p. ej. P1 o 1.1.a."),
            "projects": _("Solo cuenta los registros de estos proyectos; ninguno marcado: todos."),
            "organizations": _("Solo cuenta los registros de estas organizaciones; ninguna marcada: todas."),
            "phase": _("El indicador pertenece a esta fase y cuenta solo sus registros."),
        }

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.program = program
        self.fields["result"].queryset = Result.objects.filter(program=program).order_by("code")
        self.fields["phase"].queryset = Phase.objects.filter(program=program)
        self.fields["projects"].queryset = Project.objects.filter(program=program).order_by("code")
        self.fields["organizations"].queryset = selectors.program_organizations(program).order_by("name")
        self.fields["measure"].choices = [("", "—"), *measure_choices()]
        self.fields["territories"].help_text = _("Solo cuenta a quienes viven en estos territorios; ninguno: todos.")
        self.scope_start(self.instance.territories.all() if self.instance.pk else None)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") == Source.COMPUTED and not cleaned.get("measure"):
            self.add_error("measure", _("Un indicador calculado necesita una medida."))
        return cleaned

    def m2m(self) -> dict:
        """The indicator's many-to-many sets, for the service; the territory inputs merged without repeats."""
        return {
            "projects": self.cleaned_data.get("projects", []),
            "organizations": self.cleaned_data.get("organizations", []),
            "territories": self.scope(),
        }

    @staticmethod
    def measure_dimensions() -> dict:
        """For the page's script: which splits each measure offers."""
        return {code: list(measure.dimensions) for code, measure in MEASURES.items()}


class TargetForm(forms.Form):
    period = forms.CharField(label=_("Periodo"), required=False, max_length=40, help_text=TARGET_PERIOD_HELP)
    value = forms.DecimalField(label=_("Meta"), max_digits=16, decimal_places=2)
    territory = TerritoryChoiceField(
        queryset=Territory.objects.none(),
        required=False,
        label=_("Territorio"),
        help_text=_("Para una meta de un departamento o provincia; vacío: todo el ámbito."),
    )
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        required=False,
        label=_("Organización"),
        help_text=_("Para la meta de una organización; vacío: todas."),
    )
    note = forms.CharField(label=_("Nota"), required=False, max_length=250)

    def __init__(self, *args, program, target=None, **kwargs):
        if target is not None:
            kwargs.setdefault(
                "initial",
                {
                    "period": period_label_as_typed(target.period_label),
                    "value": target.value,
                    "territory": target.territory_id,
                    "organization": target.organization_id,
                    "note": target.note,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["period"].widget.attrs.update({"autocomplete": "off", "placeholder": "2024"})
        self.fields["territory"].queryset = broad_territories()
        self.fields["organization"].queryset = selectors.program_organizations(program).order_by("name")


# Reported values -------------------------------------------------------------------------------------------------


class ReportForm(forms.Form):
    """A reported value: a percentage as numerator and denominator (so reports add up right), anything else as a
    value."""

    period = forms.CharField(label=_("Periodo"), max_length=40, help_text=TARGET_PERIOD_HELP, required=False)
    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("Organización que reporta"))
    value = forms.DecimalField(label=_("Valor"), max_digits=16, decimal_places=2, required=False)
    numerator = forms.DecimalField(label=_("Numerador"), max_digits=16, decimal_places=2, required=False, min_value=0)
    denominator = forms.DecimalField(
        label=_("Denominador"), max_digits=16, decimal_places=2, required=False, min_value=0
    )
    narrative = forms.CharField(
        label=_("Narrativa"),
        required=False,
        widget=short_text(),
        help_text=_("Cómo se obtuvo el valor y qué lo respalda."),
    )

    def __init__(self, *args, indicator, organizations, report=None, **kwargs):
        if report is not None:
            kwargs.setdefault(
                "initial",
                {
                    "period": period_label_as_typed(report.period_label),
                    "organization": report.organization_id,
                    "value": report.value,
                    "numerator": report.numerator,
                    "denominator": report.denominator,
                    "narrative": report.narrative,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        if report is None and not self.is_bound:
            only = list(organizations.values_list("pk", flat=True)[:2])
            if len(only) == 1:
                self.initial["organization"] = only[0]
        if indicator.unit == Unit.PERCENT:
            del self.fields["value"]
            self.fields["numerator"].required = self.fields["denominator"].required = True
        else:
            del self.fields["numerator"], self.fields["denominator"]
            self.fields["value"].required = True
            if indicator.unit == Unit.OTHER and indicator.unit_label:
                self.fields["value"].label = _("Valor (%(unit)s)") % {"unit": indicator.unit_label}

    def data_for_service(self) -> dict:
        cleaned = self.cleaned_data
        return {name: cleaned.get(name) for name in ("organization", "value", "numerator", "denominator")} | {
            "narrative": cleaned.get("narrative", "")
        }


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Archivo"), help_text=_("Un acta, una lista de firmas, una foto… hasta 10 MB."))
    description = forms.CharField(label=_("Descripción"), required=False, max_length=200)


class ReviewForm(forms.Form):
    review_note = forms.CharField(
        label=_("Observaciones"),
        required=False,
        widget=short_text(),
        help_text=_("Obligatorias al devolver: diga qué debe corregirse."),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo de la reapertura"), widget=short_text(), help_text=_("Queda en el historial del indicador.")
    )
