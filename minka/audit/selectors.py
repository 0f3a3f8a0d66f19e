import datetime

from django.apps import apps
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.text import capfirst

from minka.accounts import access
from minka.accounts.models import OrganizationRole
from minka.audit.models import AuditEvent
from minka.network.models import Organization


def audit_scope(*, user) -> Q:
    """Which events the user may read; 404 for a user who may read none, as if the trail did not exist."""
    scope = access.audit_visible_filter(user)
    if scope is None:
        raise Http404
    return scope


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_event_list(
    *,
    user,
    model: str = "",
    organization_id: int | None = None,
    program_id: int | None = None,
    actor: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet:
    """The audit trail the user may read, newest first, filtered; dates are whole days in the local time zone."""
    events = AuditEvent.objects.filter(audit_scope(user=user)).select_related("actor", "organization", "program")
    if model:
        events = events.filter(model=model)
    if organization_id:
        events = events.filter(organization_id=organization_id)
    if program_id:
        events = events.filter(program_id=program_id)
    if actor:
        events = events.filter(
            Q(actor__username__iexact=actor)
            | Q(actor__first_name__icontains=actor)
            | Q(actor__last_name__icontains=actor)
        )
    # Compared with the start of a day rather than by `__date`, so the index on `at` serves the query.
    if date_from:
        events = events.filter(at__gte=_day_start(date_from))
    if date_to:
        events = events.filter(at__lt=_day_start(date_to + datetime.timedelta(days=1)))
    return events.order_by("-at", "-id")


def audited_models() -> list[tuple[str, str]]:
    """(label, name) of every Minka model, for the record-type filter; read from the code, not the table."""
    return sorted(
        (
            (model._meta.label_lower, capfirst(str(model._meta.verbose_name)))
            for model in apps.get_models()
            if model.__module__.startswith("minka.") and model is not AuditEvent
        ),
        key=lambda item: item[1],
    )


def audit_filter_organizations(*, user) -> QuerySet:
    """The organizations whose trail the user reads, for the organization filter."""
    if access.is_network_admin(user):
        return Organization.objects.order_by("name")
    return Organization.objects.filter(
        pk__in=access.organization_ids(user, [OrganizationRole.ADMIN, OrganizationRole.AUDITOR])
    ).order_by("name")


def audit_filter_programs(*, user) -> QuerySet:
    return access.programs_visible(user).order_by("name_es")
