from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from minka.accounts import access
from minka.accounts.models import OrganizationRole, ProgramRole, ProgramRoleKind
from minka.audit.services import audit_create, audit_delete, audit_update, record_snapshot
from minka.core.errors import ApplicationError, PermissionDenied
from minka.core.services import record_save
from minka.programs.models import (
    Disbursement,
    FundingCommitment,
    Initiative,
    Phase,
    Program,
    Project,
    ProjectPartner,
)

PROGRAM_FIELDS = (
    "slug",
    "name_es",
    "name_en",
    "description_es",
    "description_en",
    "start_date",
    "end_date",
    "currency",
)
PHASE_FIELDS = ("number", "name_es", "name_en", "start_date", "end_date")
PROJECT_FIELDS = (
    "phase",
    "code",
    "title_es",
    "title_en",
    "description_es",
    "description_en",
    "status",
    "start_date",
    "end_date",
    "lead_organization",
)
INITIATIVE_FIELDS = ("project", "title_es", "title_en", "description", "territory", "proposed_by", "status")
COMMITMENT_FIELDS = ("funder", "amount", "currency", "committed_on", "reference")
DISBURSEMENT_FIELDS = ("amount", "disbursed_on", "note")


def _only(data: dict, allowed) -> dict:
    return {key: value for key, value in data.items() if key in allowed}


def _require_program_editor(user, program):
    if not access.program_can_edit(user, program):
        raise PermissionDenied(_("No tiene permiso para modificar este programa."))


def _require_project_editor(user, project):
    if not access.project_can_edit(user, project):
        raise PermissionDenied(_("No tiene permiso para modificar este proyecto."))


def program_can_create(user) -> bool:
    """Network admins, and the admins of an organization (which must then be one of the program's catalysts)."""
    return access.is_network_admin(user) or bool(access.organization_ids(user, [OrganizationRole.ADMIN]))


@transaction.atomic
def program_create(*, user, data: dict, catalysts) -> Program:
    """A new program. Its creator must administer one of its catalysts, and becomes its coordinator."""
    admin_of = access.organization_ids(user, [OrganizationRole.ADMIN])
    catalyst_ids = {organization.pk for organization in catalysts}
    if not access.is_network_admin(user) and not (admin_of & catalyst_ids):
        raise PermissionDenied(_("Para crear un programa debe administrar una de sus organizaciones catalizadoras."))
    if not catalyst_ids:
        raise ApplicationError(
            _("Indique al menos una organización catalizadora."), fields={"catalysts": [_("Obligatorio.")]}
        )
    program = record_save(Program(), _only(data, PROGRAM_FIELDS), m2m={"catalysts": catalysts})
    ProgramRole.objects.get_or_create(user=user, program=program, defaults={"role": ProgramRoleKind.COORDINATOR})
    audit_create(actor=user, instance=program, program=program, m2m=("catalysts",))
    return program


@transaction.atomic
def program_update(*, user, program: Program, data: dict, catalysts=None) -> Program:
    _require_program_editor(user, program)
    program = Program.objects.select_for_update().get(pk=program.pk)
    before = record_snapshot(program, m2m=("catalysts",))
    m2m = {"catalysts": catalysts} if catalysts is not None else None
    if catalysts is not None and not catalysts:
        raise ApplicationError(
            _("Indique al menos una organización catalizadora."), fields={"catalysts": [_("Obligatorio.")]}
        )
    record_save(program, _only(data, PROGRAM_FIELDS), m2m=m2m)
    audit_update(actor=user, instance=program, before=before, program=program, m2m=("catalysts",))
    return program


@transaction.atomic
def phase_create(*, user, program: Program, data: dict) -> Phase:
    _require_program_editor(user, program)
    phase = record_save(Phase(program=program), _only(data, PHASE_FIELDS))
    audit_create(actor=user, instance=phase, program=program)
    return phase


@transaction.atomic
def phase_update(*, user, phase: Phase, data: dict) -> Phase:
    # Read again under lock: the caller's instance may already carry the new values (a ModelForm assigns them),
    # and the audit trail needs the stored ones.
    phase = Phase.objects.select_for_update().select_related("program").get(pk=phase.pk)
    _require_program_editor(user, phase.program)
    before = record_snapshot(phase)
    record_save(phase, _only(data, PHASE_FIELDS))
    audit_update(actor=user, instance=phase, before=before, program=phase.program)
    return phase


def _check_lead(user, program, lead):
    if lead is not None and not access.project_lead_choices(user, program).filter(pk=lead.pk).exists():
        raise ApplicationError(
            _("No puede asignar proyectos a esa organización."),
            fields={"lead_organization": [_("Elija una de sus organizaciones.")]},
        )


@transaction.atomic
def project_create(*, user, program: Program, data: dict, territories=(), partners=()) -> Project:
    """A new project in `program`; `partners` is a list of (organization, role)."""
    if not access.project_can_create(user, program):
        raise PermissionDenied(_("No tiene permiso para crear proyectos en este programa."))
    _check_lead(user, program, data.get("lead_organization"))
    project = record_save(Project(program=program), _only(data, PROJECT_FIELDS), m2m={"territories": territories})
    for organization, role in partners:
        record_save(ProjectPartner(project=project), {"organization": organization, "role": role})
    audit_create(
        actor=user, instance=project, organization=project.lead_organization, program=program, m2m=("territories",)
    )
    return project


@transaction.atomic
def project_update(*, user, project: Project, data: dict, territories=None) -> Project:
    # The stored row decides who may change it, not the caller's copy (which a ModelForm may have changed already).
    project = Project.objects.select_for_update().select_related("program").get(pk=project.pk)
    _require_project_editor(user, project)
    if "lead_organization" in data and data["lead_organization"] != project.lead_organization:
        _check_lead(user, project.program, data["lead_organization"])
    before = record_snapshot(project, m2m=("territories",))
    m2m = {"territories": territories} if territories is not None else None
    record_save(project, _only(data, PROJECT_FIELDS), m2m=m2m)
    audit_update(
        actor=user,
        instance=project,
        before=before,
        organization=project.lead_organization,
        program=project.program,
        m2m=("territories",),
    )
    return project


@transaction.atomic
def partner_add(*, user, project: Project, organization, role: str) -> ProjectPartner:
    _require_project_editor(user, project)
    partner = record_save(ProjectPartner(project=project), {"organization": organization, "role": role})
    audit_create(actor=user, instance=partner, organization=project.lead_organization, program=project.program)
    return partner


@transaction.atomic
def partner_remove(*, user, partner: ProjectPartner) -> None:
    project = partner.project
    _require_project_editor(user, project)
    audit_delete(actor=user, instance=partner, organization=project.lead_organization, program=project.program)
    partner.delete()


def initiative_can_edit(user, program, project=None) -> bool:
    """Program editors, and the editors of the project the initiative belongs to."""
    return access.program_can_edit(user, program) or (project is not None and access.project_can_edit(user, project))


def _require_initiative_editor(user, program, project):
    if not initiative_can_edit(user, program, project):
        raise PermissionDenied(_("No tiene permiso para registrar iniciativas en este programa."))


@transaction.atomic
def initiative_create(*, user, program: Program, data: dict) -> Initiative:
    _require_initiative_editor(user, program, data.get("project"))
    initiative = record_save(Initiative(program=program), _only(data, INITIATIVE_FIELDS))
    audit_create(actor=user, instance=initiative, program=program)
    return initiative


@transaction.atomic
def initiative_update(*, user, initiative: Initiative, data: dict) -> Initiative:
    # The stored row decides who may change it, not the caller's copy (which a ModelForm may have changed already).
    # Only the initiative's row: PostgreSQL cannot lock the nullable side of the outer join to its project.
    initiative = (
        Initiative.objects.select_for_update(of=("self",)).select_related("program", "project").get(pk=initiative.pk)
    )
    _require_initiative_editor(user, initiative.program, initiative.project)
    if data.get("project") is not None and data["project"] != initiative.project:
        _require_initiative_editor(user, initiative.program, data["project"])
    before = record_snapshot(initiative)
    record_save(initiative, _only(data, INITIATIVE_FIELDS))
    audit_update(actor=user, instance=initiative, before=before, program=initiative.program)
    return initiative


def funding_can_edit(user, project) -> bool:
    """Program editors and the admins of the lead organization record a project's funding."""
    lead_admin = project.lead_organization_id in access.organization_ids(user, [OrganizationRole.ADMIN])
    return lead_admin or access.program_can_edit(user, project.program)


def _require_funding_editor(user, project):
    if not funding_can_edit(user, project):
        raise PermissionDenied(_("No tiene permiso para registrar el financiamiento de este proyecto."))


@transaction.atomic
def commitment_create(*, user, project: Project, data: dict) -> FundingCommitment:
    _require_funding_editor(user, project)
    commitment = record_save(FundingCommitment(project=project), _only(data, COMMITMENT_FIELDS))
    audit_create(actor=user, instance=commitment, organization=project.lead_organization, program=project.program)
    return commitment


def _disbursed_total(commitment, *, excluding=None) -> Decimal:
    disbursements = commitment.disbursements.all()
    if excluding is not None:
        disbursements = disbursements.exclude(pk=excluding.pk)
    return disbursements.aggregate(total=Sum("amount"))["total"] or Decimal("0")


@transaction.atomic
def commitment_update(*, user, commitment: FundingCommitment, data: dict) -> FundingCommitment:
    commitment = FundingCommitment.objects.select_for_update().select_related("project__program").get(pk=commitment.pk)
    _require_funding_editor(user, commitment.project)
    before = record_snapshot(commitment)
    record_save(commitment, _only(data, COMMITMENT_FIELDS))
    if _disbursed_total(commitment) > commitment.amount:
        raise ApplicationError(
            _("El monto comprometido no puede ser menor que lo ya desembolsado."),
            fields={"amount": [_("Menor que lo desembolsado.")]},
        )
    project = commitment.project
    audit_update(
        actor=user, instance=commitment, before=before, organization=project.lead_organization, program=project.program
    )
    return commitment


@transaction.atomic
def disbursement_create(*, user, commitment: FundingCommitment, data: dict) -> Disbursement:
    """A disbursement; the commitment row is locked so two at once cannot pass the committed amount."""
    _require_funding_editor(user, commitment.project)
    commitment = FundingCommitment.objects.select_for_update().select_related("project__program").get(pk=commitment.pk)
    disbursement = Disbursement(commitment=commitment)
    record_save(disbursement, _only(data, DISBURSEMENT_FIELDS))
    if _disbursed_total(commitment) > commitment.amount:
        raise ApplicationError(
            _("Los desembolsos superarían el monto comprometido."),
            fields={"amount": [_("Supera el saldo por desembolsar.")]},
        )
    project = commitment.project
    audit_create(actor=user, instance=disbursement, organization=project.lead_organization, program=project.program)
    return disbursement


@transaction.atomic
def disbursement_delete(*, user, disbursement: Disbursement) -> None:
    project = disbursement.commitment.project
    _require_funding_editor(user, project)
    audit_delete(actor=user, instance=disbursement, organization=project.lead_organization, program=project.program)
    disbursement.delete()
