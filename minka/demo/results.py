"""The demo's results frameworks: each seed program's results, indicators, targets and reported values.

Written through the results services (`result_save`, `indicator_save`, `target_save`, `report_save`,
`report_submit`, `report_approve`) by the demo's own logins, so the demo obeys the rules a user meets: only a
program's editors shape its framework, and a reported value is approved by someone other than who sent it.

Computed indicators count the records `minka.demo.people` writes, so they give the published figures: Work 4
Progress Peru's 9,245 people in phase 1 (3,685 in listening and co-creation, 5,560 in prototyping, 2,586 trained
in business skills) and its 434 enterprises; the cooperation network's 68 agents and 15 initiatives; the 400
school leaders of San Juan de Lurigancho. What records cannot count (a participatory budget approved, a
coexistence plan applied) is reported with a narrative and approved.

Targets come from the seeds where they state one (phase 2's "more than 5,500 people", AMA's twelve-month
milestones); any other target is the demo's own and its note says so. The seeds give results, not targets, for
phase 1 of Work 4 Progress and for the cooperation network, so those indicators have none: a target equal to
the result would only be the result written twice.
"""

from decimal import Decimal

from minka.accounts import access
from minka.activities.models import ActivityCategory
from minka.results import services
from minka.results.models import ResultLevel, Source, Unit

IMPACT, OUTCOME, OUTPUT = ResultLevel.IMPACT, ResultLevel.OUTCOME, ResultLevel.OUTPUT
PEOPLE_SPLITS = ["sex", "age_band", "youth", "mother_tongue", "area", "province"]
ENTERPRISE_SPLITS = ["enterprise_kind", "province", "organization"]
SAN_JUAN_DE_LURIGANCHO = "150132"

SEED_TARGET_W4P = "Meta publicada para la fase 2: «más de 5.500 personas» (semilla 001)."
DEMO_TARGET = "Meta propia de la demostración: las fuentes no publican una."


def _computed(code, name_es, name_en, measure, unit, *, definition="", phase=None, categories=(), splits=(), **more):
    return {
        "code": code,
        "name_es": name_es,
        "name_en": name_en,
        "definition": definition,
        "source": Source.COMPUTED,
        "measure": measure,
        "unit": unit,
        "phase": phase,
        "activity_categories": list(categories),
        "disaggregations": list(splits),
        **more,
    }


def _reported(code, name_es, name_en, unit, *, definition, **more):
    return {
        "code": code,
        "name_es": name_es,
        "name_en": name_en,
        "definition": definition,
        "source": Source.REPORTED,
        "measure": "",
        "unit": unit,
        **more,
    }


W4P = {
    "editor": "coordinadora",
    "results": [
        {
            "code": "1",
            "level": IMPACT,
            "statement_es": "Mujeres y jóvenes de la población indígena rural andina y amazónica de Quispicanchi y "
            "Condorcanqui tienen empleo de calidad y mejores ingresos.",
            "statement_en": "Women and young people of the Andean and Amazonian indigenous rural population of "
            "Quispicanchi and Condorcanqui have quality jobs and better incomes.",
            "indicators": [
                _computed(
                    "1a",
                    "Emprendimientos cuyo ingreso neto mensual supera su línea de base",
                    "Enterprises whose monthly net income is above their baseline",
                    "enterprises_income_up",
                    Unit.PERCENT,
                    definition="Entre los emprendimientos con al menos dos meses registrados, porcentaje cuyo último "
                    "ingreso neto mensual (ventas menos costos) supera el del primer mes registrado.",
                    splits=["enterprise_kind", "province"],
                    targets=[("", 70, DEMO_TARGET)],
                ),
                _computed(
                    "1b",
                    "Mediana del cambio de ingreso neto mensual de los emprendimientos",
                    "Median change in the enterprises' monthly net income",
                    "income_change_median",
                    Unit.SOLES,
                    definition="Mediana, entre los emprendimientos con al menos dos meses registrados, del último "
                    "ingreso neto mensual menos el del primer mes registrado, en soles.",
                    splits=["enterprise_kind", "province"],
                ),
            ],
        },
        {
            "code": "1.1",
            "level": OUTCOME,
            "parent": "1",
            "statement_es": "La población de Quispicanchi y Condorcanqui escucha, co-crea y prueba iniciativas de "
            "empleo e ingresos (fase 1).",
            "statement_en": "The population of Quispicanchi and Condorcanqui listens, co-creates and tests job and "
            "income initiatives (phase 1).",
            "indicators": [
                _computed(
                    "1.1a",
                    "Personas que participaron en la fase 1",
                    "People who took part in phase 1",
                    "people_reached",
                    Unit.PEOPLE,
                    definition="Personas distintas presentes en al menos una sesión de una actividad de los "
                    "proyectos de la fase 1.",
                    phase=1,
                    splits=PEOPLE_SPLITS,
                ),
            ],
        },
        {
            "code": "1.1.1",
            "level": OUTPUT,
            "parent": "1.1",
            "statement_es": "Procesos de escucha deliberativa y co-creación realizados con la población.",
            "statement_en": "Deliberative listening and co-creation processes held with the population.",
            "indicators": [
                _computed(
                    "1.1.1a",
                    "Personas que participaron en la escucha y la co-creación",
                    "People who took part in listening and co-creation",
                    "people_reached",
                    Unit.PEOPLE,
                    phase=1,
                    categories=[ActivityCategory.LISTENING],
                    splits=PEOPLE_SPLITS,
                ),
            ],
        },
        {
            "code": "1.1.2",
            "level": OUTPUT,
            "parent": "1.1",
            "statement_es": "Prototipos de iniciativas de empleo e ingresos creados y probados.",
            "statement_en": "Prototypes of job and income initiatives created and tested.",
            "indicators": [
                _computed(
                    "1.1.2a",
                    "Personas que crearon prototipos",
                    "People who created prototypes",
                    "people_reached",
                    Unit.PEOPLE,
                    phase=1,
                    categories=[ActivityCategory.PROTOTYPING],
                    splits=PEOPLE_SPLITS,
                ),
            ],
        },
        {
            "code": "1.1.3",
            "level": OUTPUT,
            "parent": "1.1",
            "statement_es": "Personas formadas en habilidades empresariales y emprendimientos puestos en marcha.",
            "statement_en": "People trained in business skills and enterprises started.",
            "indicators": [
                _computed(
                    "1.1.3a",
                    "Personas formadas en habilidades empresariales",
                    "People trained in business skills",
                    "people_reached",
                    Unit.PEOPLE,
                    phase=1,
                    categories=[ActivityCategory.BUSINESS_TRAINING],
                    splits=PEOPLE_SPLITS,
                ),
                _computed(
                    "1.1.3b",
                    "Emprendimientos individuales, familiares y colectivos creados",
                    "Individual, family and collective enterprises created",
                    "enterprises_created",
                    Unit.ENTERPRISES,
                    phase=1,
                    splits=ENTERPRISE_SPLITS,
                ),
            ],
        },
        {
            "code": "1.2",
            "level": OUTCOME,
            "parent": "1",
            "statement_es": "Más de 5.500 personas en situación de vulnerabilidad mejoran su acceso al empleo, la "
            "formación y los ingresos (fase 2).",
            "statement_en": "More than 5,500 people in vulnerable situations improve their access to employment, "
            "training and income (phase 2).",
            "indicators": [
                _computed(
                    "1.2a",
                    "Personas que participan en la fase 2",
                    "People taking part in phase 2",
                    "people_reached",
                    Unit.PEOPLE,
                    definition="Personas distintas presentes en al menos una sesión de una actividad de los "
                    "proyectos de la fase 2.",
                    phase=2,
                    splits=PEOPLE_SPLITS,
                    targets=[("fase-2", 5500, SEED_TARGET_W4P)],
                ),
            ],
        },
        {
            "code": "1.2.1",
            "level": OUTPUT,
            "parent": "1.2",
            "statement_es": "Jóvenes preparados para buscar empleo, con la oferta y la demanda de trabajo del "
            "territorio articuladas.",
            "statement_en": "Young people prepared to look for work, with the territory's labour supply and demand "
            "connected.",
            "indicators": [
                _computed(
                    "1.2.1a",
                    "Personas en talleres de búsqueda de empleo",
                    "People in job-search workshops",
                    "people_reached",
                    Unit.PEOPLE,
                    phase=2,
                    categories=[ActivityCategory.JOB_SEARCH],
                    splits=["sex", "youth", "province"],
                    targets=[("fase-2", 600, DEMO_TARGET)],
                ),
            ],
        },
        {
            "code": "1.2.2",
            "level": OUTPUT,
            "parent": "1.2",
            "statement_es": "Cultura emprendedora y formación técnica en los Centros de Desarrollo Empresarial y "
            "en la educación secundaria y tecnológica.",
            "statement_en": "Entrepreneurial culture and technical training at the Business Development Centres and "
            "in secondary and technical education.",
            "indicators": [
                _computed(
                    "1.2.2a",
                    "Personas formadas en cultura emprendedora o en un oficio técnico",
                    "People trained in entrepreneurial culture or a technical trade",
                    "people_reached",
                    Unit.PEOPLE,
                    phase=2,
                    categories=[ActivityCategory.BUSINESS_TRAINING, ActivityCategory.TECHNICAL_TRAINING],
                    splits=["sex", "youth", "province", "activity_category"],
                    targets=[("fase-2", 2000, DEMO_TARGET)],
                ),
            ],
        },
        {
            "code": "1.2.3",
            "level": OUTPUT,
            "parent": "1.2",
            "statement_es": "Emprendimientos acompañados que se consolidan.",
            "statement_en": "Supported enterprises that consolidate.",
            "indicators": [
                _computed(
                    "1.2.3a",
                    "Emprendimientos en marcha",
                    "Enterprises operating",
                    "enterprises_operating",
                    Unit.ENTERPRISES,
                    definition="Emprendimientos del programa cuya etapa al cierre del periodo es «en marcha».",
                    splits=ENTERPRISE_SPLITS,
                    targets=[("", 300, DEMO_TARGET)],
                ),
            ],
        },
    ],
}

FUNIBER = {
    "editor": "admin",
    "results": [
        {
            "code": "1",
            "level": IMPACT,
            "statement_es": "Los proyectos de cooperación internacional de Lima, Iquitos, Piura, Arequipa y Cusco se "
            "planifican y gestionan de forma más fiable y profesional.",
            "statement_en": "International cooperation projects in Lima, Iquitos, Piura, Arequipa and Cusco are "
            "planned and managed more reliably and professionally.",
        },
        {
            "code": "1.1",
            "level": OUTCOME,
            "parent": "1",
            "statement_es": "Los agentes formulan iniciativas de desarrollo regional con lo que aprenden y comparten "
            "en la red.",
            "statement_en": "The agents draw up regional development initiatives from what they learn and share in "
            "the network.",
            "indicators": [
                _computed(
                    "1.1a",
                    "Iniciativas de desarrollo regional formuladas",
                    "Regional development initiatives drawn up",
                    "initiatives",
                    Unit.OTHER,
                    unit_label="iniciativas",
                    definition="Iniciativas propuestas por los agentes, salvo las abandonadas.",
                    splits=["department", "province"],
                ),
            ],
        },
        {
            "code": "1.1.1",
            "level": OUTPUT,
            "parent": "1.1",
            "statement_es": "Una red de agentes de cooperación internacional —funcionarios regionales y académicos— "
            "formados a distancia en planificación y gestión de proyectos.",
            "statement_en": "A network of international cooperation agents —regional officials and academics— "
            "trained remotely in project planning and management.",
            "indicators": [
                _computed(
                    "1.1.1a",
                    "Agentes de cooperación formados",
                    "Cooperation agents trained",
                    "people_reached",
                    Unit.PEOPLE,
                    definition="Personas distintas presentes en al menos una sesión del curso de planificación y "
                    "gestión de proyectos de cooperación.",
                    categories=[ActivityCategory.TECHNICAL_TRAINING],
                    splits=["sex", "department"],
                ),
                _computed(
                    "1.1.1b",
                    "Agentes que concluyeron el curso",
                    "Agents who completed the course",
                    "people_completed",
                    Unit.PEOPLE,
                    definition="Agentes que asistieron al menos al 75 % de las sesiones del curso.",
                    categories=[ActivityCategory.TECHNICAL_TRAINING],
                    splits=["sex", "department"],
                ),
            ],
        },
    ],
}

WOMEN = {
    "editor": "admin",
    # Acción y Desarrollo's records are entered by the network administrator (see `people.RECORDERS`); its
    # program's coordinator reviews them.
    "reporter": "admin",
    "reviewer": "coordinadora-ad",
    "results": [
        {
            "code": "1",
            "level": IMPACT,
            "statement_es": "Mujeres, niñas y niños de San Juan de Lurigancho viven más libres de violencia, con "
            "políticas locales que se cumplen.",
            "statement_en": "Women, girls and boys in San Juan de Lurigancho live freer from violence, with local "
            "policies that are enforced.",
            "indicators": [
                _reported(
                    "1a",
                    "Autoridades que incluyen en su presupuesto acciones por la no violencia y la equidad de género "
                    "entre adolescentes",
                    "Authorities whose budgets include actions for non-violence and gender equity among adolescents",
                    Unit.OTHER,
                    unit_label="autoridades",
                    definition="Autoridades de San Juan de Lurigancho que, tras la intervención, consideran en su "
                    "presupuesto acciones que promueven relaciones no violentas y equitativas entre adolescentes.",
                    territories=[SAN_JUAN_DE_LURIGANCHO],
                    reports=[
                        (
                            "accion-desarrollo",
                            20,
                            "Tras la intervención, 20 autoridades de San Juan de Lurigancho consideraron en su "
                            "presupuesto acciones que promueven la no violencia y relaciones de equidad de género "
                            "entre adolescentes.",
                        )
                    ],
                ),
            ],
        },
        {
            "code": "1.1",
            "level": OUTCOME,
            "parent": "1",
            "statement_es": "Las lideresas y los líderes escolares inciden en los planes y presupuestos locales.",
            "statement_en": "School leaders influence local plans and budgets.",
            "indicators": [
                _reported(
                    "1.1a",
                    "Lideresas y líderes escolares que lograron la aprobación de dos proyectos en el presupuesto "
                    "participativo distrital",
                    "School leaders who achieved the approval of two projects in the district participatory budget",
                    Unit.PEOPLE,
                    definition="Lideresas y líderes de municipios escolares que participaron en el proceso del "
                    "presupuesto participativo distrital en el que se aprobaron dos proyectos de prevención de la "
                    "violencia.",
                    territories=[SAN_JUAN_DE_LURIGANCHO],
                    reports=[
                        (
                            "accion-desarrollo",
                            50,
                            "50 lideresas y líderes de municipios escolares lograron la aprobación de dos proyectos "
                            "de prevención de la violencia en el proceso de presupuesto participativo del distrito "
                            "de San Juan de Lurigancho.",
                        )
                    ],
                ),
                _reported(
                    "1.1b",
                    "Instituciones educativas que aplican planes de convivencia con sus municipios escolares",
                    "Educational institutions implementing coexistence plans with their student councils",
                    Unit.OTHER,
                    unit_label="instituciones educativas",
                    definition="Instituciones educativas del distrito que aplican un plan de convivencia con la "
                    "participación activa de su municipio escolar.",
                    territories=[SAN_JUAN_DE_LURIGANCHO],
                    reports=[
                        (
                            "accion-desarrollo",
                            20,
                            "En el distrito de San Juan de Lurigancho, 20 instituciones educativas aplicaron planes "
                            "de convivencia con la participación activa de sus municipios escolares.",
                        )
                    ],
                ),
            ],
        },
        {
            "code": "1.1.1",
            "level": OUTPUT,
            "parent": "1.1",
            "statement_es": "Lideresas y líderes de municipios escolares fortalecidos en su participación ciudadana "
            "en el ámbito público y político.",
            "statement_en": "School-council leaders strengthened in their citizen participation in the public and "
            "political sphere.",
            "indicators": [
                _computed(
                    "1.1.1a",
                    "Lideresas y líderes de municipios escolares formados",
                    "School-council leaders trained",
                    "people_reached",
                    Unit.PEOPLE,
                    definition="Personas distintas presentes en al menos una sesión de la escuela de líderes de "
                    "municipios escolares en San Juan de Lurigancho.",
                    categories=[ActivityCategory.LEADERSHIP],
                    splits=["sex", "age_band"],
                ),
            ],
        },
    ],
}

# The fund's loans are not in Minka yet: its indicators are reported (none is, so far) and will be computed from
# the loans once they are recorded. The baselines and targets are the seed's: 47 loans and 17 women "to date",
# and its twelve-month milestone of 50 % more loans and 10 more women.
AMA = {
    "editor": "admin-ama",
    "results": [
        {
            "code": "1",
            "level": IMPACT,
            "statement_es": "Las mujeres privadas de libertad en el penal de Trujillo generan ingresos con un "
            "trabajo productivo, sostienen a sus familias y preparan su reinserción.",
            "statement_en": "Women deprived of liberty in Trujillo's prison earn an income from productive work, "
            "support their families and prepare their return to society.",
            "indicators": [
                _reported(
                    "1a",
                    "Mujeres que manejan un negocio con crédito del fondo",
                    "Women running a business with credit from the fund",
                    Unit.PEOPLE,
                    definition="Mujeres del Establecimiento Penitenciario de Mujeres de Trujillo con un crédito del "
                    "fondo que manejan un negocio propio.",
                    baseline_value=Decimal(17),
                    targets=[("", 27, "Hito a doce meses de la propuesta: 10 beneficiarias nuevas (semilla 004).")],
                ),
            ],
        },
        {
            "code": "1.1",
            "level": OUTCOME,
            "parent": "1",
            "statement_es": "Las mujeres acceden a créditos accesibles y de bajo interés, y los pagan a tiempo.",
            "statement_en": "Women get affordable, low-interest loans and repay them on time.",
            "indicators": [
                _reported(
                    "1.1a",
                    "Créditos otorgados por el fondo",
                    "Loans granted by the fund",
                    Unit.OTHER,
                    unit_label="créditos",
                    definition="Créditos desembolsados por el fondo solidario desde su inicio.",
                    baseline_value=Decimal(47),
                    targets=[
                        ("", 71, "Hito a doce meses de la propuesta: 50 % más créditos que los 47 (semilla 004).")
                    ],
                ),
            ],
        },
    ],
}

FRAMEWORKS = {
    "w4p-peru": W4P,
    "funiber-network": FUNIBER,
    "women-participation": WOMEN,
    "ama-solidarity-fund": AMA,
}

INDICATOR_EXTRAS = ("targets", "reports", "territories")


def results_load(*, programs, organizations, users) -> None:
    """Writes the framework of each seed program that has none yet; `users` are the demo's own logins.

    A program whose editor login is missing (its username was taken by someone else) is left without one.
    """
    for slug, spec in FRAMEWORKS.items():
        program = programs.get(slug)
        editor = users.get(spec["editor"])
        if program is None or program.results.exists() or editor is None:
            continue
        if not access.program_can_edit(editor, program):
            continue
        reporting = (users.get(spec.get("reporter")), users.get(spec.get("reviewer")))
        _framework_load(program, spec["results"], editor=editor, reporting=reporting, organizations=organizations)


def _framework_load(program, results, *, editor, reporting, organizations):
    saved = {}
    phases = {phase.number: phase for phase in program.phases.all()}
    for spec in results:
        data = {key: spec[key] for key in ("code", "level", "statement_es", "statement_en")}
        data["parent"] = saved.get(spec.get("parent"))
        result = services.result_save(user=editor, program=program, data=data)
        saved[spec["code"]] = result
        for number, indicator_spec in enumerate(spec.get("indicators", ())):
            data = {key: value for key, value in indicator_spec.items() if key not in INDICATOR_EXTRAS}
            data.update(result=result, phase=phases.get(data.get("phase")), position=number)
            indicator = services.indicator_save(
                user=editor,
                program=program,
                data=data,
                m2m={"territories": indicator_spec.get("territories", [])},
            )
            for period, value, note in indicator_spec.get("targets", ()):
                services.target_save(user=editor, indicator=indicator, period=period, value=Decimal(value), note=note)
            for organization, value, narrative in indicator_spec.get("reports", ()):
                _report(indicator, organizations[organization], Decimal(value), narrative, *reporting)


def _report(indicator, organization, value, narrative, reporter, reviewer):
    """A value reported for the program's whole life (the seeds give no dates), sent, and approved by another.
    Without two distinct logins it goes no further than the reporter can take it."""
    if reporter is None:
        return
    data = {"organization": organization, "value": value, "narrative": narrative}
    report = services.report_save(user=reporter, indicator=indicator, period="", data=data)
    report = services.report_submit(user=reporter, report=report)
    if reviewer is not None and reviewer != reporter:
        services.report_approve(user=reviewer, report=report, note="Conforme con el informe final del proyecto.")
