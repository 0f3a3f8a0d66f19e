from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from minka.employment.selectors import is_employer_portal_user
from minka.programs.selectors import program_list, program_summaries


@login_required
def home(request):
    """The user's programs as cards, with key facts counted over the projects the user sees."""
    programs = list(program_list(user=request.user))
    if not programs and is_employer_portal_user(request.user):
        # An employer's contact has no program: her home is the portal, not a page telling her to ask for access.
        return redirect("employment:portal_home")
    summaries = program_summaries(user=request.user, programs=programs)
    for program in programs:
        program.summary = summaries[program.pk]
    return render(request, "core/home.html", {"programs": programs})


@require_POST
def language_set(request):
    """Switches the language and remembers it: on the user when logged in, in a cookie always."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    next_url = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    if request.user.is_authenticated and request.user.language != language:
        request.user.language = language
        request.user.save(update_fields=["language"])
    translation.activate(language)
    response = HttpResponseRedirect(next_url)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax")
    return response


def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
