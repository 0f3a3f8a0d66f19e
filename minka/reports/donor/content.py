"""What a donor report says, worked out once from the records and written by both formats (`pdf.py`, `xlsx.py`).

Figures are always those a funder may see: every indicator is read restricted (cells of fewer than five people or
enterprises hidden, and the next smallest when one alone would give it away), whoever asks, because the report is
meant to leave the network. Values stay raw here (int, Decimal, date, or `Hidden`); each format writes them its
own way. Call `content_build` inside `translation.override(report.language)`: the labels are written in it.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from minka.credit.models import Contribution, Expense, Fund, Loan
from minka.credit.portfolio import period_figures, quality_on
from minka.programs.models import Disbursement, FundingCommitment, PartnerRole, ProjectPartner
from minka.reports import charts, maps
from minka.reports.charts import Chart
from minka.reports.models import DonorReport
from minka.results import selectors
from minka.results.arithmetic import PERCENT_PLACES, SMALL_CELL, progress
from minka.results.dimensions import DIMENSIONS
from minka.results.measures import MEASURES
from minka.results.models import Indicator, PeriodKind, Unit
from minka.results.periods import Period, month_period, quarter_period, year_period
from minka.stories.models import Story

SPLITS = ("sex", "age_band", "department", "province")
HEADLINE_MEASURES = ("people_reached", "people_enrolled", "people_completed")
TREND_POINTS = 24  # at most this many periods on the trend chart


@dataclass(frozen=True)
class Hidden:
    """A figure left out to protect people: `small` when it counts fewer than five, else hidden beside one."""

    small: bool


@dataclass
class Split:
    dimension: str
    title: str
    rows: list[tuple[str, object]]  # (category, value or Hidden)
    additive: bool = True


@dataclass
class IndicatorRow:
    code: str
    name: str
    result: str  # the result's code and statement
    unit: str  # a Unit value
    unit_label: str  # what is counted, as printed
    computed: bool
    cumulative: bool
    baseline: Decimal | None
    baseline_date: datetime.date | None
    target: Decimal | None
    target_label: str  # the period the target is set for
    actual: object  # int, Decimal, None (no data) or Hidden
    progress: Decimal | None
    note: str = ""
    splits: list[Split] = field(default_factory=list)


@dataclass
class FundPortfolio:
    name: str
    currency: str
    on: datetime.date
    start: datetime.date
    active_loans: object
    active_borrowers: object
    gross_loan_portfolio: Decimal
    par30: Decimal  # ratios: 0.1234 is 12.34 %
    par90: Decimal
    written_off: Decimal
    write_off_ratio: Decimal | None
    on_time_rate: Decimal | None
    installments_due: int

    # The PDF prints ratios as percentages to one decimal; the workbook keeps the ratios with a percent format.
    @property
    def par30_percent(self) -> Decimal:
        return as_percent(self.par30)

    @property
    def par90_percent(self) -> Decimal:
        return as_percent(self.par90)

    @property
    def on_time_percent(self) -> Decimal | None:
        return as_percent(self.on_time_rate)


def as_percent(ratio: Decimal | None) -> Decimal | None:
    return None if ratio is None else (ratio * 100).quantize(PERCENT_PLACES, rounding=ROUND_HALF_EVEN)


@dataclass
class StoryItem:
    title: str
    text: str
    storyteller: str
    place: str
    told_on: datetime.date | None
    photo_uri: str
    photo_description: str
    video_url: str


@dataclass
class FundingRow:
    funder: str
    currency: str
    committed_in_period: Decimal
    committed_to_date: Decimal
    received_in_period: Decimal
    received_to_date: Decimal


@dataclass
class MoneyLine:
    on: datetime.date
    who: str  # the funder, or what the money was spent on
    what: str  # project code, fund
    currency: str
    amount: Decimal


@dataclass
class Content:
    language: str
    program: str
    project: str
    phase: str
    period_start: datetime.date | None
    period_end: datetime.date | None
    period_text: str
    generated_on: datetime.date
    currency: str
    partners: list[tuple[str, str]] = field(default_factory=list)  # (role, organizations)
    territories: list[str] = field(default_factory=list)
    headline: list[IndicatorRow] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    map: Chart | None = None
    map_rows: list[tuple[str, str, object]] = field(default_factory=list)  # (code, province, value)
    portfolio: list[FundPortfolio] = field(default_factory=list)
    has_fund: bool = False
    stories: list[StoryItem] = field(default_factory=list)
    funding: list[FundingRow] = field(default_factory=list)
    receipts: list[MoneyLine] = field(default_factory=list)
    expenses: list[MoneyLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def has_results(self) -> bool:
        """Whether any indicator has something to show in the period (a hidden figure is something)."""
        return any(row.actual not in (None, 0) for row in self.indicators)


# The period --------------------------------------------------------------------------------------------------------


def period_of(start: datetime.date | None, end: datetime.date | None) -> Period | None:
    """The report's days as the period people name (a year, a quarter, a month) so its targets are found; any other
    range keeps its dates as its label."""
    if start is None or end is None:
        return None
    for candidate in (
        year_period(start.year),
        quarter_period(start.year, (start.month - 1) // 3 + 1),
        month_period(start),
    ):
        if (candidate.start, candidate.end) == (start, end):
            return candidate
    return Period(start, end, f"{start.isoformat()}..{end.isoformat()}", "range")


def _period_text(report: DonorReport) -> str:
    if report.period_start:
        # Months in words: 1 de enero de 2024, Jan. 1, 2024; never a 01/02 a reader could take either way.
        return _("del %(start)s al %(end)s") % {
            "start": date_format(report.period_start, "DATE_FORMAT"),
            "end": date_format(report.period_end, "DATE_FORMAT"),
        }
    if report.phase:
        return report.phase.name
    return _("toda la vida del programa")


# Indicator values -------------------------------------------------------------------------------------------------


def _figure(value: selectors.IndicatorValue | selectors.LabelledCell):
    if value.suppressed:
        return Hidden(small=0 < (value.size or 0) < SMALL_CELL)
    return value.value


def indicator_read(indicator: Indicator, *, project, period, phase, by=()) -> selectors.IndicatorValue | None:
    """The indicator's value as a funder sees it, for the program or narrowed to one project. None when the
    indicator cannot be read for the project: it counts other projects, or it is reported for the whole program."""
    if project is None:
        return selectors.indicator_value(indicator, period=period, phase=phase, by=by, restricted=True)
    named = {p.pk for p in indicator.projects.all()}
    if (named and project.pk not in named) or (not indicator.is_computed and named != {project.pk}):
        return None
    value = selectors.indicator_value(
        indicator, period=period, phase=phase, by=by, project_ids=(project.pk,), restricted=True
    )
    if named != {project.pk}:
        # A program's targets are the project's only when the indicator counts that project alone.
        value.target, value.progress = None, None
    return value


def _target(indicator: Indicator, value: selectors.IndicatorValue, *, project, period, phase):
    """The target for the period, else the phase's, else the whole program's (the label says which)."""
    if value.target is not None:
        return value.target
    if project is not None and {p.pk for p in indicator.projects.all()} != {project.pk}:
        return None
    return selectors.target_for(indicator, phase=phase) if period is not None else None


def _target_label(target) -> str:
    """The period a target is set for, as a reader names it."""
    if target.period_kind == PeriodKind.PROGRAM:
        return _("todo el programa")
    if target.period_kind == PeriodKind.PHASE and target.phase:
        return target.phase.name
    return target.period_label


def _unit_label(indicator: Indicator) -> str:
    return indicator.unit_label if indicator.unit == Unit.OTHER else str(Unit(indicator.unit).label)


def _splits(indicator: Indicator, *, project, period, phase) -> list[Split]:
    if not indicator.is_computed:
        return []
    splits = []
    for dimension in SPLITS:
        if dimension not in MEASURES[indicator.measure].dimensions:
            continue
        value = indicator_read(indicator, project=project, period=period, phase=phase, by=(dimension,))
        if value is None or value.suppressed or not value.cells:
            continue
        rows = [(cell.labels[dimension], _figure(cell)) for cell in value.cells]
        splits.append(Split(dimension, str(DIMENSIONS[dimension].label), rows, value.additive))
    return splits


def indicator_row(indicator: Indicator, *, project, period, phase) -> IndicatorRow:
    value = indicator_read(indicator, project=project, period=period, phase=phase)
    row = IndicatorRow(
        code=indicator.code,
        name=indicator.name,
        result=f"{indicator.result.code} {indicator.result.statement}",
        unit=indicator.unit,
        unit_label=_unit_label(indicator),
        computed=indicator.is_computed,
        cumulative=indicator.cumulative,
        baseline=indicator.baseline_value,
        baseline_date=indicator.baseline_date,
        target=None,
        target_label="",
        actual=None,
        progress=None,
    )
    if value is None:
        row.note = _("No se informa por proyecto: el indicador se mide para todo el programa o para otro proyecto.")
        return row
    target = _target(indicator, value, project=project, period=period, phase=phase)
    row.actual = _figure(value)
    if target is not None:
        row.target, row.target_label = target.value, _target_label(target)
        if not value.suppressed:
            row.progress = progress(
                value.value, target.value, indicator.baseline_value, descending=indicator.direction == "descending"
            )
    row.splits = _splits(indicator, project=project, period=period, phase=phase)
    return row


# Charts and map ---------------------------------------------------------------------------------------------------


def _chart_unit(unit: str) -> str:
    """Charts print a percentage or soles with their sign; a count needs no word after it."""
    return unit if unit in (Unit.PERCENT, Unit.SOLES) else ""


def _chart_value(figure):
    return None if isinstance(figure, Hidden) else figure


def _trend_periods(indicator: Indicator, period: Period | None, phase) -> list[Period]:
    if period is not None:
        whole = period
    else:
        span = selectors.record_span(indicator, phase)
        if span is None:
            return []
        whole = Period(span[0], span[1], "", "range")
    days = (whole.end - whole.start).days
    parts = whole.months() if days <= 548 else whole.quarters() if days <= 1461 else whole.years()
    return parts[-TREND_POINTS:]


def _headline_indicator(indicators: list[Indicator]) -> Indicator | None:
    """The indicator the trend, the splits' charts and the map show: the people reached (or enrolled, or who
    completed) when the program counts them, else the first count of people (borrowers, in a credit program)."""
    people = [i for i in indicators if i.is_computed and MEASURES[i.measure].counts == "people"]
    preferred = sorted(
        (i for i in people if i.measure in HEADLINE_MEASURES), key=lambda i: HEADLINE_MEASURES.index(i.measure)
    )
    return next(iter(preferred), people[0] if people else None)


def _charts(content: Content, indicators: list[Indicator], *, project, period, phase, focus: list[str]) -> None:
    with_target = [row for row in content.indicators if row.target is not None]
    if with_target:
        content.charts.append(
            charts.progress_chart(
                _("Avance hacia las metas"),
                [(f"{row.code} {row.name}", _chart_value(row.actual), row.target) for row in with_target],
                units=[_chart_unit(row.unit) for row in with_target],
            )
        )
    headline = _headline_indicator(indicators)
    if headline is None:
        return
    row = next(r for r in content.indicators if r.code == headline.code)
    points = []
    for part in _trend_periods(headline, period, phase):
        value = indicator_read(headline, project=project, period=part, phase=phase)
        points.append((part.label, _chart_value(_figure(value))))
    if points:
        content.charts.append(charts.trend_chart(_("%(name)s por periodo") % {"name": headline.name}, points))
    for split in row.splits:
        if split.dimension in ("sex", "age_band"):
            title = _("%(name)s por %(dimension)s") % {"name": headline.name, "dimension": split.title.lower()}
            content.charts.append(
                charts.bar_chart(title, [(label, _chart_value(v)) for label, v in split.rows], label_column=split.title)
            )
    if "province" not in MEASURES[headline.measure].dimensions:
        return
    by_province = indicator_read(headline, project=project, period=period, phase=phase, by=("province",))
    if by_province is None or by_province.suppressed:
        return
    values = {cell.key["province"]: _chart_value(_figure(cell)) for cell in by_province.cells}
    values.pop("?", None)
    content.map_rows = [
        (cell.key["province"], cell.labels["province"], _figure(cell))
        for cell in by_province.cells
        if cell.key["province"] != "?"
    ]
    if values:
        content.map = maps.choropleth(
            _("%(name)s por provincia") % {"name": headline.name}, values, level="province", focus=focus
        )


# Money --------------------------------------------------------------------------------------------------------------


def _within(day: datetime.date, start, end) -> bool:
    return (start is None or day >= start) and (end is None or day <= end)


def _funding(content: Content, program, projects, whole_program: bool, start, end) -> None:
    """Commitments and disbursements of the projects reported on; with the whole program, also the credit funds'
    capital received and their operating costs (the only spending Minka records)."""
    commitments = FundingCommitment.objects.filter(project__in=projects).select_related("funder", "project")
    rows: dict[tuple, FundingRow] = {}

    def row_of(funder, currency) -> FundingRow:
        key = (funder.name, currency)
        if key not in rows:
            rows[key] = FundingRow(funder.name, currency, *(Decimal("0.00"),) * 4)
        return rows[key]

    for commitment in commitments:
        if end is not None and commitment.committed_on > end:
            continue
        row = row_of(commitment.funder, commitment.currency)
        row.committed_to_date += commitment.amount
        if _within(commitment.committed_on, start, end):
            row.committed_in_period += commitment.amount
    disbursements = Disbursement.objects.filter(commitment__in=commitments).select_related(
        "commitment__funder", "commitment__project"
    )
    for disbursement in disbursements.order_by("disbursed_on", "pk"):
        commitment = disbursement.commitment
        if end is not None and disbursement.disbursed_on > end:
            continue
        row = row_of(commitment.funder, commitment.currency)
        row.received_to_date += disbursement.amount
        if _within(disbursement.disbursed_on, start, end):
            row.received_in_period += disbursement.amount
            content.receipts.append(
                MoneyLine(
                    disbursement.disbursed_on,
                    commitment.funder.name,
                    commitment.project.code,
                    commitment.currency,
                    disbursement.amount,
                )
            )
    content.funding = sorted(rows.values(), key=lambda r: (r.funder, r.currency))
    if not whole_program:
        return
    # The credit funds' capital and operating costs are the program's, recorded per fund.
    window = Q()
    if start is not None:
        window &= Q(received_on__gte=start)
    if end is not None:
        window &= Q(received_on__lte=end)
    for contribution in Contribution.objects.filter(window, fund__program=program).select_related("fund", "donor"):
        content.receipts.append(
            MoneyLine(
                contribution.received_on,
                contribution.donor.name if contribution.donor else contribution.donor_name,
                contribution.fund.name,
                contribution.fund.currency,
                contribution.amount,
            )
        )
    content.receipts.sort(key=lambda line: (line.on, line.who))
    spent = Expense.objects.filter(fund__program=program).select_related("fund").order_by("spent_on", "pk")
    if start is not None:
        spent = spent.filter(spent_on__gte=start)
    if end is not None:
        spent = spent.filter(spent_on__lte=end)
    content.expenses = [
        MoneyLine(expense.spent_on, expense.description, expense.fund.name, expense.fund.currency, expense.amount)
        for expense in spent
    ]


def _few(count: int):
    return Hidden(small=True) if 0 < count < SMALL_CELL else count


def _portfolio(content: Content, program, start, end) -> None:
    funds = list(Fund.objects.filter(program=program))
    on = end or timezone.localdate()
    for fund in funds:
        loans = Loan.objects.filter(fund=fund)
        quality = quality_on(loans=loans, on=on)
        figures = period_figures(loans=loans, on=on, start=start).get(())
        content.portfolio.append(
            FundPortfolio(
                name=fund.name,
                currency=fund.currency,
                on=on,
                start=figures.start if figures else start,
                active_loans=_few(quality.active_loans),
                active_borrowers=_few(quality.active_borrowers),
                gross_loan_portfolio=quality.gross_loan_portfolio,
                par30=quality.par30,
                par90=quality.par90,
                written_off=figures.written_off if figures else Decimal("0.00"),
                write_off_ratio=figures.write_off_ratio if figures else None,
                on_time_rate=figures.on_time_rate if figures else None,
                installments_due=figures.installments_due if figures else 0,
            )
        )


# Stories ----------------------------------------------------------------------------------------------------------


def _stories(program, project, phase, start, end) -> list[StoryItem]:
    """Only stories whose teller consented to publish them (`publishable`); the name printed is the one she
    accepted, never the registry's."""
    stories = Story.objects.publishable().filter(program=program).select_related("territory")
    if project is not None:
        stories = stories.filter(project=project)
    elif phase is not None:
        stories = stories.filter(Q(project__phase=phase) | Q(project__isnull=True))
    if start is not None:
        stories = stories.filter(told_on__gte=start, told_on__lte=end)
    items = []
    for story in stories:
        photo = ""
        if story.photo and story.photo.storage.exists(story.photo.name):
            photo = story.photo.storage.path(story.photo.name)
        items.append(
            StoryItem(
                title=story.title,
                text=story.text,
                storyteller=story.storyteller,
                place=story.territory.path if story.territory else "",
                told_on=story.told_on,
                photo_uri=f"file://{photo}" if photo else "",
                photo_description=story.photo_description,
                video_url=story.video_url,
            )
        )
    return items


# The whole report -------------------------------------------------------------------------------------------------


def _partners(program, projects) -> list[tuple[str, str]]:
    """The organizations by role: funders, catalysts (the program's and the projects'), and those who carry the
    projects out (their leads and implementers), then allies."""
    by_role = defaultdict(set)
    by_role[PartnerRole.CATALYST] = {catalyst.name for catalyst in program.catalysts.all()}
    by_role[PartnerRole.IMPLEMENTER] = {project.lead_organization.name for project in projects}
    for partner in ProjectPartner.objects.filter(project__in=projects).select_related("organization"):
        by_role[partner.role].add(partner.organization.name)
    order = (PartnerRole.FUNDER, PartnerRole.CATALYST, PartnerRole.IMPLEMENTER, PartnerRole.ALLY)
    return [(str(role.label), ", ".join(sorted(by_role[role]))) for role in order if by_role[role]]


def _notes(content: Content) -> list[str]:
    notes = [
        _(
            "Cifras agregadas: toda cifra que cuenta menos de 5 personas o emprendimientos se oculta («< 5»), y "
            "también la siguiente más pequeña cuando una sola oculta podría deducirse del total («oculto»). El "
            "informe se prepara siempre así, sea quien sea quien lo pida, porque está hecho para salir de la red."
        ),
        _(
            "Los indicadores acumulativos cuentan desde el inicio hasta el fin del periodo; los demás, solo lo "
            "ocurrido en el periodo. Las personas se cuentan una sola vez aunque participen en varias actividades."
        ),
        _("Los montos se expresan en la moneda de cada compromiso o fondo, sin conversión."),
    ]
    if not content.expenses:
        notes.append(
            _("Sin gastos registrados: Minka registra los gastos operativos de los fondos de crédito del programa.")
        )
    return notes


Progress = Callable[[int, str], None]


def content_build(report: DonorReport, progress_to: Progress = lambda percent, step: None) -> Content:
    """Everything the report says, in the active language. `progress_to(percent, step)` hears how far it got
    (5 to 85: the formats then write the file)."""
    program, project, phase = report.program, report.project, report.phase
    start, end = report.period_start, report.period_end
    period = period_of(start, end)
    progress_to(5, _("Resumen"))
    if project is not None:
        projects = [project]
    else:
        projects = program.projects.select_related("lead_organization")
        projects = list(projects.filter(phase=phase) if phase else projects)
    territories = sorted(
        {t for p in projects for t in p.territories.select_related("parent__parent")}, key=lambda t: t.code
    )
    content = Content(
        language=report.language,
        program=program.name,
        project=f"{project.code} · {project.title}" if project else "",
        phase=phase.name if phase else "",
        period_start=start,
        period_end=end,
        period_text=_period_text(report),
        generated_on=timezone.localdate(),
        currency=program.currency,
        partners=_partners(program, projects),
        territories=[t.path for t in territories],
    )
    indicators = list(selectors.indicators_of(program, phase=phase))
    for index, indicator in enumerate(indicators):
        progress_to(10 + 50 * index // max(len(indicators), 1), _("Indicador %(code)s") % {"code": indicator.code})
        content.indicators.append(indicator_row(indicator, project=project, period=period, phase=phase))
    content.headline = [row for row in content.indicators if row.actual is not None][:4]
    progress_to(60, _("Gráficos y mapa"))
    _charts(content, indicators, project=project, period=period, phase=phase, focus=[t.code for t in territories])
    progress_to(70, _("Cartera de crédito"))
    whole_program = project is None and phase is None
    # A fund lends for the whole program: its portfolio is not split by project or phase.
    content.has_fund = Fund.objects.filter(program=program).exists()
    if whole_program:
        _portfolio(content, program, start, end)
    progress_to(75, _("Historias"))
    content.stories = _stories(program, project, phase, start, end)
    progress_to(80, _("Financiamiento"))
    _funding(content, program, projects, whole_program, start, end)
    content.notes = _notes(content)
    return content
