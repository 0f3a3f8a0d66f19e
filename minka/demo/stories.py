"""The demo's stories, from the seeds' own words: Luz Usaccahi of Cachabamba (seed 001), Rocío the knitter of the
prison fund (seed 004) and the school leaders of San Juan de Lurigancho (seed 003), each public with its consent
recorded; and one internal story still waiting for consent, which the public page and donor reports leave out.

They are written through the stories service by each program's coordination, so the consent is recorded by a
real login and audited. What the seeds do not say (the day consent was recorded and how) is the demo's own and the
consent note says so. Rocío is linked to her borrower record when the credit demo is loaded.
"""

import datetime

from minka.network.models import Territory
from minka.people.models import Participant
from minka.programs.models import Project
from minka.stories import services
from minka.stories.models import Story, StoryVisibility

CONSENT_RECORDED_ON = datetime.date(2026, 11, 30)  # the demo's fixed day (as the credit demo's close of day)
DEMO_NOTE = " (registro de la demostración)"

STORIES = [
    {
        "program": "w4p-peru",
        "recorded_by": "coordinadora",
        "title": "Luz Usaccahi, de Cachabamba: «Me siento muy satisfecha con todas las cosas nuevas que he aprendido»",
        "text": (
            "Luz Usaccahi, de Cachabamba, fue una de las 9.245 personas que participaron en la primera fase del "
            "programa Work 4 Progress.\n\n"
            "Cuenta que lo más importante para ella tras su paso por el programa han sido los aprendizajes que ha "
            "adquirido y que le servirán para toda la vida. «Me siento muy satisfecha con todas las cosas nuevas "
            "que he aprendido», explica."
        ),
        "storyteller": "Luz Usaccahi",
        "consent_note": "Aceptó que se publique su testimonio con su nombre",
    },
    {
        "program": "ama-solidarity-fund",
        "project": "fondo-solidario-ep-trujillo",
        "territory": "1301",
        "recorded_by": "admin-ama",
        "person": ("Rocío", "Bazán", "Gil"),
        "title": "Rocío, tejedora: de un crédito de S/ 300 a uno de S/ 2.000",
        "text": (
            "Al comenzar el programa, Rocío B. G., que trabaja como tejedora en el penal de mujeres de Trujillo, "
            "tenía un capital de trabajo de S/ 140. No le alcanzaba para mantener a su madre y a sus hijos, sus "
            "gastos personales y pagar a su abogado, así que tenía que pedir préstamos, a veces con intereses del "
            "30 % mensual: la única alternativa, también para otras internas.\n\n"
            "Rocío fue de las primeras en recibir un crédito del fondo solidario, de S/ 300. Después recibió tres "
            "créditos más, de S/ 500, S/ 1.000 y S/ 1.500; el que maneja ahora es de S/ 2.000. Todos los pagó "
            "puntualmente, con intereses bajos que solo cubren los gastos mínimos de operación.\n\n"
            "Por la alta calidad de su producto amplió su mercado: exporta parte de él y pide ayuda a sus "
            "compañeras para terminar los pedidos."
        ),
        "storyteller": "Rocío B. G.",
        "consent_note": "Consentimiento firmado para publicar su testimonio con sus iniciales",
    },
    {
        "program": "women-participation",
        "territory": "150132",
        "recorded_by": "coordinadora-ad",
        "title": "Líderes escolares de San Juan de Lurigancho: «hicimos conciencia de nuestros problemas»",
        "text": (
            "«SOMOS», grupo de líderes y lideresas de la IE Benito Juárez, del distrito de San Juan de "
            "Lurigancho (Lima): «Desde nuestra participación en espacios distritales como representantes de "
            "municipios escolares hicimos conciencia de nuestros problemas: captación de niñas para explotación "
            "sexual, inducirlas/os a las drogas, alto índice de embarazo».\n\n"
            "Sus campañas: «CONCAUSA, Liderazgo y empoderamiento para un mejor país» y «¡Alza tu voz contra el "
            "bullying!».\n\n"
            "En San Juan de Lurigancho, 400 líderes de municipios escolares fortalecieron su participación "
            "ciudadana en el ámbito público y político, y 50 de ellos lograron que se aprobaran dos proyectos de "
            "prevención de la violencia en el presupuesto participativo del distrito."
        ),
        "storyteller": "Grupo SOMOS, IE Benito Juárez",
        "consent_note": "Consentimiento del grupo y firmado por sus madres, padres o tutores",
    },
    {
        "program": "women-participation",
        "territory": "150132",
        "recorded_by": "coordinadora-ad",
        "title": "Planes de convivencia con los municipios escolares",
        "text": (
            "En el distrito de San Juan de Lurigancho, 20 instituciones educativas pusieron en marcha planes de "
            "convivencia con la participación activa de sus municipios escolares."
        ),
        "storyteller": "",
        "consent_note": "",
        "internal": True,  # no consent to publish recorded yet: it stays inside the network
    },
]


def stories_load(*, programs: dict, users: dict) -> int:
    """Writes the demo's stories unless the program already has one of the same title; returns how many."""
    written = 0
    for spec in STORIES:
        program, user = programs.get(spec["program"]), users.get(spec["recorded_by"])
        if program is None or user is None or Story.objects.filter(program=program, title=spec["title"]).exists():
            continue
        services.story_save(user=user, program=program, data=_data(spec, program))
        written += 1
    return written


def _data(spec: dict, program) -> dict:
    internal = spec.get("internal", False)
    data = {
        "title": spec["title"],
        "text": spec["text"],
        "language": "es",
        "storyteller": spec["storyteller"],
        "consent_to_publish": not internal,
        "consent_recorded_on": None if internal else CONSENT_RECORDED_ON,
        "consent_note": spec["consent_note"] + DEMO_NOTE if spec["consent_note"] else "",
        "visibility": StoryVisibility.INTERNAL if internal else StoryVisibility.PUBLIC,
    }
    if "project" in spec:
        data["project"] = Project.objects.filter(program=program, code=spec["project"]).first()
    if "territory" in spec:
        data["territory"] = Territory.objects.filter(code=spec["territory"]).first()
    if "person" in spec:
        given, paternal, maternal = spec["person"]
        data["person"] = Participant.objects.filter(
            given_names=given, paternal_surname=paternal, maternal_surname=maternal, merged_into__isnull=True
        ).first()
    return data
