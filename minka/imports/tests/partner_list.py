"""A partner's Excel list of participants, as partners in Condorcanqui and Quispicanchi really send them.

`partner_list(people=2000)` builds the workbook in memory and says what a careful reader would find in it
(`PartnerList`): how many distinct people, which rows repeat another, which rows have a real mistake and in what
column. `fixed=True` builds the same list with those mistakes corrected, as the partner would send it back.

The usual mistakes, all on purpose:
- a title typed above the table, the partner's own headers ("Apellido Paterno", "Nombres " with a trailing space,
  "Fecha de Nacimiento", "Celular", "¿Firmó consentimiento?") and columns Minka does not import ("N°",
  "Comunidad", "Observaciones");
- DNIs typed as numbers, so those starting with 0 lost it (1234567 for 01234567), and a few typed as text;
- birth dates as 31/12/1990 text, as real Excel dates (datetime) and as bare serial numbers (32874);
- consent as Sí / si / SI / x / sí., sex as F / Femenino / Mujer / M / Masculino / Varón;
- trailing and doubled spaces, blank rows between groups, a few people without DNI;
- rows typed twice (the second with a trailing space or another spelling of the same sex);
- a few real errors: a DNI too short or too long, a date that does not exist (30/02/1985, 31/04/1990).
"""

import datetime
import random
from dataclasses import dataclass, field
from io import BytesIO

from openpyxl import Workbook

from minka.imports.values import EXCEL_EPOCH

HEADERS = [
    "N°",
    "DNI",
    "Apellido Paterno",
    "Apellido Materno",
    "Nombres ",
    "Sexo",
    "Fecha de Nacimiento",
    "Celular",
    "Comunidad",
    "¿Firmó consentimiento?",
    "Fecha de consentimiento",
    "Observaciones",
]
CONSENT_HEADER = "¿Firmó consentimiento?"

GIVEN_F = ["María", "Rosa", "Juana", "Elena", "Luz", "Yolanda", "Nelly", "Ruth", "Sonia", "Marisol", "Ikam", "Nunkui"]
GIVEN_M = ["Juan", "Pedro", "Luis", "Carlos", "Wilmer", "Elmer", "Jhon", "Edwin", "Segundo", "Tsamajain", "Yankuam"]
SURNAMES = [
    "Quispe", "Mamani", "Huamán", "Condori", "Cusi", "Yupanqui", "Shimpukat", "Yagkug", "Wajajai", "Tiwi",
    "Sejekam", "Apikai", "Chumpi", "Dekentai", "Ampam", "Taki", "Huillca", "Ccori", "Puma", "Sutta",
]  # fmt: skip
COMMUNITIES = ["Nazareth", "Wawas", "Yamayakat", "Chipe", "Ccatcca", "Ocongate", "Urcos"]
FEMALE = ["F", "Femenino", "Mujer", "F ", "femenino"]
MALE = ["M", "Masculino", "Varón", "Hombre", "m"]
YES = ["Sí", "si", "SI", "x", "X", "sí.", "Si "]


@dataclass
class PartnerList:
    content: bytes
    people: int  # distinct people the list names
    rows: int  # data rows, blank ones excluded
    repeated_rows: list[int] = field(default_factory=list)  # spreadsheet row numbers that repeat an earlier row
    errors: dict[int, str] = field(default_factory=dict)  # spreadsheet row number -> column key at fault
    without_dni: int = 0
    dnis: list[str] = field(default_factory=list)  # every person's DNI as it should be stored (8 digits)


def partner_list(people: int = 2000, *, fixed: bool = False, seed: int = 7, first_dni: int = 1_000_000) -> PartnerList:
    """`first_dni` starts the DNI range; the default gives DNIs from 01000000, half of which lost their zero."""
    rng = random.Random(seed)
    records = [_person(rng, index, first_dni) for index in range(people)]
    error_at = dict(zip(rng.sample(range(people), 8), ["dni"] * 4 + ["birth_date"] * 4, strict=True))
    repeat_of = sorted(rng.sample(range(people), 12))

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Participantes"
    sheet.append(["Lista de participantes - Programa (no borrar esta fila de títulos)"])  # a title above the headers
    sheet.append(HEADERS)
    result = PartnerList(content=b"", people=people, rows=0)
    for index, record in enumerate(records):
        row = _cells(rng, index, record, None if fixed else error_at.get(index))
        sheet.append(row)
        result.rows += 1
        if index in error_at and not fixed:
            result.errors[sheet.max_row] = error_at[index]
        if index in repeat_of:
            again = list(row)
            again[4] = f"{again[4]} "  # typed again, with a trailing space
            again[5] = "F" if record["sex"] == "F" else "M"
            sheet.append(again)
            result.rows += 1
            if index not in error_at or fixed:
                result.repeated_rows.append(sheet.max_row)
            else:
                result.errors[sheet.max_row] = error_at[index]
        if index % 250 == 249:
            sheet.append([None] * len(HEADERS))  # a blank row between the groups of each promoter
    result.without_dni = sum(1 for record in records if not record["dni"])
    result.dnis = [record["dni"] for record in records if record["dni"]]
    buffer = BytesIO()
    workbook.save(buffer)
    result.content = buffer.getvalue()
    return result


def _person(rng: random.Random, index: int, first_dni: int) -> dict:
    sex = "F" if rng.random() < 0.6 else "M"
    born = datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(45 * 365))
    consent = datetime.date(2025, 1, 6) + datetime.timedelta(days=rng.randrange(300))
    without_dni = index % 97 == 13
    return {
        "dni": "" if without_dni else f"{first_dni + index * 7:08d}",
        "paternal": rng.choice(SURNAMES),
        "maternal": rng.choice(SURNAMES),
        # a number in the name keeps people without DNI distinct, as their natural key is name, birth date and sex
        "given": f"{rng.choice(GIVEN_F if sex == 'F' else GIVEN_M)} {rng.choice(['', 'Isabel', 'Antonio'])}".strip()
        + (f" {_roman(index)}" if without_dni else ""),
        "sex": sex,
        "born": born,
        "consent": consent,
        "phone": f"9{rng.randrange(10**8):08d}" if rng.random() < 0.7 else None,
    }


def _roman(number: int) -> str:
    letters = ""
    numerals = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
                (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))  # fmt: skip
    for value, letter in numerals:
        while number >= value:
            letters, number = letters + letter, number - value
    return letters or "N"


def _cells(rng: random.Random, index: int, record: dict, error: str | None) -> list:
    dni = record["dni"]
    if not dni:
        dni_cell = None
    elif index % 3 == 0:
        dni_cell = dni  # typed as text, leading zero kept
    else:
        dni_cell = int(dni)  # a number cell: 01234567 became 1234567
    born = record["born"]
    style = index % 3
    if style == 0:
        born_cell = born.strftime("%d/%m/%Y")
    elif style == 1:
        born_cell = datetime.datetime(born.year, born.month, born.day)
    else:
        born_cell = (born - EXCEL_EPOCH).days  # a date cell whose format was lost: a bare serial
    if error == "dni":
        dni_cell = ["4567", "123456789", "1234-567", "DNI 4444"][index % 4]
    elif error == "birth_date":
        born_cell = ["30/02/1985", "31/04/1990", "29/02/1983", "32/01/1979"][index % 4]
    sex = rng.choice(FEMALE if record["sex"] == "F" else MALE)
    return [
        index + 1,
        dni_cell,
        f"{record['paternal']} ",
        record["maternal"],
        record["given"].replace(" ", "  ") if index % 11 == 0 else record["given"],
        sex,
        born_cell,
        record["phone"],
        rng.choice(COMMUNITIES),
        rng.choice(YES),
        record["consent"].strftime("%d/%m/%Y") if index % 2 else datetime.datetime(*record["consent"].timetuple()[:3]),
        "" if index % 5 else "participa con su hija",
    ]  # fmt: skip
