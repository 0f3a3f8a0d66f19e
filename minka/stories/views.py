"""Pages of a program's stories: the list, one story with its consent, the form, withdrawing consent, deleting,
the photo (served only to those who may read the story), and the switch of the program's public results page.

Every page starts from the program the user sees (another's is a 404); funders read publishable stories only.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minka.core.errors import ApplicationError
from minka.core.pages import form_add_error
from minka.people.models import Consent
from minka.stories import selectors, services
from minka.stories.forms import StoryForm


def _crumbs(program, story=None):
    crumbs = [
        (reverse("program_list"), _("Programas")),
        (reverse("program_detail", args=[program.slug]), program.name),
        (reverse("story_list", args=[program.slug]), _("Historias")),
    ]
    if story is not None:
        crumbs.append((reverse("story_detail", args=[program.slug, story.pk]), story.title))
    return crumbs


def _refused(error: ApplicationError):
    raise Forbidden(error.message)


@login_required
def story_list(request, slug):
    program = selectors.program_for_stories(user=request.user, slug=slug)
    return render(
        request,
        "stories/story_list.html",
        {
            "program": program,
            "stories": selectors.stories_of(user=request.user, program=program),
            "can_draft": services.story_can_draft(request.user, program),
            "can_publish": services.story_can_publish(request.user, program),
            "crumbs": _crumbs(program)[:-1],
        },
    )


@login_required
def story_detail(request, slug, pk):
    program = selectors.program_for_stories(user=request.user, slug=slug)
    story = selectors.story_get(user=request.user, program=program, pk=pk)
    person = selectors.person_shown(user=request.user, story=story)
    return render(
        request,
        "stories/story_detail.html",
        {
            "program": program,
            "story": story,
            "person": person,
            "consents": Consent.objects.filter(participant=person).select_related("recorded_by") if person else [],
            "can_edit": services.story_can_edit(request.user, story),
            "can_withdraw": services.story_can_draft(request.user, program) and story.consent_to_publish,
            "crumbs": _crumbs(program),
        },
    )


def _story_form(request, program, story=None):
    slug = program.slug
    initial = {}
    if story is None and request.GET.get("persona", "").isdigit():
        initial["person"] = request.GET["persona"]
    form = StoryForm(
        request.POST or None,
        request.FILES or None,
        instance=story,
        initial=initial,
        user=request.user,
        program=program,
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.story_save(user=request.user, program=program, data=form.cleaned_data, story=story)
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Historia «%(title)s» guardada.") % {"title": saved.title})
            return redirect("story_detail", program.slug, saved.pk)
    cancel = reverse("story_detail", args=[program.slug, story.pk]) if story else reverse("story_list", args=[slug])
    return render(
        request,
        "stories/story_form.html",
        {
            "program": program,
            "form": form,
            "title": _("Editar historia") if story else _("Nueva historia"),
            "cancel_url": cancel,
            "crumbs": _crumbs(program, story),
        },
    )


@login_required
def story_create(request, slug):
    program = selectors.program_for_stories(user=request.user, slug=slug)
    if not services.story_can_draft(request.user, program):
        raise Forbidden(_("No tiene permiso para registrar historias de este programa."))
    return _story_form(request, program)


@login_required
def story_edit(request, slug, pk):
    program = selectors.program_for_stories(user=request.user, slug=slug)
    story = selectors.story_get(user=request.user, program=program, pk=pk)
    if not services.story_can_edit(request.user, story):
        raise Forbidden(_("Solo la coordinación del programa modifica una historia ya publicada."))
    return _story_form(request, program, story)


@login_required
@require_POST
def story_consent_withdraw(request, slug, pk):
    program = selectors.program_for_stories(user=request.user, slug=slug)
    story = selectors.story_get(user=request.user, program=program, pk=pk)
    try:
        services.consent_withdraw(user=request.user, story=story)
    except ApplicationError as error:
        _refused(error)
    messages.success(request, _("Consentimiento retirado: la historia ya no es pública."))
    return redirect("story_detail", program.slug, story.pk)


@login_required
def story_delete(request, slug, pk):
    program = selectors.program_for_stories(user=request.user, slug=slug)
    story = selectors.story_get(user=request.user, program=program, pk=pk)
    if not services.story_can_edit(request.user, story):
        raise Forbidden(_("Solo la coordinación del programa elimina una historia ya publicada."))
    if request.method == "POST":
        try:
            services.story_delete(user=request.user, story=story)
        except ApplicationError as error:
            _refused(error)
        messages.success(request, _("Historia «%(title)s» eliminada.") % {"title": story.title})
        return redirect("story_list", program.slug)
    return render(
        request, "stories/story_delete.html", {"program": program, "story": story, "crumbs": _crumbs(program, story)}
    )


@login_required
def story_photo(request, slug, pk):
    """The photo, to those who may read the story (funders: publishable stories only)."""
    program = selectors.program_for_stories(user=request.user, slug=slug)
    story = selectors.story_get(user=request.user, program=program, pk=pk)
    if not story.photo:
        raise Http404
    try:
        handle = story.photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def public_results_toggle(request, slug):
    program = selectors.program_for_stories(user=request.user, slug=slug)
    on = request.POST.get("public_results") == "on"
    try:
        services.public_results_set(user=request.user, program=program, on=on)
    except ApplicationError as error:
        _refused(error)
    if on:
        messages.success(request, _("La página pública de resultados está publicada."))
    else:
        messages.success(request, _("La página pública de resultados ya no está publicada."))
    return redirect("program_detail", program.slug)
