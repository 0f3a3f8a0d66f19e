"""Programs, phases, projects, partners, initiatives, funding commitments and disbursements over the API.

The same selectors (what the user sees) and services (who may change what, validation, audit) as the pages.
"""

import datetime

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from minka.accounts import access
from minka.core.api_support import (
    Filters,
    Id,
    Input,
    Key,
    Money,
    MoneyIn,
    Pagination,
    patch_schema,
    read_responses,
    resolve,
    unknown_reference,
    write_responses,
)
from minka.network.api import OrganizationRef, TerritoryRef
from minka.network.models import Territory
from minka.programs import selectors, services
from minka.programs.forms import organization_choices
from minka.programs.models import Currency, InitiativeStatus, PartnerRole, Program, Project, ProjectStatus

router = Router()

PROGRAMS = ["programs"]
PROJECTS = ["projects"]
INITIATIVES = ["initiatives"]
FUNDING = ["funding"]


# --- Schemas ----------------------------------------------------------------------------------------------------


class PhaseOut(Schema):
    number: int
    name: str = Field(..., description="In the language of the request.")
    name_es: str
    name_en: str
    start_date: datetime.date | None
    end_date: datetime.date | None


class PhaseIn(Input):
    number: int = Field(..., ge=1, le=32767)
    name_es: str
    name_en: str = ""
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None


PhasePatch = patch_schema(PhaseIn, "PhasePatch")


class ProgramOut(Schema):
    slug: str
    name: str = Field(..., description="In the language of the request.")
    name_es: str
    name_en: str
    description_es: str
    description_en: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    currency: Currency
    catalysts: list[OrganizationRef]
    project_count: int | None = Field(None, description="Projects of the program the user sees (lists only).")


class ProgramDetailOut(ProgramOut):
    phases: list[PhaseOut]


class ProgramIn(Input):
    slug: str = Field(..., description="Lowercase letters, digits and hyphens; unique.")
    name_es: str
    name_en: str = ""
    description_es: str = ""
    description_en: str = ""
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    currency: Currency = Currency.PEN
    catalysts: list[str] = Field(
        ...,
        min_length=1,
        description="Slugs of the catalyst organizations; you must administer one of them to create a program.",
    )


ProgramPatch = patch_schema(ProgramIn, "ProgramPatch")


class ProgramFilters(Filters):
    q: str = Field("", description="Part of the name or slug.")


class PartnerOut(Schema):
    id: int
    organization: OrganizationRef
    role: PartnerRole


class PartnerIn(Input):
    organization: str = Field(..., description="Slug of the organization.")
    role: PartnerRole


class ProjectOut(Schema):
    id: int
    program: str = Field(..., alias="program.slug", description="Slug of the program.")
    phase: int | None = Field(None, alias="phase.number", description="Number of the phase within the program.")
    code: str
    title: str = Field(..., description="In the language of the request.")
    title_es: str
    title_en: str
    description_es: str
    description_en: str
    status: ProjectStatus = Field(..., description="IATI ActivityStatus: 1 pipeline … 6 suspended.")
    start_date: datetime.date | None
    end_date: datetime.date | None
    lead_organization: OrganizationRef
    territories: list[TerritoryRef]
    partners: list[PartnerOut]


class ProjectIn(Input):
    code: str = Field(..., description="Unique within the program: lowercase letters, digits and hyphens.")
    title_es: str
    title_en: str = ""
    description_es: str = ""
    description_en: str = ""
    status: ProjectStatus = ProjectStatus.IMPLEMENTATION
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    phase: int | None = Field(None, description="Number of a phase of the program.")
    lead_organization: str = Field(..., description="Slug of the organization leading the project.")
    territories: list[str] = Field(default_factory=list, description="INEI ubigeo codes of the project's scope.")


class ProjectCreateIn(ProjectIn):
    partners: list[PartnerIn] = Field(default_factory=list)


ProjectPatch = patch_schema(ProjectIn, "ProjectPatch")


class ProjectFilters(Filters):
    program: str = Field("", description="Slug of the program.")
    territory: str = Field("", description="Ubigeo: projects inside it or covering it.")
    funder: str = Field("", description="Slug of a funding organization.")
    organization: str = Field("", description="Slug of the lead or a partner organization.")
    status: ProjectStatus | None = None
    q: str = Field("", description="Part of the title or code.")


class InitiativeOut(Schema):
    id: int
    program: str = Field(..., alias="program.slug")
    project: int | None = Field(None, alias="project_id", description="Id of the project it belongs to.")
    title: str = Field(..., description="In the language of the request.")
    title_es: str
    title_en: str
    description: str
    territory: TerritoryRef | None
    proposed_by: str
    status: InitiativeStatus


class InitiativeIn(Input):
    title_es: str
    title_en: str = ""
    description: str = ""
    project: int | None = Field(None, ge=1, description="Id of a project of the same program.")
    territory: str | None = Field(None, description="INEI ubigeo of the place.")
    proposed_by: str = ""
    status: InitiativeStatus = InitiativeStatus.PROPOSED


InitiativePatch = patch_schema(InitiativeIn, "InitiativePatch")


class InitiativeFilters(Filters):
    program: str = Field("", description="Slug of the program.")
    territory: str = Field("", description="Ubigeo: initiatives inside it or covering it.")
    status: InitiativeStatus | None = None
    q: str = Field("", description="Part of the title or of who proposed it.")


class CommitmentOut(Schema):
    id: int
    project: int = Field(..., alias="project_id")
    program: str = Field(..., alias="project.program.slug")
    funder: OrganizationRef
    amount: Money
    currency: Currency
    committed_on: datetime.date
    reference: str
    disbursed: Money = Field(..., description="Sum of the disbursements, in the commitment's currency.")
    remaining: Money = Field(..., description="Committed minus disbursed.")

    @staticmethod
    def resolve_disbursed(commitment):
        return getattr(commitment, "disbursed", None) or 0

    @staticmethod
    def resolve_remaining(commitment):
        return commitment.amount - (getattr(commitment, "disbursed", None) or 0)


class CommitmentIn(Input):
    funder: str = Field(..., description="Slug of the funding organization.")
    amount: MoneyIn
    currency: Currency = Currency.PEN
    committed_on: datetime.date
    reference: str = ""


CommitmentPatch = patch_schema(CommitmentIn, "CommitmentPatch")


class CommitmentFilters(Filters):
    program: str = Field("", description="Slug of the program.")
    project: int | None = Field(None, ge=1, le=2**63 - 1, description="Id of the project.")


class DisbursementOut(Schema):
    id: int
    commitment: int = Field(..., alias="commitment_id")
    amount: Money
    currency: Currency = Field(..., alias="commitment.currency")
    disbursed_on: datetime.date
    note: str


class DisbursementIn(Input):
    amount: MoneyIn
    disbursed_on: datetime.date
    note: str = ""


# --- Natural keys in request bodies -----------------------------------------------------------------------------


def _organizations(user, program, field: str, slugs: list[str]) -> dict:
    """{slug: organization} among those the user may name in `program` (the choices the program pages offer)."""
    found = {
        organization.slug: organization for organization in organization_choices(user, program).filter(slug__in=slugs)
    }
    unknown = [slug for slug in dict.fromkeys(slugs) if slug not in found]
    if unknown:
        raise unknown_reference(field, _("Organización desconocida: %(slugs)s.") % {"slugs": ", ".join(unknown)})
    return found


def _territories(field: str, codes: list[str]) -> list[Territory]:
    found = {territory.code: territory for territory in Territory.objects.filter(code__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise unknown_reference(
            field, _("Código de territorio desconocido: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    return [found[code] for code in dict.fromkeys(codes)]


def _program_data(payload) -> tuple[dict, list[str] | None]:
    data = payload.model_dump(exclude_unset=True)
    return data, data.pop("catalysts", None)


def _project_data(user, program: Program, payload, *, current_lead=None) -> tuple[dict, list | None]:
    data = payload.model_dump(exclude_unset=True, exclude={"partners"})
    if "phase" in data:
        data["phase"] = None if data["phase"] is None else resolve(program.phases.all(), "phase", number=data["phase"])
    if "lead_organization" in data:
        if current_lead is not None and data["lead_organization"] == current_lead.slug:
            data["lead_organization"] = current_lead
        else:
            # Among the organizations the user may name; the service then checks they may lead with it.
            data["lead_organization"] = resolve(
                organization_choices(user, program), "lead_organization", slug=data["lead_organization"]
            )
    territories = data.pop("territories", None)
    if territories is not None:
        territories = _territories("territories", territories)
    return data, territories


def _initiative_data(user, program: Program, payload) -> dict:
    data = payload.model_dump(exclude_unset=True)
    if data.get("project") is not None:
        data["project"] = resolve(selectors.project_list(user=user, program=program), "project", pk=data["project"])
    if data.get("territory") is not None:
        data["territory"] = _territories("territory", [data["territory"]])[0]
    return data


def _commitment_data(user, project: Project, payload, *, current_funder=None) -> dict:
    data = payload.model_dump(exclude_unset=True)
    if "funder" in data:
        if current_funder is not None and data["funder"] == current_funder.slug:
            data["funder"] = current_funder
        else:
            data["funder"] = _organizations(user, project.program, "funder", [data["funder"]])[data["funder"]]
    return data


def _program_or_none(user, slug: str):
    """A list filter naming a program the user does not see matches nothing (it is not an error)."""
    return access.programs_visible(user).filter(slug=slug).first()


# --- Programs and phases ----------------------------------------------------------------------------------------


@router.get("/programs", response=read_responses(list[ProgramOut]), tags=PROGRAMS)
@paginate(Pagination)
def program_list(request, filters: Query[ProgramFilters]):
    """The programs the user takes part in, with the number of their projects the user sees."""
    return selectors.program_list(user=request.auth, search=filters.q.strip())


@router.post("/programs", response=write_responses(ProgramDetailOut, status=201), tags=PROGRAMS)
def program_create(request, payload: ProgramIn):
    """A new program; its creator must administer one of its catalysts and becomes its coordinator."""
    data, catalysts = _program_data(payload)
    catalysts = list(_organizations(request.auth, None, "catalysts", catalysts or []).values())
    program = services.program_create(user=request.auth, data=data, catalysts=catalysts)
    return Status(201, selectors.program_get(user=request.auth, slug=program.slug))


@router.get("/programs/{slug}", response=read_responses(ProgramDetailOut), tags=PROGRAMS)
def program_detail(request, slug: Key):
    return selectors.program_get(user=request.auth, slug=slug)


@router.patch("/programs/{slug}", response=write_responses(ProgramDetailOut), tags=PROGRAMS)
def program_update(request, slug: Key, payload: ProgramPatch):
    """Changes the fields sent (coordinators and admins of the catalysts). `catalysts`, if sent, replaces the set."""
    program = selectors.program_get(user=request.auth, slug=slug)
    data, catalysts = _program_data(payload)
    if catalysts is not None:
        catalysts = list(_organizations(request.auth, program, "catalysts", catalysts).values())
    program = services.program_update(user=request.auth, program=program, data=data, catalysts=catalysts)
    return selectors.program_get(user=request.auth, slug=program.slug)


@router.get("/programs/{slug}/phases", response=read_responses(list[PhaseOut]), tags=PROGRAMS)
def phase_list(request, slug: Key):
    return selectors.program_get(user=request.auth, slug=slug).phases.all()


@router.post("/programs/{slug}/phases", response=write_responses(PhaseOut, status=201), tags=PROGRAMS)
def phase_create(request, slug: Key, payload: PhaseIn):
    program = selectors.program_get(user=request.auth, slug=slug)
    phase = services.phase_create(user=request.auth, program=program, data=payload.model_dump(exclude_unset=True))
    return Status(201, phase)


@router.get("/programs/{slug}/phases/{number}", response=read_responses(PhaseOut), tags=PROGRAMS)
def phase_detail(request, slug: Key, number: Id):
    program = selectors.program_get(user=request.auth, slug=slug)
    return selectors.phase_get(user=request.auth, program=program, number=number)


@router.patch("/programs/{slug}/phases/{number}", response=write_responses(PhaseOut), tags=PROGRAMS)
def phase_update(request, slug: Key, number: Id, payload: PhasePatch):
    program = selectors.program_get(user=request.auth, slug=slug)
    phase = selectors.phase_get(user=request.auth, program=program, number=number)
    return services.phase_update(user=request.auth, phase=phase, data=payload.model_dump(exclude_unset=True))


# --- Projects and partners --------------------------------------------------------------------------------------


@router.get("/projects", response=read_responses(list[ProjectOut]), tags=PROJECTS)
@paginate(Pagination)
def project_list(request, filters: Query[ProjectFilters]):
    """The projects the user sees, with their scope and partners."""
    program = None
    if filters.program.strip():
        program = _program_or_none(request.auth, filters.program.strip())
        if program is None:
            return Project.objects.none()
    return selectors.project_list(
        user=request.auth,
        program=program,
        territory=filters.territory.strip(),
        funder=filters.funder.strip(),
        status=filters.status or "",
        search=filters.q.strip(),
        organization=filters.organization.strip(),
    )


@router.post("/programs/{slug}/projects", response=write_responses(ProjectOut, status=201), tags=PROJECTS)
def project_create(request, slug: Key, payload: ProjectCreateIn):
    """A new project in the program (program editors, and the staff of an organization taking part in it)."""
    program = selectors.program_get(user=request.auth, slug=slug)
    data, territories = _project_data(request.auth, program, payload)
    organizations = _organizations(
        request.auth, program, "partners", [partner.organization for partner in payload.partners]
    )
    partners = [(organizations[partner.organization], partner.role) for partner in payload.partners]
    project = services.project_create(
        user=request.auth, program=program, data=data, territories=territories or [], partners=partners
    )
    return Status(201, selectors.project_get_by_id(user=request.auth, project_id=project.pk))


@router.get("/projects/{project_id}", response=read_responses(ProjectOut), tags=PROJECTS)
def project_detail(request, project_id: Id):
    return selectors.project_get_by_id(user=request.auth, project_id=project_id)


@router.patch("/projects/{project_id}", response=write_responses(ProjectOut), tags=PROJECTS)
def project_update(request, project_id: Id, payload: ProjectPatch):
    """Changes the fields sent. `territories`, if sent, replaces the scope."""
    project = selectors.project_get_by_id(user=request.auth, project_id=project_id)
    data, territories = _project_data(request.auth, project.program, payload, current_lead=project.lead_organization)
    services.project_update(user=request.auth, project=project, data=data, territories=territories)
    return selectors.project_get_by_id(user=request.auth, project_id=project_id)


@router.get("/projects/{project_id}/partners", response=read_responses(list[PartnerOut]), tags=PROJECTS)
def partner_list(request, project_id: Id):
    return selectors.project_get_by_id(user=request.auth, project_id=project_id).partners.all()


@router.post("/projects/{project_id}/partners", response=write_responses(PartnerOut, status=201), tags=PROJECTS)
def partner_add(request, project_id: Id, payload: PartnerIn):
    project = selectors.project_get_by_id(user=request.auth, project_id=project_id)
    organization = _organizations(request.auth, project.program, "organization", [payload.organization])[
        payload.organization
    ]
    partner = services.partner_add(user=request.auth, project=project, organization=organization, role=payload.role)
    return Status(201, partner)


@router.delete(
    "/projects/{project_id}/partners/{partner_id}", response=write_responses(None, status=204), tags=PROJECTS
)
def partner_remove(request, project_id: Id, partner_id: Id):
    project = selectors.project_get_by_id(user=request.auth, project_id=project_id)
    partner = selectors.partner_get(user=request.auth, project=project, partner_id=partner_id)
    services.partner_remove(user=request.auth, partner=partner)
    return Status(204, None)


# --- Initiatives ------------------------------------------------------------------------------------------------


@router.get("/initiatives", response=read_responses(list[InitiativeOut]), tags=INITIATIVES)
@paginate(Pagination)
def initiative_list(request, filters: Query[InitiativeFilters]):
    program = None
    if filters.program.strip():
        program = _program_or_none(request.auth, filters.program.strip())
        if program is None:
            return []
    return selectors.initiative_list(
        user=request.auth,
        program=program,
        territory=filters.territory.strip(),
        status=filters.status or "",
        search=filters.q.strip(),
    )


@router.post("/programs/{slug}/initiatives", response=write_responses(InitiativeOut, status=201), tags=INITIATIVES)
def initiative_create(request, slug: Key, payload: InitiativeIn):
    """A participants' initiative (program editors, or the editors of the project it is recorded under)."""
    program = selectors.program_get(user=request.auth, slug=slug)
    initiative = services.initiative_create(
        user=request.auth, program=program, data=_initiative_data(request.auth, program, payload)
    )
    return Status(201, selectors.initiative_get(user=request.auth, initiative_id=initiative.pk))


@router.get("/initiatives/{initiative_id}", response=read_responses(InitiativeOut), tags=INITIATIVES)
def initiative_detail(request, initiative_id: Id):
    return selectors.initiative_get(user=request.auth, initiative_id=initiative_id)


@router.patch("/initiatives/{initiative_id}", response=write_responses(InitiativeOut), tags=INITIATIVES)
def initiative_update(request, initiative_id: Id, payload: InitiativePatch):
    initiative = selectors.initiative_get(user=request.auth, initiative_id=initiative_id)
    data = _initiative_data(request.auth, initiative.program, payload)
    services.initiative_update(user=request.auth, initiative=initiative, data=data)
    return selectors.initiative_get(user=request.auth, initiative_id=initiative_id)


# --- Funding ----------------------------------------------------------------------------------------------------


@router.get("/commitments", response=read_responses(list[CommitmentOut]), tags=FUNDING)
@paginate(Pagination)
def commitment_list(request, filters: Query[CommitmentFilters]):
    """Funding commitments of the projects the user sees, with what has been disbursed."""
    program = project = None
    if filters.program.strip():
        program = _program_or_none(request.auth, filters.program.strip())
        if program is None:
            return []
    if filters.project is not None:
        project = selectors.project_list(user=request.auth).filter(pk=filters.project).first()
        if project is None:
            return []
    return selectors.commitment_list(user=request.auth, project=project, program=program)


@router.post("/projects/{project_id}/commitments", response=write_responses(CommitmentOut, status=201), tags=FUNDING)
def commitment_create(request, project_id: Id, payload: CommitmentIn):
    """Money a funder commits to the project (program editors and the admins of the lead organization)."""
    project = selectors.project_get_by_id(user=request.auth, project_id=project_id)
    data = _commitment_data(request.auth, project, payload)
    commitment = services.commitment_create(user=request.auth, project=project, data=data)
    return Status(201, selectors.commitment_get(user=request.auth, commitment_id=commitment.pk))


@router.get("/commitments/{commitment_id}", response=read_responses(CommitmentOut), tags=FUNDING)
def commitment_detail(request, commitment_id: Id):
    return selectors.commitment_get(user=request.auth, commitment_id=commitment_id)


@router.patch("/commitments/{commitment_id}", response=write_responses(CommitmentOut), tags=FUNDING)
def commitment_update(request, commitment_id: Id, payload: CommitmentPatch):
    commitment = selectors.commitment_get(user=request.auth, commitment_id=commitment_id)
    data = _commitment_data(request.auth, commitment.project, payload, current_funder=commitment.funder)
    services.commitment_update(user=request.auth, commitment=commitment, data=data)
    return selectors.commitment_get(user=request.auth, commitment_id=commitment_id)


@router.get("/commitments/{commitment_id}/disbursements", response=read_responses(list[DisbursementOut]), tags=FUNDING)
def disbursement_list(request, commitment_id: Id):
    return selectors.commitment_get(user=request.auth, commitment_id=commitment_id).disbursements.all()


@router.post(
    "/commitments/{commitment_id}/disbursements",
    response=write_responses(DisbursementOut, status=201),
    tags=FUNDING,
)
def disbursement_create(request, commitment_id: Id, payload: DisbursementIn):
    """A payment against the commitment; together they may not pass the committed amount."""
    commitment = selectors.commitment_get(user=request.auth, commitment_id=commitment_id)
    disbursement = services.disbursement_create(
        user=request.auth, commitment=commitment, data=payload.model_dump(exclude_unset=True)
    )
    return Status(201, disbursement)


@router.delete("/disbursements/{disbursement_id}", response=write_responses(None, status=204), tags=FUNDING)
def disbursement_delete(request, disbursement_id: Id):
    disbursement = selectors.disbursement_get(user=request.auth, disbursement_id=disbursement_id)
    services.disbursement_delete(user=request.auth, disbursement=disbursement)
    return Status(204, None)
