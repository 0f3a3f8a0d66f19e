"""Pages of spreadsheet imports: upload a file, fix how its headers map to the kind's columns, see the dry run's
errors and likely duplicates, upload a corrected file, commit (at once, or in the background with a progress bar
the page polls every second with HTMX), and every import's page with what came in, what failed and its undo.

Who sees an import: network admins; the staff and auditors of its organization; the coordinators and auditors of
its program. Anyone else gets a 404, exactly as for a missing import; funders see aggregates only, never these
pages. The file itself and the names of what came in are for network admins and the organization's own people.
"""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minka.accounts import access
from minka.core.errors import ApplicationError
from minka.core.pages import form_add_error, paginate
from minka.imports import engine, tasks
from minka.imports.forms import ImportFilterForm, ImportStartForm, MappingForm, ReuploadForm
from minka.imports.kinds import KINDS, kind_get
from minka.imports.mapping import header_key, mapping_apply
from minka.imports.models import ImportBatch, ImportSource, ImportStatus
from minka.imports.template_files import FORMATS, template_write

ERRORS_PER_PAGE = 50
RECORDS_SHOWN = 100
WORKING = (ImportStatus.QUEUED, ImportStatus.RUNNING)
# Pages of the records an import creates, by model: (url name, keyword argument).
RECORD_PAGES = {
    "people.participant": "person_detail",
    "activities.activity": "activity_detail",
    "activities.session": "session_attendance",
    "enterprises.enterprise": "enterprise_detail",
    "credit.loan": "credit:loan_detail",
}


# Who sees what ------------------------------------------------------------------------------------------------


def _may_use_imports(user) -> bool:
    return bool(
        access.is_network_admin(user)
        or access.organization_ids(user, access.PERSONAL_DATA_ROLES)
        or access.whole_program_ids(user)
    )


def batches_visible(user):
    if not _may_use_imports(user):
        return ImportBatch.objects.none()
    batches = ImportBatch.objects.select_related("organization", "program", "created_by")
    if access.is_network_admin(user):
        return batches
    return batches.filter(
        Q(organization__in=access.organization_ids(user, access.PERSONAL_DATA_ROLES))
        | Q(program__in=access.whole_program_ids(user))
    )


def _personal(user, batch) -> bool:
    """The file and the names of what came in: the organization's own people and network admins."""
    return access.is_network_admin(user) or batch.organization_id in access.organization_ids(
        user, access.PERSONAL_DATA_ROLES
    )


def _batch(request, pk) -> ImportBatch:
    return get_object_or_404(batches_visible(request.user), pk=pk)


def _own_draft(request, pk) -> ImportBatch:
    """A file import still being prepared: only whoever uploaded it goes on with it."""
    batch = _batch(request, pk)
    if batch.created_by_id != request.user.pk or batch.source != ImportSource.FILE:
        raise Http404
    return batch


def _crumbs(batch=None):
    crumbs = [(reverse("import_list"), _("Importaciones"))]
    if batch is not None:
        crumbs.append((reverse("import_detail", args=[batch.pk]), batch.file_name or batch.get_source_display()))
    return crumbs


def _require_user(request) -> None:
    if not _may_use_imports(request.user):
        raise Http404


# List and new import ------------------------------------------------------------------------------------------


@login_required
def import_list(request):
    _require_user(request)
    filters = ImportFilterForm(request.GET or None)
    batches = batches_visible(request.user)
    if filters.is_valid():
        if filters.cleaned_data["kind"]:
            batches = batches.filter(kind=filters.cleaned_data["kind"])
        if filters.cleaned_data["status"]:
            batches = batches.filter(status=filters.cleaned_data["status"])
    can_import = access.people_register_organizations(request.user).exists()
    return render(
        request,
        "imports/list.html",
        {
            "filters": filters,
            "can_import": can_import,
            "kinds": {slug: kind.label for slug, kind in KINDS.items()},
            "crumbs": _crumbs(),
            **paginate(request, batches),
        },
    )


@login_required
def import_new(request):
    _require_user(request)
    form = ImportStartForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            engine.headers_read(data["file"], data["file"].name)  # an empty or unreadable file goes no further
            batch = engine.batch_create(
                user=request.user,
                organization=data["organization"],
                program=data["program"],
                kind=data["kind"],
                file=data["file"],
                file_name=data["file"].name,
                language=get_language()[:2],
            )
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            return redirect("import_mapping", pk=batch.pk)
    templates = [
        {"kind": kind, "links": [(language, file_format) for language in ("es", "en") for file_format in FORMATS]}
        for kind in KINDS.values()
    ]
    return render(
        request,
        "imports/new.html",
        {"form": form, "templates": templates, "crumbs": _crumbs()},
    )


@login_required
def import_template(request):
    """A blank template: `?tipo=people&idioma=es&formato=xlsx`."""
    _require_user(request)
    kind, language = request.GET.get("tipo", ""), request.GET.get("idioma", "es")
    file_format = request.GET.get("formato", "xlsx")
    if kind not in KINDS or language not in ("es", "en") or file_format not in FORMATS:
        raise Http404
    response = HttpResponse(
        content_type="text/csv; charset=utf-8"
        if file_format == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    template_write(KINDS[kind], response, file_format=file_format, language=language)
    response["Content-Disposition"] = f'attachment; filename="minka-{kind}-{language}.{file_format}"'
    return response


# Mapping and preview ------------------------------------------------------------------------------------------


def _headers(batch) -> list[str]:
    with batch.file.open("rb") as handle:
        return engine.headers_read(handle, batch.file_name)


def _previewable(batch) -> None:
    if batch.status not in (ImportStatus.UPLOADED, ImportStatus.PREVIEWED, ImportStatus.FAILED):
        raise Http404


def _run_preview(batch, overrides: dict[str, str]) -> None:
    """The dry run with the user's mapping: now, or on the queue for a long file (see tasks.preview_or_queue)."""
    tasks.preview_or_queue(batch, overrides)


@login_required
def import_mapping(request, pk):
    batch = _own_draft(request, pk)
    _previewable(batch)
    kind = kind_get(batch.kind)
    try:
        headers = _headers(batch)
        guess = mapping_apply(kind, headers, batch.mapping or None)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("import_new")
    form = MappingForm(
        request.POST or None, kind=kind, headers=headers, current=guess.as_headers(), language=batch.language
    )
    if request.method == "POST" and form.is_valid():
        overrides = form.overrides()
        chosen = Counter(header_key(header) for header in overrides.values() if header)
        for key, header in overrides.items():
            if header and chosen[header_key(header)] > 1:
                form.add_error(key, _("Esta columna del archivo ya se eligió para otro dato."))
        mapping = None
        if form.is_valid():
            try:
                mapping = mapping_apply(kind, headers, overrides)
            except ApplicationError as error:
                form_add_error(form, error)
        if mapping is not None and mapping.missing:
            for key in mapping.missing:
                form.add_error(key, _("Elija la columna del archivo que trae este dato."))
        elif mapping is not None:
            try:
                _run_preview(batch, overrides)
            except ApplicationError as error:
                form_add_error(form, error)
            else:
                return redirect("import_preview", pk=batch.pk)
        guess = mapping or guess
    return render(
        request,
        "imports/mapping.html",
        {
            "batch": batch,
            "kind": kind,
            "form": form,
            "missing": [kind.column(key).header(batch.language) for key in guess.missing],
            "extra": guess.extra,
            "crumbs": _crumbs(batch),
        },
    )


def _report_context(request, batch) -> dict:
    kind = kind_get(batch.kind)
    headers = {column.key: column.header(batch.language) for column in kind.columns}
    errors = [{**error, "header": headers.get(error["column"], error["column"] or "")} for error in batch.errors]
    page = paginate(request, errors, ERRORS_PER_PAGE)
    return {
        "kind": kind,
        "summary": batch.summary,
        "omitted": batch.summary.get("skipped", 0) + batch.summary.get("repeated", 0),
        "error_count": batch.summary.get("errors", len(batch.errors)),
        "duplicates": [warning for warning in batch.warnings if warning["code"] == "likely_duplicate"],
        "repeated": [warning for warning in batch.warnings if warning["code"] == "repeated"],
        **page,
    }


@login_required
def import_preview(request, pk):
    batch = _own_draft(request, pk)
    if batch.status == ImportStatus.UPLOADED:
        return redirect("import_mapping", pk=batch.pk)
    if batch.status == ImportStatus.CHECKING:
        return render(
            request, "imports/checking.html", {"batch": batch, "kind": kind_get(batch.kind), "crumbs": _crumbs(batch)}
        )
    if batch.status not in (ImportStatus.PREVIEWED, ImportStatus.FAILED):
        return redirect("import_detail", pk=batch.pk)
    context = _report_context(request, batch)
    return render(
        request,
        "imports/preview.html",
        {
            "batch": batch,
            "reupload": ReuploadForm(),
            "can_commit": batch.status == ImportStatus.PREVIEWED and not context["error_count"],
            "crumbs": _crumbs(batch),
            **context,
        },
    )


@login_required
@require_POST
def import_reupload(request, pk):
    """A corrected file for the same kind, organization and program, with the same choices of columns (those its
    headers still have), checked at once. The draft it replaces imported nothing and is dropped."""
    batch = _own_draft(request, pk)
    _previewable(batch)
    form = ReuploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", []):
            messages.error(request, error)
        return redirect("import_preview", pk=batch.pk)
    upload = form.cleaned_data["file"]
    try:
        corrected = engine.batch_create(
            user=request.user,
            organization=batch.organization,
            program=batch.program,
            kind=batch.kind,
            file=upload,
            file_name=upload.name,
            language=batch.language,
        )
        present = {header_key(header) for header in _headers(corrected)}
        kept = {key: header for key, header in batch.mapping.items() if not header or header_key(header) in present}
        _run_preview(corrected, kept)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("import_preview", pk=batch.pk)
    if batch.status != ImportStatus.FAILED:
        batch.file.delete(save=False)
        batch.delete()
    return redirect("import_preview", pk=corrected.pk)


@login_required
def import_errors_csv(request, pk):
    batch = _batch(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write("\ufeff")  # Excel reads the accents as UTF-8 only with the BOM
    engine.error_report_csv(batch, response)
    response["Content-Disposition"] = f'attachment; filename="errores-importacion-{batch.pk}.csv"'
    return response


# Commit, progress and the import's page ----------------------------------------------------------------------


@login_required
@require_POST
def import_commit(request, pk):
    batch = _own_draft(request, pk)
    if batch.status != ImportStatus.PREVIEWED or batch.summary.get("errors"):
        messages.error(request, _("Corrija los errores del archivo antes de importarlo."))
        return redirect("import_preview", pk=batch.pk)
    try:
        queued = tasks.commit_or_queue(batch)
    except engine.ImportRefused as refused:
        messages.error(request, refused.message)
        return redirect("import_preview", pk=batch.pk)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("import_preview", pk=batch.pk)
    # A queued import says nothing here: its progress bar says it, and a notice would outlive the import.
    if not queued:
        messages.success(request, _("Importación hecha."))
    return redirect("import_detail", pk=batch.pk)


def _records(user, batch) -> dict:
    """What came in: a count per kind of record and, for those allowed, the records with a page."""
    counts = []
    for entry in batch.records.values("content_type").order_by("content_type").distinct():
        content_type = ContentType.objects.get_for_id(entry["content_type"])
        model = content_type.model_class()
        count = batch.records.filter(content_type=content_type).count()
        counts.append((str(model._meta.verbose_name_plural), count))
    linked = []
    if _personal(user, batch) and batch.status == ImportStatus.COMMITTED:
        for record in batch.records.select_related("content_type").order_by("pk"):
            url_name = RECORD_PAGES.get(f"{record.content_type.app_label}.{record.content_type.model}")
            if url_name is None:
                continue
            target = record.record
            if target is None:
                continue
            try:
                linked.append((reverse(url_name, kwargs={"pk": record.object_id}), str(target), record.row))
            except NoReverseMatch:
                continue
            if len(linked) >= RECORDS_SHOWN:
                break
    return {"record_counts": counts, "linked_records": linked}


def _pulled(batch) -> dict:
    """A batch of field submissions: the pulls that brought them, and the submissions that failed with why."""
    if batch.source == ImportSource.FILE:
        return {"pulls": [], "failed_submissions": []}
    pulls = list(batch.pulls.select_related("connection"))
    failed = []
    for pull in pulls:
        failed.extend(pull.submissions.filter(status="failed").order_by("pk")[:RECORDS_SHOWN])
    return {"pulls": pulls, "failed_submissions": failed[:RECORDS_SHOWN]}


@login_required
def import_detail(request, pk):
    batch = _batch(request, pk)
    kind = KINDS.get(batch.kind)
    mapping = []
    if kind is not None:
        mapping = [(column.header(batch.language), batch.mapping.get(column.key, "")) for column in kind.columns]
    can_undo = (
        batch.status == ImportStatus.COMMITTED and kind is not None and engine.batch_can_undo(request.user, batch)
    )
    return render(
        request,
        "imports/detail.html",
        {
            "batch": batch,
            "kind_label": kind.label if kind else batch.kind,
            "mapping": mapping,
            "can_download": _personal(request.user, batch) and bool(batch.file),
            "can_continue": batch.created_by_id == request.user.pk and batch.source == ImportSource.FILE,
            "can_undo": can_undo,
            **_pulled(batch),
            "crumbs": _crumbs(),
            **_report_context(request, batch),
            **_records(request.user, batch),
        },
    )


@login_required
def import_status(request, pk):
    """The progress partial the import's page polls; it stops polling once the import is done or failed."""
    batch = _batch(request, pk)
    if request.GET.get("then") == "preview" and batch.status != ImportStatus.CHECKING:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("import_preview", args=[batch.pk])  # checked: show the preview
        return response
    return render(request, "imports/_status.html", {"batch": batch, "summary": batch.summary, "swapped": True})


@login_required
def import_file_download(request, pk):
    batch = _batch(request, pk)
    if not _personal(request.user, batch) or not batch.file:
        raise Http404
    try:
        handle = batch.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(_("El archivo ya no está en el servidor.")) from None
    return FileResponse(handle, as_attachment=True, filename=batch.file_name or "import")


@login_required
def import_undo(request, pk):
    batch = _batch(request, pk)
    if batch.status != ImportStatus.COMMITTED or not engine.batch_can_undo(request.user, batch):
        raise Http404
    error = None
    if request.method == "POST":
        try:
            engine.undo(batch, user=request.user)
        except ApplicationError as refused:
            error = refused.message
        else:
            messages.success(request, _("Importación deshecha: se borró lo que había creado."))
            return redirect("import_detail", pk=batch.pk)
    return render(
        request,
        "imports/undo.html",
        {"batch": batch, "error": error, "created": batch.records.count(), "crumbs": _crumbs(batch)},
    )
