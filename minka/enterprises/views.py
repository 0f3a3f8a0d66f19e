"""Pages for enterprises: the list, a record's page with its stage history, members and monthly records, and
the forms that change them.

Each view reads through a selector (another organization's enterprise is a 404, like a missing one), writes
through a service, and shows an ApplicationError as form errors. Those who may see an enterprise but not change
it (auditors) get a 403 page on the forms.
"""

import copy
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minka.core import exports
from minka.core.errors import ApplicationError, PermissionDenied
from minka.core.pages import form_add_error, paginate
from minka.enterprises import selectors, services
from minka.enterprises.exports import ENTERPRISE_COLUMNS
from minka.enterprises.forms import EnterpriseFilterForm, EnterpriseForm, MemberForm, RecordForm
from minka.enterprises.models import Enterprise

FILTERS = ("program", "organization", "kind", "stage", "sector", "territory")


def _filters(form) -> dict:
    """The valid values of a GET filter form; an invalid filter is ignored rather than failing the page."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return form.cleaned_data


def _partial(request, target: str) -> bool:
    """True when HTMX asks for only the `target` element (a filter change reloading a table)."""
    return bool(request.htmx) and request.htmx.target == target


def _require_editor(user, enterprise):
    if not services.enterprise_can_edit(user, enterprise):
        raise Forbidden(_("No tiene permiso para modificar este emprendimiento."))


def _detail_url(enterprise) -> str:
    return reverse("enterprise_detail", args=[enterprise.pk])


def _crumbs(enterprise=None):
    crumbs = [(reverse("enterprise_list"), _("Emprendimientos"))]
    if enterprise is not None:
        crumbs.append((_detail_url(enterprise), enterprise.name))
    return crumbs


def _form_page(request, form, *, title, cancel_url, crumbs, template="enterprises/form.html", **extra):
    context = {"form": form, "title": title, "cancel_url": cancel_url, "crumbs": crumbs, **extra}
    return render(request, template, context)


def _month(day) -> str:
    return date_format(day, "YEAR_MONTH_FORMAT")


# Enterprises ---------------------------------------------------------------------------------------------------


@login_required
def enterprise_list(request):
    user = request.user
    visible = selectors.enterprises_visible(user)
    form = EnterpriseFilterForm(
        request.GET or None,
        programs=selectors.program_filter_options(user=user, visible=visible),
        organizations=selectors.organization_filter_options(user=user, visible=visible),
    )
    filters = _filters(form)
    enterprises = selectors.enterprise_list(
        user=user, visible=visible, search=filters.get("q", ""), **{name: filters.get(name, "") for name in FILTERS}
    )
    if exports.export_format(request):
        return exports.export_response(
            request, rows=enterprises, columns=ENTERPRISE_COLUMNS, filename="emprendimientos"
        )
    context = {"form": form, **paginate(request, enterprises)}
    if _partial(request, "enterprise-table"):
        return render(request, "enterprises/_enterprise_table.html", context)
    context["can_create"] = services.enterprise_can_create(user)
    return render(request, "enterprises/enterprise_list.html", context)


@login_required
def enterprise_create(request):
    if not services.enterprise_can_create(request.user):
        raise Forbidden(_("Para registrar emprendimientos debe trabajar en una organización o coordinar un programa."))
    form = EnterpriseForm(request.POST or None, instance=Enterprise(), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_create(user=request.user, data=form.cleaned_data)
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Emprendimiento «%(name)s» registrado.") % {"name": enterprise.name})
            return redirect(_detail_url(enterprise))
    return _form_page(
        request, form, title=_("Nuevo emprendimiento"), cancel_url=reverse("enterprise_list"), crumbs=_crumbs()
    )


@login_required
def enterprise_detail(request, pk):
    user = request.user
    enterprise = selectors.enterprise_get(user=user, enterprise_id=pk)
    visible = selectors.visible_member_ids(user=user, enterprise=enterprise)
    members = list(enterprise.members.all())
    for member in members:
        member.is_visible = member.participant_id in visible
    return render(
        request,
        "enterprises/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "members": members,
            "records": list(enterprise.records.all())[::-1],  # the latest month first
            "income": selectors.enterprise_income_change(enterprise),
            "can_edit": services.enterprise_can_edit(user, enterprise),
            "crumbs": _crumbs(),
        },
    )


@login_required
def enterprise_edit(request, pk):
    enterprise = selectors.enterprise_get(user=request.user, enterprise_id=pk)
    _require_editor(request.user, enterprise)
    form = EnterpriseForm(request.POST or None, instance=copy.copy(enterprise), user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            updated = services.enterprise_update(
                user=request.user,
                enterprise=enterprise,
                data=data,
                stage_changed_on=data.get("stage_changed_on"),
                stage_note=data.get("stage_note", ""),
            )
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Emprendimiento «%(name)s» actualizado.") % {"name": updated.name})
            return redirect(_detail_url(updated))
    return _form_page(
        request,
        form,
        title=_("Editar emprendimiento"),
        cancel_url=_detail_url(enterprise),
        crumbs=_crumbs(enterprise),
    )


# Members -------------------------------------------------------------------------------------------------------


@login_required
def member_add(request, pk):
    user = request.user
    enterprise = selectors.enterprise_get(user=user, enterprise_id=pk)
    _require_editor(user, enterprise)
    query = request.GET.get("q", "").strip()
    results = selectors.people_search(user=user, query=query) if query else []
    if _partial(request, "person-results"):
        return render(request, "enterprises/_person_results.html", {"results": results, "query": query})
    form = MemberForm(request.POST or None, user=user)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                member = services.member_add(
                    user=user,
                    enterprise=enterprise,
                    participant=data["participant"],
                    role=data["role"],
                    joined_on=data.get("joined_on"),
                )
            except ApplicationError as error:
                form_add_error(form, error)
            else:
                messages.success(
                    request,
                    _("%(person)s es ahora integrante de «%(name)s».")
                    % {"person": member.participant.full_name, "name": enterprise.name},
                )
                return redirect(_detail_url(enterprise))
        chosen = form.cleaned_data.get("participant") if hasattr(form, "cleaned_data") else None
        if chosen is not None and chosen not in results:
            results = [chosen, *results]  # keep the person picked selectable when the form comes back with an error
    return render(
        request,
        "enterprises/member_form.html",
        {
            "enterprise": enterprise,
            "form": form,
            "results": results,
            "query": query,
            "chosen": form["participant"].value(),
            "crumbs": _crumbs(enterprise),
        },
    )


@require_POST
@login_required
def member_remove(request, pk):
    member = selectors.member_get(user=request.user, member_id=pk)
    enterprise = member.enterprise
    _require_editor(request.user, enterprise)
    try:
        services.member_remove(user=request.user, member=member)
    except PermissionDenied as error:
        raise Forbidden(error.message) from None
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Se quitó a un integrante del emprendimiento."))
    return redirect(_detail_url(enterprise))


# Monthly records -----------------------------------------------------------------------------------------------


def _record_page(request, form, enterprise, *, title, record=None):
    return _form_page(
        request,
        form,
        title=title,
        cancel_url=_detail_url(enterprise),
        crumbs=_crumbs(enterprise),
        template="enterprises/record_form.html",
        enterprise=enterprise,
        record=record,
    )


def _record_submit(request, form, enterprise):
    """Saves the month through the service; the response to send, or None to show the form again."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        record, created = services.record_save_month(
            user=request.user,
            enterprise=enterprise,
            month=data["month"],
            sales=data["sales"],
            costs=data["costs"],
            jobs=data["jobs"],
        )
    except ApplicationError as error:
        form_add_error(form, error)
        return None
    if created:
        messages.success(request, _("Registro de %(month)s guardado.") % {"month": _month(record.month)})
    else:
        messages.success(
            request,
            _("%(month)s ya tenía un registro: se actualizó con estos valores.") % {"month": _month(record.month)},
        )
    return redirect(_detail_url(enterprise))


@login_required
def record_create(request, pk):
    enterprise = selectors.enterprise_get(user=request.user, enterprise_id=pk)
    _require_editor(request.user, enterprise)
    # Field officers mostly record the month just ended.
    last_month = services.month_start(services.month_start(timezone.localdate()) - datetime.timedelta(days=1))
    form = RecordForm(request.POST or None, initial={"month": last_month, "jobs": 0})
    if request.method == "POST":
        response = _record_submit(request, form, enterprise)
        if response:
            return response
    return _record_page(request, form, enterprise, title=_("Nuevo registro mensual"))


@login_required
def record_edit(request, pk):
    record = selectors.record_get(user=request.user, record_id=pk)
    enterprise = record.enterprise
    _require_editor(request.user, enterprise)
    form = RecordForm(
        request.POST or None,
        month=record.month,
        initial={"sales": record.sales, "costs": record.costs, "jobs": record.jobs},
    )
    if request.method == "POST":
        response = _record_submit(request, form, enterprise)
        if response:
            return response
    return _record_page(
        request,
        form,
        enterprise,
        title=_("Registro de %(month)s") % {"month": _month(record.month)},
        record=record,
    )


@require_POST
@login_required
def record_delete(request, pk):
    record = selectors.record_get(user=request.user, record_id=pk)
    enterprise = record.enterprise
    _require_editor(request.user, enterprise)
    services.record_delete(user=request.user, record=record)
    messages.success(request, _("Registro de %(month)s eliminado.") % {"month": _month(record.month)})
    return redirect(_detail_url(enterprise))
