"""Pulling submissions from a KoboToolbox and an ODK Central server running on localhost, answering in the shape
their documentation gives: each submission imported once, failures alone and explained, versions read right."""

import dataclasses
import uuid

import pytest

from minka.audit.models import AuditEvent
from minka.fieldforms import definitions
from minka.imports.models import ImportedRecord
from minka.people.identity import dni_hash
from minka.people.models import Consent, Enrollment, Participant
from minka.submissions import services
from minka.submissions.models import Pull, Submission, SubmissionStatus
from minka.submissions.tests.conftest import answers, connection_create, kobo_submission, odk_submission

pytestmark = pytest.mark.django_db

DNIS = ["40112233", "40223344", "40334455", "40445566", "40556677", "40667788", "40778899"]


def test_pulled_submissions_are_imported_once_across_repeated_pulls(world, servers, kobo):
    servers.page_size = 2  # three pages for five submissions: the client must follow `next`
    rows = [kobo_submission(n, answers(f"Persona {n}", DNIS[n])) for n in range(5)]
    servers.kobo_assets[kobo.asset_uid] = rows

    first = services.pull(connection=kobo, user=world.admin_a)
    assert (first.received, first.imported, first.failed, first.already, first.error) == (5, 5, 0, 0, "")
    assert sum("start=" in path for path in servers.requests) == 3
    people = Participant.objects.filter(registered_by=world.org_a, given_names__startswith="Persona")
    assert people.count() == 5
    assert Consent.objects.filter(participant__in=people).count() == 5
    assert Enrollment.objects.filter(participant__in=people, program=world.program_a).count() == 5
    maria = people.get(given_names="Persona 0")
    assert maria.dni_hash == dni_hash(DNIS[0]) and maria.phone == "987654321" and maria.district_id == "010401"

    # A week later: two new submissions besides the five already in.
    servers.kobo_assets[kobo.asset_uid] = rows + [kobo_submission(n, answers(f"Persona {n}", DNIS[n])) for n in (5, 6)]
    second = services.pull(connection=kobo, user=world.admin_a)
    assert (second.received, second.imported, second.already) == (7, 2, 5)
    third = services.pull(connection=kobo)
    assert (third.received, third.imported, third.already) == (7, 0, 7)
    assert people.count() == 7
    assert Submission.objects.filter(organization=world.org_a).count() == 7
    assert set(Submission.objects.values_list("status", flat=True)) == {SubmissionStatus.IMPORTED}

    # Each pull is an import batch listing what it created: person, consent and enrollment per submission.
    batch = first.batches.get()
    assert (batch.kind, batch.source, batch.status, batch.created_by) == ("people", "kobo", "committed", world.admin_a)
    assert ImportedRecord.objects.filter(batch=batch).count() == 15
    assert not third.batches.exists()


def test_a_submission_of_an_unknown_form_version_fails_alone_and_is_retried(world, servers, kobo):
    stray = kobo_submission(2, answers("Persona 2", DNIS[2], version="9f9f9f9f9f"))
    servers.kobo_assets[kobo.asset_uid] = [
        kobo_submission(0, answers("Persona 0", DNIS[0])),
        stray,
        kobo_submission(1, answers("Persona 1", DNIS[1])),
    ]
    done = services.pull(connection=kobo, user=world.admin_a)
    assert (done.imported, done.failed) == (2, 1)
    failed = Submission.objects.get(status=SubmissionStatus.FAILED)
    assert failed.instance_uuid == stray["_uuid"] and failed.form_version == "9f9f9f9f9f"
    assert "Versión «9f9f9f9f9f» del formulario desconocida" in failed.failure_reason
    assert not Participant.objects.filter(given_names="Persona 2").exists()

    # The field team sends it again with the right version (same uuid: it was re-exported): it goes in now.
    servers.kobo_assets[kobo.asset_uid][1] = kobo_submission(2, answers("Persona 2", DNIS[2]))
    again = services.pull(connection=kobo, user=world.admin_a)
    assert (again.imported, again.failed, again.already) == (1, 0, 2)
    assert Participant.objects.filter(given_names="Persona 2").count() == 1
    assert Submission.objects.get(instance_uuid=stray["_uuid"]).failure_reason == ""


def test_a_failing_row_rolls_back_alone(world, servers, kobo):
    """A submission the people kind refuses (no consent date) writes nothing of itself; the next one goes in."""
    broken = answers("Sin fecha", DNIS[3])
    del broken["consent_date"]
    servers.kobo_assets[kobo.asset_uid] = [kobo_submission(3, broken), kobo_submission(4, answers("Bien", DNIS[4]))]
    done = services.pull(connection=kobo, user=world.admin_a)
    assert (done.imported, done.failed) == (1, 1)
    assert "consent_date" in Submission.objects.get(status=SubmissionStatus.FAILED).failure_reason
    assert not Participant.objects.filter(given_names="Sin fecha").exists()
    assert Participant.objects.filter(given_names="Bien").count() == 1


def test_a_question_renamed_between_versions_keeps_its_answers_in_the_right_field(world, servers, kobo, monkeypatch):
    """Version 2 renames "phone" to "celular" and reuses the name "phone"... for nothing Minka keeps: read by
    position or by name alone, version 2's phone would land in the wrong field."""
    first = definitions.current("registration")
    questions = []
    for question in first.questions:
        if question.name == "phone":
            questions.append(dataclasses.replace(question, name="celular", label_es="Celular"))
            questions.append(dataclasses.replace(question, name="phone", label_es="Teléfono fijo", field=""))
        else:
            questions.append(question)
    second = dataclasses.replace(first, questions=tuple(questions))
    assert second.version != first.version
    monkeypatch.setitem(definitions.HISTORY, "registration", (first, second))

    old = answers("Con v1", DNIS[0], phone="911111111", version=first.version)
    new = answers("Con v2", DNIS[1], phone="064222222", version=second.version)
    new["celular"] = "922222222"
    servers.kobo_assets[kobo.asset_uid] = [kobo_submission(0, old), kobo_submission(1, new)]
    done = services.pull(connection=kobo, user=world.admin_a)
    assert (done.imported, done.failed) == (2, 0)
    assert Participant.objects.get(given_names="Con v1").phone == "911111111"
    assert Participant.objects.get(given_names="Con v2").phone == "922222222"


def test_odk_central_through_odata_with_next_links(world, servers):
    connection = connection_create(world, servers, kind="odk")
    servers.page_size = 2
    servers.odk_forms[(3, "registration")] = [odk_submission(n, answers(f"Odk {n}", DNIS[n])) for n in range(3)]
    done = services.pull(connection=connection, user=world.admin_a)
    assert (done.received, done.imported, done.failed, done.error) == (3, 3, 0, "")
    assert sum("%24skip=" in path or "$skip=" in path for path in servers.requests) == 2
    assert Participant.objects.get(given_names="Odk 1").dni_hash == dni_hash(DNIS[1])
    assert Submission.objects.get(instance_uuid=str(uuid.UUID(int=1))).submitted_at.year == 2025
    assert services.pull(connection=connection).already == 3


def test_a_wrong_token_is_a_clear_error_recorded_on_the_connection(world, servers):
    connection = connection_create(world, servers, secret="not-the-token")
    servers.kobo_assets[connection.asset_uid] = [kobo_submission(0, answers("Nadie", DNIS[0]))]
    done = services.pull(connection=connection, user=world.admin_a)
    connection.refresh_from_db()
    assert "rechazó las credenciales (HTTP 401)" in done.error
    assert connection.last_error == done.error and connection.last_error_at is not None
    assert "not-the-token" not in done.error and not Submission.objects.exists()

    odk = connection_create(world, servers, kind="odk", secret="wrong-password")
    assert "HTTP 401" in services.pull(connection=odk).error


def test_an_unknown_form_and_a_server_down_are_clear_errors(world, servers):
    missing = connection_create(world, servers, asset_uid="noSuchAsset")
    servers.kobo_assets.pop("noSuchAsset")
    assert "no encuentra ese formulario (HTTP 404)" in services.pull(connection=missing).error

    down = connection_create(world, servers)
    servers.stop()
    done = services.pull(connection=down, user=world.admin_a)
    down.refresh_from_db()
    assert done.error.startswith("No se pudo conectar con 127.0.0.1:")
    assert down.last_error == done.error
    assert Pull.objects.filter(connection=down, error=done.error).count() == 1


def test_the_token_is_sealed_and_never_audited(world, servers, kobo):
    assert servers.kobo_token not in kobo.secret_sealed
    event = AuditEvent.objects.get(model="submissions.serverconnection", object_id=str(kobo.pk))
    assert servers.kobo_token not in str(event.changes) and kobo.secret_sealed not in str(event.changes)
    kept = services.connection_save(user=world.admin_a, connection=kobo, data={"name": "Otro nombre"}, secret="")
    assert kept.secret_sealed == kobo.secret_sealed  # an empty field keeps the token
    assert services.pull(connection=kept).error == ""


def test_a_submission_for_another_program_or_form_fails_with_its_reason(world, servers, kobo):
    servers.kobo_assets[kobo.asset_uid] = [
        kobo_submission(0, answers("Otro programa", DNIS[0], program="beta")),
        kobo_submission(1, {**answers("Otro formulario", DNIS[1]), "minka_form": "attendance"}),
    ]
    done = services.pull(connection=kobo, user=world.admin_a)
    assert (done.imported, done.failed) == (0, 2)
    reasons = sorted(Submission.objects.values_list("failure_reason", flat=True))
    assert "formulario «attendance»" in reasons[0] and "programa «beta»" in reasons[1]


def test_an_undone_pull_comes_back_with_the_next_pull(world, servers, kobo):
    from minka.imports import engine

    servers.kobo_assets[kobo.asset_uid] = [kobo_submission(n, answers(f"Persona {n}", DNIS[n])) for n in range(2)]
    first = services.pull(connection=kobo, user=world.admin_a)
    engine.undo(first.batches.get(), user=world.admin_a)
    assert not Participant.objects.filter(given_names__startswith="Persona").exists()

    again = services.pull(connection=kobo, user=world.admin_a)
    assert (again.imported, again.already) == (2, 0)
    assert Participant.objects.filter(given_names__startswith="Persona").count() == 2
    assert services.pull(connection=kobo, user=world.admin_a).already == 2
    assert set(Submission.objects.values_list("batch", flat=True)) == {again.batches.get().pk}
