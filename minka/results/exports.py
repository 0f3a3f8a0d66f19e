"""The columns of the results framework's download: one row per indicator, with the values the page shows."""

from django.utils.translation import gettext_lazy as _

from minka.core.exports import DECIMAL, Column


def indicator_rows(tree) -> list:
    """The framework's indicator values in the page's order (each result, then the results under it)."""
    rows = []

    def walk(nodes):
        for node in nodes:
            rows.extend(node.values)
            walk(node.children)

    walk(tree)
    return rows


def _unit(indicator) -> str:
    if indicator.unit == "other" and indicator.unit_label:
        return indicator.unit_label
    return indicator.get_unit_display()


INDICATOR_COLUMNS = [
    Column(_("Resultado"), lambda v: v.indicator.result.code),
    Column(_("Nivel"), lambda v: v.indicator.result.get_level_display()),
    Column(_("Código"), lambda v: v.indicator.code),
    Column(_("Indicador"), lambda v: v.indicator.name),
    Column(_("Unidad"), lambda v: _unit(v.indicator)),
    Column(_("Línea de base"), lambda v: v.indicator.baseline_value, DECIMAL),
    Column(_("Meta"), lambda v: v.target_value, DECIMAL),
    Column(_("Valor"), lambda v: None if v.suppressed else v.value, DECIMAL),
    Column(_("Avance (%)"), lambda v: None if v.suppressed else v.progress, DECIMAL),
]
