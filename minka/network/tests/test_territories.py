"""Peru's territories as shipped in `network/data/`, loaded for real into the database.

All of Peru is loaded once for this module's tests, which only read it; `test_territories_load.py` proves the
loading itself, from empty and partial tables.
"""

import csv
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from minka.network.models import Territory, TerritoryBoundary, TerritoryLevel
from minka.network.territories import TERRITORIES_FILE, territories_load

# INEI's 2025 directory: 1,891 districts (the package's older dictionaries also list two retired codes of
# Tayacaja, 090708 and 090712, which must not come back).
DISTRICTS_IN_SOURCE = 1891
# INEI's 2007 outlines whose code and name are still a district's (1,824, of which 47 in Lima and Callao are
# replaced by the finer file), plus the finer file's 50 for Lima and Callao.
DISTRICT_OUTLINES = 1824 - 47 + 50
# An outline for every department and province, and for the districts that have one.
OUTLINES = 25 + 196 + DISTRICT_OUTLINES
# Peru's extreme points, with a little room: Tacna's coast in the south, the Putumayo in the north.
LATITUDES = (Decimal("-18.4"), Decimal("0"))
LONGITUDES = (Decimal("-81.4"), Decimal("-68.6"))
# How far (in degrees, ~3 km) a district's capital may sit outside its simplified outline's bounding box.
CAPITAL_MARGIN = Decimal("0.03")

COMPARED = ("level", "name", "parent_id", "capital", "latitude", "longitude", "altitude", "population", "reniec_code")


def snapshot() -> dict:
    places = {code: values for code, *values in Territory.objects.values_list("code", *COMPARED)}
    outlines = dict(TerritoryBoundary.objects.values_list("territory_id", "geometry"))
    return {"places": places, "outlines": outlines}


def rings_of(geometry: dict) -> list:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [ring for polygon in polygons for ring in polygon]


@pytest.fixture(scope="module")
def all_of_peru(django_db_setup, django_db_blocker):
    """One load for the whole module (it takes about a second with the outlines), rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        territories_load()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def loaded(all_of_peru, db):
    return {territory.code: territory for territory in Territory.objects.all()}


@pytest.fixture
def outlines(loaded):
    return dict(TerritoryBoundary.objects.values_list("territory_id", "geometry"))


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
def test_outlines_are_closed_polygons_around_their_capital(loaded, outlines):
    for code, geometry in outlines.items():
        territory = loaded[code]
        assert geometry["type"] in {"Polygon", "MultiPolygon"}, code
        rings = rings_of(geometry)
        assert rings and all(len(ring) >= 4 and ring[0] == ring[-1] for ring in rings), code
        # The outline surrounds its capital, i.e. it belongs to this place and not to another.
        margin = CAPITAL_MARGIN if territory.level == TerritoryLevel.DISTRICT else 0
        longitudes = [Decimal(str(point[0])) for ring in rings for point in ring]
        latitudes = [Decimal(str(point[1])) for ring in rings for point in ring]
        assert min(latitudes) - margin <= territory.latitude <= max(latitudes) + margin, code
        if territory.level == TerritoryLevel.DISTRICT:
            assert min(longitudes) - margin <= territory.longitude <= max(longitudes) + margin, code


@pytest.mark.django_db
def test_every_department_and_province_has_an_outline_and_most_districts_do(loaded, outlines):
    for level, expected in [
        (TerritoryLevel.DEPARTMENT, 25),
        (TerritoryLevel.PROVINCE, 196),
        (TerritoryLevel.DISTRICT, DISTRICT_OUTLINES),
    ]:
        assert sum(1 for code in outlines if loaded[code].level == level) == expected, level


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "outlined"),
    [
        ("081201", True),  # Urcos, INEI 2007
        ("150121", True),  # Pueblo Libre, "Magdalena Vieja" in 2007
        ("131103", True),  # Marmot, "Compín" in 2007
        ("150137", True),  # Santa Anita: no 2007 geometry, outlined by the Lima and Callao file
        ("070107", True),  # Mi Perú, created in 2014, likewise
        ("080914", False),  # Megantoni, created in 2016 out of Echarati
        ("160801", False),  # Putumayo: a new province's district, not the 2007 district 160109 of that name
        ("210103", False),  # Amantaní: in the 2007 file without a geometry
    ],
)
def test_districts_with_and_without_an_outline(loaded, code, outlined):
    assert TerritoryBoundary.objects.filter(territory=code).exists() is outlined


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
def test_command_refuses_an_unknown_code(loaded):
    with pytest.raises(CommandError, match="999999"):
        call_command("territories", "show", "999999", stdout=StringIO())
