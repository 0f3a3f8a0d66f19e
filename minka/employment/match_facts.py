"""The facts matching needs (`minka.employment.matching`), read from the database in a few bulk queries.

Every function takes the caller's querysets, already scoped to what the user may see, and reads in a fixed number
of queries whatever their size: the rows themselves, then each many-to-many and the workshop attendance grouped
in the database, joined here by id.

Readiness counts the job-search workshops (activities whose type is of category `job_search`) of the seeker's own
program: the sessions she attended, the sessions those workshops held, and the workshops she completed — by the
rule the results engine uses (`minka.results.measures.completed_people`): attended at least the activity's
completion share of the sessions it held, and the activity has ended.
"""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, F, QuerySet
from django.utils import timezone

from minka.activities.models import ActivityCategory, Attendance, Session
from minka.employment.matching import (
    Match,
    MatchFilter,
    Place,
    SeekerFacts,
    SkillFact,
    VacancyFacts,
    rank_seekers,
    rank_vacancies,
)
from minka.employment.models import JobSeeker, SeekerStatus, Vacancy, VacancyStatus


@dataclass(frozen=True, slots=True)
class Readiness:
    sessions_attended: int = 0
    sessions_held: int = 0
    workshops_attended: int = 0
    workshops_completed: int = 0


NOT_STARTED = Readiness()


def readiness(seekers: QuerySet, *, today: datetime.date | None = None) -> dict[int, Readiness]:
    """Per seeker id, the job-search workshops of her program she attended (three queries); absent when none."""
    rows = seekers.order_by().values_list("pk", "participant_id", "program_id")
    return _readiness(list(rows), seekers, today=today or timezone.localdate())


def _readiness(seekers_rows: list, seekers: QuerySet, *, today: datetime.date) -> dict[int, Readiness]:
    """`seekers_rows` are the (id, participant id, program id) of `seekers`, already read."""
    seeker_of = {(participant_id, program_id): pk for pk, participant_id, program_id in seekers_rows}
    if not seeker_of:
        return {}
    attendance = Attendance.objects.filter(
        participant_id__in=seekers.order_by().values("participant_id"),
        session__activity__program_id__in=seekers.order_by().values("program_id"),
        session__activity__activity_type__category=ActivityCategory.JOB_SEARCH,
    )
    # One row per (session, person) (attendance_once_per_session): counting rows counts the sessions attended.
    attended = (
        attendance.values(
            "participant_id",
            activity=F("session__activity_id"),
            program=F("session__activity__program_id"),
            share=F("session__activity__completion_percent"),
            ended=F("session__activity__end_date"),
        )
        .annotate(attended=Count("pk"))
        .order_by()
    )
    rows = list(attended)
    if not rows:
        return {}
    held = dict(
        Session.objects.filter(activity_id__in=attendance.values("session__activity_id"))
        .values_list("activity_id")
        .annotate(held=Count("pk"))
        .order_by()
    )
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row in rows:
        seeker_id = seeker_of.get((row["participant_id"], row["program"]))
        if seeker_id is None:
            continue  # a workshop of another program she is in, where she is not a seeker
        sessions = held.get(row["activity"], 0)
        total = totals[seeker_id]
        total[0] += row["attended"]
        total[1] += sessions
        total[2] += 1
        # The results engine's rule, in whole numbers: attended × 100 ≥ share × held.
        if row["ended"] <= today and row["attended"] * 100 >= row["share"] * sessions:
            total[3] += 1
    return {seeker_id: Readiness(*numbers) for seeker_id, numbers in totals.items()}


def readiness_of(seeker: JobSeeker, *, today: datetime.date | None = None) -> Readiness:
    """One seeker's readiness, for her profile page."""
    return readiness(JobSeeker.objects.filter(pk=seeker.pk), today=today).get(seeker.pk, NOT_STARTED)


def _place(code, name, latitude, longitude) -> Place | None:
    if code is None:
        return None
    return Place(
        code,
        name or "",
        None if latitude is None else float(latitude),
        None if longitude is None else float(longitude),
    )


def _age(born: datetime.date | None, year: int | None, today: datetime.date) -> int | None:
    """Age in whole years as `Participant.age_on` counts it (from the year alone, as of 1 July)."""
    if born is None and year:
        born = datetime.date(year, 7, 1)
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def seeker_facts(seekers: QuerySet, *, today: datetime.date | None = None) -> list[SeekerFacts]:
    """The facts of the seekers in `seekers` (a scoped queryset), in five queries whatever their number."""
    today = today or timezone.localdate()
    rows = list(
        seekers.order_by().values(
            "pk",
            "education_level",
            "max_travel_km",
            "availability",
            "available_from",
            "participant_id",
            "program_id",
            sex=F("participant__sex"),
            born=F("participant__birth_date"),
            year=F("participant__birth_year"),
            code=F("participant__district_id"),
            place=F("participant__district__name"),
            latitude=F("participant__district__latitude"),
            longitude=F("participant__district__longitude"),
        )
    )
    if not rows:
        return []
    ids = seekers.order_by().values("pk")
    skills: dict[int, set[int]] = defaultdict(set)
    for seeker_id, skill_id in JobSeeker.skills.through.objects.filter(jobseeker_id__in=ids).values_list(
        "jobseeker_id", "skill_id"
    ):
        skills[seeker_id].add(skill_id)
    preferred: dict[int, set[str]] = defaultdict(set)
    for seeker_id, code in JobSeeker.preferred_districts.through.objects.filter(jobseeker_id__in=ids).values_list(
        "jobseeker_id", "territory_id"
    ):
        preferred[seeker_id].add(code)
    ready = _readiness([(row["pk"], row["participant_id"], row["program_id"]) for row in rows], seekers, today=today)
    facts = []
    for row in rows:
        seeker_id = row["pk"]
        workshops = ready.get(seeker_id, NOT_STARTED)
        facts.append(
            SeekerFacts(
                id=seeker_id,
                skill_ids=frozenset(skills.get(seeker_id, ())),
                education_level=row["education_level"],
                district=_place(row["code"], row["place"], row["latitude"], row["longitude"]),
                preferred_district_codes=frozenset(preferred.get(seeker_id, ())),
                max_travel_km=row["max_travel_km"],
                availability=row["availability"],
                available_from=row["available_from"],
                sessions_attended=workshops.sessions_attended,
                sessions_held=workshops.sessions_held,
                workshops_completed=workshops.workshops_completed,
                sex=row["sex"],
                age=_age(row["born"], row["year"], today),
            )
        )
    return facts


def vacancy_facts(vacancies: QuerySet) -> list[VacancyFacts]:
    """The facts of the vacancies in `vacancies` (a scoped queryset), in three queries whatever their number."""
    rows = list(
        vacancies.order_by().values(
            "pk",
            "availability",
            "hours_per_week",
            "contract_type",
            "sector",
            "closes_on",
            code=F("district_id"),
            place=F("district__name"),
            latitude=F("district__latitude"),
            longitude=F("district__longitude"),
        )
    )
    if not rows:
        return []
    ids = vacancies.order_by().values("pk")
    wanted = {}
    for relation in (Vacancy.required_skills, Vacancy.desirable_skills):
        by_vacancy: dict[int, list[SkillFact]] = defaultdict(list)
        links = relation.through.objects.filter(vacancy_id__in=ids).order_by("skill__name", "skill_id")
        for vacancy_id, skill_id, name in links.values_list("vacancy_id", "skill_id", "skill__name"):
            by_vacancy[vacancy_id].append(SkillFact(skill_id, name))
        wanted[relation] = by_vacancy
    return [
        VacancyFacts(
            id=row["pk"],
            required_skills=tuple(wanted[Vacancy.required_skills].get(row["pk"], ())),
            desirable_skills=tuple(wanted[Vacancy.desirable_skills].get(row["pk"], ())),
            district=_place(row["code"], row["place"], row["latitude"], row["longitude"]),
            availability=row["availability"],
            hours_per_week=row["hours_per_week"],
            contract_type=row["contract_type"],
            sector=row["sector"],
            closes_on=row["closes_on"],
        )
        for row in rows
    ]


def seekers_for_vacancy(
    *,
    vacancy: Vacancy,
    seekers: QuerySet,
    filters: MatchFilter | None = None,
    limit: int | None = None,
    today: datetime.date | None = None,
) -> Sequence[Match]:
    """The active seekers of the vacancy's program among `seekers` (the user's), ranked for it."""
    facts = vacancy_facts(Vacancy.objects.filter(pk=vacancy.pk))
    if not facts:
        return []
    candidates = seekers.filter(program_id=vacancy.program_id, status=SeekerStatus.ACTIVE)
    return rank_seekers(facts[0], seeker_facts(candidates, today=today), filters=filters, limit=limit)


def vacancies_for_seeker(
    *,
    seeker: JobSeeker,
    vacancies: QuerySet,
    filters: MatchFilter | None = None,
    limit: int | None = None,
    today: datetime.date | None = None,
) -> Sequence[Match]:
    """The open vacancies of the seeker's program among `vacancies` (the user's), ranked for her."""
    facts = seeker_facts(JobSeeker.objects.filter(pk=seeker.pk), today=today)
    if not facts:
        return []
    candidates = vacancies.filter(program_id=seeker.program_id, status=VacancyStatus.OPEN)
    return rank_vacancies(facts[0], vacancy_facts(candidates), filters=filters, limit=limit)
