"""The standard catalogue of activity types every program starts with (programs add their own beside them).

Names are data in both languages, like program names, so they are stored rather than marked for translation.
"""

from django.db import transaction

from minka.activities.models import ActivityCategory, ActivityType
from minka.audit.services import audit_create

# code, Spanish name, English name, category
STANDARD_TYPES = (
    (
        "listening",
        "Proceso de escucha y co-creación",
        "Listening and co-creation process",
        ActivityCategory.LISTENING,
    ),
    ("prototyping", "Prototipado", "Prototyping", ActivityCategory.PROTOTYPING),
    (
        "business-training",
        "Formación en habilidades empresariales",
        "Business-skills training",
        ActivityCategory.BUSINESS_TRAINING,
    ),
    ("technical-training", "Formación técnica", "Technical training", ActivityCategory.TECHNICAL_TRAINING),
    (
        "advisory-visit",
        "Visita de asesoría o acompañamiento",
        "Advisory or accompaniment visit",
        ActivityCategory.ADVISORY_VISIT,
    ),
    ("job-search-workshop", "Taller de búsqueda de empleo", "Job-search workshop", ActivityCategory.JOB_SEARCH),
    ("leadership-school", "Escuela de liderazgo", "Leadership school", ActivityCategory.LEADERSHIP),
    ("event", "Evento", "Event", ActivityCategory.EVENT),
)


@transaction.atomic
def activity_types_ensure(program, *, user=None) -> list[ActivityType]:
    """Adds to `program` the standard types it lacks (by code) and returns those added; running it again adds none.

    A type the program renamed keeps its names: only missing codes are created.
    """
    existing = set(ActivityType.objects.filter(program=program).values_list("code", flat=True))
    created = []
    for code, name_es, name_en, category in STANDARD_TYPES:
        if code in existing:
            continue
        activity_type = ActivityType.objects.create(
            program=program, code=code, name_es=name_es, name_en=name_en, category=category
        )
        audit_create(actor=user, instance=activity_type, program=program)
        created.append(activity_type)
    return created
