"""The form servers pages, for an organization's admins: connections, a pull from the page, an upload, failures
with their reasons; the token never shown back. Staff who are not admins get a 404 like outsiders."""

import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from minka.people.models import Participant
from minka.submissions import schedule, tasks
from minka.submissions.models import ServerConnection
from minka.submissions.tests.conftest import answers, kobo_submission

pytestmark = pytest.mark.django_db


def run_queue():
    call_command("db_worker", "--batch", stdout=StringIO(), stderr=StringIO())


@pytest.mark.django_db(transaction=True)  # the task worker needs real transactions (it closes connections)
def test_an_admin_creates_a_connection_pulls_and_sees_the_failures(world, login, servers):
    client = login(world.admin_a)
    url = reverse("submissions:connection_create", args=[world.org_a.slug])
    form = {
        "name": "Kobo Condorcanqui", "kind": "kobo", "base_url": servers.url, "asset_uid": "aQx7", "secret": "",
        "form_key": "registration", "program": world.program_a.pk, "enabled": "on", "pull_every_hours": "12",
    }  # fmt: skip
    response = client.post(url, form)
    assert response.status_code == 200 and "Escriba el token" in response.content.decode()
    response = client.post(url, {**form, "secret": servers.kobo_token})
    connection = ServerConnection.objects.get(name="Kobo Condorcanqui")
    detail = reverse("submissions:connection_detail", args=[world.org_a.slug, connection.pk])
    assert response.status_code == 302 and response["Location"] == detail

    servers.kobo_assets["aQx7"] = [
        kobo_submission(0, answers("Desde la página", "42112233")),
        kobo_submission(1, answers("Versión rara", "42223344", version="0000000000")),
    ]
    response = client.post(reverse("submissions:connection_pull", args=[world.org_a.slug, connection.pk]), follow=True)
    body = response.content.decode()
    assert (
        "esta página muestra el avance" in body and "en curso: 0 recibidos" in body and 'hx-trigger="every 2s"' in body
    )
    assert not Participant.objects.exists()  # on the queue, not in the request
    run_queue()
    body = client.get(detail).content.decode()
    assert "en curso" not in body and 'hx-trigger="every 2s"' not in body
    assert '<td class="num">1</td>' in body  # one new, one failed
    assert "Versión «0000000000» del formulario desconocida" in body
    assert Participant.objects.filter(given_names="Desde la página").count() == 1

    # Neither the detail nor the edit form shows the token back; an empty field keeps it.
    edit = reverse("submissions:connection_edit", args=[world.org_a.slug, connection.pk])
    for page_url in (detail, edit):
        page_body = client.get(page_url).content.decode()
        assert servers.kobo_token not in page_body and connection.secret_sealed not in page_body
    response = client.post(edit, {**form, "name": "Kobo Nieva", "asset_uid": "aQx7"})
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.name == "Kobo Nieva" and connection.has_secret


def test_an_upload_from_the_page(world, login, kobo):
    client = login(world.admin_a)
    url = reverse("submissions:connection_upload", args=[world.org_a.slug, kobo.pk])
    assert client.get(url).status_code == 200
    export = json.dumps([kobo_submission(0, answers("Subida", "43112233"))]).encode()
    response = client.post(url, {"file": SimpleUploadedFile("export.json", export)}, follow=True)
    assert "1 nuevos importados, 0 fallidos, 0 ya estaban." in response.content.decode()
    response = client.post(url, {"file": SimpleUploadedFile("export.pdf", b"%PDF")})
    assert response.status_code == 200 and "JSON, CSV o XLSX" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_long_export_goes_through_the_queue_and_its_file_is_deleted_once_read(world, login, kobo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login(world.admin_a)
    url = reverse("submissions:connection_upload", args=[world.org_a.slug, kobo.pk])
    count = tasks.BACKGROUND_SUBMISSIONS + 5
    export = json.dumps([kobo_submission(n, answers(f"Larga {n}", f"45{n:06d}")) for n in range(count)]).encode()
    response = client.post(url, {"file": SimpleUploadedFile("semana.json", export)}, follow=True)
    assert "esta página muestra el avance" in response.content.decode()
    pull = kobo.pulls.get()
    assert pull.running and pull.file and not Participant.objects.exists()
    kept = tmp_path / pull.file.name
    assert kept.exists()
    run_queue()
    pull.refresh_from_db()
    assert (pull.running, pull.received, pull.imported, pull.failed) == (False, count, count, 0)
    assert not pull.file and not kept.exists()  # people's data in clear is not left lying on the disk
    assert Participant.objects.filter(given_names__startswith="Larga").count() == count
    body = client.get(reverse("submissions:connection_detail", args=[world.org_a.slug, kobo.pk])).content.decode()
    assert f'<td class="num">{count}</td>' in body and "en curso" not in body


@pytest.mark.parametrize("member", ["field_a", "credit_a", "coordinator_a"])
def test_staff_who_are_not_admins_get_404(world, login, kobo, member):
    client = login(getattr(world, member))
    assert client.get(reverse("submissions:connection_list", args=[world.org_a.slug])).status_code == 404
    url = reverse("submissions:connection_pull", args=[world.org_a.slug, kobo.pk])
    assert client.post(url).status_code == 404


def test_the_schedule_enqueues_due_connections_once(world, servers, kobo):
    now = timezone.now()
    assert [c.pk for c in schedule.due_connections(now)] == [kobo.pk]  # never pulled
    assert schedule.enqueue_due(now) == 1
    assert schedule.enqueue_due(now) == 0, "marked as pulled: not enqueued again while its pull waits"
    assert schedule.enqueue_due(now + timezone.timedelta(hours=6)) == 1
    ServerConnection.objects.filter(pk=kobo.pk).update(enabled=False)
    assert schedule.enqueue_due(now + timezone.timedelta(hours=24)) == 0


def test_the_task_and_the_command_pull(world, servers, kobo, capsys):
    servers.kobo_assets[kobo.asset_uid] = [kobo_submission(0, answers("Por tarea", "44112233"))]
    assert tasks.pull_connection.call(kobo.pk)["imported"] == 1
    servers.kobo_assets[kobo.asset_uid].append(kobo_submission(1, answers("Por comando", "44223344")))
    call_command("submissions", "pull", "--connection", str(kobo.pk))
    assert "1 nuevos importados, 0 fallidos, 1 ya estaban." in capsys.readouterr().out
    servers.stop()
    with pytest.raises(CommandError, match="no se pudieron leer"):
        call_command("submissions", "pull")
    with pytest.raises(CommandError, match="No existe la conexión"):
        call_command("submissions", "pull", "--connection", "999999")


def test_the_organization_page_leads_its_admins_to_the_form_servers(world, login):
    url = reverse("submissions:connection_list", args=[world.org_a.slug])
    organization_page = reverse("organization_detail", args=[world.org_a.slug])
    assert url in login(world.admin_a).get(organization_page).content.decode()
    assert url not in login(world.field_a).get(organization_page).content.decode()
