import datetime

from minka.people import services
from minka.people.models import ConsentMethod

VALID_DNI = "41234567"  # its check digit is 9 and its check letter C


def written_consent(*, sensitive=True, **extra):
    return {
        "purpose": "Participación en el programa y seguimiento de resultados",
        "text_version": "v1",
        "method": ConsentMethod.SIGNED_PAPER,
        "covers_sensitive_data": sensitive,
        "given_on": datetime.date(2024, 2, 1),
        **extra,
    }


def register(world, *, user=None, organization=None, dni="", consent=None, program=None, **data):
    """Registers a person through the service, as org A's field officer unless told otherwise."""
    values = {
        "given_names": "María",
        "paternal_surname": "Quispe",
        "maternal_surname": "Huamán",
        "sex": "F",
        "birth_year": 2000,
        "district_id": "081201",
        **data,
    }
    if "district_id" in values:
        from minka.network.models import Territory

        district_id = values.pop("district_id")
        values["district"] = Territory.objects.get(pk=district_id) if district_id else None
    return services.participant_register(
        user=user or world.field_a,
        organization=organization or world.org_a,
        data=values,
        dni=dni,
        consent=consent,
        program=program,
    )
