"""A program's results framework over the API: results, indicators, targets, live values with their splits, the
trend, and reported values from draft to approval with their evidence and period locks.

Everything hangs from the program (`/programs/{slug}/…`), found among those the user sees, as on the pages; the
same selectors read and the same services write. Figures are computed from the records at each request; those who
see aggregates only (funders) get small cells hidden and neither reports in the making nor evidence.
"""

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from minka.accounts import access
from minka.core.api_support import Id, Input, Key, patch_schema, read_responses, resolve, write_responses
from minka.core.errors import ApplicationError, PermissionDenied
from minka.network.models import Territory
from minka.programs.models import Program
from minka.results import selectors, services
from minka.results.dimensions import dimensions_parse
from minka.results.forms import period_label_as_typed
from minka.results.management.commands.indicators import indicator_entry
from minka.results.measures import MEASURES
from minka.results.models import Indicator, ReportedValue, Result
from minka.results.periods import period_parse

router = Router()

FRAMEWORK = ["results"]
VALUES = ["indicator values"]
REPORTS = ["reported values"]

Number = Decimal | int | None  # counts as integers; amounts and percentages as exact decimal strings


# --- Schemas ----------------------------------------------------------------------------------------------------


class ResultOut(Schema):
    id: int
    code: str
    level: str = Field(..., description="impact, outcome or output.")
    parent: int | None = Field(None, alias="parent_id")
    statement: str = Field(..., description="In the language of the request.")
    statement_es: str
    statement_en: str


class ResultIn(Input):
    code: str = Field(..., max_length=20)
    level: str = Field(..., description="impact, outcome (under an impact) or output (under an outcome).")
    parent: int | None = Field(None, description="Id of the result it contributes to; none for an impact.")
    statement_es: str
    statement_en: str = ""


ResultPatch = patch_schema(ResultIn, "ResultPatch")


class IndicatorOut(Schema):
    id: int
    code: str
    result: int = Field(..., alias="result_id")
    name: str = Field(..., description="In the language of the request.")
    name_es: str
    name_en: str
    definition: str
    unit: str
    unit_label: str
    direction: str
    cumulative: bool
    baseline_value: Decimal | None
    baseline_date: datetime.date | None
    source: str = Field(..., description="computed (from the records) or reported.")
    measure: str
    disaggregations: list[str]
    phase: int | None = Field(None, description="Number of the phase it counts, if only one.")
    activity_categories: list[str]
    projects: list[int]
    organizations: list[str] = Field(..., description="Slugs of the organizations whose records it counts.")
    territories: list[str] = Field(..., description="INEI codes of the territories it counts.")

    @staticmethod
    def resolve_phase(indicator) -> int | None:
        return indicator.phase.number if indicator.phase_id else None

    @staticmethod
    def resolve_projects(indicator) -> list[int]:
        return sorted(project.pk for project in indicator.projects.all())

    @staticmethod
    def resolve_organizations(indicator) -> list[str]:
        return sorted(organization.slug for organization in indicator.organizations.all())

    @staticmethod
    def resolve_territories(indicator) -> list[str]:
        return sorted(territory.code for territory in indicator.territories.all())


class IndicatorIn(Input):
    result: int = Field(..., description="Id of a result of the program.")
    code: str = Field(..., max_length=20, description="Letters, digits, dots, dashes; e.g. 1.1.3a.")
    name_es: str
    name_en: str = ""
    definition: str = ""
    unit: str = Field(..., description="people, enterprises, soles, percent or other.")
    unit_label: str = Field("", description="What is counted, for the unit other.")
    direction: str = "ascending"
    cumulative: bool = True
    baseline_value: Decimal | None = None
    baseline_date: datetime.date | None = None
    source: str = Field(..., description="computed or reported.")
    measure: str = Field("", description="For a computed indicator, e.g. people_reached.")
    disaggregations: list[str] = []
    phase: int | None = Field(None, description="Number of a phase of the program.")
    activity_categories: list[str] = []
    projects: list[int] = []
    organizations: list[str] = Field([], description="Slugs.")
    territories: list[str] = Field([], description="INEI codes.")


# The code names the indicator in every address and report: over the API it stays as created.
IndicatorPatch = patch_schema(IndicatorIn, "IndicatorPatch", exclude=("code",))


class TargetOut(Schema):
    id: int
    indicator: str = Field(..., alias="indicator.code")
    period: str = Field(..., alias="period_label")
    period_kind: str
    period_start: datetime.date | None
    period_end: datetime.date | None
    value: Decimal
    territory: str | None = Field(None, alias="territory_id", description="INEI code.")
    organization: str | None = Field(None, description="Slug.")
    note: str

    @staticmethod
    def resolve_organization(target) -> str | None:
        return target.organization.slug if target.organization_id else None


class TargetIn(Input):
    period: str = Field(
        "", description="2019, 2019-Q3, 2019-07, 2019-01..2019-12, phase-N for a phase, empty for the whole program."
    )
    value: Decimal
    territory: str | None = Field(None, description="INEI code, for a target of one territory.")
    organization: str | None = Field(None, description="Slug, for a target of one partner.")
    note: str = ""


TargetPatch = patch_schema(TargetIn, "TargetPatch")


class CellOut(Schema):
    key: dict[str, str | int | None]
    labels: dict[str, str]
    value: Number
    numerator: Number
    denominator: Number
    suppressed: bool = False


class ValueOut(Schema):
    code: str
    name: str
    unit: str
    cumulative: bool
    source: str
    value: Number
    numerator: Number
    denominator: Number
    target: Number
    baseline: Number
    progress: Decimal | None
    additive: bool = Field(..., description="False when the cells overlap and must not be summed.")
    suppressed: bool = Field(False, description="Hidden for counting fewer than 5 (aggregates-only readers).")
    cells: list[CellOut] | None = Field(None, description="With `by`; null when it cannot be split that way.")
    not_split_by: list[str] | None = None


class ProgramValuesOut(Schema):
    program: str
    phase: int | None
    period: str | None
    by: list[str]
    indicators: list[ValueOut]


class TrendPointOut(Schema):
    period: str
    start: datetime.date
    end: datetime.date
    value: Number
    target: Number
    suppressed: bool


class ValueFilters(Input):
    phase: int | None = Field(None, description="Number of a phase of the program.")
    period: str = Field("", max_length=40, description="2019, 2019-Q3, 2019-07 or 2019-01..2019-12.")
    by: str = Field("", max_length=200, description="Splits, comma-separated: sex,age_band,province…")
    territory: str = Field("", max_length=200, description="INEI codes, comma-separated.")
    organization: str = Field("", max_length=100, description="Slug of one partner organization.")


class EvidenceOut(Schema):
    id: int
    name: str
    description: str

    @staticmethod
    def resolve_name(evidence) -> str:
        return evidence.file.name.rsplit("/", 1)[-1]


class ReportOut(Schema):
    id: int
    indicator: str = Field(..., alias="indicator.code")
    organization: str = Field(..., alias="organization.slug")
    period: str = Field(..., alias="period_label")
    period_kind: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    narrative: str
    status: str = Field(..., description="draft, submitted, approved or returned.")
    submitted_at: datetime.datetime | None
    reviewed_at: datetime.datetime | None
    review_note: str
    evidence: list[EvidenceOut] = []

    @staticmethod
    def resolve_evidence(report) -> list:
        return list(report.evidence.all())


class ReportIn(Input):
    period: str = Field(..., description="2019, 2019-Q3, 2019-07, 2019-01..2019-12 or phase-N.")
    organization: str = Field(..., description="Slug of the organization you report for.")
    value: Decimal | None = None
    numerator: Decimal | None = Field(None, description="For a percentage, with the denominator.")
    denominator: Decimal | None = None
    narrative: str = ""


ReportPatch = patch_schema(ReportIn, "ReportPatch")


class SubmitIn(Input):
    """Nothing to send: the report goes to review as it stands."""


class ReviewIn(Input):
    note: str = Field("", description="Required when returning.")


class ReopenIn(Input):
    reason: str


class LockOut(Schema):
    id: int
    indicator: str = Field(..., alias="indicator.code")
    period: str = Field(..., alias="period_label")
    locked_by: str = Field(..., alias="locked_by.username")
    created_at: datetime.datetime
    active: bool = Field(..., alias="is_active")
    reopened_at: datetime.datetime | None
    reopen_reason: str


# --- Reading ------------------------------------------------------------------------------------------------------


def _program(request, slug: str) -> Program:
    return selectors.program_for_results(user=request.auth, slug=slug)


def _indicator(request, slug: str, code: str) -> tuple[Program, Indicator]:
    program = _program(request, slug)
    return program, selectors.indicator_get(user=request.auth, program=program, code=code)


def _require_editor(user, program: Program) -> None:
    if not access.program_can_edit(user, program):
        raise PermissionDenied(_("Solo la coordinación del programa modifica su marco de resultados."))


def _require_full_view(user, program: Program) -> None:
    if selectors.aggregates_only(user, program):
        raise PermissionDenied(
            _("Usted ve cifras agregadas de este programa: los registros y documentos no están a su alcance.")
        )


def _filters(program: Program, filters: ValueFilters) -> dict:
    phase = selectors.phase_get(program, filters.phase) if filters.phase is not None else None
    period = period_parse(filters.period) if filters.period.strip() else None
    territories = tuple(code.strip() for code in filters.territory.split(",") if code.strip())
    for code in territories:
        resolve(Territory.objects.all(), "territory", code=code)
    organizations = ()
    if filters.organization.strip():
        organization = resolve(
            selectors.program_organizations(program), "organization", slug=filters.organization.strip()
        )
        organizations = (organization.pk,)
    return {"phase": phase, "period": period, "territory_codes": territories, "organization_ids": organizations}


def _with_fields(error: ApplicationError, name: str) -> ApplicationError:
    """A query parameter's error names the parameter."""
    error.fields = {name: [str(error.message)]}
    return error


# --- Results ------------------------------------------------------------------------------------------------------


@router.get("/programs/{slug}/results", response=read_responses(list[ResultOut]), tags=FRAMEWORK)
def result_list(request, slug: Key):
    """The program's results, each with its parent: impacts, their outcomes, their outputs."""
    program = _program(request, slug)
    return list(Result.objects.filter(program=program).order_by("code"))


@router.post("/programs/{slug}/results", response=write_responses(ResultOut, status=201), tags=FRAMEWORK)
def result_create(request, slug: Key, payload: ResultIn):
    program = _program(request, slug)
    data = _result_data(program, payload.model_dump())
    return Status(201, services.result_save(user=request.auth, program=program, data=data))


@router.patch("/programs/{slug}/results/{result_id}", response=write_responses(ResultOut), tags=FRAMEWORK)
def result_update(request, slug: Key, result_id: Id, payload: ResultPatch):
    program = _program(request, slug)
    result = selectors.result_get(program, result_id)
    data = _result_data(program, payload.model_dump(exclude_unset=True))
    return services.result_save(user=request.auth, program=program, data=data, result=result)


@router.delete("/programs/{slug}/results/{result_id}", response=write_responses(None, status=204), tags=FRAMEWORK)
def result_delete(request, slug: Key, result_id: Id):
    """Refused while it has results under it or indicators."""
    program = _program(request, slug)
    services.result_delete(user=request.auth, result=selectors.result_get(program, result_id))
    return Status(204, None)


def _result_data(program: Program, data: dict) -> dict:
    if data.get("parent") is not None:
        data["parent"] = resolve(Result.objects.filter(program=program), "parent", pk=data["parent"])
    return data


# --- Indicators ---------------------------------------------------------------------------------------------------


def _indicators(program: Program):
    return selectors.indicators_of(program).prefetch_related("projects", "organizations", "territories")


@router.get("/programs/{slug}/indicators", response=read_responses(list[IndicatorOut]), tags=FRAMEWORK)
def indicator_list(request, slug: Key):
    return list(_indicators(_program(request, slug)))


@router.get("/programs/{slug}/indicators/{code}", response=read_responses(IndicatorOut), tags=FRAMEWORK)
def indicator_detail(request, slug: Key, code: Key):
    program, indicator = _indicator(request, slug, code)
    return _indicators(program).get(pk=indicator.pk)


@router.post("/programs/{slug}/indicators", response=write_responses(IndicatorOut, status=201), tags=FRAMEWORK)
def indicator_create(request, slug: Key, payload: IndicatorIn):
    program = _program(request, slug)
    data, m2m = _indicator_data(program, payload.model_dump())
    indicator = services.indicator_save(user=request.auth, program=program, data=data, m2m=m2m)
    return Status(201, _indicators(program).get(pk=indicator.pk))


@router.patch("/programs/{slug}/indicators/{code}", response=write_responses(IndicatorOut), tags=FRAMEWORK)
def indicator_update(request, slug: Key, code: Key, payload: IndicatorPatch):
    program, indicator = _indicator(request, slug, code)
    data, m2m = _indicator_data(program, payload.model_dump(exclude_unset=True))
    services.indicator_save(user=request.auth, program=program, data=data, m2m=m2m, indicator=indicator)
    return _indicators(program).get(pk=indicator.pk)


@router.delete("/programs/{slug}/indicators/{code}", response=write_responses(None, status=204), tags=FRAMEWORK)
def indicator_delete(request, slug: Key, code: Key):
    """Refused once it has reported values beyond drafts."""
    _, indicator = _indicator(request, slug, code)
    services.indicator_delete(user=request.auth, indicator=indicator)
    return Status(204, None)


def _indicator_data(program: Program, data: dict) -> tuple[dict, dict]:
    if "result" in data:
        data["result"] = resolve(Result.objects.filter(program=program), "result", pk=data["result"])
    if "phase" in data:
        number = data["phase"]
        data["phase"] = resolve(program.phases.all(), "phase", number=number) if number is not None else None
    if data.get("baseline_value") is None and "baseline_value" in data:
        data["baseline_value"] = None
    m2m = {}
    if "projects" in data:
        m2m["projects"] = [resolve(program.projects.all(), "projects", pk=pk) for pk in data.pop("projects")]
    if "organizations" in data:
        involved = selectors.program_organizations(program)
        m2m["organizations"] = [resolve(involved, "organizations", slug=slug) for slug in data.pop("organizations")]
    if "territories" in data:
        m2m["territories"] = [resolve(Territory.objects.all(), "territories", code=c) for c in data.pop("territories")]
    return data, m2m


# --- Values -------------------------------------------------------------------------------------------------------


@router.get("/programs/{slug}/values", response=read_responses(ProgramValuesOut), tags=VALUES)
def program_values(request, slug: Key, filters: Query[ValueFilters]):
    """Every indicator of the program (of the phase, or of none) with its value, target, baseline and progress,
    and with `by`, its cells. The shape of `minka indicators --format json`."""
    program = _program(request, slug)
    chosen = _filters(program, filters)
    if chosen["territory_codes"] or chosen["organization_ids"]:
        raise ApplicationError(
            _("Filtre por territorio u organización en el valor de cada indicador."),
            fields={"territory": [_("No disponible aquí.")]},
        )
    dims = _dims(filters.by)
    restricted = selectors.aggregates_only(request.auth, program)
    return {
        "program": program.slug,
        "phase": chosen["phase"].number if chosen["phase"] else None,
        "period": chosen["period"].label if chosen["period"] else None,
        "by": list(dims),
        "indicators": [
            indicator_entry(i, phase=chosen["phase"], period=chosen["period"], dims=dims, restricted=restricted)
            for i in selectors.indicators_of(program, phase=chosen["phase"])
        ],
    }


@router.get("/programs/{slug}/indicators/{code}/value", response=read_responses(ValueOut), tags=VALUES)
def indicator_value(request, slug: Key, code: Key, filters: Query[ValueFilters]):
    """The indicator's value now, for a period, phase, territories or partner, split by `by` (several at once)."""
    program, indicator = _indicator(request, slug, code)
    chosen = _filters(program, filters)
    offered = MEASURES[indicator.measure].dimensions if indicator.is_computed else ()
    dims = _dims(filters.by, offered)
    restricted = selectors.aggregates_only(request.auth, program)
    return indicator_entry(indicator, dims=dims, restricted=restricted, **chosen)


@router.get("/programs/{slug}/indicators/{code}/trend", response=read_responses(list[TrendPointOut]), tags=VALUES)
def indicator_trend(request, slug: Key, code: Key, phase: int | None = None):
    """Period by period over the records' span: months, quarters or years as the span asks. Cumulative indicators
    run on from the start."""
    program, indicator = _indicator(request, slug, code)
    chosen_phase = selectors.phase_get(program, phase) if phase is not None else None
    return [
        {
            "period": point.period.label,
            "start": point.period.start,
            "end": point.period.end,
            "value": point.value,
            "target": point.target_value,
            "suppressed": point.suppressed,
        }
        for point in selectors.trend(indicator, user=request.auth, phase=chosen_phase)
    ]


def _dims(text: str, offered=None) -> tuple[str, ...]:
    try:
        return dimensions_parse(text, offered)
    except ApplicationError as error:
        raise _with_fields(error, "by") from None


# --- Targets ------------------------------------------------------------------------------------------------------


@router.get("/programs/{slug}/indicators/{code}/targets", response=read_responses(list[TargetOut]), tags=FRAMEWORK)
def target_list(request, slug: Key, code: Key):
    _, indicator = _indicator(request, slug, code)
    return list(selectors.targets_of(indicator))


@router.post(
    "/programs/{slug}/indicators/{code}/targets", response=write_responses(TargetOut, status=201), tags=FRAMEWORK
)
def target_create(request, slug: Key, code: Key, payload: TargetIn):
    """Refused (409) for a period locked by an approval."""
    program, indicator = _indicator(request, slug, code)
    data = _target_data(program, payload.model_dump())
    return Status(201, services.target_save(user=request.auth, indicator=indicator, **data))


@router.patch("/programs/{slug}/targets/{target_id}", response=write_responses(TargetOut), tags=FRAMEWORK)
def target_update(request, slug: Key, target_id: Id, payload: TargetPatch):
    program = _program(request, slug)
    target = selectors.target_get(program, target_id)
    current = {
        "period": period_label_as_typed(target.period_label),
        "value": target.value,
        "territory": target.territory_id,
        "organization": target.organization.slug if target.organization_id else None,
        "note": target.note,
    }
    data = _target_data(program, current | payload.model_dump(exclude_unset=True))
    return services.target_save(user=request.auth, indicator=target.indicator, target=target, **data)


@router.delete("/programs/{slug}/targets/{target_id}", response=write_responses(None, status=204), tags=FRAMEWORK)
def target_delete(request, slug: Key, target_id: Id):
    program = _program(request, slug)
    services.target_delete(user=request.auth, target=selectors.target_get(program, target_id))
    return Status(204, None)


def _target_data(program: Program, data: dict) -> dict:
    if data.get("territory"):
        data["territory"] = resolve(Territory.objects.all(), "territory", code=data["territory"])
    if data.get("organization"):
        data["organization"] = resolve(
            selectors.program_organizations(program), "organization", slug=data["organization"]
        )
    data["period"] = data.get("period") or ""
    return data


# --- Reported values ----------------------------------------------------------------------------------------------


def _report(request, slug: str, report_id: Id) -> ReportedValue:
    program = _program(request, slug)
    _require_full_view(request.auth, program)
    return selectors.report_get(program, report_id)


@router.get("/programs/{slug}/indicators/{code}/reports", response=read_responses(list[ReportOut]), tags=REPORTS)
def report_list(request, slug: Key, code: Key):
    """The indicator's reported values; aggregates-only readers get the approved ones."""
    program, indicator = _indicator(request, slug, code)
    restricted = selectors.aggregates_only(request.auth, program)
    return list(selectors.reports_of(indicator, restricted=restricted).prefetch_related("evidence"))


@router.post(
    "/programs/{slug}/indicators/{code}/reports", response=write_responses(ReportOut, status=201), tags=REPORTS
)
def report_create(request, slug: Key, code: Key, payload: ReportIn):
    """A draft, for one of your organizations taking part; a percentage comes as numerator and denominator."""
    program, indicator = _indicator(request, slug, code)
    if not services.report_organizations(request.auth, program).exists():
        # As on the page: someone with no organization to report for (a funder, an auditor) may not report at all.
        raise PermissionDenied(_("Reporta el personal de las organizaciones que participan en el programa."))
    data = _report_data(request.auth, program, payload.model_dump())
    period = data.pop("period")
    return Status(201, services.report_save(user=request.auth, indicator=indicator, period=period, data=data))


@router.get("/programs/{slug}/reports/{report_id}", response=read_responses(ReportOut), tags=REPORTS)
def report_detail(request, slug: Key, report_id: Id):
    return _report(request, slug, report_id)


@router.patch("/programs/{slug}/reports/{report_id}", response=write_responses(ReportOut), tags=REPORTS)
def report_update(request, slug: Key, report_id: Id, payload: ReportPatch):
    """Changes a draft or returned report."""
    report = _report(request, slug, report_id)
    data = _report_data(request.auth, report.indicator.program, payload.model_dump(exclude_unset=True))
    period = data.pop("period", report.period_label)
    return services.report_save(user=request.auth, indicator=report.indicator, period=period, data=data, report=report)


@router.post("/programs/{slug}/reports/{report_id}/submit", response=write_responses(ReportOut), tags=REPORTS)
def report_submit(request, slug: Key, report_id: Id, payload: SubmitIn | None = None):
    return services.report_submit(user=request.auth, report=_report(request, slug, report_id))


@router.post("/programs/{slug}/reports/{report_id}/approve", response=write_responses(ReportOut), tags=REPORTS)
def report_approve(request, slug: Key, report_id: Id, payload: ReviewIn | None = None):
    """By a program editor other than the one who submitted it; locks the indicator's period."""
    note = payload.note if payload else ""
    return services.report_approve(user=request.auth, report=_report(request, slug, report_id), note=note)


@router.post("/programs/{slug}/reports/{report_id}/return", response=write_responses(ReportOut), tags=REPORTS)
def report_return(request, slug: Key, report_id: Id, payload: ReviewIn):
    """Back to its author, saying what to correct (`note`, required)."""
    report = _report(request, slug, report_id)
    try:
        return services.report_return(user=request.auth, report=report, note=payload.note)
    except ApplicationError as error:
        # The service names the model's field; here the client sent `note`.
        if "review_note" in (error.fields or {}):
            error.fields["note"] = error.fields.pop("review_note")
        raise


@router.post(
    "/programs/{slug}/reports/{report_id}/evidence", response=write_responses(EvidenceOut, status=201), tags=REPORTS
)
def evidence_add(request, slug: Key, report_id: Id, file: File[UploadedFile] = None, description: Form[str] = ""):
    """A document behind the value (multipart/form-data, field `file`), while the report is a draft or returned."""
    report = _report(request, slug, report_id)
    if file is None:
        raise ApplicationError(_("Adjunte el archivo."), fields={"file": [_("Este campo es obligatorio.")]})
    evidence = services.evidence_add(user=request.auth, report=report, file=file, description=description)
    return Status(201, evidence)


def _report_data(user, program: Program, data: dict) -> dict:
    if "organization" in data:
        organizations = services.report_organizations(user, program)
        data["organization"] = resolve(organizations, "organization", slug=data["organization"])
    return data


# --- Period locks -------------------------------------------------------------------------------------------------


@router.get("/programs/{slug}/locks", response=read_responses(list[LockOut]), tags=REPORTS)
def lock_list(request, slug: Key):
    """The periods closed by an approval, and those reopened with who, when and why."""
    program = _program(request, slug)
    _require_full_view(request.auth, program)
    return list(selectors.locks_of(program))


@router.post("/programs/{slug}/locks/{lock_id}/reopen", response=write_responses(LockOut), tags=REPORTS)
def lock_reopen(request, slug: Key, lock_id: Id, payload: ReopenIn):
    """Reopens the period with a reason, kept on the lock; its approved reports go back to returned."""
    program = _program(request, slug)
    _require_editor(request.auth, program)
    return services.period_reopen(user=request.auth, lock=selectors.lock_get(program, lock_id), reason=payload.reason)
