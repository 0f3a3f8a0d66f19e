"""Reading connections, pulls and submissions. Only the admins of an organization (and network admins) reach its
connections: they hold the keys to its field servers and what every field team sent. Anyone else gets a 404."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from minka.accounts import access
from minka.accounts.models import OrganizationRole
from minka.network.models import Organization
from minka.submissions.models import Pull, ServerConnection, Submission, SubmissionStatus


def organizations_managed(user) -> QuerySet:
    if access.is_network_admin(user):
        return Organization.objects.all()
    return Organization.objects.filter(pk__in=access.organization_ids(user, [OrganizationRole.ADMIN]))


def organization_get(*, user, slug: str) -> Organization:
    return get_object_or_404(organizations_managed(user), slug=slug)


def connections_of(*, organization: Organization) -> QuerySet:
    return ServerConnection.objects.filter(organization=organization).select_related("program")


def connection_get(*, organization: Organization, pk) -> ServerConnection:
    return get_object_or_404(connections_of(organization=organization), pk=pk)


def pulls_of(*, connection: ServerConnection) -> QuerySet:
    return Pull.objects.filter(connection=connection).select_related("started_by")


def failed_submissions(*, connection: ServerConnection) -> QuerySet:
    return Submission.objects.filter(connection=connection, status=SubmissionStatus.FAILED).order_by(
        "submitted_at", "pk"
    )
