"""Enterprises, their members and monthly records over the API: the same selectors (scoping) and services (stage
history, member rules, one record per month, audit) as the pages.

Months travel as "YYYY-MM"; sales, costs and net income as decimal strings with two places, in soles (PEN).
"""

import datetime
import re
from decimal import Decimal
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

from minka.accounts import access
from minka.core.api_support import (
    MAX_ID,
    Filters,
    Id,
    Input,
    Money,
    Pagination,
    patch_schema,
    read_responses,
    resolve,
    write_responses,
)
from minka.core.errors import ApplicationError
from minka.enterprises import selectors, services
from minka.enterprises.forms import organization_choices, program_choices
from minka.enterprises.models import Enterprise, EnterpriseKind, EnterpriseStage, MemberRole, Sector
from minka.network.api import OrganizationRef, TerritoryRef
from minka.network.models import Site, Territory
from minka.people.api import PersonRef

router = Router()

ENTERPRISES = ["enterprises"]

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def _month_in(value):
    if isinstance(value, str):
        match = MONTH.match(value)
        if match and int(match.group(1)) >= 1:
            return datetime.date(int(match.group(1)), int(match.group(2)), 1)
    raise PydanticCustomError("month_format", _('Debe ser un mes AAAA-MM, p. ej. "2024-03".'))


MonthIn = Annotated[
    datetime.date,
    BeforeValidator(_month_in),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2024-03"}),
]
MonthOut = Annotated[
    datetime.date,
    PlainSerializer(lambda day: f"{day:%Y-%m}", return_type=str),
    WithJsonSchema({"type": "string", "example": "2024-03"}),
]
# Sales and costs: zero or more, two decimals at most.
AmountIn = Annotated[
    Decimal,
    Field(ge=0, max_digits=14, decimal_places=2),
    WithJsonSchema({"type": "string", "format": "decimal", "example": "1500.00"}),
]


# --- Schemas ----------------------------------------------------------------------------------------------------


class SiteRef(Schema):
    id: int
    name: str


class EnterpriseOut(Schema):
    id: int
    name: str
    kind: EnterpriseKind
    sector: Sector
    stage: EnterpriseStage
    organization: OrganizationRef
    program: str = Field(..., alias="program.slug", description="Slug of the program.")
    project: int | None = Field(None, alias="project_id", description="Id of the project.")
    site: SiteRef | None
    district: TerritoryRef
    started_on: datetime.date
    ruc: str
    member_count: int | None = Field(None, description="Members (lists only).")
    latest_month: MonthOut | None = Field(None, description="Month of the latest record (lists only).")
    latest_net_income: Money | None = Field(None, description="Its sales minus costs, in PEN (lists only).")


class StageChangeOut(Schema):
    stage: EnterpriseStage
    changed_on: datetime.date
    note: str


class IncomeChangeOut(Schema):
    baseline_month: MonthOut
    baseline: Money
    latest_month: MonthOut
    latest: Money
    change: Money
    percentage: Decimal | None = Field(None, description="Change over the baseline's absolute value; null from zero.")


class EnterpriseDetailOut(EnterpriseOut):
    stage_changes: list[StageChangeOut] = Field(..., description="When it reached each stage, oldest first.")
    income_change: IncomeChangeOut | None = Field(
        None, description="Net income of its first record (baseline) against its latest; null with fewer than two."
    )
    can_edit: bool

    @staticmethod
    def resolve_stage_changes(enterprise):
        return list(enterprise.stage_changes.all())


class EnterpriseIn(Input):
    name: str
    kind: EnterpriseKind
    sector: Sector
    project: int | None = Field(None, ge=1, le=MAX_ID, description="Id of a project of the same program.")
    site: int | None = Field(None, ge=1, le=MAX_ID, description="Id of a site of the enterprise's organization.")
    district: str = Field(..., description="INEI ubigeo (6 digits) of the district.")
    started_on: datetime.date
    ruc: str = Field("", description="11 digits with a valid check digit, when formalized.")


class EnterpriseCreateIn(EnterpriseIn):
    organization: str = Field(..., description="Slug of the organization; it stays as created.")
    program: str = Field(..., description="Slug of the program; it stays as created.")
    stage: EnterpriseStage = Field(EnterpriseStage.IDEA, description="Its stage on the day it started.")


class EnterpriseUpdateIn(EnterpriseIn):
    stage: EnterpriseStage = Field(..., description="A new stage adds a row to its history.")
    stage_changed_on: datetime.date | None = Field(
        None, description="When the new stage was reached; today if not sent."
    )
    stage_note: str = Field("", max_length=250)


EnterprisePatch = patch_schema(EnterpriseUpdateIn, "EnterprisePatch")


class EnterpriseFilters(Filters):
    program: str = Field("", description="Slug of the program.")
    organization: str = Field("", description="Slug of the organization.")
    kind: EnterpriseKind | None = None
    stage: EnterpriseStage | None = None
    sector: Sector | None = None
    territory: str = Field("", description="Ubigeo prefix of the district.")
    q: str = Field("", max_length=100, description="Part of the name.")


class MemberOut(Schema):
    id: int
    enterprise: int = Field(..., alias="enterprise_id")
    person: PersonRef | None = Field(
        None, description="Null when she is registered by an organization whose people you may not see."
    )
    role: MemberRole
    joined_on: datetime.date | None


class MemberIn(Input):
    participant: Id = Field(..., description="Id of a person whose data you may read.")
    role: MemberRole
    joined_on: datetime.date | None = None


class RecordOut(Schema):
    id: int
    enterprise: int = Field(..., alias="enterprise_id")
    month: MonthOut
    sales: Money
    costs: Money
    net_income: Money = Field(..., description="Sales minus costs.")
    jobs: int
    currency: Literal["PEN"] = "PEN"


class RecordValues(Input):
    sales: AmountIn
    costs: AmountIn
    jobs: int = Field(0, ge=0, le=32767)


class RecordIn(RecordValues):
    month: MonthIn = Field(..., description='"YYYY-MM"; not before the enterprise started, not in the future.')


# The values of the record's month; its month stays.
RecordPatch = patch_schema(RecordValues, "RecordPatch")


# --- Natural keys in request bodies -----------------------------------------------------------------------------


def _enterprise_data(user, payload, *, program, organization, enterprise: Enterprise | None = None) -> dict:
    data = payload.model_dump(exclude_unset=True, exclude={"organization", "program"})
    if data.get("project") is not None:
        data["project"] = resolve(access.projects_visible(user).filter(program=program), "project", pk=data["project"])
    if data.get("site") is not None:
        sites = Site.objects.filter(organization=organization, is_active=True)
        if enterprise is not None and enterprise.site_id == data["site"]:
            sites = Site.objects.filter(pk=enterprise.site_id)
        data["site"] = resolve(sites, "site", pk=data["site"])
    if "district" in data and data["district"] is not None:
        data["district"] = resolve(Territory.objects, "district", code=data["district"])
    return data


def _detail(user, enterprise_id: int) -> Enterprise:
    enterprise = selectors.enterprise_get(user=user, enterprise_id=enterprise_id)
    enterprise.can_edit = services.enterprise_can_edit(user, enterprise)
    enterprise.income_change = selectors.enterprise_income_change(enterprise)
    return enterprise


def _members(user, enterprise: Enterprise) -> list[dict]:
    visible = selectors.visible_member_ids(user=user, enterprise=enterprise)
    return [
        {**_member_row(member), "person": member.participant if member.participant_id in visible else None}
        for member in enterprise.members.all()
    ]


def _member_row(member) -> dict:
    return {"id": member.pk, "enterprise_id": member.enterprise_id, "role": member.role, "joined_on": member.joined_on}


# --- Enterprises ------------------------------------------------------------------------------------------------


@router.get("/enterprises", response=read_responses(list[EnterpriseOut]), tags=ENTERPRISES)
@paginate(Pagination)
def enterprise_list(request, filters: Query[EnterpriseFilters]):
    """The enterprises of your organizations and of the programs you coordinate or audit, by name, each with its
    members counted and its latest month's net income."""
    return selectors.enterprise_list(
        user=request.auth,
        program=filters.program.strip(),
        organization=filters.organization.strip(),
        kind=filters.kind or "",
        stage=filters.stage or "",
        sector=filters.sector or "",
        territory=filters.territory.strip(),
        search=filters.q.strip(),
    )


@router.post("/enterprises", response=write_responses(EnterpriseDetailOut, status=201), tags=ENTERPRISES)
def enterprise_create(request, payload: EnterpriseCreateIn):
    """A new enterprise of an organization taking part in the program; its stage history starts on `started_on`."""
    user = request.auth
    organization = resolve(organization_choices(user), "organization", slug=payload.organization)
    program = resolve(program_choices(user), "program", slug=payload.program)
    data = _enterprise_data(user, payload, program=program, organization=organization)
    enterprise = services.enterprise_create(user=user, data={**data, "organization": organization, "program": program})
    return Status(201, _detail(user, enterprise.pk))


@router.get("/enterprises/{enterprise_id}", response=read_responses(EnterpriseDetailOut), tags=ENTERPRISES)
def enterprise_detail(request, enterprise_id: Id):
    """The enterprise with its stage history and its income against its own baseline."""
    return _detail(request.auth, enterprise_id)


@router.patch("/enterprises/{enterprise_id}", response=write_responses(EnterpriseDetailOut), tags=ENTERPRISES)
def enterprise_update(request, enterprise_id: Id, payload: EnterprisePatch):
    """Changes the fields sent; organization and program stay. A new `stage` adds a row to the history, dated
    `stage_changed_on` (today by default)."""
    user = request.auth
    enterprise = selectors.enterprise_get(user=user, enterprise_id=enterprise_id)
    data = _enterprise_data(
        user, payload, program=enterprise.program, organization=enterprise.organization, enterprise=enterprise
    )
    stage_changed_on = data.pop("stage_changed_on", None)
    stage_note = data.pop("stage_note", "")
    services.enterprise_update(
        user=user, enterprise=enterprise, data=data, stage_changed_on=stage_changed_on, stage_note=stage_note
    )
    return _detail(user, enterprise_id)


# --- Members ----------------------------------------------------------------------------------------------------


@router.get("/enterprises/{enterprise_id}/members", response=read_responses(list[MemberOut]), tags=ENTERPRISES)
def member_list(request, enterprise_id: Id):
    """Its members, owner first. A member registered where you may not see her is listed without her person."""
    enterprise = selectors.enterprise_get(user=request.auth, enterprise_id=enterprise_id)
    return _members(request.auth, enterprise)


@router.post("/enterprises/{enterprise_id}/members", response=write_responses(MemberOut, status=201), tags=ENTERPRISES)
def member_add(request, enterprise_id: Id, payload: MemberIn):
    """Adds a person whose data you may read, in a role."""
    user = request.auth
    enterprise = selectors.enterprise_get(user=user, enterprise_id=enterprise_id)
    participant = access.people_visible(user).filter(pk=payload.participant).first()
    member = services.member_add(
        user=user, enterprise=enterprise, participant=participant, role=payload.role, joined_on=payload.joined_on
    )
    return Status(201, {**_member_row(member), "person": member.participant})


@router.delete("/members/{member_id}", response=write_responses(None, status=204), tags=ENTERPRISES)
def member_remove(request, member_id: Id):
    member = selectors.member_get(user=request.auth, member_id=member_id)
    services.member_remove(user=request.auth, member=member)
    return Status(204, None)


# --- Monthly records --------------------------------------------------------------------------------------------


@router.get("/enterprises/{enterprise_id}/records", response=read_responses(list[RecordOut]), tags=ENTERPRISES)
def record_list(request, enterprise_id: Id):
    """Its monthly records, oldest (the baseline) first."""
    enterprise = selectors.enterprise_get(user=request.auth, enterprise_id=enterprise_id)
    return list(enterprise.records.all())


@router.post("/enterprises/{enterprise_id}/records", response=write_responses(RecordOut, status=201), tags=ENTERPRISES)
def record_create(request, enterprise_id: Id, payload: RecordIn):
    """Records a month. A month already recorded answers 409 `month_recorded` naming its record: change it with
    `PATCH /records/{id}`."""
    enterprise = selectors.enterprise_get(user=request.auth, enterprise_id=enterprise_id)
    existing = enterprise.records.filter(month=payload.month).first()
    if existing is not None:
        # The service would update it (the page's "a second visit corrects the first"); a POST only creates.
        raise ApplicationError(
            _("%(month)s ya tiene un registro (id %(id)s): cámbielo con PATCH /records/%(id)s.")
            % {"month": f"{payload.month:%Y-%m}", "id": existing.pk},
            code="month_recorded",
            fields={"month": [_("Ya registrado.")]},
            status=409,
        )
    record, _created = services.record_save_month(
        user=request.auth,
        enterprise=enterprise,
        month=payload.month,
        sales=payload.sales,
        costs=payload.costs,
        jobs=payload.jobs,
    )
    return Status(201, record)


@router.patch("/records/{record_id}", response=write_responses(RecordOut), tags=ENTERPRISES)
def record_update(request, record_id: Id, payload: RecordPatch):
    """Changes the values sent of that month."""
    record = selectors.record_get(user=request.auth, record_id=record_id)
    data = payload.model_dump(exclude_unset=True)
    record, _created = services.record_save_month(
        user=request.auth,
        enterprise=record.enterprise,
        month=record.month,
        sales=data.get("sales", record.sales),
        costs=data.get("costs", record.costs),
        jobs=data.get("jobs", record.jobs),
    )
    return record


@router.delete("/records/{record_id}", response=write_responses(None, status=204), tags=ENTERPRISES)
def record_delete(request, record_id: Id):
    record = selectors.record_get(user=request.auth, record_id=record_id)
    services.record_delete(user=request.auth, record=record)
    return Status(204, None)
