"""Submissions from the field: an organization's connections to a KoboToolbox or ODK Central server, each pull (or
upload of a Kobo export) made through them, and every submission received, kept once per organization by its
instance uuid so that pulling again never brings a record in twice.

A connection's token or password is sealed (minka.submissions.sealing): Minka must send it, so it cannot be hashed
like its own API tokens; it is never shown back, nor written to the audit trail, the admin or a log.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.core.models import TimeStampedModel


class ServerKind(models.TextChoices):
    KOBO = "kobo", _("KoboToolbox (API v2)")
    ODK = "odk", _("ODK Central (OData)")


class ServerConnection(TimeStampedModel):
    """Where one form's submissions come from: a KoboToolbox project (asset) or an ODK Central form."""

    organization = models.ForeignKey(
        "network.Organization", on_delete=models.PROTECT, related_name="server_connections",
        verbose_name=_("organización"),
    )  # fmt: skip
    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, null=True, blank=True, related_name="server_connections",
        verbose_name=_("programa"),
    )  # fmt: skip
    name = models.CharField(_("nombre"), max_length=120)
    kind = models.CharField(_("servidor"), max_length=10, choices=ServerKind.choices)
    base_url = models.URLField(_("dirección del servidor"), help_text=_("Por ejemplo https://kf.kobotoolbox.org"))
    username = models.CharField(
        _("usuario"), max_length=200, blank=True, help_text=_("Solo ODK Central: el correo de la cuenta.")
    )
    secret_sealed = models.TextField(_("token o contraseña (sellado)"), blank=True, editable=False)
    asset_uid = models.CharField(
        _("identificador del formulario en Kobo"), max_length=64, blank=True,
        help_text=_("Solo KoboToolbox: el «uid» del proyecto, como aBcD1234efGh5678."),
    )  # fmt: skip
    odk_project_id = models.PositiveIntegerField(_("proyecto en ODK Central"), null=True, blank=True)
    odk_form_id = models.CharField(_("formulario en ODK Central (xmlFormId)"), max_length=200, blank=True)
    form_key = models.CharField(
        _("formulario de Minka"), max_length=60, help_text=_("El formulario de Minka que este servidor recoge.")
    )
    enabled = models.BooleanField(_("activa"), default=True)
    pull_every_hours = models.PositiveSmallIntegerField(
        _("traer cada (horas)"), default=24, help_text=_("0: solo cuando alguien lo pide.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("creada por"),
        help_text=_("Las traídas del horario se importan a su nombre."),
    )  # fmt: skip
    last_pulled_at = models.DateTimeField(_("última vez traídos"), null=True, blank=True)
    last_error = models.TextField(_("último error"), blank=True)
    last_error_at = models.DateTimeField(_("fecha del último error"), null=True, blank=True)

    class Meta:
        ordering = ["organization", "name", "pk"]
        verbose_name = _("conexión a un servidor de formularios")
        verbose_name_plural = _("conexiones a servidores de formularios")

    def __str__(self):
        return self.name

    @property
    def has_secret(self) -> bool:
        return bool(self.secret_sealed)

    def is_due(self, now=None) -> bool:
        """An enabled connection with a schedule whose last pull is older than its period (or that never pulled)."""
        if not self.enabled or not self.pull_every_hours:
            return False
        if self.last_pulled_at is None:
            return True
        now = now or timezone.now()
        return (now - self.last_pulled_at).total_seconds() >= self.pull_every_hours * 3600


class PullSource(models.TextChoices):
    SERVER = "server", _("Traídos del servidor")
    UPLOAD = "upload", _("Archivo exportado")


class Pull(TimeStampedModel):
    """One pass over a connection's submissions: from the server, or from an uploaded export file."""

    connection = models.ForeignKey(
        ServerConnection, on_delete=models.CASCADE, related_name="pulls", verbose_name=_("conexión")
    )
    source = models.CharField(_("origen"), max_length=10, choices=PullSource.choices, default=PullSource.SERVER)
    file_name = models.CharField(_("archivo"), max_length=255, blank=True)
    # An uploaded export waiting for the task queue; deleted once read, as it carries people's data in clear.
    file = models.FileField(_("exportación por importar"), upload_to="submissions/uploads/%Y/", blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("pedido por"), help_text=_("Vacío cuando lo trajo el horario."),
    )  # fmt: skip
    started_at = models.DateTimeField(_("inicio"), default=timezone.now)
    finished_at = models.DateTimeField(_("fin"), null=True, blank=True)
    received = models.PositiveIntegerField(_("recibidos"), default=0)
    imported = models.PositiveIntegerField(_("nuevos importados"), default=0)
    failed = models.PositiveIntegerField(_("fallidos"), default=0)
    already = models.PositiveIntegerField(_("ya importados antes"), default=0)
    error = models.TextField(_("error"), blank=True)
    batches = models.ManyToManyField(
        "imports.ImportBatch", blank=True, related_name="pulls", verbose_name=_("importaciones"),
        help_text=_("Una por tipo de registro: el historial de importaciones las lista y se deshacen enteras."),
    )  # fmt: skip

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("traída de envíos")
        verbose_name_plural = _("traídas de envíos")

    def __str__(self):
        return f"{self.connection} · {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def running(self) -> bool:
        """Waiting on the task queue or under way: its counts are still growing."""
        return self.finished_at is None


class SubmissionStatus(models.TextChoices):
    PENDING = "pending", _("Pendiente")
    IMPORTED = "imported", _("Importado")
    FAILED = "failed", _("Fallido")


class Submission(TimeStampedModel):
    """One filled-in form as the server sent it, and what became of it in Minka."""

    organization = models.ForeignKey(
        "network.Organization", on_delete=models.PROTECT, related_name="submissions", verbose_name=_("organización")
    )
    connection = models.ForeignKey(
        ServerConnection, on_delete=models.CASCADE, related_name="submissions", verbose_name=_("conexión")
    )
    pull = models.ForeignKey(
        Pull, on_delete=models.SET_NULL, null=True, related_name="submissions", verbose_name=_("última traída"),
    )  # fmt: skip
    instance_uuid = models.CharField(_("uuid del envío"), max_length=100)
    form_id = models.CharField(_("formulario"), max_length=200, blank=True)
    form_version = models.CharField(_("versión del formulario"), max_length=100, blank=True)
    submitted_at = models.DateTimeField(_("enviado"), null=True, blank=True)
    raw = models.JSONField(_("datos recibidos"))
    status = models.CharField(
        _("estado"), max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.PENDING
    )
    failure_reason = models.TextField(_("motivo del fallo"), blank=True)
    imported_at = models.DateTimeField(_("importado"), null=True, blank=True)
    batch = models.ForeignKey(
        "imports.ImportBatch", on_delete=models.SET_NULL, null=True, blank=True, related_name="submissions",
        verbose_name=_("importación"), help_text=_("Deshecha, el envío vuelve a importarse en la próxima traída."),
    )  # fmt: skip
    records = models.JSONField(
        _("registros creados"), default=list, blank=True, help_text=_("[{model, pk}] de lo que creó en Minka.")
    )

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("envío de formulario")
        verbose_name_plural = _("envíos de formularios")
        constraints = [
            models.UniqueConstraint(fields=["organization", "instance_uuid"], name="submission_once_per_organization")
        ]

    def __str__(self):
        return self.instance_uuid
