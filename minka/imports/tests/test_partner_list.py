"""The issue's test of done, through the engine: a partner's Excel list of 2,000 participants with the usual
mistakes (see partner_list.py) comes in completely and exactly once.

The partner's headers are matched without help (title row skipped, "¿Firmó consentimiento?" read as the consent
column). The preview finds exactly the rows with real mistakes (by row and column) and the rows typed twice; the
list cannot be imported until they are fixed; the fixed list brings in each of the 2,000 people once; the same list
again brings in nothing."""

import datetime

import pytest

from minka.imports import engine
from minka.imports.models import ImportStatus
from minka.imports.tests.partner_list import partner_list
from minka.people.identity import dni_hash
from minka.people.models import Consent, Enrollment, Participant


def run(world, listing, **options):
    return engine.import_file(
        user=world.field_a,
        organization=world.org_a,
        kind="people",
        file=listing.content,
        file_name="Padrón de participantes 2025.xlsx",
        program=world.program_a,
        **options,
    )


@pytest.mark.django_db
def test_a_partners_list_of_2000_comes_in_completely_and_exactly_once(world):
    broken, fixed = partner_list(2000), partner_list(2000, fixed=True)
    before = Participant.objects.count()

    batch, preview = run(world, broken, dry_run=True)
    assert preview.rows == broken.rows == 2012
    assert {(error.row, error.column) for error in preview.errors} == set(broken.errors.items())
    assert preview.repeated == len(broken.repeated_rows) and preview.repeated >= 10
    repeated = {warning.row for warning in preview.warnings if warning.code == "repeated"}
    assert repeated == set(broken.repeated_rows)
    assert {"N°", "Comunidad", "Observaciones"} <= set(preview.mapping.extra)
    assert set(batch.mapping) >= {"dni", "given_names", "paternal_surname", "sex", "birth_date", "phone", "consent"}

    with pytest.raises(engine.ImportRefused):
        run(world, broken)
    assert Participant.objects.count() == before  # all or nothing

    batch, result = run(world, fixed)
    assert result.ok, result.errors[:3]
    assert (result.created, result.repeated, result.unchanged) == (2000, len(fixed.repeated_rows), 0)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED
    new = Participant.objects.filter(registered_by=world.org_a).exclude(pk__lt=0)
    assert Participant.objects.count() == before + 2000
    assert new.filter(dni_hash__in=[dni_hash(dni) for dni in fixed.dnis]).count() == len(fixed.dnis) == 2000 - 21
    assert new.filter(dni_hash="").count() == fixed.without_dni == 21
    assert Consent.objects.filter(participant__in=new).count() >= 2000
    assert Enrollment.objects.filter(program=world.program_a, participant__in=new).count() == 2000

    # Spot checks of the usual mistakes, read as a person would.
    first = Participant.objects.get(dni_hash=dni_hash("01000000"))  # typed as text
    second = Participant.objects.get(dni_hash=dni_hash("01000007"))  # a number cell: 1000007
    third = Participant.objects.get(dni_hash=dni_hash("01000014"))  # a bare serial for the birth date
    assert first.paternal_surname == first.paternal_surname.strip() and "  " not in first.given_names
    assert all(person.sex in ("F", "M") for person in (first, second, third))
    assert all(isinstance(person.birth_date, datetime.date) for person in (first, second, third))

    again, result = run(world, fixed)
    assert result.ok and (result.created, result.unchanged) == (0, 2000)
    assert Participant.objects.count() == before + 2000 and again.records.count() == 0
