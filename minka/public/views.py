"""A program's public results page: no login, aggregates only, for a phone on a rural connection.

It exists only while the program's coordination has switched it on (`Program.public_results`); otherwise it is
a 404 for everyone. It shows what a funder may see and less: the indicators with value, target and progress as
`indicator_value(restricted=True)` computes them (figures under five people hidden, and whatever would give them
away), a few splits as tables, the publishable stories, and the funding committed and received per currency.
No person is named except a storyteller, as she consented; nothing links to a record.

The page is the same for every visitor who asks in one language, so shared caches may keep it for five minutes:
its language comes from `?lang=` or the browser's Accept-Language (never from a login's setting), it carries no
form, token or cookie, and it is rendered without the request so no context processor reads the user.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum, Value
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

from minka.programs.models import FundingCommitment, Program
from minka.programs.selectors import MONEY, funding_totals
from minka.results.arithmetic import SMALL_CELL
from minka.results.dimensions import DIMENSIONS
from minka.results.measures import MEASURES
from minka.results.selectors import IndicatorValue, indicator_value, indicators_of
from minka.stories.selectors import publishable_of

PUBLIC_SPLITS = ("sex", "age_band", "department")
SPLIT_INDICATORS = 3  # indicators whose splits are shown: the first ones counting people, in framework order
CACHE_SECONDS = 300
PHOTO_CACHE_SECONDS = 24 * 3600


@dataclass
class Split:
    label: str
    value: IndicatorValue


@dataclass
class PublicIndicator:
    value: IndicatorValue
    splits: list[Split]


def _language(request) -> str:
    """`?lang=en` or `?lang=es` when asked; else the browser's preference; never a cookie (the page is shared)."""
    asked = request.GET.get("lang", "")
    if asked in dict(settings.LANGUAGES):
        return asked
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def _public_program(slug) -> Program:
    return get_object_or_404(Program, slug=slug, public_results=True)


def _splits(indicator) -> list[Split]:
    measure = MEASURES.get(indicator.measure) if indicator.is_computed else None
    if measure is None or not measure.protects_people:
        return []
    return [
        Split(str(DIMENSIONS[dim].label), indicator_value(indicator, by=dim, restricted=True))
        for dim in PUBLIC_SPLITS
        if dim in measure.dimensions
    ]


def public_indicators(program) -> list[PublicIndicator]:
    """Each indicator's value as the public sees it; splits for the first few that count people."""
    shown, split_left = [], SPLIT_INDICATORS
    for indicator in indicators_of(program):
        splits = _splits(indicator) if split_left else []
        split_left -= bool(splits)
        shown.append(PublicIndicator(indicator_value(indicator, restricted=True), splits))
    return shown


def public_funding(program) -> list[dict]:
    """Committed and received (disbursed) per currency, over all the program's projects: sums, no contracts."""
    commitments = FundingCommitment.objects.filter(project__program=program).annotate(
        disbursed=Coalesce(Sum("disbursements__amount"), Value(Decimal("0")), output_field=MONEY)
    )
    return funding_totals(commitments)


def public_results(request, slug):
    program = _public_program(slug)
    language = _language(request)
    with translation.override(language):
        html = render_to_string(
            "public/program.html",
            {
                "program": program,
                "indicators": public_indicators(program),
                "stories": publishable_of(program),
                "funding": public_funding(program),
                "small_cell": SMALL_CELL,
                "language": language,
                "other_language": "en" if language == "es" else "es",
            },
        )
    response = HttpResponse(html)
    response["Content-Language"] = language
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    patch_vary_headers(response, ("Accept-Language",))
    return response


def public_story_photo(request, slug, pk):
    """A publishable story's photo, while the program's page is on; anything else is a 404."""
    program = _public_program(slug)
    story = get_object_or_404(publishable_of(program), pk=pk)
    if not story.photo:
        raise Http404
    try:
        handle = story.photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle)
    patch_cache_control(response, public=True, max_age=PHOTO_CACHE_SECONDS)
    return response
