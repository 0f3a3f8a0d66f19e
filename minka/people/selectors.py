"""Reading the registry: every query scoped by `access.people_visible`, so a hidden person is a 404 like a missing one.

Name search at national scale (a million people): the database narrows the registry to a bounded set of candidates
whose `search_name` (lower case, no accents) holds, for every word typed, one of that word's three-letter pieces —
so one typo per word still finds her — and rapidfuzz ranks those candidates. On PostgreSQL the prefilter is plain
`LIKE '%…%'`, which a trigram index on `search_name` serves when one is added.
"""

import re
from functools import reduce
from operator import or_

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from rapidfuzz import fuzz

from minka.accounts import access
from minka.people.identity import InvalidDni, dni_hash, dni_normalize
from minka.people.models import Consent, Enrollment, Participant
from minka.people.services import search_key

# How many rows the database hands to rapidfuzz at most, and how many ranked matches a search shows.
MAX_CANDIDATES = 2000
MAX_MATCHES = 200
# A typed word counts as found in a name when one of the name's words is this similar to it (0–100).
WORD_MATCH = 80
# Likely duplicates on the create form: this similar a name, with the same birth year and district.
DUPLICATE_NAME_MATCH = 85


def people_page_allowed(user) -> bool:
    """Whether the user works with personal data at all. Funders and people without an organization do not: the
    registry does not exist for them (404), so its pages do not even say how many people it holds."""
    return bool(
        access.is_network_admin(user)
        or access.organization_ids(user, access.PERSONAL_DATA_ROLES)
        or access.whole_program_ids(user)
    )


def _visible(user) -> QuerySet:
    if not people_page_allowed(user):
        return Participant.objects.none()
    return access.people_visible(user)


def person_list(*, user, q: str = "", program=None, organization=None, district: str = "", sex: str = ""):
    """The people the user sees, filtered. Without a search: a QuerySet by surname. With a name: a list ranked by
    how well each name matches (best first). With a DNI (8 digits, check character optional): that person, if the
    user sees her."""
    people = _visible(user)
    if program is not None:
        people = people.filter(pk__in=Enrollment.objects.filter(program=program).values("participant_id"))
    if organization is not None:
        enrolled = Enrollment.objects.filter(organization=organization).values("participant_id")
        people = people.filter(Q(registered_by=organization) | Q(pk__in=enrolled))
    if district:
        people = people.filter(district__code__startswith=district)
    if sex:
        people = people.filter(sex=sex)
    people = people.select_related("registered_by", "district")
    q = (q or "").strip()
    if not q:
        return people
    if is_dni_query(q):
        try:
            return people.filter(dni_hash=dni_hash(dni_normalize(q)))
        except InvalidDni:
            return people.none()  # an incomplete or mistyped DNI finds no one
    return _name_search(people, search_key(q))


def enrollments_of(*, user, people, program=None, organization=None) -> QuerySet:
    """The enrollments of the listed people (a QuerySet, or the ranked list of a name search) that the user sees:
    those of her organizations and of the programs she coordinates or audits; with the list's program or
    organization filter, only those."""
    visible = access.field_records_visible_filter(user)
    if visible is None:
        return Enrollment.objects.none()
    ids = people.values("pk") if isinstance(people, QuerySet) else [person.pk for person in people]
    enrollments = Enrollment.objects.filter(visible, participant__in=ids)
    if program is not None:
        enrollments = enrollments.filter(program=program)
    if organization is not None:
        enrollments = enrollments.filter(organization=organization)
    return enrollments.select_related("participant", "program", "organization").order_by(
        "participant__paternal_surname", "participant__given_names", "participant_id", "enrolled_on", "pk"
    )


def is_dni_query(text: str) -> bool:
    """Whether a search is (the start of) a DNI: digits, perhaps with dots, spaces or a check character."""
    compact = re.sub(r"[\s.\-]", "", text or "")
    return bool(re.fullmatch(r"\d+[0-9A-Ka-k]?", compact))


def _word_pieces(word: str) -> set[str]:
    """The three-letter pieces of a word ('huaman' → hua, uam, ama, man); short words as they are."""
    if len(word) <= 3:
        return {word}
    return {word[i : i + 3] for i in range(len(word) - 2)}


def name_prefilter(key: str) -> Q | None:
    """Names holding, for every word of `key`, one of its three-letter pieces. None when nothing was typed."""
    words = [word for word in key.split() if word]
    if not words:
        return None
    return reduce(
        lambda left, right: left & right,
        (reduce(or_, (Q(search_name__contains=piece) for piece in sorted(_word_pieces(word)))) for word in words),
    )


def name_score(key: str, name: str) -> float:
    """How well a typed search matches a stored name (both `search_key`s), 0–100.

    Every typed word must be found among the name's words (a typo allowed; the start of a word counts, for people
    who type 'mar' for 'maria'); the score is the mean of the words' best matches, or rapidfuzz's token-set ratio
    over the whole name when that is higher (words run together, surnames swapped)."""
    typed, stored = key.split(), name.split()
    if not typed or not stored:
        return 0.0
    per_word = []
    for word in typed:
        best = max(100.0 if part.startswith(word) and len(word) >= 3 else fuzz.ratio(word, part) for part in stored)
        per_word.append(best)
    words_score = sum(per_word) / len(per_word) if min(per_word) >= WORD_MATCH - 10 else 0.0
    return max(words_score, fuzz.token_set_ratio(key, name) if len(typed) > 1 else 0.0)


def _name_search(people: QuerySet, key: str) -> list[Participant]:
    prefilter = name_prefilter(key)
    if prefilter is None:
        return []
    candidates = people.filter(prefilter).values_list("pk", "search_name")[:MAX_CANDIDATES]
    scored = [(name_score(key, name), name, pk) for pk, name in candidates]
    ranked = sorted((row for row in scored if row[0] >= WORD_MATCH), key=lambda row: (-row[0], row[1], row[2]))
    ranked = ranked[:MAX_MATCHES]
    rows = people.in_bulk([pk for _score, _name, pk in ranked])
    found = []
    for score, _name, pk in ranked:
        person = rows[pk]
        person.match_score = round(score)
        found.append(person)
    return found


def person_get(*, user, participant_id: int) -> Participant:
    """A person the user sees; 404 for a missing, hidden or merged-away one alike."""
    return get_object_or_404(
        _visible(user).select_related("registered_by", "district__parent__parent", "household"), pk=participant_id
    )


def consent_get(*, user, consent_id: int) -> Consent:
    return get_object_or_404(
        Consent.objects.select_related("participant").filter(participant__in=_visible(user).values("pk")),
        pk=consent_id,
    )


def enrollment_get(*, user, enrollment_id: int) -> Enrollment:
    """An enrollment of a person the user sees, in a program the user sees."""
    return get_object_or_404(
        Enrollment.objects.select_related("participant", "program", "organization").filter(
            participant__in=_visible(user).values("pk"), program__in=access.programs_visible(user).values("pk")
        ),
        pk=enrollment_id,
    )


def person_consents(*, participant: Participant) -> QuerySet:
    return participant.consents.select_related("recorded_by")


def person_history(*, participant: Participant, user=None) -> dict:
    """Her enrollments, the activities she attended (sessions attended of the total, and whether that meets the
    activity's completion rule), and the enterprises she belongs to (role and stage).

    With `user`, only what that user may see of other organizations' work: enrollments in the programs they see,
    activities and enterprises they see (`access.field_records_visible_filter`). Without, everything (her export).
    Four queries, whatever her history holds."""
    from minka.activities.models import Activity, Attendance
    from minka.enterprises.models import EnterpriseMember

    enrollments = participant.enrollments.select_related("program", "organization")
    activities = Activity.objects.all()
    memberships = EnterpriseMember.objects.filter(participant=participant).select_related("enterprise")
    if user is not None:
        enrollments = enrollments.filter(program__in=access.programs_visible(user).values("pk"))
        seen = access.field_records_visible_filter(user)
        if seen is None:
            activities, memberships = activities.none(), memberships.none()
        else:
            activities = activities.filter(seen)
            seen_enterprises = access.field_records_visible_filter(
                user, organization_field="enterprise__organization", program_field="enterprise__program"
            )
            memberships = memberships.filter(seen_enterprises)
    attended = dict(
        Attendance.objects.filter(participant=participant)
        .values("session__activity")
        .annotate(count=Count("pk"))
        .values_list("session__activity", "count")
    )
    rows = []
    if attended:
        for activity in (
            activities.filter(pk__in=list(attended))
            .select_related("program", "activity_type", "organization")
            .annotate(total=Count("sessions"))
            .order_by("-start_date", "title", "pk")
        ):
            count = attended[activity.pk]
            rows.append(
                {
                    "activity": activity,
                    "attended": count,
                    "total": activity.total,
                    "percent": round(100 * count / activity.total) if activity.total else 0,
                    "completed": bool(activity.total) and 100 * count >= activity.completion_percent * activity.total,
                }
            )
    return {"enrollments": list(enrollments), "activities": rows, "enterprises": list(memberships)}


def likely_duplicates(*, user, data: dict, exclude_pk: int | None = None) -> dict:
    """Who a person about to be registered may already be, for the create form.

    `dni_taken`: a person with that DNI is registered anywhere in the network (said without naming her, as she may
    belong to an organization the user does not see). `people`: the people the user sees with that DNI, or with a
    name this similar (rapidfuzz ≥ 85) born the same year — or on the same day — in the same district, best first.
    """
    found: dict[int, Participant] = {}
    dni_taken = False
    dni = (data.get("dni") or "").strip()
    if dni:
        try:
            hashed = dni_hash(dni_normalize(dni))
        except InvalidDni:
            hashed = None
        if hashed:
            same = Participant.objects.filter(dni_hash=hashed, merged_into__isnull=True)
            if exclude_pk:
                same = same.exclude(pk=exclude_pk)
            dni_taken = same.exists()
            if dni_taken:
                for person in _visible(user).filter(dni_hash=hashed).select_related("registered_by", "district"):
                    person.match_reason = "dni"
                    person.match_score = 100
                    found[person.pk] = person
    name = " ".join(
        str(data.get(part) or "") for part in ("given_names", "paternal_surname", "maternal_surname")
    ).strip()
    key = search_key(name)
    birth_date = data.get("birth_date")
    year = birth_date.year if birth_date else data.get("birth_year")
    district = data.get("district")
    if key and year and district:
        block = _visible(user).filter(birth_year=year, district=district)
        if exclude_pk:
            block = block.exclude(pk=exclude_pk)
        prefilter = name_prefilter(key)
        candidates = block.filter(prefilter).values_list("pk", "search_name", "birth_date")[:MAX_CANDIDATES]
        scores = {}
        for pk, stored, born in candidates:
            if birth_date and born and born != birth_date:
                continue  # both dates known and different: not her
            score = max(fuzz.token_sort_ratio(key, stored), fuzz.token_set_ratio(key, stored))
            if score >= DUPLICATE_NAME_MATCH and pk not in found:
                scores[pk] = score
        for person in _visible(user).filter(pk__in=list(scores)).select_related("registered_by", "district"):
            person.match_reason = "name"
            person.match_score = round(scores[person.pk])
            found[person.pk] = person
    people = sorted(found.values(), key=lambda person: (-person.match_score, person.search_name, person.pk))
    return {"dni_taken": dni_taken, "people": people}
