"""Times job matching (`minka.employment.matching`): 10,000 seekers ranked for each of 1,000 vacancies.

    uv run python bench/matching.py [--seekers 10000] [--vacancies 1000] [--seed 1]

The seekers and vacancies are built beforehand, as `match_facts` would load them, in the districts of Cusco and
Amazonas departments with INEI's coordinates (Quispicanchi and Condorcanqui weigh most): 2 to 8 skills each from a
catalogue of 40, preferred districts, travel ranges of 5 to 50 km, every availability, workshop attendance, sex and
age. Each vacancy asks 1 to 4 required and 0 to 3 desirable skills. It prints, each line timed apart:

- every seeker ranked in full for every vacancy (the page lists them all), and only the best 20 (a shortlist);
- the same for young women only (a filter of sex and age, as programs for women and youth use);
- every vacancy ranked for each of 1,000 seekers;
- the explanation of the 20 best matches of a vacancy (the sentences a page shows);
- peak memory (tracemalloc) for the facts, and above them for ranking one vacancy in full.

No database is involved: loading facts is a fixed handful of queries (see `minka.employment.match_facts`).
"""

import argparse
import csv
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


def main(argv=None) -> int:
    arguments = _arguments(argv)
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
