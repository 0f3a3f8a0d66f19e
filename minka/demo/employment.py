"""The demo's employment service: phase 2 of Work 4 Progress Peru runs "a service of learning and job-search skills,
articulating the demand and supply of work of the youth" (seed 001) in Quispicanchi (Urcos and its neighbours)
and Condorcanqui (Nieva), run by AVSI Perú, which the demo's people already meet in its job-search workshops.

The job seekers are young people of those workshops (`minka.demo.people`): the first who completed the workshop
of each province, in the order they were recorded (leaving out those who may be someone's duplicate), so every
load picks the same ones. The employers, their contacts and vacancies are invented but local: a hostel, a
restaurant, weavers, an irrigation cooperative and the district municipality around Urcos (its vacancy invented
like the rest); a cacao cooperative, a lodge and a river transport company in Nieva. Contacts' names, phones and
e-mails (example.org) are invented too.

Vacancies run through every state (draft, open, closed, filled, cancelled) and applications through every state
(proposed, applied, interviewed, hired, not selected, withdrew); the hires of 2024 have their 3- and 6-month
follow-ups (one 6-month follow-up was never recorded, and counts as not retained), a hire of November 2026 has
none due yet, and one seeker started her own fish farm instead. The four employment indicators of the program's
results framework count them.

Written through the employment services by the service's own login (`empleo`, AVSI Perú), so the demo obeys the
rules an officer meets; a vacancy's employer contact `empleador` sees the employer portal only.
"""

import datetime
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minka.activities.models import ActivityCategory
from minka.employment import services
from minka.employment.models import Skill
from minka.network.models import Territory
from minka.people.models import DuplicateCandidate, Enrollment, EnrollmentStatus, Participant
from minka.results import services as results_services
from minka.results.measures import Scope, completed_people
from minka.results.models import Result

ORGANIZATION = "avsi-peru"
PROGRAM = "w4p-peru"
OFFICER = "empleo"
EMPLOYER_LOGIN = "empleador"
RESULT = "1.2.1"  # «Jóvenes preparados para buscar empleo…» in the demo's framework (`minka.demo.results`)

# The logins the demo lists; the loader makes the officer's (`USERS`), the employer's comes with the portal access
# the officer grants her contact (`contact_login_grant`).
LOGINS = [
    {
        "username": OFFICER,
        "first_name": "Rosa Angélica",
        "last_name": "Condori Mamani",
        "memberships": [(ORGANIZATION, "field_officer")],
        "description": _("Servicio de empleo de AVSI Perú (Quispicanchi y Condorcanqui)"),
    },
    {
        # The hostel's administrator: a contact with a login sees the employer portal and nothing else.
        "username": EMPLOYER_LOGIN,
        "first_name": "Elena",
        "last_name": "Ccorimanya Huallpa",
        "description": _("Empleador: Hostal Valle Sur (Urcos), portal de empleadores"),
    },
]
USERS = LOGINS[:1]

SKILLS = (
    "Atención al cliente", "Caja y ventas", "Computación básica", "Cocina", "Atención en restaurante",
    "Limpieza de habitaciones", "Guiado turístico", "Riego y cultivos andinos", "Crianza de cuyes",
    "Tejido a telar", "Cosecha y poscosecha de cacao", "Piscicultura", "Conducción de embarcaciones",
    "Almacén e inventarios", "Contabilidad básica", "Albañilería",
)  # fmt: skip

# name, kind, sector, district, address, contact (name, position, phone, e-mail), login
EMPLOYERS = (
    ("Hostal Valle Sur", "company", "tourism", "081201", "Jr. Vilcanota 214, Urcos",
     ("Elena Ccorimanya Huallpa", "Administradora", "984512337", f"{EMPLOYER_LOGIN}@example.org"), EMPLOYER_LOGIN),
    ("Restaurante Sabores de Andahuaylillas", "company", "tourism", "081202", "Plaza de Armas s/n, Andahuaylillas",
     ("Wilber Quispe Ttito", "Propietario", "974201558", "sabores.andahuaylillas@example.org"), None),
    ("Cooperativa Agraria Laguna de Urcos", "cooperative", "agriculture", "081201", "Av. Laguna 120, Urcos",
     ("Hilario Huamán Puma", "Gerente", "956330412", "coop.lagunaurcos@example.org"), None),
    ("Tejidos Ausangate", "company", "textiles", "081210", "Calle Comercio 35, Ocongate",
     ("Nélida Mamani Crispín", "Encargada de taller", "983117640", "tejidos.ausangate@example.org"), None),
    ("Municipalidad Distrital de Andahuaylillas", "public_agency", "tourism", "081202",
     "Plaza de Armas, Andahuaylillas",
     ("Edgar Ccolque Yupanqui", "Subgerente de Desarrollo Económico", "084512203",
      "desarrollo.economico@example.org"), None),
    ("Cooperativa Agraria Cacaotera Awajún", "cooperative", "agriculture", "010401",
     "Jr. Marañón 410, Santa María de Nieva",
     ("Mateo Shimpu Tiwi", "Presidente", "941820337", "cacao.awajun@example.org"), None),
    ("Hospedaje Río Nieva", "company", "tourism", "010401", "Malecón Nieva 18, Santa María de Nieva",
     ("Gladys Tuesta Rengifo", "Administradora", "942316205", "hospedaje.rionieva@example.org"), None),
    ("Transportes Fluviales Santiago", "company", "transport", "010401", "Puerto de Nieva",
     ("Roberto Pizango Ahuanari", "Gerente", "965008213", "fluvial.santiago@example.org"), None),
)  # fmt: skip

D = datetime.date

# key, employer, title, district, wage, contract, hours, positions, opens, closes, required, desirable, description
VACANCIES = (
    ("recepcion-urcos", "Hostal Valle Sur", "Recepcionista", "081201", "1130.00", "fixed_term", 48, 1,
     D(2024, 5, 2), D(2024, 5, 31), ("Atención al cliente", "Computación básica"), ("Guiado turístico",),
     "Recepción de huéspedes, reservas y caja del hostal; turnos rotativos."),
    ("cocina-andahuaylillas", "Restaurante Sabores de Andahuaylillas", "Ayudante de cocina", "081202", "1025.00",
     "fixed_term", 48, 2, D(2024, 5, 15), D(2024, 6, 10), ("Cocina",), ("Atención en restaurante",),
     "Preparación de insumos y platos del menú turístico; temporada alta de junio a setiembre."),
    ("riego-urcos", "Cooperativa Agraria Laguna de Urcos", "Técnico/a de campo en riego", "081201", "1400.00",
     "fixed_term", 40, 2, D(2024, 6, 3), D(2024, 6, 28), ("Riego y cultivos andinos",), ("Computación básica",),
     "Acompañamiento a los socios en riego por aspersión y registro de campañas."),
    ("tejido-ocongate", "Tejidos Ausangate", "Tejedor/a a telar", "081210", "1025.00", "per_service", 30, 2,
     D(2024, 7, 1), D(2024, 7, 26), ("Tejido a telar",), ("Caja y ventas",),
     "Tejido de mantas y chalinas de alpaca por pedido para tiendas del Cusco."),
    ("turismo-andahuaylillas", "Municipalidad Distrital de Andahuaylillas", "Promotor/a de turismo comunitario",
     "081202", "1300.00", "fixed_term", 40, 1, D(2024, 8, 5), D(2024, 8, 30), ("Guiado turístico",),
     ("Computación básica",), "Convocatoria cancelada: el presupuesto del programa municipal no se aprobó."),
    ("mozo-urcos", "Hostal Valle Sur", "Mozo/a", "081201", "1130.00", "indefinite", 48, 2,
     D(2026, 11, 2), D(2027, 1, 15), ("Atención en restaurante", "Atención al cliente"), ("Caja y ventas",),
     "Atención del comedor del hostal: desayunos y cenas."),
    ("ventas-andahuaylillas", "Restaurante Sabores de Andahuaylillas", "Vendedor/a de mostrador", "081202",
     "1100.00", "fixed_term", 48, 1, D(2027, 1, 4), D(2027, 1, 29), ("Caja y ventas",), ("Atención al cliente",),
     "Venta de pan y productos del restaurante (borrador: aún no se publica)."),
    ("cacao-nieva", "Cooperativa Agraria Cacaotera Awajún", "Técnico/a de poscosecha de cacao", "010401", "1200.00",
     "fixed_term", 48, 2, D(2024, 6, 10), D(2024, 7, 5), ("Cosecha y poscosecha de cacao",),
     ("Almacén e inventarios",), "Fermentación, secado y control de calidad del cacao de los socios."),
    ("recepcion-nieva", "Hospedaje Río Nieva", "Recepcionista", "010401", "1025.00", "indefinite", 48, 1,
     D(2024, 7, 15), D(2024, 8, 9), ("Atención al cliente",), ("Computación básica",),
     "Recepción, reservas por teléfono y caja del hospedaje."),
    ("fluvial-nieva", "Transportes Fluviales Santiago", "Ayudante de motorista fluvial", "010401", "1150.00",
     "fixed_term", 48, 1, D(2026, 10, 1), D(2026, 10, 23), ("Conducción de embarcaciones",), (),
     "Carga, amarre y atención de pasajeros en la ruta Nieva – Río Santiago."),
    ("almacen-nieva", "Cooperativa Agraria Cacaotera Awajún", "Almacenero/a", "010401", "1100.00", "fixed_term", 48,
     1, D(2026, 11, 16), D(2026, 12, 31), ("Almacén e inventarios",), ("Contabilidad básica",),
     "Registro de entradas y salidas del almacén de cacao seco."),
)  # fmt: skip

# The state each vacancy ends in, once its applications are played.
VACANCY_STATES = {
    "recepcion-urcos": "filled", "cocina-andahuaylillas": "filled", "riego-urcos": "closed",
    "tejido-ocongate": "filled", "turismo-andahuaylillas": "cancelled", "mozo-urcos": "open",
    "ventas-andahuaylillas": "draft", "cacao-nieva": "filled", "recepcion-nieva": "filled",
    "fluvial-nieva": "filled", "almacen-nieva": "open",
}  # fmt: skip

# Who the seekers are, by their place in each province's list (Q: Quispicanchi, C: Condorcanqui): education,
# skills, availability, how far they travel, what they share with employers (contact, CV, experience), and a past job.
# fmt: off
PROFILES = {
    "Q": (
        ("secondary", ("Atención al cliente", "Computación básica", "Guiado turístico"), "full_time", 30, "ccx",
         ("Hostal familiar", "Ayudante de recepción", 2022)),
        ("technical", ("Atención al cliente", "Computación básica", "Contabilidad básica"), "full_time", 40, "cc-",
         None),
        ("secondary", ("Atención al cliente", "Caja y ventas"), "part_time", 20, "c--", None),
        ("secondary_incomplete", ("Limpieza de habitaciones", "Atención al cliente"), "full_time", 20, "---", None),
        ("secondary", ("Cocina", "Atención en restaurante"), "full_time", 25, "ccx",
         ("Picantería de la familia", "Ayudante de cocina", 2021)),
        ("secondary", ("Cocina",), "seasonal", 25, "c-x", None),
        ("primary", ("Cocina", "Limpieza de habitaciones"), "part_time", 15, "---", None),
        ("technical", ("Riego y cultivos andinos", "Computación básica", "Crianza de cuyes"), "full_time", 50, "ccx",
         ("Comité de regantes de Urcos", "Apoyo técnico", 2023)),
        ("secondary", ("Riego y cultivos andinos", "Crianza de cuyes"), "full_time", 40, "c--", None),
        ("secondary_incomplete", ("Tejido a telar", "Caja y ventas"), "part_time", 30, "c-x",
         ("Asociación de tejedoras de Ocongate", "Tejedora", 2020)),
        ("secondary", ("Tejido a telar",), "weekends", 30, "---", None),
        ("secondary", ("Tejido a telar", "Atención al cliente"), "part_time", 20, "c--", None),
        ("university", ("Guiado turístico", "Computación básica", "Atención al cliente"), "full_time", 40, "ccx",
         None),
        ("secondary", ("Atención en restaurante", "Atención al cliente", "Caja y ventas"), "full_time", 20, "cc-",
         None),
    ),
    "C": (
        ("secondary", ("Cosecha y poscosecha de cacao", "Almacén e inventarios"), "full_time", 30, "ccx",
         ("Chacra familiar de cacao", "Cosecha y secado", 2019)),
        ("secondary_incomplete", ("Cosecha y poscosecha de cacao",), "full_time", 40, "c--", None),
        ("secondary", ("Cosecha y poscosecha de cacao", "Piscicultura"), "seasonal", 30, "---", None),
        ("primary", ("Cosecha y poscosecha de cacao",), "part_time", 20, "---", None),
        ("technical", ("Atención al cliente", "Computación básica"), "full_time", 20, "ccx",
         ("Bodega en Santa María de Nieva", "Vendedora", 2022)),
        ("secondary", ("Atención al cliente", "Caja y ventas"), "full_time", 20, "c--", None),
        ("secondary", ("Conducción de embarcaciones",), "full_time", 60, "c-x",
         ("Transporte fluvial familiar", "Ayudante de bote", 2021)),
        ("technical", ("Almacén e inventarios", "Contabilidad básica", "Computación básica"), "full_time", 30, "cc-",
         None),
        ("secondary", ("Almacén e inventarios",), "part_time", 20, "---", None),
        ("secondary_incomplete", ("Almacén e inventarios", "Caja y ventas"), "full_time", 30, "c--", None),
        ("secondary", ("Piscicultura",), "full_time", 30, "c--", None),
        ("secondary", ("Albañilería",), "seasonal", 40, "---", None),
    ),
}
# fmt: on
LANGUAGES = {"Q": ["es", "qu"], "C": ["es", "agr"]}
PROVINCES = {"Q": "0812", "C": "0104"}
NEIGHBOURS = {"Q": ("081201", "081202", "081207", "081206"), "C": ("010401",)}

# Each vacancy's applications, in date order: (seeker, steps). A step is (state, date) or, for a hire,
# ("hired", decided, start date, wage, follow-ups: (month, still working, wage, note) each).
H = "hired"
PLAYS = {
    "recepcion-urcos": (
        ("Q0", (("proposed", D(2024, 5, 3)), ("applied", D(2024, 5, 6)), ("interviewed", D(2024, 5, 20)),
                (H, D(2024, 5, 24), D(2024, 6, 3), "1130.00",
                 ((3, True, "1130.00", ""), (6, True, "1200.00", "Le subieron el sueldo al renovar el contrato."))))),
        ("Q1", (("proposed", D(2024, 5, 3)), ("applied", D(2024, 5, 7)), ("interviewed", D(2024, 5, 20)),
                ("not_selected", D(2024, 5, 24)))),
        ("Q2", (("proposed", D(2024, 5, 3)), ("withdrew", D(2024, 5, 10)))),
        ("Q3", (("proposed", D(2024, 5, 3)), ("not_selected", D(2024, 5, 15)))),
    ),
    "cocina-andahuaylillas": (
        ("Q4", (("proposed", D(2024, 5, 16)), ("applied", D(2024, 5, 20)), ("interviewed", D(2024, 6, 4)),
                (H, D(2024, 6, 7), D(2024, 6, 17), "1025.00", ((3, True, "1025.00", ""), (6, True, "1025.00", ""))))),
        ("Q5", (("proposed", D(2024, 5, 16)), ("applied", D(2024, 5, 21)),
                (H, D(2024, 6, 7), D(2024, 6, 17), "1025.00",
                 ((3, True, "1025.00", ""), (6, False, None, "Dejó el puesto al terminar la temporada alta."))))),
        ("Q6", (("proposed", D(2024, 5, 16)), ("applied", D(2024, 5, 22)), ("not_selected", D(2024, 6, 7)))),
    ),
    "riego-urcos": (
        ("Q7", (("proposed", D(2024, 6, 4)), ("applied", D(2024, 6, 6)), ("interviewed", D(2024, 6, 20)),
                (H, D(2024, 6, 26), D(2024, 7, 8), "1400.00", ((3, True, "1400.00", ""), (6, True, "1400.00", ""))))),
        ("Q8", (("proposed", D(2024, 6, 4)), ("applied", D(2024, 6, 10)), ("interviewed", D(2024, 6, 20)),
                ("not_selected", D(2024, 6, 26)))),
    ),
    "tejido-ocongate": (
        ("Q9", (("proposed", D(2024, 7, 2)), ("applied", D(2024, 7, 4)),
                (H, D(2024, 7, 26), D(2024, 8, 5), "1025.00", ((3, True, "1025.00", ""), (6, True, "1025.00", ""))))),
        ("Q10", (("proposed", D(2024, 7, 2)), ("applied", D(2024, 7, 5)),
                 (H, D(2024, 7, 26), D(2024, 8, 5), "1025.00",
                  ((3, False, None, "Volvió a la chacra familiar."), (6, False, None, ""))))),
        ("Q11", (("proposed", D(2024, 7, 2)), ("applied", D(2024, 7, 8)), ("withdrew", D(2024, 7, 15)))),
    ),
    "turismo-andahuaylillas": (
        ("Q12", (("proposed", D(2024, 8, 6)), ("applied", D(2024, 8, 9)))),
        ("Q1", (("proposed", D(2024, 8, 6)),)),
    ),
    "mozo-urcos": (
        ("Q13", (("proposed", D(2026, 11, 3)), ("applied", D(2026, 11, 5)), ("interviewed", D(2026, 11, 20)))),
        ("Q12", (("proposed", D(2026, 11, 3)), ("applied", D(2026, 11, 9)))),
        ("Q3", (("proposed", D(2026, 11, 3)),)),
    ),
    "cacao-nieva": (
        ("C0", (("proposed", D(2024, 6, 11)), ("applied", D(2024, 6, 13)), ("interviewed", D(2024, 7, 1)),
                (H, D(2024, 7, 8), D(2024, 7, 22), "1200.00", ((3, True, "1200.00", ""), (6, True, "1250.00", ""))))),
        # Her 6-month follow-up was never recorded: it counts as not retained.
        ("C1", (("proposed", D(2024, 6, 11)), ("applied", D(2024, 6, 14)), ("interviewed", D(2024, 7, 1)),
                (H, D(2024, 7, 8), D(2024, 7, 22), "1200.00", ((3, True, "1200.00", ""),)))),
        ("C2", (("proposed", D(2024, 6, 11)), ("applied", D(2024, 6, 17)), ("not_selected", D(2024, 7, 8)))),
        ("C3", (("proposed", D(2024, 6, 11)), ("withdrew", D(2024, 6, 20)))),
    ),
    "recepcion-nieva": (
        ("C4", (("proposed", D(2024, 7, 16)), ("applied", D(2024, 7, 18)), ("interviewed", D(2024, 8, 6)),
                (H, D(2024, 8, 9), D(2024, 8, 19), "1025.00", ((3, True, "1025.00", ""), (6, True, "1100.00", ""))))),
        ("C5", (("proposed", D(2024, 7, 16)), ("applied", D(2024, 7, 19)), ("interviewed", D(2024, 8, 6)),
                ("not_selected", D(2024, 8, 9)))),
    ),
    "fluvial-nieva": (
        ("C6", (("proposed", D(2026, 10, 2)), ("applied", D(2026, 10, 5)),
                (H, D(2026, 10, 23), D(2026, 11, 2), "1150.00", ()))),
    ),
    "almacen-nieva": (
        ("C7", (("proposed", D(2026, 11, 17)), ("applied", D(2026, 11, 20)))),
        ("C8", (("proposed", D(2026, 11, 17)),)),
        ("C9", (("proposed", D(2026, 11, 17)),)),
    ),
}  # fmt: skip

# C10 raised fish instead of taking a job: (started, monthly income, follow-ups).
SELF_EMPLOYED = (
    "C10",
    D(2024, 9, 2),
    "800.00",
    "Crianza de gamitana en dos estanques familiares; vende en el mercado de Santa María de Nieva.",
    ((3, True, "850.00", ""), (6, True, "900.00", "Amplió a un tercer estanque.")),
)

INDICATOR_EDITOR = "coordinadora"  # the program's coordinator shapes its results framework
DEMO_TARGET = "Meta propia de la demostración: las fuentes no publican una."
INDICATORS = (
    ("1.2.1b", "Personas colocadas en un empleo por el servicio", "People placed in a job by the service",
     "employment_people_placed", "people", ["sex", "age_band", "youth", "province"], 150,
     "Personas distintas contratadas por un empleador local a través del servicio de empleo, con fecha de inicio en "
     "el periodo."),
    ("1.2.1c", "Colocación de quienes concluyeron el taller de búsqueda de empleo",
     "Placement of those who completed the job-search workshop", "employment_placement_rate", "percent",
     ["sex", "youth", "province"], 30,
     "Entre las personas que concluyeron un taller de búsqueda de empleo de la fase 2 (al menos el porcentaje "
     "exigido de sus sesiones), porcentaje que empezó un empleo del servicio hasta el cierre del periodo."),
    ("1.2.1d", "Personas que siguen en el empleo a los 6 meses", "People still in the job after 6 months",
     "employment_retention_6m", "percent", ["sex", "youth", "province"], 70,
     "Colocaciones cuyo seguimiento de los 6 meses encontró a la persona trabajando, sobre las colocaciones con ese "
     "seguimiento vencido en el periodo; un seguimiento vencido y no registrado cuenta como no retenido."),
    ("1.2.1e", "Salario mensual inicial promedio de las colocaciones", "Average starting monthly wage of placements",
     "employment_starting_wage", "soles", ["sex", "youth", "province"], None,
     "Suma de los salarios mensuales iniciales de las colocaciones que empezaron en el periodo entre su número, en "
     "soles, redondeado al céntimo (la remuneración mínima vital era S/ 1025 en 2024)."),
)  # fmt: skip


def employment_load(*, programs, organizations, users, password: str) -> None:
    """Writes the job service unless the program already has a skill catalogue; `users` are the demo's logins.
    Without the officer's login (its username taken by someone else) there is no one to write it."""
    program = programs.get(PROGRAM)
    officer = users.get(OFFICER)
    if program is None or officer is None or Skill.objects.filter(program=program).exists():
        return
    organization = organizations[ORGANIZATION]
    skills = {name: services.skill_create(user=officer, program=program, name=name) for name in SKILLS}
    seekers = _seekers_load(officer, program, organization, skills)
    employers = _employers_load(officer, program, organization, password)
    vacancies = _vacancies_load(officer, employers, skills)
    _plays(officer, vacancies, seekers)
    _self_employment(officer, seekers)
    _indicators_load(program, users.get(INDICATOR_EDITOR))


def job_seekers_pool(program, organization, province: str) -> list[Participant]:
    """The people who completed a job-search workshop of the organization in the province, in the order they were
    registered, except those enrolled no longer and those who may be a duplicate of someone."""
    completed = completed_people(
        Scope(
            program_id=program.pk,
            organization_ids=(organization.pk,),
            activity_categories=(ActivityCategory.JOB_SEARCH,),
            territory_codes=(province,),
        )
    )
    enrolled = Enrollment.objects.filter(program=program, organization=organization).exclude(
        status=EnrollmentStatus.DROPPED
    )
    candidates = DuplicateCandidate.objects.order_by()
    doubtful = Q(pk__in=candidates.values("first_id")) | Q(pk__in=candidates.values("second_id"))
    return list(
        Participant.objects.filter(pk__in=completed, merged_into__isnull=True, anonymized_at__isnull=True)
        .filter(pk__in=enrolled.values("participant_id"))
        .exclude(doubtful)
        .order_by("pk")
    )


def _seekers_load(officer, program, organization, skills) -> dict:
    seekers = {}
    for side, profiles in PROFILES.items():
        people = job_seekers_pool(program, organization, PROVINCES[side])[: len(profiles)]
        for index, (person, profile) in enumerate(zip(people, profiles, strict=False)):
            education, own_skills, availability, travel, shares, past = profile
            districts = {person.district_id, *NEIGHBOURS[side]} - {None}
            seeker = services.seeker_create(
                user=officer,
                data={
                    "organization": organization,
                    "program": program,
                    "participant": person,
                    "education_level": education,
                    "skills": [skills[name] for name in own_skills],
                    "languages": LANGUAGES[side],
                    "availability": availability,
                    "available_from": D(2024, 4, 15),
                    "preferred_districts": list(Territory.objects.filter(code__in=districts, level="district")),
                    "max_travel_km": travel,
                    "share_contact": shares[0] == "c",
                    "share_cv": shares[1] == "c",
                    "share_experience": shares[2] == "x",
                },
            )
            if past:
                employer_name, role, year = past
                services.experience_add(
                    user=officer,
                    seeker=seeker,
                    data={
                        "employer_name": employer_name,
                        "role": role,
                        "started_on": D(year, 1, 15),
                        "ended_on": D(year, 12, 20),
                    },
                )
            seekers[f"{side}{index}"] = seeker
    return seekers


def _employers_load(officer, program, organization, password) -> dict:
    employers = {}
    for name, kind, sector, district, address, contact, login in EMPLOYERS:
        employer = services.employer_create(
            user=officer,
            data={
                "organization": organization,
                "program": program,
                "name": name,
                "kind": kind,
                "sector": sector,
                "district": Territory.objects.get(code=district),
                "address": address,
            },
        )
        person, position, phone, email = contact
        row = services.contact_create(
            user=officer, employer=employer, data={"name": person, "position": position, "phone": phone, "email": email}
        )
        if login:
            services.contact_login_grant(user=officer, contact=row, username=login, password=password)
        employers[name] = employer
    return employers


def _vacancies_load(officer, employers, skills) -> dict:
    """Every vacancy written as a draft and, unless it stays one, published; its closing date is set once it is
    open (the service publishes only vacancies still to close, and these closed long ago)."""
    vacancies = {}
    for (
        key,
        employer,
        title,
        district,
        wage,
        contract,
        hours,
        positions,
        opens,
        closes,
        required,
        desirable,
        text,
    ) in VACANCIES:
        vacancy = services.vacancy_create(
            user=officer,
            data={
                "employer": employers[employer],
                "title": title,
                "description": text,
                "district": Territory.objects.get(code=district),
                "wage": Decimal(wage),
                "contract_type": contract,
                "hours_per_week": hours,
                "positions": positions,
                "opens_on": opens,
                "required_skills": [skills[name] for name in required],
                "desirable_skills": [skills[name] for name in desirable],
                "availability": "part_time" if hours < 36 else "full_time",
            },
        )
        if VACANCY_STATES[key] == "draft":
            vacancy = services.vacancy_update(user=officer, vacancy=vacancy, data={"closes_on": closes})
        else:
            vacancy = services.vacancy_publish(user=officer, vacancy=vacancy)
            vacancy = services.vacancy_update(user=officer, vacancy=vacancy, data={"closes_on": closes})
        vacancies[key] = vacancy
    return vacancies


def _plays(officer, vacancies, seekers) -> None:
    """Every application's steps, and the vacancies closed or cancelled on their closing day, in date order."""
    steps = []
    for key, plays in PLAYS.items():
        for seeker, moves in plays:
            for move in moves:
                steps.append((move[1], key, seeker, move))
    for key, state in VACANCY_STATES.items():
        if state in ("closed", "cancelled"):
            closes = next(v[9] for v in VACANCIES if v[0] == key)
            steps.append((closes, key, None, (state, closes)))
    steps.sort(key=lambda step: step[0])  # stable: a day's steps keep their order
    applications = {}
    for _day, key, seeker_key, move in steps:
        vacancy = vacancies[key]
        if seeker_key is None:
            if move[0] == "closed":
                services.vacancy_close(user=officer, vacancy=vacancy, on_date=move[1])
            else:
                services.vacancy_cancel(user=officer, vacancy=vacancy)
            continue
        seeker = seekers.get(seeker_key)
        if seeker is None:  # fewer people completed the workshop than profiles: that part of the play is skipped
            continue
        state, on = move[0], move[1]
        if state == "proposed":
            applications[key, seeker_key] = services.shortlist_add(
                user=officer, vacancy=vacancy, seeker=seeker, on_date=on
            )
        elif state == H:
            _hire(officer, applications[key, seeker_key], move)
        else:
            applications[key, seeker_key] = services.application_move(
                user=officer, application=applications[key, seeker_key], state=state, on_date=on
            )


def _hire(officer, application, move) -> None:
    _state, decided, start, wage, follow_ups = move
    placement = services.placement_create(
        user=officer, application=application, start_date=start, wage=Decimal(wage), on_date=decided
    )
    for month, working, paid, note in follow_ups:
        services.follow_up_record(
            user=officer,
            placement=placement,
            month=month,
            done_on=services.follow_up_due_on(start=start, month=month) + datetime.timedelta(days=3),
            still_working=working,
            wage=Decimal(paid) if paid else None,
            note=note,
        )


def _self_employment(officer, seekers) -> None:
    key, started, income, description, follow_ups = SELF_EMPLOYED
    seeker = seekers.get(key)
    if seeker is None:
        return
    row = services.self_employment_create(
        user=officer,
        seeker=seeker,
        data={"started_on": started, "monthly_income": Decimal(income), "description": description},
    )
    for month, working, paid, note in follow_ups:
        services.follow_up_record(
            user=officer,
            self_employment=row,
            month=month,
            done_on=services.follow_up_due_on(start=started, month=month) + datetime.timedelta(days=5),
            still_working=working,
            wage=Decimal(paid),
            note=note,
        )


def _indicators_load(program, editor) -> None:
    """The four employment indicators, under the output the job service serves, computed for phase 2."""
    result = Result.objects.filter(program=program, code=RESULT).first()
    if result is None or editor is None or result.indicators.filter(measure__startswith="employment_").exists():
        return
    phase = program.phases.filter(number=2).first()
    position = result.indicators.count()
    for number, (code, name_es, name_en, measure, unit, splits, target, definition) in enumerate(INDICATORS):
        indicator = results_services.indicator_save(
            user=editor,
            program=program,
            data={
                "result": result,
                "code": code,
                "name_es": name_es,
                "name_en": name_en,
                "definition": definition,
                "source": "computed",
                "measure": measure,
                "unit": unit,
                "phase": phase,
                "disaggregations": splits,
                "position": position + number,
            },
        )
        if target is not None:
            results_services.target_save(
                user=editor, indicator=indicator, period="fase-2", value=Decimal(target), note=DEMO_TARGET
            )
