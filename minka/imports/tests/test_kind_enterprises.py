"""Importing enterprises with their owner: created through the enterprises services, once, all or nothing."""

import datetime

import pytest

from minka.enterprises.models import Enterprise, EnterpriseMember, StageChange
from minka.imports import engine
from minka.people.identity import dni_hash, dni_last_digits
from minka.people.models import Participant

HEADER = "Nombre del emprendimiento;Tipo;Actividad económica;Etapa;Ubigeo;Fecha de inicio;Sede;DNI\n"
ROWS = [
    "Tejidos Ausangate;Individual;Textiles;En marcha;81201;01/02/2024;cde urcos;01234567\n",
    "Quesos Andahuaylillas;familiar;Transformación de alimentos;;081202;2024-06-15;;\n",
]


def run(world, text, *, user=None, program=None):
    return engine.import_file(
        user=user or world.field_a,
        organization=world.org_a,
        kind="enterprises",
        file=text.encode(),
        file_name="emprendimientos.csv",
        program=program or world.program_a,
    )


@pytest.fixture
def owner(world):
    return Participant.objects.create(
        given_names="Ana",
        paternal_surname="Quispe",
        sex="F",
        registered_by=world.org_a,
        search_name="ana quispe",
        dni_hash=dni_hash("01234567"),
        dni_last_digits=dni_last_digits("01234567"),
    )


@pytest.mark.django_db
def test_enterprises_are_created_with_their_stage_history_and_owner(world, owner):
    batch, result = run(world, HEADER + "".join(ROWS))
    assert (result.created, result.error_count) == (2, 0)
    tejidos = Enterprise.objects.get(name="Tejidos Ausangate")
    assert (tejidos.organization, tejidos.program, tejidos.kind, tejidos.sector, tejidos.stage) == (
        world.org_a,
        world.program_a,
        "individual",
        "textiles",
        "operating",
    )
    assert tejidos.district_id == "081201" and tejidos.site == world.site_a
    assert tejidos.started_on == datetime.date(2024, 2, 1)
    assert list(tejidos.stage_changes.values_list("stage", "changed_on")) == [("operating", datetime.date(2024, 2, 1))]
    member = EnterpriseMember.objects.get(enterprise=tejidos)
    assert (member.participant, member.role, member.joined_on) == (owner, "owner", datetime.date(2024, 2, 1))
    quesos = Enterprise.objects.get(name="Quesos Andahuaylillas")
    assert (quesos.kind, quesos.stage, quesos.sector) == ("family", "idea", "food_processing")
    assert not quesos.members.exists()
    assert batch.records.count() == 5  # two enterprises, their two stage changes, one owner

    _batch, again = run(world, HEADER + "".join(ROWS).replace("Tejidos Ausangate", "TEJIDOS ausangate"))
    assert (again.created, again.unchanged) == (0, 2)
    assert Enterprise.objects.count() == 2 and StageChange.objects.count() == 2

    engine.undo(batch, user=world.field_a)
    assert not Enterprise.objects.exists() and not EnterpriseMember.objects.exists()


@pytest.mark.django_db
def test_an_error_in_the_last_row_writes_nothing_and_errors_name_row_and_column(world, owner):
    text = HEADER + "".join(ROWS) + "Panadería;colectivo;Comercio;cerrado;999999;31/12/2099;Sede Lima;1234567\n"
    with pytest.raises(engine.ImportRefused) as refused:
        run(world, text)
    assert [(e.row, e.column, e.code) for e in refused.value.preview.errors] == [
        (4, "district", "unknown_district"),
        (4, "started_on", "future_date"),
        (4, "site", "unknown_site"),
    ]
    assert not Enterprise.objects.exists() and not StageChange.objects.exists()

    with pytest.raises(engine.ImportRefused) as refused:
        run(world, HEADER + "Feria;individual;Comercio;;081201;01/02/2024;;87654321\n")
    assert [(e.row, e.column, e.code) for e in refused.value.preview.errors] == [(2, "dni", "unknown_person")]


@pytest.mark.django_db
def test_people_outside_the_organization_may_not_import_its_enterprises(world):
    with pytest.raises(engine.PermissionDenied):
        run(world, HEADER + ROWS[1], user=world.field_b)
    with pytest.raises(engine.PermissionDenied):
        run(world, HEADER + ROWS[1], user=world.funder_a)
    assert not Enterprise.objects.exists()
