"""Duplicates across partners: finding the same woman registered twice, and merging the two records reversibly.

Detection compares people only inside small blocks, so it scales to a national registry. Two people can only
be proposed when they were born on the same day, or in the same year while living in the same district; so
everyone is read once, ordered by the `participant_dedupe_block` index (birth year, district), and within
each birth year compared only with those of the same district or the same birth date. A block too big to
compare pairwise is split further by a phonetic key of the surname. The scoring itself is a pure function on
plain values (`pair_score`), tested without the database.

A merge moves every row that points at the merged person to the kept one, found generically from the model
relations (so loans and jobs, added later, move too), and records every id it moved and every row it had to
delete (where the kept person already had the same enrollment or attendance), so that an undo restores the
two records exactly.
"""

import dataclasses
import datetime
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.apps import apps
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, router, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from rapidfuzz import fuzz

from minka.accounts import access
from minka.audit.models import AuditAction
from minka.audit.services import audit_record, record_snapshot
from minka.core.errors import ApplicationError, PermissionDenied
from minka.people.models import DuplicateCandidate, DuplicateStatus, Enrollment, Merge, Participant
from minka.people.services import search_key

NAME_MIN = 85  # `name_similarity` of the whole names below which two names are not "similar"
SURNAME_MIN = 80  # and of each surname: two Marías with different surnames are two women
BLOCK_SPLIT = 60  # a block with more people than this is split by the surname's phonetic key
# Same birth date, other districts: a wider net, so split sooner (about 40 people share a birthday per million).
DATE_BLOCK_SPLIT = 20
SCAN_CHUNK = 2000

# Pure scoring ---------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Person:
    """What detection needs to know of a registration: plain values, no database."""

    pk: int
    search_name: str
    surnames: tuple[str, str] = ("", "")  # paternal, maternal; plain (search_key)
    birth_date: datetime.date | None = None
    birth_year: int | None = None
    district_id: str | None = None
    dni_hash: str = ""
    organization_id: int | None = None


@dataclasses.dataclass
class ScanStats:
    """What a detection run did: how many people it read, blocks it formed, pairs it compared and found."""

    people: int = 0
    blocks: int = 0
    comparisons: int = 0
    found: int = 0
    created: int = 0


def _percent(value: float) -> str:
    return f"{round(value)}%"


def pair_score(a: Person, b: Person) -> tuple[Decimal, list[str]] | None:
    """How likely `a` and `b` are one person (0–100) and why, in Spanish; None when they are not candidates.

    The same DNI is certain (100). Two different DNIs are two people: a DNI is unique in the network. Otherwise
    the names must be similar (`name_similarity`) and so must the surnames (`surname_similarity`), and they must
    share the birth date, or the birth year and the district. The score weighs the names (up to 70), the birth
    (20 for the same day, 10 for the same year, 5 for the same year on two different recorded days) and the
    district (10).
    """
    if a.dni_hash and a.dni_hash == b.dni_hash:
        reasons = [_("mismo DNI")]
        reasons += _agreeing_facts(a, b)
        return Decimal("100.00"), reasons
    if a.dni_hash and b.dni_hash:
        return None
    name = name_similarity(a.search_name, b.search_name)
    if name < NAME_MIN:
        return None
    compared = surname_similarity(a.surnames, b.surnames)
    surname = name if compared is None else compared
    if surname < SURNAME_MIN:
        return None
    same_date = bool(a.birth_date) and a.birth_date == b.birth_date
    same_year = bool(a.birth_year) and a.birth_year == b.birth_year
    same_district = bool(a.district_id) and a.district_id == b.district_id
    if not (same_date or (same_year and same_district)):
        return None
    if same_date:
        birth = 20
    elif a.birth_date and b.birth_date:
        birth = 5  # same year but two different recorded days: weaker
    else:
        birth = 10
    score = 0.5 * name + 0.2 * surname + birth + (10 if same_district else 0)
    reasons = [_("nombres parecidos (%(percent)s)") % {"percent": _percent(name)}]
    if compared is not None:
        if a.surnames in (b.surnames, b.surnames[::-1]):
            reasons.append(_("mismos apellidos"))
        elif surname >= 100:
            reasons.append(_("apellidos que suenan igual"))
        else:
            reasons.append(_("apellidos parecidos (%(percent)s)") % {"percent": _percent(surname)})
    reasons += _agreeing_facts(a, b)
    return Decimal(str(round(min(score, 100.0), 2))).quantize(Decimal("0.01")), reasons


def name_similarity(first: str, second: str) -> float:
    """0–100: rapidfuzz's token_sort_ratio, which forgives word order ("Quispe Huamán María"), or the plain ratio
    when higher: sorting words apart that differ in their first letter (Quispe/Kispe) would hide the likeness."""
    return max(fuzz.token_sort_ratio(first, second), fuzz.ratio(first, second))


def surname_similarity(first: tuple[str, str], second: tuple[str, str]) -> float | None:
    """0–100: how alike the surnames are, each compared with its own (or both the other way round, for a record
    that wrote them swapped), as written or by their sounds, the least alike deciding; None when no surname can be
    compared."""
    best = None
    for other in (second, second[::-1]):
        scores = [
            max(fuzz.ratio(mine, theirs), fuzz.ratio(sounds(mine), sounds(theirs)))
            for mine, theirs in zip(first, other, strict=True)
            if mine and theirs
        ]
        if scores and (best is None or min(scores) > best):
            best = min(scores)
    return best


def _agreeing_facts(a: Person, b: Person) -> list[str]:
    facts = []
    if a.birth_date and a.birth_date == b.birth_date:
        facts.append(_("misma fecha de nacimiento"))
    elif a.birth_year and a.birth_year == b.birth_year:
        facts.append(_("mismo año de nacimiento"))
    if a.district_id and a.district_id == b.district_id:
        facts.append(_("mismo distrito"))
    return facts


# Quechua and Awajún surnames are written several ways by different hands: Quispe/Kispe, Huamán/Guamán/Waman,
# Ccori/Qori, Yupanqui/Yupanki. These rewrite a plain (search_key) word into one spelling per sound.
SOUNDS = (
    (re.compile(r"ch"), "\x00"),  # "ch" is one sound of its own: kept apart from c and the mute h
    (re.compile(r"qu(?=[ei])"), "k"),
    (re.compile(r"c(?=[ei])"), "s"),
    (re.compile(r"(?:cc|c|q|k)+"), "k"),
    (re.compile(r"\b(?:hu|gu|w)(?=[aeio])"), "w"),
    (re.compile(r"(?<=[aeiou])(?:hu|gu)(?=[aeio])"), "w"),
    (re.compile(r"h"), ""),
    (re.compile(r"z"), "s"),
    (re.compile(r"v"), "b"),
    (re.compile(r"ll"), "y"),
    (re.compile(r"y\b"), "i"),
    (re.compile(r"(.)\1+"), r"\1"),
    (re.compile("\x00"), "ch"),
)


def sounds(text: str) -> str:
    """A plain word or name written by its sounds: 'quispe huaman' and 'kispe guaman' both give 'kispe waman'."""
    for pattern, replacement in SOUNDS:
        text = pattern.sub(replacement, text)
    return text


def phonetic_key(text: str) -> str:
    """A coarse key of a surname's first sound, to split a big block without parting spelling variants."""
    return sounds(text or "")[:1]


def _key(person: Person) -> str:
    return phonetic_key(person.surnames[0] or person.surnames[1] or person.search_name)


def _split(block: list[Person], limit: int) -> Iterator[list[Person]]:
    """The block itself, or when bigger than `limit`, its parts by the phonetic key of the surname."""
    if len(block) <= limit:
        yield block
        return
    for _initial, group in itertools.groupby(sorted(block, key=_key), key=_key):
        yield list(group)


def _pair(a: Person, b: Person) -> tuple[int, int]:
    return (a.pk, b.pk) if a.pk < b.pk else (b.pk, a.pk)


def pairs_in_year(people: list[Person], stats: ScanStats) -> dict[tuple[int, int], tuple[Decimal, list[str]]]:
    """The candidate pairs among people born in one year: compared within a district, and within a birth date.

    A pair that was already compared in its district block is not compared again in its birth-date block.
    """
    found = {}
    by_district: dict[str, list[Person]] = {}
    by_date: dict[datetime.date, list[Person]] = {}
    for person in people:
        if person.district_id:
            by_district.setdefault(person.district_id, []).append(person)
        if person.birth_date:
            by_date.setdefault(person.birth_date, []).append(person)

    def compared_in_district(a: Person, b: Person) -> bool:
        if not a.district_id or a.district_id != b.district_id:
            return False
        return len(by_district[a.district_id]) <= BLOCK_SPLIT or _key(a) == _key(b)

    passes = ((by_district.values(), BLOCK_SPLIT, None), (by_date.values(), DATE_BLOCK_SPLIT, compared_in_district))
    for groups, limit, seen in passes:
        for group in groups:
            for block in _split(group, limit):
                if len(block) < 2:
                    continue
                stats.blocks += 1
                for a, b in itertools.combinations(block, 2):
                    if seen is not None and seen(a, b):
                        continue
                    stats.comparisons += 1
                    result = pair_score(a, b)
                    if result is not None:
                        found[_pair(a, b)] = result
    return found


def pairs_in(people: Iterable[Person], stats: ScanStats) -> Iterator[tuple[tuple[int, int], tuple[Decimal, list]]]:
    """Every candidate pair among `people`, which must come ordered by birth year. People without one are skipped."""
    for year, group in itertools.groupby(people, key=lambda person: person.birth_year):
        group = list(group)
        stats.people += len(group)
        if year is None:
            continue
        yield from pairs_in_year(group, stats).items()


# Detection against the database ---------------------------------------------------------------------------------

PERSON_COLUMNS = (
    "pk",
    "search_name",
    "paternal_surname",
    "maternal_surname",
    "birth_date",
    "birth_year",
    "district_id",
    "dni_hash",
    "registered_by_id",
)


def _person(row) -> Person:
    pk, name, paternal, maternal, born, year, district, dni, organization = row
    return Person(
        pk=pk,
        search_name=name,
        surnames=(search_key(paternal), search_key(maternal)),
        birth_date=born,
        birth_year=year or (born.year if born else None),
        district_id=district,
        dni_hash=dni,
        organization_id=organization,
    )


def _scope(program=None):
    people = Participant.objects.filter(merged_into__isnull=True, anonymized_at__isnull=True)
    if program is not None:
        enrolled = Enrollment.objects.filter(program=program).values("participant_id")
        people = people.filter(Q(pk__in=enrolled) | Q(registered_by__in=access.program_organization_ids(program)))
    return people


def _store(found: dict, stats: ScanStats) -> int:
    """Adds the pairs not yet proposed; a pair already in the queue, whatever its decision, is left as it is."""
    stats.found += len(found)
    pairs = list(found)
    new = []
    for start in range(0, len(pairs), 500):
        chunk = pairs[start : start + 500]
        existing = set(
            DuplicateCandidate.objects.filter(first_id__in={first for first, _second in chunk})
            .filter(second_id__in={second for _first, second in chunk})
            .values_list("first_id", "second_id")
        )
        for pair in chunk:
            if pair not in existing:
                score, reasons = found[pair]
                new.append(DuplicateCandidate(first_id=pair[0], second_id=pair[1], score=score, reasons=reasons))
    with transaction.atomic():
        DuplicateCandidate.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    stats.created += len(new)
    return len(new)


def duplicates_scan(*, program=None) -> ScanStats:
    """Finds candidate pairs among the people of `program` (or of the whole network) and queues the new ones."""
    stats = ScanStats()
    rows = (
        _scope(program)
        .filter(birth_year__isnull=False)
        .order_by("birth_year", "district", "pk")
        .values_list(*PERSON_COLUMNS)
        .iterator(chunk_size=SCAN_CHUNK)
    )
    found = {}
    with override("es"):  # reasons are stored in Spanish, the registry's language
        for pair, result in pairs_in((_person(row) for row in rows), stats):
            found[pair] = result
            if len(found) >= SCAN_CHUNK:
                _store(found, stats)
                found = {}
    _store(found, stats)
    return stats


def duplicates_find(*, program=None) -> int:
    """Queues the new candidate pairs of `program` (or of the whole network); returns how many were added."""
    return duplicates_scan(program=program).created


def duplicates_find_for(participant: Participant) -> int:
    """Queues the candidate pairs of one person, e.g. right after she is registered; returns how many were added."""
    person = _person([getattr(participant, column) for column in PERSON_COLUMNS])
    if person.birth_year is None or participant.merged_into_id or participant.anonymized_at:
        return 0
    near = Q(district=participant.district_id) if participant.district_id else Q(pk__in=[])
    if participant.birth_date:
        near |= Q(birth_date=participant.birth_date)
    others = _scope().filter(near, birth_year=person.birth_year).exclude(pk=participant.pk).values_list(*PERSON_COLUMNS)
    stats = ScanStats(people=1)
    found = {}
    with override("es"):
        for row in others.iterator(chunk_size=SCAN_CHUNK):
            other = _person(row)
            stats.comparisons += 1
            result = pair_score(person, other)
            if result is not None:
                found[_pair(person, other)] = result
    return _store(found, stats)


# Reading the queue ----------------------------------------------------------------------------------------------


def _enrollment_count(field: str):
    counts = (
        Enrollment.objects.filter(participant=OuterRef(field))
        .order_by()
        .values("participant")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counts), 0)


PERSON_JOINS = ("first__registered_by", "first__district", "second__registered_by", "second__district")


def _visible_pairs(user):
    visible = access.people_visible(user).values("pk")
    return DuplicateCandidate.objects.filter(first__in=visible, second__in=visible)


def duplicate_pending_list(*, user):
    """The pending pairs both of whose people the user may see, most likely first."""
    return (
        _visible_pairs(user)
        .filter(status=DuplicateStatus.PENDING)
        .select_related(*PERSON_JOINS)
        .annotate(first_enrollments=_enrollment_count("first"), second_enrollments=_enrollment_count("second"))
        .order_by("-score", "pk")
    )


def duplicate_get(*, user, pk: int) -> DuplicateCandidate:
    """A pair both of whose people the user may see; 404 otherwise, exactly as for a missing one."""
    candidate = (
        _visible_pairs(user)
        .select_related(*PERSON_JOINS, "reviewed_by")
        .annotate(first_enrollments=_enrollment_count("first"), second_enrollments=_enrollment_count("second"))
        .filter(pk=pk)
        .first()
    )
    if candidate is None:
        raise Http404
    return candidate


def merge_recent_list(*, user, limit: int = 10):
    """The latest merges (not undone) whose kept person the user may see."""
    visible = access.people_visible(user).values("pk")
    return (
        Merge.objects.filter(kept__in=visible, undone_at__isnull=True)
        .select_related("kept", "merged", "merged_by")
        .order_by("-created_at", "-pk")[:limit]
    )


def merge_get(*, user, pk: int) -> Merge:
    """A merge whose kept person the user may see; 404 otherwise."""
    visible = access.people_visible(user).values("pk")
    merge = Merge.objects.filter(pk=pk, kept__in=visible).select_related("kept", "merged", "merged_by").first()
    if merge is None:
        raise Http404
    return merge


# Deciding -------------------------------------------------------------------------------------------------------


def _check_may_edit_both(user, first: Participant, second: Participant) -> None:
    if not (access.person_can_edit(user, first) and access.person_can_edit(user, second)):
        raise PermissionDenied(_("Solo quien puede modificar los datos de ambas personas decide si son la misma."))


@transaction.atomic
def duplicate_mark_different(*, user, candidate: DuplicateCandidate) -> DuplicateCandidate:
    """Decides that the two registrations are two people: the pair is never proposed again."""
    candidate = DuplicateCandidate.objects.select_for_update().select_related("first", "second").get(pk=candidate.pk)
    _check_may_edit_both(user, candidate.first, candidate.second)
    if candidate.status != DuplicateStatus.PENDING:
        raise ApplicationError(_("Este par ya fue revisado."), code="already_reviewed")
    before = record_snapshot(candidate)
    candidate.status = DuplicateStatus.DIFFERENT
    candidate.reviewed_by = user
    candidate.reviewed_at = timezone.now()
    candidate.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        instance=candidate,
        changes={"status": [before["status"], candidate.status]},
        organization=candidate.first.registered_by,
    )
    return candidate


@transaction.atomic
def duplicate_merge(*, user, candidate: DuplicateCandidate, kept_id: int) -> Merge:
    """Decides that the two registrations are one person and merges them, keeping the one chosen."""
    candidate = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status != DuplicateStatus.PENDING:
        raise ApplicationError(_("Este par ya fue revisado."), code="already_reviewed")
    if kept_id not in (candidate.first_id, candidate.second_id):
        raise ApplicationError(
            _("Elija cuál de los dos registros se conserva."), fields={"keep": [_("Elija uno de los dos.")]}
        )
    merged_id = candidate.second_id if kept_id == candidate.first_id else candidate.first_id
    people = Participant.objects.in_bulk([kept_id, merged_id])
    return person_merge(user=user, kept=people[kept_id], merged=people[merged_id])


# Merging --------------------------------------------------------------------------------------------------------

# Copied into the kept record where it has nothing. Sensitive data (ethnic group, disability, deprivation of
# liberty) is not: it may only be held with the written consent of the record it was given for.
COPIED_FIELDS = (
    "paternal_surname",
    "maternal_surname",
    "birth_date",
    "birth_year",
    "phone",
    "mother_tongue",
    "area",
    "district",
    "household",
)


def person_relations() -> list[models.ForeignKey]:
    """Every foreign key that points at a person and moves with her in a merge, found from the models.

    Hidden relations (related_name "+", automatic many-to-many tables) count too. Merge rows are history and
    stay as they are; duplicate candidates are moved by their own rule (their pair must stay ordered).
    """
    relations = []
    for rel in Participant._meta.get_fields(include_hidden=True):
        if not (rel.is_relation and rel.auto_created and not rel.concrete) or rel.many_to_many:
            continue
        if rel.related_model in (Merge, DuplicateCandidate):
            continue
        relations.append(rel.field)
    return relations


def _relation_key(field) -> str:
    return f"{field.model._meta.label_lower}.{field.name}"


def _unique_sets(field) -> list[tuple[tuple[str, ...], Q | None]]:
    """The unique constraints that include `field`: the other fields of each, and its condition."""
    model = field.model
    sets = []
    if field.unique:
        sets.append(((), None))
    for together in model._meta.unique_together:
        if field.name in together:
            sets.append((tuple(name for name in together if name != field.name), None))
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields and field.name in constraint.fields:
            sets.append((tuple(name for name in constraint.fields if name != field.name), constraint.condition))
    return sets


def _clashes(row, field, kept: Participant) -> bool:
    """Whether `row`, moved to `kept`, would repeat a row `kept` already has (the same enrollment, attendance…)."""
    model = field.model
    for others, condition in _unique_sets(field):
        lookup = {field.name: kept}
        values = [getattr(row, model._meta.get_field(name).attname) for name in others]
        if any(value is None for value in values):
            continue  # NULLs never clash
        lookup.update({model._meta.get_field(name).attname: value for name, value in zip(others, values, strict=True)})
        same = model._base_manager.filter(**lookup).exclude(pk=row.pk)
        if condition is not None:
            if not model._base_manager.filter(condition, pk=row.pk).exists():
                continue
            same = same.filter(condition)
        if same.exists():
            return True
    return False


def _delete_recording(instance) -> list[dict]:
    """Deletes `instance` with what cascades from it; returns every deleted row, parents first, for an undo."""
    collector = Collector(using=router.db_for_write(type(instance)), origin=instance)
    try:
        collector.collect([instance])
    except (ProtectedError, RestrictedError):
        raise ApplicationError(
            _("No se puede fusionar: un registro repetido de la persona tiene otros registros que dependen de él."),
            code="merge_blocked",
        ) from None
    rows = [item for instances in collector.data.values() for item in instances]
    for queryset in collector.fast_deletes:
        rows.extend(queryset)
    serialized = json.loads(json.dumps(serializers.serialize("python", rows), cls=_ExactEncoder))
    collector.delete()
    return serialized


class _ExactEncoder(DjangoJSONEncoder):
    """Django's JSON encoder, but keeping the microseconds of a time, so a restored row is the row deleted."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


def _restore(rows: list[dict]) -> None:
    for item in serializers.deserialize("python", rows):
        item.save()


def _move_related(*, kept: Participant, merged: Participant, moved: dict) -> dict[str, int]:
    """Moves every row of `merged` to `kept`; a row `kept` already has is deleted from `merged` (recorded)."""
    counts = {}
    for field in person_relations():
        model = field.model
        rows = list(model._base_manager.filter(**{field.name: merged}).order_by("pk"))
        if not rows:
            continue
        ids = []
        for row in rows:
            if _clashes(row, field, kept):
                moved["deleted"].extend(_delete_recording(row))
            else:
                ids.append(row.pk)
        if ids:
            model._base_manager.filter(pk__in=ids).update(**{field.attname: kept.pk})
            moved["rows"][_relation_key(field)] = ids
        label = model._meta.label_lower
        counts[label] = counts.get(label, 0) + len(rows)
    return counts


def _move_candidates(*, user, kept: Participant, merged: Participant, moved: dict) -> None:
    """Re-points the merged person's candidate pairs to the kept one; the pair of the two becomes "same"."""
    now = timezone.now()
    rows = DuplicateCandidate.objects.filter(Q(first=merged) | Q(second=merged)).order_by("pk")
    for row in rows:
        other = row.second_id if row.first_id == merged.pk else row.first_id
        if other == kept.pk:
            moved["decided"].append(
                {
                    "pk": row.pk,
                    "status": row.status,
                    "reviewed_by": row.reviewed_by_id,
                    "reviewed_at": row.reviewed_at.isoformat() if row.reviewed_at else None,
                }
            )
            DuplicateCandidate.objects.filter(pk=row.pk).update(
                status=DuplicateStatus.SAME, reviewed_by=user, reviewed_at=now, updated_at=now
            )
            continue
        first, second = sorted((kept.pk, other))
        existing = DuplicateCandidate.objects.filter(first_id=first, second_id=second).first()
        if existing is not None:
            # Keep what a person decided over what is still pending.
            if existing.status == DuplicateStatus.PENDING and row.status != DuplicateStatus.PENDING:
                moved["deleted"].extend(_delete_recording(existing))
            else:
                moved["deleted"].extend(_delete_recording(row))
                continue
        moved["candidates"].append([row.pk, row.first_id, row.second_id])
        DuplicateCandidate.objects.filter(pk=row.pk).update(first_id=first, second_id=second)


def _copy_missing(*, kept: Participant, merged: Participant, moved: dict) -> dict:
    """Fills the kept record's empty fields from the merged one; returns the audit changes."""
    if kept.anonymized_at or merged.anonymized_at:
        return {}
    values = {}
    for name in COPIED_FIELDS:
        field = Participant._meta.get_field(name)
        mine, theirs = getattr(kept, field.attname), getattr(merged, field.attname)
        if mine in (None, "") and theirs not in (None, ""):
            values[field.attname] = theirs
    born = values.get("birth_date")
    if born and kept.birth_year and born.year != kept.birth_year:
        values.pop("birth_date")  # the two records disagree on the year: keep what the kept one says
    if not kept.dni_hash and merged.dni_hash:
        values["dni_hash"] = merged.dni_hash
        values["dni_last_digits"] = merged.dni_last_digits
    if not values:
        return {}
    before = record_snapshot(kept)
    # Only the names: the values stay in the merged record, and are not copied where anonymization cannot reach.
    moved["fields"] = sorted(values)
    for name, value in values.items():
        setattr(kept, name, value)
    if "paternal_surname" in values or "maternal_surname" in values:
        kept.search_name = search_key(kept.full_name)
    _validate(kept)
    kept.save(update_fields=[*values, "search_name", "updated_at"])
    after = record_snapshot(kept)
    return {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}


def _validate(participant: Participant) -> None:
    try:
        participant.full_clean()
    except ValidationError as error:
        raise ApplicationError.from_validation_error(error) from None


def _lock_pair(first_id: int, second_id: int) -> dict[int, Participant]:
    """Locks both people, always the lower key first, so two merges of the same pair cannot deadlock."""
    return {
        person.pk: person
        for person in Participant.objects.select_for_update().filter(pk__in=[first_id, second_id]).order_by("pk")
    }


def _moved_summary(counts: dict[str, int]) -> str:
    return ", ".join(f"{label}: {count}" for label, count in sorted(counts.items())) or "—"


@transaction.atomic
def person_merge(*, user, kept: Participant, merged: Participant) -> Merge:
    """Merges `merged` into `kept`: every record of hers moves to `kept`, which fills its empty fields from hers.

    Refuses a person with herself and a person already merged. The merged record stays, pointing at the kept
    one (`merged_into`), out of every list and count; the `Merge` row holds what is needed to undo it.
    """
    if kept.pk == merged.pk:
        raise ApplicationError(_("No se puede fusionar a una persona consigo misma."), code="same_person")
    people = _lock_pair(kept.pk, merged.pk)
    if len(people) != 2:
        raise ApplicationError(_("Una de las dos personas ya no existe."), code="missing")
    kept, merged = people[kept.pk], people[merged.pk]
    if kept.merged_into_id or merged.merged_into_id:
        raise ApplicationError(
            _("Uno de los dos registros ya fue fusionado con otro; revise el registro que se conservó."),
            code="already_merged",
        )
    _check_may_edit_both(user, kept, merged)

    moved = {"rows": {}, "deleted": [], "candidates": [], "decided": [], "fields": []}
    # The merged record leaves the registry first, freeing her DNI for the kept record when it has none.
    merged.merged_into = kept
    merged.save(update_fields=["merged_into", "updated_at"])
    counts = _move_related(kept=kept, merged=merged, moved=moved)
    _move_candidates(user=user, kept=kept, merged=merged, moved=moved)
    copied = _copy_missing(kept=kept, merged=merged, moved=moved)

    merge = Merge.objects.create(kept=kept, merged=merged, moved=moved, merged_by=user)
    summary = _moved_summary(counts)
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        instance=kept,
        changes={**copied, "fusión": [None, f"#{merged.pk} → #{kept.pk}"], "registros trasladados": [None, summary]},
        organization=kept.registered_by,
    )
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        instance=merged,
        changes={"merged_into": [None, str(kept.pk)], "registros trasladados": [summary, None]},
        organization=merged.registered_by,
    )
    return merge


@transaction.atomic
def merge_undo(*, user, merge: Merge) -> Merge:
    """Undoes a merge exactly from what it recorded: rows go back, deleted rows return, copied fields empty again.

    Merges are undone newest first: a later merge into the same person is undone before an earlier one.
    """
    merge = Merge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at:
        raise ApplicationError(_("Esta fusión ya fue deshecha."), code="already_undone")
    people = _lock_pair(merge.kept_id, merge.merged_id)
    kept, merged = people[merge.kept_id], people[merge.merged_id]
    if kept.merged_into_id or merged.merged_into_id != kept.pk:
        raise ApplicationError(
            _("El registro conservado fue fusionado después con otro: deshaga primero esa fusión."),
            code="merged_since",
        )
    if not access.person_can_edit(user, kept):
        raise PermissionDenied(_("No tiene permiso para deshacer esta fusión."))
    later = Merge.objects.filter(kept=kept, undone_at__isnull=True, pk__gt=merge.pk).exists()
    if later:
        raise ApplicationError(
            _("Hay fusiones posteriores en este registro: deshágalas primero, de la más reciente a la más antigua."),
            code="later_merges",
        )
    moved = merge.moved or {}
    before = record_snapshot(kept)

    # Copied fields first: the kept record gives the DNI back before the merged one returns with it. They were
    # empty before the merge; those changed since (no longer the merged record's value) are left as they are.
    restored = []
    for name in moved.get("fields") or []:
        if getattr(kept, name) == getattr(merged, name):
            setattr(kept, name, None if Participant._meta.get_field(name).null else "")
            restored.append(name)
    if restored:
        kept.search_name = search_key(kept.full_name)
        kept.save(update_fields=[*restored, "search_name", "updated_at"])

    for key, ids in (moved.get("rows") or {}).items():
        label, field_name = key.rsplit(".", 1)
        model = _model(label)
        field = model._meta.get_field(field_name)
        model._base_manager.filter(pk__in=ids, **{field.attname: kept.pk}).update(**{field.attname: merged.pk})
    for pk, first, second in moved.get("candidates") or []:
        DuplicateCandidate.objects.filter(pk=pk).update(first_id=first, second_id=second)
    for decided in moved.get("decided") or []:
        reviewed_at = decided["reviewed_at"]
        DuplicateCandidate.objects.filter(pk=decided["pk"]).update(
            status=decided["status"],
            reviewed_by_id=decided["reviewed_by"],
            reviewed_at=datetime.datetime.fromisoformat(reviewed_at) if reviewed_at else None,
        )

    if (
        merged.dni_hash
        and Participant.objects.filter(dni_hash=merged.dni_hash, merged_into__isnull=True)
        .exclude(pk=merged.pk)
        .exists()
    ):
        raise ApplicationError(
            _("No se puede deshacer: otra persona fue registrada después con el DNI del registro fusionado."),
            code="duplicate_dni",
        )
    merged.merged_into = None
    merged.save(update_fields=["merged_into", "updated_at"])
    _restore(moved.get("deleted") or [])

    if not access.person_can_edit(user, merged):
        # Judged once her records are back, as before the merge; the transaction undoes all of the above.
        raise PermissionDenied(_("No tiene permiso para deshacer esta fusión."))
    merge.undone_at = timezone.now()
    merge.undone_by = user
    merge.save(update_fields=["undone_at", "undone_by", "updated_at"])
    after = record_snapshot(kept)
    changes = {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        instance=kept,
        changes={**changes, "fusión deshecha": [f"#{merged.pk} → #{kept.pk}", None]},
        organization=kept.registered_by,
    )
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        instance=merged,
        changes={"merged_into": [str(kept.pk), None]},
        organization=merged.registered_by,
    )
    return merge


def _model(label: str):
    return apps.get_model(label)
