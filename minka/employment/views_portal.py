"""The employer portal: a contact given a login sees their employer's vacancies and the candidates put forward for
them, each showing only what the seeker agreed to share (the selectors build those rows; nothing else of hers
reaches this page)."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render

from minka.employment import selectors


def _contact(request):
    contact = selectors.employer_portal_contact(request.user)
    if contact is None:
        raise Http404
    return contact


@login_required
def portal_home(request):
    contact = _contact(request)
    vacancies = selectors.employer_portal_vacancies(user=request.user)
    return render(request, "employment/portal_home.html", {"contact": contact, "vacancies": vacancies})


@login_required
def portal_vacancy(request, pk):
    contact = _contact(request)
    vacancy = selectors.employer_portal_vacancy_get(user=request.user, vacancy_id=pk)
    candidates = selectors.employer_portal_candidates(user=request.user, vacancy=vacancy)
    return render(
        request,
        "employment/portal_vacancy.html",
        {"contact": contact, "vacancy": vacancy, "candidates": candidates},
    )


@login_required
def portal_cv(request, pk):
    """A candidate's CV, only when she agreed to share it and was put forward for one of the employer's vacancies."""
    _contact(request)
    seeker_cv = selectors.employer_portal_cv(user=request.user, application_id=pk)
    try:
        return FileResponse(seeker_cv.open("rb"), as_attachment=True, filename=seeker_cv.name.rsplit("/", 1)[-1])
    except FileNotFoundError:
        raise Http404 from None
