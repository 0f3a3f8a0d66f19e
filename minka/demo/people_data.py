"""What the demo's places are like: names, districts, languages, what is taught and what is made there.

Data for `minka.demo.people`, which draws every invented person and enterprise from these tables with a seeded
generator, so that a list of participants reads like one from the field.

Names follow the naming patterns of each place:

- Quispicanchi (Cusco): Spanish given names, with some Quechua ones among the young; Quechua and
  Aymara-origin surnames (Quispe, Mamani, Huamán, Condori, Ccori, Huillca…) with Spanish ones.
- Condorcanqui (Amazonas): Awajún and Wampis surnames (Chumpi, Entsakua, Ampam, Jempekit…); given
  names mostly Spanish (many biblical ones, after decades of missions) and some in the native languages.
- San Juan de Lurigancho (Lima): teenagers of a big migrant district of Lima.
- The five cities of the cooperation-agents network: regional surnames beside the common Spanish ones.
"""

from minka.activities.models import ActivityCategory
from minka.enterprises.models import Sector

L = ActivityCategory.LISTENING
P = ActivityCategory.PROTOTYPING
B = ActivityCategory.BUSINESS_TRAINING

# Districts with their 2017 census population (INEI), which weighs where people live.
QUISPICANCHI = {
    "081201": 12774,  # Urcos
    "081202": 7637,  # Andahuaylillas
    "081203": 2727,  # Camanti
    "081204": 3211,  # Ccarhuayo
    "081205": 15207,  # Ccatca
    "081206": 4627,  # Cusipata
    "081207": 5091,  # Huaro
    "081208": 5669,  # Lucre
    "081209": 5029,  # Marcapata
    "081210": 19609,  # Ocongate
    "081211": 13087,  # Oropesa
    "081212": 12176,  # Quiquijana
}
CONDORCANQUI = {"010401": 19256, "010402": 13797, "010403": 19486}  # Nieva, El Cenepa, Río Santiago
# The cities of the agents' network, by province, with districts where regional governments and universities sit.
CITY_DISTRICTS = {
    "Lima": ("150101", "150113", "150122", "150131", "150140"),
    "Iquitos": ("160101", "160108", "160112", "160113"),
    "Piura": ("200101", "200104", "200105", "200115"),
    "Arequipa": ("040101", "040103", "040122", "040126", "040129"),
    "Cusco": ("080101", "080104", "080105", "080106", "080108"),
}
SAN_JUAN_DE_LURIGANCHO = "150132"

# Mother tongue by district (ISO 639-3). Camanti and Marcapata reach down to the Amazon and hold many settlers;
# Río Santiago is Wampis land, El Cenepa Awajún, Nieva mostly Awajún.
TONGUES = {
    "081201": (("quz", 65), ("spa", 35)),
    "081203": (("spa", 70), ("quz", 30)),
    "081208": (("quz", 55), ("spa", 45)),
    "081209": (("quz", 60), ("spa", 40)),
    "081211": (("quz", 55), ("spa", 45)),
    "0812": (("quz", 85), ("spa", 15)),
    "010401": (("agr", 70), ("hub", 10), ("spa", 20)),
    "010402": (("agr", 92), ("spa", 8)),
    "010403": (("hub", 70), ("agr", 20), ("spa", 10)),
}
ETHNIC_GROUPS = {"quz": "Quechua", "agr": "Awajún", "hub": "Wampis"}
TOWNS = {"081201": 40, "081211": 30, "081208": 30, "010401": 35}  # % urban in district capitals; elsewhere 5 %

TOPICS = {
    L: ("Escucha comunitaria: sueños y necesidades", "Mapa de recursos y oportunidades del territorio",
        "Co-creación de ideas de negocio"),
    P: ("Definición del prototipo", "Prueba con clientes", "Ajustes al prototipo", "Presentación de resultados"),
    B: ("Costos y precios", "Registro de ventas y gastos", "Marketing y ventas", "Plan de negocio",
        "Formalización y finanzas"),
}  # fmt: skip
AGENT_MODULES = (
    "Módulo 1: la cooperación internacional para el desarrollo",
    "Módulo 2: enfoque de marco lógico",
    "Módulo 3: formulación de proyectos",
    "Módulo 4: presupuesto y financiamiento",
    "Módulo 5: seguimiento y evaluación",
    "Módulo 6: trabajo en red",
    "Módulo 7: presentación de las iniciativas de desarrollo",
)
LEADERSHIP_TOPICS = (
    "Mi municipio escolar",
    "Liderazgo y participación",
    "Igualdad de género",
    "Prevención de la violencia",
    "Planificación concertada",
    "Vigilancia ciudadana",
)
# What the enterprises of each territory make: (sector, name of an individual or family business, members of
# an association).
SECTORS = {
    "0812": (
        (Sector.LIVESTOCK, "Crianza de cuyes", "Criadoras de Cuyes"),
        (Sector.LIVESTOCK, "Crianza de alpacas", "Criadores de Alpacas"),
        (Sector.TEXTILES, "Tejidos", "Tejedoras"),
        (Sector.FOOD_PROCESSING, "Quesería", "Productoras de Lácteos"),
        (Sector.FOOD_PROCESSING, "Panadería", "Panaderas"),
        (Sector.AGRICULTURE, "Papas nativas", "Productores de Papa Nativa"),
        (Sector.AGRICULTURE, "Biohuerto", "Productoras de Hortalizas"),
        (Sector.FISHING, "Piscigranja de truchas", "Productores de Truchas"),
        (Sector.TOURISM, "Turismo vivencial", "Turismo Rural Comunitario"),
        (Sector.CRAFTS, "Artesanía", "Artesanas"),
        (Sector.COMMERCE, "Bodega", "Comerciantes"),
    ),
    "0104": (
        (Sector.AGRICULTURE, "Cacao", "Productores de Cacao"),
        (Sector.AGRICULTURE, "Plátano y yuca", "Productores Agrícolas"),
        (Sector.FISHING, "Piscigranja de gamitana", "Piscicultores"),
        (Sector.FISHING, "Crianza de paco", "Piscicultores"),
        (Sector.CRAFTS, "Artesanía awajún", "Artesanas"),
        (Sector.FOOD_PROCESSING, "Chocolate artesanal", "Productoras de Chocolate"),
        (Sector.FOOD_PROCESSING, "Fariña", "Productoras de Fariña"),
        (Sector.LIVESTOCK, "Crianza de gallinas", "Criadoras de Aves"),
        (Sector.COMMERCE, "Bodega", "Comerciantes"),
        (Sector.TOURISM, "Turismo comunitario", "Turismo Comunitario"),
    ),
}
# Quechua words in Quispicanchi (beautiful, woman, sun, moon, mutual help, collective work, joy, gold, flower,
# wind, love, dawn); Awajún and Wampis ones in Condorcanqui (moon, sun, forest, water, earth, and the Santiago
# and Morona rivers).
BRANDS = {
    "0812": ("Sumaq", "Warmi", "Inti", "Killa", "Ayni", "Minka", "Kusi", "Qori", "Tika", "Wayra", "Munay", "Illari"),
    "0104": ("Nantu", "Etsa", "Ikam", "Yumi", "Nugka", "Kanus", "Kankaim"),
}

# fmt: off
ANDEAN_WOMEN = (
    "María", "Rosa", "Juana", "Yeny", "Lizbeth", "Marleny", "Yaneth", "Sonia", "Nélida", "Flora", "Hilda",
    "Maribel", "Ruth", "Vilma", "Yesenia", "Rocío", "Delia", "Luz Marina", "Marisol", "Edith", "Roxana", "Nancy",
    "Gladys", "Gregoria", "Justina", "Valentina", "Florentina", "Epifania", "Yolanda", "Carmen", "Lourdes",
    "Margarita", "Elizabeth", "Melania", "Celestina", "Rufina", "Sabina", "Bertha", "Dina", "Yovana", "Mery",
    "Norma", "Lidia", "Fortunata", "Tomasa", "Isabel", "Nilda", "Sandra", "Katherine", "Mayra", "Erika", "Luzmila",
    "Yuliana", "Rosalía", "Senobia", "Guillermina", "Aurelia", "Vicentina", "Felícitas", "Eulalia", "Yudith",
    "Marina", "Soledad", "Beatriz", "Olga", "Haydeé", "Anabel", "Ruth Mery",
)
ANDEAN_MEN = (
    "Juan", "Wilber", "Edwin", "Percy", "Rubén", "Hernán", "Wilfredo", "Alex", "Yony", "Ronald", "Elvis", "Fredy",
    "Hugo", "Efraín", "Néstor", "Rolando", "Julio", "Mario", "Saúl", "Américo", "Valentín", "Teófilo", "Braulio",
    "Lucio", "Hilario", "Dionisio", "Marcelino", "Eusebio", "Faustino", "Jhon", "Richard", "Edgar", "Henry", "Ciro",
    "Nilton", "Raúl", "Isidro", "Gerardo", "Crispín", "Vidal", "Washington", "Yuri", "Walter", "Cirilo",
)
# Quechua given names, chosen by some young parents of the region.
QUECHUA_WOMEN = (
    "Sumaq", "Killa", "Urpi", "Illari", "Chaska", "Ñusta", "Wayta", "Kusi", "Qori", "Yuraq",
)
QUECHUA_MEN = (
    "Inti", "Amaru", "Wayna", "Kusi", "Sinchi", "Ataw", "Pacha", "Wiñay",
)
ANDEAN_SURNAMES = (
    "Quispe", "Mamani", "Huamán", "Condori", "Ccori", "Huillca", "Puma", "Ccahuana", "Cusi", "Choque", "Apaza",
    "Huarca", "Turpo", "Ccoa", "Sullca", "Huallpa", "Ttito", "Layme", "Chambi", "Cutipa", "Hancco", "Ccallo",
    "Champi", "Illa", "Tupa", "Soncco", "Challco", "Ccasa", "Qquehue", "Huanca", "Chillihuani", "Ccama", "Ayma",
    "Rimachi", "Cjuro", "Quillahuamán", "Auccapuma", "Paucar", "Yupanqui", "Mayta", "Huaraca", "Pacco",
    "Atausinchi", "Ccoyo", "Cahuana", "Yucra", "Ccopa", "Huacac",
)
SPANISH_SURNAMES = (
    "Gutiérrez", "Álvarez", "Rojas", "Flores", "Mendoza", "Vargas", "Sánchez", "Pérez", "Zamalloa", "Palomino",
    "Castillo", "Farfán", "Villafuerte", "Béjar", "Cáceres", "Oblitas", "Loayza", "García", "Ramírez", "Torres",
    "Chávez", "Rodríguez", "Díaz", "Gonzales", "Cruz", "Huerta", "Salazar", "Paredes", "Ríos", "Medina", "Aguilar",
    "Valencia", "Ramos", "Córdova", "Moscoso", "Luna", "Herrera", "Espinoza",
)
# Condorcanqui: given names as the civil registry holds them; many Spanish and biblical ones.
AMAZON_WOMEN = (
    "Elva", "Nelly", "Rosita", "Margarita", "Zoila", "Clorinda", "Teresa", "Rebeca", "Raquel", "Betty", "Lucila",
    "Marcelina", "Noemí", "Débora", "Ester", "Sara", "Rut", "Lidia", "Priscila", "Abigail", "Elisa", "Dalila",
    "Nohemí", "Miriam", "Eva", "Diana", "Irma", "Yolanda", "Aurora", "Mercedes", "Celia", "Maritza", "Delfina",
    "Gloria", "Nilda", "Sonia", "Tania", "Keyla",
)
AMAZON_MEN = (
    "Abel", "Moisés", "Elías", "Josué", "Samuel", "Isaías", "Santiago", "Gil", "Nazario", "Andrés", "Eduardo",
    "Daniel", "Ezequiel", "Jeremías", "Noé", "Rubén", "Lucas", "Mateo", "Benjamín", "Cecilio", "Alfonso", "Gerardo",
    "Héctor", "Bernabé", "Demetrio", "Silvio", "Zacarías", "Aníbal", "Levi", "Tito",
)
# Given names in Awajún or Wampis, some of them also used as surnames.
JIVARO_GIVEN = (
    "Yampis", "Sumpa", "Tsamajain", "Wajai", "Nantu", "Etsa", "Dusik", "Kayuk", "Ikam", "Nunkai",
)
JIVARO_SURNAMES = (
    "Chumpi", "Entsakua", "Ampam", "Jempekit", "Tsamarain", "Yampis", "Shimpukat", "Nugkuag", "Dekentai", "Wajajai",
    "Sanchium", "Kayap", "Antun", "Petsa", "Tiwi", "Sejekam", "Tuyas", "Yankur", "Uwarai", "Noningo", "Shakaime",
    "Wisum", "Tsejem", "Bakuants", "Jintach", "Danducho", "Apikai", "Kunchikui", "Taish", "Paati", "Chamik",
    "Sharian", "Ampush", "Tiwiram", "Wachapea", "Shajian", "Ukuncham", "Tsamajain", "Impi", "Sumpa", "Wampash",
    "Atsasua", "Kajekui", "Pijuch",
)
AMAZON_SPANISH_SURNAMES = (
    "Pérez", "García", "Ramírez", "Ahuanari", "Pizango", "Mashián", "Reátegui", "Vásquez",
)
# San Juan de Lurigancho: adolescents born 2005–2011.
URBAN_GIRLS = (
    "Valeria", "Camila", "Milagros", "Luana", "Ariana", "Xiomara", "Dayana", "Nayeli", "Briana", "Kiara",
    "Fernanda", "Alexandra", "Brenda", "Mía", "Nicole", "Angie", "Gianella", "Fiorella", "Daniela", "Sofía",
    "Ximena", "Jimena", "Yamilet", "Lucero", "Estrella", "Araceli", "Allison", "Dana", "Rubí", "Mariana", "Abigail",
    "Shirley", "Kimberly", "Zoe", "Danna", "Tatiana", "Rosa Angélica", "Flor", "Cielo", "Liz",
)
URBAN_BOYS = (
    "Jhon", "Jhair", "Anthony", "Brayan", "Jean Pierre", "Piero", "Sebastián", "Diego", "Renato", "Joaquín",
    "Jesús", "Adrián", "Matías", "Franco", "Gabriel", "Luis Ángel", "Kevin", "Jeremy", "Jairo", "Fabricio",
    "Rodrigo", "Mateo", "Thiago", "Santiago", "Leonardo",
)
# The cooperation agents: adult professionals.
PROFESSIONAL_WOMEN = (
    "Ana María", "Carmen", "Patricia", "Rosa", "Silvia", "Mónica", "Cecilia", "Gisela", "Liliana", "Verónica",
    "Elena", "Claudia", "Teresa", "Roxana", "Milagros", "Giovanna", "Karina", "Marlene", "Jessica", "Pilar",
    "Susana", "Janet", "Maritza", "Iris",
)
PROFESSIONAL_MEN = (
    "Carlos", "José Luis", "Jorge", "Luis Alberto", "Miguel", "César", "Víctor", "Manuel", "Ricardo", "Óscar",
    "Javier", "Fernando", "Alberto", "Raúl", "Hugo", "Guillermo", "Martín", "Eduardo", "Alfredo", "Roberto",
    "Ernesto", "Wilfredo", "Iván",
)
CITY_SURNAMES = {
    "Lima": ("Salazar", "Rivera", "Gamarra", "Bustamante", "Montes", "Villanueva", "Arias", "Ugarte"),
    "Iquitos": ("Pinedo", "Panduro", "Tapullima", "Shapiama", "Del Águila", "Sinarahua", "Vela", "Ruiz"),
    "Piura": ("Chunga", "Ipanaqué", "Yarlequé", "Sernaqué", "Zapata", "Seminario", "Querevalú", "Timaná"),
    "Arequipa": ("Zegarra", "Salas", "Ticona", "Valdivia", "Rivera", "Cornejo", "Núñez", "Llerena"),
    "Cusco": ("Quispe", "Huamán", "Zamalloa", "Cáceres", "Béjar", "Ccorimanya", "Villafuerte", "Farfán"),
}
# fmt: on
