"""An import: one file (or one pull of field submissions) brought into Minka as a whole, and what it created.

`ImportBatch` keeps the file, how its headers were mapped, its progress while it runs, its summary and every
row-level error. `ImportedRecord` lists each record the batch created (person, consent, enrollment, session,
attendance…), in creation order, so the whole batch can be undone while nothing depends on it. Rows that were
already in Minka ("unchanged") are not listed: undoing a batch never deletes what it did not create.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from minka.core.models import TimeStampedModel


class ImportSource(models.TextChoices):
    FILE = "file", _("Archivo")
    KOBO = "kobo", _("KoboToolbox")
    ODK = "odk", _("ODK Central")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Subido")
    CHECKING = "checking", _("Revisando")
    PREVIEWED = "previewed", _("Revisado")
    QUEUED = "queued", _("En cola")
    RUNNING = "running", _("Importando")
    COMMITTED = "committed", _("Importado")
    FAILED = "failed", _("Con errores, nada importado")
    UNDONE = "undone", _("Deshecho")


def import_path(batch, filename: str) -> str:
    return f"imports/{batch.organization_id}/{filename}"


class ImportBatch(TimeStampedModel):
    organization = models.ForeignKey(
        "network.Organization", on_delete=models.PROTECT, related_name="import_batches", verbose_name=_("organización")
    )
    program = models.ForeignKey(
        "programs.Program",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="import_batches",
        verbose_name=_("programa"),
    )
    kind = models.CharField(_("tipo de datos"), max_length=40)
    source = models.CharField(_("origen"), max_length=10, choices=ImportSource.choices, default=ImportSource.FILE)
    file = models.FileField(_("archivo"), upload_to=import_path, max_length=250, blank=True)
    file_name = models.CharField(_("nombre del archivo"), max_length=250, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    mapping = models.JSONField(_("columnas"), default=dict, blank=True)  # {column key: header text}
    language = models.CharField(_("idioma"), max_length=5, default="es")
    status = models.CharField(_("estado"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    progress = models.PositiveSmallIntegerField(_("avance (%)"), default=0, validators=[MaxValueValidator(100)])
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    # {"rows", "created", "unchanged", "repeated", "skipped", "errors", "warnings", "extra_headers", "missing_columns"}
    summary = models.JSONField(_("resumen"), default=dict, blank=True)
    errors = models.JSONField(_("errores"), default=list, blank=True)  # [{row, column, message, code, value}]
    warnings = models.JSONField(_("avisos"), default=list, blank=True)  # likely duplicates, repeated rows
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("importado por")
    )
    committed_at = models.DateTimeField(_("importado el"), null=True, blank=True)
    undone_at = models.DateTimeField(_("deshecho el"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("importación")
        verbose_name_plural = _("importaciones")

    def __str__(self):
        return f"{self.kind} · {self.file_name or self.get_source_display()} ({self.created_at:%d/%m/%Y})"


class ImportedRecord(models.Model):
    """One record a batch created. Undo deletes them newest first (attendance before its session)."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="records")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    row = models.PositiveIntegerField()
    natural_key = models.CharField(max_length=250, blank=True)

    class Meta:
        ordering = ["batch", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="imported_record_target")]

    def __str__(self):
        return f"{self.batch_id}:{self.row} {self.content_type_id}/{self.object_id}"
