"""The matching benchmark at a tiny size: it runs, prints every figure, and ranks what it generates sensibly."""

from bench.matching import districts, facts_generate, main
from minka.employment.matching import SeekerPool, rank_seekers


def test_the_benchmark_prints_its_figures(capsys):
    assert main(["--seekers", "200", "--vacancies", "10"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("200 seekers · 10 vacancies")
    assert len(lines) == 9
    assert lines[-1].startswith("memory: facts")


def test_the_facts_it_ranks_are_varied_and_real_places():
    places = districts()
    assert {"081201", "010401"} <= {place.code for place in places}  # Urcos, Nieva
    people, jobs = facts_generate(300, 20, seed=2)
    assert len({person.district.code for person in people}) > 30
    assert {person.availability for person in people} == {"full_time", "part_time", "weekends", "seasonal"}
    ranked = rank_seekers(jobs[0], SeekerPool(people))
    assert len(ranked) == 300 and ranked[0].score > ranked[-1].score
    assert len({match.score for match in ranked}) > 20


def test_the_records_it_writes_load_back_as_the_same_facts(db):
    from bench.matching import records_write
    from minka.employment.match_facts import seeker_facts, vacancy_facts
    from minka.employment.models import JobSeeker, Skill, Vacancy

    people, jobs = facts_generate(60, 5, seed=4)
    program = records_write(people, jobs, seed=4)
    names = dict(Skill.objects.filter(program=program).values_list("pk", "name"))
    loaded = seeker_facts(JobSeeker.objects.filter(program=program).order_by("pk"))
    assert len(loaded) == 60
    for made, back in zip(people, sorted(loaded, key=lambda facts: facts.id), strict=True):
        assert {names[pk] for pk in back.skill_ids} == {f"Habilidad {number}" for number in made.skill_ids}
        assert back.district.code == made.district.code
        assert back.preferred_district_codes == made.preferred_district_codes
        assert (back.sex, back.availability, back.max_travel_km) == (made.sex, made.availability, made.max_travel_km)
        assert back.sessions_attended == made.sessions_attended
    vacancies = sorted(vacancy_facts(Vacancy.objects.filter(program=program)), key=lambda facts: facts.id)
    for made, back in zip(jobs, vacancies, strict=True):
        assert sorted(s.name for s in back.required_skills) == sorted(s.name for s in made.required_skills)
        assert back.district.code == made.district.code
