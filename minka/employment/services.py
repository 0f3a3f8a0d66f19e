"""Writing the employment service: skills, seekers, employers and contacts, vacancies, applications from the
shortlist to the hire, placements, self-employment and follow-ups. Every write: one transaction, the rules
checked before anything is saved, an audit event.

Who writes: the staff of the organization running the service for the seeker or the employer, and the
coordinators of the program (`access.field_record_can_edit`). An employer's contact with a login writes nothing.

An application's history is append-only (`ApplicationEvent`); its dates (applied, interviewed, decided) are the
dates of those events, so they can never disagree.
"""

import calendar
import datetime
import json
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from minka.accounts import access
from minka.accounts.models import ProgramRoleKind, User
from minka.audit.services import audit_create, audit_delete, audit_record, audit_update, record_snapshot
from minka.core.errors import ApplicationError, PermissionDenied
from minka.core.services import record_save
from minka.employment.models import (
    APPLICATION_TRANSITIONS,
    FOLLOW_UP_MONTHS,
    HIREABLE_STATES,
    Application,
    ApplicationEvent,
    ApplicationState,
    Employer,
    EmployerContact,
    FollowUp,
    JobSeeker,
    Language,
    Placement,
    SeekerStatus,
    SelfEmployment,
    Skill,
    Vacancy,
    VacancyStatus,
    WorkExperience,
)
from minka.network.identifiers import ruc_is_valid
from minka.network.models import TerritoryLevel
from minka.people.models import Enrollment, EnrollmentStatus

CENT = Decimal("0.01")
CV_EXTENSIONS = (".pdf", ".doc", ".docx", ".odt", ".jpg", ".jpeg", ".png")
CV_MAX_BYTES = 5 * 1024 * 1024

SEEKER_CREATE_FIELDS = (
    "organization",
    "program",
    "participant",
    "education_level",
    "languages",
    "availability",
    "available_from",
    "max_travel_km",
    "cv",
    "share_contact",
    "share_cv",
    "share_experience",
    "notes",
)
# Organization, program and person stay as created: they decide who sees the profile.
SEEKER_UPDATE_FIELDS = (*SEEKER_CREATE_FIELDS[3:], "status")
SEEKER_M2M = ("skills", "preferred_districts")
EXPERIENCE_FIELDS = ("employer_name", "role", "started_on", "ended_on", "description")
EMPLOYER_CREATE_FIELDS = ("organization", "program", "name", "kind", "ruc", "sector", "district", "address", "notes")
EMPLOYER_UPDATE_FIELDS = EMPLOYER_CREATE_FIELDS[2:]
CONTACT_FIELDS = ("name", "position", "phone", "email")
VACANCY_FIELDS = (
    "title",
    "sector",
    "description",
    "district",
    "wage",
    "contract_type",
    "availability",
    "hours_per_week",
    "positions",
    "opens_on",
    "closes_on",
)
VACANCY_M2M = ("required_skills", "desirable_skills")
SELF_EMPLOYMENT_FIELDS = ("enterprise", "started_on", "monthly_income", "description")
# The date each state writes on the application.
STATE_DATE_FIELD = {
    ApplicationState.PROPOSED: "proposed_on",
    ApplicationState.APPLIED: "applied_on",
    ApplicationState.INTERVIEWED: "interviewed_on",
    ApplicationState.HIRED: "decided_on",
    ApplicationState.NOT_SELECTED: "decided_on",
    ApplicationState.WITHDREW: "decided_on",
}


def _only(data: dict, allowed) -> dict:
    return {key: value for key, value in data.items() if key in allowed}


def _invalid(message, field: str, detail=None, *, code: str = "invalid") -> ApplicationError:
    return ApplicationError(message, code=code, fields={field: [detail or message]})


def _day(value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


# Permissions ---------------------------------------------------------------------------------------------------


def employment_can_edit(user, *, organization_id: int, program_id: int) -> bool:
    """Staff of the organization running the service, coordinators of the program, network admins."""
    return access.field_record_can_edit(user, organization_id=organization_id, program_id=program_id)


def employment_can_manage_program(user, program) -> bool:
    """The skill catalogue: staff of an organization taking part in the program, and its coordinators."""
    if access.is_network_admin(user) or program.pk in access.program_role_ids(user, [ProgramRoleKind.COORDINATOR]):
        return True
    return bool(access.organization_ids(user, access.STAFF_ROLES) & access.program_organization_ids(program))


def _require_editor(user, *, organization_id: int, program_id: int) -> None:
    if not employment_can_edit(user, organization_id=organization_id, program_id=program_id):
        raise PermissionDenied(_("No tiene permiso para modificar el servicio de empleo de esta organización."))


def _seeker_visible(user, seeker: JobSeeker) -> bool:
    scope = access.field_records_visible_filter(user)
    return scope is not None and JobSeeker.objects.filter(scope, pk=seeker.pk).exists()


def _check_takes_part(organization, program) -> None:
    if organization.pk not in access.program_organization_ids(program):
        raise _invalid(
            _("%(organization)s no participa en el programa %(program)s.")
            % {"organization": organization, "program": program.name},
            "organization",
            _("Elija una organización que participe en el programa."),
        )


def _required(data: dict, names) -> None:
    missing = [name for name in names if data.get(name) in (None, "")]
    if missing:
        raise ApplicationError(_("Faltan datos obligatorios."), fields={name: [_("Obligatorio.")] for name in missing})


# Values --------------------------------------------------------------------------------------------------------


def money(value, field: str, *, required: bool = True) -> Decimal | None:
    """A monthly amount in soles: a non-negative Decimal rounded half up to the cent (never a float)."""
    if value is None or value == "":
        if required:
            raise _invalid(_("Indique el monto."), field, _("Obligatorio."))
        return None
    if isinstance(value, float):
        value = str(value)  # the float's shortest text, not its binary expansion
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise _invalid(_("El monto no es un número."), field) from None
    if not amount.is_finite():
        raise _invalid(_("El monto no es un número."), field)
    if amount < 0:
        raise _invalid(_("El monto no puede ser negativo."), field, _("No puede ser negativo."))
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _whole_number(value, field: str, *, minimum: int, maximum: int | None = None) -> int:
    try:
        exact = Decimal(str(value).strip())
    except (InvalidOperation, TypeError):
        exact = None
    # 2.5 positions is a typing mistake, not 2: refuse what is not a whole number instead of truncating it.
    if isinstance(value, bool) or exact is None or not exact.is_finite() or exact != exact.to_integral_value():
        raise _invalid(_("Escriba un número entero."), field)
    number = int(exact)
    if number < minimum or (maximum is not None and number > maximum):
        if maximum is None:
            message = _("Debe ser %(minimum)s o más.") % {"minimum": minimum}
        else:
            message = _("Debe estar entre %(minimum)s y %(maximum)s.") % {"minimum": minimum, "maximum": maximum}
        raise _invalid(message, field)
    return number


def _not_future(day: datetime.date, field: str) -> None:
    if day > timezone.localdate():
        raise _invalid(_("La fecha no puede estar en el futuro."), field, _("No puede estar en el futuro."))


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the month's last day when it has no such day (31 Jan + 3 = 30 Apr)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def follow_up_due_on(*, start: datetime.date, month: int) -> datetime.date:
    """When the follow-up at `month` months falls due."""
    return add_months(start, month)


def _skills(program, skills, field: str) -> list[Skill]:
    # Read again: the caller's instances may be stale (a skill deactivated since the form was shown).
    skills = list(Skill.objects.filter(pk__in=[skill.pk for skill in skills or []]))
    wrong = [skill for skill in skills if skill.program_id != program.pk or not skill.is_active]
    if wrong:
        raise _invalid(
            _("Estas habilidades no están en el catálogo activo del programa: %(skills)s.")
            % {"skills": ", ".join(sorted(skill.name for skill in wrong))},
            field,
        )
    return skills


def _districts(districts, field: str) -> list:
    districts = list(districts or [])
    if any(district.level != TerritoryLevel.DISTRICT for district in districts):
        raise _invalid(_("Elija distritos, no provincias ni departamentos."), field)
    return districts


def _district(district, field: str = "district") -> None:
    if district is not None and district.level != TerritoryLevel.DISTRICT:
        raise _invalid(_("Elija un distrito."), field)


def _languages(codes) -> list[str]:
    if codes is None:
        return []
    if isinstance(codes, str) or not isinstance(codes, (list, tuple, set)):
        raise _invalid(_("Los idiomas deben ser una lista."), "languages")
    unknown = [str(code) for code in codes if code not in Language.values]
    if unknown:
        raise _invalid(_("Idiomas desconocidos: %(codes)s.") % {"codes": ", ".join(unknown)}, "languages")
    # In the order of the choices, each once: the same set always reads and audits the same.
    return [code for code in Language.values if code in set(codes)]


def _check_cv(cv) -> None:
    if not cv:
        return
    name = (getattr(cv, "name", "") or "").lower()
    if not name.endswith(CV_EXTENSIONS):
        raise _invalid(_("El CV debe ser un PDF, un documento de texto o una imagen."), "cv")
    size = getattr(cv, "size", None)
    if size is not None and size > CV_MAX_BYTES:
        raise _invalid(_("El CV no puede pasar de 5 MB."), "cv")


def _name(value, field: str = "name") -> str:
    name = re.sub(r"\s+", " ", str(value or "")).strip()
    if not name:
        raise _invalid(_("Escriba el nombre."), field, _("Obligatorio."))
    return name


# Skills --------------------------------------------------------------------------------------------------------


def _require_program_manager(user, program) -> None:
    if not employment_can_manage_program(user, program):
        raise PermissionDenied(_("No tiene permiso para cambiar el catálogo de habilidades de este programa."))


def _check_skill_name_free(program, name: str, *, exclude_pk=None) -> None:
    # Compared in Python: SQLite's lower() and iexact fold ASCII letters only, and «CARPINTERÍA» must meet
    # «carpintería». A program's catalogue is a few dozen names.
    others = Skill.objects.filter(program=program).exclude(pk=exclude_pk).values_list("name", flat=True)
    if name.casefold() in {other.casefold() for other in others}:
        raise _invalid(_("El programa ya tiene la habilidad «%(name)s».") % {"name": name}, "name", code="conflict")


@transaction.atomic
def skill_create(*, user, program, name: str) -> Skill:
    _require_program_manager(user, program)
    name = _name(name)
    _check_skill_name_free(program, name)
    skill = record_save(Skill(program=program), {"name": name, "is_active": True})
    audit_create(actor=user, instance=skill, program=program)
    return skill


@transaction.atomic
def skill_rename(*, user, skill: Skill, name: str) -> Skill:
    skill = Skill.objects.select_for_update(of=("self",)).select_related("program").get(pk=skill.pk)
    _require_program_manager(user, skill.program)
    name = _name(name)
    _check_skill_name_free(skill.program, name, exclude_pk=skill.pk)
    before = record_snapshot(skill)
    record_save(skill, {"name": name})
    audit_update(actor=user, instance=skill, before=before, program=skill.program)
    return skill


def _skill_set_active(*, user, skill: Skill, is_active: bool) -> Skill:
    skill = Skill.objects.select_for_update(of=("self",)).select_related("program").get(pk=skill.pk)
    _require_program_manager(user, skill.program)
    if skill.is_active == is_active:
        return skill
    before = record_snapshot(skill)
    record_save(skill, {"is_active": is_active})
    audit_update(actor=user, instance=skill, before=before, program=skill.program)
    return skill


@transaction.atomic
def skill_deactivate(*, user, skill: Skill) -> Skill:
    """Takes a skill out of the catalogue offered for new profiles and vacancies; those that have it keep it."""
    return _skill_set_active(user=user, skill=skill, is_active=False)


@transaction.atomic
def skill_activate(*, user, skill: Skill) -> Skill:
    return _skill_set_active(user=user, skill=skill, is_active=True)


# Seekers -------------------------------------------------------------------------------------------------------


def _seeker_values(program, data: dict, allowed) -> tuple[dict, dict]:
    """The validated plain values and many-to-many sets of a profile, from the keys present in `data`."""
    values = _only(data, allowed)
    if "languages" in values:
        values["languages"] = _languages(values["languages"])
    if "max_travel_km" in values:
        values["max_travel_km"] = _whole_number(values["max_travel_km"], "max_travel_km", minimum=0, maximum=2000)
    if "cv" in values:
        _check_cv(values["cv"])
        if values["cv"] is None:
            values["cv"] = ""
    for flag in ("share_contact", "share_cv", "share_experience"):
        if flag in values:
            values[flag] = bool(values[flag])
    if values.get("notes") is None and "notes" in values:
        values["notes"] = ""
    m2m = {}
    if "skills" in data:
        m2m["skills"] = _skills(program, data["skills"], "skills")
    if "preferred_districts" in data:
        m2m["preferred_districts"] = _districts(data["preferred_districts"], "preferred_districts")
    return values, m2m


@transaction.atomic
def seeker_create(*, user, data: dict) -> JobSeeker:
    """A job seeker's profile on a person enrolled in the program through the organization running the service."""
    _required(data, ("organization", "program", "participant"))
    organization, program, participant = data["organization"], data["program"], data["participant"]
    _require_editor(user, organization_id=organization.pk, program_id=program.pk)
    _check_takes_part(organization, program)
    if not access.people_visible(user).filter(pk=participant.pk).exists():
        raise _invalid(_("No encontramos a esa persona."), "participant")
    enrolled = (
        Enrollment.objects.filter(participant=participant, program=program, organization=organization)
        .exclude(status=EnrollmentStatus.DROPPED)
        .exists()
    )
    if not enrolled:
        raise _invalid(
            _("%(person)s no está inscrita en el programa %(program)s por %(organization)s.")
            % {"person": participant, "program": program.name, "organization": organization},
            "participant",
            _("Inscriba primero a la persona en el programa."),
        )
    if JobSeeker.objects.filter(program=program, participant=participant).exists():
        raise _invalid(
            _("%(person)s ya tiene un perfil de búsqueda de empleo en este programa.") % {"person": participant},
            "participant",
            code="conflict",
        )
    values, m2m = _seeker_values(program, data, SEEKER_CREATE_FIELDS)
    values.setdefault("languages", [])
    seeker = record_save(JobSeeker(status=SeekerStatus.ACTIVE), values, m2m=m2m)
    audit_create(actor=user, instance=seeker, organization=organization, program=program, m2m=SEEKER_M2M)
    return seeker


@transaction.atomic
def seeker_update(*, user, seeker: JobSeeker, data: dict) -> JobSeeker:
    """Changes a profile. Its status may be set to active or inactive here; placed and self-employed are set by a
    placement and a self-employment."""
    seeker = (
        JobSeeker.objects.select_for_update(of=("self",)).select_related("organization", "program").get(pk=seeker.pk)
    )
    _require_editor(user, organization_id=seeker.organization_id, program_id=seeker.program_id)
    if "status" in data and data["status"] not in (SeekerStatus.ACTIVE, SeekerStatus.INACTIVE):
        raise _invalid(
            _("Una colocación o un autoempleo se registran con su propio formulario, no cambiando el estado."),
            "status",
        )
    before = record_snapshot(seeker, m2m=SEEKER_M2M)
    values, m2m = _seeker_values(seeker.program, data, SEEKER_UPDATE_FIELDS)
    record_save(seeker, values, m2m=m2m)
    audit_update(
        actor=user,
        instance=seeker,
        before=before,
        organization=seeker.organization,
        program=seeker.program,
        m2m=SEEKER_M2M,
    )
    return seeker


@transaction.atomic
def experience_add(*, user, seeker: JobSeeker, data: dict) -> WorkExperience:
    seeker = JobSeeker.objects.select_related("organization", "program").get(pk=seeker.pk)
    _require_editor(user, organization_id=seeker.organization_id, program_id=seeker.program_id)
    _required(data, ("employer_name", "role", "started_on"))
    values = _only(data, EXPERIENCE_FIELDS)
    _not_future(values["started_on"], "started_on")
    ended_on = values.get("ended_on")
    if ended_on is not None:
        _not_future(ended_on, "ended_on")
        if ended_on < values["started_on"]:
            raise _invalid(_("El trabajo no puede terminar antes de empezar."), "ended_on")
    values["description"] = values.get("description") or ""
    experience = record_save(WorkExperience(seeker=seeker), values)
    audit_create(actor=user, instance=experience, organization=seeker.organization, program=seeker.program)
    return experience


@transaction.atomic
def experience_remove(*, user, experience: WorkExperience) -> None:
    seeker = experience.seeker
    _require_editor(user, organization_id=seeker.organization_id, program_id=seeker.program_id)
    audit_delete(actor=user, instance=experience, organization=seeker.organization, program=seeker.program)
    experience.delete()


# Employers and their contacts ----------------------------------------------------------------------------------


def _employer_values(data: dict, allowed) -> dict:
    values = _only(data, allowed)
    if "name" in values:
        values["name"] = _name(values["name"])
    if "ruc" in values:
        values["ruc"] = re.sub(r"\s+", "", str(values["ruc"] or ""))
        if values["ruc"] and not ruc_is_valid(values["ruc"]):
            raise _invalid(_("El RUC no es válido: debe tener 11 dígitos y un dígito verificador correcto."), "ruc")
    if "district" in values:
        _district(values["district"])
    for text in ("address", "notes"):
        if text in values and values[text] is None:
            values[text] = ""
    return values


@transaction.atomic
def employer_create(*, user, data: dict) -> Employer:
    _required(data, ("organization", "program", "name", "kind", "sector", "district"))
    organization, program = data["organization"], data["program"]
    _require_editor(user, organization_id=organization.pk, program_id=program.pk)
    _check_takes_part(organization, program)
    employer = record_save(Employer(), _employer_values(data, EMPLOYER_CREATE_FIELDS))
    audit_create(actor=user, instance=employer, organization=organization, program=program)
    return employer


@transaction.atomic
def employer_update(*, user, employer: Employer, data: dict) -> Employer:
    employer = (
        Employer.objects.select_for_update(of=("self",)).select_related("organization", "program").get(pk=employer.pk)
    )
    _require_editor(user, organization_id=employer.organization_id, program_id=employer.program_id)
    before = record_snapshot(employer)
    record_save(employer, _employer_values(data, EMPLOYER_UPDATE_FIELDS))
    audit_update(
        actor=user, instance=employer, before=before, organization=employer.organization, program=employer.program
    )
    return employer


def _contact_values(data: dict) -> dict:
    values = _only(data, CONTACT_FIELDS)
    if "name" in values:
        values["name"] = _name(values["name"])
    for text in ("position", "phone", "email"):
        if text in values:
            values[text] = str(values[text] or "").strip()
    return values


@transaction.atomic
def contact_create(*, user, employer: Employer, data: dict) -> EmployerContact:
    _require_editor(user, organization_id=employer.organization_id, program_id=employer.program_id)
    _required(data, ("name",))
    contact = record_save(EmployerContact(employer=employer), _contact_values(data))
    audit_create(actor=user, instance=contact, organization=employer.organization, program=employer.program)
    return contact


@transaction.atomic
def contact_update(*, user, contact: EmployerContact, data: dict) -> EmployerContact:
    contact = EmployerContact.objects.select_for_update(of=("self",)).select_related("employer").get(pk=contact.pk)
    employer = contact.employer
    _require_editor(user, organization_id=employer.organization_id, program_id=employer.program_id)
    before = record_snapshot(contact)
    record_save(contact, _contact_values(data))
    audit_update(
        actor=user, instance=contact, before=before, organization=employer.organization, program=employer.program
    )
    return contact


@transaction.atomic
def contact_login_grant(*, user, contact: EmployerContact, username: str, site_url: str = "", password=None) -> User:
    """A login for an employer's contact: a user with no membership in any organization, so every page but the
    employer portal answers as for an outsider. She chooses her password from an e-mailed link (the demo passes
    one instead)."""
    contact = EmployerContact.objects.select_for_update(of=("self",)).select_related("employer").get(pk=contact.pk)
    employer = contact.employer
    _require_editor(user, organization_id=employer.organization_id, program_id=employer.program_id)
    if contact.user_id is not None:
        raise _invalid(_("Este contacto ya tiene acceso al portal."), "username", code="conflict")
    email = User.objects.normalize_email(contact.email or "")
    if not email and not password:
        raise _invalid(
            _("Registre el correo del contacto: por él recibe el enlace para elegir su contraseña."), "email"
        )
    if email and User.objects.filter(email__iexact=email).exists():
        raise _invalid(_("Ya hay un usuario con ese correo."), "email", code="conflict")
    login = User(language=settings.LANGUAGE_CODE)
    if password:
        login.set_password(password)
    else:
        login.set_unusable_password()
    first_name, _space, last_name = contact.name.partition(" ")
    record_save(
        login,
        {
            "username": (username or "").strip(),
            "email": email,
            "first_name": first_name[:150],
            "last_name": last_name[:150],
        },
    )
    before = record_snapshot(contact)
    record_save(contact, {"user": login})
    audit_create(actor=user, instance=login, organization=employer.organization, program=employer.program)
    audit_update(
        actor=user, instance=contact, before=before, organization=employer.organization, program=employer.program
    )
    if not password:
        from minka.accounts.services import invitation_send

        transaction.on_commit(lambda: invitation_send(user=login, site_url=site_url))
    return login


# Vacancies -----------------------------------------------------------------------------------------------------


def _vacancy_values(program, data: dict) -> tuple[dict, dict]:
    values = _only(data, VACANCY_FIELDS)
    if "title" in values:
        values["title"] = _name(values["title"], "title")
    if "description" in values and values["description"] is None:
        values["description"] = ""
    if "district" in values:
        _district(values["district"])
    if "wage" in values:
        values["wage"] = money(values["wage"], "wage")
    if "positions" in values:
        values["positions"] = _whole_number(values["positions"], "positions", minimum=1, maximum=10000)
    if "hours_per_week" in values:
        values["hours_per_week"] = _whole_number(values["hours_per_week"], "hours_per_week", minimum=1, maximum=84)
    m2m = {}
    for name in VACANCY_M2M:
        if name in data:
            m2m[name] = _skills(program, data[name], name)
    if "required_skills" in m2m and "desirable_skills" in m2m:
        both = {skill.pk for skill in m2m["required_skills"]} & {skill.pk for skill in m2m["desirable_skills"]}
        if both:
            raise _invalid(_("Una habilidad es requerida o deseable, no las dos."), "desirable_skills")
    return values, m2m


def _check_dates(opens_on, closes_on) -> None:
    if closes_on is not None and opens_on is not None and closes_on < opens_on:
        raise _invalid(
            _("La vacante no puede cerrar (%(closes)s) antes de abrir (%(opens)s).")
            % {"closes": _day(closes_on), "opens": _day(opens_on)},
            "closes_on",
            _("Debe ser igual o posterior a la fecha de apertura."),
        )


@transaction.atomic
def vacancy_create(*, user, data: dict) -> Vacancy:
    """A vacancy of an employer, as a draft in the employer's program."""
    _required(data, ("employer",))
    employer = data["employer"]
    _require_editor(user, organization_id=employer.organization_id, program_id=employer.program_id)
    data = {"sector": employer.sector, "district": employer.district, **data}
    _required(data, ("title", "wage", "contract_type", "hours_per_week", "opens_on"))
    values, m2m = _vacancy_values(employer.program, data)
    _check_dates(values.get("opens_on"), values.get("closes_on"))
    vacancy = record_save(
        Vacancy(employer=employer, program_id=employer.program_id, status=VacancyStatus.DRAFT), values, m2m=m2m
    )
    audit_create(
        actor=user, instance=vacancy, organization=employer.organization, program=employer.program, m2m=VACANCY_M2M
    )
    return vacancy


# Every lock here takes the row itself only (`of=("self",)`): the rows joined for reading (an employer, her
# organization, the program) stay free, or two hires for one employer would lock each other through it.


def _vacancy_locked(vacancy: Vacancy) -> Vacancy:
    return (
        Vacancy.objects.select_for_update(of=("self",))
        .select_related("employer__organization", "program")
        .get(pk=vacancy.pk)
    )


def _audit_vacancy_update(user, vacancy: Vacancy, before: dict) -> None:
    audit_update(
        actor=user,
        instance=vacancy,
        before=before,
        organization=vacancy.employer.organization,
        program=vacancy.program,
        m2m=VACANCY_M2M,
    )


def _hires(vacancy: Vacancy) -> int:
    return Placement.objects.filter(application__vacancy=vacancy).count()


@transaction.atomic
def vacancy_update(*, user, vacancy: Vacancy, data: dict) -> Vacancy:
    vacancy = _vacancy_locked(vacancy)
    _require_editor(user, organization_id=vacancy.employer.organization_id, program_id=vacancy.program_id)
    if vacancy.status not in (VacancyStatus.DRAFT, VacancyStatus.OPEN):
        raise ApplicationError(
            _("Una vacante %(status)s ya no se modifica.") % {"status": vacancy.get_status_display().lower()},
            code="not_editable",
        )
    before = record_snapshot(vacancy, m2m=VACANCY_M2M)
    values, m2m = _vacancy_values(vacancy.program, data)
    _check_dates(values.get("opens_on", vacancy.opens_on), values.get("closes_on", vacancy.closes_on))
    hires = _hires(vacancy)
    if "positions" in values and values["positions"] < hires:
        raise _invalid(
            _("Ya hay %(hires)s contrataciones: la vacante no puede tener menos puestos.") % {"hires": hires},
            "positions",
        )
    if m2m.keys() == {"required_skills"} or m2m.keys() == {"desirable_skills"}:
        # One set changed alone must still not share a skill with the other, as it stands.
        other = "desirable_skills" if "required_skills" in m2m else "required_skills"
        (name,) = m2m
        if {skill.pk for skill in m2m[name]} & set(getattr(vacancy, other).values_list("pk", flat=True)):
            raise _invalid(_("Una habilidad es requerida o deseable, no las dos."), name)
    record_save(vacancy, values, m2m=m2m)
    _audit_vacancy_update(user, vacancy, before)
    return vacancy


@transaction.atomic
def vacancy_publish(*, user, vacancy: Vacancy) -> Vacancy:
    """Opens a draft vacancy to applications."""
    vacancy = _vacancy_locked(vacancy)
    _require_editor(user, organization_id=vacancy.employer.organization_id, program_id=vacancy.program_id)
    if vacancy.status != VacancyStatus.DRAFT:
        raise ApplicationError(_("Solo se publica una vacante en borrador."), code="invalid_state")
    if vacancy.closes_on is not None and vacancy.closes_on < timezone.localdate():
        raise _invalid(
            _("La fecha de cierre (%(date)s) ya pasó: cámbiela antes de publicar.") % {"date": _day(vacancy.closes_on)},
            "closes_on",
        )
    before = record_snapshot(vacancy, m2m=VACANCY_M2M)
    record_save(vacancy, {"status": VacancyStatus.OPEN})
    _audit_vacancy_update(user, vacancy, before)
    return vacancy


@transaction.atomic
def vacancy_close(*, user, vacancy: Vacancy, on_date: datetime.date | None = None) -> Vacancy:
    """Stops an open vacancy taking applications, on `on_date` (today by default): the people in process may still
    be hired."""
    vacancy = _vacancy_locked(vacancy)
    _require_editor(user, organization_id=vacancy.employer.organization_id, program_id=vacancy.program_id)
    if vacancy.status != VacancyStatus.OPEN:
        raise ApplicationError(_("Solo se cierra una vacante abierta."), code="invalid_state")
    on_date = on_date or timezone.localdate()
    _not_future(on_date, "closes_on")
    if on_date < vacancy.opens_on:
        raise _invalid(
            _("La vacante no puede cerrar (%(closes)s) antes de abrir (%(opens)s).")
            % {"closes": _day(on_date), "opens": _day(vacancy.opens_on)},
            "closes_on",
        )
    before = record_snapshot(vacancy, m2m=VACANCY_M2M)
    values = {"status": VacancyStatus.CLOSED}
    if vacancy.closes_on is None or vacancy.closes_on > on_date:
        values["closes_on"] = on_date
    record_save(vacancy, values)
    _audit_vacancy_update(user, vacancy, before)
    return vacancy


@transaction.atomic
def vacancy_cancel(*, user, vacancy: Vacancy) -> Vacancy:
    """Withdraws a vacancy nobody was hired for."""
    vacancy = _vacancy_locked(vacancy)
    _require_editor(user, organization_id=vacancy.employer.organization_id, program_id=vacancy.program_id)
    if vacancy.status not in (VacancyStatus.DRAFT, VacancyStatus.OPEN, VacancyStatus.CLOSED):
        raise ApplicationError(_("Esta vacante ya no se puede cancelar."), code="invalid_state")
    if _hires(vacancy):
        raise ApplicationError(_("Ya hubo contrataciones en esta vacante: ciérrela en vez de cancelarla."))
    before = record_snapshot(vacancy, m2m=VACANCY_M2M)
    record_save(vacancy, {"status": VacancyStatus.CANCELLED})
    _audit_vacancy_update(user, vacancy, before)
    return vacancy


# Applications --------------------------------------------------------------------------------------------------


def _event(*, user, application: Application, state: str, on_date: datetime.date, note: str = "") -> None:
    event = record_save(
        ApplicationEvent(application=application, by=user), {"state": state, "on": on_date, "note": note or ""}
    )
    vacancy = application.vacancy
    audit_create(actor=user, instance=event, organization=vacancy.employer.organization, program=vacancy.program)


def _last_step_on(application: Application) -> datetime.date | None:
    return application.events.order_by("-on", "-pk").values_list("on", flat=True).first()


def _record_step(*, user, application: Application, state: str, on_date: datetime.date, note: str = "") -> None:
    """Writes a checked step: the application's state and its date, the audit line and the history's event."""
    vacancy = application.vacancy
    before = record_snapshot(application)
    record_save(application, {"state": state, STATE_DATE_FIELD[state]: on_date})
    audit_update(
        actor=user,
        instance=application,
        before=before,
        organization=vacancy.employer.organization,
        program=vacancy.program,
    )
    _event(user=user, application=application, state=state, on_date=on_date, note=note)


def _step_date(application: Application, on_date: datetime.date | None) -> datetime.date:
    """The date of a new step: today by default, never in the future nor before the step before it."""
    on_date = on_date or timezone.localdate()
    _not_future(on_date, "on_date")
    last = _last_step_on(application)
    if last is not None and on_date < last:
        raise _invalid(
            _("La fecha no puede ser anterior al paso anterior de la postulación (%(date)s).") % {"date": _day(last)},
            "on_date",
        )
    return on_date


@transaction.atomic
def shortlist_add(
    *,
    user,
    vacancy: Vacancy,
    seeker: JobSeeker,
    score: int | None = None,
    explanation: dict | None = None,
    on_date: datetime.date | None = None,
) -> Application:
    """Proposes a seeker for a vacancy: an application in state proposed, keeping the match's score and its
    explanation as they stood (the caller computes them)."""
    vacancy = _vacancy_locked(vacancy)
    _require_editor(user, organization_id=vacancy.employer.organization_id, program_id=vacancy.program_id)
    if vacancy.status not in (VacancyStatus.DRAFT, VacancyStatus.OPEN):
        raise ApplicationError(
            _("La vacante está %(status)s: ya no recibe postulaciones.")
            % {"status": vacancy.get_status_display().lower()},
            code="invalid_state",
        )
    if not _seeker_visible(user, seeker):
        raise _invalid(_("No encontramos a esa persona en el servicio de empleo."), "seeker")
    seeker = JobSeeker.objects.select_for_update(of=("self",)).select_related("participant").get(pk=seeker.pk)
    if seeker.program_id != vacancy.program_id:
        raise _invalid(_("La persona busca empleo en otro programa."), "seeker")
    if seeker.status != SeekerStatus.ACTIVE:
        raise _invalid(
            _("%(person)s no está buscando empleo (%(status)s).")
            % {"person": seeker, "status": seeker.get_status_display().lower()},
            "seeker",
        )
    if Application.objects.filter(vacancy=vacancy, seeker=seeker).exists():
        raise _invalid(
            _("%(person)s ya está en la lista de esta vacante.") % {"person": seeker}, "seeker", code="conflict"
        )
    if score is not None and (isinstance(score, bool) or not isinstance(score, int)):
        raise _invalid(_("El puntaje debe ser un número entero."), "score")
    explanation = _snapshot(explanation)
    on_date = on_date or timezone.localdate()
    _not_future(on_date, "on_date")
    application = record_save(
        Application(vacancy=vacancy, seeker=seeker),
        {
            "state": ApplicationState.PROPOSED,
            "score": score,
            "explanation": explanation,
            "proposed_on": on_date,
        },
    )
    audit_create(actor=user, instance=application, organization=vacancy.employer.organization, program=vacancy.program)
    _event(user=user, application=application, state=ApplicationState.PROPOSED, on_date=on_date)
    return application


def _snapshot(explanation) -> dict | list:
    """The match's explanation as plain JSON (amounts and dates as text), so that whatever the matcher puts in it
    is stored and read back the same, and what cannot be stored is refused rather than failing on save."""
    if explanation is None:
        return {}
    if not isinstance(explanation, (dict, list)):
        raise _invalid(_("La explicación no es válida."), "explanation")
    try:
        return json.loads(json.dumps(explanation, cls=DjangoJSONEncoder))
    except (TypeError, ValueError):
        raise _invalid(_("La explicación no es válida."), "explanation") from None


def _application_locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("vacancy__employer__organization", "vacancy__program", "seeker")
        .get(pk=application.pk)
    )


def _check_transition(application: Application, state: str) -> None:
    if state not in ApplicationState.values:
        raise _invalid(_("Estado desconocido."), "state")
    if state not in APPLICATION_TRANSITIONS[application.state]:
        raise _invalid(
            _("Una postulación en estado «%(current)s» no pasa a «%(new)s».")
            % {"current": application.get_state_display(), "new": ApplicationState(state).label},
            "state",
        )


@transaction.atomic
def application_move(
    *, user, application: Application, state: str, on_date: datetime.date | None = None, note: str = ""
) -> Application:
    """Moves an application one step (applied, interviewed, not selected, withdrew), dated, with its history.
    A hire is recorded with `placement_create`, which needs the job's start date and wage."""
    application = _application_locked(application)
    vacancy = application.vacancy
    _require_editor(user, organization_id=vacancy.employer.organization_id, program_id=vacancy.program_id)
    if state == ApplicationState.HIRED:
        raise _invalid(
            _("Una contratación se registra como colocación, con su fecha de inicio y remuneración."), "state"
        )
    _check_transition(application, state)
    on_date = _step_date(application, on_date)
    _record_step(user=user, application=application, state=state, on_date=on_date, note=note)
    return application


# Placements and self-employment --------------------------------------------------------------------------------


@transaction.atomic
def placement_create(
    *,
    user,
    application: Application | None,
    start_date: datetime.date | None,
    wage,
    contract_type: str | None = None,
    hours_per_week: int | None = None,
    vacancy: Vacancy | None = None,
    on_date: datetime.date | None = None,
    note: str = "",
) -> Placement:
    """Records a hire: the application becomes hired, the seeker placed, and the vacancy filled when its last
    position is taken. `vacancy`, when given, is the vacancy the caller is looking at: the application must be
    one of its own."""
    if application is None:
        raise _invalid(
            _("Una colocación se registra desde la postulación de la persona a la vacante."),
            "application",
            _("Obligatorio."),
        )
    # Lock the vacancy, then the person, then her application (always in this order): two hires cannot both take the
    # vacancy's last post, and two hires of one person into two vacancies queue on her instead of deadlocking on each
    # other's applications (the hire closes her other applications); the second then finds its application withdrawn.
    locked_vacancy = _vacancy_locked(Vacancy(pk=application.vacancy_id))
    list(
        JobSeeker.objects.select_for_update(of=("self",)).filter(pk=application.seeker_id).values_list("pk", flat=True)
    )
    application = _application_locked(application)
    _require_editor(user, organization_id=locked_vacancy.employer.organization_id, program_id=locked_vacancy.program_id)
    if vacancy is not None and vacancy.pk != locked_vacancy.pk:
        raise _invalid(_("Esa postulación es de otra vacante."), "application")
    if not _seeker_visible(user, application.seeker):
        raise _invalid(_("No encontramos a esa persona en el servicio de empleo."), "application")
    if application.state == ApplicationState.HIRED:
        raise _invalid(_("Esta contratación ya está registrada."), "application", code="conflict")
    if application.state not in HIREABLE_STATES:
        raise _invalid(
            _("Solo se contrata a quien postuló o fue entrevistada/o; esta postulación está «%(state)s».")
            % {"state": application.get_state_display()},
            "application",
        )
    hires = _hires(locked_vacancy)
    if hires >= locked_vacancy.positions:
        raise ApplicationError(
            _("La vacante tiene %(positions)s puesto(s) y ya están cubiertos.")
            % {"positions": locked_vacancy.positions},
            code="positions_filled",
            fields={"application": [_("No quedan puestos libres.")]},
        )
    if locked_vacancy.status not in (VacancyStatus.OPEN, VacancyStatus.CLOSED):
        raise ApplicationError(
            _("La vacante está %(status)s: no se registran contrataciones.")
            % {"status": locked_vacancy.get_status_display().lower()},
            code="invalid_state",
        )
    if start_date is None:
        raise _invalid(_("Indique la fecha de inicio del trabajo."), "start_date", _("Obligatorio."))
    on_date = _step_date(application, on_date)
    if start_date < (application.applied_on or application.proposed_on or start_date):
        raise _invalid(_("El trabajo no puede empezar antes de la postulación."), "start_date")
    values = {
        "start_date": start_date,
        "wage": money(wage, "wage"),
        "contract_type": contract_type or locked_vacancy.contract_type,
        "hours_per_week": _whole_number(
            hours_per_week if hours_per_week is not None else locked_vacancy.hours_per_week,
            "hours_per_week",
            minimum=1,
            maximum=84,
        ),
    }
    scope = {"organization": locked_vacancy.employer.organization, "program": locked_vacancy.program}
    placement = record_save(Placement(application=application), values)
    audit_create(actor=user, instance=placement, **scope)
    before = record_snapshot(application)
    record_save(application, {"state": ApplicationState.HIRED, "decided_on": on_date})
    audit_update(actor=user, instance=application, before=before, **scope)
    _event(user=user, application=application, state=ApplicationState.HIRED, on_date=on_date, note=note)
    _seeker_status(user=user, seeker=application.seeker, status=SeekerStatus.PLACED)
    _withdraw_the_rest(
        user=user,
        seeker=application.seeker,
        on_date=on_date,
        note=_("Contratada/o en «%(title)s».") % {"title": locked_vacancy.title},
        keep=application,
    )
    if hires + 1 >= locked_vacancy.positions:
        before = record_snapshot(locked_vacancy, m2m=VACANCY_M2M)
        record_save(locked_vacancy, {"status": VacancyStatus.FILLED})
        _audit_vacancy_update(user, locked_vacancy, before)
    return placement


def _withdraw_the_rest(*, user, seeker: JobSeeker, on_date: datetime.date, note: str, keep=None) -> None:
    """Once she has work, her other applications still in process are closed as withdrawn, with the reason, so no
    employer's list keeps offering someone who is no longer looking. Each is dated on the hire or on its own last
    step, whichever is later (a step never goes back in time)."""
    open_states = (ApplicationState.PROPOSED, ApplicationState.APPLIED, ApplicationState.INTERVIEWED)
    others = Application.objects.filter(seeker=seeker, state__in=open_states).exclude(pk=getattr(keep, "pk", None))
    for other in others.order_by("pk"):
        other = _application_locked(other)
        day = max(filter(None, (on_date, _last_step_on(other))))
        _record_step(user=user, application=other, state=ApplicationState.WITHDREW, on_date=day, note=note)


def _seeker_status(*, user, seeker: JobSeeker, status: str) -> None:
    seeker = (
        JobSeeker.objects.select_for_update(of=("self",)).select_related("organization", "program").get(pk=seeker.pk)
    )
    if seeker.status == status:
        return
    before = record_snapshot(seeker)
    record_save(seeker, {"status": status})
    audit_update(actor=user, instance=seeker, before=before, organization=seeker.organization, program=seeker.program)


@transaction.atomic
def self_employment_create(*, user, seeker: JobSeeker, data: dict) -> SelfEmployment:
    """A seeker who started her own business instead of a job; linked to the enterprise when it is registered."""
    seeker = JobSeeker.objects.select_related("organization", "program").get(pk=seeker.pk)
    _require_editor(user, organization_id=seeker.organization_id, program_id=seeker.program_id)
    _required(data, ("started_on",))
    values = _only(data, SELF_EMPLOYMENT_FIELDS)
    _not_future(values["started_on"], "started_on")
    values["monthly_income"] = money(values.get("monthly_income"), "monthly_income", required=False)
    values["description"] = values.get("description") or ""
    enterprise = values.get("enterprise")
    if enterprise is not None:
        scope = access.field_records_visible_filter(user)
        from minka.enterprises.models import Enterprise

        if scope is None or not Enterprise.objects.filter(scope, pk=enterprise.pk).exists():
            raise _invalid(_("No encontramos ese emprendimiento."), "enterprise")
        if enterprise.program_id != seeker.program_id:
            raise _invalid(_("El emprendimiento es de otro programa."), "enterprise")
    self_employment = record_save(SelfEmployment(seeker=seeker), values)
    audit_create(actor=user, instance=self_employment, organization=seeker.organization, program=seeker.program)
    _seeker_status(user=user, seeker=seeker, status=SeekerStatus.SELF_EMPLOYED)
    _withdraw_the_rest(user=user, seeker=seeker, on_date=values["started_on"], note=_("Empezó su propio negocio."))
    return self_employment


# Follow-ups ----------------------------------------------------------------------------------------------------


@transaction.atomic
def follow_up_record(
    *,
    user,
    placement: Placement | None = None,
    self_employment: SelfEmployment | None = None,
    month: int,
    done_on: datetime.date | None,
    still_working: bool,
    wage=None,
    note: str = "",
) -> FollowUp:
    """The follow-up at 3 or 6 months of a job or a self-employment: still working, and the monthly wage or
    income. It is recorded once it falls due (start date plus the months), never before, and once per month."""
    if (placement is None) == (self_employment is None):
        raise ApplicationError(_("Un seguimiento es de una colocación o de un autoempleo."))
    if placement is not None:
        parent = (
            Placement.objects.select_for_update(of=("self",)).select_related("application__seeker").get(pk=placement.pk)
        )
        seeker, start, key = parent.application.seeker, parent.start_date, {"placement": parent}
    else:
        parent = (
            SelfEmployment.objects.select_for_update(of=("self",)).select_related("seeker").get(pk=self_employment.pk)
        )
        seeker, start, key = parent.seeker, parent.started_on, {"self_employment": parent}
    _require_editor(user, organization_id=seeker.organization_id, program_id=seeker.program_id)
    if month not in FOLLOW_UP_MONTHS:
        raise _invalid(_("Los seguimientos son a los 3 y a los 6 meses."), "month")
    if done_on is None:
        raise _invalid(_("Indique la fecha del seguimiento."), "done_on", _("Obligatorio."))
    _not_future(done_on, "done_on")
    if done_on < start:
        raise _invalid(
            _("El seguimiento no puede ser anterior al inicio (%(date)s).") % {"date": _day(start)}, "done_on"
        )
    due = follow_up_due_on(start=start, month=month)
    if done_on < due:
        raise _invalid(
            _("El seguimiento de los %(month)s meses corresponde desde el %(date)s.")
            % {"month": month, "date": _day(due)},
            "done_on",
        )
    if FollowUp.objects.filter(month=month, **key).exists():
        raise _invalid(
            _("Ya está registrado el seguimiento de los %(month)s meses.") % {"month": month}, "month", code="conflict"
        )
    follow_up = record_save(
        FollowUp(**key),
        {
            "month": month,
            "done_on": done_on,
            "still_working": bool(still_working),
            "wage": money(wage, "wage", required=False),
            "note": note or "",
        },
    )
    audit_create(actor=user, instance=follow_up, organization=seeker.organization, program=seeker.program)
    return follow_up


# The right of cancellation -------------------------------------------------------------------------------------


@transaction.atomic
def seeker_personal_data_erase(*, user, participant) -> int:
    """Erases what a person's job-seeker profiles hold about her beyond the counts: her CV (the file too), notes,
    work experience and what she agreed to share, here and in the audit trail (which keeps that the records
    changed, not what they said). Applications, placements and follow-ups stay, nameless, so the results still
    count her. Meant to run with `people.services.participant_anonymize`; returns the profiles erased."""
    from minka.audit.models import AuditEvent

    if not access.person_can_edit(user, participant):
        raise PermissionDenied(_("No tiene permiso para anonimizar a esta persona."))
    seekers = list(
        JobSeeker.objects.select_for_update(of=("self",))
        .select_related("organization", "program")
        .filter(participant=participant)
    )
    for seeker in seekers:
        experience_ids = [str(pk) for pk in seeker.experiences.values_list("pk", flat=True)]
        AuditEvent.objects.filter(model=WorkExperience._meta.label_lower, object_id__in=experience_ids).update(
            object_repr="…", changes={}
        )
        AuditEvent.objects.filter(model=JobSeeker._meta.label_lower, object_id=str(seeker.pk)).update(changes={})
        seeker.experiences.all().delete()
        if seeker.cv:
            stored = seeker.cv
            transaction.on_commit(lambda stored=stored: stored.storage.delete(stored.name))
        JobSeeker.objects.filter(pk=seeker.pk).update(
            cv="", notes="", share_contact=False, share_cv=False, share_experience=False
        )
        audit_record(
            actor=user,
            action="update",
            instance=seeker,
            changes={"erased": [None, "✓"]},
            organization=seeker.organization,
            program=seeker.program,
        )
    return len(seekers)
