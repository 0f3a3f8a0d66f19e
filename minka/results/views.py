"""Pages of a program's results framework: the tree of results with live figures, each indicator with its split,
trend and targets, the records behind a number, the framework's editing, and reported values from draft to
approval.

Every page starts from the program the user sees (another's is a 404, like a missing one). Figures are computed
from the records whenever a page is asked for; funders see them with small cells hidden and never the records.
Writes go through the services, whose ApplicationError becomes form errors; a refusal is the 403 page.
"""

import copy
import math
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minka.accounts import access
from minka.core import exports
from minka.core.errors import ApplicationError, PermissionDenied
from minka.core.pages import form_add_error, paginate
from minka.results import selectors, services
from minka.results.arithmetic import SMALL_CELL
from minka.results.dimensions import DIMENSIONS, value_labels
from minka.results.exports import INDICATOR_COLUMNS, indicator_rows
from minka.results.forms import (
    EvidenceForm,
    IndicatorFilterForm,
    IndicatorForm,
    ReopenForm,
    ReportForm,
    ResultForm,
    ResultsFilterForm,
    ReviewForm,
    TargetForm,
)
from minka.results.measures import MEASURES
from minka.results.models import PARENT_LEVEL, Indicator, Result

CELL_PREFIX = "c_"  # a cell of a split travels in the address as c_sex=F&c_age_band=15-29
UNKNOWN_VALUE = "?"
RECORDS_PER_PAGE = 50


# Helpers ---------------------------------------------------------------------------------------------------------


def _program(request, slug):
    return selectors.program_for_results(user=request.user, slug=slug)


def _indicator(request, program, code):
    return selectors.indicator_get(user=request.user, program=program, code=code)


def _require_editor(user, program):
    if not access.program_can_edit(user, program):
        raise Forbidden(_("Solo la coordinación del programa modifica su marco de resultados."))


def _require_full_view(user, program):
    """Reported values in the making, their evidence and the records behind a number are not for aggregates-only
    readers (funders): they may name people."""
    if selectors.aggregates_only(user, program):
        raise Forbidden(
            _("Usted ve cifras agregadas de este programa: los registros y documentos no están a su alcance.")
        )


def _framework_url(program) -> str:
    return reverse("results_framework", args=[program.slug])


def _indicator_url(indicator) -> str:
    return reverse("indicator_detail", args=[indicator.program.slug, indicator.code])


def _report_url(report) -> str:
    return reverse("report_detail", args=[report.indicator.program.slug, report.pk])


def _crumbs(program, indicator=None):
    crumbs = [
        (reverse("program_list"), _("Programas")),
        (reverse("program_detail", args=[program.slug]), program.name),
        (_framework_url(program), _("Resultados")),
    ]
    if indicator is not None:
        crumbs.append((_indicator_url(indicator), indicator.code))
    return crumbs


def _show_error(form, error: ApplicationError, rename: dict | None = None):
    """The service's error on the form, with the model's field names turned into the form's."""
    if rename:
        fields = {rename.get(name, name): messages_ for name, messages_ in error.fields.items()}
        error = ApplicationError(error.message, code=error.code, fields=fields, status=error.status)
    form_add_error(form, error)


def _submit(request, form, write, *, success, next_url, rename=None):
    """Validates `form` and calls `write(cleaned_data)`, a service call; on success: message and redirect.

    Returns None when the form must be shown again with its errors.
    """
    if not form.is_valid():
        return None
    try:
        written = write(form.cleaned_data)
    except ApplicationError as error:
        _show_error(form, error, rename)
        return None
    messages.success(request, success(written) if callable(success) else success)
    return redirect(next_url(written) if callable(next_url) else next_url)


def _form_page(request, form, *, title, program, indicator=None, cancel_url, intro="", submit=None, **extra):
    context = {
        "form": form,
        "title": title,
        "cancel_url": cancel_url,
        "crumbs": _crumbs(program, indicator),
        "intro": intro,
        "submit": submit or _("Guardar"),
        **extra,
    }
    return render(request, "results/form.html", context)


def _filter_query(applied: dict) -> dict:
    """The filters as they go in an address (a phase by its number, a period by its label)."""
    query = {}
    if applied.get("phase"):
        query["phase"] = applied["phase"].number
    if applied.get("period"):
        query["period"] = applied["period"].label
    return query


def _cell_query(cell_key: dict) -> dict:
    return {f"{CELL_PREFIX}{dim}": UNKNOWN_VALUE if value in (None, "") else value for dim, value in cell_key.items()}


# The framework ---------------------------------------------------------------------------------------------------


@login_required
def results_framework(request, slug):
    """The program's results as a tree, each indicator with its baseline, target, live value and progress."""
    user = request.user
    program = _program(request, slug)
    form = ResultsFilterForm(request.GET or None, program=program)
    applied = form.applied()
    restricted = selectors.aggregates_only(user, program)
    tree = selectors.framework(
        user=user, program=program, period=applied["period"], phase=applied["phase"], restricted=restricted
    )
    if exports.export_format(request):
        return exports.export_response(
            request, rows=indicator_rows(tree), columns=INDICATOR_COLUMNS, filename=f"indicadores-{program.slug}"
        )
    can_edit = access.program_can_edit(user, program)
    query = urlencode(_filter_query(applied))
    return render(
        request,
        "results/framework.html",
        {
            "program": program,
            "form": form,
            "applied": applied,
            "tree": tree,
            "restricted": restricted,
            "small_cell": SMALL_CELL,
            "can_edit": can_edit,
            "pending": list(selectors.reports_pending(program)) if can_edit else [],
            "filter_query": f"?{query}" if query else "",
            "crumbs": _crumbs(program)[:2],
        },
    )


# An indicator ----------------------------------------------------------------------------------------------------

CHART_WIDTH, CHART_HEIGHT, CHART_LABELS = 360, 150, 6
CHART_LABEL_MARGIN = 22  # half a label's width: the first and last labels stay inside the drawing


def _trend_chart(points, target_value=None) -> dict | None:
    """A bar per period, drawn on the server as SVG coordinates (no script, no library). Hidden values get no bar."""
    if not points:
        return None
    values = [float(p.value) for p in points if p.value is not None]
    top = max([*values, float(target_value or 0), 0]) or 1.0
    slot = CHART_WIDTH / len(points)
    every = math.ceil(len(points) / CHART_LABELS)
    bars = []
    for i, point in enumerate(points):
        height = 0.0 if point.value is None else max(float(point.value), 0) / top * CHART_HEIGHT
        bars.append(
            {
                "point": point,
                "x": f"{i * slot + slot * 0.15:.1f}",
                "width": f"{slot * 0.7:.1f}",
                "y": f"{CHART_HEIGHT - height:.1f}",
                "height": f"{height:.1f}",
                "label_x": f"{min(max(i * slot + slot / 2, CHART_LABEL_MARGIN), CHART_WIDTH - CHART_LABEL_MARGIN):.1f}",
                "labelled": i % every == 0,
            }
        )
    target_y = None
    if target_value is not None and target_value > 0:
        target_y = f"{CHART_HEIGHT - float(target_value) / top * CHART_HEIGHT:.1f}"
    return {"bars": bars, "width": CHART_WIDTH, "height": CHART_HEIGHT, "target_y": target_y}


def _default_by(indicator) -> list[str]:
    """The split shown first: the indicator's first promised disaggregation that its measure offers."""
    offered = {code for code, _label in selectors.dimension_choices(indicator)}
    return [code for code in indicator.disaggregations if code in offered][:1]


@login_required
def indicator_detail(request, slug, code):
    """An indicator: its definition, value and progress, its split, its trend, its targets and reported values."""
    user = request.user
    program = _program(request, slug)
    indicator = _indicator(request, program, code)
    restricted = selectors.aggregates_only(user, program)
    form = IndicatorFilterForm(request.GET or None, indicator=indicator, initial={"by": _default_by(indicator)})
    applied = form.applied()
    try:
        value = selectors.indicator_value(
            indicator, period=applied["period"], phase=applied["phase"], by=applied["by"], restricted=restricted
        )
    except ApplicationError as error:  # a split the measure does not offer: say so, show the value unsplit
        form.add_error("by" if "by" in error.fields else None, error.message)
        value = selectors.indicator_value(
            indicator, period=applied["period"], phase=applied["phase"], restricted=restricted
        )
    drill = indicator.is_computed and not restricted
    base_query = _filter_query(applied)
    if drill:
        records_url = reverse("indicator_records", args=[program.slug, indicator.code])
        value.records_url = f"{records_url}?{urlencode(base_query)}" if base_query else records_url
        for cell in value.cells:
            cell.records_url = f"{records_url}?{urlencode(base_query | _cell_query(cell.key))}"
    for cell in value.cells:
        cell.dom_id = "cell-" + "-".join(str(v) for v in cell.key.values())
    trend = selectors.trend(indicator, phase=applied["phase"], restricted=restricted)
    can_edit = access.program_can_edit(user, program)
    locks = indicator.locks.select_related("locked_by", "reopened_by", "phase") if not indicator.is_computed else []
    measure = MEASURES.get(indicator.measure) if indicator.is_computed else None
    return render(
        request,
        "results/indicator_detail.html",
        {
            "program": program,
            "indicator": indicator,
            "measure": measure,
            "form": form,
            "applied": applied,
            "value": value,
            "dimension_labels": [DIMENSIONS[d].label for d in value.dimensions],
            "ratio": measure is not None and measure.kind == "percent",
            # A count split by what people took part in counts someone once in each group she was in.
            "overlapping": not value.additive and measure is not None and measure.kind == "count",
            "restricted": restricted,
            "small_cell": SMALL_CELL,
            "drill": drill,
            "trend": trend,
            "chart": _trend_chart(trend, value.target_value),
            "targets": indicator.targets.select_related("territory", "organization", "phase"),
            "reports": selectors.reports_of(indicator, restricted=restricted) if not indicator.is_computed else [],
            "locks": locks,
            "can_edit": can_edit,
            "can_report": not indicator.is_computed and services.report_organizations(user, program).exists(),
            "crumbs": _crumbs(program),
        },
    )


def _cell_from_query(query, indicator) -> tuple[dict, list[str]]:
    """The cell asked for in the address (c_sex=F…), checked against the measure's splits; and what is wrong."""
    offered = MEASURES[indicator.measure].dimensions
    cell, errors = {}, []
    for name, value in query.items():
        if not name.startswith(CELL_PREFIX):
            continue
        dim = name.removeprefix(CELL_PREFIX)
        if dim not in offered:
            errors.append(_("Esta medida no se desagrega por «%(dimension)s».") % {"dimension": dim})
        elif dim in ("organization", "activity_type") and not value.isdigit():
            errors.append(_("«%(value)s» no es un valor de %(dimension)s.") % {"value": value, "dimension": dim})
        else:
            cell[dim] = value
    return cell, errors


def _cell_description(cell: dict) -> list[tuple[str, str]]:
    described = []
    for dim, value in cell.items():
        shown = None if value == UNKNOWN_VALUE else (int(value) if dim in ("organization", "activity_type") else value)
        described.append((DIMENSIONS[dim].label, value_labels(dim, [shown])[shown]))
    return described


RECORD_JOINS = {
    "people": ("district", "registered_by"),
    "enterprises": ("organization", "district"),
    "sessions": ("activity__organization",),
    "initiatives": ("territory", "project"),
}


@login_required
def indicator_records(request, slug, code):
    """The people, enterprises or sessions behind an indicator's value, or one cell of its split. Only for those
    who read the program's records; funders get the 403 page."""
    user = request.user
    program = _program(request, slug)
    indicator = _indicator(request, program, code)
    if not indicator.is_computed:
        raise Http404(_("Un valor reportado no tiene registros detrás."))
    _require_full_view(user, program)
    form = ResultsFilterForm(request.GET or None, program=program)
    applied = form.applied()
    cell, errors = _cell_from_query(request.GET, indicator)
    errors += [error for field_errors in form.errors.values() for error in field_errors]
    measure = MEASURES[indicator.measure]
    context = {
        "program": program,
        "indicator": indicator,
        "measure": measure,
        "applied": applied,
        "errors": errors,
        "crumbs": _crumbs(program, indicator),
        "back_url": f"{_indicator_url(indicator)}?{urlencode(_filter_query(applied))}",
    }
    if errors:
        return render(request, "results/records.html", context, status=400)
    try:
        records = selectors.records_behind(
            user=user, indicator=indicator, period=applied["period"], phase=applied["phase"], cell=cell
        )
    except PermissionDenied as refused:
        raise Forbidden(refused.message) from None
    records = records.select_related(*RECORD_JOINS.get(measure.counts, ()))
    context |= {"cell": _cell_description(cell), **paginate(request, records, RECORDS_PER_PAGE)}
    return render(request, "results/records.html", context)


# Editing the framework -------------------------------------------------------------------------------------------


def _form_view(request, form, write, *, success, next_url, rename=None, **page):
    """A form page: a valid POST calls the service and redirects; anything else shows the form with its errors."""
    if request.method == "POST":
        response = _submit(request, form, write, success=success, next_url=next_url, rename=rename)
        if response:
            return response
    return _form_page(request, form, **page)


def _act(request, action, *, success, next_url, failure_url=None):
    """A button's POST (delete, submit): the service call, its message, and back. A refusal is the 403 page."""
    try:
        action()
    except PermissionDenied as refused:
        raise Forbidden(refused.message) from None
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(failure_url or next_url)
    messages.success(request, success)
    return redirect(next_url)


def _result_form(request, program, result=None):
    _require_editor(request.user, program)
    initial = {}
    parent_id = request.GET.get("parent", "")
    if not result and parent_id.isdigit() and (parent := Result.objects.filter(program=program, pk=parent_id).first()):
        below = {above: level for level, above in PARENT_LEVEL.items()}
        initial = {"parent": parent.pk, "level": below.get(parent.level)}
    instance = copy.copy(result) if result else Result(program=program)
    form = ResultForm(request.POST or None, instance=instance, program=program, initial=initial)
    return _form_view(
        request,
        form,
        lambda data: services.result_save(user=request.user, program=program, data=data, result=result),
        success=lambda saved: _("Resultado %(code)s guardado.") % {"code": saved.code},
        next_url=_framework_url(program),
        title=_("Editar resultado") if result else _("Nuevo resultado"),
        program=program,
        cancel_url=_framework_url(program),
    )


@login_required
def result_create(request, slug):
    return _result_form(request, _program(request, slug))


@login_required
def result_edit(request, slug, pk):
    program = _program(request, slug)
    return _result_form(request, program, selectors.result_get(program, pk))


@require_POST
@login_required
def result_delete(request, slug, pk):
    program = _program(request, slug)
    result = selectors.result_get(program, pk)
    return _act(
        request,
        lambda: services.result_delete(user=request.user, result=result),
        success=_("Resultado %(code)s eliminado.") % {"code": result.code},
        next_url=_framework_url(program),
    )


def _indicator_form(request, program, *, indicator=None, result=None):
    _require_editor(request.user, program)
    if indicator is None:
        instance = Indicator(program=program)
        initial = {"result": result.pk, "position": result.indicators.count() + 1}
    else:
        instance, initial = copy.copy(indicator), {}
    form = IndicatorForm(request.POST or None, instance=instance, program=program, initial=initial)
    return _form_view(
        request,
        form,
        lambda data: services.indicator_save(
            user=request.user, program=program, data=data, m2m=form.m2m(), indicator=indicator
        ),
        success=lambda saved: _("Indicador %(code)s guardado.") % {"code": saved.code},
        next_url=_indicator_url,
        title=_("Editar indicador") if indicator else _("Nuevo indicador"),
        program=program,
        indicator=indicator,
        cancel_url=_indicator_url(indicator) if indicator else _framework_url(program),
        measure_dimensions=IndicatorForm.measure_dimensions(),
    )


@login_required
def indicator_create(request, slug, pk):
    program = _program(request, slug)
    return _indicator_form(request, program, result=selectors.result_get(program, pk))


@login_required
def indicator_edit(request, slug, code):
    program = _program(request, slug)
    return _indicator_form(request, program, indicator=_indicator(request, program, code))


@require_POST
@login_required
def indicator_delete(request, slug, code):
    program = _program(request, slug)
    indicator = _indicator(request, program, code)
    return _act(
        request,
        lambda: services.indicator_delete(user=request.user, indicator=indicator),
        success=_("Indicador %(code)s eliminado.") % {"code": indicator.code},
        next_url=_framework_url(program),
        failure_url=_indicator_url(indicator),
    )


# A period typed in one box is stored in several fields: their errors belong to the box.
PERIOD_ERRORS = {"period_label": "period", "period_kind": "period", "period_start": "period", "phase": "period"}


def _target_form(request, program, indicator, target=None):
    _require_editor(request.user, program)
    form = TargetForm(request.POST or None, program=program, target=target)
    return _form_view(
        request,
        form,
        lambda data: services.target_save(
            user=request.user,
            indicator=indicator,
            period=data["period"],
            value=data["value"],
            territory=data["territory"],
            organization=data["organization"],
            note=data["note"],
            target=target,
        ),
        success=lambda saved: _("Meta de %(period)s guardada.") % {"period": saved.period_label},
        next_url=_indicator_url(indicator),
        rename=PERIOD_ERRORS,
        title=(_("Editar meta de %(code)s") if target else _("Nueva meta de %(code)s")) % {"code": indicator.code},
        program=program,
        indicator=indicator,
        cancel_url=_indicator_url(indicator),
    )


@login_required
def target_create(request, slug, code):
    program = _program(request, slug)
    return _target_form(request, program, _indicator(request, program, code))


@login_required
def target_edit(request, slug, pk):
    program = _program(request, slug)
    target = selectors.target_get(program, pk)
    return _target_form(request, program, target.indicator, target)


@require_POST
@login_required
def target_delete(request, slug, pk):
    program = _program(request, slug)
    target = selectors.target_get(program, pk)
    return _act(
        request,
        lambda: services.target_delete(user=request.user, target=target),
        success=_("Meta de %(period)s eliminada.") % {"period": target.period_label},
        next_url=_indicator_url(target.indicator),
    )


# Reported values -------------------------------------------------------------------------------------------------


def _report_form(request, program, indicator, report=None):
    organizations = services.report_organizations(request.user, program)
    form = ReportForm(request.POST or None, indicator=indicator, organizations=organizations, report=report)
    return _form_view(
        request,
        form,
        lambda data: services.report_save(
            user=request.user, indicator=indicator, period=data["period"], data=form.data_for_service(), report=report
        ),
        success=_("Valor reportado guardado. Adjunte la evidencia y envíelo a revisión."),
        next_url=_report_url,
        rename=PERIOD_ERRORS,
        title=_("Valor reportado de %(code)s") % {"code": indicator.code},
        program=program,
        indicator=indicator,
        cancel_url=_report_url(report) if report else _indicator_url(indicator),
        intro=indicator.name,
    )


@login_required
def report_create(request, slug, code):
    program = _program(request, slug)
    indicator = _indicator(request, program, code)
    if indicator.is_computed:
        raise Http404(_("Este indicador se calcula de los registros: no se reporta."))
    if not services.report_organizations(request.user, program).exists():
        raise Forbidden(_("Reporta el personal de las organizaciones que participan en el programa."))
    return _report_form(request, program, indicator)


@login_required
def report_edit(request, slug, pk):
    program = _program(request, slug)
    report = selectors.report_get(program, pk)
    _require_full_view(request.user, program)
    if not services.report_can_edit(request.user, report):
        raise Forbidden(_("Solo se cambia un valor en borrador o devuelto, y solo quien lo reporta."))
    return _report_form(request, program, report.indicator, report)


def _report_page(request, report, *, evidence_form=None, review_form=None, status=200):
    user = request.user
    can_edit = services.report_can_edit(user, report)
    return render(
        request,
        "results/report_detail.html",
        {
            "program": report.indicator.program,
            "indicator": report.indicator,
            "report": report,
            "evidence": report.evidence.select_related("uploaded_by"),
            "can_edit": can_edit,
            "can_review": services.report_can_review(user, report),
            "evidence_form": evidence_form or EvidenceForm(),
            "review_form": review_form or ReviewForm(),
            "crumbs": _crumbs(report.indicator.program, report.indicator),
        },
        status=status,
    )


@login_required
def report_detail(request, slug, pk):
    program = _program(request, slug)
    report = selectors.report_get(program, pk)
    _require_full_view(request.user, program)
    return _report_page(request, report)


@require_POST
@login_required
def evidence_add(request, slug, pk):
    program = _program(request, slug)
    report = selectors.report_get(program, pk)
    _require_full_view(request.user, program)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.evidence_add(
                user=request.user,
                report=report,
                file=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Evidencia adjuntada."))
            return redirect(_report_url(report))
    return _report_page(request, report, evidence_form=form)


@require_POST
@login_required
def report_submit(request, slug, pk):
    program = _program(request, slug)
    report = selectors.report_get(program, pk)
    _require_full_view(request.user, program)
    return _act(
        request,
        lambda: services.report_submit(user=request.user, report=report),
        success=_("Valor enviado a revisión."),
        next_url=_report_url(report),
    )


@require_POST
@login_required
def report_review(request, slug, pk):
    """Approves or returns a submitted value. The service refuses the one who submitted it, and non-editors."""
    program = _program(request, slug)
    report = selectors.report_get(program, pk)
    _require_full_view(request.user, program)
    form = ReviewForm(request.POST)
    form.is_valid()
    note = form.cleaned_data.get("review_note", "")
    decision = request.POST.get("decision")
    try:
        if decision == "approve":
            services.report_approve(user=request.user, report=report, note=note)
            messages.success(request, _("Valor aprobado: el periodo queda cerrado."))
        elif decision == "return":
            services.report_return(user=request.user, report=report, note=note)
            messages.success(request, _("Valor devuelto con observaciones."))
        else:
            raise ApplicationError(_("Elija aprobar o devolver."))
    except ApplicationError as error:
        form_add_error(form, error)  # a refusal (not an editor, one's own report) is the 403 page
        return _report_page(request, report, review_form=form)
    return redirect(_report_url(report))


@login_required
def evidence_download(request, slug, pk):
    """Evidence is served only here, to those who read the program's records: never from a public address."""
    program = _program(request, slug)
    evidence = selectors.evidence_get(program, pk)
    _require_full_view(request.user, program)
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(_("El archivo ya no está en el servidor.")) from None
    return FileResponse(handle, as_attachment=True, filename=evidence.file.name.rsplit("/", 1)[-1])


@login_required
def period_reopen(request, slug, pk):
    program = _program(request, slug)
    lock = selectors.lock_get(program, pk)
    indicator = lock.indicator
    _require_editor(request.user, program)
    form = ReopenForm(request.POST or None)
    return _form_view(
        request,
        form,
        lambda data: services.period_reopen(user=request.user, lock=lock, reason=data["reason"]),
        success=lambda reopened: _("Periodo %(period)s reabierto.") % {"period": reopened.period_label},
        next_url=_indicator_url(indicator),
        title=_("Reabrir el periodo %(period)s de %(code)s") % {"period": lock.period_label, "code": indicator.code},
        program=program,
        indicator=indicator,
        cancel_url=_indicator_url(indicator),
        intro=_(
            "Los valores aprobados del periodo vuelven a «devuelto» para que puedan corregirse y enviarse de nuevo."
        ),
        submit=_("Reabrir"),
    )
