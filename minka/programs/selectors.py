from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from minka.accounts import access
from minka.programs.models import FundingCommitment, Initiative, PartnerRole, Program, Project, ProjectPartner


def territory_filter(field: str, code: str) -> Q:
    """Records whose `field` territory lies inside `code`, or contains it (a province scope covers its districts)."""
    ancestors = [code[:n] for n in (2, 4) if len(code) > n]
    return Q(**{f"{field}__code__startswith": code}) | Q(**{f"{field}__code__in": ancestors})


def program_list(*, user) -> QuerySet:
    visible_projects = access.projects_visible(user).values("pk")
    return (
        access.programs_visible(user)
        .prefetch_related("catalysts")
        .annotate(project_count=Count("projects", filter=Q(projects__in=visible_projects), distinct=True))
        .order_by("name_es")
    )


def program_get(*, user, slug: str) -> Program:
    return get_object_or_404(access.programs_visible(user).prefetch_related("catalysts", "phases"), slug=slug)


def project_list(
    *, user, program: Program | None = None, territory: str = "", funder: str = "", status: str = "", search: str = "",
    organization: str = "",
) -> QuerySet:
    projects = access.projects_visible(user)
    if program is not None:
        projects = projects.filter(program=program)
    if territory:
        projects = projects.filter(pk__in=Project.objects.filter(territory_filter("territories", territory)).values("pk"))
    if funder:
        funded = Project.objects.filter(
            Q(commitments__funder__slug=funder) | Q(partners__organization__slug=funder, partners__role=PartnerRole.FUNDER)
        )
        projects = projects.filter(pk__in=funded.values("pk"))
    if organization:
        involved = Project.objects.filter(Q(lead_organization__slug=organization) | Q(partners__organization__slug=organization))
        projects = projects.filter(pk__in=involved.values("pk"))
    if status:
        projects = projects.filter(status=status)
    if search:
        projects = projects.filter(Q(title_es__icontains=search) | Q(title_en__icontains=search) | Q(code__icontains=search))
    return projects.select_related("program", "phase", "lead_organization").prefetch_related(
        "territories__parent__parent",
        Prefetch("partners", queryset=ProjectPartner.objects.select_related("organization")),
    )


def project_get(*, user, program_slug: str, code: str) -> Project:
    return get_object_or_404(project_list(user=user), program__slug=program_slug, code=code)


def project_get_by_id(*, user, project_id: int) -> Project:
    return get_object_or_404(project_list(user=user), pk=project_id)


def commitment_list(*, user, project: Project | None = None, program: Program | None = None) -> QuerySet:
    commitments = FundingCommitment.objects.filter(project__in=access.projects_visible(user).values("pk"))
    if project is not None:
        commitments = commitments.filter(project=project)
    if program is not None:
        commitments = commitments.filter(project__program=program)
    return (
        commitments.select_related("project__program", "funder")
        .prefetch_related("disbursements")
        .annotate(disbursed=Sum("disbursements__amount"))
    )


def commitment_get(*, user, commitment_id: int) -> FundingCommitment:
    return get_object_or_404(commitment_list(user=user), pk=commitment_id)


def funding_totals(commitments) -> list[dict]:
    """Committed and disbursed sums per currency: amounts in different currencies are never added together."""
    totals = {}
    for commitment in commitments:
        row = totals.setdefault(commitment.currency, {"currency": commitment.currency, "committed": 0, "disbursed": 0})
        row["committed"] += commitment.amount
        row["disbursed"] += commitment.disbursed or 0
    return [totals[currency] for currency in sorted(totals)]


def initiative_list(*, user, program: Program | None = None, territory: str = "", status: str = "") -> QuerySet:
    initiatives = Initiative.objects.filter(program__in=access.programs_visible(user).values("pk"))
    if program is not None:
        initiatives = initiatives.filter(program=program)
    if territory:
        initiatives = initiatives.filter(territory_filter("territory", territory))
    if status:
        initiatives = initiatives.filter(status=status)
    return initiatives.select_related("program", "project", "territory__parent__parent")


def initiative_get(*, user, initiative_id: int) -> Initiative:
    return get_object_or_404(initiative_list(user=user), pk=initiative_id)
