"""Donor reports: a program's (or a project's) results, money and stories over a period, as a PDF or a workbook.

A report is asked for on a page and built by the task queue (`minka.reports.tasks`); the row keeps what was asked
(program, project, period, language, format), how far the build has gone, and the file, so it can be downloaded
again. The figures are always those a funder may see: small cells hidden, whoever asked.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.core.models import TimeStampedModel


class ReportLanguage(models.TextChoices):
    ES = "es", _("Español")
    EN = "en", _("Inglés")


class ReportFormat(models.TextChoices):
    PDF = "pdf", _("PDF")
    XLSX = "xlsx", _("Excel (XLSX)")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("En cola")
    RUNNING = "running", _("Generándose")
    DONE = "done", _("Listo")
    FAILED = "failed", _("Falló")


# A build writes its progress every few seconds; one silent this long has lost its worker.
STUCK_AFTER = datetime.timedelta(minutes=10)


def report_path(instance, filename):
    return f"reports/{instance.program_id}/{filename}"


class DonorReport(TimeStampedModel):
    """A donor report asked for by someone, with its parameters, the progress of its build and its file."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="donor_reports", verbose_name=_("programa")
    )
    project = models.ForeignKey(
        "programs.Project",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="donor_reports",
        verbose_name=_("proyecto"),
    )
    phase = models.ForeignKey(
        "programs.Phase", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("fase")
    )
    period_start = models.DateField(_("desde"), null=True, blank=True)
    period_end = models.DateField(_("hasta"), null=True, blank=True)
    language = models.CharField(_("idioma"), max_length=2, choices=ReportLanguage.choices)
    format = models.CharField(_("formato"), max_length=4, choices=ReportFormat.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("pedido por")
    )
    requested_at = models.DateTimeField(_("pedido el"), default=timezone.now)
    # Funders see the reports the program's staff asked for and those of their own organization, never another
    # funder's: who asked as a funder, and for which organization, is kept here.
    requested_as_funder = models.BooleanField(default=False, editable=False)
    funder = models.ForeignKey(
        "network.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("financiador que lo pidió"),
    )
    status = models.CharField(_("estado"), max_length=8, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("avance (%)"), default=0)
    step = models.CharField(_("paso"), max_length=120, blank=True)
    file = models.FileField(_("archivo"), upload_to=report_path, max_length=250, blank=True)
    error = models.TextField(_("error"), blank=True)
    finished_at = models.DateTimeField(_("terminado el"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("informe para financiadores")
        verbose_name_plural = _("informes para financiadores")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__isnull=True, period_end__isnull=True)
                | Q(period_start__isnull=False, period_end__isnull=False, period_end__gte=models.F("period_start")),
                name="donor_report_period_whole",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="donor_report_progress_at_most_100"),
        ]

    def __str__(self):
        return f"{self.program} ({self.get_language_display()}, {self.get_format_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ReportStatus.DONE, ReportStatus.FAILED)

    @property
    def seems_stuck(self) -> bool:
        """A build that has not moved for a while: its worker most likely stopped (the page says so)."""
        return self.status == ReportStatus.RUNNING and timezone.now() - self.updated_at > STUCK_AFTER

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""
