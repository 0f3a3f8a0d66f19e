"""The one way a record is written: assign, validate fully, save, set its many-to-many sets."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
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
        raise ApplicationError.from_validation_error(error) from None
    try:
        with transaction.atomic():
            instance.save()
            for name, values in (m2m or {}).items():
                getattr(instance, name).set(values)
    except IntegrityError:
        raise ApplicationError(
            _("Ya existe un registro con esos datos."), code="conflict", status=409
        ) from None
    return instance
