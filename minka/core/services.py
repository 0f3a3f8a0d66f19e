"""The one way a record is written: assign, validate fully, save, set its many-to-many sets."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import UniqueConstraint
from django.utils.translation import gettext as _

from minka.core.errors import ApplicationError


def record_save(instance, data: dict, *, m2m: dict | None = None):
    """Assigns `data`, runs every model check (fields, clean, unique and check constraints), saves.

    Must run inside a transaction. A ValidationError or a constraint the database catches first
    becomes an ApplicationError naming the fields, so nothing is half-written.
    """
    for name, value in data.items():
        setattr(instance, name, value)
    try:
        instance.full_clean()
    except ValidationError as error:
        raise ApplicationError.from_validation_error(unique_errors_on_fields(instance, error)) from None
    try:
        with transaction.atomic():
            instance.save()
            for name, values in (m2m or {}).items():
                getattr(instance, name).set(values)
    except IntegrityError:
        raise ApplicationError(_("Ya existe un registro con esos datos."), code="conflict", status=409) from None
    return instance


def unique_errors_on_fields(instance, error: ValidationError) -> ValidationError:
    """Moves duplicate-record errors from the whole record onto the fields the user typed.

    Django reports a duplicate within a scope ("this code in this program") and a conditional unique
    constraint ("this RUC, where one is given") as errors of the whole record, the latter under the
    constraint's name. The first field of a scoped check is the scope (program, organization…), which
    the user did not type; the others are named. A conditional constraint gets Django's usual sentence.
    """
    if not hasattr(error, "error_dict") or NON_FIELD_ERRORS not in error.error_dict:
        return error
    conditional = {
        str(constraint.get_violation_error_message()): tuple(constraint.fields)
        for constraint in instance._meta.constraints
        if isinstance(constraint, UniqueConstraint) and constraint.fields and constraint.condition is not None
    }
    errors = {name: list(items) for name, items in error.error_dict.items() if name != NON_FIELD_ERRORS}
    for item in error.error_dict[NON_FIELD_ERRORS]:
        targets = (NON_FIELD_ERRORS,)
        if item.code == "unique_together" and len((item.params or {}).get("unique_check", ())) > 1:
            targets = tuple(item.params["unique_check"][1:])
        elif " ".join(item.messages) in conditional:
            fields = conditional[" ".join(item.messages)]
            item = instance.unique_error_message(type(instance), fields)
            targets = fields
        for target in targets:
            errors.setdefault(target, []).append(item)
    return ValidationError(errors)
