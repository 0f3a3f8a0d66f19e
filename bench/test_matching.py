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
