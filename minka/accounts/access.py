"""Who may see and change what. Every selector and service asks here, so pages, API and CLI agree.

Reading: a user sees their own organizations, every program in which one of them takes part
(catalyst, project lead, partner, funder) or in which they hold a program role, the projects of the
programs they coordinate or audit, and the projects their organizations take part in. Anything else
does not exist for them: selectors answer 404 for it, exactly as for a missing record.

Changing: funders and auditors never change anything. A program is changed by its coordinators and by
the admins of its catalyst organizations; a project also by the staff of its lead organization.
"""

from django.db.models import Q, QuerySet

from minka.accounts.models import OrganizationRole, ProgramRoleKind

STAFF_ROLES = (OrganizationRole.ADMIN, OrganizationRole.FIELD_OFFICER, OrganizationRole.CREDIT_OFFICER)


def organization_ids(user, roles=None) -> set[int]:
    """The organizations in which the user holds an active membership (with one of `roles`, if given)."""
    if not user.is_authenticated:
        return set()
    memberships = user.memberships.filter(is_active=True)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return set(memberships.values_list("organization_id", flat=True))


def program_role_ids(user, roles=None) -> set[int]:
    if not user.is_authenticated:
        return set()
    program_roles = user.program_roles.all()
    if roles is not None:
        program_roles = program_roles.filter(role__in=roles)
    return set(program_roles.values_list("program_id", flat=True))


def is_network_admin(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_superuser


def programs_visible(user) -> QuerySet:
    from minka.programs.models import Program

    if is_network_admin(user):
        return Program.objects.all()
    orgs = organization_ids(user)
    return Program.objects.filter(
        Q(pk__in=program_role_ids(user))
        | Q(catalysts__in=orgs)
        | Q(projects__lead_organization__in=orgs)
        | Q(projects__partners__organization__in=orgs)
        | Q(projects__commitments__funder__in=orgs)
    ).distinct()


def programs_editable_ids(user) -> set[int]:
    from minka.programs.models import Program

    if not user.is_authenticated:
        return set()
    if is_network_admin(user):
        return set(Program.objects.values_list("pk", flat=True))
    coordinated = program_role_ids(user, [ProgramRoleKind.COORDINATOR])
    catalyzed = Program.objects.filter(catalysts__in=organization_ids(user, [OrganizationRole.ADMIN]))
    return coordinated | set(catalyzed.values_list("pk", flat=True))


def program_can_edit(user, program) -> bool:
    return program.pk in programs_editable_ids(user)


def projects_visible(user) -> QuerySet:
    from minka.programs.models import Project

    if is_network_admin(user):
        return Project.objects.all()
    orgs = organization_ids(user)
    whole_programs = program_role_ids(
        user, [ProgramRoleKind.COORDINATOR, ProgramRoleKind.AUDITOR, ProgramRoleKind.FUNDER]
    )
    return Project.objects.filter(
        Q(program__in=whole_programs)
        | Q(program__catalysts__in=orgs)
        | Q(lead_organization__in=orgs)
        | Q(partners__organization__in=orgs)
        | Q(commitments__funder__in=orgs)
    ).distinct()


def project_can_edit(user, project) -> bool:
    if program_can_edit(user, project.program):
        return True
    return project.lead_organization_id in organization_ids(user, STAFF_ROLES)


def project_lead_choices(user, program) -> QuerySet:
    """The organizations the user may name as lead of a new project in `program`."""
    from minka.network.models import Organization

    if program_can_edit(user, program):
        return organizations_visible(user).filter(is_active=True)
    return Organization.objects.filter(pk__in=organization_ids(user, STAFF_ROLES), is_active=True)


def project_can_create(user, program) -> bool:
    return program_can_edit(user, program) or bool(
        organization_ids(user, STAFF_ROLES) & program_organization_ids(program)
    )


def program_organization_ids(program) -> set[int]:
    """Every organization taking part in a program in any role."""
    from minka.programs.models import FundingCommitment, Project, ProjectPartner

    ids = set(program.catalysts.values_list("pk", flat=True))
    ids |= set(Project.objects.filter(program=program).values_list("lead_organization_id", flat=True))
    ids |= set(ProjectPartner.objects.filter(project__program=program).values_list("organization_id", flat=True))
    ids |= set(FundingCommitment.objects.filter(project__program=program).values_list("funder_id", flat=True))
    return ids


def organizations_visible(user) -> QuerySet:
    """The user's own organizations and those taking part in the programs the user sees."""
    from minka.network.models import Organization

    if is_network_admin(user):
        return Organization.objects.all()
    programs = programs_visible(user).values("pk")
    # Those who add partners to the network also see the organizations that take part in nothing yet,
    # so one they have just registered can be found and named as a partner.
    unaffiliated = Q(pk__in=[])
    if organization_can_create(user):
        unaffiliated = Q(catalyzed_programs=None, led_projects=None, partnerships=None, commitments=None)
    return Organization.objects.filter(
        unaffiliated
        | Q(pk__in=organization_ids(user))
        | Q(catalyzed_programs__in=programs)
        | Q(led_projects__program__in=programs)
        | Q(partnerships__project__program__in=programs)
        | Q(commitments__project__program__in=programs)
    ).distinct()


def organization_can_edit(user, organization) -> bool:
    return is_network_admin(user) or organization.pk in organization_ids(user, [OrganizationRole.ADMIN])


def organization_can_create(user) -> bool:
    """Coordinators add the partners of their network; network admins add anyone."""
    return is_network_admin(user) or bool(program_role_ids(user, [ProgramRoleKind.COORDINATOR]))


def site_can_edit(user, site_organization_id: int) -> bool:
    return is_network_admin(user) or site_organization_id in organization_ids(
        user, [OrganizationRole.ADMIN, OrganizationRole.FIELD_OFFICER]
    )


def site_organization_choices(user) -> QuerySet:
    from minka.network.models import Organization

    if is_network_admin(user):
        return Organization.objects.filter(is_active=True)
    return Organization.objects.filter(
        pk__in=organization_ids(user, [OrganizationRole.ADMIN, OrganizationRole.FIELD_OFFICER]), is_active=True
    )


def audit_visible_filter(user) -> Q | None:
    """Which audit events the user may read (admins and auditors of organizations, coordinators and auditors of
    programs); None when none."""
    if is_network_admin(user):
        return Q()
    orgs = organization_ids(user, [OrganizationRole.ADMIN, OrganizationRole.AUDITOR])
    programs = program_role_ids(user, [ProgramRoleKind.COORDINATOR, ProgramRoleKind.AUDITOR])
    if not orgs and not programs:
        return None
    return Q(organization__in=orgs) | Q(program__in=programs)


def managed_organization_ids(user) -> set[int]:
    """The organizations whose users this user manages."""
    from minka.network.models import Organization

    if is_network_admin(user):
        return set(Organization.objects.values_list("pk", flat=True))
    return organization_ids(user, [OrganizationRole.ADMIN])


# People, activities and enterprises ----------------------------------------------------------------------------
#
# Personal data is seen by the staff (admin, field officer, credit officer) and auditors of the organizations
# that registered or enrolled a person, and by the coordinators and auditors of the programs she is enrolled
# in. Funders never see a person: they get aggregates only.

PERSONAL_DATA_ROLES = (*STAFF_ROLES, OrganizationRole.AUDITOR)


def whole_program_ids(user) -> set[int]:
    """Programs whose every record the user reads: those they coordinate or audit."""
    return program_role_ids(user, [ProgramRoleKind.COORDINATOR, ProgramRoleKind.AUDITOR])


def people_visible(user) -> QuerySet:
    """The people (not merged away) whose personal data the user may read."""
    from minka.people.models import Enrollment, Participant

    people = Participant.objects.filter(merged_into__isnull=True)
    if is_network_admin(user):
        return people
    orgs = organization_ids(user, PERSONAL_DATA_ROLES)
    enrolled = Enrollment.objects.filter(Q(organization__in=orgs) | Q(program__in=whole_program_ids(user)))
    return people.filter(Q(registered_by__in=orgs) | Q(pk__in=enrolled.values("participant_id")))


def person_can_edit(user, participant) -> bool:
    """Staff of an organization that registered or enrolled her, and coordinators of her programs."""
    if is_network_admin(user):
        return True
    orgs = organization_ids(user, STAFF_ROLES)
    coordinated = program_role_ids(user, [ProgramRoleKind.COORDINATOR])
    if participant.registered_by_id in orgs:
        return True
    return participant.enrollments.filter(Q(organization__in=orgs) | Q(program__in=coordinated)).exists()


def people_register_organizations(user) -> QuerySet:
    """The organizations on whose behalf the user registers people."""
    from minka.network.models import Organization

    if is_network_admin(user):
        return Organization.objects.filter(is_active=True)
    return Organization.objects.filter(pk__in=organization_ids(user, STAFF_ROLES), is_active=True)


def field_records_visible_filter(user, *, organization_field="organization", program_field="program") -> Q | None:
    """Activities and enterprises: those of the user's organizations (staff and auditors) and of the programs
    they coordinate or audit. None when the user sees none (funders, outsiders)."""
    if is_network_admin(user):
        return Q()
    orgs = organization_ids(user, PERSONAL_DATA_ROLES)
    programs = whole_program_ids(user)
    if not orgs and not programs:
        return None
    return Q(**{f"{organization_field}__in": orgs}) | Q(**{f"{program_field}__in": programs})


def field_record_can_edit(user, *, organization_id: int, program_id: int) -> bool:
    """Staff of the record's organization, and coordinators of its program."""
    if is_network_admin(user):
        return True
    if organization_id in organization_ids(user, STAFF_ROLES):
        return True
    return program_id in program_role_ids(user, [ProgramRoleKind.COORDINATOR])


# Solidarity credit ---------------------------------------------------------------------------------------------
#
# A fund is run by the admins of its organization and by the credit officers assigned to it: a credit officer
# of one fund never sees another fund's borrowers, even in her own organization. Auditors of the organization and
# the coordinators and auditors of the fund's program read everything; funders only see aggregates, through the
# results engine.


def funds_visible(user) -> QuerySet:
    from minka.credit.models import Fund

    if is_network_admin(user):
        return Fund.objects.all()
    return Fund.objects.filter(
        Q(organization__in=organization_ids(user, [OrganizationRole.ADMIN, OrganizationRole.AUDITOR]))
        | Q(organization__in=organization_ids(user, [OrganizationRole.CREDIT_OFFICER]), officers=user)
        | Q(program__in=whole_program_ids(user))
    ).distinct()


def fund_can_operate(user, fund) -> bool:
    """Apply, approve, disburse, collect, visit: the organization's admins and the fund's credit officers."""
    if is_network_admin(user):
        return True
    if fund.organization_id in organization_ids(user, [OrganizationRole.ADMIN]):
        return True
    credit_orgs = organization_ids(user, [OrganizationRole.CREDIT_OFFICER])
    return fund.organization_id in credit_orgs and fund.officers.filter(pk=user.pk).exists()


def fund_can_manage(user, fund) -> bool:
    """Products, capital, expenses and officers: the organization's admins."""
    return is_network_admin(user) or fund.organization_id in organization_ids(user, [OrganizationRole.ADMIN])


def fund_organization_choices(user) -> QuerySet:
    """The organizations in which the user may open a fund."""
    from minka.network.models import Organization

    return Organization.objects.filter(pk__in=managed_organization_ids(user), is_active=True)


def loans_visible(user) -> QuerySet:
    from minka.credit.models import Loan

    return Loan.objects.filter(fund__in=funds_visible(user))
