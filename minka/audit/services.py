"""Writing the audit trail. Every service that changes a record calls one of these in its transaction."""

from decimal import Decimal

from django.db import models
from django.db.models.fields.files import FieldFile

from minka.audit.models import AuditAction, AuditEvent


def _plain(value):
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name  # the stored file's path: the trail says which file, not what was in it
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


# Never copied into the trail: bookkeeping, and secrets (even hashed).
NOT_AUDITED = {"created_at", "updated_at", "key_hash", "password", "dni_hash", "search_name"}


def record_snapshot(instance: models.Model, *, m2m: tuple[str, ...] = ()) -> dict:
    """The audited values of a record: its concrete fields (foreign keys by id) and the named many-to-many sets."""
    values = {}
    for field in instance._meta.concrete_fields:
        if field.name in NOT_AUDITED:
            continue
        value = getattr(instance, field.attname)
        if isinstance(field, models.DecimalField) and value is not None:
            # 3000 typed and 3000.00 read back are one amount: compare them at the column's scale.
            value = Decimal(value).quantize(Decimal(1).scaleb(-field.decimal_places))
        values[field.name] = _plain(value)
    for name in m2m:
        values[name] = sorted(str(pk) for pk in getattr(instance, name).values_list("pk", flat=True))
    return values


def audit_changes(before: dict, after: dict) -> dict:
    """{field: [old, new]} for each field whose value changed."""
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}


def audit_record(*, actor, action: str, instance: models.Model, changes: dict, organization=None, program=None):
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        model=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:250],
        organization=organization,
        program=program,
        changes=changes,
    )


def audit_create(*, actor, instance, organization=None, program=None, m2m: tuple[str, ...] = ()):
    after = record_snapshot(instance, m2m=m2m)
    return audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=instance,
        changes=audit_changes({}, after),
        organization=organization,
        program=program,
    )


def audit_update(*, actor, instance, before: dict, organization=None, program=None, m2m: tuple[str, ...] = ()):
    """Records the fields that changed since `before` (a `record_snapshot`); nothing when none did."""
    changes = audit_changes(before, record_snapshot(instance, m2m=m2m))
    if not changes:
        return None
    return audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=instance,
        changes=changes,
        organization=organization,
        program=program,
    )


def audit_delete(*, actor, instance, organization=None, program=None, m2m: tuple[str, ...] = ()):
    before = record_snapshot(instance, m2m=m2m)
    return audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        instance=instance,
        changes=audit_changes(before, dict.fromkeys(before)),
        organization=organization,
        program=program,
    )
