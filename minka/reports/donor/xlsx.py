"""The donor report as a workbook: one sheet per section, numbers as numbers with their number formats, dates as
dates, so a funder can sum, filter and chart them. A hidden figure is the word that says so, never a number."""

import datetime
from decimal import Decimal
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from minka.reports.donor.content import Content, Hidden, IndicatorRow

DATE_FORMAT = "yyyy-mm-dd"
COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0#"
MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.0"  # an indicator in percent: 61.5 means 61.5 %
RATIO_FORMAT = "0.0%"  # a ratio: 0.615 shows as 61.5 %
FORMULA_STARTS = ("=", "+", "-", "@")


def _unit_format(unit: str) -> str:
    """Counts take the format of their type (a whole number, or two decimals) when the unit gives none."""
    return {"percent": PERCENT_FORMAT, "soles": MONEY_FORMAT}.get(unit, "")


class Sheet:
    """A worksheet written row by row, each value with its number format."""

    def __init__(self, workbook: Workbook, title: str):
        self.sheet = workbook.create_sheet(title[:31])

    def header(self, *labels):
        self.row(*labels)
        for cell in self.sheet[self.sheet.max_row]:
            cell.font = Font(bold=True)

    def row(self, *values, formats: dict[int, str] | None = None):
        self.sheet.append([self._plain(value) for value in values])
        line = self.sheet.max_row
        for index, value in enumerate(values, start=1):
            cell = self.sheet.cell(row=line, column=index)
            if isinstance(value, str) and value.startswith(FORMULA_STARTS):
                cell.data_type = "s"  # a text that looks like a formula stays text
            elif isinstance(value, datetime.date):
                cell.number_format = DATE_FORMAT
            elif isinstance(value, (int, Decimal)) and not isinstance(value, bool):
                default = COUNT_FORMAT if isinstance(value, int) else DECIMAL_FORMAT
                cell.number_format = (formats or {}).get(index) or default

    @staticmethod
    def _plain(value):
        if isinstance(value, Hidden):
            return "< 5" if value.small else _("oculto")
        if isinstance(value, Decimal):
            return float(value)
        return value


def _ratio(percent: Decimal | None) -> Decimal | None:
    return None if percent is None else percent / 100


def _summary(book, c: Content):
    sheet = Sheet(book, _("Resumen"))
    sheet.header(_("Informe para financiadores"), c.program)
    if c.project:
        sheet.row(_("Proyecto"), c.project)
    sheet.row(_("Periodo"), c.period_text)
    if c.period_start:
        sheet.row(_("Desde"), c.period_start)
        sheet.row(_("Hasta"), c.period_end)
    if c.phase:
        sheet.row(_("Fase"), c.phase)
    for role, names in c.partners:
        sheet.row(role, names)
    sheet.row(_("Territorios"), "; ".join(c.territories))
    sheet.row(_("Preparado el"), c.generated_on)
    sheet.row()
    sheet.header(_("Indicador"), _("Valor"))
    if not c.headline:
        sheet.row(_("Sin datos en este periodo."))
    for row in c.headline:
        sheet.row(row.name, row.actual, formats={2: _unit_format(row.unit)})


def _results(book, c: Content):
    sheet = Sheet(book, _("Resultados"))
    sheet.header(
        _("Código"),
        _("Indicador"),
        _("Unidad"),
        _("Resultado"),
        _("Línea de base"),
        _("Fecha de la línea de base"),
        _("Meta"),
        _("Periodo de la meta"),
        _("Valor"),
        _("Avance"),
        _("Nota"),
    )
    if not c.has_results:
        sheet.row(_("Sin datos en este periodo."))
    for row in c.indicators:
        unit = _unit_format(row.unit)
        note = row.note or ("" if row.target is not None else _("sin meta"))
        sheet.row(
            row.code,
            row.name,
            row.unit_label,
            row.result,
            row.baseline,
            row.baseline_date,
            row.target,
            row.target_label,
            row.actual,
            _ratio(row.progress),
            note,
            formats={5: unit, 7: unit, 9: unit, 10: RATIO_FORMAT},
        )


def _splits(book, c: Content):
    sheet = Sheet(book, _("Desagregación"))
    sheet.header(_("Código"), _("Indicador"), _("Desagregación"), _("Categoría"), _("Valor"))
    rows: list[IndicatorRow] = [row for row in c.indicators if row.splits]
    if not rows:
        sheet.row(_("Sin datos en este periodo."))
    for row in rows:
        for split in row.splits:
            for label, value in split.rows:
                sheet.row(row.code, row.name, split.title, label, value, formats={5: _unit_format(row.unit)})


def _charts(book, c: Content):
    sheet = Sheet(book, _("Gráficos"))
    if not c.charts:
        sheet.row(_("Sin datos en este periodo."))
    for chart in c.charts:
        sheet.header(chart.title)
        sheet.header(*chart.columns)
        for values in chart.rows:
            sheet.row(*values)
        if chart.note:
            sheet.row(chart.note)
        sheet.row()


def _map(book, c: Content):
    sheet = Sheet(book, _("Mapa"))
    sheet.header(_("Ubigeo INEI"), _("Provincia"), c.map.title if c.map else _("Valor"))
    if not c.map_rows:
        sheet.row(_("Sin datos en este periodo."))
    for code, name, value in c.map_rows:
        sheet.row(code, name, value)


def _credit(book, c: Content):
    sheet = Sheet(book, _("Crédito"))
    sheet.header(
        _("Fondo"),
        _("Moneda"),
        _("Al"),
        _("Créditos vigentes"),
        _("Prestatarias activas"),
        _("Cartera bruta"),
        "PAR30",
        "PAR90",
        _("Castigos del periodo"),
        _("Tasa de castigo"),
        _("Cuotas pagadas a tiempo"),
        _("Cuotas vencidas en el periodo"),
    )
    if not c.has_fund:
        sheet.row(_("El programa no tiene un fondo de crédito."))
    elif not c.portfolio:
        sheet.row(_("La cartera de crédito se informa para todo el programa, no por proyecto ni por fase."))
    for f in c.portfolio:
        sheet.row(
            f.name,
            f.currency,
            f.on,
            f.active_loans,
            f.active_borrowers,
            f.gross_loan_portfolio,
            f.par30,
            f.par90,
            f.written_off,
            f.write_off_ratio,
            f.on_time_rate,
            f.installments_due,
            formats={
                6: MONEY_FORMAT,
                7: RATIO_FORMAT,
                8: RATIO_FORMAT,
                9: MONEY_FORMAT,
                10: RATIO_FORMAT,
                11: RATIO_FORMAT,
            },
        )


def _stories(book, c: Content):
    sheet = Sheet(book, _("Historias"))
    sheet.header(_("Título"), _("Contada por"), _("Lugar"), _("Fecha"), _("Texto"), _("Video"))
    if not c.stories:
        sheet.row(_("Sin historias publicables en este periodo."))
    for story in c.stories:
        sheet.row(story.title, story.storyteller, story.place, story.told_on, story.text, story.video_url)


def _funding(book, c: Content):
    sheet = Sheet(book, _("Financiamiento"))
    sheet.header(
        _("Financiador"),
        _("Moneda"),
        _("Comprometido en el periodo"),
        _("Comprometido acumulado"),
        _("Recibido en el periodo"),
        _("Recibido acumulado"),
    )
    if not c.funding:
        sheet.row(_("Sin financiamiento registrado."))
    money = dict.fromkeys(range(3, 7), MONEY_FORMAT)
    for row in c.funding:
        sheet.row(
            row.funder,
            row.currency,
            row.committed_in_period,
            row.committed_to_date,
            row.received_in_period,
            row.received_to_date,
            formats=money,
        )
    for title, lines, who in (
        (_("Ingresos del periodo"), c.receipts, _("De")),
        (_("Gastos"), c.expenses, _("Concepto")),
    ):
        sheet.row()
        sheet.header(title)
        sheet.header(_("Fecha"), who, _("Para") if lines is c.receipts else _("Fondo"), _("Moneda"), _("Monto"))
        if not lines:
            sheet.row(_("Sin gastos registrados.") if lines is c.expenses else _("Sin ingresos en este periodo."))
        for line in lines:
            sheet.row(line.on, line.who, line.what, line.currency, line.amount, formats={5: MONEY_FORMAT})


def _notes(book, c: Content):
    sheet = Sheet(book, _("Notas"))
    sheet.header(_("Notas"))
    for note in c.notes:
        sheet.row(note)


def xlsx_render(content: Content) -> bytes:
    """The workbook's bytes. Call inside `translation.override(content.language)`."""
    book = Workbook()
    book.remove(book.active)
    for section in (_summary, _results, _splits, _charts, _map, _credit, _stories, _funding, _notes):
        section(book, content)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
