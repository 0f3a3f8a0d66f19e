"""A week of KoboToolbox submissions from Condorcanqui, in the exact shape of Kobo's API v2 (see conftest.py).

`registration_week(...)` gives the registration form's submissions, Monday to Sunday: ~25 people a day. On
Thursday the field team installs version 2 of the form, in which the phone question is renamed ("celular") and
moved into another group ("contacto/celular"), while version 1's name "phone" is kept for a landline Minka does
not record. Some phones sent the same submission twice (same `_uuid`, as Kobo lists a resubmission), one tablet
kept an old form Minka never published (unknown version), and two people said no to the consent (they must fail,
with that reason). `attendance_week(...)` gives one session a day of the program's activity, each with the people
registered earlier in the week present, found by their DNI.
"""

import dataclasses
import datetime
from dataclasses import dataclass, field

from minka.fieldforms import definitions
from minka.submissions.tests.conftest import answers, kobo_submission

MONDAY = datetime.date(2025, 3, 3)
STRAY_VERSION = "vOLD9x7Kq2"  # a version Minka never published


def registration_v2(first: definitions.FormVersion) -> definitions.FormVersion:
    """Version 2: the mobile phone is "celular" inside a "contacto" group; "phone" now asks for a landline."""
    questions = []
    for question in first.questions:
        if question.name == "phone":
            questions.append(dataclasses.replace(question, name="celular", label_es="Celular"))
            questions.append(dataclasses.replace(question, name="phone", label_es="Teléfono fijo", field=""))
        else:
            questions.append(question)
    second = dataclasses.replace(first, questions=tuple(questions))
    assert second.version != first.version
    return second


@dataclass
class Week:
    rows: list[dict] = field(default_factory=list)  # as the server lists them, resubmissions included
    people: dict[str, dict] = field(default_factory=dict)  # uuid -> {"dni", "given", "phone"} of those who go in
    failing: dict[str, str] = field(default_factory=dict)  # uuid -> the code of the reason it fails
    resubmitted: list[str] = field(default_factory=list)

    @property
    def uuids(self) -> set[str]:
        return {row["_uuid"] for row in self.rows}


def registration_week(first, second, *, per_day: int = 25, number_from: int = 10_000) -> Week:
    week = Week()
    number = number_from
    for day in range(7):
        date = MONDAY + datetime.timedelta(days=day)
        version = first if day < 3 else second
        for index in range(per_day):
            number += 1
            dni = f"{46_000_000 + number:08d}"
            phone = f"9{number:08d}"
            given = f"Nunkui {number}"
            answered = answers(given, dni, phone=phone, version=version.version)
            answered["consent_date"] = date.isoformat()
            if version is second:
                del answered["phone"]
            if number % 61 == 0:
                answered["consent"] = "no"
            row = kobo_submission(number, answered)
            if version is second:
                row["contacto/celular"] = phone
                row["datos/phone"] = "041477123"  # the landline: Minka keeps none
            row["_submission_time"] = f"{date.isoformat()}T{14 + index % 8:02d}:{index % 60:02d}:00"
            row["end"] = f"{date.isoformat()}T{9 + index % 8:02d}:{index % 60:02d}:00.000-05:00"
            if day == 5 and index == 3:
                row["minka_version"] = STRAY_VERSION  # an old tablet
                row["__version__"] = "vZZold"
                week.failing[row["_uuid"]] = "unknown_version"
            elif answered["consent"] == "no":
                week.failing[row["_uuid"]] = "invalid_row"
            else:
                week.people[row["_uuid"]] = {"dni": dni, "given": given, "phone": phone}
            week.rows.append(row)
            if index % 9 == 4:  # sent again from a phone that lost its connection: same _uuid, a new _id
                week.rows.append({**row, "_id": row["_id"] + 100_000})
                week.resubmitted.append(row["_uuid"])
    return week


def attendance_week(week: Week, activity_pk: int, *, number_from: int = 50_000) -> list[dict]:
    """One session a day from Tuesday on, with 15 people registered before that day."""
    rows = []
    registered = list(week.people.values())
    for day in range(1, 7):
        date = MONDAY + datetime.timedelta(days=day)
        before = registered[(day - 1) * 15 : day * 15]  # registered on an earlier day
        answered = {
            "minka_form": "attendance",
            "minka_version": definitions.current("attendance").version,
            "minka_program": "alpha",
            "activity": f"a{activity_pk}",
            "session_date": date.isoformat(),
            "topic": f"Sesión del día {day + 1}",
            "present": [{"present/person_dni": person["dni"]} for person in before],
        }
        row = kobo_submission(number_from + day, answered)
        row["_submission_time"] = f"{date.isoformat()}T20:00:00"
        rows.append(row)
    rows.append({**rows[2], "_id": rows[2]["_id"] + 100_000})  # a session sent twice
    return rows
