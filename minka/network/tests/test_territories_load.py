"""Loading Peru's territories and outlines into empty and partial tables: what is written, and how."""

from io import StringIO

import pytest
from django.core.management import call_command

from minka.network.models import Territory, TerritoryBoundary, TerritoryLevel
from minka.network.territories import territories_load, territories_load_if_empty
from minka.network.tests.test_territories import DISTRICTS_IN_SOURCE, OUTLINES, snapshot
from minka.testing import places_create

PLACES = 25 + 196 + DISTRICTS_IN_SOURCE


@pytest.mark.django_db
def test_load_uses_bulk_queries(db, django_assert_max_num_queries):
    # Row by row would be thousands of queries.
    with django_assert_max_num_queries(100):
        assert territories_load() == PLACES + OUTLINES


@pytest.mark.django_db
def test_load_repairs_changed_rows_and_completes_partial_tables(db):
    places_create()  # a few bare places, as the test world makes them
    written = territories_load()
    expected = snapshot()
    Territory.objects.filter(code="081201").update(name="Urcos viejo", reniec_code="")
    TerritoryBoundary.objects.filter(territory__in=["08", "081201"]).delete()
    TerritoryBoundary.objects.filter(territory="0104").update(geometry={"type": "Polygon", "coordinates": []})

    assert written == PLACES + OUTLINES
    assert territories_load() == 4
    assert snapshot() == expected


@pytest.mark.django_db
def test_load_if_empty_loads_an_empty_table_only(db):
    assert territories_load_if_empty() == PLACES
    assert TerritoryBoundary.objects.count() == OUTLINES
    assert territories_load_if_empty() == 0

    Territory.objects.filter(level=TerritoryLevel.DISTRICT).delete()
    assert territories_load_if_empty() == 0
    assert not Territory.objects.filter(level=TerritoryLevel.DISTRICT).exists()


@pytest.mark.django_db
def test_command_loads_and_shows_a_place(db):
    out = StringIO()
    call_command("territories", "load", stdout=out)
    call_command("territories", "show", "081201", stdout=out)

    assert "25 departamentos, 196 provincias, 1891 distritos" in out.getvalue()
    assert "Urcos, Quispicanchi, Cusco" in out.getvalue()
    assert "RENIEC 071201" in out.getvalue()
