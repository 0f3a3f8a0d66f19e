from django import forms
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.shortcuts import render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.audit import selectors
from minka.core.pages import paginate
from minka.network.models import Territory


class AuditFilterForm(forms.Form):
    model = forms.ChoiceField(label=gettext_lazy("Tipo de registro"), required=False)
    organization = forms.TypedChoiceField(
        label=gettext_lazy("Organización"), required=False, coerce=int, empty_value=None
    )
    program = forms.TypedChoiceField(label=gettext_lazy("Programa"), required=False, coerce=int, empty_value=None)
    actor = forms.CharField(label=gettext_lazy("Usuario"), required=False, max_length=150)
    date_from = forms.DateField(
        label=gettext_lazy("Desde"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("Hasta"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, models, organizations, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", _("Todos")), *models]
        self.fields["organization"].choices = [("", _("Todas")), *((o.pk, str(o)) for o in organizations)]
        self.fields["program"].choices = [("", _("Todos")), *((p.pk, p.name) for p in programs)]


def _display(field, value, places: dict) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("sí") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "—"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if str(value) in places and _is_place(field):
        return f"{places[str(value)]} ({value})"
    return str(value)


def _is_place(field) -> bool:
    return field is not None and field.is_relation and field.related_model is Territory


def _fields(event) -> dict:
    """{name: model field or None} for the fields an event names; None for a field since removed."""
    try:
        model = apps.get_model(event.model)
    except (LookupError, ValueError):
        return dict.fromkeys(event.changes or {})
    fields = {}
    for name in event.changes or {}:
        try:
            fields[name] = model._meta.get_field(name)
        except FieldDoesNotExist:
            fields[name] = None
    return fields


def change_rows(events) -> None:
    """Gives each event `change_rows`: each changed field's label with its old and new value, for reading.

    Territories, public reference data, are named (one query for the page); other references stay as their keys,
    since naming them could show a record the reader may not see."""
    fields = {event.pk: _fields(event) for event in events}
    codes = {
        str(value)
        for event in events
        for name, field in fields[event.pk].items()
        if _is_place(field)
        for value in (event.changes[name] if isinstance(event.changes[name], list) else [event.changes[name]])
        if value
    }
    places = (
        {t.code: t.path for t in Territory.objects.filter(code__in=codes).select_related("parent__parent")}
        if codes
        else {}
    )
    for event in events:
        event.change_rows = []
        for name, values in (event.changes or {}).items():
            old, new = ([*values, None, None])[:2] if isinstance(values, list) else (None, values)
            field = fields[event.pk][name]
            label = capfirst(str(field.verbose_name)) if field is not None and hasattr(field, "verbose_name") else name
            event.change_rows.append(
                {"field": label, "old": _display(field, old, places), "new": _display(field, new, places)}
            )


def _record_type(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


@login_required
def audit_list(request):
    """Who changed what and when, with each field's old and new value, in the organizations and programs the user
    audits. Anyone else gets 404."""
    user = request.user
    selectors.audit_scope(user=user)
    models = selectors.audited_models()
    form = AuditFilterForm(
        request.GET,
        models=models,
        organizations=selectors.audit_filter_organizations(user=user),
        programs=selectors.audit_filter_programs(user=user),
    )
    values = form.cleaned_data if form.is_valid() else {}
    events = selectors.audit_event_list(
        user=user,
        model=values.get("model") or "",
        organization_id=values.get("organization"),
        program_id=values.get("program"),
        actor=(values.get("actor") or "").strip(),
        date_from=values.get("date_from"),
        date_to=values.get("date_to"),
    )
    page = paginate(request, events)
    events = page["page_obj"].object_list = list(page["page_obj"].object_list)
    for event in events:
        event.record_type = _record_type(event.model)
    change_rows(events)
    return render(request, "audit/audit_list.html", {"filter_form": form, **page})
