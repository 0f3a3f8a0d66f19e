"""Peru's territories as shipped in `network/data/`, loaded for real into the database."""

import csv
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from minka.network.models import Territory, TerritoryBoundary, TerritoryLevel
from minka.network.territories import TERRITORIES_FILE, territories_load, territories_load_if_empty
from minka.testing import places_create

# INEI's 2025 directory: 1,891 districts (the package's older dictionaries also list two retired codes of
# Tayacaja, 090708 and 090712, which must not come back).
DISTRICTS_IN_SOURCE = 1891
# An outline for every department and province.
OUTLINES = 25 + 196
# Peru's extreme points, with a little room: Tacna's coast in the south, the Putumayo in the north.
LATITUDES = (Decimal("-18.4"), Decimal("0"))
LONGITUDES = (Decimal("-81.4"), Decimal("-68.6"))

COMPARED = ("level", "name", "parent_id", "capital", "latitude", "longitude", "altitude", "population", "reniec_code")


def snapshot() -> dict:
    places = {code: values for code, *values in Territory.objects.values_list("code", *COMPARED)}
    outlines = dict(TerritoryBoundary.objects.values_list("territory_id", "geometry"))
    return {"places": places, "outlines": outlines}


@pytest.fixture
def loaded(db):
    territories_load()
    return {territory.code: territory for territory in Territory.objects.all()}


@pytest.mark.django_db
def test_load_creates_every_department_province_and_district(loaded):
    levels = [territory.level for territory in loaded.values()]

    assert levels.count(TerritoryLevel.DEPARTMENT) == 25
    assert levels.count(TerritoryLevel.PROVINCE) == 196
    assert levels.count(TerritoryLevel.DISTRICT) == DISTRICTS_IN_SOURCE
    with TERRITORIES_FILE.open(encoding="utf-8") as f:
        assert len(loaded) == sum(1 for _ in csv.DictReader(f))
    assert "090708" not in loaded
    assert "090712" not in loaded


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "name", "parent", "reniec_code"),
    [
        ("08", "Cusco", None, "07"),
        ("0812", "Quispicanchi", "08", "0712"),
        ("081201", "Urcos", "0812", "071201"),
        ("0104", "Condorcanqui", "01", "0106"),
        ("010401", "Nieva", "0104", "010601"),
        ("1301", "Trujillo", "13", "1201"),
        ("150132", "San Juan de Lurigancho", "1501", "140137"),
        ("1204", "Jauja", "12", "1103"),
        ("07", "Callao", None, "24"),
    ],
)
def test_known_places_carry_their_inei_and_reniec_codes(loaded, code, name, parent, reniec_code):
    territory = loaded[code]

    assert (territory.name, territory.parent_id, territory.reniec_code) == (name, parent, reniec_code)


@pytest.mark.django_db
def test_capitals_and_their_coordinates(loaded):
    assert loaded["08"].capital == "Cusco"
    assert loaded["0104"].capital == "Santa María de Nieva"
    assert loaded["0812"].capital == "Urcos"
    assert loaded["25"].capital == "Pucallpa"
    # A department or province sits where its capital district does.
    for code, territory in loaded.items():
        if territory.level != TerritoryLevel.DISTRICT:
            capital_district = loaded[code + "0101"] if len(code) == 2 else loaded[code + "01"]
            assert (territory.latitude, territory.longitude) == (capital_district.latitude, capital_district.longitude)
            assert territory.capital == capital_district.capital


@pytest.mark.django_db
def test_every_place_nests_inside_its_parent(loaded):
    expected_parent_level = {
        TerritoryLevel.DEPARTMENT: None,
        TerritoryLevel.PROVINCE: TerritoryLevel.DEPARTMENT,
        TerritoryLevel.DISTRICT: TerritoryLevel.PROVINCE,
    }
    code_length = {TerritoryLevel.DEPARTMENT: 2, TerritoryLevel.PROVINCE: 4, TerritoryLevel.DISTRICT: 6}
    for code, territory in loaded.items():
        assert len(code) == code_length[territory.level], code
        parent = loaded.get(territory.parent_id)
        assert (parent.level if parent else None) == expected_parent_level[territory.level], code
        if parent is not None:
            assert code.startswith(parent.code), code
            # RENIEC numbers differently but nests the same way.
            if territory.reniec_code and parent.reniec_code:
                assert territory.reniec_code.startswith(parent.reniec_code), code


@pytest.mark.django_db
def test_reniec_codes_are_known_for_all_but_the_newest_districts(loaded):
    missing = sorted(code for code, territory in loaded.items() if not territory.reniec_code)

    assert all(len(code) == 6 for code in missing)
    assert len(missing) <= 10
    reniec_codes = [territory.reniec_code for territory in loaded.values() if territory.reniec_code]
    assert len(reniec_codes) == len(set(reniec_codes))


@pytest.mark.django_db
def test_departments_and_provinces_have_a_polygon_boundary(loaded):
    outlines = dict(TerritoryBoundary.objects.values_list("territory_id", "geometry"))
    for territory in loaded.values():
        if territory.level == TerritoryLevel.DISTRICT:
            assert territory.code not in outlines
            continue
        geometry = outlines[territory.code]
        assert geometry["type"] in {"Polygon", "MultiPolygon"}, territory.code
        polygons = geometry["coordinates"]
        rings = polygons if geometry["type"] == "Polygon" else [ring for p in polygons for ring in p]
        assert rings and all(len(ring) >= 4 and ring[0] == ring[-1] for ring in rings), territory.code
        # The outline surrounds the capital's latitude, i.e. the boundary belongs to this place.
        latitudes = [point[1] for ring in rings for point in ring]
        assert min(latitudes) <= territory.latitude <= max(latitudes), territory.code


@pytest.mark.django_db
def test_every_place_lies_in_peru(loaded):
    for territory in loaded.values():
        assert LATITUDES[0] <= territory.latitude <= LATITUDES[1], territory.code
        assert LONGITUDES[0] <= territory.longitude <= LONGITUDES[1], territory.code
        assert territory.population and territory.population > 0, territory.code
        assert territory.altitude is not None, territory.code


@pytest.mark.django_db
def test_population_of_a_province_is_that_of_its_districts(loaded):
    quispicanchi = [t.population for t in loaded.values() if t.parent_id == "0812"]

    assert len(quispicanchi) == 12
    assert loaded["0812"].population == sum(quispicanchi)


@pytest.mark.django_db
def test_loading_twice_changes_nothing(loaded):
    before = snapshot()

    assert territories_load() == 0
    assert snapshot() == before


@pytest.mark.django_db
def test_load_uses_bulk_queries(db, django_assert_max_num_queries):
    # Row by row would be thousands of queries.
    with django_assert_max_num_queries(100):
        assert territories_load() == 25 + 196 + DISTRICTS_IN_SOURCE + OUTLINES


@pytest.mark.django_db
def test_load_repairs_changed_rows_and_completes_partial_tables(db):
    places_create()  # a few bare places, as the test world makes them
    written = territories_load()
    expected = snapshot()
    Territory.objects.filter(code="081201").update(name="Urcos viejo", reniec_code="")
    TerritoryBoundary.objects.filter(territory="08").delete()
    TerritoryBoundary.objects.filter(territory="0104").update(geometry={"type": "Polygon", "coordinates": []})

    assert written == 25 + 196 + DISTRICTS_IN_SOURCE + OUTLINES
    assert territories_load() == 3
    assert snapshot() == expected


@pytest.mark.django_db
def test_load_if_empty_loads_an_empty_table_only(db):
    assert territories_load_if_empty() == 25 + 196 + DISTRICTS_IN_SOURCE
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


@pytest.mark.django_db
def test_command_refuses_an_unknown_code(loaded):
    with pytest.raises(CommandError, match="999999"):
        call_command("territories", "show", "999999", stdout=StringIO())
