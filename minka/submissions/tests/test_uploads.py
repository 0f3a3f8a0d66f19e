"""Uploading a KoboToolbox export (JSON, CSV, XLSX): the same submissions as a pull, imported once whichever way
they came in."""

import csv
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from minka.core.errors import ApplicationError
from minka.fieldforms import definitions
from minka.people.models import Participant
from minka.submissions import services
from minka.submissions.models import Submission, SubmissionStatus
from minka.submissions.tests.conftest import answers, kobo_submission

pytestmark = pytest.mark.django_db

DNIS = ["41112233", "41223344", "41334455"]


def export_rows():
    return [kobo_submission(n, answers(f"Exportada {n}", DNIS[n])) for n in range(3)]


def as_csv(rows, delimiter=";") -> bytes:
    """As Kobo writes its CSV export: `;` by default, a header of group paths, then its metadata columns."""
    header = [key for key in rows[0] if not isinstance(rows[0][key], (list, dict))]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(key, "") for key in header])
    return out.getvalue().encode("utf-8-sig")


def test_a_kobo_json_export_goes_in_and_a_pull_after_it_adds_nothing(world, servers, kobo):
    rows = export_rows()
    done = services.upload(connection=kobo, user=world.admin_a, name="registro.json", data=json.dumps(rows).encode())
    assert (done.source, done.received, done.imported, done.failed) == ("upload", 3, 3, 0)
    assert Participant.objects.filter(given_names__startswith="Exportada").count() == 3

    servers.kobo_assets[kobo.asset_uid] = rows  # the same submissions, now pulled from the server
    assert services.pull(connection=kobo, user=world.admin_a).already == 3
    page = json.dumps({"count": 3, "next": None, "previous": None, "results": rows}).encode()
    assert services.upload(connection=kobo, user=world.admin_a, name="pagina.json", data=page).already == 3
    assert Participant.objects.filter(given_names__startswith="Exportada").count() == 3


@pytest.mark.parametrize("delimiter", [";", ","])
def test_a_kobo_csv_export_with_group_paths(world, kobo, delimiter):
    done = services.upload(
        connection=kobo, user=world.admin_a, name="registro.csv", data=as_csv(export_rows(), delimiter)
    )
    assert (done.imported, done.failed) == (3, 0), list(Submission.objects.values_list("failure_reason", flat=True))
    person = Participant.objects.get(given_names="Exportada 1")
    assert person.phone == "987654321" and person.district_id == "010401"
    assert Submission.objects.get(instance_uuid=export_rows()[1]["_uuid"]).status == SubmissionStatus.IMPORTED


def test_a_csv_export_with_a_stray_carriage_return_and_nul_at_the_end_still_goes_in(world, kobo):
    # Found by the property test below: a lone "\r" followed by NUL once stopped Python's CSV reader cold
    data = as_csv(export_rows()) + b"\r\x00"
    done = services.upload(connection=kobo, user=world.admin_a, name="registro.csv", data=data)
    assert (done.imported, done.failed) == (3, 0)


def test_a_kobo_csv_export_with_labels_for_headers(world, kobo):
    """Kobo's "labels" export: "Datos personales/Nombres" instead of "datos/given_names", "Sí" instead of "yes"."""
    version = definitions.current("registration")
    labels = {question.name: question.label_es for question in version.questions if question.label_es}
    rows = []
    for row in export_rows():
        labelled = {}
        for key, value in row.items():
            leaf = key.rsplit("/", 1)[-1]
            labelled[f"Datos personales/{labels[leaf]}" if leaf in labels else key] = value
        labelled[f"Datos personales/{labels['consent']}"] = "Sí"
        labelled[f"Datos personales/{labels['sex']}"] = "Mujer"
        rows.append(labelled)
    assert "Datos personales/Nombres" in rows[0] and "datos/given_names" not in rows[0]
    done = services.upload(connection=kobo, user=world.admin_a, name="registro-etiquetas.csv", data=as_csv(rows))
    assert (done.imported, done.failed) == (3, 0), list(Submission.objects.values_list("failure_reason", flat=True))
    person = Participant.objects.get(given_names="Exportada 2")
    assert (person.paternal_surname, person.sex, person.phone) == ("Tsamajain", "F", "987654321")
    assert person.district_id == "010401"


def test_a_kobo_xlsx_export(world, kobo):
    rows = export_rows()
    header = [key for key in rows[0] if not isinstance(rows[0][key], (list, dict))]
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append([row.get(key) for key in header])
    data = io.BytesIO()
    book.save(data)
    done = services.upload(connection=kobo, user=world.admin_a, name="registro.xlsx", data=data.getvalue())
    assert (done.imported, done.failed) == (3, 0)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("vacio.csv", b"", "vacío"),
        ("roto.json", b"{not json", "JSON"),
        ("roto.xlsx", b"PK not a zip", "XLSX"),
        ("registro.pdf", b"%PDF", "JSON, CSV o XLSX"),
        ("solo-cabecera.csv", b"_uuid;datos/given_names\n", "ningún envío"),
    ],
)
def test_a_broken_export_is_a_clear_error_and_changes_nothing(world, kobo, name, data, message):
    with pytest.raises(ApplicationError, match=message):
        services.upload(connection=kobo, user=world.admin_a, name=name, data=data)
    assert not kobo.pulls.exists() and not Submission.objects.exists()


ANSWER_KEYS = ["_uuid", "meta/instanceID", "datos/given_names", "datos/dni", "datos/sex", "datos/consent",
               "datos/minka_version", "datos/minka_program", "datos/district", "_submission_time"]  # fmt: skip
odd_values = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=10),
    st.sampled_from(["\x00", "uuid:", "31/02/2024", "yes", "F", "d010401", "alpha", "1.0", "=1+1", "🙂"]),
    st.lists(st.dictionaries(st.sampled_from(ANSWER_KEYS), st.text(max_size=5), max_size=3), max_size=2),
)  # fmt: skip
odd_rows = st.lists(st.dictionaries(st.sampled_from(ANSWER_KEYS), odd_values, max_size=8), max_size=4)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=odd_rows,
    shape=st.sampled_from(["json", "json-page", "csv", "xlsx", "bytes"]),
    garbage=st.binary(max_size=30),
)
def test_any_broken_export_is_a_sentence_or_submissions_each_imported_or_failed(world, kobo, rows, shape, garbage):
    """Whatever a user uploads: a clear refusal that stored nothing, or each submission stored once and either
    imported with its records or failed with a reason; never a crash, never a person without her submission."""
    good = [kobo_submission(n, answers(f"Buena {n}", DNIS[n])) for n in range(2)]
    mixed = good + rows
    if shape == "json":
        name, data = "envios.json", json.dumps(mixed, default=str).encode() + garbage
    elif shape == "json-page":
        name, data = "envios.json", json.dumps({"count": len(mixed), "results": mixed}, default=str).encode()
    elif shape == "csv":
        name, data = "envios.csv", as_csv([{k: v for k, v in row.items() if not isinstance(v, list)} or {"_uuid": ""}
                                          for row in mixed]) + garbage  # fmt: skip
    elif shape == "xlsx":
        book = Workbook()
        for row in mixed:
            cells = [str(value)[:50] for value in row.values() if not isinstance(value, list)]
            book.active.append([ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in cells])  # Excel could not hold them
        stream = io.BytesIO()
        book.save(stream)
        name, data = "envios.xlsx", stream.getvalue()
    else:
        name, data = "envios.json", garbage
    people_before, pulls_before = Participant.objects.count(), kobo.pulls.count()
    try:
        done = services.upload(connection=kobo, user=world.admin_a, name=name, data=data)
    except ApplicationError:
        assert kobo.pulls.count() == pulls_before and Participant.objects.count() == people_before
        return
    assert done.received == done.imported + done.failed + done.already
    stored = Submission.objects.filter(pull=done)
    assert stored.filter(status=SubmissionStatus.FAILED).exclude(failure_reason="").count() == done.failed
    people = [r["pk"] for s in Submission.objects.filter(status=SubmissionStatus.IMPORTED) for r in s.records
              if r["model"] == "people.participant"]  # fmt: skip
    assert Participant.objects.count() == len(set(people))
