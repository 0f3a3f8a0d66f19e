"""Peru's departments, provinces and districts, loaded from the data shipped in `network/data/`.

The data is rebuilt from its sources by `data/build_territories.py`; see `data/README.md`.
"""

import csv
import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from minka.network.models import Territory, TerritoryBoundary

DATA_DIR = Path(__file__).resolve().parent / "data"
TERRITORIES_FILE = DATA_DIR / "territories.csv"
BOUNDARY_FILES = (
    DATA_DIR / "peru_departments.geojson",
    DATA_DIR / "peru_provinces.geojson",
    DATA_DIR / "peru_districts.geojson",
)
# The property that carries each feature's INEI code, by file.
BOUNDARY_CODE_PROPERTIES = ("CCDD", "IDPROV", "IDDIST")

FIELDS = (
    "level",
    "name",
    "parent_id",
    "capital",
    "latitude",
    "longitude",
    "altitude",
    "population",
    "reniec_code",
)


def _decimal(text: str) -> Decimal | None:
    return Decimal(text) if text else None


def boundaries_data() -> dict[str, dict]:
    """The GeoJSON geometry of each department, province and outlined district, by INEI code."""
    boundaries = {}
    for path, code_property in zip(BOUNDARY_FILES, BOUNDARY_CODE_PROPERTIES, strict=True):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            boundaries[feature["properties"][code_property]] = feature["geometry"]
    return boundaries


def territories_data() -> list[dict]:
    """Every territory as field values, parents before children (departments, provinces, districts)."""
    with TERRITORIES_FILE.open(encoding="utf-8", newline="") as f:
        rows = [
            {
                "code": row["code"],
                "level": row["level"],
                "name": row["name"],
                "parent_id": row["parent"] or None,
                "capital": row["capital"],
                "latitude": _decimal(row["latitude"]),
                "longitude": _decimal(row["longitude"]),
                "altitude": _decimal(row["altitude"]),
                "population": int(row["population"]) if row["population"] else None,
                "reniec_code": row["reniec_code"],
            }
            for row in csv.DictReader(f)
        ]
    rows.sort(key=lambda row: (len(row["code"]), row["code"]))
    return rows


def territories_load() -> int:
    """Create or update every territory and outline from the shipped data; returns how many rows it wrote.

    Rows already equal to the data are left alone, so a second load writes nothing. Territories that the
    data does not list (none in a normal install) are kept.
    """
    rows = territories_data()
    with transaction.atomic():
        existing = {values[0]: values[1:] for values in Territory.objects.values_list("code", *FIELDS)}
        created, changed = [], []
        for row in rows:
            values = tuple(row[field] for field in FIELDS)
            current = existing.get(row["code"])
            if current is None:
                created.append(Territory(**row))
            elif current != values:
                changed.append(Territory(**row))
        # Parents come first in `rows`, so every row's parent exists (or is in an earlier batch) when it is written.
        Territory.objects.bulk_create(created, batch_size=500)
        Territory.objects.bulk_update(changed, FIELDS, batch_size=500)
        written = len(created) + len(changed) + boundaries_load()
    return written


def boundaries_load() -> int:
    """Create or update the boundary of each department, province and outlined district; returns how many it wrote."""
    existing = dict(TerritoryBoundary.objects.values_list("territory_id", "geometry"))
    created, changed = [], []
    for code, geometry in boundaries_data().items():
        if code not in existing:
            created.append(TerritoryBoundary(territory_id=code, geometry=geometry))
        elif existing[code] != geometry:
            changed.append(TerritoryBoundary(territory_id=code, geometry=geometry))
    TerritoryBoundary.objects.bulk_create(created, batch_size=100)
    TerritoryBoundary.objects.bulk_update(changed, ["geometry"], batch_size=100)
    return len(created) + len(changed)


def territories_load_if_empty() -> int:
    """Load the territories into an empty table; returns how many places it created (0 when some were there)."""
    if Territory.objects.exists():
        return 0
    territories_load()
    return Territory.objects.count()
