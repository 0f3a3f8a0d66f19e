from django.db import transaction
from django.utils.translation import gettext as _

from minka.accounts import access
from minka.audit.services import audit_create, audit_update, record_snapshot
from minka.core.errors import PermissionDenied
from minka.core.services import record_save
from minka.network.models import Organization, Site

ORGANIZATION_FIELDS = (
    "slug",
    "name",
    "short_name",
    "kind",
    "country",
    "ruc",
    "iati_identifier",
    "website",
    "description",
    "district",
    "is_active",
)
SITE_FIELDS = ("organization", "name", "kind", "district", "address", "is_active")


def _only(data: dict, allowed) -> dict:
    return {key: value for key, value in data.items() if key in allowed}


@transaction.atomic
def organization_create(*, user, data: dict) -> Organization:
    if not access.organization_can_create(user):
        raise PermissionDenied(_("No tiene permiso para registrar organizaciones."))
    organization = record_save(Organization(), _only(data, ORGANIZATION_FIELDS))
    audit_create(actor=user, instance=organization, organization=organization)
    return organization


@transaction.atomic
def organization_update(*, user, organization: Organization, data: dict) -> Organization:
    if not access.organization_can_edit(user, organization):
        raise PermissionDenied(_("No tiene permiso para modificar esta organización."))
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    before = record_snapshot(organization)
    record_save(organization, _only(data, ORGANIZATION_FIELDS))
    audit_update(actor=user, instance=organization, before=before, organization=organization)
    return organization


@transaction.atomic
def site_create(*, user, data: dict) -> Site:
    organization = data.get("organization")
    if organization is None or not access.site_can_edit(user, organization.pk):
        raise PermissionDenied(_("No tiene permiso para registrar sedes de esta organización."))
    site = record_save(Site(), _only(data, SITE_FIELDS))
    audit_create(actor=user, instance=site, organization=site.organization)
    return site


@transaction.atomic
def site_update(*, user, site: Site, data: dict) -> Site:
    new_organization = data.get("organization", site.organization)
    if not (access.site_can_edit(user, site.organization_id) and access.site_can_edit(user, new_organization.pk)):
        raise PermissionDenied(_("No tiene permiso para modificar esta sede."))
    site = Site.objects.select_for_update().get(pk=site.pk)
    before = record_snapshot(site)
    record_save(site, _only(data, SITE_FIELDS))
    audit_update(actor=user, instance=site, before=before, organization=site.organization)
    return site
