"""Pages of an organization's form servers: the connections, one connection with its pulls and failed submissions,
pulling now and uploading a Kobo export. Only the organization's admins reach them; anyone else gets a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minka.core.errors import ApplicationError
from minka.core.pages import form_add_error, paginate
from minka.submissions import selectors, services, tasks
from minka.submissions.forms import FORM_LABELS, ConnectionForm, UploadForm
from minka.submissions.models import ServerConnection


def _crumbs(organization, connection=None):
    crumbs = [
        (reverse("organization_detail", args=[organization.slug]), organization.short_name or organization.name),
        (reverse("submissions:connection_list", args=[organization.slug]), _("Servidores de formularios")),
    ]
    if connection is not None:
        crumbs.append((reverse("submissions:connection_detail", args=[organization.slug, connection.pk]), connection))
    return crumbs


def _detail_url(connection):
    return reverse("submissions:connection_detail", args=[connection.organization.slug, connection.pk])


@login_required
def connection_list(request, slug):
    organization = selectors.organization_get(user=request.user, slug=slug)
    connections = selectors.connections_of(organization=organization)
    context = {"organization": organization, "connections": connections, "crumbs": _crumbs(organization)[:1]}
    return render(request, "submissions/connection_list.html", context)


def _form_page(request, organization, connection):
    form = ConnectionForm(request.POST or None, instance=connection, organization=organization)
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data}
        secret = data.pop("secret", "")
        try:
            saved = services.connection_save(user=request.user, connection=connection, data=data, secret=secret)
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Conexión «%(name)s» guardada.") % {"name": saved.name})
            return redirect(_detail_url(saved))
    creating = connection.pk is None
    context = {
        "organization": organization,
        "form": form,
        "title": _("Nueva conexión") if creating else _("Editar conexión"),
        "cancel_url": reverse("submissions:connection_list", args=[organization.slug])
        if creating
        else _detail_url(connection),
        "crumbs": _crumbs(organization, None if creating else connection),
    }
    return render(request, "submissions/connection_form.html", context)


@login_required
def connection_create(request, slug):
    organization = selectors.organization_get(user=request.user, slug=slug)
    return _form_page(request, organization, ServerConnection(organization=organization))


@login_required
def connection_edit(request, slug, pk):
    organization = selectors.organization_get(user=request.user, slug=slug)
    return _form_page(request, organization, selectors.connection_get(organization=organization, pk=pk))


@login_required
def connection_detail(request, slug, pk):
    organization = selectors.organization_get(user=request.user, slug=slug)
    connection = selectors.connection_get(organization=organization, pk=pk)
    failed = selectors.failed_submissions(connection=connection)
    context = {
        "organization": organization,
        "connection": connection,
        "form_label": FORM_LABELS.get(connection.form_key, connection.form_key),
        "failed": failed[:200],
        "failed_count": failed.count(),
        "upload_form": UploadForm(),
        "crumbs": _crumbs(organization),
        **paginate(request, selectors.pulls_of(connection=connection), per_page=20),
    }
    context["running"] = any(pull.running for pull in context["page_obj"])
    return render(request, "submissions/connection_detail.html", context)


def _report(request, done):
    if done.running:
        messages.info(request, _("Los envíos están entrando; esta página muestra el avance."))
        return
    if done.error:
        messages.error(request, done.error)
    counts = {"new": done.imported, "failed": done.failed, "already": done.already}
    messages.info(request, _("%(new)s nuevos importados, %(failed)s fallidos, %(already)s ya estaban.") % counts)


@login_required
@require_POST
def connection_pull(request, slug, pk):
    organization = selectors.organization_get(user=request.user, slug=slug)
    connection = selectors.connection_get(organization=organization, pk=pk)
    _report(request, tasks.pull_queue(connection=connection, user=request.user))
    return redirect(_detail_url(connection))


@login_required
def connection_upload(request, slug, pk):
    organization = selectors.organization_get(user=request.user, slug=slug)
    connection = selectors.connection_get(organization=organization, pk=pk)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            done = tasks.upload_or_queue(connection=connection, user=request.user, name=upload.name, data=upload.read())
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            _report(request, done)
            return redirect(_detail_url(connection))
    context = {
        "organization": organization,
        "connection": connection,
        "form": form,
        "title": _("Subir una exportación de KoboToolbox"),
        "cancel_url": _detail_url(connection),
        "crumbs": _crumbs(organization, connection),
        "multipart": True,
    }
    return render(request, "submissions/connection_form.html", context)


app_name = "submissions"
urlpatterns = [
    path("<slug:slug>/", connection_list, name="connection_list"),
    path("<slug:slug>/nueva/", connection_create, name="connection_create"),
    path("<slug:slug>/<int:pk>/", connection_detail, name="connection_detail"),
    path("<slug:slug>/<int:pk>/editar/", connection_edit, name="connection_edit"),
    path("<slug:slug>/<int:pk>/traer/", connection_pull, name="connection_pull"),
    path("<slug:slug>/<int:pk>/subir/", connection_upload, name="connection_upload"),
]
