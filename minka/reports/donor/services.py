"""Asking for a donor report, and building it (in the task queue: `minka.reports.tasks.donor_report_build`).

The request is one audited write that also puts the build in the queue, in the same transaction: a report is
never asked for without being queued, nor queued without its row. The build writes its progress in short
statements of their own, so the page that polls it sees each step; a failure becomes a clear message on the
report, never a report stuck half-way.
"""

import datetime
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from minka.audit.services import audit_create
from minka.core.errors import ApplicationError
from minka.programs.models import Phase, Program, Project
from minka.reports.donor import selectors
from minka.reports.donor.content import content_build
from minka.reports.donor.pdf import pdf_render
from minka.reports.donor.xlsx import xlsx_render
from minka.reports.models import DonorReport, ReportFormat, ReportLanguage, ReportStatus
from minka.results.selectors import aggregates_only

logger = logging.getLogger(__name__)


def _check(*, user, program, project, phase, start, end, language, file_format) -> None:
    errors = {}
    if language not in ReportLanguage.values:
        errors["language"] = [_("Elija español o inglés.")]
    if file_format not in ReportFormat.values:
        errors["format"] = [_("Elija PDF o XLSX.")]
    if (start is None) != (end is None):
        errors["end" if end is None else "start"] = [_("Indique el inicio y el fin del periodo, o ninguno.")]
    elif start is not None and end < start:
        errors["end"] = [_("El fin del periodo es anterior a su inicio.")]
    projects = selectors.projects_for_reports(user=user, program=program)
    if project is not None and not projects.filter(pk=project.pk).exists():
        errors["project"] = [_("Ese proyecto no es de este programa.")]
    if phase is not None and phase.program_id != program.pk:
        errors["phase"] = [_("Esa fase no es de este programa.")]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, code="invalid_report", fields=errors)


def donor_report_request(
    *,
    user,
    program: Program,
    language: str,
    file_format: str,
    project: Project | None = None,
    phase: Phase | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> DonorReport:
    """Keeps the request and queues its build. Anyone who sees the program may ask; a funder's request is marked
    with their organization, so other funders never see it."""
    from minka.reports.tasks import donor_report_build

    _check(
        user=user,
        program=program,
        project=project,
        phase=phase,
        start=start,
        end=end,
        language=language,
        file_format=file_format,
    )
    as_funder = aggregates_only(user, program)
    report = DonorReport(
        program=program,
        project=project,
        phase=phase,
        period_start=start,
        period_end=end,
        language=language,
        format=file_format,
        requested_by=user,
        requested_as_funder=as_funder,
        funder_id=selectors.funder_of(user=user, program=program) if as_funder else None,
    )
    with transaction.atomic():
        report.full_clean()
        report.save()
        audit_create(actor=user, instance=report, program=program)
        donor_report_build.enqueue(report.pk)
    return report


def _progress(report_id: int, percent: int, step: str, **more) -> None:
    # `update` skips auto_now: the time is set here, so the page can tell a build that stopped moving.
    DonorReport.objects.filter(pk=report_id).update(
        progress=percent, step=step[:120], updated_at=timezone.now(), **more
    )


def _filename(report: DonorReport) -> str:
    parts = [report.program.slug]
    if report.project:
        parts.append(report.project.code)
    if report.period_start:
        parts.append(f"{report.period_start:%Y%m%d}-{report.period_end:%Y%m%d}")
    elif report.phase:
        parts.append(f"fase-{report.phase.number}")
    parts.append(report.language)
    return f"{'_'.join(parts)}.{report.format}"


def donor_report_build(*, report_id: int) -> DonorReport:
    """Writes the report's file, telling its progress as it goes. A report already built is left as it is."""
    report = DonorReport.objects.select_related("program", "project", "phase").get(pk=report_id)
    if report.status != ReportStatus.QUEUED:
        return report
    _progress(report.pk, 1, _("Empezando"), status=ReportStatus.RUNNING)
    try:
        with translation.override(report.language):
            content = content_build(report, progress_to=lambda percent, step: _progress(report.pk, percent, step))
            _progress(report.pk, 85, _("Escribiendo el archivo"))
            data = pdf_render(content) if report.format == ReportFormat.PDF else xlsx_render(content)
        report.file.save(_filename(report), ContentFile(data), save=False)
    except Exception as error:  # any failure must reach the page as a message, not leave the report running
        logger.exception("Donor report %s failed", report.pk)
        message = (
            error.message
            if isinstance(error, ApplicationError)
            else _("No se pudo generar el informe. Vuelva a pedirlo; si falla de nuevo, avise al equipo de la red.")
        )
        _progress(report.pk, 0, "", status=ReportStatus.FAILED, error=str(message), finished_at=timezone.now())
    else:
        _progress(
            report.pk, 100, _("Listo"), status=ReportStatus.DONE, file=report.file.name, finished_at=timezone.now()
        )
    report.refresh_from_db()
    return report
