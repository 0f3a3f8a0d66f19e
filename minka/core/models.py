from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Base of every Minka model: when a row was made and last changed."""

    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)

    class Meta:
        abstract = True


def translated(instance, field: str) -> str:
    """The Spanish or English value of `field_es`/`field_en` for the active language, falling back to the other."""
    first, second = ("en", "es") if (get_language() or "es").startswith("en") else ("es", "en")
    return getattr(instance, f"{field}_{first}") or getattr(instance, f"{field}_{second}")


# Words the pages use in their own addresses ("programas/nuevo/", "organizaciones/nueva/"): a record
# keyed by one of them could never be opened.
RESERVED_SLUGS = frozenset({"nuevo", "nueva", "editar"})


def check_not_reserved(value: str, field: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError({field: _("Esa palabra está reservada; elija otra.")}, code="reserved")
