"""Who may download a program's field forms, and the choice lists drawn from the program for each user.

A choice list travels on every phone that carries the form, so it holds only what the user may see and what
the field needs to pick a record: a code and a short label. People appear by given names and surnames with
the maternal one cut to its initial; a DNI, even its last digits, never appears.
"""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404

from minka.accounts import access
from minka.accounts.models import ProgramRoleKind
from minka.activities.models import Activity
from minka.credit.models import Loan, LoanStatus
from minka.enterprises.models import Enterprise, EnterpriseStage
from minka.fieldforms.definitions import FORM_IDS, record_choice
from minka.network.models import Organization, Site, Territory, TerritoryLevel
from minka.people.models import Enrollment, EnrollmentStatus
from minka.programs.models import PartnerRole, Program, Project, ProjectPartner
from minka.programs.selectors import program_get, program_territories


@dataclass(frozen=True)
class Choice:
    name: str
    label_es: str
    label_en: str
    # Extra columns of the choices sheet, for a choice_filter (e.g. an activity's type).
    columns: dict = field(default_factory=dict)


def _working_organization_ids(program: Program) -> set[int]:
    """Organizations that do the program's work (catalysts, project leads, partners that are not funders)."""
    ids = set(program.catalysts.values_list("pk", flat=True))
    ids |= set(Project.objects.filter(program=program).values_list("lead_organization_id", flat=True))
    partners = ProjectPartner.objects.filter(project__program=program).exclude(role=PartnerRole.FUNDER)
    return ids | set(partners.values_list("organization_id", flat=True))


def field_organization_ids(*, user, program: Program) -> set[int]:
    """The organizations whose field records of `program` the user records (field_record_can_edit): all of
    them for the program's coordinators, the user's own working ones for their staff; none for anyone else."""
    working = _working_organization_ids(program)
    if access.is_network_admin(user) or program.pk in access.program_role_ids(user, [ProgramRoleKind.COORDINATOR]):
        return working
    return working & access.organization_ids(user, access.STAFF_ROLES)


def fieldforms_program_get(*, user, slug: str) -> Program:
    """A program whose field forms the user may download; 404 for funders, auditors and outsiders."""
    program = program_get(user=user, slug=slug)
    if not field_organization_ids(user=user, program=program):
        raise Http404
    return program


def registering_organizations(*, user, program: Program) -> QuerySet:
    """The organizations on whose behalf the user registers people in `program` (for the registration form)."""
    ids = field_organization_ids(user=user, program=program)
    return access.people_register_organizations(user).filter(pk__in=ids).order_by("name")


def credit_funds(*, user, program: Program) -> list:
    """The program's funds whose loans the user visits (the credit-visit form is offered only with one)."""
    return [fund for fund in access.funds_visible(user).filter(program=program) if access.fund_can_operate(user, fund)]


def forms_available(*, user, program: Program) -> tuple[str, ...]:
    available = []
    for form_id in FORM_IDS:
        if form_id == "registration" and not registering_organizations(user=user, program=program).exists():
            continue
        if form_id == "credit_visit" and not credit_funds(user=user, program=program):
            continue
        available.append(form_id)
    return tuple(available)


def _short_name(participant) -> str:
    initial = f"{participant.maternal_surname[:1]}." if participant.maternal_surname else ""
    return " ".join(part for part in (participant.given_names, participant.paternal_surname, initial) if part)


def _sites(user, program, organization_ids) -> list[Choice]:
    sites = Site.objects.filter(organization__in=organization_ids, is_active=True).select_related("organization")
    return [
        Choice(record_choice("site", site.pk), label, label)
        for site in sites.order_by("name", "pk")
        for label in [f"{site.name} ({site.organization})"]
    ]


def _districts(user, program, organization_ids) -> list[Choice]:
    """The districts inside the territories the program's projects cover (a province covers its districts)."""
    covered = list(program_territories(user=user, program=program).values_list("code", flat=True))
    if not covered:
        return []
    inside = Q()
    for code in covered:
        inside |= Q(code__startswith=code)
    districts = Territory.objects.filter(inside, level=TerritoryLevel.DISTRICT).select_related("parent")
    return [
        Choice(record_choice("district", district.code), label, label)
        for district in districts.order_by("name", "code")
        for label in [f"{district.name} ({district.parent.name})" if district.parent else district.name]
    ]


def _activity_types(user, program, organization_ids) -> list[Choice]:
    return [
        Choice(record_choice("activity_type", kind.pk), kind.name_es, kind.name_en or kind.name_es)
        for kind in program.activity_types.order_by("name_es", "pk")
    ]


def _activities(user, program, organization_ids) -> list[Choice]:
    activities = Activity.objects.filter(program=program, organization__in=organization_ids).select_related("site")
    choices = []
    for activity in activities.order_by("-start_date", "title", "pk"):
        where = f" · {activity.site.name}" if activity.site else ""
        label = f"{activity.title}{where} ({activity.start_date:%d/%m/%Y})"
        type_choice = record_choice("activity_type", activity.activity_type_id)
        choices.append(Choice(record_choice("activity", activity.pk), label, label, {"activity_type": type_choice}))
    return choices


def _people(user, program, organization_ids) -> list[Choice]:
    enrolled = Enrollment.objects.filter(
        program=program,
        organization__in=organization_ids,
        status=EnrollmentStatus.ACTIVE,
    ).values("participant_id")
    people = (
        access.people_visible(user)
        .filter(pk__in=enrolled, anonymized_at__isnull=True)
        .only("given_names", "paternal_surname", "maternal_surname")
    )
    return [
        Choice(record_choice("person", person.pk), label, label)
        for person in people.order_by("paternal_surname", "given_names", "pk")
        for label in [_short_name(person)]
    ]


def _enterprises(user, program, organization_ids) -> list[Choice]:
    enterprises = Enterprise.objects.filter(program=program, organization__in=organization_ids).exclude(
        stage=EnterpriseStage.CLOSED
    )
    return [
        Choice(record_choice("enterprise", enterprise.pk), enterprise.name, enterprise.name)
        for enterprise in enterprises.order_by("name", "pk")
    ]


def _loans(user, program, organization_ids) -> list[Choice]:
    """Loans being decided (evaluation visits) or repaid (follow-up visits) in the funds the user operates."""
    from django.utils import translation

    loans = (
        Loan.objects.filter(
            fund__in=credit_funds(user=user, program=program),
            status__in=[LoanStatus.SUBMITTED, LoanStatus.APPROVED, LoanStatus.ACTIVE],
        )
        .select_related("borrower")
        .order_by("number", "pk")
    )
    choices = []
    for loan in loans:
        labels = []
        for language in ("es", "en"):
            with translation.override(language):
                labels.append(f"{loan.number} · {_short_name(loan.borrower)} · {loan.get_use_category_display()}")
        choices.append(Choice(record_choice("loan", loan.pk), *labels))
    return choices


RECORD_LISTS = {
    "sites": _sites,
    "districts": _districts,
    "activity_types": _activity_types,
    "activities": _activities,
    "people": _people,
    "enterprises": _enterprises,
    "loans": _loans,
}


def record_lists(*, user, program: Program, names) -> dict[str, list[Choice]]:
    """The program's lists a form draws from, as `user` may see them today."""
    organization_ids = field_organization_ids(user=user, program=program)
    return {name: RECORD_LISTS[name](user, program, organization_ids) for name in names}


def organization_for_registration(*, user, program: Program, slug: str) -> Organization:
    organizations = registering_organizations(user=user, program=program)
    organization = organizations.filter(slug=slug).first() if slug else organizations.first()
    if organization is None:
        raise Http404
    return organization
