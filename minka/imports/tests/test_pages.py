"""The import pages with the test client: upload, fix a header, see the errors, upload the corrected file, commit,
the import's page, undo; who may see what; the error report; a long import through the queue."""

import csv
import io
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from minka.imports import tasks
from minka.imports.models import ImportBatch, ImportStatus
from minka.people.models import Consent, Enrollment, Participant

# "Primer nombre" is not a header Minka knows: the user maps it to "Nombres" by hand.
HEADER = "DNI;Primer nombre;Apellido paterno;Sexo;Fecha de nacimiento;Consentimiento;Fecha del consentimiento;Notas\n"
GOOD = [
    "41234567;María;Quispe;F;15/03/1990;sí;10/01/2025;x\n",
    "47654321;Rosa;Mamani;F;02/07/1985;sí;10/01/2025;\n",
]
BAD = "47654321;Rosa;Mamani;F;30/02/1985;sí;10/01/2025;\n"  # 30 February


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(rows, name="lista.csv"):
    return SimpleUploadedFile(name, (HEADER + "".join(rows)).encode(), content_type="text/csv")


def start(client, world, rows, **more):
    data = {"kind": "people", "organization": world.org_a.pk, "program": "", "file": upload(rows), **more}
    return client.post(reverse("import_new"), data)


def mapping_data(response, **choices):
    """The mapping form as the page offers it, with the user's changes."""
    form = response.context["form"]
    return {**{name: form[name].value() or "" for name in form.fields}, **choices}


def error_rows(response):
    return [(e["row"], e["header"], e["value"], e["code"]) for e in response.context["page_obj"].object_list]


@pytest.mark.django_db
def test_upload_map_preview_correct_commit_and_undo(world, login):
    client = login(world.field_a)
    page = client.get(reverse("import_new"))
    assert "idioma=en&amp;formato=xlsx" in page.content.decode()

    response = start(client, world, [GOOD[0], BAD])
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("import_mapping", args=[batch.pk])
    mapping = client.get(response["Location"])
    assert mapping.context["missing"] == ["Nombres"]
    assert mapping.context["extra"] == ["Primer nombre", "Notas"]
    assert mapping.context["form"]["dni"].value() == "DNI"

    # Leaving the name unmapped is refused on the form, not a crash.
    refused = client.post(response["Location"], mapping_data(mapping))
    assert refused.status_code == 200 and refused.context["form"].errors["given_names"]

    response = client.post(
        reverse("import_mapping", args=[batch.pk]), mapping_data(mapping, given_names="Primer nombre")
    )
    assert response["Location"] == reverse("import_preview", args=[batch.pk])
    preview = client.get(response["Location"])
    assert error_rows(preview) == [(3, "Fecha de nacimiento", "30/02/1985", "invalid_date")]
    assert preview.context["summary"]["created"] == 1 and not preview.context["can_commit"]
    assert Participant.objects.count() == 0
    # Committing anyway is refused and writes nothing.
    client.post(reverse("import_commit", args=[batch.pk]))
    assert Participant.objects.count() == 0

    report = client.get(reverse("import_errors_csv", args=[batch.pk]))
    rows = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert rows[0] == ["Fila", "Columna", "Valor", "Problema", "Código"]
    assert rows[1][:3] == ["3", "Fecha de nacimiento", "30/02/1985"] and rows[1][4] == "invalid_date"

    response = client.post(reverse("import_reupload", args=[batch.pk]), {"file": upload(GOOD, "lista-corregida.csv")})
    corrected = ImportBatch.objects.get()  # the draft it replaced imported nothing and is gone
    assert corrected.pk != batch.pk and corrected.mapping["given_names"] == "Primer nombre"
    assert response["Location"] == reverse("import_preview", args=[corrected.pk])
    preview = client.get(response["Location"])
    assert preview.context["can_commit"] and preview.context["summary"]["created"] == 2

    response = client.post(reverse("import_commit", args=[corrected.pk]))
    assert response["Location"] == reverse("import_detail", args=[corrected.pk])
    assert sorted(Participant.objects.values_list("given_names", flat=True)) == ["María", "Rosa"]
    detail = client.get(response["Location"])
    body = detail.content.decode()
    assert detail.context["summary"]["created"] == 2 and "lista-corregida.csv" in body
    maria = Participant.objects.get(given_names="María")
    assert reverse("person_detail", args=[maria.pk]) in body
    assert dict(detail.context["record_counts"]) == {"participantes": 2, "consentimientos": 2}
    assert detail.context["can_undo"]

    # The same file again creates nothing.
    client.post(reverse("import_new"), {"kind": "people", "organization": world.org_a.pk, "file": upload(GOOD)})
    again = ImportBatch.objects.latest("pk")
    client.post(reverse("import_mapping", args=[again.pk]), {"given_names": "Primer nombre", "dni": "DNI",
        "paternal_surname": "Apellido paterno", "sex": "Sexo", "birth_date": "Fecha de nacimiento",
        "consent": "Consentimiento", "consent_date": "Fecha del consentimiento"})  # fmt: skip
    again.refresh_from_db()
    assert (again.summary["created"], again.summary["unchanged"]) == (0, 2)

    assert client.get(reverse("import_undo", args=[corrected.pk])).status_code == 200
    response = client.post(reverse("import_undo", args=[corrected.pk]))
    assert response["Location"] == reverse("import_detail", args=[corrected.pk])
    corrected.refresh_from_db()
    assert corrected.status == ImportStatus.UNDONE
    assert Participant.objects.count() == 0 and Consent.objects.count() == 0


def committed(client, world):
    start(client, world, GOOD)
    batch = ImportBatch.objects.latest("pk")
    client.post(reverse("import_mapping", args=[batch.pk]), {"given_names": "Primer nombre", "dni": "DNI",
        "paternal_surname": "Apellido paterno", "sex": "Sexo", "birth_date": "Fecha de nacimiento",
        "consent": "Consentimiento", "consent_date": "Fecha del consentimiento"})  # fmt: skip
    client.post(reverse("import_commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED
    return batch


@pytest.mark.django_db
def test_undo_is_refused_with_its_reason_once_something_depends_on_the_import(world, login):
    client = login(world.field_a)
    batch = committed(client, world)
    Enrollment.objects.create(
        participant=Participant.objects.first(), program=world.program_a, organization=world.org_a,
        enrolled_on="2025-01-10",
    )  # fmt: skip
    response = client.post(reverse("import_undo", args=[batch.pk]))
    assert response.status_code == 200 and "dependen" in response.context["error"]
    assert Participant.objects.count() == 2


@pytest.mark.django_db
def test_who_sees_an_import(world, login, client):
    batch = committed(login(world.field_a), world)
    detail, undo = reverse("import_detail", args=[batch.pk]), reverse("import_undo", args=[batch.pk])
    # The organization's auditor reads it all, file included, and undoes nothing.
    auditor = login(world.auditor_a)
    page = auditor.get(detail)
    assert page.status_code == 200 and page.context["can_download"] and not page.context["can_undo"]
    assert auditor.get(reverse("import_file_download", args=[batch.pk])).status_code == 200
    assert auditor.post(undo).status_code == 404
    assert auditor.post(reverse("import_commit", args=[batch.pk])).status_code == 404
    # The organization's admin undoes what a field officer imported.
    assert login(world.admin_a).get(undo).status_code == 200
    # Funders see aggregates only: no import page at all.
    funder = login(world.funder_a)
    for url in (reverse("import_list"), reverse("import_new"), detail, reverse("import_errors_csv", args=[batch.pk])):
        assert funder.get(url).status_code == 404, url
    # Another organization's staff see their own (empty) list, and 404 for A's import.
    other = login(world.admin_b)
    assert batch not in other.get(reverse("import_list")).context["page_obj"].object_list
    assert other.get(detail).status_code == 404


@pytest.mark.django_db
def test_the_list_filters_by_kind_and_status(world, login):
    client = login(world.field_a)
    batch = committed(client, world)
    start(client, world, GOOD)
    listed = client.get(reverse("import_list"), {"status": "committed"}).context["page_obj"].object_list
    assert list(listed) == [batch]
    assert not client.get(reverse("import_list"), {"kind": "attendance"}).context["page_obj"].object_list


@pytest.mark.django_db
def test_bad_files_are_form_errors(world, login):
    client = login(world.field_a)
    empty = SimpleUploadedFile("vacio.csv", b"", content_type="text/csv")
    response = client.post(reverse("import_new"), {"kind": "people", "organization": world.org_a.pk, "file": empty})
    assert response.status_code == 200 and response.context["form"].errors
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_templates_download_in_both_languages(world, login):
    client = login(world.field_a)
    response = client.get(reverse("import_template"), {"tipo": "people", "idioma": "en", "formato": "csv"})
    assert response.content.decode("utf-8-sig").startswith("DNI,Given names,")
    response = client.get(reverse("import_template"), {"tipo": "people", "idioma": "es", "formato": "xlsx"})
    assert response.content[:2] == b"PK"
    assert client.get(reverse("import_template"), {"tipo": "nada"}).status_code == 404


# The worker closes its database connection when its batch is done: only a test outside a transaction survives it.
@pytest.mark.django_db(transaction=True)
def test_a_long_import_goes_through_the_queue_and_the_page_shows_it_done(world, login, monkeypatch):
    monkeypatch.setattr(tasks, "BACKGROUND_ROWS", 1)
    client = login(world.field_a)
    start(client, world, GOOD)
    batch = ImportBatch.objects.get()
    client.post(reverse("import_mapping", args=[batch.pk]), {"given_names": "Primer nombre", "dni": "DNI",
        "paternal_surname": "Apellido paterno", "sex": "Sexo", "birth_date": "Fecha de nacimiento",
        "consent": "Consentimiento", "consent_date": "Fecha del consentimiento"})  # fmt: skip
    client.post(reverse("import_commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.QUEUED and Participant.objects.count() == 0
    status = client.get(reverse("import_status", args=[batch.pk])).content.decode()
    assert "<progress" in status and 'hx-trigger="every 1s"' in status

    call_command("db_worker", "--batch", stdout=StringIO(), stderr=StringIO())
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED and Participant.objects.count() == 2
    status = client.get(reverse("import_status", args=[batch.pk])).content.decode()
    assert "<progress" not in status and "hx-get" not in status and "2 registros nuevos" in status


@pytest.mark.django_db(transaction=True)
def test_a_long_file_is_checked_on_the_queue_and_the_page_shows_the_preview_when_done(world, login, monkeypatch):
    monkeypatch.setattr(tasks, "BACKGROUND_CHECK_ROWS", 1)
    client = login(world.field_a)
    start(client, world, [GOOD[0], BAD, GOOD[1]])
    batch = ImportBatch.objects.get()
    chosen = {"given_names": "Primer nombre", "dni": "DNI", "paternal_surname": "Apellido paterno", "sex": "Sexo",
              "birth_date": "Fecha de nacimiento", "consent": "Consentimiento",
              "consent_date": "Fecha del consentimiento"}  # fmt: skip
    response = client.post(reverse("import_mapping", args=[batch.pk]), chosen)
    assert response["Location"] == reverse("import_preview", args=[batch.pk])
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CHECKING and batch.summary == {}
    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page and "then=preview" in page and "Importar" not in page
    assert "Personas con su consentimiento" in page
    polled = client.get(reverse("import_status", args=[batch.pk]) + "?then=preview")
    assert "<progress" in polled.content.decode() and "HX-Redirect" not in polled
    assert client.post(reverse("import_commit", args=[batch.pk])).status_code == 302
    assert ImportBatch.objects.get().status == ImportStatus.CHECKING  # not committed while being checked

    call_command("db_worker", "--batch", stdout=StringIO(), stderr=StringIO())
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEWED and batch.summary["errors"] == 1 and batch.summary["rows"] == 3
    assert {key: header for key, header in batch.mapping.items() if header} == chosen  # kept for the commit
    polled = client.get(reverse("import_status", args=[batch.pk]) + "?then=preview")
    assert polled["HX-Redirect"] == reverse("import_preview", args=[batch.pk])
    preview = client.get(reverse("import_preview", args=[batch.pk]))
    assert [row[0] for row in error_rows(preview)] == [3] and Participant.objects.count() == 0
