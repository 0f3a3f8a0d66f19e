"""Shared builders for the results engine's tests: people, activities with sessions and attendance, enterprises,
indicators, written through the same models and services the application uses, on top of the shared `world`."""

from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.db import transaction

from minka.activities.catalogue import activity_types_ensure
from minka.activities.models import Activity, ActivityType, Attendance, Session
from minka.enterprises import services as enterprise_services
from minka.network.models import Territory
from minka.people.models import Enrollment, Participant
from minka.results import services
from minka.results.models import Result


@contextmanager
def rolled_back():
    """A savepoint undone at the end: one hypothesis example does not see the records of another."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@dataclass
class Builder:
    """Writes small networks in program alpha of the shared world (see minka/testing.py)."""

    world: object
    types: dict[str, ActivityType] = field(default_factory=dict)
    _serial: int = 0

    def _next(self) -> int:
        self._serial += 1
        return self._serial

    def person(self, *, sex="F", birth_date=None, birth_year=None, district="081201", area="", mother_tongue=""):
        n = self._next()
        return Participant.objects.create(
            given_names=f"Persona{n}",
            paternal_surname="Prueba",
            sex=sex,
            birth_date=birth_date,
            birth_year=birth_year,
            district_id=district,
            area=area,
            mother_tongue=mother_tongue,
            registered_by=self.world.org_a,
            search_name=f"persona{n} prueba",
        )

    def enroll(self, person, *, on, organization=None, program=None):
        return Enrollment.objects.create(
            participant=person,
            program=program or self.world.program_a,
            organization=organization or self.world.org_a,
            enrolled_on=on,
        )

    def activity(
        self, *, start, end, type_code="business-training", organization=None, project=None, program=None, site=None,
        completion_percent=Decimal(75),
    ):  # fmt: skip
        program = program or self.world.program_a
        if program != self.world.program_a:
            activity_types_ensure(program)
        activity_type = ActivityType.objects.get(program=program, code=type_code)
        return Activity.objects.create(
            program=program,
            project=project
            if project is not None
            else (self.world.project_a if program == self.world.program_a else None),
            organization=organization or self.world.org_a,
            site=site,
            activity_type=activity_type,
            title=f"Actividad {self._next()}",
            start_date=start,
            end_date=end,
            completion_percent=completion_percent,
        )

    def session(self, activity, day):
        return Session.objects.create(activity=activity, date=day, topic="Tema")

    def attend(self, session, *people):
        Attendance.objects.bulk_create(
            Attendance(session=session, participant=person, recorded_by=self.world.field_a) for person in people
        )

    def enterprise(self, *, name, started_on, stage="operating", organization=None, project=None, district="081201",
                   kind="individual", nets=()):  # fmt: skip
        """An enterprise made by the enterprises' service (so its stage history starts), with a net income
        (sales − costs) for each (month, net) in `nets`."""
        world = self.world
        enterprise = enterprise_services.enterprise_create(
            user=world.coordinator_a,
            data={
                "organization": organization or world.org_a,
                "program": world.program_a,
                "project": project or world.project_a,
                "kind": kind,
                "name": name,
                "sector": "textiles",
                "stage": stage,
                "district": Territory.objects.get(code=district),
                "started_on": started_on,
            },
        )
        for month, net in nets:
            enterprise_services.record_save_month(
                user=world.coordinator_a, enterprise=enterprise, month=month, sales=Decimal(5000 + net), costs=5000
            )
        return enterprise

    def result(self):
        # Looked up each time: a result made inside a rolled-back example is gone in the next one.
        return Result.objects.filter(program=self.world.program_a, code="1").first() or services.result_save(
            user=self.world.coordinator_a,
            program=self.world.program_a,
            data={"code": "1", "level": "impact", "statement_es": "Resultado de prueba"},
        )

    def indicator(self, code, *, measure="people_reached", unit=None, m2m=None, **data):
        """A computed indicator (or, with measure=None, a reported one) saved through the results service."""
        from minka.results.measures import MEASURES

        fields = {
            "result": self.result(),
            "code": code,
            "name_es": f"Indicador {code}",
            "unit": unit or (MEASURES[measure].unit if measure else "other"),
            "source": "computed" if measure else "reported",
            "measure": measure or "",
            "disaggregations": list(MEASURES[measure].dimensions) if measure else [],
            **data,
        }
        if fields["unit"] == "other" and not fields.get("unit_label"):
            fields["unit_label"] = "cosas"
        return services.indicator_save(
            user=self.world.coordinator_a, program=self.world.program_a, data=fields, m2m=m2m
        )


@pytest.fixture
def build(world):
    """A Builder over the shared world, with program alpha's activity types in place."""
    builder = Builder(world)
    activity_types_ensure(world.program_a)
    builder.types = {t.code: t for t in ActivityType.objects.filter(program=world.program_a)}
    return builder
