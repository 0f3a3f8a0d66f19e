"""A program as IATI 2.03 activities: one `iati-activity` per project, checked against the official schema and the
codelists shipped in `data/` (the schema does not check codes; `codes_check` does).

Each activity is reported by its project's lead organization (the one accountable for it), or, when that one has no
IATI identifier, by the program's catalyst that has one; the activity's identifier is the reporter's IATI
identifier, a dash and the project's code. Actuals come restricted, as a
funder sees them: aggregates only, cells under five people hidden, because the file is meant to be published.
"""

import datetime
from collections import defaultdict
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from lxml import etree

from minka.core.errors import ApplicationError
from minka.network.models import IATI_ORGANISATION_TYPE, Organization
from minka.programs.models import PartnerRole, Program, Project, ProjectStatus
from minka.results.models import Indicator, PeriodKind, ResultLevel, Unit
from minka.results.periods import Period

DATA = Path(__file__).resolve().parent / "data"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LANGUAGES = ("es", "en")
WGS84 = "http://www.opengis.net/def/crs/EPSG/0/4326"

# IATI OrganisationRole: 1 funding, 2 accountable, 3 extending, 4 implementing. The lead organization is both
# accountable and implementing; a catalyst channels the funders' money to the implementers (extending); allies
# take part in the work (implementing).
PARTNER_ROLES = {
    PartnerRole.FUNDER: "1",
    PartnerRole.CATALYST: "3",
    PartnerRole.IMPLEMENTER: "4",
    PartnerRole.ALLY: "4",
}
# Projects carry no sector of their own. Minka's programs build enterprises and employability (DAC 25030
# Business development services); a program that lends from a fund also does microcredit (DAC 24040
# Informal/semi-formal financial intermediaries), split half and half.
SECTOR_ENTERPRISE = "25030"
SECTOR_MICROCREDIT = "24040"
RESULT_TYPE = {ResultLevel.OUTPUT: "1", ResultLevel.OUTCOME: "2", ResultLevel.IMPACT: "3"}
MEASURE_UNIT, MEASURE_PERCENT = "1", "2"

# Every coded attribute the export writes, and its codelist: (XPath of the elements, attribute, codelist).
CODED = [
    ("//iati-activity", "default-currency", "Currency"),
    ("//iati-activity", XML_LANG, "Language"),
    ("//narrative", XML_LANG, "Language"),
    ("//reporting-org", "type", "OrganisationType"),
    ("//participating-org", "type", "OrganisationType"),
    ("//participating-org", "role", "OrganisationRole"),
    ("//provider-org", "type", "OrganisationType"),
    ("//receiver-org", "type", "OrganisationType"),
    ("//iati-activity/description", "type", "DescriptionType"),
    ("//activity-status", "code", "ActivityStatus"),
    ("//activity-date", "type", "ActivityDateType"),
    ("//recipient-country", "code", "Country"),
    ("//location/exactness", "code", "GeographicExactness"),
    ("//location/location-class", "code", "GeographicLocationClass"),
    ("//sector", "vocabulary", "SectorVocabulary"),
    ("//sector[not(@vocabulary) or @vocabulary='1']", "code", "Sector"),
    ("//budget", "type", "BudgetType"),
    ("//budget", "status", "BudgetStatus"),
    ("//value", "currency", "Currency"),
    ("//transaction-type", "code", "TransactionType"),
    ("//result", "type", "ResultType"),
    ("//indicator", "measure", "IndicatorMeasure"),
]


# Checks ------------------------------------------------------------------------------------------------------------


@cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(DATA / "iati-activities-schema.xsd")))


@cache
def codelist(name: str) -> frozenset[str]:
    """The codes of one shipped codelist (`data/codelists/NAME.xml`)."""
    tree = etree.parse(str(DATA / "codelists" / f"{name}.xml"))
    return frozenset(code.text.strip() for code in tree.iterfind(".//codelist-item/code"))


def validate(tree) -> list[str]:
    """What the IATI 2.03 activities schema finds wrong with `tree` (an element or a tree); empty when valid."""
    schema = _schema()
    root = tree.getroot() if hasattr(tree, "getroot") else tree
    if schema.validate(root):
        return []
    return [f"{error.line}: {error.message}" for error in schema.error_log]


def codes_check(tree) -> list[str]:
    """Every coded attribute that is not in its codelist, as `element@attribute = value not in Codelist`."""
    problems = []
    for xpath, attribute, name in CODED:
        codes = codelist(name)
        for element in tree.xpath(xpath):
            value = element.get(attribute)
            if value is not None and value not in codes:
                shown = "xml:lang" if attribute == XML_LANG else attribute
                problems.append(f"{element.tag}@{shown} = {value!r} not in {name}")
    return problems


# The export --------------------------------------------------------------------------------------------------------


def program_activities(program: Program, *, lang: str = "es", projects=None) -> etree._Element:
    """`iati-activities` for `program`, one `iati-activity` per project (`projects`, else all of the program's).

    `lang` is the file's default language: narratives in it carry no xml:lang, the other language's do.
    Raises ApplicationError when a project's lead organization has no IATI identifier.
    """
    # Projects may come from a scoped selector with its own prefetches: select them again by key.
    projects = program.projects.all() if projects is None else Project.objects.filter(pk__in=projects.values("pk"))
    projects = list(
        projects.order_by("code")
        .select_related("program", "phase", "lead_organization")
        .prefetch_related(
            "territories",
            "program__catalysts",
            "partners__organization",
            "commitments__funder",
            "commitments__disbursements",
        )
    )
    now = timezone.now().replace(microsecond=0)
    root = etree.Element("iati-activities", version="2.03", **{"generated-datetime": now.isoformat()})
    with_fund = program.funds.exists()
    indicators = list(
        Indicator.objects.filter(program=program)
        .select_related("result", "program", "phase")
        .prefetch_related("projects", "targets", "organizations", "territories")
        .order_by("result__code", "position", "code")
    )
    with translation.override(lang):
        for project in projects:
            root.append(_activity(project, lang=lang, now=now, with_fund=with_fund, indicators=indicators))
    return root


def program_activities_bytes(program: Program, *, lang: str = "es", projects=None) -> bytes:
    """The export as a file, refused (ApplicationError) unless it passes the schema and the codelists."""
    root = program_activities(program, lang=lang, projects=projects)
    problems = validate(root) + codes_check(root)
    if problems:
        raise ApplicationError(
            _("El archivo IATI no es válido: %(problems)s") % {"problems": "; ".join(problems[:5])}, code="iati_invalid"
        )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _sub(parent, tag, text=None, **attributes):
    element = etree.SubElement(parent, tag, {k.replace("_", "-"): str(v) for k, v in attributes.items()})
    if text is not None:
        element.text = str(text)
    return element


def _narratives(parent, tag, texts: dict, *, lang: str):
    """`tag` with a narrative per language that has text, the file's own language first and unmarked."""
    element = _sub(parent, tag)
    ordered = sorted(texts.items(), key=lambda item: item[0] != lang)
    for code, text in ordered:
        if text:
            narrative = _sub(element, "narrative", text)
            if code != lang:
                narrative.set(XML_LANG, code)
    return element


def _both(instance, field: str) -> dict:
    return {code: getattr(instance, f"{field}_{code}", "") for code in LANGUAGES}


def _org_type(organization: Organization) -> str:
    return IATI_ORGANISATION_TYPE.get(organization.kind, "90")


def _org_ref(organization: Organization) -> str:
    """The organization's IATI identifier, or the one its RUC makes (as `Organization.clean` would set it)."""
    if organization.iati_identifier:
        return organization.iati_identifier
    if organization.ruc and organization.country == "PE":
        return f"PE-RUC-{organization.ruc}"
    return ""


def _org(parent, tag, organization: Organization, *, lang: str, **attributes):
    if ref := _org_ref(organization):
        attributes = {"ref": ref, **attributes}
    element = _sub(parent, tag, **attributes, type=_org_type(organization))
    _sub(element, "narrative", organization.name)
    return element


def reporting_org(project: Project) -> Organization:
    """Who reports the activity: its lead organization, else the program's first catalyst with an IATI identifier
    (the network organization that answers for the program). ApplicationError when neither has one."""
    lead = project.lead_organization
    if _org_ref(lead):
        return lead
    catalyst = next((o for o in project.program.catalysts.all() if _org_ref(o)), None)
    if catalyst is None:
        raise ApplicationError(
            _(
                "Ni la organización %(organization)s, responsable del proyecto %(project)s, ni las catalizadoras del "
                "programa tienen identificador IATI; registre uno (o el RUC) antes de exportar."
            )
            % {"organization": lead.name, "project": project.code},
            code="iati_no_identifier",
        )
    return catalyst


def _activity(project: Project, *, lang, now, with_fund, indicators) -> etree._Element:
    program = project.program
    activity = etree.Element(
        "iati-activity",
        {"last-updated-datetime": project.updated_at.replace(microsecond=0).isoformat(), XML_LANG: lang},
        **{"default-currency": program.currency, "hierarchy": "1"},
    )
    reporter = reporting_org(project)
    _sub(activity, "iati-identifier", f"{_org_ref(reporter)}-{project.code}")
    _org(activity, "reporting-org", reporter, lang=lang)
    _narratives(activity, "title", _both(project, "title"), lang=lang)
    description = _both(project, "description")
    if not any(description.values()):
        description = _both(program, "description")
    if not any(description.values()):
        description = _both(project, "title")
    _narratives(activity, "description", description, lang=lang).set("type", "1")
    _participants(activity, project, lang=lang)
    _sub(activity, "activity-status", code=project.status)
    _dates(activity, project, today=timezone.localdate(now))
    _sub(activity, "recipient-country", code="PE", percentage="100")
    _locations(activity, project)
    if with_fund:
        _sub(activity, "sector", vocabulary="1", code=SECTOR_ENTERPRISE, percentage="50")
        _sub(activity, "sector", vocabulary="1", code=SECTOR_MICROCREDIT, percentage="50")
    else:
        _sub(activity, "sector", vocabulary="1", code=SECTOR_ENTERPRISE, percentage="100")
    _budgets(activity, project)
    _transactions(activity, project, lang=lang)
    _results(activity, project, indicators, lang=lang)
    return activity


def _participants(activity, project: Project, *, lang):
    seen = set()

    def add(organization, role):
        if (organization.pk, role) not in seen:
            seen.add((organization.pk, role))
            _org(activity, "participating-org", organization, lang=lang, role=role)

    for commitment in project.commitments.all():
        add(commitment.funder, "1")
    partners = sorted(project.partners.all(), key=lambda p: (PARTNER_ROLES[p.role], p.organization.name))
    for partner in partners:
        if partner.role == PartnerRole.FUNDER:
            add(partner.organization, "1")
    add(project.lead_organization, "2")
    for partner in partners:
        if PARTNER_ROLES[partner.role] == "3":
            add(partner.organization, "3")
    add(project.lead_organization, "4")
    for partner in partners:
        if PARTNER_ROLES[partner.role] == "4":
            add(partner.organization, "4")


def _span(project: Project) -> tuple[datetime.date | None, datetime.date | None]:
    """The project's dates, else its phase's, else its program's."""
    phase, program = project.phase, project.program
    start = project.start_date or (phase and phase.start_date) or program.start_date
    end = project.end_date or (phase and phase.end_date) or program.end_date
    return start, end


def _dates(activity, project: Project, *, today):
    start, end = _span(project)
    started = project.status not in (ProjectStatus.PIPELINE, ProjectStatus.CANCELLED)
    # ActivityDateType: 1 planned start, 2 actual start, 3 planned end, 4 actual end.
    if start is None:
        # The schema wants a date; the day the project was recorded is the honest planned start.
        start, started = timezone.localdate(project.created_at), False
    _sub(activity, "activity-date", type="2" if started and start <= today else "1", iso_date=start.isoformat())
    if end is not None:
        ended = project.status == ProjectStatus.CLOSED and end <= today
        _sub(activity, "activity-date", type="4" if ended else "3", iso_date=end.isoformat())


def _locations(activity, project: Project):
    for territory in project.territories.all():
        location = _sub(activity, "location", ref=territory.code)
        _sub(_sub(location, "name"), "narrative", territory.name)
        if territory.latitude is not None and territory.longitude is not None:
            point = _sub(location, "point", srsName=WGS84)
            _sub(point, "pos", f"{territory.latitude} {territory.longitude}")
            _sub(location, "exactness", code="2")  # a territory's capital stands for the whole territory
        _sub(location, "location-class", code="1")  # an administrative region


def _money(amount: Decimal) -> str:
    return str(amount.quantize(Decimal("0.01")))


def _budgets(activity, project: Project):
    """One committed budget per currency over the project's life, the sum of its funding commitments."""
    start, end = _span(project)
    if start is None or end is None:
        return
    totals = defaultdict(Decimal)
    for commitment in project.commitments.all():
        totals[commitment.currency] += commitment.amount
    for currency, amount in sorted(totals.items()):
        budget = _sub(activity, "budget", type="1", status="2")
        _sub(budget, "period-start", iso_date=start.isoformat())
        _sub(budget, "period-end", iso_date=end.isoformat())
        _sub(budget, "value", _money(amount), currency=currency, value_date=start.isoformat())


def _transactions(activity, project: Project, *, lang):
    """Commitments as incoming commitments (11) and disbursements as incoming funds (1), from the funders."""
    rows = []
    for commitment in project.commitments.all():
        rows.append((commitment.committed_on, "11", commitment.amount, commitment, commitment.reference))
        for disbursement in commitment.disbursements.all():
            rows.append((disbursement.disbursed_on, "1", disbursement.amount, commitment, disbursement.note))
    for day, kind, amount, commitment, reference in sorted(rows, key=lambda row: (row[0], row[1])):
        attributes = {"ref": reference} if reference else {}
        transaction = _sub(activity, "transaction", **attributes)
        _sub(transaction, "transaction-type", code=kind)
        _sub(transaction, "transaction-date", iso_date=day.isoformat())
        _sub(transaction, "value", _money(amount), currency=commitment.currency, value_date=day.isoformat())
        _org(transaction, "provider-org", commitment.funder, lang=lang)
        _org(transaction, "receiver-org", project.lead_organization, lang=lang)


# Results -----------------------------------------------------------------------------------------------------------


def _number(value) -> str:
    value = Decimal(value)
    return str(value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize())


def _target_window(target, indicator: Indicator, program: Program):
    """What a target's actual is computed over (`indicator_value` arguments) and the days the IATI period names.

    A dated target names its own days. A phase's or the whole program's names the phase's or the program's dates,
    and where those are not recorded, the span of the indicator's records so far; None when there is nothing."""
    from minka.results.selectors import record_span

    if target.period_start and target.period_end:
        period = Period(target.period_start, target.period_end, target.period_label, target.period_kind)
        return {"period": period}, (period.start, period.end)
    if target.period_kind == PeriodKind.PHASE and target.phase:
        phase = target.phase
        if phase.start_date and phase.end_date:
            return {"phase": phase}, (phase.start_date, phase.end_date)
        return {"phase": phase}, record_span(indicator, phase)
    if target.period_kind == PeriodKind.PROGRAM:
        if program.start_date and program.end_date:
            return {}, (program.start_date, program.end_date)
        return {}, record_span(indicator)
    return {}, None


def _results(activity, project: Project, indicators: list[Indicator], *, lang):
    """The program's results as far as this project's indicators go: those that name the project, and those of the
    whole program (which name none; marked as not to be summed across the program's activities)."""
    by_result = defaultdict(list)
    for indicator in indicators:
        named = {p.pk for p in indicator.projects.all()}
        if not named or project.pk in named:
            by_result[indicator.result].append((indicator, not named))
    for result, pairs in by_result.items():
        program_wide = any(whole for _indicator, whole in pairs)
        element = _sub(
            activity, "result", type=RESULT_TYPE.get(result.level, "9"), aggregation_status="0" if program_wide else "1"
        )
        _narratives(element, "title", _both(result, "statement"), lang=lang)
        for indicator, _whole in pairs:
            _indicator(element, indicator, project.program, lang=lang)


def _indicator(parent, indicator: Indicator, program: Program, *, lang):
    from minka.results.selectors import indicator_value

    measure = MEASURE_PERCENT if indicator.unit == Unit.PERCENT else MEASURE_UNIT
    element = _sub(parent, "indicator", measure=measure, ascending="0" if indicator.direction == "descending" else "1")
    _narratives(element, "title", _both(indicator, "name"), lang=lang)
    if indicator.definition:
        _narratives(element, "description", {lang: indicator.definition}, lang=lang)
    if indicator.baseline_value is not None:
        day = indicator.baseline_date or program.start_date
        attributes = {"year": day.year, "iso_date": day.isoformat()} if day else {}
        if attributes:
            _sub(element, "baseline", **attributes, value=_number(indicator.baseline_value))
    for target in indicator.targets.all():
        if target.territory_id or target.organization_id:
            continue  # a territory's or a partner's target: the period shows the overall one
        window, days = _target_window(target, indicator, program)
        if days is None:
            continue
        value = indicator_value(indicator, restricted=True, **window)
        node = _sub(element, "period")
        _sub(node, "period-start", iso_date=days[0].isoformat())
        _sub(node, "period-end", iso_date=days[1].isoformat())
        _sub(node, "target", value=_number(target.value))
        if value.value is None:
            continue
        _sub(node, "actual", value=_number(value.value))
        for dimension in indicator.disaggregations if indicator.is_computed else ():
            split = indicator_value(indicator, by=(dimension,), restricted=True, **window)
            for cell in split.cells:
                if cell.suppressed or cell.value is None:
                    continue
                actual = _sub(node, "actual", value=_number(cell.value))
                _sub(actual, "dimension", name=dimension, value=str(cell.labels[dimension]))
