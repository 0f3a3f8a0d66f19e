"""The form that asks for a donor report: which project (or the whole program), which period (dates, a phase, or
the program's whole life), in which language and format. The service makes the final checks."""

from django import forms
from django.utils.translation import gettext_lazy as _

from minka.programs.forms import DateInput
from minka.reports.donor.selectors import projects_for_reports
from minka.reports.models import ReportFormat, ReportLanguage


class DonorReportForm(forms.Form):
    project = forms.ModelChoiceField(
        label=_("Proyecto"),
        queryset=None,
        required=False,
        empty_label=_("Todo el programa"),
        to_field_name="code",
    )
    phase = forms.TypedChoiceField(label=_("Fase"), required=False, coerce=int, empty_value=None)
    start = forms.DateField(label=_("Desde"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Hasta"), required=False, widget=DateInput())
    language = forms.ChoiceField(label=_("Idioma"), choices=ReportLanguage.choices, initial=ReportLanguage.ES)
    format = forms.ChoiceField(
        label=_("Formato"), choices=ReportFormat.choices, initial=ReportFormat.PDF, widget=forms.RadioSelect
    )

    def __init__(self, *args, user, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects_for_reports(user=user, program=program)
        self.phases = {phase.number: phase for phase in program.phases.all()}
        self.fields["phase"].choices = [("", _("Todas")), *((n, phase.name) for n, phase in self.phases.items())]
        self.fields["start"].help_text = _("Deje las fechas vacías para la fase elegida o toda la vida del programa.")

    def clean_phase(self):
        number = self.cleaned_data["phase"]
        return self.phases.get(number) if number is not None else None

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("El fin del periodo es anterior a su inicio."))
        elif bool(start) != bool(end) and not self.has_error("start") and not self.has_error("end"):
            self.add_error("end" if start else "start", _("Indique el inicio y el fin del periodo, o ninguno."))
        return cleaned
