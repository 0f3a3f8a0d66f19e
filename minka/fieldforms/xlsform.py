"""Writing a field form as an XLSForm (the file KoboToolbox and ODK take) and proving it with pyxform.

The same workbook serves KoboToolbox and ODK Collect; its conversion by pyxform, the converter both use, is the
XForm that ODK Central takes. A workbook pyxform refuses is never handed out: `form_build` raises instead.
"""

import hashlib
import json
from dataclasses import dataclass
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from pyxform.errors import PyXFormError
from pyxform.xls2xform import convert

from minka.core.errors import ApplicationError
from minka.fieldforms.definitions import NONE_CHOICE, STATIC_LISTS, FormVersion
from minka.fieldforms.selectors import Choice

SPANISH = "Español (es)"
ENGLISH = "English (en)"
EMPTY_LIST_LABELS = ("(ninguno registrado en Minka)", "(none recorded in Minka)")

# (column of the survey sheet, attribute of Question); label columns per language.
SURVEY_COLUMNS = (
    ("type", "type"),
    ("name", "name"),
    (f"label::{SPANISH}", "label_es"),
    (f"label::{ENGLISH}", "label_en"),
    (f"hint::{SPANISH}", "hint_es"),
    (f"hint::{ENGLISH}", "hint_en"),
    ("required", "required"),
    ("relevant", "relevant"),
    ("constraint", "constraint"),
    (f"constraint_message::{SPANISH}", "constraint_es"),
    (f"constraint_message::{ENGLISH}", "constraint_en"),
    ("appearance", "appearance"),
    ("calculation", "calculation"),
    ("default", "default"),
    ("choice_filter", "choice_filter"),
)


@dataclass(frozen=True)
class BuiltForm:
    form: FormVersion
    form_id: str  # as written in the settings: the form and the program, unique in an ODK Central project
    version: str  # as written in the settings: "<form version>.<choice lists digest>"
    xlsx: bytes
    xform: str

    @property
    def filename(self) -> str:
        return f"{self.form_id}-{self.version}"


def xlsform_form_id(form: FormVersion, program_slug: str) -> str:
    return f"minka_{form.form_id}_{program_slug.replace('-', '_')}"


def _lists_with_placeholders(form: FormVersion, lists: dict[str, list[Choice]]) -> dict[str, list[Choice]]:
    """Every list the form uses, static ones included; an empty one gets the placeholder XLSForm needs."""
    complete = {name: [Choice(*row) for row in STATIC_LISTS[name]] for name in form.static_lists}
    for name in form.record_lists:
        complete[name] = list(lists.get(name) or [Choice(NONE_CHOICE, *EMPTY_LIST_LABELS)])
    return complete


def _lists_digest(lists: dict[str, list[Choice]]) -> str:
    rows = {name: [[c.name, c.label_es, c.label_en, c.columns] for c in choices] for name, choices in lists.items()}
    return hashlib.sha256(json.dumps(rows, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:6]


def _cell(question, attribute: str):
    value = getattr(question, attribute)
    if attribute == "required":
        return "yes" if value else ""
    return value


def _workbook(form, *, form_id, version, title, lists, calculations) -> bytes:
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append([column for column, _attribute in SURVEY_COLUMNS])
    for question in form.questions:
        row = [_cell(question, attribute) for _column, attribute in SURVEY_COLUMNS]
        if question.name in calculations and question.type == "calculate":
            row[[a for _c, a in SURVEY_COLUMNS].index("calculation")] = calculations[question.name]
        survey.append(row)

    choices = book.create_sheet("choices")
    extra = sorted({column for values in lists.values() for choice in values for column in choice.columns})
    choices.append(["list_name", "name", f"label::{SPANISH}", f"label::{ENGLISH}", *extra])
    for list_name, values in lists.items():
        for choice in values:
            columns = [choice.columns.get(column, "") for column in extra]
            choices.append([list_name, choice.name, choice.label_es, choice.label_en, *columns])

    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language", "instance_name"])
    settings.append([title, form_id, version, SPANISH, form.instance_name])
    output = BytesIO()
    book.save(output)
    return output.getvalue()


def form_build(*, form: FormVersion, program, lists: dict[str, list[Choice]], organization=None) -> BuiltForm:
    """The XLSForm of `form` for `program` with the given record lists, and its XForm; refuses one pyxform
    cannot convert (ApplicationError) rather than hand out a form that breaks on the server."""
    complete = _lists_with_placeholders(form, lists)
    form_id = xlsform_form_id(form, program.slug)
    version = f"{form.version}.{_lists_digest(complete)}"
    calculations = {
        "minka_version": f"'{form.version}'",
        "minka_program": f"'{program.slug}'",
        "minka_form": f"'{form.form_id}'",
        "minka_organization": f"'{organization.slug}'" if organization else "''",
    }
    title = f"{form.title_es} · {program.name_es}"
    xlsx = _workbook(form, form_id=form_id, version=version, title=title, lists=complete, calculations=calculations)
    try:
        result = convert(xlsform=BytesIO(xlsx), file_type=".xlsx", warnings=[])
    except PyXFormError as error:
        raise ApplicationError(
            _("Minka no pudo generar este formulario sin errores; no se descarga. Detalle: %(error)s")
            % {"error": error},
            code="form_invalid",
        ) from error
    return BuiltForm(form=form, form_id=form_id, version=version, xlsx=xlsx, xform=result.xform)
