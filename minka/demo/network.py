"""The demo network: the four seed programs as plain data, loaded by `minka.demo.loader`.

Names, places, partners and roles come from the seed documents (`seeds/000`–`004`). Where the seeds
are silent the data says so in a comment: dates are left blank, RUC numbers and IATI identifiers are
never invented, and every amount of money is illustrative and labelled so in the record itself.

Territory codes are INEI ubigeo codes (districts 6 digits, provinces 4, departments 2).
"""

import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

# The demo is present when this program exists; `demo_load()` then changes nothing.
MARKER_PROGRAM = "w4p-peru"

ILLUSTRATIVE_COMMITMENT = "Monto y fecha ilustrativos (demo): las fuentes no publican el monto"
ILLUSTRATIVE_DISBURSEMENT = "Desembolso ilustrativo (demo)"

# Every territory the demo names, with its province and department, as INEI spells them (2025 directory).
TERRITORIES = {
    # Amazonas
    "01": "Amazonas",
    "0104": "Condorcanqui",
    "010401": "Nieva",
    # Arequipa
    "04": "Arequipa",
    "0401": "Arequipa",
    "0405": "Caylloma",
    # Callao
    "07": "Callao",
    "0701": "Callao",
    "070101": "Callao",
    "070102": "Bellavista",
    # Cusco
    "08": "Cusco",
    "0801": "Cusco",
    "0806": "Canchis",
    "0812": "Quispicanchi",
    "081201": "Urcos",
    "081202": "Andahuaylillas",
    "0813": "Urubamba",
    # Huancavelica
    "09": "Huancavelica",
    "0907": "Tayacaja",
    # Junín
    "12": "Junín",
    "1204": "Jauja",
    # La Libertad
    "13": "La Libertad",
    "1301": "Trujillo",
    "130101": "Trujillo",
    "130104": "Huanchaco",
    "1302": "Ascope",
    "130205": "Paiján",
    "1306": "Otuzco",
    "130601": "Otuzco",
    "1307": "Pacasmayo",
    "130704": "Pacasmayo",
    "1309": "Sánchez Carrión",
    "130901": "Huamachuco",
    "1310": "Santiago de Chuco",
    "131001": "Santiago de Chuco",
    "1312": "Virú",
    "131201": "Virú",
    # Lima
    "15": "Lima",
    "1501": "Lima",
    "150121": "Pueblo Libre",
    "150132": "San Juan de Lurigancho",
    "1502": "Barranca",
    # Loreto
    "16": "Loreto",
    "1601": "Maynas",
    "1602": "Alto Amazonas",
    # Piura
    "20": "Piura",
    "2001": "Piura",
    "2002": "Ayabaca",
    "200206": "Pacaipampa",
    "2006": "Sullana",
}

# Websites only where certain; RUC and IATI identifiers are left blank on purpose (see module docstring).
ORGANIZATIONS = [
    # Work 4 Progress Peru (seeds 000, 001)
    {
        "slug": "la-caixa",
        "name": "Fundación «la Caixa»",
        "short_name": "la Caixa",
        "kind": "foundation",
        "country": "ES",
        "website": "https://fundacionlacaixa.org",
        "description": "Promueve y financia Work 4 Progress (Perú, India y Mozambique) y aporta su metodología.",
    },
    {
        "slug": "entreculturas",
        "name": "Entreculturas – Fe y Alegría",
        "short_name": "Entreculturas",
        "kind": "ngo",
        "country": "ES",
        "website": "https://www.entreculturas.org",
        "description": "Catalizadora de Work 4 Progress Perú junto con Fe y Alegría Perú.",
    },
    {
        "slug": "fya-peru",
        "name": "Fe y Alegría del Perú",
        "short_name": "Fe y Alegría Perú",
        "kind": "ngo",
        "website": "https://www.feyalegria.org.pe",
        "description": "Catalizadora de Work 4 Progress Perú; aporta su experiencia en educación técnica para la "
        "empleabilidad.",
    },
    {
        "slug": "ccaijo",
        "name": "Asociación Jesús Obrero – CCAIJO",
        "short_name": "CCAIJO",
        "kind": "ngo",
        "district": "081202",  # Andahuaylillas, Quispicanchi: its main office
        "description": "Centro social jesuita con experiencia en emprendimientos rurales en la región andina "
        "(Quispicanchi, Cusco).",
    },
    {
        "slug": "avsi-peru",
        "name": "Fundación AVSI Perú",
        "short_name": "AVSI Perú",
        "kind": "ngo",
        "description": "Especializada en empleabilidad juvenil y cadenas productivas.",
    },
    {
        "slug": "saipe",
        "name": "Servicio Agropecuario para la Investigación y Promoción Económica",
        "short_name": "SAIPE",
        "kind": "ngo",
        "description": "Experiencia en emprendimientos rurales con población amazónica (Condorcanqui, Amazonas).",
    },
    {
        "slug": "uarm",
        "name": "Universidad Antonio Ruiz de Montoya",
        "short_name": "UARM",
        "kind": "university",
        "website": "https://www.uarm.edu.pe",
        "district": "150121",  # Pueblo Libre, Lima
        "description": "Especialista en innovación y emprendimiento.",
    },
    # The cooperation-agents network (seed 002)
    {
        "slug": "funiber",
        "name": "Fundación Universitaria Iberoamericana",
        "short_name": "FUNIBER",
        "kind": "foundation",
        "country": "ES",
        "website": "https://www.funiber.org",
        "description": "Coordinó integralmente la ejecución local del proyecto en cinco ciudades del Perú y la "
        "formación a distancia de los agentes.",
    },
    {
        "slug": "accd",
        "name": "Agència Catalana de Cooperació al Desenvolupament",
        "short_name": "ACCD",
        "kind": "public_agency",
        "country": "ES",
        "description": "Agencia de cooperación de la Generalitat de Catalunya; subvencionó el proyecto.",
    },
    {
        # The seed names FONCHIP and CAPRODES only by their acronyms, "(AECID-Peru)"; their full names and
        # legal form are not confirmed, hence kind "other".
        "slug": "fonchip",
        "name": "FONCHIP",
        "short_name": "FONCHIP",
        "kind": "other",
        "description": "Entidad asociada al proyecto, en el marco de la cooperación española en el Perú (AECID).",
    },
    {
        "slug": "caprodes",
        "name": "CAPRODES",
        "short_name": "CAPRODES",
        "kind": "other",
        "description": "Entidad asociada al proyecto, en el marco de la cooperación española en el Perú (AECID).",
    },
    # Women's political participation (seed 003)
    {
        "slug": "accion-desarrollo",
        "name": "Acción y Desarrollo",
        "short_name": "Acción y Desarrollo",
        "kind": "ngo",
        "description": "Promueve la participación política de mujeres lideresas y grupos excluidos, con enfoque "
        "de género, y una vida libre de violencia.",
    },
    {
        "slug": "iaf",
        "name": "Inter-American Foundation",
        "short_name": "IAF",
        "kind": "public_agency",  # an independent agency of the United States government
        "country": "US",
        "website": "https://www.iaf.gov",
        "description": "Entidad cooperante del proyecto de réplica de las Escuelas Emprendedoras.",
    },
    {
        "slug": "bernard-van-leer",
        "name": "Bernard van Leer Foundation",
        "short_name": "Bernard van Leer",
        "kind": "foundation",
        "country": "NL",
        "description": "Entidad cooperante del proyecto de prevención de la violencia de género en Tayacaja y Jauja.",
    },
    {
        "slug": "acsur-las-segovias",
        "name": "ACSUR-Las Segovias",
        "short_name": "ACSUR-Las Segovias",
        "kind": "ngo",
        "country": "ES",
        "description": "Entidad cooperante del proyecto MUJERES EN ACCIÓN en San Juan de Lurigancho.",
    },
    {
        "slug": "fondo-italo-peruano",
        "name": "Fondo Ítalo Peruano",
        "short_name": "FIP",
        # Created by the Peru–Italy debt-for-development swap agreements: official cooperation, not a multilateral.
        "kind": "public_agency",
        "website": "http://www.fondoitaloperuano.org",
        "description": "Fondo de la cooperación italiana en el Perú (canje de deuda por desarrollo); entidad "
        "cooperante de dos proyectos, en Jauja y San Juan de Lurigancho.",
    },
    # The solidarity fund (seed 004)
    {
        "slug": "ama",
        "name": "Asociación Mujeres en Acción",
        "short_name": "AMA",
        "kind": "ngo",
        "district": "130101",  # Trujillo; the seed gives the city, not the district
        "description": "Microfinanzas para mujeres microempresarias de La Libertad y fondo solidario para "
        "mujeres privadas de libertad en Trujillo.",
    },
    {
        "slug": "inpe",
        "name": "Instituto Nacional Penitenciario",
        "short_name": "INPE",
        "kind": "public_agency",
        "website": "https://www.gob.pe/inpe",
        "description": "Entidad del Ministerio de Justicia a cargo de los establecimientos penitenciarios.",
    },
    {
        "slug": "ep-mujeres-trujillo",
        "name": "Establecimiento Penitenciario de Mujeres de Trujillo",
        "short_name": "EP Mujeres Trujillo",
        "kind": "penitentiary",
        # Both Trujillo prisons stand in the El Milagro settlement of Huanchaco district (Diario Correo, 2025).
        "district": "130104",
        "description": "Penal de mujeres bajo la autoridad del INPE; su dirección y su área de trabajo son "
        "aliadas del fondo solidario.",
    },
    {
        "slug": "pastoral-trujillo",
        "name": "Pastoral del Arzobispado de Trujillo",
        "short_name": "Pastoral Trujillo",
        "kind": "religious",
        "district": "130101",
        "description": "Promueve la solidaridad con las personas privadas de libertad, el trabajo productivo y el "
        "fortalecimiento espiritual.",
    },
]

PROGRAMS = [
    {
        "slug": "w4p-peru",
        "name_es": "Work 4 Progress Perú",
        "name_en": "Work 4 Progress Peru",
        "currency": "EUR",
        "catalysts": ["entreculturas", "fya-peru"],
        "description_es": (
            "Programa de la Fundación «la Caixa» para generar empleo de calidad y mejores ingresos de mujeres y "
            "jóvenes de la población indígena rural andina y amazónica, en las provincias de Quispicanchi (Cusco) "
            "y Condorcanqui (Amazonas). Una red de organizaciones socias escucha a la población, co-crea y prueba "
            "prototipos, innova en productos, servicios y procesos, forma en habilidades empresariales y acompaña "
            "emprendimientos individuales, familiares y colectivos, con un seguimiento continuo que adapta el "
            "programa a cada territorio. Entreculturas y Fe y Alegría Perú son los catalizadores: conectan socios "
            "y territorios y conducen la evaluación. En la primera fase participaron 9.245 personas; la segunda "
            "busca mejorar el acceso al empleo, la formación y los ingresos de más de 5.500 personas. Work 4 "
            "Progress también se desarrolla en India y Mozambique."
        ),
        "description_en": (
            'A "la Caixa" Foundation program creating quality jobs and better incomes for women and young people '
            "of the Andean and Amazonian indigenous rural population, in the provinces of Quispicanchi (Cusco) and "
            "Condorcanqui (Amazonas). A network of partners listens to the population, co-creates and tests "
            "prototypes, innovates in products, services and processes, trains in business skills and supports "
            "individual, family and collective enterprises, with continuous monitoring that adapts the program to "
            "each territory. Entreculturas and Fe y Alegría Peru are the catalysts: they connect partners and "
            "territories and lead the evaluation. 9,245 people took part in the first phase; the second aims to "
            "improve access to employment, training and income for more than 5,500 people. Work 4 Progress also "
            "runs in India and Mozambique."
        ),
        # The seeds give no dates. Phase 2 "ha arrancado en enero" in an article written during the pandemic,
        # which fits January 2021 but also January 2020 or 2022: the year is not in the text, so dates stay blank.
        "phases": [
            {
                "number": 1,
                "name_es": "Fase 1: escucha, co-creación y prototipado",
                "name_en": "Phase 1: listening, co-creation and prototyping",
            },
            {
                "number": 2,
                "name_es": "Fase 2: formación, acompañamiento y empleo",
                "name_en": "Phase 2: training, mentoring and employment",
            },
        ],
    },
    {
        "slug": "funiber-network",
        "name_es": "Red de agentes de cooperación internacional",
        "name_en": "Network of international cooperation agents",
        "currency": "EUR",
        "catalysts": ["funiber"],
        "description_es": (
            "Red de más de 68 agentes de cooperación internacional —funcionarios de gobiernos regionales y "
            "académicos de universidades— de Lima, Iquitos, Piura, Arequipa y Cusco, formados a distancia para "
            "planificar y gestionar proyectos de cooperación y compartir en red lo que aprenden de su propia "
            "realidad. Los participantes formularon 15 iniciativas de desarrollo regional, tres por ciudad. "
            "FUNIBER coordinó la ejecución, con una subvención de la Agència Catalana de Cooperació al "
            "Desenvolupament (ACCD) y junto con FONCHIP y CAPRODES (AECID-Perú)."
        ),
        "description_en": (
            "A network of more than 68 international cooperation agents —officials of regional governments and "
            "university academics— in Lima, Iquitos, Piura, Arequipa and Cusco, trained remotely to plan and manage "
            "cooperation projects and to share in the network what they learn from their own reality. The "
            "participants drew up 15 regional development initiatives, three per city. FUNIBER coordinated the "
            "implementation, with a grant from the Catalan Agency for Development Cooperation (ACCD) and together "
            "with FONCHIP and CAPRODES (AECID-Peru)."
        ),
        "phases": [],
    },
    {
        "slug": "women-participation",
        "name_es": "Participación política de las mujeres",
        "name_en": "Women's political participation",
        "currency": "PEN",
        "catalysts": ["accion-desarrollo"],
        "description_es": (
            "Fortalece la participación política efectiva de mujeres lideresas y de grupos socialmente excluidos, "
            "con enfoque de género, e involucra a instituciones públicas y organizaciones sociales para que las "
            "mujeres propongan, concreten y vigilen con sus autoridades acciones por la igualdad y una vida libre "
            "de violencia. Proyectos en San Juan de Lurigancho (Lima), Jauja (Junín) y Tayacaja (Huancavelica), "
            "cada uno con su entidad cooperante."
        ),
        "description_en": (
            "Strengthens the effective political participation of women leaders and socially excluded groups, from "
            "a gender perspective, and brings in public institutions and social organizations so that women can "
            "propose, agree and monitor with their authorities actions for equality and a life free of violence. "
            "Projects in San Juan de Lurigancho (Lima), Jauja (Junín) and Tayacaja (Huancavelica), each with its "
            "cooperating entity."
        ),
        "phases": [],
    },
    {
        "slug": "ama-solidarity-fund",
        "name_es": "Fondo solidario de microfinanzas para mujeres privadas de libertad",
        "name_en": "Solidarity micro-finance fund for women deprived of liberty",
        "currency": "PEN",
        "catalysts": ["ama"],
        "description_es": (
            "La Asociación Mujeres en Acción (AMA) da créditos accesibles y de bajo interés a mujeres privadas de "
            "libertad en el Establecimiento Penitenciario de Mujeres de Trujillo, para que trabajen en actividades "
            "productivas, cubran sus necesidades y apoyen a sus familias. Cada crédito pagado puntualmente abre el "
            "siguiente, más alto (S/ 300, 500, 1.000, 1.500 y 2.000), con visitas de seguimiento del uso del "
            "crédito. Aliados: la dirección y el área de trabajo del penal (INPE) y la Pastoral del Arzobispado de "
            "Trujillo. AMA desarrolla además un programa de microfinanzas para mujeres microempresarias con siete "
            "agencias en La Libertad."
        ),
        "description_en": (
            "Asociación Mujeres en Acción (AMA) gives affordable, low-interest credit to women deprived of liberty in "
            "Trujillo's women's prison, so that they can work in productive activities, meet their needs and support "
            "their families. Each loan repaid on time opens the next, larger one (S/ 300, 500, 1,000, 1,500 and "
            "2,000), with follow-up visits on how the credit is used. Allies: the prison's direction and work area "
            "(INPE) and the Pastoral of the Archdiocese of Trujillo. AMA also runs a micro-finance program for women "
            "micro-entrepreneurs with seven agencies in La Libertad."
        ),
        "phases": [],
    },
]

# Statuses are IATI ActivityStatus codes: "2" in implementation, "4" closed.
W4P_FUNDING = [("la-caixa", "funder"), ("entreculturas", "catalyst"), ("fya-peru", "catalyst")]

# The seeds name the partners and what each brings, not the contracts between them: the split into projects
# (one per territory and phase for the territorial partners, one per specialty for the others) is the demo's.
PROJECTS = [
    # Work 4 Progress Peru, phase 1
    {
        "program": "w4p-peru",
        "phase": 1,
        "code": "f1-quispicanchi",
        "lead": "ccaijo",
        "territories": ["0812"],
        "status": "4",
        "title_es": "Escucha, co-creación y prototipos en Quispicanchi",
        "title_en": "Listening, co-creation and prototypes in Quispicanchi",
        "description_es": "Procesos de escucha deliberativa con las comunidades andinas de Quispicanchi, co-creación "
        "y prototipado de iniciativas de empleo e ingresos, formación en habilidades empresariales y apoyo a "
        "emprendimientos rurales.",
        "description_en": "Deliberative listening with the Andean communities of Quispicanchi, co-creation and "
        "prototyping of job and income initiatives, business-skills training and support for rural enterprises.",
        "partners": [*W4P_FUNDING, ("ccaijo", "implementer")],
    },
    {
        "program": "w4p-peru",
        "phase": 1,
        "code": "f1-condorcanqui",
        "lead": "saipe",
        "territories": ["0104"],
        "status": "4",
        "title_es": "Escucha, co-creación y prototipos en Condorcanqui",
        "title_en": "Listening, co-creation and prototypes in Condorcanqui",
        "description_es": "Procesos de escucha deliberativa con la población amazónica de Condorcanqui, co-creación "
        "y prototipado de iniciativas de empleo e ingresos, formación en habilidades empresariales y apoyo a "
        "emprendimientos rurales.",
        "description_en": "Deliberative listening with the Amazonian population of Condorcanqui, co-creation and "
        "prototyping of job and income initiatives, business-skills training and support for rural enterprises.",
        "partners": [*W4P_FUNDING, ("saipe", "implementer")],
    },
    {
        "program": "w4p-peru",
        "phase": 1,
        "code": "f1-educacion-tecnica",
        "lead": "fya-peru",
        "territories": ["0812", "0104"],
        "status": "4",
        "title_es": "Educación técnica para la empleabilidad",
        "title_en": "Technical education for employability",
        "description_es": "La experiencia de Fe y Alegría Perú en educación técnica, al servicio de la empleabilidad "
        "de jóvenes y mujeres en ambos territorios.",
        "description_en": "Fe y Alegría Peru's experience in technical education, put to work for the employability "
        "of young people and women in both territories.",
        "partners": [*W4P_FUNDING, ("fya-peru", "implementer")],
    },
    {
        "program": "w4p-peru",
        "phase": 1,
        "code": "f1-empleabilidad-juvenil",
        "lead": "avsi-peru",
        "territories": ["0812", "0104"],
        "status": "4",
        "title_es": "Empleabilidad juvenil y cadenas productivas",
        "title_en": "Youth employability and productive chains",
        "description_es": "Empleabilidad de los jóvenes y articulación de sus emprendimientos a cadenas productivas.",
        "description_en": "Employability of young people and linking their enterprises to productive chains.",
        "partners": [*W4P_FUNDING, ("avsi-peru", "implementer")],
    },
    {
        "program": "w4p-peru",
        "phase": 1,
        "code": "f1-innovacion",
        "lead": "uarm",
        "territories": ["0812", "0104"],
        "status": "4",
        "title_es": "Innovación y emprendimiento",
        "title_en": "Innovation and entrepreneurship",
        "description_es": "Acompañamiento metodológico en innovación social y emprendimiento para los prototipos de "
        "ambos territorios.",
        "description_en": "Methodological support in social innovation and entrepreneurship for the prototypes of "
        "both territories.",
        "partners": [*W4P_FUNDING, ("uarm", "implementer")],
    },
    # Work 4 Progress Peru, phase 2
    {
        "program": "w4p-peru",
        "phase": 2,
        "code": "f2-quispicanchi",
        "lead": "ccaijo",
        "territories": ["0812"],
        "status": "2",
        "title_es": "Formación y acompañamiento a emprendedores en Quispicanchi",
        "title_en": "Training and mentoring entrepreneurs in Quispicanchi",
        "description_es": "Formación, asesoría, asistencia y acompañamiento a las personas emprendedoras desde el "
        "Centro de Desarrollo Empresarial, para que los actores empresariales del territorio se comprometan con "
        "sus iniciativas; ampliación del servicio de formación e inserción laboral para jóvenes.",
        "description_en": "Training, advice, assistance and mentoring for entrepreneurs from the Business "
        "Development Centre, so that the territory's business actors commit to their initiatives; expansion of "
        "the training and job-placement service for young people.",
        "partners": [*W4P_FUNDING, ("ccaijo", "implementer")],
    },
    {
        "program": "w4p-peru",
        "phase": 2,
        "code": "f2-condorcanqui",
        "lead": "saipe",
        "territories": ["0104"],
        "status": "2",
        "title_es": "Formación y acompañamiento a emprendedores en Condorcanqui",
        "title_en": "Training and mentoring entrepreneurs in Condorcanqui",
        "description_es": "Formación, asesoría, asistencia y acompañamiento a las personas emprendedoras desde el "
        "Centro de Desarrollo Empresarial, para que los actores empresariales del territorio se comprometan con "
        "sus iniciativas.",
        "description_en": "Training, advice, assistance and mentoring for entrepreneurs from the Business "
        "Development Centre, so that the territory's business actors commit to their initiatives.",
        "partners": [*W4P_FUNDING, ("saipe", "implementer")],
    },
    {
        "program": "w4p-peru",
        "phase": 2,
        "code": "f2-busqueda-empleo",
        "lead": "avsi-peru",
        "territories": ["0812", "0104"],
        "status": "2",
        "title_es": "Servicio de búsqueda de empleo para jóvenes",
        "title_en": "Job-search service for young people",
        "description_es": "Aprendizaje y competencias para la búsqueda de empleo, articulando la oferta de trabajo de "
        "los jóvenes con la demanda de los empleadores locales.",
        "description_en": "Job-search learning and skills, matching young people's supply of work with the demand "
        "of local employers.",
        "partners": [*W4P_FUNDING, ("avsi-peru", "implementer")],
    },
    {
        "program": "w4p-peru",
        "phase": 2,
        "code": "f2-cultura-emprendedora",
        "lead": "fya-peru",
        "territories": ["0812", "0104"],
        "status": "2",
        "title_es": "Cultura emprendedora en la educación secundaria y superior tecnológica",
        "title_en": "Entrepreneurial culture in secondary and technological higher education",
        "description_es": "Promoción de una cultura de emprendimiento en instituciones de educación secundaria y de "
        "educación superior tecnológica de ambos territorios.",
        "description_en": "Promoting an entrepreneurial culture in secondary schools and technological higher "
        "education institutions of both territories.",
        "partners": [*W4P_FUNDING, ("fya-peru", "implementer")],
    },
    # The cooperation-agents network. Its scope is the regions of the five cities, plus Callao, where two of the
    # Lima group's initiatives are.
    {
        "program": "funiber-network",
        "code": "fortalecimiento-capacidades",
        "lead": "funiber",
        "territories": ["15", "07", "16", "20", "04", "08"],
        "status": "4",
        "title_es": "Fortalecimiento de capacidades en cooperación internacional",
        "title_en": "Strengthening of capacities in international cooperation",
        "description_es": "Formación a distancia de agentes de cooperación internacional en Lima, Iquitos, Piura, "
        "Arequipa y Cusco, y acompañamiento de las iniciativas de desarrollo que formularon.",
        "description_en": "Remote training of international cooperation agents in Lima, Iquitos, Piura, Arequipa and "
        "Cusco, and support for the development initiatives they drew up.",
        "partners": [("accd", "funder"), ("funiber", "implementer"), ("fonchip", "ally"), ("caprodes", "ally")],
    },
    # Women's political participation: the five projects of seed 003, each with its scope and cooperating entity.
    {
        "program": "women-participation",
        "code": "escuelas-emprendedoras",
        "lead": "accion-desarrollo",
        "territories": ["150132", "1204"],
        "status": "4",
        "title_es": "Réplica del modelo de Escuelas Emprendedoras",
        "title_en": "Replicating the Entrepreneurial Schools model",
        "description_es": "Incidencia ante el sector educativo, local y nacional, para replicar el modelo de Escuelas "
        "Emprendedoras validado en colegios de San Juan de Lurigancho, en concertación con las instituciones "
        "educativas y la UGEL; validación de guías, manuales y módulos, y adaptación del modelo al medio rural "
        "andino de Jauja.",
        "description_en": "Advocacy with the education sector, locally and nationally, to replicate the "
        "Entrepreneurial Schools model validated in schools of San Juan de Lurigancho, together with the schools "
        "and the UGEL; validation of guides, manuals and modules, and adaptation of the model to rural Andean "
        "Jauja.",
        "partners": [("iaf", "funder"), ("accion-desarrollo", "implementer")],
    },
    {
        "program": "women-participation",
        "code": "prevencion-violencia-tayacaja-jauja",
        "lead": "accion-desarrollo",
        "territories": ["0907", "1204"],
        "status": "4",
        "title_es": "Prevención de la violencia de género con participación de los hombres en Tayacaja y Jauja",
        "title_en": "Preventing gender violence with men's participation in Tayacaja and Jauja",
        "description_es": "Sinergia entre autoridades y líderes provinciales para prevenir la violencia de género, "
        "redes de hombres comprometidos contra ella, planes provinciales de prevención concertados y formación de "
        "servidores públicos para atender los casos.",
        "description_en": "Synergy between provincial authorities and leaders to prevent gender violence, networks "
        "of men committed against it, coordinated provincial prevention plans and training of civil servants to "
        "handle cases.",
        "partners": [("bernard-van-leer", "funder"), ("accion-desarrollo", "implementer")],
    },
    {
        "program": "women-participation",
        "code": "mujeres-en-accion-sjl",
        "lead": "accion-desarrollo",
        "territories": ["150132"],
        "status": "4",
        "title_es": "MUJERES EN ACCIÓN, por el cumplimiento de políticas que favorecen una vida libre de violencia "
        "para mujeres, niñas y niños en San Juan de Lurigancho, Lima, Perú",
        "title_en": "WOMEN IN ACTION, for the compliance of policies that support a violence-free life for women, "
        "girls and children in San Juan de Lurigancho, Lima, Peru",
        "description_es": "Mujeres lideresas de la comunidad, formadas y movilizadas, inciden ante autoridades y "
        "funcionarios para que se cumplan las políticas nacionales y locales de prevención y atención de la "
        "violencia.",
        "description_en": "Trained and mobilized community women leaders influence authorities and officials so that "
        "national and local policies on preventing and addressing violence are applied.",
        "partners": [("acsur-las-segovias", "funder"), ("accion-desarrollo", "implementer")],
    },
    {
        "program": "women-participation",
        "code": "participacion-politica-jauja",
        "lead": "accion-desarrollo",
        "territories": ["1204"],
        "status": "4",
        "title_es": "Participación y representación política con agenda de género en Jauja",
        "title_en": "Political participation and representation with a gender agenda in Jauja",
        "description_es": "Mujeres y hombres de zonas rurales y periurbanas de Jauja ejercen su derecho a la "
        "participación y representación política desde una agenda de género; espacios de concertación local y "
        "liderazgo masculino por la igualdad.",
        "description_en": "Women and men of rural and peri-urban Jauja exercise their right to political "
        "participation and representation based on a gender agenda; local consultation spaces and male "
        "leadership for equality.",
        "partners": [("fondo-italo-peruano", "funder"), ("accion-desarrollo", "implementer")],
    },
    {
        "program": "women-participation",
        "code": "adolescentes-sjl",
        "lead": "accion-desarrollo",
        "territories": ["150132"],
        "status": "4",
        "title_es": "Adolescentes en la planificación concertada contra la desigualdad y la violencia de género",
        "title_en": "Adolescents in participatory planning against gender inequality and violence",
        "description_es": "Liderazgo adolescente en San Juan de Lurigancho: municipios escolares fortalecidos, redes "
        "juveniles e incidencia en los planes locales y en la asignación de recursos.",
        "description_en": "Adolescent leadership in San Juan de Lurigancho: stronger student councils, youth "
        "networks and influence on local plans and the allocation of resources.",
        "partners": [("fondo-italo-peruano", "funder"), ("accion-desarrollo", "implementer")],
    },
    # The solidarity fund and AMA's wider micro-finance program.
    {
        "program": "ama-solidarity-fund",
        "code": "fondo-solidario-ep-trujillo",
        "lead": "ama",
        "territories": ["1301"],
        "status": "2",
        "title_es": "Fondo solidario para mujeres privadas de libertad en Trujillo",
        "title_en": "Solidarity fund for women deprived of liberty in Trujillo",
        "description_es": "Créditos progresivos de bajo interés, con capacitación en desarrollo personal y gestión "
        "empresarial, para mujeres del Establecimiento Penitenciario de Mujeres de Trujillo.",
        "description_en": "Progressive low-interest loans, with training in personal development and business "
        "management, for women in Trujillo's women's prison.",
        "partners": [
            ("ama", "implementer"),
            ("ep-mujeres-trujillo", "ally"),
            ("inpe", "ally"),
            ("pastoral-trujillo", "ally"),
        ],
    },
    {
        "program": "ama-solidarity-fund",
        "code": "microfinanzas-la-libertad",
        "lead": "ama",
        # The provinces of AMA's seven agencies.
        "territories": ["1301", "1309", "1306", "1310", "1312", "1302", "1307"],
        "status": "2",
        "title_es": "Microfinanzas para mujeres microempresarias de La Libertad",
        "title_en": "Micro-finance for women micro-entrepreneurs in La Libertad",
        "description_es": "Acceso al crédito formal para mujeres excluidas, con actividades de comercio y servicios "
        "en zonas rurales y periurbanas, a través de siete agencias.",
        "description_en": "Access to formal credit for excluded women with trade and service activities in rural and "
        "peri-urban areas, through seven agencies.",
        "partners": [("ama", "implementer")],
    },
]

# The 15 initiatives of seed 002, three per city. Where the seed names a place wider than a district (a road,
# a river valley, a basin, a region) the territory is the smallest unit that holds it.
FUNIBER_PROJECT = "fortalecimiento-capacidades"
INITIATIVES = [
    # Lima group (Lima and Callao)
    ("Recuperación del centro histórico del Callao", "Recovery of the historical center of Callao", "070101", "Lima"),
    (
        "Sistema piloto de educación vial para niños en el Colegio Nacional General Prado del Callao",
        "Pilot system of road safety education for children in the Colegio Nacional General Prado of Callao",
        "070102",  # the school stands in Bellavista district, Callao (Minedu's Escuelas Bicentenario, 2025)
        "Lima",
    ),
    (
        "Formación de guías de turismo para el desarrollo de la provincia de Barranca",
        "Training of tour guides for the development of the province of Barranca",
        "1502",
        "Lima",
    ),
    # Iquitos group
    (
        # The seed does not say where on the river; the Shanusi valley lies near Yurimaguas, in Loreto's Alto
        # Amazonas province, which is as precise as the seed allows.
        "Aprovechamiento del recurso hídrico del río Shanusi para la producción agrícola",
        "Use of the Shanusi river water resource for agricultural production",
        "1602",
        "Iquitos",
    ),
    (
        # The Iquitos–Nauta road crosses two provinces (Maynas and Loreto): the department holds it.
        "Aprovechamiento de las áreas deforestadas de la carretera Iquitos–Nauta",
        "Use of deforested areas along the road from Iquitos to Nauta",
        "16",
        "Iquitos",
    ),
    (
        # The city of Iquitos spans four districts of Maynas province.
        "Disminución de la delincuencia infantil en la ciudad de Iquitos",
        "Decrease of child delinquency in the city of Iquitos",
        "1601",
        "Iquitos",
    ),
    # Piura group
    (
        "Mejora del sistema de residuos sólidos de la ciudad de Piura",
        "Improvement of the solid waste system in the city of Piura",
        "2001",
        "Piura",
    ),
    (
        # The seed spells it "Paicapampa"; INEI's district is Pacaipampa (Ayabaca), a rural farming district of
        # Piura's highlands. Taken as the same place; the titles keep the seed's spelling.
        "Microempresa rural en Paicapampa para la administración de productos agrícolas",
        "Rural microenterprise in Paicapampa for the administration of agricultural products",
        "200206",
        "Piura",
    ),
    (
        # Most of the Chira valley lies in Sullana province.
        "Técnicas de riego y planes de cultivo en el valle del Chira",
        "Irrigation techniques and cultivation plans in the valley of the Chira",
        "2006",
        "Piura",
    ),
    # Arequipa group
    (
        "Calidad de la fibra de alpaca producida en la provincia de Caylloma",
        "Quality of the alpaca fiber produced in the province of Caylloma",
        "0405",
        "Arequipa",
    ),
    ("Actividad turística en el Cañón del Colca", "Tourist activity in the Colca Canyon", "0405", "Arequipa"),
    (
        # The Ocoña basin spans three provinces of Arequipa (La Unión, Condesuyos, Camaná); no site is given.
        "Construcción de la central hidroeléctrica de la cuenca del Ocoña",
        "Construction of the hydroelectric plant in the Ocoña basin",
        "04",
        "Arequipa",
    ),
    # Cusco group
    (
        "Desarrollo de los camélidos sudamericanos en la provincia de Canchis",
        "Development of South American camelids in the province of Canchis-Cusco",
        "0806",
        "Cusco",
    ),
    (
        "Calidad educativa en distritos de extrema pobreza de la región Cusco",
        "Educational quality in districts of extreme poverty in the region Cusco",
        "08",
        "Cusco",
    ),
    (
        # The Inca Trail runs through Ollantaytambo and Machupicchu districts, both in Urubamba province.
        "Propuesta de manejo y gestión actual del Camino Inca",
        "Proposal for handling and current management of the Inca Trail",
        "0813",
        "Cusco",
    ),
]

SITES = [
    # Business Development Centres of Work 4 Progress, one per territory (seed 001), run by the territorial partner.
    {
        "organization": "ccaijo",
        "name": "Centro de Desarrollo Empresarial de Quispicanchi (Urcos)",
        "kind": "business_centre",
        "district": "081201",
    },
    {
        "organization": "saipe",
        "name": "Centro de Desarrollo Empresarial de Condorcanqui (Nieva)",
        "kind": "business_centre",
        "district": "010401",
    },
    # The school whose student leaders speak in seed 003.
    {
        "organization": "accion-desarrollo",
        "name": "IE Benito Juárez",
        "kind": "school",
        "district": "150132",
    },
    # Trujillo's women's prison (El Milagro, Huanchaco) and AMA's seven agencies in La Libertad (seed 004).
    {
        "organization": "ep-mujeres-trujillo",
        "name": "Establecimiento Penitenciario de Mujeres de Trujillo",
        "kind": "prison",
        "district": "130104",
    },
    {"organization": "ama", "name": "Agencia Trujillo", "kind": "agency", "district": "130101"},
    {"organization": "ama", "name": "Agencia Huamachuco", "kind": "agency", "district": "130901"},
    {"organization": "ama", "name": "Agencia Otuzco", "kind": "agency", "district": "130601"},
    {"organization": "ama", "name": "Agencia Santiago de Chuco", "kind": "agency", "district": "131001"},
    {"organization": "ama", "name": "Agencia Virú", "kind": "agency", "district": "131201"},
    {"organization": "ama", "name": "Agencia Paiján", "kind": "agency", "district": "130205"},
    # The port town of Pacasmayo (its province's capital is San Pedro de Lloc).
    {"organization": "ama", "name": "Agencia Pacasmayo", "kind": "agency", "district": "130704"},
]

# One commitment per funder and project, in the funder's currency. The seeds publish no amounts: every figure
# and date below is illustrative, and the record says so in its reference and notes.
COMMITMENTS = [
    # (project code, funder, currency, amount, committed on, ((disbursed on, amount), ...))
    (
        "f1-quispicanchi",
        "la-caixa",
        "EUR",
        "400000",
        "2023-01-16",
        (("2023-02-01", "200000"), ("2023-08-01", "200000")),
    ),
    (
        "f1-condorcanqui",
        "la-caixa",
        "EUR",
        "400000",
        "2023-01-16",
        (("2023-02-01", "200000"), ("2023-08-01", "200000")),
    ),
    ("f1-educacion-tecnica", "la-caixa", "EUR", "150000", "2023-01-16", (("2023-02-01", "150000"),)),
    ("f1-empleabilidad-juvenil", "la-caixa", "EUR", "150000", "2023-01-16", (("2023-02-01", "150000"),)),
    ("f1-innovacion", "la-caixa", "EUR", "100000", "2023-01-16", (("2023-02-01", "100000"),)),
    ("f2-quispicanchi", "la-caixa", "EUR", "450000", "2024-01-15", (("2024-02-01", "180000"),)),
    ("f2-condorcanqui", "la-caixa", "EUR", "450000", "2024-01-15", (("2024-02-01", "180000"),)),
    ("f2-busqueda-empleo", "la-caixa", "EUR", "200000", "2024-01-15", (("2024-02-01", "80000"),)),
    ("f2-cultura-emprendedora", "la-caixa", "EUR", "200000", "2024-01-15", (("2024-02-01", "80000"),)),
    (
        "fortalecimiento-capacidades",
        "accd",
        "EUR",
        "120000",
        "2023-03-01",
        (("2023-04-03", "60000"), ("2023-10-02", "60000")),
    ),
    (
        "escuelas-emprendedoras",
        "iaf",
        "USD",
        "250000",
        "2023-05-02",
        (("2023-06-01", "125000"), ("2024-06-03", "125000")),
    ),
    (
        "prevencion-violencia-tayacaja-jauja",
        "bernard-van-leer",
        "EUR",
        "150000",
        "2023-05-02",
        (("2023-06-01", "150000"),),
    ),
    ("mujeres-en-accion-sjl", "acsur-las-segovias", "EUR", "180000", "2023-05-02", (("2023-06-01", "180000"),)),
    ("participacion-politica-jauja", "fondo-italo-peruano", "PEN", "300000", "2023-05-02", (("2023-06-01", "300000"),)),
    ("adolescentes-sjl", "fondo-italo-peruano", "PEN", "300000", "2023-05-02", (("2023-06-01", "300000"),)),
]

# One login per role. Names are invented; none is a real person from the seeds.
USERS = [
    {
        "username": "coordinadora",
        "first_name": "María Elena",
        "last_name": "Quispe Huamán",
        # Field officer rather than admin of Fe y Alegría: she edits the program through her coordinator role and
        # does not manage the organization's users.
        "memberships": [("fya-peru", "field_officer")],
        "program_roles": [("w4p-peru", "coordinator")],
        "description": _("Coordinación de red de Work 4 Progress Perú (Fe y Alegría Perú)"),
    },
    {
        "username": "admin-ccaijo",
        "first_name": "Juan Carlos",
        "last_name": "Mamani Condori",
        "memberships": [("ccaijo", "admin")],
        "description": _("Administración de CCAIJO"),
    },
    {
        "username": "promotora",
        "first_name": "Luz Marina",
        "last_name": "Huillca Ccori",
        "memberships": [("ccaijo", "field_officer")],
        "description": _("Promotora de campo de CCAIJO en Quispicanchi"),
    },
    {
        "username": "credito",
        "first_name": "Carmen Rosa",
        "last_name": "Alvarado Rodríguez",
        "memberships": [("ama", "credit_officer")],
        "description": _("Asesora de crédito de AMA en Trujillo"),
    },
    {
        # The second pair of hands the fund needs: loans are approved by someone other than the credit officer.
        "username": "admin-ama",
        "first_name": "Patricia",
        "last_name": "Vásquez Cruz",
        "memberships": [("ama", "admin")],
        "program_roles": [("ama-solidarity-fund", "coordinator")],
        "description": _("Administración de AMA y coordinación del fondo solidario (aprueba créditos)"),
    },
    {
        # The women's program has its own coordinator, who reviews the partners' reported values.
        "username": "coordinadora-ad",
        "first_name": "Milagros",
        "last_name": "Rojas Palomino",
        "memberships": [("accion-desarrollo", "field_officer")],
        "program_roles": [("women-participation", "coordinator")],
        "description": _("Coordinación de Participación política de las mujeres (Acción y Desarrollo)"),
    },
    {
        "username": "financiador",
        "first_name": "Lucía",
        "last_name": "Paredes Salazar",
        "memberships": [("la-caixa", "funder")],
        "description": _("Financiador: Fundación «la Caixa», solo datos agregados"),
    },
    {
        "username": "auditora",
        "first_name": "Gabriela",
        "last_name": "Torres Meza",
        "program_roles": [("w4p-peru", "auditor")],
        "description": _("Auditora de Work 4 Progress Perú, solo lectura"),
    },
    {
        "username": "admin",
        "first_name": "Jorge Luis",
        "last_name": "Ramírez Chávez",
        "is_superuser": True,
        "description": _("Administración de la red (superusuario)"),
    },
]


def commitment_rows():
    """COMMITMENTS with dates and amounts as `datetime.date` and `Decimal`."""
    for code, funder, currency, amount, committed_on, disbursements in COMMITMENTS:
        yield {
            "project": code,
            "funder": funder,
            "currency": currency,
            "amount": Decimal(amount),
            "committed_on": datetime.date.fromisoformat(committed_on),
            "disbursements": [(datetime.date.fromisoformat(on), Decimal(value)) for on, value in disbursements],
        }


def territory_codes_used() -> set[str]:
    """Every territory code the demo refers to (without the ancestors TERRITORIES adds)."""
    codes = {org["district"] for org in ORGANIZATIONS if org.get("district")}
    codes |= {code for project in PROJECTS for code in project["territories"]}
    codes |= {territory for _es, _en, territory, _group in INITIATIVES}
    codes |= {site["district"] for site in SITES}
    return codes
