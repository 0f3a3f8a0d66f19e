"""The dashboard's filters: the results pages' phase and period, plus a territory, a partner and the main indicator.
An unknown choice or a malformed period is an error on its box, and the dashboard shows the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from minka.network.models import TerritoryLevel
from minka.reports.dashboard import Filters, filter_territories
from minka.results import selectors
from minka.results.forms import ResultsFilterForm

LEVEL_LABELS = dict(TerritoryLevel.choices)


class DashboardFilterForm(ResultsFilterForm):
    territory = forms.ChoiceField(label=_("Territorio"), required=False)
    partner = forms.ChoiceField(label=_("Socio"), required=False)
    indicator = forms.ChoiceField(
        label=_("Indicador principal"),
        required=False,
        help_text=_("El de la evolución, las desagregaciones y el mapa."),
    )

    def __init__(self, *args, program, user, **kwargs):
        super().__init__(*args, program=program, **kwargs)
        self.territories = {t.code: t for t in filter_territories(user=user, program=program)}
        groups = {}
        for territory in self.territories.values():
            groups.setdefault(territory.level, []).append((territory.code, territory.name))
        self.fields["territory"].choices = [
            ("", _("Todos")),
            *((str(LEVEL_LABELS[level]), groups[level]) for level in TerritoryLevel.values if level in groups),
        ]
        self.partners = {str(o.pk): o for o in selectors.program_organizations(program).order_by("name")}
        self.fields["partner"].choices = [("", _("Todos")), *((pk, str(o)) for pk, o in self.partners.items())]
        self.indicators = {i.code: i for i in selectors.indicators_of(program)}
        self.fields["indicator"].choices = [
            ("", _("El primero que cuenta personas")),
            *((code, f"{code} · {i.name}") for code, i in self.indicators.items()),
        ]

    def filters(self) -> Filters:
        """The filters of the valid boxes (an invalid one is left out and shown with its error)."""
        if not self.is_bound:
            return Filters()
        self.is_valid()
        data = self.cleaned_data
        return Filters(
            phase=data.get("phase"),
            period=data.get("period"),
            territory=self.territories.get(data.get("territory") or ""),
            organization=self.partners.get(data.get("partner") or ""),
            indicator=self.indicators.get(data.get("indicator") or ""),
        )
