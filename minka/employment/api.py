"""The job service over the API: seekers, employers, vacancies, the ranked seekers for a vacancy, applications and
placements. The same selectors (scoping: another organization's record is a 404, like a missing one) and services
(rules, audit) as the pages.

Wages are decimal strings with two places, in soles (PEN). Programs are named by slug, districts by INEI ubigeo,
everything else by id.
"""

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from minka.accounts import access
from minka.core.api_support import (
    MAX_ID,
    Filters,
    Id,
    Input,
    Money,
    Pagination,
    read_responses,
    resolve,
    write_responses,
)
from minka.core.errors import ApplicationError
from minka.employment import selectors, services
from minka.employment.matching_pages import match_to_keep, seekers_for_vacancy
from minka.employment.models import (
    ApplicationState,
    Availability,
    ContractType,
    EducationLevel,
    EmployerKind,
    Language,
    SeekerStatus,
    Skill,
    VacancyStatus,
)
from minka.enterprises.models import Sector
from minka.network.api import OrganizationRef, TerritoryRef
from minka.network.models import Territory

router = Router()

JOBS = ["employment"]
WageIn = Field(..., ge=0, max_digits=10, decimal_places=2, description='Monthly, in PEN, e.g. "1130.00".')


# --- Schemas ----------------------------------------------------------------------------------------------------


class Named(Schema):
    id: int
    name: str


class PersonBrief(Schema):
    id: int
    full_name: str


class SeekerOut(Schema):
    id: int
    person: PersonBrief = Field(..., alias="participant")
    organization: OrganizationRef
    program: str = Field(..., alias="program.slug")
    education_level: EducationLevel
    skills: list[Named]
    languages: list[str]
    availability: Availability
    available_from: datetime.date | None
    preferred_districts: list[TerritoryRef]
    max_travel_km: int
    has_cv: bool
    share_contact: bool
    share_cv: bool
    share_experience: bool
    status: SeekerStatus

    @staticmethod
    def resolve_skills(seeker):
        return list(seeker.skills.all())

    @staticmethod
    def resolve_preferred_districts(seeker):
        return list(seeker.preferred_districts.all())

    @staticmethod
    def resolve_has_cv(seeker):
        return bool(seeker.cv)


class SeekerIn(Input):
    program: str = Field(..., max_length=100, description="Slug of the program.")
    organization: str = Field(..., max_length=100, description="Slug of the organization that enrolled her.")
    person: Id = Field(..., description="Id of a person enrolled in the program whom you may see.")
    education_level: EducationLevel
    skills: list[Id] = Field(default_factory=list, max_length=100, description="Ids of the program's skills.")
    languages: list[Language] = Field(default_factory=list, max_length=6)
    availability: Availability
    available_from: datetime.date | None = None
    preferred_districts: list[str] = Field(default_factory=list, max_length=50, description="District ubigeos.")
    max_travel_km: int = Field(20, ge=0, le=2000)
    share_contact: bool = False
    share_cv: bool = False
    share_experience: bool = False
    notes: str = Field("", max_length=2000)


class SeekerFilters(Filters):
    program: str = Field("", max_length=100, description="Slug of the program.")
    status: SeekerStatus | None = None
    q: str = Field("", max_length=100, description="Part of the name.")


class EmployerOut(Schema):
    id: int
    name: str
    kind: EmployerKind
    sector: Sector
    ruc: str
    district: TerritoryRef
    address: str
    organization: OrganizationRef
    program: str = Field(..., alias="program.slug")


class ContactOut(Schema):
    id: int
    name: str
    position: str
    phone: str
    email: str
    has_portal_login: bool

    @staticmethod
    def resolve_has_portal_login(contact):
        return contact.user_id is not None


class EmployerDetailOut(EmployerOut):
    contacts: list[ContactOut]

    @staticmethod
    def resolve_contacts(employer):
        return list(employer.contacts.all())


class EmployerIn(Input):
    program: str = Field(..., max_length=100, description="Slug of the program.")
    organization: str = Field(..., max_length=100, description="Slug of the organization serving the employer.")
    name: str = Field(..., max_length=200)
    kind: EmployerKind
    sector: Sector
    ruc: str = Field("", max_length=11, description="11 digits with a valid check digit, or empty.")
    district: str = Field(..., max_length=6, description="INEI ubigeo of the district.")
    address: str = Field("", max_length=250)


class ProgramFilter(Filters):
    program: str = Field("", max_length=100, description="Slug of the program.")


class VacancyOut(Schema):
    id: int
    title: str
    employer: Named
    program: str = Field(..., alias="program.slug")
    sector: Sector
    description: str
    required_skills: list[Named]
    desirable_skills: list[Named]
    district: TerritoryRef
    wage: Money
    currency: str = "PEN"
    contract_type: ContractType
    availability: Availability
    hours_per_week: int
    positions: int
    opens_on: datetime.date
    closes_on: datetime.date | None
    status: VacancyStatus

    @staticmethod
    def resolve_required_skills(vacancy):
        return list(vacancy.required_skills.all())

    @staticmethod
    def resolve_desirable_skills(vacancy):
        return list(vacancy.desirable_skills.all())


class VacancyIn(Input):
    employer: Id
    title: str = Field(..., max_length=200)
    sector: Sector
    description: str = Field("", max_length=5000)
    required_skills: list[Id] = Field(default_factory=list, max_length=100)
    desirable_skills: list[Id] = Field(default_factory=list, max_length=100)
    district: str = Field(..., max_length=6, description="INEI ubigeo of the district.")
    wage: Decimal = WageIn
    contract_type: ContractType
    availability: Availability = Availability.FULL_TIME
    hours_per_week: int = Field(..., ge=1, le=84)
    positions: int = Field(1, ge=1, le=10000)
    opens_on: datetime.date
    closes_on: datetime.date | None = None


class VacancyFilters(Filters):
    program: str = Field("", max_length=100, description="Slug of the program.")
    status: VacancyStatus | None = None


class VacancyAction(Input):
    action: str = Field(..., pattern="^(publish|close|cancel)$", description="publish, close or cancel.")


class MatchOut(Schema):
    seeker: int
    person: PersonBrief
    score: int = Field(..., description="0 to 100.")
    reasons: list[str] = Field(..., description="The score explained in sentences.")
    explanation: dict
    application: int | None = Field(None, description="Id of the application already made for this pair.")


class MatchFilters(Filters):
    territory: str = Field("", max_length=6, pattern=r"^\d{0,6}$", description="Ubigeo of where the seeker lives.")
    sex: str = Field("", pattern="^(F|M)?$")
    age_min: int | None = Field(None, ge=0, le=120)
    age_max: int | None = Field(None, ge=0, le=120)
    limit: int = Field(50, ge=1, le=500)


class ApplicationOut(Schema):
    id: int
    vacancy: int = Field(..., alias="vacancy_id")
    seeker: int = Field(..., alias="seeker_id")
    state: ApplicationState
    score: int | None
    proposed_on: datetime.date | None
    applied_on: datetime.date | None
    interviewed_on: datetime.date | None
    decided_on: datetime.date | None


class ApplicationFilters(Filters):
    vacancy: int | None = Field(None, ge=1, le=MAX_ID)
    seeker: int | None = Field(None, ge=1, le=MAX_ID)
    state: ApplicationState | None = None


class ShortlistIn(Input):
    seeker: Id
    on_date: datetime.date | None = Field(None, description="When she was proposed; today if not sent.")


class ApplicationMoveIn(Input):
    state: ApplicationState = Field(..., description="Hire with POST /employment/applications/{id}/placement.")
    on_date: datetime.date | None = Field(None, description="When it happened; today if not sent.")
    note: str = Field("", max_length=250)


class PlacementOut(Schema):
    id: int
    application: int = Field(..., alias="application_id")
    start_date: datetime.date
    wage: Money
    currency: str = "PEN"
    contract_type: ContractType
    hours_per_week: int


class PlacementIn(Input):
    start_date: datetime.date
    wage: Decimal = WageIn
    contract_type: ContractType | None = None
    hours_per_week: int | None = Field(None, ge=1, le=84)


# --- Helpers ----------------------------------------------------------------------------------------------------


def _program(user, slug: str):
    if not slug:
        return None
    return resolve(access.programs_visible(user), "program", slug=slug)


def _skills(program, ids, field):
    skills = list(Skill.objects.filter(program=program, pk__in=ids))
    if len(skills) != len(set(ids)):
        raise ApplicationError(_("Hay habilidades que no son de este programa."), fields={field: [_("Desconocida.")]})
    return skills


def _district(code, field="district"):
    return resolve(Territory.objects.filter(level="district"), field, code=code)


# --- Seekers ----------------------------------------------------------------------------------------------------


SEEKER_JOINS = ("participant", "organization", "program")


@router.get("/employment/seekers", response=read_responses(list[SeekerOut]), tags=JOBS)
@paginate(Pagination)
def seeker_list(request, filters: Query[SeekerFilters]):
    """The job seekers of your organizations and of the programs you coordinate or audit."""
    user = request.auth
    return (
        selectors.seeker_list(
            user=user, program=_program(user, filters.program.strip()), status=filters.status or "", search=filters.q
        )
        .select_related(*SEEKER_JOINS)
        .prefetch_related("skills", "preferred_districts")
    )


@router.get("/employment/seekers/{seeker_id}", response=read_responses(SeekerOut), tags=JOBS)
def seeker_detail(request, seeker_id: Id):
    return selectors.seeker_get(user=request.auth, seeker_id=seeker_id)


@router.post("/employment/seekers", response=write_responses(SeekerOut, status=201), tags=JOBS)
def seeker_create(request, payload: SeekerIn):
    """A profile on a person enrolled in the program by the organization."""
    user = request.auth
    program = _program(user, payload.program)
    organization = resolve(access.organizations_visible(user), "organization", slug=payload.organization)
    person = resolve(access.people_visible(user).filter(merged_into__isnull=True), "person", pk=payload.person)
    data = payload.model_dump(exclude={"program", "organization", "person", "skills", "preferred_districts"})
    data.update(
        program=program,
        organization=organization,
        participant=person,
        skills=_skills(program, payload.skills, "skills"),
        preferred_districts=[_district(code, "preferred_districts") for code in payload.preferred_districts],
    )
    seeker = services.seeker_create(user=user, data=data)
    return Status(201, selectors.seeker_get(user=user, seeker_id=seeker.pk))


# --- Employers --------------------------------------------------------------------------------------------------


@router.get("/employment/employers", response=read_responses(list[EmployerOut]), tags=JOBS)
@paginate(Pagination)
def employer_list(request, filters: Query[ProgramFilter]):
    user = request.auth
    return selectors.employer_list(user=user, program=_program(user, filters.program.strip())).select_related(
        "district", "organization", "program"
    )


@router.get("/employment/employers/{employer_id}", response=read_responses(EmployerDetailOut), tags=JOBS)
def employer_detail(request, employer_id: Id):
    """The employer with its contacts."""
    return selectors.employer_get(user=request.auth, employer_id=employer_id)


@router.post("/employment/employers", response=write_responses(EmployerDetailOut, status=201), tags=JOBS)
def employer_create(request, payload: EmployerIn):
    user = request.auth
    data = payload.model_dump(exclude={"program", "organization", "district"})
    data.update(
        program=_program(user, payload.program),
        organization=resolve(access.organizations_visible(user), "organization", slug=payload.organization),
        district=_district(payload.district),
    )
    employer = services.employer_create(user=user, data=data)
    return Status(201, selectors.employer_get(user=user, employer_id=employer.pk))


# --- Vacancies --------------------------------------------------------------------------------------------------


@router.get("/employment/vacancies", response=read_responses(list[VacancyOut]), tags=JOBS)
@paginate(Pagination)
def vacancy_list(request, filters: Query[VacancyFilters]):
    user = request.auth
    return (
        selectors.vacancy_list(user=user, program=_program(user, filters.program.strip()), status=filters.status or "")
        .select_related("employer", "program", "district")
        .prefetch_related("required_skills", "desirable_skills")
    )


@router.get("/employment/vacancies/{vacancy_id}", response=read_responses(VacancyOut), tags=JOBS)
def vacancy_detail(request, vacancy_id: Id):
    return selectors.vacancy_get(user=request.auth, vacancy_id=vacancy_id)


@router.post("/employment/vacancies", response=write_responses(VacancyOut, status=201), tags=JOBS)
def vacancy_create(request, payload: VacancyIn):
    """A vacancy of an employer you serve, as a draft: publish it with POST …/status."""
    user = request.auth
    employer = resolve(selectors.employers_visible(user), "employer", pk=payload.employer)
    data = payload.model_dump(exclude={"employer", "district", "required_skills", "desirable_skills", "wage"})
    data.update(
        employer=employer,
        district=_district(payload.district),
        wage=payload.wage,
        required_skills=_skills(employer.program, payload.required_skills, "required_skills"),
        desirable_skills=_skills(employer.program, payload.desirable_skills, "desirable_skills"),
    )
    vacancy = services.vacancy_create(user=user, data=data)
    return Status(201, selectors.vacancy_get(user=user, vacancy_id=vacancy.pk))


@router.post("/employment/vacancies/{vacancy_id}/status", response=write_responses(VacancyOut), tags=JOBS)
def vacancy_status(request, vacancy_id: Id, payload: VacancyAction):
    """`publish` (draft to open), `close` (open to closed) or `cancel`."""
    user = request.auth
    vacancy = selectors.vacancy_get(user=user, vacancy_id=vacancy_id)
    action = {"publish": services.vacancy_publish, "close": services.vacancy_close, "cancel": services.vacancy_cancel}
    action[payload.action](user=user, vacancy=vacancy)
    return selectors.vacancy_get(user=user, vacancy_id=vacancy_id)


@router.get("/employment/vacancies/{vacancy_id}/matches", response=read_responses(list[MatchOut]), tags=JOBS)
def vacancy_matches(request, vacancy_id: Id, filters: Query[MatchFilters]):
    """The active seekers of the vacancy's program whom you may see, best first, each score explained."""
    user = request.auth
    vacancy = selectors.vacancy_get(user=user, vacancy_id=vacancy_id)
    territory = Territory.objects.filter(code=filters.territory).first() if filters.territory else None
    if filters.territory and territory is None:
        raise ApplicationError(_("Territorio desconocido."), fields={"territory": [_("Desconocido.")]})
    matches = seekers_for_vacancy(
        user=user, vacancy=vacancy, territory=territory, sex=filters.sex, age_min=filters.age_min,
        age_max=filters.age_max, limit=filters.limit,
    )  # fmt: skip
    return [
        {"seeker": m.seeker.pk, "person": m.seeker.participant, "score": m.score, "reasons": m.reasons,
         "explanation": m.explanation, "application": m.application.pk if m.application else None}
        for m in matches
    ]  # fmt: skip


@router.post(
    "/employment/vacancies/{vacancy_id}/shortlist", response=write_responses(ApplicationOut, status=201), tags=JOBS
)
def shortlist_add(request, vacancy_id: Id, payload: ShortlistIn):
    """Proposes a seeker for the vacancy, keeping her score and its explanation as they stand today."""
    user = request.auth
    vacancy = selectors.vacancy_get(user=user, vacancy_id=vacancy_id)
    seeker = resolve(selectors.seekers_visible(user), "seeker", pk=payload.seeker)
    match = match_to_keep(user=user, vacancy=vacancy, seeker=seeker)
    application = services.shortlist_add(
        user=user, vacancy=vacancy, seeker=seeker, score=match.score if match else None,
        explanation=match.explanation if match else None, on_date=payload.on_date,
    )  # fmt: skip
    return Status(201, application)


# --- Applications and placements --------------------------------------------------------------------------------


@router.get("/employment/applications", response=read_responses(list[ApplicationOut]), tags=JOBS)
@paginate(Pagination)
def application_list(request, filters: Query[ApplicationFilters]):
    user = request.auth
    applications = selectors.applications_visible(user)
    if filters.vacancy:
        applications = applications.filter(vacancy_id=filters.vacancy)
    if filters.seeker:
        applications = applications.filter(seeker_id=filters.seeker)
    if filters.state:
        applications = applications.filter(state=filters.state)
    return applications.order_by("vacancy_id", "-score", "pk")


@router.get("/employment/applications/{application_id}", response=read_responses(ApplicationOut), tags=JOBS)
def application_detail(request, application_id: Id):
    return selectors.application_get(user=request.auth, application_id=application_id)


@router.post("/employment/applications/{application_id}/state", response=write_responses(ApplicationOut), tags=JOBS)
def application_move(request, application_id: Id, payload: ApplicationMoveIn):
    """Moves the application to its next state (applied, interviewed, not_selected, withdrew), dated `on`."""
    user = request.auth
    application = selectors.application_get(user=user, application_id=application_id)
    return services.application_move(
        user=user, application=application, state=payload.state, on_date=payload.on_date, note=payload.note
    )


@router.get("/employment/placements", response=read_responses(list[PlacementOut]), tags=JOBS)
@paginate(Pagination)
def placement_list(request, filters: Query[ProgramFilter]):
    user = request.auth
    return selectors.placement_list(user=user, program=_program(user, filters.program.strip()))


@router.post(
    "/employment/applications/{application_id}/placement", response=write_responses(PlacementOut, status=201), tags=JOBS
)
def placement_create(request, application_id: Id, payload: PlacementIn):
    """Records the hire of an applied or interviewed application; refused when the vacancy's positions are taken."""
    user = request.auth
    application = selectors.application_get(user=user, application_id=application_id)
    placement = services.placement_create(
        user=user, application=application, start_date=payload.start_date,
        wage=payload.wage, contract_type=payload.contract_type,
        hours_per_week=payload.hours_per_week,
    )  # fmt: skip
    return Status(201, placement)
