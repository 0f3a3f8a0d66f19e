"""A program's dashboard, worked out for a user and a set of filters: headline indicators against their targets,
the main indicator's trend and splits, a map of where it counts, and the credit portfolio of the program's funds.

    program_dashboard(user=..., program=..., filters=Filters(...)) -> Dashboard

Every figure comes from `minka.results.selectors.indicator_value` (or the credit portfolio's own functions) with
the filters applied, so the dashboard never disagrees with the framework and indicator pages; those who see the
program as aggregates only (funders) get small cells hidden exactly as there. The pictures are `Chart`s from
`minka.reports.charts` and `minka.reports.maps`, ready for a page or a PDF; the donor report reuses the pieces
(`headline_values`, `split_charts`, `trend_chart_of`, `territory_map`, `portfolio_panel`).
"""

import datetime
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from minka.accounts import access
from minka.credit.models import Fund, Loan
from minka.credit.portfolio import Quality, portfolio_quality
from minka.network.models import Organization, Territory
from minka.programs.models import Phase, Program
from minka.programs.selectors import program_territories
from minka.reports.charts import Chart, bar_chart, progress_chart, trend_chart
from minka.reports.maps import choropleth
from minka.results import selectors
from minka.results.arithmetic import SMALL_CELL
from minka.results.dimensions import DIMENSIONS
from minka.results.measures import MEASURES, _in_territories
from minka.results.models import Indicator, ResultLevel
from minka.results.periods import Period

# Beyond this many indicators the headline keeps to impact and outcome indicators; the framework page has them all.
MAX_HEADLINES = 12
# What the main indicator is split by, in this order; the territory split is added at the level the filter calls for.
SPLITS = ("sex", "age_band", "organization")
CHART_UNITS = ("percent", "soles")  # other units print as plain figures (people, enterprises, things)


@dataclass(frozen=True)
class Filters:
    """What the dashboard shows: a phase, a period, one territory, one partner organization, a main indicator.
    Each None means all (the main indicator: the first that counts people)."""

    phase: Phase | None = None
    period: Period | None = None
    territory: Territory | None = None
    organization: Organization | None = None
    indicator: Indicator | None = None

    @property
    def territory_codes(self) -> tuple[str, ...]:
        return (self.territory.code,) if self.territory else ()

    @property
    def organization_ids(self) -> tuple[int, ...]:
        return (self.organization.pk,) if self.organization else ()


@dataclass
class Headline:
    """An indicator's value for the filters. `whole_program`: a reported figure, which no territory or partner
    filter narrows (it is reported for the whole program), shown as such."""

    value: selectors.IndicatorValue
    whole_program: bool = False

    @property
    def indicator(self) -> Indicator:
        return self.value.indicator


@dataclass
class FundRow:
    fund: Fund
    quality: Quality
    hidden: bool  # fewer than SMALL_CELL borrowers, and the viewer sees aggregates only


@dataclass
class PortfolioPanel:
    """The credit portfolio of the program's funds the user sees (all of them, as aggregates, for funders)."""

    on: datetime.date
    rows: list[FundRow]
    restricted: bool
    total: Quality | None = None  # when every fund lends in one currency and no small cell would show
    currency: str = ""


@dataclass
class Dashboard:
    program: Program
    filters: Filters
    restricted: bool
    headlines: list[Headline]
    headline_chart: Chart | None
    main: Indicator | None
    main_value: selectors.IndicatorValue | None
    trend: Chart | None
    splits: dict[str, Chart] = field(default_factory=dict)  # by dimension code
    map: Chart | None = None
    map_level: str = "province"
    portfolio: PortfolioPanel | None = None

    @property
    def has_data(self) -> bool:
        """Whether any headline figure was counted for these filters (a hidden one was: it is just small)."""
        return any(h.value.suppressed or h.value.value not in (None, 0) for h in self.headlines)


def chart_unit(indicator: Indicator) -> str:
    return indicator.unit if indicator.unit in CHART_UNITS else ""


def shown(value) -> Decimal | int | None:
    """A figure as a chart draws it: None when hidden."""
    return None if value.suppressed else value.value


# Choices for the filters ------------------------------------------------------------------------------------------


def filter_territories(*, user, program: Program) -> list[Territory]:
    """The places a dashboard can be narrowed to: the program's territories the user sees, the departments and
    provinces they lie in, and the provinces and districts inside them."""
    own = {t.code for t in program_territories(user=user, program=program)}
    if not own:
        return []
    wanted = Q(code__in=own | {code[:n] for code in own for n in (2, 4) if len(code) > n})
    for code in own:
        wanted |= Q(code__startswith=code)
    return list(Territory.objects.filter(wanted).order_by("code"))


def main_indicator(indicators: list[Indicator]) -> Indicator | None:
    """The indicator the trend, splits and map are about: the first that counts people, else the first computed
    one, else the first."""
    computed = [i for i in indicators if i.is_computed and i.measure in MEASURES]
    people = [i for i in computed if MEASURES[i.measure].counts == "people"]
    return next(iter(people or computed or indicators), None)


def territory_level(territory: Territory | None) -> str:
    """The level a map or a territory split is drawn at: provinces, or the districts of a province asked for."""
    if territory is None or territory.level == "department":
        return "province"
    return "district"


# The pieces -------------------------------------------------------------------------------------------------------


def value_for(indicator: Indicator, filters: Filters, *, restricted: bool, by: tuple[str, ...] = ()):
    """`indicator_value` for the filters: the one way every figure of the dashboard is read."""
    return selectors.indicator_value(
        indicator,
        period=filters.period,
        phase=filters.phase,
        by=by,
        territory_codes=filters.territory_codes,
        organization_ids=filters.organization_ids,
        restricted=restricted,
    )


def headline_values(indicators: list[Indicator], *, filters: Filters, restricted: bool) -> list[Headline]:
    if len(indicators) > MAX_HEADLINES:
        indicators = [i for i in indicators if i.result.level in (ResultLevel.IMPACT, ResultLevel.OUTCOME)]
    narrowed = bool(filters.territory or filters.organization)
    return [
        Headline(
            value=value_for(indicator, filters, restricted=restricted),
            whole_program=narrowed and not indicator.is_computed,
        )
        for indicator in indicators
    ]


def headline_chart(headlines: list[Headline]) -> Chart | None:
    if not headlines:
        return None
    return progress_chart(
        _("Indicadores principales: avance hacia la meta"),
        [(f"{h.indicator.code} · {h.indicator.name}", shown(h.value), h.value.target_value) for h in headlines],
        units=[chart_unit(h.indicator) for h in headlines],
        shares=[h.value.progress for h in headlines],
    )


def trend_periods(indicator: Indicator, *, phase: Phase | None, period: Period | None) -> list[Period]:
    """The periods of a trend: over the indicator's records (within the period asked for), by month within a year
    and a half, by quarter within four years, else by year."""
    span = selectors.record_span(indicator, phase)
    if span is None:
        return []
    start, end = span
    if period is not None:
        start, end = max(start, period.start), min(end, period.end)
    if start > end:
        return []
    whole = Period(start, end, "", "range")
    days = (end - start).days
    return whole.months() if days <= 548 else whole.quarters() if days <= 1461 else whole.years()


def trend_chart_of(indicator: Indicator, *, filters: Filters, restricted: bool) -> Chart:
    points = [
        value_for(indicator, replace(filters, period=period), restricted=restricted)
        for period in trend_periods(indicator, phase=filters.phase, period=filters.period)
    ]
    targets = {p.target_value for p in points} - {None}
    title = _("%(code)s por periodo: %(name)s") % {"code": indicator.code, "name": indicator.name}
    return trend_chart(
        title,
        [(p.period.label, shown(p)) for p in points],
        target=targets.pop() if len(targets) == 1 else None,
        unit=chart_unit(indicator),
    )


def split_dimensions(indicator: Indicator, filters: Filters) -> list[str]:
    """The splits of the main indicator the dashboard draws, among those its measure can make."""
    if not indicator.is_computed or indicator.measure not in MEASURES:
        return []
    supported = MEASURES[indicator.measure].dimensions
    wanted = ["sex", "age_band", territory_level(filters.territory), "organization"]
    return [dim for dim in wanted if dim in supported]


def split_chart(value: selectors.IndicatorValue, dim: str) -> Chart:
    indicator = value.indicator
    title = _("%(code)s por %(dimension)s") % {"code": indicator.code, "dimension": str(DIMENSIONS[dim]).lower()}
    cells = sorted(value.cells, key=lambda c: -(c.value or 0)) if dim in ("province", "district") else value.cells
    return bar_chart(
        title,
        [(cell.labels[dim], None if cell.suppressed else cell.value) for cell in cells],
        unit=chart_unit(indicator),
        label_column=str(DIMENSIONS[dim].label),
    )


def map_focus(*, user, program: Program, filters: Filters) -> tuple[str, ...]:
    if filters.territory:
        return filters.territory_codes
    return tuple(t.code for t in program_territories(user=user, program=program))


def territory_map(value: selectors.IndicatorValue, level: str, *, focus: tuple[str, ...]) -> Chart:
    """The main indicator's value in each territory of `level` (from its split by that level), zoomed to `focus`."""
    indicator = value.indicator
    title = _("%(code)s en el mapa, por %(level)s") % {"code": indicator.code, "level": str(DIMENSIONS[level]).lower()}
    values = {cell.key[level]: (None if cell.suppressed else cell.value) for cell in value.cells}
    return choropleth(
        title,
        values,
        level=level,
        focus=focus,
        unit=chart_unit(indicator),
        label_column=str(DIMENSIONS[level].label),
    )


def portfolio_day(filters: Filters) -> datetime.date:
    """The day the portfolio is read on: the end of the period (or phase) asked for, never after today."""
    today = timezone.localdate()
    end = filters.period.end if filters.period else filters.phase.end_date if filters.phase else None
    return min(end, today) if end else today


def portfolio_panel(*, user, program: Program, filters: Filters, restricted: bool) -> PortfolioPanel | None:
    """The portfolio of the program's funds, narrowed by the partner (the fund's organization) and the territory
    (the loan's site). Staff see the funds `access.funds_visible` gives them; those who see the program as
    aggregates only see every fund of it, with funds of fewer than five borrowers hidden. None without a fund."""
    funds = Fund.objects.filter(program=program)
    if not restricted:
        funds = funds.filter(pk__in=access.funds_visible(user).values("pk"))
    funds = list(funds.order_by("name"))
    if not funds:
        return None
    loans = Loan.objects.filter(fund__in=funds)
    if filters.organization:
        loans = loans.filter(fund__organization=filters.organization)
    if filters.territory:
        loans = loans.filter(_in_territories("site__district_id", filters.territory_codes))
    on = portfolio_day(filters)
    qualities = portfolio_quality(loans=loans, on=on, by="fund")
    rows = []
    for fund in funds:
        quality = qualities.get((fund.pk,), Quality(on=on))
        rows.append(FundRow(fund, quality, hidden=restricted and 0 < quality.active_borrowers < SMALL_CELL))
    panel = PortfolioPanel(on=on, rows=rows, restricted=restricted)
    currencies = {fund.currency for fund in funds}
    if len(rows) > 1 and len(currencies) == 1 and not any(row.hidden for row in rows):
        panel.total = portfolio_quality(loans=loans, on=on).get((), Quality(on=on))
        panel.currency = currencies.pop()
    return panel


# The whole dashboard ----------------------------------------------------------------------------------------------


def program_dashboard(*, user, program: Program, filters: Filters) -> Dashboard:
    """Everything the dashboard shows for the user and filters; see the module's docstring."""
    restricted = selectors.aggregates_only(user, program)
    indicators = list(selectors.indicators_of(program, phase=filters.phase))
    headlines = headline_values(indicators, filters=filters, restricted=restricted)
    main = filters.indicator or main_indicator(indicators)
    dashboard = Dashboard(
        program=program,
        filters=filters,
        restricted=restricted,
        headlines=headlines,
        headline_chart=headline_chart(headlines),
        main=main,
        main_value=None,
        trend=None,
        map_level=territory_level(filters.territory),
        portfolio=portfolio_panel(user=user, program=program, filters=filters, restricted=restricted),
    )
    if main is None or not dashboard.has_data:
        return dashboard
    dashboard.main_value = next((h.value for h in headlines if h.indicator.pk == main.pk), None) or value_for(
        main, filters, restricted=restricted
    )
    dashboard.trend = trend_chart_of(main, filters=filters, restricted=restricted)
    for dim in split_dimensions(main, filters):
        split = value_for(main, filters, restricted=restricted, by=(dim,))
        dashboard.splits[dim] = split_chart(split, dim)
        if dim == dashboard.map_level:
            focus = map_focus(user=user, program=program, filters=filters)
            dashboard.map = territory_map(split, dim, focus=focus)
    return dashboard
