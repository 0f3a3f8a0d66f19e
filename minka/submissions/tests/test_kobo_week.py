"""The issue's test of done for the field: a week of KoboToolbox submissions from Condorcanqui (see kobo_week.py)
comes into Minka completely and exactly once, whether uploaded as Kobo's exports (JSON, XLSX) or pulled from the
server, and pulled twice; the form's version 2, which renamed and moved the phone question, keeps every phone in
its field; the submissions that cannot go in are listed, each with its reason, and block nothing else."""

import datetime
import io
import json

import pytest
from openpyxl import Workbook

from minka.activities.models import Attendance, Session
from minka.fieldforms import definitions
from minka.people.identity import dni_hash
from minka.people.models import Participant
from minka.submissions import services
from minka.submissions.models import Submission, SubmissionStatus
from minka.submissions.tests.conftest import connection_create
from minka.submissions.tests.kobo_week import MONDAY, attendance_week, registration_v2, registration_week
from minka.testing import field_records_create

pytestmark = pytest.mark.django_db


def xlsx_export(rows) -> bytes:
    """Kobo's XLSX export of a form with two versions: one sheet, the union of both versions' columns."""
    header = []
    for row in rows:
        header += [key for key, value in row.items() if key not in header and not isinstance(value, (list, dict))]
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append([row.get(key) for key in header])
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def on(rows, *days):
    dates = {(MONDAY + datetime.timedelta(days=day)).isoformat() for day in days}
    return [row for row in rows if row["_submission_time"][:10] in dates]


def test_a_week_from_condorcanqui_comes_in_once_by_upload_and_by_pull(world, servers, monkeypatch):
    first = definitions.current("registration")
    second = registration_v2(first)
    monkeypatch.setitem(definitions.HISTORY, "registration", (first, second))
    week = registration_week(first, second)
    assert len(week.rows) == 7 * 25 + len(week.resubmitted) and len(week.resubmitted) >= 14
    assert len(week.failing) == 4 and len(week.people) == 7 * 25 - 4

    registration = connection_create(world, servers)
    before = Participant.objects.count()

    # Monday to Thursday arrive first as the JSON export an officer downloaded from Kobo...
    early = services.upload(
        connection=registration,
        user=world.admin_a,
        name="registro.json",
        data=json.dumps(on(week.rows, 0, 1, 2, 3)).encode(),
    )
    early_uuids = {row["_uuid"] for row in on(week.rows, 0, 1, 2, 3)}
    early_failing = early_uuids & set(week.failing)
    assert (early.imported, early.failed) == (len(early_uuids) - len(early_failing), len(early_failing))
    assert early.already == len(on(week.rows, 0, 1, 2, 3)) - len(early_uuids)  # resubmissions counted once

    # ...then Wednesday to Friday as an XLSX export (Wednesday and Thursday again).
    middle = services.upload(
        connection=registration, user=world.admin_a, name="registro.xlsx", data=xlsx_export(on(week.rows, 2, 3, 4))
    )
    friday = {row["_uuid"] for row in on(week.rows, 4)}
    assert middle.imported == len(friday - set(week.failing))

    # The whole week pulled from the server, twice: only the weekend is new, and then nothing.
    servers.page_size = 40
    servers.kobo_assets[registration.asset_uid] = week.rows
    pulled = services.pull(connection=registration, user=world.admin_a)
    weekend = {row["_uuid"] for row in on(week.rows, 5, 6)}
    assert pulled.error == "" and pulled.imported == len(weekend - set(week.failing))
    batch = pulled.batches.get()  # in the history of imports, counted as people, as a file import counts them
    assert (batch.summary["created"], batch.summary["records"]) == (pulled.imported, 3 * pulled.imported)
    again = services.pull(connection=registration, user=world.admin_a)
    assert (again.imported, again.received) == (0, len(week.rows))

    # Completely and exactly once.
    assert Participant.objects.count() == before + len(week.people)
    for uid, person in week.people.items():
        found = Participant.objects.get(dni_hash=dni_hash(person["dni"]))
        assert (found.given_names, found.phone) == (person["given"], person["phone"]), uid  # v2's phone too
    submissions = Submission.objects.filter(connection=registration)
    assert submissions.count() == len(week.uuids) == 7 * 25
    assert submissions.filter(status=SubmissionStatus.IMPORTED).count() == len(week.people)

    # What failed is listed with its reason, and is tried again at each pull (still failing, still once).
    failed = {row.instance_uuid: row for row in submissions.filter(status=SubmissionStatus.FAILED)}
    assert set(failed) == set(week.failing)
    for uid, code in week.failing.items():
        reason = failed[uid].failure_reason
        if code == "unknown_version":
            assert "Versión «vOLD9x7Kq2» del formulario desconocida" in reason, reason
        else:  # the field named as the templates name it, not by Minka's internal key alone
            assert reason.startswith("Consentimiento (consent): Sin su consentimiento"), reason
    assert again.failed == len(week.failing)

    # The week's sessions, with everyone present found by her DNI: one attendance per person and session.
    field = field_records_create(world)
    field.activity.end_date = datetime.date(2025, 12, 31)  # the world's activity runs through this week
    field.activity.save(update_fields=["end_date"])
    attendance = connection_create(world, servers, form_key="attendance", asset_uid="aTtNdWeekCondorcanqui")
    sessions = attendance_week(week, field.activity.pk)
    servers.kobo_assets[attendance.asset_uid] = sessions
    done = services.pull(connection=attendance, user=world.admin_a)
    assert (done.imported, done.failed, done.already) == (6, 0, 1), list(
        Submission.objects.filter(connection=attendance).values_list("failure_reason", flat=True)
    )
    assert services.pull(connection=attendance, user=world.admin_a).imported == 0
    expected = sum(len(row["datos/present"]) for row in sessions[:6])
    assert Session.objects.filter(activity=field.activity, date__gte=MONDAY).count() == 6
    assert Attendance.objects.filter(session__activity=field.activity, session__date__gte=MONDAY).count() == expected
