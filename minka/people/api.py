"""People, their consents and enrollments over the API: the same selectors (who sees whom) and services (consent
rules, DNI checks, audit) as the registry's pages.

The DNI is taken on write (`dni`) and never given back: responses carry `dni_last_digits` only. A search by DNI is
sent in a body (`POST /people/search`), never in an address, where it would stay in server and proxy logs — the
pages do the same. Sensitive data (ethnic group, disability, deprivation of liberty) is shown only to those who may
change the person, as on her page; funders see no one.
"""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from minka.accounts import access
from minka.core.api_support import (
    Error,
    Filters,
    Id,
    Input,
    Pagination,
    patch_schema,
    read_responses,
    resolve,
    write_responses,
)
from minka.core.errors import ApplicationError, PermissionDenied
from minka.network.api import OrganizationRef, TerritoryRef
from minka.network.models import Territory
from minka.people import selectors, services
from minka.people.models import (
    SENSITIVE_FIELDS,
    Area,
    ConsentMethod,
    Enrollment,
    EnrollmentStatus,
    MotherTongue,
    Participant,
    Sex,
)
from minka.programs.selectors import program_options

router = Router()

PEOPLE = ["people"]
ENROLLMENTS = ["enrollments"]

SENSITIVE_NOTE = "Sensitive data: null unless you may change the person (staff of her organizations, coordinators)."


# --- Schemas ----------------------------------------------------------------------------------------------------


class PersonRef(Schema):
    id: int
    full_name: str
    dni_last_digits: str = Field(..., description="The last three digits of her DNI; the DNI itself is never shown.")


class PersonOut(PersonRef):
    given_names: str
    paternal_surname: str
    maternal_surname: str
    sex: Sex
    birth_date: datetime.date | None
    birth_year: int | None
    age: int | None = Field(None, description="In whole years, today; derived, never typed.")
    is_youth: bool | None = Field(None, description="Aged 15–29 (Ley 27802); null when her age is unknown.")
    phone: str
    mother_tongue: str = Field(..., description="ISO 639-3 code, or empty.")
    area: str = Field(..., description="rural, urban, or empty.")
    district: TerritoryRef | None
    registered_by: OrganizationRef
    anonymized: bool = Field(..., description="Her identifying data was erased on her request.")
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_anonymized(person):
        return person.anonymized_at is not None


class ConsentOut(Schema):
    id: int
    purpose: str
    text_version: str
    method: ConsentMethod
    covers_sensitive_data: bool
    given_on: datetime.date
    withdrawn_on: datetime.date | None
    recorded_by: str = Field(..., alias="recorded_by.username")


class EnrollmentOut(Schema):
    id: int
    person: PersonRef = Field(..., alias="participant")
    program: str = Field(..., alias="program.slug", description="Slug of the program.")
    organization: OrganizationRef
    enrolled_on: datetime.date
    status: EnrollmentStatus
    ended_on: datetime.date | None


class PersonEnrollmentOut(Schema):
    id: int
    program: str = Field(..., alias="program.slug")
    organization: OrganizationRef
    enrolled_on: datetime.date
    status: EnrollmentStatus
    ended_on: datetime.date | None


class ActivityHistoryOut(Schema):
    activity: int
    title: str
    program: str
    attended: int = Field(..., description="Sessions she attended.")
    total: int = Field(..., description="Sessions held.")
    completed: bool = Field(..., description="Whether she meets the activity's completion rule.")


class EnterpriseHistoryOut(Schema):
    enterprise: int
    name: str
    role: str
    stage: str


class PersonDetailOut(PersonOut):
    ethnic_group: str | None = Field(None, description=SENSITIVE_NOTE)
    disability: bool | None = Field(None, description=SENSITIVE_NOTE)
    deprived_of_liberty: bool | None = Field(None, description=SENSITIVE_NOTE)
    can_edit: bool = Field(..., description="Whether you may change her data, consents and rights requests.")
    consents: list[ConsentOut]
    enrollments: list[PersonEnrollmentOut] = Field(..., description="Those in the programs you see.")
    activities: list[ActivityHistoryOut] = Field(..., description="The activities she attended that you see.")
    enterprises: list[EnterpriseHistoryOut] = Field(..., description="The enterprises she belongs to that you see.")

    # Read from what `_detail` attaches to the person.
    @staticmethod
    def resolve_consents(person):
        return person.consents_out

    @staticmethod
    def resolve_enrollments(person):
        return person.enrollments_out

    @staticmethod
    def resolve_activities(person):
        return person.activities_out

    @staticmethod
    def resolve_enterprises(person):
        return person.enterprises_out


class ConsentIn(Input):
    purpose: str = Field(..., description="What her data is processed for.")
    text_version: str = Field(..., description="Version of the consent text she accepted.")
    method: ConsentMethod = Field(..., description="Sensitive data needs a written one: signed_paper or digital.")
    covers_sensitive_data: bool = False
    given_on: datetime.date


class PersonIn(Input):
    dni: str = Field("", description="8 digits, optionally with its check character; never returned.")
    given_names: str
    paternal_surname: str = ""
    maternal_surname: str = ""
    sex: Sex
    birth_date: datetime.date | None = None
    birth_year: int | None = Field(None, ge=1, le=32767, description="Only when the date is not known.")
    phone: str = ""
    mother_tongue: MotherTongue | None = None
    area: Area | None = None
    district: str | None = Field(None, description="INEI ubigeo (6 digits) of the district where she lives.")
    ethnic_group: str = Field("", description="Self-identified. Sensitive: needs a written consent covering it.")
    disability: bool = Field(False, description="Sensitive: needs a written consent covering it.")
    deprived_of_liberty: bool = Field(False, description="Sensitive: needs a written consent covering it.")


class PersonCreateIn(PersonIn):
    organization: str = Field(..., description="Slug of the organization on whose behalf you register her.")
    consent: ConsentIn | None = Field(None, description="Her consent, recorded with the registration.")
    program: str | None = Field(None, description="Slug of a program to enroll her in today, through `organization`.")
    confirm: bool = Field(
        False, description="Register her even though people with a similar name, birth year and district exist."
    )


PersonPatch = patch_schema(PersonIn, "PersonPatch")


class PersonFilters(Filters):
    q: str = Field(
        "", max_length=100, description="Part of her name (typos allowed). For a DNI use POST /people/search."
    )
    program: str = Field("", description="Slug of a program she is enrolled in.")
    organization: str = Field("", description="Slug of the organization that registered or enrolled her.")
    district: str = Field("", max_length=6, description="Ubigeo (2, 4 or 6 digits) of where she lives.")
    sex: Sex | None = None


class PersonSearchIn(Input):
    q: str = Field(..., min_length=1, max_length=100, description="A DNI (8 digits) or part of her name.")


class WithdrawIn(Input):
    withdrawn_on: datetime.date | None = Field(None, description="Today when not sent.")


class AnonymizeIn(Input):
    confirm: bool = Field(..., description="Must be true: her identifying data is erased for good.")


class EnrollmentValues(Input):
    status: EnrollmentStatus = EnrollmentStatus.ACTIVE
    enrolled_on: datetime.date = Field(None, description="Today when not sent.")
    ended_on: datetime.date | None = Field(
        None, description="Today when the status becomes completed or dropped without one; cleared when active."
    )


class EnrollmentIn(EnrollmentValues):
    program: str = Field(..., description="Slug of the program.")
    organization: str = Field(..., description="Slug of the organization enrolling her (one you work for).")


EnrollmentPatch = patch_schema(EnrollmentValues, "EnrollmentPatch")


class EnrollmentFilters(Filters):
    program: str = Field("", description="Slug of the program.")
    organization: str = Field("", description="Slug of the enrolling organization.")
    status: EnrollmentStatus | None = None
    person: int | None = Field(None, ge=1, le=2**63 - 1, description="Id of the person.")


# --- Helpers ----------------------------------------------------------------------------------------------------


def _participant_data(payload: Input) -> tuple[dict, str | None]:
    """The service's data from a body: district by ubigeo, blank choices as "", the DNI apart."""
    data = payload.model_dump(exclude_unset=True, exclude={"organization", "consent", "program", "confirm"})
    dni = data.pop("dni", None)
    for name in ("mother_tongue", "area"):
        if name in data and data[name] is None:
            data[name] = ""
    if "district" in data and data["district"] is not None:
        data["district"] = resolve(Territory.objects, "district", code=data["district"])
    birth_date, birth_year = data.get("birth_date"), data.get("birth_year")
    if birth_date and birth_year and birth_date.year != birth_year:
        raise ApplicationError(
            _("El año de nacimiento no coincide con la fecha de nacimiento."),
            fields={"birth_year": [_("No coincide con la fecha de nacimiento.")]},
        )
    return data, dni


def _check_likely_duplicates(user, data: dict, dni: str) -> None:
    """As the create page: people with a similar name, the same birth year and district stop a registration until
    the client confirms she is someone else. Only ids the user may see are named."""
    duplicates = selectors.likely_duplicates(user=user, data={**data, "dni": dni})
    people = [person for person in duplicates["people"] if person.match_reason == "name"]
    if people:
        ids = ", ".join(str(person.pk) for person in people)
        raise ApplicationError(
            _("Puede que esta persona ya esté registrada (ids %(ids)s). Revíselas; si es otra, envíe confirm: true.")
            % {"ids": ids},
            code="likely_duplicate",
            fields={"confirm": [_("Posibles duplicados: %(ids)s.") % {"ids": ids}]},
            status=409,
        )


def _detail(user, participant_id: int) -> Participant:
    """A person with what her detail shows: sensitive data only for those who may change her."""
    person = selectors.person_get(user=user, participant_id=participant_id)
    can_edit = access.person_can_edit(user, person)
    history = selectors.person_history(participant=person, user=user)
    person.can_edit = can_edit
    if not can_edit:
        for name in SENSITIVE_FIELDS:
            setattr(person, name, None)
    person.consents_out = list(selectors.person_consents(participant=person))
    person.enrollments_out = history["enrollments"]
    person.activities_out = [
        {
            "activity": row["activity"].pk,
            "title": row["activity"].title,
            "program": row["activity"].program.slug,
            "attended": row["attended"],
            "total": row["total"],
            "completed": row["completed"],
        }
        for row in history["activities"]
    ]
    person.enterprises_out = [
        {"enterprise": m.enterprise_id, "name": m.enterprise.name, "role": m.role, "stage": m.enterprise.stage}
        for m in history["enterprises"]
    ]
    return person


def _require_edit(user, person: Participant) -> None:
    if not access.person_can_edit(user, person):
        raise PermissionDenied(_("No tiene permiso para modificar los datos de esta persona."))


def _visible_program(user, slug: str):
    return program_options(user=user).filter(slug=slug).first()


def _people(user, filters, q: str):
    program = organization = None
    if filters.program.strip():
        program = _visible_program(user, filters.program.strip())
        if program is None:
            return []
    if filters.organization.strip():
        organization = access.organizations_visible(user).filter(slug=filters.organization.strip()).first()
        if organization is None:
            return []
    return selectors.person_list(
        user=user,
        q=q,
        program=program,
        organization=organization,
        district=filters.district.strip(),
        sex=filters.sex or "",
    )


def _enrollments_visible(user) -> QuerySet:
    # The scope of `selectors.enrollment_get`, for the list.
    if not selectors.people_page_allowed(user):
        return Enrollment.objects.none()
    return Enrollment.objects.filter(
        participant__in=access.people_visible(user).values("pk"),
        program__in=access.programs_visible(user).values("pk"),
    )


# --- People -----------------------------------------------------------------------------------------------------


@router.get("/people", response={**read_responses(list[PersonOut]), frozenset({400}): Error}, tags=PEOPLE)
@paginate(Pagination)
def person_list(request, filters: Query[PersonFilters]):
    """The people whose data you may read, by surname; with `q`, those whose name matches, best first.

    A DNI in `q` is refused (400): send it in the body of `POST /people/search`, so it stays out of logs."""
    q = filters.q.strip()
    if q and selectors.is_dni_query(q):
        raise ApplicationError(
            _("No envíe un DNI en la dirección: búsquelo con POST /people/search."),
            code="dni_in_address",
            fields={"q": [_("Use POST /people/search para buscar por DNI.")]},
        )
    return _people(request.auth, filters, q)


@router.post("/people/search", response=write_responses(list[PersonOut]), tags=PEOPLE)
@paginate(Pagination)
def person_search(request, payload: PersonSearchIn, filters: Query[PersonFilters]):
    """Search by DNI (or name) in the body; the filters of `GET /people` apply. The DNI is not given back."""
    return _people(request.auth, filters, payload.q.strip())


@router.post("/people", response=write_responses(PersonDetailOut, status=201), tags=PEOPLE)
def person_create(request, payload: PersonCreateIn):
    """Registers a person on behalf of one of your organizations, with her consent and an enrollment when sent.

    Refused: a DNI already registered in the network (409 `duplicate_dni`), sensitive data without a written
    consent covering it (400 `consent_required`), and — unless `confirm` — people with a similar name born the same
    year in the same district (409 `likely_duplicate`, naming their ids)."""
    user = request.auth
    organization = resolve(access.people_register_organizations(user), "organization", slug=payload.organization)
    program = None
    if payload.program:
        program = _visible_program(user, payload.program)
        if program is None:
            raise ApplicationError(
                _("Revise los campos: %(fields)s.") % {"fields": "program"},
                fields={"program": [_("No existe o no tiene acceso.")]},
            )
    data, dni = _participant_data(payload)
    if not payload.confirm:
        _check_likely_duplicates(user, data, dni or "")
    consent = payload.consent.model_dump() if payload.consent else None
    try:
        person = services.participant_register(
            user=user, organization=organization, data=data, dni=dni or "", consent=consent, program=program
        )
    except ApplicationError as error:
        if error.status == 403 and program is not None:
            error.fields = {"program": [str(error.message)]}
        raise
    return Status(201, _detail(user, person.pk))


@router.get("/people/{person_id}", response=read_responses(PersonDetailOut), tags=PEOPLE)
def person_detail(request, person_id: Id):
    """Her data, consents and history (what you may see of it)."""
    return _detail(request.auth, person_id)


@router.patch("/people/{person_id}", response=write_responses(PersonDetailOut), tags=PEOPLE)
def person_update(request, person_id: Id, payload: PersonPatch):
    """Changes the fields sent. A `dni` sent replaces the one registered (an empty one leaves it as it is)."""
    person = selectors.person_get(user=request.auth, participant_id=person_id)
    data, dni = _participant_data(payload)
    services.participant_update(user=request.auth, participant=person, data=data, dni=dni or None)
    return _detail(request.auth, person_id)


@router.post("/people/{person_id}/consents", response=write_responses(ConsentOut, status=201), tags=PEOPLE)
def consent_create(request, person_id: Id, payload: ConsentIn):
    """Records her consent (Ley 29733). Sensitive data needs a written one (signed_paper or digital)."""
    person = selectors.person_get(user=request.auth, participant_id=person_id)
    consent = services.consent_record(user=request.auth, participant=person, data=payload.model_dump())
    return Status(201, selectors.consent_get(user=request.auth, consent_id=consent.pk))


@router.post("/consents/{consent_id}/withdraw", response=write_responses(ConsentOut), tags=PEOPLE)
def consent_withdraw(request, consent_id: Id, payload: WithdrawIn):
    """Withdraws a consent; sensitive data no longer covered by a written consent is erased at once."""
    consent = selectors.consent_get(user=request.auth, consent_id=consent_id)
    services.consent_withdraw(user=request.auth, consent=consent, on_date=payload.withdrawn_on)
    return selectors.consent_get(user=request.auth, consent_id=consent_id)


@router.get("/people/{person_id}/export", response=read_responses(dict[str, Any]), tags=PEOPLE)
def person_export(request, person_id: Id):
    """Everything Minka holds about her (right of access, Ley 29733 art. 19), for those who may change her data.
    The export is recorded in the audit trail."""
    person = selectors.person_get(user=request.auth, participant_id=person_id)
    _require_edit(request.auth, person)
    return services.participant_export(participant=person, user=request.auth)


@router.post("/people/{person_id}/anonymize", response=write_responses(PersonDetailOut), tags=PEOPLE)
def person_anonymize(request, person_id: Id, payload: AnonymizeIn):
    """Erases what identifies her (right of cancellation), keeping every count of the past. Send `confirm: true`."""
    person = selectors.person_get(user=request.auth, participant_id=person_id)
    if not payload.confirm:
        raise ApplicationError(
            _("Confirme la anonimización: sus datos identificatorios se borran para siempre."),
            fields={"confirm": [_("Debe ser true.")]},
        )
    services.participant_anonymize(user=request.auth, participant=person)
    return _detail(request.auth, person_id)


# --- Enrollments ------------------------------------------------------------------------------------------------


@router.get("/enrollments", response=read_responses(list[EnrollmentOut]), tags=ENROLLMENTS)
@paginate(Pagination)
def enrollment_list(request, filters: Query[EnrollmentFilters]):
    """Enrollments of the people you see in the programs you see, newest first."""
    enrollments = _enrollments_visible(request.auth)
    if filters.program.strip():
        enrollments = enrollments.filter(program__slug=filters.program.strip())
    if filters.organization.strip():
        enrollments = enrollments.filter(organization__slug=filters.organization.strip())
    if filters.status:
        enrollments = enrollments.filter(status=filters.status)
    if filters.person is not None:
        enrollments = enrollments.filter(participant_id=filters.person)
    return enrollments.select_related("participant", "program", "organization").order_by("-enrolled_on", "-pk")


@router.post("/people/{person_id}/enrollments", response=write_responses(EnrollmentOut, status=201), tags=ENROLLMENTS)
def enrollment_create(request, person_id: Id, payload: EnrollmentIn):
    """Enrolls her in a program through an organization you work for (or any, as the program's coordinator)."""
    user = request.auth
    person = selectors.person_get(user=user, participant_id=person_id)
    program = _visible_program(user, payload.program)
    if program is None:
        raise ApplicationError(
            _("Revise los campos: %(fields)s.") % {"fields": "program"},
            fields={"program": [_("No existe o no tiene acceso.")]},
        )
    organization = resolve(access.people_register_organizations(user), "organization", slug=payload.organization)
    data = payload.model_dump(exclude={"program", "organization"})
    data["enrolled_on"] = data["enrolled_on"] or timezone.localdate()
    enrollment = services.enrollment_create(
        user=user, participant=person, program=program, organization=organization, data=data
    )
    return Status(201, selectors.enrollment_get(user=user, enrollment_id=enrollment.pk))


@router.patch("/enrollments/{enrollment_id}", response=write_responses(EnrollmentOut), tags=ENROLLMENTS)
def enrollment_update(request, enrollment_id: Id, payload: EnrollmentPatch):
    """Changes status and dates, as the enrollment page does."""
    enrollment = selectors.enrollment_get(user=request.auth, enrollment_id=enrollment_id)
    data = payload.model_dump(exclude_unset=True)
    services.enrollment_update(user=request.auth, enrollment=enrollment, data=data)
    return selectors.enrollment_get(user=request.auth, enrollment_id=enrollment_id)
