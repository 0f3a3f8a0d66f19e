"""What Minka keeps of a submission whatever server or file it came from: its instance uuid, form, version, time
of submission and its answers by question name.

Kobo names an answer by its path ("grupo/pregunta"); ODK Central's OData nests groups as objects. Both come out
as {"pregunta": value}, so a question moved into or out of a group between form versions is still found by name.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

# Minka's forms carry their version in this hidden answer (minka.fieldforms.definitions), besides the XLSForm
# settings' one, which a server may rewrite; an export that lost the server's metadata still says its version.
VERSION_FIELD = "minka_version"
KOBO_META_PREFIXES = ("_", "formhub/", "meta/")


@dataclass
class Received:
    instance_uuid: str
    form_version: str
    submitted_at: datetime.datetime | None
    answers: dict = field(default_factory=dict)
    form_id: str = ""


def without_nul(value):
    """The value with NUL characters dropped from every string in it, keys included."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {without_nul(key): without_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [without_nul(item) for item in value]
    return value


def bare_uuid(value) -> str:
    """`uuid:1b2c…` (ODK's instanceID, Kobo's meta/instanceID) and `1b2c…` (Kobo's _uuid) are one submission."""
    text = str(value or "").strip()
    return text[5:] if text.lower().startswith("uuid:") else text


def parse_moment(value) -> datetime.datetime | None:
    """Kobo's `_submission_time` (UTC without an offset) and ODK's `submissionDate` (ISO with Z)."""
    if not value:
        return None
    try:
        moment = datetime.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


def _leaf(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _kobo_answers(row: dict) -> dict:
    """{question name: answer}; a repeat (Kobo's list of {"repeat/question": answer}) becomes a list of the same."""
    answers = {}
    for key, value in row.items():
        if key.startswith(KOBO_META_PREFIXES) or key in ("start", "end", "today", "deviceid"):
            continue
        if isinstance(value, list) and all(isinstance(item, dict) for item in value):
            value = [_kobo_answers(item) for item in value]
        answers[_leaf(key)] = value
    return answers


def from_kobo(row: dict) -> Received:
    """A submission as Kobo's API v2 and its JSON/CSV/XLSX exports give it."""
    answers = _kobo_answers(row)
    version = answers.pop(VERSION_FIELD, None) or row.get("_version_") or row.get("__version__") or ""
    return Received(
        instance_uuid=bare_uuid(row.get("_uuid") or row.get("meta/instanceID")),
        form_version=str(version).strip(),
        submitted_at=parse_moment(row.get("_submission_time")),
        answers=answers,
        form_id=str(row.get("_xform_id_string") or ""),
    )


def _flatten(node: dict, into: dict) -> None:
    for key, value in node.items():
        if key.startswith("__") or "@odata" in key or key == "meta":
            continue
        if isinstance(value, dict) and "type" not in value:  # a group; a geopoint is a GeoJSON dict with a type
            _flatten(value, into)
        elif isinstance(value, list) and all(isinstance(item, dict) for item in value):  # a repeat ($expand=*)
            into[key] = []
            for item in value:
                into[key].append({})
                _flatten(item, into[key][-1])
        else:
            into[key] = value


def from_odk(row: dict) -> Received:
    """A submission as ODK Central's OData `Submissions` table gives it."""
    system = row.get("__system") or {}
    answers: dict = {}
    _flatten(row, answers)
    version = answers.pop(VERSION_FIELD, None) or system.get("formVersion") or ""
    meta = row.get("meta") or {}
    return Received(
        instance_uuid=bare_uuid(row.get("__id") or meta.get("instanceID")),
        form_version=str(version).strip(),
        submitted_at=parse_moment(system.get("submissionDate")),
        answers=answers,
    )
