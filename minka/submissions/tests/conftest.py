"""A KoboToolbox and an ODK Central server answering on localhost, organization A's connection to each, and
submissions of Minka's registration form in the shape each server sends them."""

import uuid as uuids

import pytest

from minka.fieldforms import definitions
from minka.submissions import services
from minka.submissions.models import ServerConnection
from minka.submissions.tests.fake_servers import FakeServers

ASSET = "aQx7Kz3mHfVbN2pLcR8tYw"


@pytest.fixture
def servers():
    running = FakeServers().start()
    yield running
    running.stop()


def connection_create(world, servers, *, kind="kobo", secret=None, **more) -> ServerConnection:
    data = {
        "name": "Registro Condorcanqui",
        "kind": kind,
        "base_url": servers.url,
        "form_key": "registration",
        "program": world.program_a,
        "pull_every_hours": 6,
        **more,
    }
    if kind == "kobo":
        data.setdefault("asset_uid", ASSET)
        servers.kobo_assets.setdefault(data["asset_uid"], [])
    else:
        data.update(username=servers.odk_user, odk_project_id=3, odk_form_id="registration")
        servers.odk_forms.setdefault((3, "registration"), [])
    if secret is None:
        secret = servers.kobo_token if kind == "kobo" else servers.odk_password
    return services.connection_save(
        user=world.admin_a, connection=ServerConnection(organization=world.org_a), data=data, secret=secret
    )


@pytest.fixture
def kobo(world, servers):
    return connection_create(world, servers)


def answers(given, dni, *, phone="987654321", version=None, program="alpha"):
    """A registration's answers by question name (program "alpha" is the world's program A)."""
    return {
        "minka_version": version or definitions.current("registration").version,
        "minka_program": program,
        "consent": "yes",
        "consent_method": "signed_paper",
        "consent_date": "2025-03-01",
        "given_names": given,
        "paternal_surname": "Tsamajain",
        "sex": "F",
        "dni": dni,
        "phone": phone,
        "district": "d010401",
    }


def kobo_submission(number, answered: dict, *, group="datos") -> dict:
    """As Kobo's API v2 sends it: its metadata, and each answer under its group path."""
    uid = str(uuids.UUID(int=number))
    row = {
        "_id": 1000 + number,
        "formhub/uuid": "5f1b0e2c4a9d4f58b6f1a3c2d7e8f901",
        "start": "2025-03-02T09:58:00.000-05:00",
        "end": "2025-03-02T10:04:11.000-05:00",
        "__version__": "vNmB6sPy4QkTzWj3XhR9aD",
        "meta/instanceID": f"uuid:{uid}",
        "_xform_id_string": ASSET,
        "_uuid": uid,
        "_attachments": [],
        "_status": "submitted_via_web",
        "_geolocation": [None, None],
        "_submission_time": "2025-03-02T15:04:11",
        "_tags": [],
        "_notes": [],
        "_validation_status": {},
        "_submitted_by": "campo_condorcanqui",
    }
    for name, value in answered.items():
        row[name if name.startswith("minka_") or name.startswith("consent") else f"{group}/{name}"] = value
    return row


def odk_submission(number, answered: dict) -> dict:
    """As ODK Central's OData sends it: groups as nested objects, the metadata under __system."""
    uid = f"uuid:{uuids.UUID(int=number)}"
    personal = {name: value for name, value in answered.items() if not name.startswith(("minka_", "consent"))}
    top = {name: value for name, value in answered.items() if name.startswith(("minka_", "consent"))}
    return {
        "__id": uid,
        **top,
        "datos": personal,
        "meta": {"instanceID": uid},
        "__system": {
            "submissionDate": "2025-03-02T15:04:11.531Z",
            "updatedAt": None,
            "submitterId": "12",
            "submitterName": "campo",
            "attachmentsPresent": 0,
            "attachmentsExpected": 0,
            "status": None,
            "reviewState": None,
            "deviceId": "collect:Xr9Q",
            "edits": 0,
            "formVersion": "2025030101",
        },
    }
