"""The matching engine (`matching`, `match_facts`) seen through the user's scope, shaped for the pages and the API:
each match carries its seeker or vacancy record, its score, the sentences that explain it, and the application
already made for that pair, if any."""

from dataclasses import dataclass, field

from django.utils import translation

from minka.employment import selectors
from minka.employment.models import Application, JobSeeker, SeekerStatus, Vacancy, VacancyStatus


@dataclass
class PageMatch:
    seeker: JobSeeker | None
    vacancy: Vacancy | None
    score: int
    reasons: list[str]
    explanation: dict
    application: Application | None = None
    parts: list = field(default_factory=list)


def _engine():
    from minka.employment import match_facts, matching

    return match_facts, matching


def seekers_for_vacancy(
    *, user, vacancy, territory=None, sex="", age_min=None, age_max=None, limit=200
) -> list[PageMatch]:
    """The active seekers of the vacancy's program whom the user may see, best first."""
    match_facts, matching = _engine()
    seekers = selectors.seekers_visible(user).filter(program_id=vacancy.program_id, status=SeekerStatus.ACTIVE)
    filters = matching.MatchFilter(
        territory=territory.code if territory is not None else "", sex=sex or "", age_min=age_min, age_max=age_max
    )
    ranked = match_facts.seekers_for_vacancy(vacancy=vacancy, seekers=seekers, filters=filters, limit=limit)
    records = seekers.select_related("participant").in_bulk([match.seeker.id for match in ranked])
    applications = {a.seeker_id: a for a in vacancy.applications.filter(seeker_id__in=list(records))}
    return [
        PageMatch(
            seeker=records[match.seeker.id],
            vacancy=vacancy,
            score=match.score,
            reasons=list(match.sentences),
            explanation=match.explanation,
            application=applications.get(match.seeker.id),
        )
        for match in ranked
        if match.seeker.id in records
    ]


def vacancies_for_seeker(*, user, seeker, limit=20) -> list[PageMatch]:
    """The open vacancies of the seeker's program that the user may see, best first."""
    match_facts, _matching = _engine()
    vacancies = selectors.vacancies_visible(user).filter(program_id=seeker.program_id, status=VacancyStatus.OPEN)
    ranked = match_facts.vacancies_for_seeker(seeker=seeker, vacancies=vacancies, limit=limit)
    records = vacancies.select_related("employer").in_bulk([match.vacancy.id for match in ranked])
    applications = {a.vacancy_id: a for a in seeker.applications.filter(vacancy_id__in=list(records))}
    return [
        PageMatch(
            seeker=seeker,
            vacancy=records[match.vacancy.id],
            score=match.score,
            reasons=list(match.sentences),
            explanation=match.explanation,
            application=applications.get(match.vacancy.id),
        )
        for match in ranked
        if match.vacancy.id in records
    ]


def match_to_keep(*, user, vacancy, seeker) -> PageMatch | None:
    """The seeker's match with the vacancy as a shortlist keeps it: its explanation in every language of the site.
    None when the user does not see the seeker or the seeker is in another program."""
    match_facts, matching = _engine()
    seekers = selectors.seekers_visible(user).filter(program_id=vacancy.program_id, pk=seeker.pk)
    ranked = match_facts.seekers_for_vacancy(vacancy=vacancy, seekers=seekers, filters=matching.MatchFilter(), limit=1)
    if not ranked:
        return None
    match = ranked[0]
    return PageMatch(seeker=seeker, vacancy=vacancy, score=match.score, reasons=list(match.sentences),
                     explanation=match.explanation_to_keep())  # fmt: skip


def explanation_sentences(explanation) -> list[str]:
    """The sentences saved with an application when its seeker was proposed, in the reader's language when they
    were kept in it (older applications kept only the proposer's)."""
    if not isinstance(explanation, dict):
        return []
    sentences_in = explanation.get("sentences_in")
    if isinstance(sentences_in, dict):
        language = (translation.get_language() or "").split("-")[0]
        if isinstance(sentences_in.get(language), list):
            return [str(sentence) for sentence in sentences_in[language]]
    sentences = explanation.get("sentences")
    if isinstance(sentences, list):
        return [str(sentence) for sentence in sentences]
    return [
        str(part.get("text")) for part in explanation.get("parts", []) if isinstance(part, dict) and part.get("text")
    ]
