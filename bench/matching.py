"""Times job matching (`minka.employment.matching`): 10,000 seekers ranked for each of 1,000 vacancies.

    uv run python bench/matching.py [--seekers 10000] [--vacancies 1000] [--seed 1]
    uv run python bench/matching.py --database sqlite:///var/bench-matching.sqlite3      # and loading from a database

The seekers and vacancies are built beforehand, as `match_facts` would load them, in the districts of Cusco and
Amazonas departments with INEI's coordinates (Quispicanchi and Condorcanqui weigh most): 2 to 8 skills each from a
catalogue of 40, preferred districts, travel ranges of 5 to 50 km, every availability, workshop attendance, sex and
age. Each vacancy asks 1 to 4 required and 0 to 3 desirable skills. It prints, each line timed apart:

- every seeker ranked in full for every vacancy (the page lists them all), and only the best 20 (a shortlist);
- the same for young women only (a filter of sex and age, as programs for women and youth use);
- every vacancy ranked for each of 1,000 seekers;
- the explanation of the 20 best matches of a vacancy (the sentences a page shows);
- peak memory (tracemalloc) for the facts, and above them for ranking one vacancy in full.

With `--database` (a new SQLite file, or a PostgreSQL URL: a database of its own beside the one named, dropped at
the end), the same seekers and vacancies are also written as records (people, profiles, skills, preferred
districts, a job-search workshop's attendance) and it times `match_facts` loading them, with its query count, and a
vacancy's page of matches end to end (load every active seeker of the program, rank, the best 200).
"""

import argparse
import csv
import datetime
import os
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

TERRITORIES = Path(__file__).resolve().parent.parent / "minka" / "network" / "data" / "territories.csv"
DEPARTMENTS = ("08", "01")  # Cusco, Amazonas
HOME_PROVINCES = ("0812", "0104")  # Quispicanchi, Condorcanqui: where the job service works
AVAILABILITIES = ("full_time", "full_time", "part_time", "weekends", "seasonal")
LEVELS = ("none", "primary", "secondary_incomplete", "secondary", "secondary", "technical", "university")
SKILLS = 40


def _arguments(argv):
    parser = argparse.ArgumentParser(description="Mide el emparejamiento de buscadores de empleo y vacantes.")
    parser.add_argument("--seekers", type=int, default=10_000, help="Buscadores de empleo.")
    parser.add_argument("--vacancies", type=int, default=1_000, help="Vacantes.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", default="", help="URL de una base SQLite nueva o de PostgreSQL (opcional).")
    arguments = parser.parse_args(argv)
    if arguments.seekers < 1 or arguments.vacancies < 1:
        parser.error("--seekers y --vacancies deben ser mayores que cero.")
    return arguments


def districts():
    """The districts of Cusco and Amazonas with their coordinates, those of the service's provinces first."""
    from minka.employment.matching import Place

    with TERRITORIES.open(encoding="utf-8") as file:
        rows = [
            row
            for row in csv.DictReader(file)
            if row["level"] == "district" and row["code"].startswith(DEPARTMENTS) and row["latitude"]
        ]
    return [Place(row["code"], row["name"], float(row["latitude"]), float(row["longitude"])) for row in rows]


def facts_generate(seekers: int, vacancies: int, seed: int):
    from minka.employment.matching import SeekerFacts, SkillFact, VacancyFacts

    rng = random.Random(seed)
    places = districts()
    home = [place for place in places if place.code.startswith(HOME_PROVINCES)]
    catalogue = [SkillFact(number, f"Habilidad {number}") for number in range(1, SKILLS + 1)]
    # Some skills are common (cooking, customer service), most are rarer.
    weights = [1 / (rank + 1) for rank in range(SKILLS)]

    def place():
        return rng.choice(home) if rng.random() < 0.7 else rng.choice(places)

    def skills(low, high):
        chosen = set()
        wanted = rng.randint(low, high)
        while len(chosen) < wanted:
            chosen.add(rng.choices(catalogue, weights)[0])
        return sorted(chosen, key=lambda skill: skill.id)

    people = []
    for number in range(1, seekers + 1):
        held = rng.choice((0, 0, 4, 6, 8))
        attended = rng.randint(0, held)
        people.append(
            SeekerFacts(
                id=number,
                skill_ids=frozenset(skill.id for skill in skills(2, 8)),
                education_level=rng.choice(LEVELS),
                district=place(),
                preferred_district_codes=frozenset(p.code for p in rng.sample(home, rng.randint(0, 3))),
                max_travel_km=rng.choice((5, 10, 20, 30, 50)),
                availability=rng.choice(AVAILABILITIES),
                preferred_sectors=frozenset(rng.sample(("tourism", "commerce", "agriculture"), rng.randint(0, 1))),
                sessions_attended=attended,
                sessions_held=held,
                workshops_completed=int(held > 0 and attended * 4 >= held * 3),
                sex=rng.choice("FFM"),
                age=rng.randint(15, 45) if rng.random() < 0.95 else None,
            )
        )
    jobs = [
        VacancyFacts(
            id=number,
            required_skills=tuple(skills(1, 4)),
            desirable_skills=tuple(skills(0, 3)),
            district=place(),
            availability=rng.choice(AVAILABILITIES),
            hours_per_week=rng.choice((16, 24, 40, 48)),
            contract_type=rng.choice(("indefinite", "fixed_term", "internship", "per_service")),
            sector=rng.choice(("tourism", "commerce", "agriculture", "services")),
            min_education=rng.choice((None, None, "primary", "secondary")),
        )
        for number in range(1, vacancies + 1)
    ]
    return people, jobs


def _timed(function, items) -> list[float]:
    """Seconds for each call of `function` on each item."""
    durations = []
    for item in items:
        started = time.perf_counter()
        function(item)
        durations.append(time.perf_counter() - started)
    return durations


def _line(name: str, durations: list[float]) -> str:
    total = sum(durations)
    ms = [d * 1000 for d in durations]
    p95 = statistics.quantiles(ms, n=20)[-1] if len(ms) > 1 else ms[0]
    return (
        f"{name:<40} {total:>8.2f} {statistics.fmean(ms):>8.2f} {statistics.median(ms):>8.2f} {p95:>8.2f} "
        f"{max(ms):>8.2f}"
    )


def records_write(people, jobs, *, seed: int):
    """The facts as records of one organization's job service; returns the program."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from minka.activities.catalogue import activity_types_ensure
    from minka.activities.models import Activity, ActivityType, Attendance, Session
    from minka.employment.models import Employer, JobSeeker, Skill, Vacancy
    from minka.network.models import Organization
    from minka.network.territories import territories_load_if_empty
    from minka.people.models import Participant
    from minka.programs.models import Program

    rng = random.Random(seed)
    territories_load_if_empty()
    with transaction.atomic():
        organization = Organization.objects.create(slug="bench-matching", name="Servicio de empleo del benchmark")
        program = Program.objects.create(slug="bench-matching", name_es="Empleo", name_en="Jobs")
        program.catalysts.set([organization])
        user = get_user_model().objects.create_user(username="bench-matching", password=None)
        skills = {
            number: Skill.objects.create(program=program, name=f"Habilidad {number}") for number in range(1, SKILLS + 1)
        }
        persons = Participant.objects.bulk_create(
            [
                Participant(
                    given_names=f"Persona {facts.id}",
                    paternal_surname="Quispe",
                    search_name=f"persona {facts.id} quispe",
                    sex=facts.sex,
                    birth_year=2026 - facts.age if facts.age else None,
                    district_id=facts.district.code,
                    registered_by=organization,
                )
                for facts in people
            ],
            batch_size=2000,
        )
        seekers = JobSeeker.objects.bulk_create(
            [
                JobSeeker(
                    organization=organization,
                    program=program,
                    participant=person,
                    education_level=facts.education_level,
                    availability=facts.availability,
                    max_travel_km=facts.max_travel_km,
                )
                for facts, person in zip(people, persons, strict=True)
            ],
            batch_size=2000,
        )
        JobSeeker.skills.through.objects.bulk_create(
            [
                JobSeeker.skills.through(jobseeker_id=seeker.pk, skill_id=skills[number].pk)
                for facts, seeker in zip(people, seekers, strict=True)
                for number in facts.skill_ids
            ],
            batch_size=5000,
        )
        JobSeeker.preferred_districts.through.objects.bulk_create(
            [
                JobSeeker.preferred_districts.through(jobseeker_id=seeker.pk, territory_id=code)
                for facts, seeker in zip(people, seekers, strict=True)
                for code in facts.preferred_district_codes
            ],
            batch_size=5000,
        )
        activity_types_ensure(program)
        workshop = Activity.objects.create(
            program=program,
            organization=organization,
            activity_type=ActivityType.objects.get(program=program, code="job-search-workshop"),
            title="Taller de búsqueda de empleo",
            start_date=datetime.date(2026, 3, 2),
            end_date=datetime.date(2026, 4, 20),
        )
        sessions = Session.objects.bulk_create(
            Session(activity=workshop, date=datetime.date(2026, 3, 2) + datetime.timedelta(weeks=week))
            for week in range(8)
        )
        Attendance.objects.bulk_create(
            [
                Attendance(session=session, participant=person, recorded_by=user)
                for facts, person in zip(people, persons, strict=True)
                for session in sessions[: facts.sessions_attended]
            ],
            batch_size=5000,
        )
        employer = Employer.objects.create(
            organization=organization, program=program, name="Empleador", kind="company", sector="tourism",
            district_id="081201",
        )  # fmt: skip
        vacancies = Vacancy.objects.bulk_create(
            [
                Vacancy(
                    employer=employer,
                    program=program,
                    title=f"Puesto {facts.id}",
                    sector=facts.sector,
                    district_id=facts.district.code,
                    wage=rng.randrange(1025, 2500),
                    contract_type=facts.contract_type,
                    availability=facts.availability,
                    hours_per_week=facts.hours_per_week,
                    opens_on=datetime.date(2026, 11, 1),
                    status="open",
                )
                for facts in jobs
            ],
            batch_size=2000,
        )
        relations = ((Vacancy.required_skills, "required_skills"), (Vacancy.desirable_skills, "desirable_skills"))
        for relation, wanted in relations:
            relation.through.objects.bulk_create(
                [
                    relation.through(vacancy_id=vacancy.pk, skill_id=skills[skill.id].pk)
                    for facts, vacancy in zip(jobs, vacancies, strict=True)
                    for skill in getattr(facts, wanted)
                ],
                batch_size=5000,
            )
    return program


def bench_database(url: str) -> str:
    """On PostgreSQL, a database of the benchmark's own beside the one named; a SQLite file as it is."""
    if not url.startswith(("postgres://", "postgresql://")):
        return url
    base, _slash, name = url.rpartition("/")
    name, _question, query = name.partition("?")
    return f"{base}/{name or 'minka'}_matching" + (f"?{query}" if query else "")


def database_bench(target: str, people, jobs, *, seed: int) -> int:
    postgres = target.startswith(("postgres://", "postgresql://"))
    try:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from minka.employment import match_facts
        from minka.employment.models import JobSeeker, Vacancy

        if JobSeeker.objects.exists():
            print("La base ya tiene buscadores de empleo; use otra base o bórrela primero.", file=sys.stderr)
            return 1
        started = time.perf_counter()
        program = records_write(people, jobs, seed=seed)
        print(f"database: {connection.vendor} · records written in {time.perf_counter() - started:.1f} s")
        seekers = JobSeeker.objects.filter(program=program)
        for name, load, rows in (
            ("seekers' facts", match_facts.seeker_facts, seekers),
            ("vacancies' facts", match_facts.vacancy_facts, Vacancy.objects.filter(program=program)),
        ):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                loaded = load(rows)
                seconds = time.perf_counter() - started
            print(f"{name + ' loaded':<40} {seconds:>8.2f} s for {len(loaded):,} in {len(queries)} queries")
        sample = list(Vacancy.objects.filter(program=program).order_by("pk")[:20])
        durations = _timed(
            lambda vacancy: match_facts.seekers_for_vacancy(vacancy=vacancy, seekers=seekers, limit=200)[:200], sample
        )
        print(_line("a vacancy's page of matches (load+rank)", durations))
        return 0
    finally:
        if postgres:
            from django.db import connections

            from bench.close_of_day import database_drop

            connections.close_all()
            database_drop(target)


def main(argv=None) -> int:
    arguments = _arguments(argv)
    target = bench_database(arguments.database) if arguments.database else ""
    if target:
        from bench.generate import database_setup

        database_setup(target)  # before anything reads the settings: they take the database from the environment
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minka.settings")
    import django

    django.setup()
    from minka.employment.matching import MatchFilter, SeekerPool, VacancyPool, rank_seekers, rank_vacancies

    started = time.perf_counter()
    people, jobs = facts_generate(arguments.seekers, arguments.vacancies, arguments.seed)
    pool = SeekerPool(people)
    young_women = MatchFilter(sex="F", age_min=15, age_max=29)
    admitted = len(pool.admitted(young_women))
    print(
        f"{len(people):,} seekers · {len(jobs):,} vacancies · {len({p.district.code for p in people}):,} districts · "
        f"{admitted:,} young women · facts built in {time.perf_counter() - started:.1f} s"
    )
    print(f"{'ranking':<40} {'total s':>8} {'mean ms':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    print(_line("seekers for each vacancy, all", _timed(lambda job: rank_seekers(job, pool), jobs)))
    print(_line("seekers for each vacancy, best 20", _timed(lambda job: rank_seekers(job, pool, limit=20), jobs)))
    print(
        _line(
            "young women for each vacancy, all",
            _timed(lambda job: rank_seekers(job, pool, filters=young_women), jobs),
        )
    )
    sample = people[:: max(1, len(people) // 1000)][:1000]
    openings = VacancyPool(jobs)
    print(
        _line(f"vacancies for each of {len(sample):,} seekers", _timed(lambda p: rank_vacancies(p, openings), sample))
    )
    best = {job.id: rank_seekers(job, pool, limit=20) for job in jobs[:100]}
    print(
        _line(
            "explain the best 20 of a vacancy",
            _timed(lambda matches: [match.sentences for match in matches], list(best.values())),
        )
    )
    pairs = len(people) * len(jobs)
    whole = sum(_timed(lambda job: rank_seekers(job, pool), jobs))
    print(f"{pairs:,} pairs scored and ranked in {whole:.2f} s: {pairs / whole:,.0f} pairs/s")

    tracemalloc.start()
    people, jobs = facts_generate(arguments.seekers, arguments.vacancies, arguments.seed)
    pool = SeekerPool(people)
    facts_bytes, facts_peak = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    ranked = rank_seekers(jobs[0], pool)
    _current, rank_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"memory: facts {facts_bytes / 2**20:.1f} MiB (peak {facts_peak / 2**20:.1f} MiB while built); "
        f"ranking {len(ranked):,} seekers for one vacancy peaks {(rank_peak - facts_bytes) / 2**20:.1f} MiB above them"
    )
    if target:
        return database_bench(target, people, jobs, seed=arguments.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
