"""Who sees which donor reports.

A report belongs to a program the user sees (`access.programs_visible`); anything else is a 404. The program's
staff, coordinators and auditors see all its reports. Those who see the program as aggregates only (funders) see
the reports its staff asked for, and those asked for by themselves or by their own organization: never another
funder's.
"""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from minka.accounts import access
from minka.programs.models import FundingCommitment, PartnerRole, Program, ProjectPartner
from minka.reports.models import DonorReport
from minka.results.selectors import aggregates_only


def reports_visible(*, user, program: Program) -> QuerySet:
    reports = DonorReport.objects.filter(program=program).select_related("project", "phase", "requested_by")
    if not aggregates_only(user, program):
        return reports
    return reports.filter(
        Q(requested_as_funder=False) | Q(requested_by=user) | Q(funder__in=access.organization_ids(user))
    )


def report_get(*, user, program: Program, pk) -> DonorReport:
    return get_object_or_404(reports_visible(user=user, program=program), pk=pk)


def projects_for_reports(*, user, program: Program) -> QuerySet:
    """The program's projects the user may ask a report of: those they see."""
    return access.projects_visible(user).filter(program=program).order_by("code")


def funder_of(*, user, program: Program):
    """The organization through which an aggregates-only user sees the program as its funder, if any."""
    own = access.organization_ids(user)
    funding = set(
        FundingCommitment.objects.filter(project__program=program, funder__in=own).values_list("funder_id", flat=True)
    )
    funding |= set(
        ProjectPartner.objects.filter(
            project__program=program, organization__in=own, role=PartnerRole.FUNDER
        ).values_list("organization_id", flat=True)
    )
    return min(funding) if funding else None
