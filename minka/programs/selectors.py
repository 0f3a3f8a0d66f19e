from decimal import Decimal

from django.db.models import Count, DecimalField, F, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from minka.accounts import access
from minka.network.models import Organization, Territory
from minka.programs.models import (
    Disbursement,
    FundingCommitment,
    Initiative,
    PartnerRole,
    Program,
    Project,
    ProjectPartner,
)

MONEY = DecimalField(max_digits=16, decimal_places=2)


def territories_with_path() -> QuerySet:
    """Territories with their province and department loaded, for `.path`."""
    return Territory.objects.select_related("parent__parent")


def territory_filter(field: str, code: str) -> Q:
    """Records whose `field` territory lies inside `code`, or contains it (a province scope covers its districts)."""
    ancestors = [code[:n] for n in (2, 4) if len(code) > n]
    return Q(**{f"{field}__code__startswith": code}) | Q(**{f"{field}__code__in": ancestors})


def program_options(*, user) -> QuerySet:
    """The programs the user sees, slug and names only: for menus and filters."""
    return access.programs_visible(user).only("slug", "name_es", "name_en").order_by("name_es")


def program_list(*, user, search: str = "") -> QuerySet:
    visible_projects = access.projects_visible(user).values("pk")
    programs = access.programs_visible(user)
    if search:
        programs = programs.filter(
            Q(name_es__icontains=search) | Q(name_en__icontains=search) | Q(slug__icontains=search)
        )
    return (
        programs.prefetch_related("catalysts")
        .annotate(project_count=Count("projects", filter=Q(projects__in=visible_projects), distinct=True))
        .order_by("name_es")
    )


def program_summaries(*, user, programs) -> dict[int, dict]:
    """Key facts of each program, counting only the projects the user sees, in four queries for any number of
    programs: territories covered, funders, and committed funding per currency (never summed across currencies)."""
    ids = [program.pk for program in programs]
    summaries = {pk: {"territories": [], "funders": [], "funding": []} for pk in ids}
    if not ids:
        return summaries
    visible = access.projects_visible(user).filter(program__in=ids).values("pk")
    scopes = (
        Project.territories.through.objects.filter(project__in=visible)
        .values_list("project__program_id", "territory__name")
        .distinct()
        .order_by("territory__name")
    )
    for program_id, name in scopes:
        summaries[program_id]["territories"].append(name)
    committed = FundingCommitment.objects.filter(project__in=visible).values_list(
        "project__program_id", "funder__short_name", "funder__name"
    )
    named = ProjectPartner.objects.filter(project__in=visible, role=PartnerRole.FUNDER).values_list(
        "project__program_id", "organization__short_name", "organization__name"
    )
    funders = {(program_id, short or name) for program_id, short, name in [*committed.distinct(), *named.distinct()]}
    for program_id, name in sorted(funders, key=lambda row: row[1].lower()):
        summaries[program_id]["funders"].append(name)
    totals = (
        FundingCommitment.objects.filter(project__in=visible)
        .values("project__program_id", "currency")
        .annotate(committed=Sum("amount"))
        .order_by("currency")
    )
    for row in totals:
        summaries[row["project__program_id"]]["funding"].append(
            {"currency": row["currency"], "committed": row["committed"]}
        )
    return summaries


def program_get(*, user, slug: str) -> Program:
    return get_object_or_404(access.programs_visible(user).prefetch_related("catalysts", "phases"), slug=slug)


def program_territories(*, user, program: Program) -> QuerySet:
    """The territories covered by the projects of `program` that the user sees."""
    visible = access.projects_visible(user).filter(program=program).values("pk")
    return territories_with_path().filter(projects__in=visible).distinct().order_by("code")


def phase_get(*, user, program: Program, number: int):
    """A phase of a program the user sees (`program` comes from `program_get`)."""
    return get_object_or_404(program.phases.all(), number=number)


def project_list(
    *,
    user,
    program: Program | None = None,
    territory: str = "",
    funder: str = "",
    status: str = "",
    search: str = "",
    organization: str = "",
) -> QuerySet:
    projects = access.projects_visible(user)
    if program is not None:
        projects = projects.filter(program=program)
    if territory:
        projects = projects.filter(
            pk__in=Project.objects.filter(territory_filter("territories", territory)).values("pk")
        )
    if funder:
        funded = Project.objects.filter(
            Q(commitments__funder__slug=funder)
            | Q(partners__organization__slug=funder, partners__role=PartnerRole.FUNDER)
        )
        projects = projects.filter(pk__in=funded.values("pk"))
    if organization:
        involved = Project.objects.filter(
            Q(lead_organization__slug=organization) | Q(partners__organization__slug=organization)
        )
        projects = projects.filter(pk__in=involved.values("pk"))
    if status:
        projects = projects.filter(status=status)
    if search:
        projects = projects.filter(
            Q(title_es__icontains=search) | Q(title_en__icontains=search) | Q(code__icontains=search)
        )
    return projects.select_related("program", "phase", "lead_organization").prefetch_related(
        Prefetch("territories", queryset=territories_with_path()),
        Prefetch("partners", queryset=ProjectPartner.objects.select_related("organization")),
    )


def project_get(*, user, program_slug: str, code: str) -> Project:
    return get_object_or_404(project_list(user=user), program__slug=program_slug, code=code)


def project_get_by_id(*, user, project_id: int) -> Project:
    return get_object_or_404(project_list(user=user), pk=project_id)


def project_editable_list(*, user, program: Program) -> QuerySet:
    """The projects of `program` the user may change (the rule of `access.project_can_edit`, for many at once)."""
    projects = access.projects_visible(user).filter(program=program)
    if not access.program_can_edit(user, program):
        projects = projects.filter(lead_organization__in=access.organization_ids(user, access.STAFF_ROLES))
    return projects.order_by("code")


def project_funders(*, user) -> QuerySet:
    """Organizations funding a project the user sees (by commitment or named as funder), for filters."""
    visible = access.projects_visible(user).values("pk")
    return Organization.objects.filter(
        Q(commitments__project__in=visible)
        | Q(partnerships__project__in=visible, partnerships__role=PartnerRole.FUNDER)
    ).distinct()


def project_organizations(*, user) -> QuerySet:
    """Organizations leading or partnering in a project the user sees, for filters."""
    visible = access.projects_visible(user).values("pk")
    return Organization.objects.filter(Q(led_projects__in=visible) | Q(partnerships__project__in=visible)).distinct()


def partner_get(*, user, project: Project, partner_id: int) -> ProjectPartner:
    """A partner of a project the user sees (`project` comes from `project_get`)."""
    return get_object_or_404(
        ProjectPartner.objects.filter(project=project).select_related("organization", "project__program"), pk=partner_id
    )


def commitment_list(*, user, project: Project | None = None, program: Program | None = None) -> QuerySet:
    commitments = FundingCommitment.objects.filter(project__in=access.projects_visible(user).values("pk"))
    if project is not None:
        commitments = commitments.filter(project=project)
    if program is not None:
        commitments = commitments.filter(project__program=program)
    disbursed = Coalesce(Sum("disbursements__amount"), Value(Decimal("0")), output_field=MONEY)
    return (
        commitments.select_related("project__program", "project__lead_organization", "funder")
        .prefetch_related("disbursements")
        .annotate(disbursed=disbursed, remaining=F("amount") - disbursed)
    )


def commitment_get(*, user, commitment_id: int) -> FundingCommitment:
    return get_object_or_404(commitment_list(user=user), pk=commitment_id)


def disbursement_get(*, user, disbursement_id: int) -> Disbursement:
    visible = access.projects_visible(user).values("pk")
    return get_object_or_404(
        Disbursement.objects.filter(commitment__project__in=visible).select_related(
            "commitment__project__program", "commitment__project__lead_organization"
        ),
        pk=disbursement_id,
    )


def funding_totals(commitments) -> list[dict]:
    """Committed, disbursed and remaining sums per currency: amounts in different currencies are never added."""
    zero = Decimal("0")
    totals = {}
    for commitment in commitments:
        row = totals.setdefault(
            commitment.currency, {"currency": commitment.currency, "committed": zero, "disbursed": zero}
        )
        row["committed"] += commitment.amount
        row["disbursed"] += commitment.disbursed or zero
    for row in totals.values():
        row["remaining"] = row["committed"] - row["disbursed"]
    return [totals[currency] for currency in sorted(totals)]


def initiative_list(
    *,
    user,
    program: Program | None = None,
    project: Project | None = None,
    territory: str = "",
    status: str = "",
    search: str = "",
) -> QuerySet:
    initiatives = Initiative.objects.filter(program__in=access.programs_visible(user).values("pk"))
    if program is not None:
        initiatives = initiatives.filter(program=program)
    if project is not None:
        initiatives = initiatives.filter(project=project)
    if search:
        initiatives = initiatives.filter(
            Q(title_es__icontains=search) | Q(title_en__icontains=search) | Q(proposed_by__icontains=search)
        )
    if territory:
        initiatives = initiatives.filter(territory_filter("territory", territory))
    if status:
        initiatives = initiatives.filter(status=status)
    return initiatives.select_related("program", "project__lead_organization", "territory__parent__parent")


def initiative_get(*, user, initiative_id: int) -> Initiative:
    return get_object_or_404(initiative_list(user=user), pk=initiative_id)
