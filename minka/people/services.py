"""Registering people, their consent and enrollments; their rights of access and cancellation (Ley 29733)."""

import re
import unicodedata

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minka.accounts import access
from minka.audit.models import AuditAction, AuditEvent
from minka.audit.services import audit_create, audit_record, audit_update, record_snapshot
from minka.core.errors import ApplicationError, PermissionDenied
from minka.core.services import record_save
from minka.people.identity import InvalidDni, dni_hash, dni_last_digits, dni_normalize
from minka.people.models import SENSITIVE_FIELDS, Consent, Enrollment, EnrollmentStatus, Household, Participant

PARTICIPANT_FIELDS = (
    "given_names",
    "paternal_surname",
    "maternal_surname",
    "sex",
    "birth_date",
    "birth_year",
    "phone",
    "mother_tongue",
    "ethnic_group",
    "area",
    "district",
    "deprived_of_liberty",
    "disability",
    "household",
)
CONSENT_FIELDS = ("purpose", "text_version", "method", "covers_sensitive_data", "given_on")
ENROLLMENT_FIELDS = ("enrolled_on", "status", "ended_on")


def search_key(text: str) -> str:
    """Lower case, without accents or repeated spaces: 'Quispe  Huamán' → 'quispe huaman'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.lower().split())


def _only(data: dict, allowed) -> dict:
    return {key: value for key, value in data.items() if key in allowed}


def _household_value(data: dict, *, organization, district):
    """`household_name` in the data names the household (made on first use, per organization); blank unlinks."""
    if "household_name" not in data:
        return {}
    name = " ".join((data.get("household_name") or "").split())
    if not name:
        return {"household": None}
    household, _created = Household.objects.get_or_create(
        organization=organization, name=name, defaults={"district": district}
    )
    return {"household": household}


def _dni_fields(dni: str) -> dict:
    try:
        digits = dni_normalize(dni)
    except InvalidDni:
        raise ApplicationError(
            _("El DNI debe tener 8 dígitos (y, si se anota, su carácter de verificación correcto)."),
            fields={"dni": [_("DNI no válido.")]},
        ) from None
    return {"dni_hash": dni_hash(digits), "dni_last_digits": dni_last_digits(digits)}


def _check_dni_free(hashed: str, *, except_pk=None) -> None:
    others = Participant.objects.filter(dni_hash=hashed, merged_into__isnull=True)
    if except_pk is not None:
        others = others.exclude(pk=except_pk)
    if others.exists():
        # Said without naming her: the person may be registered by an organization the user cannot see.
        raise ApplicationError(
            _("Ya hay una persona registrada con ese DNI en la red."),
            code="duplicate_dni",
            fields={"dni": [_("Ya registrado.")]},
            status=409,
        )


def has_written_sensitive_consent(participant: Participant) -> bool:
    return any(
        consent.is_written and consent.is_active and consent.covers_sensitive_data
        for consent in participant.consents.all()
    )


def _check_sensitive(participant: Participant, *, pending_consent: dict | None = None) -> None:
    """Sensitive data is stored only with a written consent that covers it (Ley 29733, art. 13.6)."""
    holds_sensitive = bool(participant.ethnic_group or participant.disability or participant.deprived_of_liberty)
    if not holds_sensitive:
        return
    pending_ok = bool(
        pending_consent
        and pending_consent.get("covers_sensitive_data")
        and pending_consent.get("method") in {"signed_paper", "digital"}
    )
    if pending_ok or (participant.pk and has_written_sensitive_consent(participant)):
        return
    fields = {name: [_("Requiere consentimiento escrito.")] for name in SENSITIVE_FIELDS if getattr(participant, name)}
    raise ApplicationError(
        _(
            "El pueblo o grupo étnico, la discapacidad y la privación de libertad solo se registran con el "
            "consentimiento escrito de la persona."
        ),
        code="consent_required",
        fields=fields,
    )


@transaction.atomic
def participant_register(
    *, user, organization, data: dict, dni: str = "", consent: dict | None = None, program=None
) -> Participant:
    """Registers a person on behalf of `organization`, with her consent when one is given, and enrolls her in
    `program` through that organization today when one is named: all of it, or nothing."""
    if not access.people_register_organizations(user).filter(pk=organization.pk).exists():
        raise PermissionDenied(_("No puede registrar personas en nombre de esa organización."))
    participant = Participant(registered_by=organization)
    values = _only(data, PARTICIPANT_FIELDS)
    values.update(_household_value(data, organization=organization, district=values.get("district")))
    if dni:
        values.update(_dni_fields(dni))
        _check_dni_free(values["dni_hash"])
    for name, value in values.items():
        setattr(participant, name, value)
    _check_sensitive(participant, pending_consent=consent)
    values["search_name"] = search_key(participant.full_name)
    record_save(participant, values)
    audit_create(actor=user, instance=participant, organization=organization)
    transaction.on_commit(lambda: _queue_duplicates(participant))
    if consent:
        consent_record(user=user, participant=participant, data=consent)
    if program is not None:
        enrollment_create(
            user=user,
            participant=participant,
            program=program,
            organization=organization,
            data={"enrolled_on": timezone.localdate()},
        )
    return participant


def _queue_duplicates(participant: Participant) -> None:
    # Imported here: duplicate detection builds on this module.
    from minka.people.duplicates import duplicates_find_for

    duplicates_find_for(participant)


@transaction.atomic
def participant_update(*, user, participant: Participant, data: dict, dni: str | None = None) -> Participant:
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if not access.person_can_edit(user, participant):
        raise PermissionDenied(_("No tiene permiso para modificar los datos de esta persona."))
    if participant.anonymized_at:
        raise ApplicationError(_("Los datos de una persona anonimizada no se modifican."), code="anonymized")
    before = record_snapshot(participant)
    values = _only(data, PARTICIPANT_FIELDS)
    district = values.get("district", participant.district)
    values.update(_household_value(data, organization=participant.registered_by, district=district))
    if dni:
        values.update(_dni_fields(dni))
        _check_dni_free(values["dni_hash"], except_pk=participant.pk)
    for name, value in values.items():
        setattr(participant, name, value)
    _check_sensitive(participant)
    values["search_name"] = search_key(participant.full_name)
    record_save(participant, values)
    audit_update(actor=user, instance=participant, before=before, organization=participant.registered_by)
    return participant


@transaction.atomic
def consent_record(*, user, participant: Participant, data: dict) -> Consent:
    if not access.person_can_edit(user, participant):
        raise PermissionDenied(_("No tiene permiso para registrar el consentimiento de esta persona."))
    consent = record_save(Consent(participant=participant, recorded_by=user), _only(data, CONSENT_FIELDS))
    audit_create(actor=user, instance=consent, organization=participant.registered_by)
    return consent


@transaction.atomic
def consent_withdraw(*, user, consent: Consent, on_date=None) -> Consent:
    """Withdraws a consent; sensitive data no longer covered by a written consent is erased at once."""
    participant = Participant.objects.select_for_update().get(pk=consent.participant_id)
    if not access.person_can_edit(user, participant):
        raise PermissionDenied(_("No tiene permiso para modificar el consentimiento de esta persona."))
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on:
        return consent
    before = record_snapshot(consent)
    record_save(consent, {"withdrawn_on": on_date or timezone.localdate()})
    audit_update(actor=user, instance=consent, before=before, organization=participant.registered_by)
    if not has_written_sensitive_consent(participant):
        before = record_snapshot(participant)
        record_save(participant, {"ethnic_group": "", "disability": False, "deprived_of_liberty": False})
        audit_update(actor=user, instance=participant, before=before, organization=participant.registered_by)
        _trail_forget_sensitive(participant)
    return consent


def _participant_events(participant: Participant):
    return AuditEvent.objects.filter(model=Participant._meta.label_lower, object_id=str(participant.pk))


def _trail_forget_sensitive(participant: Participant) -> None:
    """Without consent the sensitive values may not be kept anywhere, the audit trail included: it keeps that
    they changed, not what they were."""
    for event in _participant_events(participant):
        changes = dict(event.changes or {})
        touched = [name for name in SENSITIVE_FIELDS if name in changes]
        if touched:
            for name in touched:
                changes[name] = [None, None]
            AuditEvent.objects.filter(pk=event.pk).update(changes=changes)


def _with_end_date(values: dict, *, status=EnrollmentStatus.ACTIVE, ended_on=None) -> dict:
    """An enrollment that has ended (completed, dropped) has an end date, today unless given; an active one none."""
    values = dict(values)
    if values.get("status", status) == EnrollmentStatus.ACTIVE:
        values["ended_on"] = None
    elif not values.get("ended_on", ended_on):
        values["ended_on"] = timezone.localdate()
    return values


@transaction.atomic
def enrollment_create(*, user, participant: Participant, program, organization, data: dict) -> Enrollment:
    """Enrolls a person in a program through an organization the user works for (or coordinates for)."""
    may_enroll = organization.pk in access.organization_ids(user, access.STAFF_ROLES) or access.program_can_edit(
        user, program
    )
    if not may_enroll or not access.programs_visible(user).filter(pk=program.pk).exists():
        raise PermissionDenied(_("No puede inscribir personas en ese programa por esa organización."))
    enrollment = record_save(
        Enrollment(participant=participant, program=program, organization=organization),
        _with_end_date(_only(data, ENROLLMENT_FIELDS)),
    )
    audit_create(actor=user, instance=enrollment, organization=organization, program=program)
    return enrollment


@transaction.atomic
def enrollment_update(*, user, enrollment: Enrollment, data: dict) -> Enrollment:
    enrollment = Enrollment.objects.select_for_update().select_related("program", "organization").get(pk=enrollment.pk)
    allowed = enrollment.organization_id in access.organization_ids(user, access.STAFF_ROLES)
    if not (allowed or access.program_can_edit(user, enrollment.program)):
        raise PermissionDenied(_("No tiene permiso para modificar esta inscripción."))
    before = record_snapshot(enrollment)
    values = _with_end_date(_only(data, ENROLLMENT_FIELDS), status=enrollment.status, ended_on=enrollment.ended_on)
    record_save(enrollment, values)
    audit_update(
        actor=user,
        instance=enrollment,
        before=before,
        organization=enrollment.organization,
        program=enrollment.program,
    )
    return enrollment


ANONYMOUS_NAME = "Persona anonimizada"
# An export is an access, not a change.
EXPORT_ACTION = AuditAction.ACCESS
# What anonymization keeps, so that every count of the past stays as it was: sex, year of birth (age
# bands), district and area, mother tongue, and every enrollment, attendance and enterprise membership.
ANONYMIZED_VALUES = {
    "given_names": ANONYMOUS_NAME,
    "paternal_surname": "",
    "maternal_surname": "",
    "birth_date": None,
    "dni_hash": "",
    "dni_last_digits": "",
    "phone": "",
    "ethnic_group": "",
    "disability": False,
    "deprived_of_liberty": False,
    "household": None,
}


@transaction.atomic
def participant_anonymize(*, user, participant: Participant) -> Participant:
    """The right of cancellation: erases what identifies her, here and in the audit trail, keeping the counts."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if not access.person_can_edit(user, participant):
        raise PermissionDenied(_("No tiene permiso para anonimizar a esta persona."))
    if participant.anonymized_at:
        return participant
    names = [participant.full_name, *(part for part in participant.full_name.split() if len(part) > 3)]
    values = dict(ANONYMIZED_VALUES)
    if participant.birth_date and not participant.birth_year:
        values["birth_year"] = participant.birth_date.year
    values["search_name"] = search_key(ANONYMOUS_NAME)
    values["anonymized_at"] = timezone.now()
    for name, value in values.items():
        setattr(participant, name, value)
    participant.save()
    # The trail keeps that she was registered and changed, not what she was called.
    _participant_events(participant).update(object_repr=ANONYMOUS_NAME, changes={})
    _trail_forget_name(participant_pk=participant.pk, names=names)
    audit_record(
        actor=user,
        action="update",
        instance=participant,
        changes={"anonymized_at": [None, "✓"]},
        organization=participant.registered_by,
    )
    return participant


def _trail_forget_name(*, participant_pk: int, names: list[str]) -> None:
    """Events about records that point at her (enrollments, attendance, memberships, loans…) name her in their
    description ("María Quispe · Programa"): her name is replaced there, whatever app the record belongs to."""
    pattern = re.compile("|".join(rf"\b{re.escape(name)}\b" for name in sorted(set(names), key=len, reverse=True)))

    def scrub(value):
        if isinstance(value, str):
            return pattern.sub(lambda found: ANONYMOUS_NAME if found.group(0) == names[0] else "…", value)
        if isinstance(value, list):
            return [scrub(item) for item in value]
        if isinstance(value, dict):
            return {key: scrub(item) for key, item in value.items()}
        return value

    for relation in Participant._meta.related_objects:
        if relation.many_to_many or relation.related_model is Participant:
            continue
        model = relation.related_model
        rows = model._base_manager.filter(**{relation.field.name: participant_pk}).values_list("pk", flat=True)
        ids = [str(pk) for pk in rows]
        if not ids:
            continue
        for event in AuditEvent.objects.filter(model=model._meta.label_lower, object_id__in=ids):
            event_repr, changes = scrub(event.object_repr), scrub(event.changes)
            if event_repr != event.object_repr or changes != event.changes:
                AuditEvent.objects.filter(pk=event.pk).update(object_repr=event_repr, changes=changes)


@transaction.atomic
def participant_access_record(*, user, participant: Participant) -> None:
    """An export of her data (the right of access) is itself recorded: who took her data, and when."""
    audit_record(
        actor=user,
        action=EXPORT_ACTION,
        instance=participant,
        changes={},
        organization=participant.registered_by,
    )


def participant_export(*, participant: Participant, user=None) -> dict:
    """The right of access: everything Minka holds about her, in plain words and values. With `user`, the export
    is recorded in the audit trail."""
    from minka.people.selectors import person_history

    if user is not None:
        participant_access_record(user=user, participant=participant)
    history = person_history(participant=participant)
    return {
        "nombres": participant.given_names,
        "apellido_paterno": participant.paternal_surname,
        "apellido_materno": participant.maternal_surname,
        "sexo": participant.get_sex_display(),
        "fecha_nacimiento": participant.birth_date.isoformat() if participant.birth_date else None,
        "año_nacimiento": participant.birth_year,
        "dni_ultimos_digitos": participant.dni_last_digits,
        "telefono": participant.phone,
        "lengua_materna": participant.get_mother_tongue_display() if participant.mother_tongue else "",
        "grupo_etnico": participant.ethnic_group,
        "area": participant.get_area_display() if participant.area else "",
        "distrito": participant.district.path if participant.district_id else "",
        "privada_de_libertad": participant.deprived_of_liberty,
        "discapacidad": participant.disability,
        "registrada_por": str(participant.registered_by),
        "consentimientos": [
            {
                "finalidad": c.purpose,
                "version": c.text_version,
                "forma": c.get_method_display(),
                "datos_sensibles": c.covers_sensitive_data,
                "fecha": c.given_on.isoformat(),
                "retirado": c.withdrawn_on.isoformat() if c.withdrawn_on else None,
            }
            for c in participant.consents.all()
        ],
        "inscripciones": [
            {
                "programa": e.program.name,
                "organizacion": str(e.organization),
                "fecha": e.enrolled_on.isoformat(),
                "estado": e.get_status_display(),
            }
            for e in history["enrollments"]
        ],
        "actividades": [
            {
                "actividad": row["activity"].title,
                "programa": row["activity"].program.name,
                "sesiones_asistidas": row["attended"],
                "sesiones_totales": row["total"],
                "concluida": row["completed"],
            }
            for row in history["activities"]
        ],
        "emprendimientos": [
            {
                "emprendimiento": m.enterprise.name,
                "rol": m.get_role_display(),
                "etapa": m.enterprise.get_stage_display(),
            }
            for m in history["enterprises"]
        ],
    }
