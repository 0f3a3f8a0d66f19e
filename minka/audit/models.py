from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("creó")
    UPDATE = "update", _("modificó")
    DELETE = "delete", _("eliminó")
    ACCESS = "access", _("consultó")


class AuditEvent(models.Model):
    """One change to a record: who, when, what, and each field's value before and after.

    Rows are only ever added. The record is named by its model label and key rather than a foreign
    key, so the trail outlives the record it speaks of.
    """

    at = models.DateTimeField(_("fecha"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("por"),
    )
    action = models.CharField(_("acción"), max_length=10, choices=AuditAction.choices)
    model = models.CharField(_("tipo de registro"), max_length=60, db_index=True)
    object_id = models.CharField(_("id del registro"), max_length=64, db_index=True)
    object_repr = models.CharField(_("registro"), max_length=250)
    organization = models.ForeignKey(
        "network.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organización"),
    )
    program = models.ForeignKey(
        "programs.Program",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programa"),
    )
    changes = models.JSONField(_("cambios"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("evento de auditoría")
        verbose_name_plural = _("eventos de auditoría")
        indexes = [models.Index(fields=["model", "object_id", "-at"], name="audit_record_history")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.get_action_display()} {self.object_repr}"
