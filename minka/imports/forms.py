"""Forms of the import pages: start an import (kind, organization, program, file), map the file's headers to the
kind's columns, upload a corrected file, and filter the list of imports."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.accounts import access
from minka.imports.kinds import KINDS
from minka.imports.models import ImportStatus

FILE_SUFFIXES = (".csv", ".xlsx", ".txt")


def kind_choices() -> list[tuple[str, str]]:
    return [(slug, kind.label) for slug, kind in KINDS.items()]


def _file_check(upload) -> None:
    if not upload.name.lower().endswith(FILE_SUFFIXES):
        raise forms.ValidationError(_("Suba un archivo CSV o XLSX (Excel)."), code="file_format")


class ImportStartForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Qué datos trae el archivo"))
    organization = forms.ModelChoiceField(
        label=gettext_lazy("En nombre de la organización"), queryset=None, empty_label=None
    )
    program = forms.ModelChoiceField(
        label=gettext_lazy("Programa"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("— Ninguno —"),
        help_text=gettext_lazy("Obligatorio para inscripciones y asistencia; con personas, las inscribe en él."),
    )
    file = forms.FileField(
        label=gettext_lazy("Archivo"),
        help_text=gettext_lazy("CSV (separado por comas o por punto y coma) o XLSX, con una fila de encabezados."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices()
        self.fields["organization"].queryset = access.people_register_organizations(user).order_by("name")
        self.fields["program"].queryset = access.programs_visible(user).order_by("name_es")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        _file_check(upload)
        return upload

    def clean(self):
        data = super().clean()
        kind = KINDS.get(data.get("kind") or "")
        if kind is not None and kind.needs_program and not data.get("program"):
            self.add_error("program", _("Esta importación necesita un programa."))
        return data


class ReuploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Archivo corregido"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        _file_check(upload)
        return upload


class MappingForm(forms.Form):
    """One select per column of the kind, offering the file's headers; blank leaves the column out."""

    def __init__(self, *args, kind, headers: list[str], current: dict[str, str], language: str = "es", **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— Sin columna —"))] + [(header, header) for header in dict.fromkeys(headers) if header]
        for column in kind.columns:
            label = column.header(language)
            if column.required:
                label = _("%(column)s (obligatoria)") % {"column": label}
            self.fields[column.key] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=False,
                initial=current.get(column.key, ""),
                help_text=column.help_text(),
            )

    def overrides(self) -> dict[str, str]:
        """Every column's choice, so that one the user left out stays out (the engine's guess fills none)."""
        return {key: self.cleaned_data.get(key) or "" for key in self.fields}


class ImportFilterForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Tipo de datos"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Estado"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Todos")), *kind_choices()]
        self.fields["status"].choices = [("", _("Todos")), *ImportStatus.choices]
