"""The field forms Minka writes as XLSForms, and every version of them ever published.

API (what the submissions importer relies on):

- ``FORM_IDS``: ``("registration", "attendance", "enterprise_followup", "credit_visit")``.
- ``current(form_id) -> FormVersion``: the version Minka publishes now.
- ``form_version(form_id, version) -> FormVersion``: any version ever published; raises ``UnknownFormVersion``
  (a ``LookupError``) for one Minka never wrote. ``version`` may be the form's version (``FormVersion.version``)
  or the whole string written in the XLSForm's settings, ``"<version>.<lists>"``, where ``<lists>`` changes
  when a download carries other choice lists (ODK Central refuses a second upload under the same version).
- ``FormVersion.fields``: ``{question name: Minka field key}`` for every question whose answer Minka keeps. The
  keys are the column keys of the import kinds (minka.imports.kinds: registration → ``people``, attendance →
  ``attendance``, enterprise follow-up → ``enterprise-records``) where a kind has the column; choices drawn
  from records still need ``record_id`` to become the kind's codes.
  Question names are unique in a form, repeats included (XLSForm requires it). Kobo's JSON names an answer by
  its path (``"present/person"``); ``FormVersion.repeats`` says which repeat holds a question
  (``{"person": "present"}``), and ``FormVersion.paths`` gives ``{path: question name}``.
- The XLSForm's settings name the form ``minka_<form id>_<program slug>`` (unique in an ODK Central project).
- Every form carries hidden answers that come back in each submission: ``minka_form`` (the form id, field
  ``form``), ``minka_version`` (the form's version whatever a server does to the settings' one, field
  ``form_version``) and ``minka_program`` (the program's slug, field ``program``); the registration also
  ``minka_organization`` (the slug of the organization that registers, chosen at download, field
  ``organization``).
- Choices drawn from Minka's records are named ``<prefix><id>`` (a valid XML name): ``site``, ``activity``,
  ``activity_type``, ``person`` (a participant), ``enterprise``, ``loan`` prefixes are in ``RECORD_PREFIXES``;
  ``record_id("site", "s12") == 12``. Districts are ``d`` + ubigeo: ``record_id("district", "d080101") ==
  "080101"``. A list with no records holds one choice ``NONE_CHOICE``, which a constraint refuses: it never
  comes back in a submission.
- Yes/no questions answer ``"yes"``/``"no"``; dates come as ``YYYY-MM-DD`` (the month of the enterprise
  follow-up as the first day of the month); other choices by their names in the models' choices.

A version is never edited once published: a change to a question (its name, type, labels, relevance, choices,
or the field it fills) is a new ``FormVersion`` appended to the form's history, and its version, a digest of
all of that, changes by itself. ``tests/test_definitions.py`` pins every published version, so editing an old
one in place fails there instead of orphaning the submissions made with it.
"""

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property

from minka.credit.models import BusinessStatus, UseCategory, UseVerified
from minka.enterprises.models import EnterpriseStage
from minka.people.models import Area, ConsentMethod, MotherTongue, Sex

NONE_CHOICE = "none_registered"
RECORD_PREFIXES = {
    "site": "s",
    "activity": "a",
    "activity_type": "t",
    "person": "p",
    "enterprise": "e",
    "loan": "l",
    "district": "d",
}


class UnknownFormVersion(LookupError):
    """A form or version Minka never published."""


def record_id(kind: str, choice: str) -> int | str:
    """The key behind a choice drawn from Minka's records: ``record_id("site", "s12") == 12``; a district's is
    its ubigeo code, leading zero kept. ValueError for anything else (the empty list's placeholder included)."""
    prefix = RECORD_PREFIXES[kind]
    key = choice[len(prefix) :] if choice.startswith(prefix) else ""
    if not key.isdigit():
        raise ValueError(choice)
    return key if kind == "district" else int(key)


def record_choice(kind: str, pk) -> str:
    return f"{RECORD_PREFIXES[kind]}{pk}"


@dataclass(frozen=True)
class Question:
    """One row of an XLSForm's survey sheet. ``field`` is the Minka field key its answer fills ("" for none)."""

    type: str
    name: str
    label_es: str = ""
    label_en: str = ""
    field: str = ""
    required: bool = False
    relevant: str = ""
    constraint: str = ""
    constraint_es: str = ""
    constraint_en: str = ""
    hint_es: str = ""
    hint_en: str = ""
    appearance: str = ""
    calculation: str = ""
    default: str = ""
    choice_filter: str = ""

    @property
    def list_name(self) -> str:
        """The choice list a select question draws from ("" for other questions)."""
        kind, _space, rest = self.type.partition(" ")
        return rest.split(" ")[0] if kind in {"select_one", "select_multiple"} else ""


@dataclass(frozen=True)
class FormVersion:
    """One published version of a field form."""

    form_id: str
    title_es: str
    title_en: str
    questions: tuple[Question, ...]
    instance_name: str = ""
    # The program's own lists (sites, activities...) this form draws from; filled at download time.
    record_lists: tuple[str, ...] = field(default=())

    @cached_property
    def version(self) -> str:
        """A digest of everything that shapes the answers: a changed question is a changed version."""
        static = {name: [choice for choice, _es, _en in STATIC_LISTS[name]] for name in self.static_lists}
        shape = {
            "form_id": self.form_id,
            "title": [self.title_es, self.title_en],
            # Only what a question sets, so a new optional attribute of Question leaves old versions alone.
            "questions": [
                {key: value for key, value in vars(question).items() if value not in ("", False)}
                for question in self.questions
            ],
            "instance_name": self.instance_name,
            "static_lists": static,
            "record_lists": list(self.record_lists),
        }
        digest = hashlib.sha256(json.dumps(shape, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        return digest[:10]

    @property
    def static_lists(self) -> tuple[str, ...]:
        used = {question.list_name for question in self.questions} - {""}
        return tuple(sorted(used - set(self.record_lists)))

    @property
    def fields(self) -> dict[str, str]:
        return {question.name: question.field for question in self.questions if question.field}

    @property
    def repeats(self) -> dict[str, str]:
        """{question name: name of the repeat that holds it}, for questions inside a repeat."""
        holders, inside = {}, []
        for question in self.questions:
            if question.type in {"begin_repeat", "begin repeat"}:
                inside.append(question.name)
            elif question.type in {"end_repeat", "end repeat"}:
                inside.pop()
            elif inside:
                holders[question.name] = inside[-1]
        return holders

    @property
    def paths(self) -> dict[str, str]:
        """{path of the answer as Kobo names it: question name}, groups and repeats included."""
        result, stack = {}, []
        for question in self.questions:
            kind = question.type.replace(" ", "_")
            if kind in {"begin_group", "begin_repeat"}:
                stack.append(question.name)
            elif kind in {"end_group", "end_repeat"}:
                stack.pop()
            elif question.field:
                result["/".join([*stack, question.name])] = question.name
        return result


def _choices(text_choices) -> tuple[tuple[str, str, str], ...]:
    """(name, Spanish label, English label) of a model's choices; the English one from the catalogue."""
    from django.utils import translation

    rows = []
    for value, label in text_choices.choices:
        with translation.override("es"):
            spanish = str(label)
        with translation.override("en"):
            english = str(label)
        rows.append((value, spanish, english))
    return tuple(rows)


YES_NO = (("yes", "Sí", "Yes"), ("no", "No", "No"))


class _StaticLists(dict):
    """Choice lists fixed by Minka's models, built on first use (their English labels need the catalogue)."""

    SOURCES = {
        "sex": Sex,
        "mother_tongue": MotherTongue,
        "area": Area,
        "consent_method": ConsentMethod,
        "stage": EnterpriseStage,
        "use_verified": UseVerified,
        "use_category": UseCategory,
        "business_status": BusinessStatus,
    }

    def __missing__(self, name):
        rows = YES_NO if name == "yes_no" else _choices(self.SOURCES[name])
        self[name] = rows
        return rows


STATIC_LISTS = _StaticLists()

# Shared questions --------------------------------------------------------------------------------------------


def _hidden(program_field: str = "program") -> tuple[Question, ...]:
    return (
        Question("calculate", "minka_form", field="form"),
        Question("calculate", "minka_version", field="form_version"),
        Question("calculate", "minka_program", field=program_field),
    )


def _record_select(list_name: str, name: str, label_es: str, label_en: str, *, required: bool, **options):
    """A question over one of the program's record lists; its placeholder choice (an empty list) is refused."""
    return Question(
        f"select_one {list_name}",
        name,
        label_es,
        label_en,
        required=required,
        constraint=f". != '{NONE_CHOICE}'",
        constraint_es="No hay registros en Minka para elegir: descargue el formulario de nuevo cuando los haya.",
        constraint_en="Minka has no records to choose from: download the form again once it has some.",
        **options,
    )


# Registration with consent -------------------------------------------------------------------------------------

_CONSENT_YES = "${consent} = 'yes'"
_SENSITIVE_OK = (
    "${consent} = 'yes' and ${consent_sensitive} = 'yes' and "
    "(${consent_method} = 'signed_paper' or ${consent_method} = 'digital')"
)

REGISTRATION_1 = FormVersion(
    form_id="registration",
    title_es="Registro de participantes con consentimiento",
    title_en="Participant registration with consent",
    instance_name="concat(${given_names}, ' ', ${paternal_surname})",
    record_lists=("sites", "districts"),
    questions=(
        *_hidden(),
        Question("calculate", "minka_organization", field="organization"),
        Question(
            "select_one yes_no",
            "consent",
            "¿La persona da su consentimiento para registrar sus datos en el programa?",
            "Does the person consent to the program recording her data?",
            field="consent",
            required=True,
            hint_es="Lea el texto del consentimiento antes de preguntar. Sin consentimiento no se registra nada.",
            hint_en="Read the consent text before asking. Without consent nothing is recorded.",
        ),
        Question(
            "note",
            "no_consent",
            "Sin consentimiento no se registran datos. Guarde el formulario vacío o descártelo.",
            "Without consent no data is recorded. Save the empty form or discard it.",
            relevant="${consent} = 'no'",
        ),
        Question(
            "select_one consent_method",
            "consent_method",
            "Forma del consentimiento",
            "How consent was given",
            field="consent_method",
            required=True,
            relevant=_CONSENT_YES,
        ),
        Question(
            "select_one yes_no",
            "consent_sensitive",
            "¿El consentimiento escrito incluye datos sensibles (pueblo, discapacidad, privación de libertad)?",
            "Does the written consent cover sensitive data (people, disability, deprivation of liberty)?",
            field="consent_covers_sensitive_data",
            required=True,
            relevant="${consent} = 'yes' and (${consent_method} = 'signed_paper' or ${consent_method} = 'digital')",
        ),
        Question(
            "date",
            "consent_date",
            "Fecha del consentimiento",
            "Date of consent",
            field="consent_date",
            required=True,
            relevant=_CONSENT_YES,
            default="today()",
            constraint=". <= today()",
            constraint_es="No puede ser una fecha futura.",
            constraint_en="It cannot be a future date.",
        ),
        Question(
            "text", "given_names", "Nombres", "Given names", field="given_names", required=True, relevant=_CONSENT_YES
        ),
        Question(
            "text",
            "paternal_surname",
            "Apellido paterno",
            "Father's surname",
            field="paternal_surname",
            relevant=_CONSENT_YES,
        ),
        Question(
            "text",
            "maternal_surname",
            "Apellido materno",
            "Mother's surname",
            field="maternal_surname",
            relevant=_CONSENT_YES,
        ),
        Question(
            "text",
            "dni",
            "DNI",
            "DNI (national ID)",
            field="dni",
            relevant=_CONSENT_YES,
            appearance="numbers",
            constraint="regex(., '^[0-9]{8}$')",
            constraint_es="El DNI tiene 8 dígitos.",
            constraint_en="The DNI has 8 digits.",
        ),
        Question("select_one sex", "sex", "Sexo", "Sex", field="sex", required=True, relevant=_CONSENT_YES),
        Question(
            "date",
            "birth_date",
            "Fecha de nacimiento",
            "Date of birth",
            field="birth_date",
            relevant=_CONSENT_YES,
            constraint=". <= today()",
            constraint_es="No puede ser una fecha futura.",
            constraint_en="It cannot be a future date.",
        ),
        Question("text", "phone", "Teléfono", "Phone", field="phone", relevant=_CONSENT_YES, appearance="numbers"),
        Question(
            "select_one mother_tongue",
            "mother_tongue",
            "Lengua materna",
            "Mother tongue",
            field="mother_tongue",
            relevant=_CONSENT_YES,
        ),
        Question(
            "select_one area", "area", "Área de residencia", "Area of residence", field="area", relevant=_CONSENT_YES
        ),
        _record_select(
            "districts",
            "district",
            "Distrito de residencia",
            "District of residence",
            required=False,
            relevant=_CONSENT_YES,
            field="district",
            appearance="minimal",
        ),
        _record_select(
            "sites",
            "site",
            "Sede donde se registra",
            "Site where she registers",
            required=False,
            relevant=_CONSENT_YES,
            field="site",
            appearance="minimal",
        ),
        Question(
            "text",
            "household_name",
            "Hogar (nombre)",
            "Household (name)",
            field="household_name",
            relevant=_CONSENT_YES,
        ),
        Question(
            "text",
            "ethnic_group",
            "Pueblo o grupo étnico (autoidentificación)",
            "People or ethnic group (self-identified)",
            field="ethnic_group",
            relevant=_SENSITIVE_OK,
        ),
        Question(
            "select_one yes_no",
            "disability",
            "¿Tiene alguna discapacidad?",
            "Does she have a disability?",
            field="disability",
            relevant=_SENSITIVE_OK,
        ),
        Question(
            "select_one yes_no",
            "deprived_of_liberty",
            "¿Está privada de libertad?",
            "Is she deprived of liberty?",
            field="deprived_of_liberty",
            relevant=_SENSITIVE_OK,
        ),
    ),
)

# Session attendance ---------------------------------------------------------------------------------------------
#
# Who came is a repeat with one row per person present, each chosen from the people enrolled in the program
# (an autocomplete list, so a facilitator types a few letters of a name among hundreds, offline). A
# select_multiple would show every enrolled person as a checkbox on one screen, which no phone handles for
# a program of a few hundred. Someone not on the list is recorded by her DNI in the same row.

ATTENDANCE_1 = FormVersion(
    form_id="attendance",
    title_es="Asistencia a una sesión",
    title_en="Session attendance",
    instance_name="concat(${session_date}, ' ', ${activity})",
    record_lists=("activity_types", "activities", "people"),
    questions=(
        *_hidden(),
        _record_select(
            "activity_types",
            "activity_type",
            "Tipo de actividad",
            "Activity type",
            required=False,
            appearance="minimal",
        ),
        _record_select(
            "activities",
            "activity",
            "Actividad",
            "Activity",
            required=True,
            field="activity",
            appearance="minimal",
            choice_filter=f"${{activity_type}} = '' or activity_type = ${{activity_type}} or name = '{NONE_CHOICE}'",
        ),
        Question(
            "date",
            "session_date",
            "Fecha de la sesión",
            "Session date",
            field="session_date",
            required=True,
            default="today()",
            constraint=". <= today()",
            constraint_es="No puede ser una fecha futura.",
            constraint_en="It cannot be a future date.",
        ),
        Question("text", "topic", "Tema", "Topic", field="topic"),
        Question("begin_repeat", "present", "Personas presentes", "People present"),
        _record_select(
            "people",
            "person",
            "Persona (escriba parte del nombre)",
            "Person (type part of the name)",
            required=False,
            field="person_id",
            appearance="autocomplete",
        ),
        Question(
            "text",
            "person_dni",
            "DNI (si no está en la lista)",
            "DNI (if not on the list)",
            field="dni",
            relevant="${person} = ''",
            required=True,
            appearance="numbers",
            constraint="regex(., '^[0-9]{8}$')",
            constraint_es="El DNI tiene 8 dígitos.",
            constraint_en="The DNI has 8 digits.",
        ),
        Question("end_repeat", "present"),
    ),
)

# Enterprise follow-up ------------------------------------------------------------------------------------------

ENTERPRISE_FOLLOWUP_1 = FormVersion(
    form_id="enterprise_followup",
    title_es="Seguimiento mensual de emprendimientos",
    title_en="Monthly enterprise follow-up",
    instance_name="concat(${enterprise}, ' ', ${month})",
    record_lists=("enterprises",),
    questions=(
        *_hidden(),
        _record_select(
            "enterprises",
            "enterprise",
            "Emprendimiento",
            "Enterprise",
            required=True,
            field="enterprise",
            appearance="autocomplete",
        ),
        Question(
            "date",
            "month",
            "Mes que se reporta",
            "Month reported",
            field="month",
            required=True,
            appearance="month-year",
            constraint=". <= today()",
            constraint_es="No se registran meses futuros.",
            constraint_en="Future months are not recorded.",
        ),
        Question(
            "decimal",
            "sales",
            "Ventas del mes (S/)",
            "Sales in the month (S/)",
            field="sales",
            required=True,
            constraint=". >= 0",
            constraint_es="No puede ser negativo.",
            constraint_en="It cannot be negative.",
        ),
        Question(
            "decimal",
            "costs",
            "Costos del mes (S/)",
            "Costs in the month (S/)",
            field="costs",
            required=True,
            constraint=". >= 0",
            constraint_es="No puede ser negativo.",
            constraint_en="It cannot be negative.",
        ),
        Question(
            "integer",
            "jobs",
            "Puestos de trabajo",
            "Jobs",
            field="jobs",
            default="0",
            constraint=". >= 0",
            constraint_es="No puede ser negativo.",
            constraint_en="It cannot be negative.",
        ),
        Question("select_one stage", "stage", "Etapa del emprendimiento", "Stage of the enterprise", field="stage"),
    ),
)

# Credit-use visit ----------------------------------------------------------------------------------------------

CREDIT_VISIT_1 = FormVersion(
    form_id="credit_visit",
    title_es="Visita de seguimiento del crédito",
    title_en="Credit follow-up visit",
    instance_name="concat(${loan}, ' ', ${visited_on})",
    record_lists=("loans",),
    questions=(
        *_hidden(),
        _record_select(
            "loans",
            "loan",
            "Crédito (número · prestataria · uso previsto)",
            "Loan (number · borrower · planned use)",
            required=True,
            field="loan",
            appearance="autocomplete",
        ),
        Question(
            "date",
            "visited_on",
            "Fecha de la visita",
            "Visit date",
            field="visited_on",
            required=True,
            default="today()",
            constraint=". <= today()",
            constraint_es="No puede ser una fecha futura.",
            constraint_en="It cannot be a future date.",
        ),
        Question(
            "select_one yes_no",
            "is_evaluation",
            "¿Es una visita de evaluación, antes de aprobar?",
            "Is it an evaluation visit, before approval?",
            field="is_evaluation",
            required=True,
            default="no",
        ),
        Question(
            "select_one use_verified",
            "use_verified",
            "¿En qué se usó el crédito, frente a lo previsto?",
            "How was the loan used, against the plan?",
            field="use_verified",
            required=True,
            relevant="${is_evaluation} = 'no'",
        ),
        Question(
            "select_one use_category",
            "verified_use_category",
            "¿En qué se usó?",
            "What was it used for?",
            field="verified_use_category",
            required=True,
            relevant="${is_evaluation} = 'no' and ${use_verified} != 'as_planned'",
        ),
        Question(
            "select_one business_status",
            "business_status",
            "Estado del negocio",
            "State of the business",
            field="business_status",
            required=True,
        ),
        Question("text", "findings", "Hallazgos", "Findings", field="findings", required=True, appearance="multiline"),
    ),
)

# History -------------------------------------------------------------------------------------------------------

HISTORY: dict[str, tuple[FormVersion, ...]] = {
    "registration": (REGISTRATION_1,),
    "attendance": (ATTENDANCE_1,),
    "enterprise_followup": (ENTERPRISE_FOLLOWUP_1,),
    "credit_visit": (CREDIT_VISIT_1,),
}
FORM_IDS = tuple(HISTORY)


def current(form_id: str) -> FormVersion:
    try:
        return HISTORY[form_id][-1]
    except KeyError:
        raise UnknownFormVersion(form_id) from None


def form_version(form_id: str, version: str) -> FormVersion:
    """A published version of a form, by its version or by the whole version string of its XLSForm."""
    wanted = (version or "").strip().split(".")[0]
    for candidate in HISTORY.get(form_id, ()):
        if candidate.version == wanted:
            return candidate
    raise UnknownFormVersion(f"{form_id} {version}")
