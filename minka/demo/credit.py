"""The demo's solidarity credit (seed 004): AMA's fund in Trujillo's women's prison and its wider micro-finance
program across seven agencies of La Libertad, written through the credit services by the demo's logins.

Everything goes through `minka.credit.services` and `minka.credit.loans` (capital, expenses, products,
applications, evaluation visits, approvals by a second person, disbursements, repayments, follow-up visits,
a rescheduling and write-offs), so the ledger, the loan events and the installments are the real ones, and the
ladder and the maker-checker rules are obeyed, not assumed. The actions are played in date order, so loans are
numbered as they were applied for and no disbursement ever finds the fund's cash short.

The dates are fixed and past (`DEMO_TODAY`, the close of day the demo ends on), so every load is the same and
the services, which refuse future dates, accept them all.

The prison fund has what the seed says "to date": 17 women and 47 credits, mostly repaid on time, a few late and
two in arrears now; Rocío's ladder S/ 300 → 500 → 1,000 → 1,500 → 2,000, each repaid on time and the last one
current. Her surnames are invented around the seed's initials (Rocío B. G.); every other name, every DNI (drawn
from the people demo's stream, stored only hashed) and every amount of capital and expenses is invented, and the
records say so where they can. The six- and twelve-month milestones of the seed become targets of indicators
computed from the loans (`credit_*` measures), read on the prison's loans only (the prison's district).

The wider program's few hundred borrowers are generated from a seeded random stream: loans closed, current,
late in each arrears bucket, two written off and one rescheduled.
"""

import calendar
import datetime
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from minka.credit import arrears, loans, services
from minka.credit.models import (
    BusinessStatus,
    DisbursementChannel,
    Fund,
    Installment,
    Loan,
    UseCategory,
    UseVerified,
)
from minka.demo.people import dni_numbers
from minka.network.models import Site, SiteKind, Territory
from minka.people.identity import dni_hash, dni_last_digits
from minka.people.models import Area, Consent, ConsentMethod, Enrollment, EnrollmentStatus, Participant, Sex
from minka.people.services import search_key
from minka.results import services as results_services
from minka.results.measures import MEASURES
from minka.results.models import Indicator, Result, Source, Unit

SEED = 4047  # 47 credits
DEMO_TODAY = datetime.date(2026, 11, 30)
PROGRAM = "ama-solidarity-fund"
ORGANIZATION = "ama"
CHECKER = "admin-ama"  # approves what the credit officers prepare
PRISON_OFFICER = "credito"
AGENCIES_OFFICER = "credito-agencias"

PRISON_FUND = "ama-ep-trujillo"
PRISON_SITE = "Fondo solidario en el Establecimiento Penitenciario de Mujeres de Trujillo"
PRISON_DISTRICT = "130104"  # Huanchaco (El Milagro), where the prison stands
PRISON_LADDER = (300, 500, 1000, 1500, 2000)
PRISON_TERMS = {300: 6, 500: 6, 1000: 8, 1500: 10, 2000: 12}  # monthly installments per step
PRISON_MAX_DAYS_LATE = 8
# Loans per woman besides Rocío's five: 42 more, 47 in all.
PRISON_LOAN_COUNTS = (4, 4, 4, 4, 3, 3, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1)

AGENCIES_FUND = "ama-agencias"
AGENCIES_LADDER = (500, 1000, 2000, 3000, 5000)
AGENCIES_TERMS = {500: 3, 1000: 4, 2000: 5, 3000: 6, 5000: 8}
AGENCIES_MAX_DAYS_LATE = 15
AGENCIES_BORROWERS = 300
# The agencies of the network demo, with the districts their borrowers live in (the agency's first).
AGENCIES = {
    "Agencia Trujillo": ("130101", "130102", "130105", "130111", "130112"),
    "Agencia Huamachuco": ("130901", "130904", "130906"),
    "Agencia Otuzco": ("130601", "130602", "130614"),
    "Agencia Santiago de Chuco": ("131001", "131003", "131006"),
    "Agencia Virú": ("131201", "131202"),
    "Agencia Paiján": ("130205", "130206", "130208"),
    "Agencia Pacasmayo": ("130704", "130702", "130705"),
}
PRISON_HOMES = ("130101", "130102", "130105", "130103", "130107", "130112", "130106")

ILLUSTRATIVE = "Monto ilustrativo (demo)"
CONSENT_PURPOSE = "Registro de prestatarias de AMA y seguimiento de sus créditos"

USERS = [
    {
        "username": AGENCIES_OFFICER,
        "first_name": "Sandra Milagros",
        "last_name": "Cerna Rebaza",
        "memberships": [(ORGANIZATION, "credit_officer")],
        "description": _("Asesora de crédito de AMA en sus siete agencias de La Libertad"),
    },
]

GIVEN = (
    "María", "Rosa", "Carmen", "Ana María", "Luz", "Milagros", "Elizabeth", "Maribel", "Yolanda", "Gladys", "Flor",
    "Juana", "Julia", "Marleni", "Sonia", "Teresa", "Nancy", "Patricia", "Liliana", "Karina", "Silvia", "Doris",
    "Marisol", "Janet", "Zulema", "Betty", "Norma", "Isabel", "Margarita", "Hilda", "Elsa", "Mercedes", "Lucía",
    "Jessica", "Katherine", "Yesenia", "Fiorella", "Giovanna", "Susana", "Esther", "Celia", "Olga", "Delia",
    "Haydée", "Consuelo", "Maritza", "Edith", "Roxana", "Vilma", "Lourdes",
)  # fmt: skip
SURNAMES = (
    "Rodríguez", "Vásquez", "Castillo", "Alvarado", "Sánchez", "Gutiérrez", "Cruz", "Reyes", "Ávila", "Mendoza",
    "Ruiz", "Díaz", "Chávez", "Zavaleta", "Urquiza", "Polo", "Ríos", "Benites", "Lozano", "Rebaza", "Asmat",
    "Huamanchumo", "Cerna", "Paredes", "León", "Valverde", "Carranza", "Alfaro", "Moreno", "Ulloa", "Gamboa",
    "Otiniano", "Chigne", "Salazar", "Horna", "Plasencia", "Bazán", "Gil", "Agreda", "Lescano", "Velásquez",
    "Rosales", "Aranda", "Sagástegui", "Quiroz", "Tello", "Villanueva", "Ynfante", "Azabache", "Briceño",
)  # fmt: skip
HIGHLAND_SURNAMES = ("Alvarado", "Rebaza", "Ávila", "Valverde", "Polo", "Gamboa", "Agreda", "Lescano", "Rosales",
                     "Aranda", "Chacón", "Sagástegui", "Bacilio", "Calderón", "Vereau", "Mostacero")  # fmt: skip

# (category, planned use) for the prison's businesses and for the agencies' borrowers.
PRISON_USES = (
    (UseCategory.RAW_MATERIALS, "Lana e hilos para tejer chompas, chalinas y gorros a palitos"),
    (UseCategory.RAW_MATERIALS, "Hilo acrílico y de algodón para tejido a crochet (mantas y cojines)"),
    (UseCategory.RAW_MATERIALS, "Lana de alpaca para chompas por encargo"),
    (UseCategory.CRAFTS, "Mostacillas, hilos y broches para bisutería"),
    (UseCategory.CRAFTS, "Telas, relleno y lana para muñecas de trapo"),
    (UseCategory.CRAFTS, "Materiales para bordados y tarjetas hechas a mano"),
    (UseCategory.FOOD, "Insumos para vender menú y refrescos en el pabellón"),
    (UseCategory.FOOD, "Harina, huevos y azúcar para queques, alfajores y gelatinas"),
    (UseCategory.MERCHANDISE, "Golosinas, útiles de aseo y tarjetas telefónicas para la bodega del pabellón"),
)
AGENCY_USES = (
    (UseCategory.MERCHANDISE, "Abarrotes para la bodega"),
    (UseCategory.MERCHANDISE, "Ropa y calzado para vender en la feria"),
    (UseCategory.FOOD, "Insumos para el puesto de comida del mercado"),
    (UseCategory.FOOD, "Harina y horno para la panadería familiar"),
    (UseCategory.LIVESTOCK, "Cuyes y alimento para la crianza"),
    (UseCategory.LIVESTOCK, "Gallinas ponedoras y alimento balanceado"),
    (UseCategory.AGRICULTURE, "Semilla y abono para la siembra de papa"),
    (UseCategory.SERVICES, "Máquina de coser y telas para confecciones"),
    (UseCategory.SERVICES, "Equipos para la peluquería"),
    (UseCategory.CRAFTS, "Paja y tintes para sombreros y canastas"),
)
HIGHLANDS = {"Agencia Huamachuco", "Agencia Otuzco", "Agencia Santiago de Chuco"}

EVALUATION_FINDINGS = (
    "Tiene pedidos y clientes fijos; el capital de trabajo no le alcanza para comprar al por mayor.",
    "Muestra sus productos y registros de ventas; su plan de compras es claro.",
    "Negocio en marcha; el crédito le evita prestarse de terceros a interés alto.",
    "Trabaja con su familia; las ventas de los últimos meses cubren la cuota con holgura.",
)
FOLLOW_UP_FINDINGS = {
    UseVerified.AS_PLANNED: (
        "Compró lo previsto; se vieron los insumos y la producción del mes.",
        "El crédito se usó como estaba previsto; las ventas crecieron.",
        "Compró al por mayor y bajó sus costos; paga puntualmente.",
    ),
    UseVerified.PARTLY: ("Usó una parte en lo previsto y otra en gastos de su familia.",),
    UseVerified.OTHER: ("Usó el crédito en gastos de salud de un familiar; se acordó un plan de pagos.",),
}
PRISON_DETAIL = {
    "Rocío": "Por la calidad de sus tejidos amplió su mercado, exporta parte de su producción y pide ayuda a otras "
    "internas para terminar los pedidos.",
}


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it is shorter (loans are disbursed on days up to
    the 28th, so their due dates always exist)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(eq=False)
class PlannedLoan:
    """A loan of the plan: what is asked for, when, and how it is repaid (days late per installment)."""

    fund: str
    borrower: Participant
    amount: Decimal
    repayments: int
    applied_on: datetime.date
    site: Site
    officer: str
    use: tuple
    late: dict = field(default_factory=dict)  # installment number -> days after its due date it is paid
    paid_until: int | None = None  # None: every installment (as far as today)
    reschedule: tuple | None = None  # (on_date, repayments) after `paid_until`
    write_off: datetime.date | None = None
    follow_ups: int = 1
    loan: Loan | None = None

    @property
    def disbursed_on(self) -> datetime.date:
        return self.applied_on + datetime.timedelta(days=7)

    def due(self, number: int) -> datetime.date:
        return _add_months(self.disbursed_on, number)

    def payments(self) -> list[tuple[datetime.date, int]]:
        """(date, installment number) of each planned payment, dates never going back."""
        last, rows = self.disbursed_on, []
        paid = self.repayments if self.paid_until is None else self.paid_until
        for number in range(1, paid + 1):
            day = max(last, self.due(number) + datetime.timedelta(days=self.late.get(number, 0)))
            if day > DEMO_TODAY:
                break
            rows.append((day, number))
            last = day
        return rows

    @property
    def closes_on(self) -> datetime.date | None:
        rows = self.payments()
        if self.paid_until is not None or len(rows) < self.repayments:
            return None
        return rows[-1][0]

    @property
    def worst_days_late(self) -> int:
        return max((max(0, (day - self.due(number)).days) for day, number in self.payments()), default=0)


def credit_load(*, programs, organizations, users) -> bool:
    """Writes AMA's two funds unless the prison fund is already there; returns whether it did."""
    if Fund.objects.filter(slug=PRISON_FUND).exists():
        return False
    needed = {name: users.get(name) for name in (CHECKER, PRISON_OFFICER, AGENCIES_OFFICER)}
    program, ama = programs.get(PROGRAM), organizations.get(ORGANIZATION)
    if None in needed.values() or program is None or ama is None:
        return False  # a login was taken by someone else: the funds need their own people
    _Builder(program=program, ama=ama, organizations=organizations, users=needed).run()
    return True


class _Builder:
    def __init__(self, *, program, ama, organizations, users):
        self.rng = random.Random(SEED)
        self.program, self.ama, self.organizations = program, ama, organizations
        self.checker = users[CHECKER]
        self.officers = {PRISON_OFFICER: users[PRISON_OFFICER], AGENCIES_OFFICER: users[AGENCIES_OFFICER]}
        self.names = set(Participant.objects.values_list("search_name", flat=True))
        self.dnis = self._free_dnis()
        self.plans: list[PlannedLoan] = []
        self.actions: list[tuple] = []
        self.receipts = 0

    def run(self):
        prison_site = self._prison_site()
        agencies = {site.name: site for site in Site.objects.filter(organization=self.ama, name__in=AGENCIES)}
        funds = {
            PRISON_FUND: self._fund(
                PRISON_FUND,
                "Fondo solidario de microcrédito – Penal de Mujeres de Trujillo",
                self.officers[PRISON_OFFICER],
            ),
            AGENCIES_FUND: self._fund(
                AGENCIES_FUND, "Microfinanzas para mujeres de La Libertad (7 agencias)", self.officers[AGENCIES_OFFICER]
            ),
        }
        self.funds = funds
        self.products = {
            PRISON_FUND: self._product(
                funds[PRISON_FUND],
                name="Crédito solidario progresivo",
                ladder=PRISON_LADDER,
                rate="12",
                max_rate="18",
                max_repayments=12,
                default_repayments=6,
                penalty="0",
                max_days_late=PRISON_MAX_DAYS_LATE,
            ),
            AGENCIES_FUND: self._product(
                funds[AGENCIES_FUND],
                name="Crédito mujer emprendedora",
                ladder=AGENCIES_LADDER,
                rate="30",
                max_rate="40",
                max_repayments=12,
                default_repayments=6,
                penalty="2",
                max_days_late=AGENCIES_MAX_DAYS_LATE,
            ),
        }
        self._capital()
        self._prison_plan(prison_site)
        if len(agencies) == len(AGENCIES):
            self._agencies_plan(agencies)
        self._write_borrowers()
        for plan in self.plans:
            self._loan_actions(plan)
        self.actions.sort(key=lambda action: action[:3])
        for _day, _order, _seq, handler, args in self.actions:
            handler(*args)
        arrears.close_of_day(DEMO_TODAY)
        self._milestones()

    # Setup

    def _prison_site(self) -> Site:
        """AMA's own point of service inside the prison: the prison itself is INPE's, and a loan's site is one of
        the fund's organization."""
        site = Site.objects.filter(organization=self.ama, name=PRISON_SITE).first()
        if site is None:
            site = Site(organization=self.ama, name=PRISON_SITE, kind=SiteKind.PRISON, district_id=PRISON_DISTRICT)
            site.full_clean()
            site.save()
        return site

    def _fund(self, slug, name, officer) -> Fund:
        data = {"organization": self.ama, "program": self.program, "slug": slug, "name": name, "currency": "PEN"}
        return services.create_fund(user=self.checker, data=data, officers=[officer])

    def _product(
        self, fund, *, name, ladder, rate, max_rate, max_repayments, default_repayments, penalty, max_days_late
    ):
        data = {
            "name": name,
            "min_amount": Decimal(ladder[0]),
            "max_amount": Decimal(ladder[-1]),
            "annual_rate": Decimal(rate),
            "max_annual_rate": Decimal(max_rate),
            "min_repayments": 1,
            "penalty_percent": Decimal(penalty),
            "penalty_grace_days": 3,
            "ladder_max_days_late": max_days_late,
        }
        return services.create_product(user=self.checker, fund=fund, data=data, steps=[str(a) for a in ladder])

    def _capital(self):
        pastoral = self.organizations.get("pastoral-trujillo")
        prison = [
            (datetime.date(2023, 4, 17), self.ama, "", "5000"),
            (datetime.date(2023, 9, 4), pastoral, "" if pastoral else "Pastoral del Arzobispado de Trujillo", "3000"),
            (datetime.date(2024, 12, 16), None, "Donaciones de personas (campaña de Navidad)", "4000"),
            (datetime.date(2025, 6, 2), self.ama, "", "6000"),
        ]
        agencies = [
            (datetime.date(2023, 12, 11), self.ama, "", "100000"),
            (datetime.date(2024, 8, 5), None, "Aporte de cooperación internacional", "50000"),
        ]
        for slug, rows in ((PRISON_FUND, prison), (AGENCIES_FUND, agencies)):
            for day, donor, donor_name, amount in rows:
                data = {"donor": donor, "donor_name": donor_name, "amount": amount, "received_on": day}
                data["reference"] = ILLUSTRATIVE
                self._at(day, 0, services.add_contribution, user=self.checker, fund=self.funds[slug], data=data)
        # Operating costs: what the prison fund's low interest is meant to cover, and the agencies' running costs.
        for month in range(42):  # June 2023 to November 2026, on the 28th
            day = _add_months(datetime.date(2023, 6, 28), month)
            if day.month % 3 == 0:
                self._expense(PRISON_FUND, day, "45", "Movilidad de las visitas al penal")
            if day.month == 12:
                self._expense(PRISON_FUND, day, "120", "Materiales del taller de gestión empresarial en el penal")
            if day >= datetime.date(2024, 1, 28):
                self._expense(AGENCIES_FUND, day, "400", "Movilidad de las asesoras y materiales de las agencias")

    def _expense(self, slug, day, amount, description):
        data = {"amount": amount, "spent_on": day, "description": description}
        self._at(day, 9, services.add_expense, user=self.checker, fund=self.funds[slug], data=data)

    def _at(self, day, order, function, **kwargs):
        self.actions.append((day, order, len(self.actions), self._call, (function, kwargs)))

    @staticmethod
    def _call(function, kwargs):
        function(**kwargs)

    # People

    def _free_dnis(self):
        """The people demo's stream of fake DNIs, past the numbers already given: never one taken twice."""
        taken = set(Participant.objects.exclude(dni_hash="").values_list("dni_hash", flat=True))
        for number in dni_numbers():
            if dni_hash(number) not in taken:
                yield number

    def _person(self, *, district, born_between, registered_on, given=None, surnames=None, highland=False):
        rng = self.rng
        for _attempt in range(200):
            first = given or rng.choice(GIVEN)
            pool = HIGHLAND_SURNAMES if highland and rng.random() < 0.6 else SURNAMES
            paternal, maternal = surnames or (rng.choice(pool), rng.choice(SURNAMES))
            key = search_key(f"{first} {paternal} {maternal}")
            if key not in self.names and paternal != maternal:
                break
        self.names.add(key)
        age = rng.randint(*born_between)
        born = registered_on - datetime.timedelta(days=round(age * 365.25) + rng.randrange(365))
        number = next(self.dnis)
        person = Participant(
            given_names=first,
            paternal_surname=paternal,
            maternal_surname=maternal,
            search_name=key,
            sex=Sex.FEMALE,
            birth_date=born,
            birth_year=born.year,
            mother_tongue="spa",
            area=Area.RURAL if highland and rng.random() < 0.5 else Area.URBAN,
            district_id=district,
            registered_by=self.ama,
            dni_hash=dni_hash(number),
            dni_last_digits=dni_last_digits(number),
            phone=f"9{rng.randrange(10, 100)} {rng.randrange(1000):03d} {rng.randrange(1000):03d}",
        )
        person.registered_on = registered_on
        return person

    def _write_borrowers(self):
        people, seen = [], set()
        for plan in self.plans:
            if id(plan.borrower) not in seen:
                seen.add(id(plan.borrower))
                people.append((plan.borrower, plan.officer))
        districts = Territory.objects.in_bulk({person.district_id for person, _officer in people})
        for person, _officer in people:
            person.district = districts[person.district_id]
            person.full_clean(exclude=["registered_by", "merged_into"], validate_unique=False)
        Participant.objects.bulk_create([person for person, _officer in people], batch_size=500)
        consents, enrollments = [], []
        for person, officer in people:
            consent = Consent(
                participant=person,
                purpose=CONSENT_PURPOSE,
                text_version="v1",
                method=ConsentMethod.SIGNED_PAPER,
                given_on=person.registered_on,
                recorded_by=self.officers[officer],
            )
            enrollment = Enrollment(
                participant=person,
                program=self.program,
                organization=self.ama,
                enrolled_on=person.registered_on,
                status=EnrollmentStatus.ACTIVE,
            )
            for row in (consent, enrollment):
                row.full_clean(exclude=["participant", "program", "organization", "recorded_by"])
            consents.append(consent)
            enrollments.append(enrollment)
        Consent.objects.bulk_create(consents, batch_size=500)
        Enrollment.objects.bulk_create(enrollments, batch_size=500)

    # The prison fund

    def _prison_plan(self, site):
        rng = self.rng
        # Rocío: one of the first, five credits each repaid on time; the fifth, of S/ 2,000, current.
        self._prison_chain(
            site,
            count=5,
            last_elapsed=8,
            gaps=(18, 14, 16, 11),
            late=set(),
            punctual=True,
            given="Rocío",
            surnames=("Bazán", "Gil"),
            uses=[PRISON_USES[0], PRISON_USES[0], PRISON_USES[2], PRISON_USES[2], PRISON_USES[2]],
        )
        # Who is late where: (woman, loan index) repaid late and so kept on her step; two women in arrears now;
        # four who no longer borrow (released, or back with their families' support).
        late_paid = {(0, 1), (3, 0), (5, 1), (8, 0), (10, 0)}
        in_arrears = {6: (1, 30), 11: (31, 60)}  # woman -> days in arrears now
        ended = {4: 5, 9: 9, 2: 3, 13: 7}  # woman -> months since her last credit was repaid
        for index, count in enumerate(PRISON_LOAN_COUNTS):
            late = {j for (woman, j) in late_paid if woman == index}
            last_elapsed = rng.randint(2, 5) if count > 1 else rng.randint(1, 5)
            self._prison_chain(
                site,
                count=count,
                last_elapsed=last_elapsed,
                gaps=tuple(rng.randint(8, 30) for _ in range(count)),
                late=late,
                arrears_days=in_arrears.get(index),
                ended_months=ended.get(index),
                uses=[rng.choice(PRISON_USES)] * count
                if rng.random() < 0.6
                else [rng.choice(PRISON_USES) for _ in range(count)],
            )

    def _prison_chain(
        self,
        site,
        *,
        count,
        last_elapsed,
        gaps,
        late,
        uses,
        arrears_days=None,
        ended_months=None,
        punctual=False,
        **name,
    ):
        """One woman's credits, planned backwards from today: the last one current (or in arrears, or repaid
        `ended_months` ago), each earlier one repaid before the next was applied for."""
        rng = self.rng
        amounts, step = [], 0
        for index in range(count):
            amounts.append(PRISON_LADDER[step])
            if index not in late:
                step = min(step + 1, len(PRISON_LADDER) - 1)
        plans: list[PlannedLoan] = []
        for index in reversed(range(count)):
            amount = Decimal(amounts[index])
            repayments = PRISON_TERMS[amounts[index]]
            plan = PlannedLoan(
                fund=PRISON_FUND,
                borrower=None,
                amount=amount,
                repayments=repayments,
                applied_on=DEMO_TODAY,
                site=site,
                officer=PRISON_OFFICER,
                use=uses[index],
                follow_ups=2 if repayments >= 8 else 1,
            )
            if index in late:
                late_number = rng.randint(2, repayments - 1)
                plan.late = {late_number: rng.randint(12, 35)}
            else:
                # On time give or take a few days, within the ladder's tolerance; "punctual": never after the due date.
                offsets = (-3, -2, -1, 0, 0, 0, 0) if punctual else (-3, -2, -1, 0, 0, 0, 0, 2)
                plan.late = {n: rng.choice(offsets) for n in range(1, repayments + 1)}
            if index == count - 1:
                if ended_months is not None:
                    disbursed = _add_months(DEMO_TODAY, -(repayments + ended_months))
                else:
                    disbursed = _add_months(DEMO_TODAY, -last_elapsed)
                disbursed -= datetime.timedelta(days=rng.randint(0, 20))
                disbursed = disbursed.replace(day=min(disbursed.day, 28))
                if arrears_days is not None:
                    plan.late = {}
                    plan.paid_until = self._paid_until(plan, disbursed, *arrears_days)
            else:
                following = plans[0]
                # Repaid before the next application: back from it by the gap and the lateness of this one.
                latest_close = following.applied_on - datetime.timedelta(days=gaps[index])
                disbursed = _add_months(latest_close, -repayments)
                extra = max(plan.late.values(), default=0)
                disbursed -= datetime.timedelta(days=max(0, extra))
            disbursed = disbursed.replace(day=min(disbursed.day, 28))
            plan.applied_on = disbursed - datetime.timedelta(days=7)
            plans.insert(0, plan)
        first_day = plans[0].applied_on - datetime.timedelta(days=rng.randint(5, 20))
        person = self._person(
            district=PRISON_DISTRICT if rng.random() < 0.2 else rng.choice(PRISON_HOMES),
            born_between=(22, 52),
            registered_on=first_day,
            **name,
        )
        for plan in plans:
            plan.borrower = person
        self.plans.extend(plans)

    @staticmethod
    def _paid_until(plan: PlannedLoan, disbursed: datetime.date, low: int, high: int) -> int:
        """How many installments are repaid so that the oldest unpaid one is between `low` and `high` days late
        today (as near as the monthly due dates allow)."""
        best, best_gap = 0, None
        for number in range(1, plan.repayments + 1):
            late = (DEMO_TODAY - _add_months(disbursed, number)).days
            if late <= 0:
                break
            gap = 0 if low <= late <= high else min(abs(late - low), abs(late - high))
            if best_gap is None or gap < best_gap:
                best, best_gap = number - 1, gap
        return best

    # The agencies

    def _agencies_plan(self, agencies):
        rng = self.rng
        # How each borrower's last loan stands today: late in every bucket, two written off, one rescheduled,
        # about a fifth with no loan now, the rest current. AGENCIES_BORROWERS alone sets the size (and load time).
        outcomes = ["late:1:30"] * 15 + ["late:31:60"] * 9 + ["late:61:90"] * 7 + ["late:91:240"] * 10
        outcomes += ["written_off"] * 2 + ["rescheduled"]
        outcomes += ["ended"] * (AGENCIES_BORROWERS * 22 // 100)
        outcomes += ["current"] * (AGENCIES_BORROWERS - len(outcomes))
        rng.shuffle(outcomes)
        names = list(AGENCIES)
        weights = (30, 14, 12, 10, 12, 11, 11)
        for outcome in outcomes:
            agency = rng.choices(names, weights=weights)[0]
            count = rng.choices((1, 2, 3), weights=(75, 20, 5))[0]
            self._agency_chain(agencies[agency], agency, outcome=outcome, count=count)

    def _agency_chain(self, site, agency, *, outcome, count):
        """One borrower's loans, planned backwards from her last one; a history that would start before the
        program's capital came in (January 2024) is shortened."""
        rng = self.rng
        use = rng.choice([u for u in AGENCY_USES if (u[0] != UseCategory.AGRICULTURE or agency in HIGHLANDS)])
        follow_ups = [1 if rng.random() < 0.2 else 0 for _ in range(count)]
        while True:
            plans = self._agency_loans(site, outcome=outcome, count=count, use=use, follow_ups=follow_ups)
            if plans[0].applied_on >= datetime.date(2024, 1, 8) or count == 1:
                break
            count -= 1
        person = self._person(
            district=rng.choice(AGENCIES[agency]),
            born_between=(20, 60),
            registered_on=plans[0].applied_on - datetime.timedelta(days=rng.randint(3, 30)),
            highland=agency in HIGHLANDS,
        )
        for plan in plans:
            plan.borrower = person
        self.plans.extend(plans)

    def _agency_loans(self, site, *, outcome, count, use, follow_ups):
        rng = self.rng
        late_loans = {index for index in range(count - 1) if rng.random() < 0.12}
        amounts, step = [], 0
        for index in range(count):
            amounts.append(AGENCIES_LADDER[step])
            if index not in late_loans:
                step = min(step + 1, len(AGENCIES_LADDER) - 1)
        plans: list[PlannedLoan] = []
        for index in reversed(range(count)):
            amount = amounts[index]
            plan = PlannedLoan(
                fund=AGENCIES_FUND,
                borrower=None,
                amount=Decimal(amount),
                repayments=AGENCIES_TERMS[amount],
                applied_on=DEMO_TODAY,
                site=site,
                officer=AGENCIES_OFFICER,
                use=use,
                follow_ups=follow_ups[index],
            )
            if index in late_loans:
                plan.late = {rng.randint(1, plan.repayments): rng.randint(20, 50)}
            elif rng.random() < 0.3:
                plan.late = {rng.randint(1, plan.repayments): rng.randint(1, 6)}
            if index == count - 1:
                disbursed = self._last_agency_loan(plan, outcome)
            else:
                latest_close = plans[0].applied_on - datetime.timedelta(days=rng.randint(5, 40))
                disbursed = _add_months(latest_close, -plan.repayments)
                disbursed -= datetime.timedelta(days=max(plan.late.values(), default=0))
            disbursed = disbursed.replace(day=min(disbursed.day, 28))
            plan.applied_on = disbursed - datetime.timedelta(days=7)
            plans.insert(0, plan)
        return plans

    def _last_agency_loan(self, plan: PlannedLoan, outcome: str) -> datetime.date:
        rng = self.rng
        n = plan.repayments
        day = datetime.timedelta(days=rng.randint(0, 27))
        if outcome == "current":
            return _add_months(DEMO_TODAY, -rng.randint(1, n - 1)) - day
        if outcome == "ended":
            return _add_months(DEMO_TODAY, -(n + rng.randint(1, 10))) - day
        if outcome.startswith("late:"):
            low, high = (int(part) for part in outcome.split(":")[1:])
            disbursed = _add_months(DEMO_TODAY, -rng.randint(low // 30 + 2, low // 30 + 4)) - day
            disbursed = disbursed.replace(day=min(disbursed.day, 28))
            plan.late = {}
            plan.paid_until = self._paid_until(plan, disbursed, low, high)
            plan.follow_ups = 1
            return disbursed
        if outcome == "written_off":
            disbursed = datetime.date(2024, 6, 10) + datetime.timedelta(days=rng.randint(0, 60))
            plan.paid_until, plan.late = 2, {}
            plan.write_off = _add_months(disbursed, 10)
            plan.follow_ups = 1
            return disbursed
        # rescheduled: four installments paid, two missed, the rest put on a new, longer schedule
        disbursed = datetime.date(2025, 9, 12)
        plan.repayments, plan.paid_until, plan.late = 10, 4, {}
        plan.reschedule = (_add_months(disbursed, 6) + datetime.timedelta(days=10), 12)
        plan.follow_ups = 1
        return disbursed

    # Playing the plan

    def _loan_actions(self, plan: PlannedLoan):
        applied = plan.applied_on
        self._at(applied, 5, self._apply, plan=plan)
        self._at(applied + datetime.timedelta(days=2), 6, self._evaluate, plan=plan)
        self._at(applied + datetime.timedelta(days=4), 7, self._approve, plan=plan)
        self._at(plan.disbursed_on, 8, self._disburse, plan=plan)
        for day, number in plan.payments():
            self._at(day, 1, self._pay, plan=plan, number=number, on_date=day)
        for visit in range(plan.follow_ups):
            day = plan.disbursed_on + datetime.timedelta(days=35 + 95 * visit)
            if day <= DEMO_TODAY:
                self._at(day, 8, self._follow_up, plan=plan, on_date=day)
        if plan.reschedule:
            on_date, repayments = plan.reschedule
            self._at(on_date, 2, self._reschedule, plan=plan)
            first = _add_months(on_date, 1)
            for index in range(repayments):
                due = _add_months(first, index)
                if due <= DEMO_TODAY:
                    self._at(due, 1, self._pay, plan=plan, number=(plan.paid_until or 0) + 1 + index, on_date=due)
        if plan.write_off:
            self._at(plan.write_off, 3, self._request_write_off, plan=plan)
            self._at(plan.write_off + datetime.timedelta(days=12), 3, self._approve_write_off, plan=plan)

    def _officer(self, plan):
        return self.officers[plan.officer]

    def _apply(self, plan):
        category, description = plan.use
        plan.loan = loans.apply_for_loan(
            user=self._officer(plan),
            product=self.products[plan.fund],
            data={
                "borrower": plan.borrower,
                "amount": plan.amount,
                "repayments": plan.repayments,
                "use_category": category,
                "use_description": description,
                "applied_on": plan.applied_on,
                "site": plan.site,
            },
        )

    def _evaluate(self, plan):
        findings = self.rng.choice(EVALUATION_FINDINGS)
        detail = PRISON_DETAIL.get(plan.borrower.given_names)
        if detail and plan.amount >= 1500:
            findings = detail
        loans.record_visit(
            user=self._officer(plan),
            loan=plan.loan,
            data={
                "visited_on": plan.applied_on + datetime.timedelta(days=2),
                "is_evaluation": True,
                "business_status": BusinessStatus.GROWING if plan.amount >= 1000 else BusinessStatus.STABLE,
                "findings": findings,
            },
        )

    def _approve(self, plan):
        loans.approve_loan(user=self.checker, loan=plan.loan, on_date=plan.applied_on + datetime.timedelta(days=4))

    def _disburse(self, plan):
        channel = DisbursementChannel.CASH
        if plan.fund == AGENCIES_FUND and self.rng.random() < 0.4:
            channel = DisbursementChannel.TRANSFER
        plan.loan = loans.disburse_loan(
            user=self._officer(plan),
            loan=plan.loan,
            on_date=plan.disbursed_on,
            channel=channel,
            receipt=f"D-{plan.loan.number[-5:]}",
        )

    def _pay(self, plan, number, on_date):
        rows = Installment.objects.filter(loan=plan.loan, superseded=False, number__lte=number)
        amount = sum((row.outstanding for row in rows), Decimal(0))
        if amount <= 0:
            return
        self.receipts += 1
        loans.record_repayment(
            user=self._officer(plan),
            loan=plan.loan,
            amount=amount,
            on_date=on_date,
            receipt=f"R-{self.receipts:06d}",
        )

    def _follow_up(self, plan, on_date):
        rng = self.rng
        behind = plan.paid_until is not None or plan.worst_days_late > PRISON_MAX_DAYS_LATE
        used = UseVerified.AS_PLANNED
        roll = rng.random()
        if roll < (0.25 if behind else 0.06):
            used = UseVerified.PARTLY
        elif roll < (0.35 if behind else 0.08):
            used = UseVerified.OTHER
        status = BusinessStatus.STRUGGLING if behind else rng.choice((BusinessStatus.GROWING, BusinessStatus.STABLE))
        findings = rng.choice(FOLLOW_UP_FINDINGS[used])
        detail = PRISON_DETAIL.get(plan.borrower.given_names)
        if detail and plan.amount >= 1500 and used == UseVerified.AS_PLANNED:
            findings, status = detail, BusinessStatus.GROWING
        loans.record_visit(
            user=self._officer(plan),
            loan=plan.loan,
            data={
                "visited_on": on_date,
                "use_verified": used,
                "verified_use_category": plan.use[0] if used != UseVerified.OTHER else UseCategory.HOUSEHOLD,
                "business_status": status,
                "findings": findings,
            },
        )

    def _reschedule(self, plan):
        on_date, repayments = plan.reschedule
        loans.reschedule_loan(
            user=self._officer(plan),
            loan=plan.loan,
            on_date=on_date,
            repayments=repayments,
            first_repayment_on=_add_months(on_date, 1),
            reason="Las lluvias dañaron su puesto del mercado; se reprograma el saldo en más cuotas.",
        )

    def _request_write_off(self, plan):
        loans.request_write_off(
            user=self._officer(plan),
            loan=plan.loan,
            on_date=plan.write_off,
            reason="Sin pagos desde hace más de 180 días; la prestataria migró y no se la ubica.",
        )

    def _approve_write_off(self, plan):
        loans.approve_write_off(user=self.checker, loan=plan.loan, on_date=plan.write_off + datetime.timedelta(days=12))

    # Milestones

    def _milestones(self):
        """The seed's six- and twelve-month milestones as targets of indicators computed from the prison's loans.

        "25 % more credits and 5 more borrowers in six months": the credits granted since the fund began (47 to
        date, so 59 in six months and 71, the results demo's twelve-month figure, in twelve) and the women with a
        current loan."""
        wanted = (
            "credit_loans_disbursed",
            "credit_active_borrowers",
            "credit_on_time_rate",
            "credit_used_as_planned",
            "credit_par30",
        )
        if any(code not in MEASURES for code in wanted):
            return
        results = {result.code: result for result in Result.objects.filter(program=self.program)}
        if "1" not in results or "1.1" not in results:
            return
        borrowers = Loan.objects.filter(fund=self.funds[PRISON_FUND]).values("borrower").distinct().count()
        granted = Loan.objects.filter(fund=self.funds[PRISON_FUND], disbursed_on__isnull=False).count()
        specs = [
            (
                results["1.1"],
                {
                    "code": "1.1e",
                    "name_es": "Créditos otorgados por el fondo en el penal",
                    "name_en": "Loans granted by the fund in the prison",
                    "measure": "credit_loans_disbursed",
                    "unit": Unit.OTHER,
                    "unit_label": "créditos",
                    "cumulative": True,
                    "definition": "Créditos desembolsados desde el inicio del fondo. Hito de la propuesta: 25 % más "
                    "créditos a seis meses.",
                },
                [
                    ("2027-05", _more(granted, "1.25"), "Hito a seis meses: 25 % más créditos (semilla 004)."),
                    ("2027-11", _more(granted, "1.5"), "Hito a doce meses (semilla 004)."),
                ],
            ),
            (
                results["1"],
                {
                    "code": "1b",
                    "name_es": "Mujeres con un crédito vigente del fondo en el penal",
                    "name_en": "Women with a current loan from the fund in the prison",
                    "measure": "credit_active_borrowers",
                    "unit": Unit.PEOPLE,
                    "definition": "Prestatarias distintas del penal de mujeres de Trujillo con un crédito desembolsado "
                    "y no cancelado ni castigado al cierre. Los hitos de la propuesta (5 y 10 beneficiarias más a "
                    "seis y doce meses) se miden aquí sobre las prestatarias activas.",
                },
                [
                    ("2027-05", borrowers + 5, "Hito a seis meses de la propuesta: 5 beneficiarias más (semilla 004)."),
                    (
                        "2027-11",
                        borrowers + 10,
                        "Hito a doce meses de la propuesta: 10 beneficiarias más (semilla 004).",
                    ),
                ],
            ),
            (
                results["1.1"],
                {
                    "code": "1.1b",
                    "name_es": "Cuotas del fondo del penal pagadas a tiempo",
                    "name_en": "Installments of the prison fund repaid on time",
                    "measure": "credit_on_time_rate",
                    "unit": Unit.PERCENT,
                    "definition": "Cuotas que vencieron en el periodo pagadas por completo a su vencimiento, sobre las "
                    "que vencieron. La propuesta promueve el pago puntual para mantener el acceso al crédito.",
                },
                [("2027-06..2027-11", 95, "Meta propia de la demostración: las fuentes no publican una.")],
            ),
            (
                results["1.1"],
                {
                    "code": "1.1c",
                    "name_es": "Créditos del penal usados según lo previsto",
                    "name_en": "Prison loans used as planned",
                    "measure": "credit_used_as_planned",
                    "unit": Unit.PERCENT,
                    "definition": "Créditos cuya última visita de seguimiento encontró el uso previsto, sobre los "
                    "visitados. Tarea de la propuesta: realizar seguimiento del destino de los créditos otorgados.",
                },
                [("2027-05", 90, "Meta propia de la demostración: las fuentes no publican una.")],
            ),
            (
                results["1.1"],
                {
                    "code": "1.1d",
                    "name_es": "Cartera en riesgo a más de 30 días del fondo del penal (PAR30)",
                    "name_en": "Portfolio at risk over 30 days of the prison fund (PAR30)",
                    "measure": "credit_par30",
                    "unit": Unit.PERCENT,
                    "direction": "descending",
                    "definition": "Todo el capital pendiente de los créditos con alguna cuota impaga más de 30 días "
                    "después de su vencimiento, sobre la cartera bruta del fondo del penal, al cierre.",
                },
                [("2027-11", 5, "Meta propia de la demostración: las fuentes no publican una.")],
            ),
        ]
        position = Indicator.objects.filter(program=self.program).count()
        for result, data, targets in specs:
            if Indicator.objects.filter(program=self.program, code=data["code"]).exists():
                continue
            data |= {"result": result, "source": Source.COMPUTED, "position": position}
            position += 1
            indicator = results_services.indicator_save(
                user=self.checker, program=self.program, data=data, m2m={"territories": [PRISON_DISTRICT]}
            )
            for period, value, note in targets:
                results_services.target_save(
                    user=self.checker, indicator=indicator, period=period, value=Decimal(value), note=note
                )


def _more(count: int, factor: str) -> Decimal:
    """A milestone as a whole number of credits, half up as the proposal rounds (47 × 1.5 = 70.5 → 71)."""
    return (count * Decimal(factor)).quantize(Decimal(1), ROUND_HALF_UP)
