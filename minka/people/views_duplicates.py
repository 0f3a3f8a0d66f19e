"""Pages of the duplicates queue: the pending pairs, a pair side by side with the decision, undoing a merge.

Each pair is read through `duplicates.duplicate_get`, which answers 404 unless the user may see both people;
decisions and undos go through the services in `duplicates.py`.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.accounts import access
from minka.core.errors import ApplicationError, PermissionDenied
from minka.core.pages import form_add_error, paginate
from minka.people import duplicates
from minka.people.models import DuplicateStatus

SAME, DIFFERENT = "same", "different"


class DuplicateDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("¿Son la misma persona?"),
        choices=[
            (SAME, gettext_lazy("Sí, es la misma persona: fusionar los registros")),
            (DIFFERENT, gettext_lazy("No, son personas distintas")),
        ],
        widget=forms.RadioSelect,
    )
    keep = forms.TypedChoiceField(
        label=gettext_lazy("Registro que se conserva"),
        coerce=int,
        required=False,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("Los registros del otro pasan a este; sus datos completan los que falten."),
    )

    def __init__(self, *args, candidate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [
            (person.pk, f"{person.full_name} · {person.registered_by.name}")
            for person in (candidate.first, candidate.second)
        ]
        self.initial.setdefault("keep", candidate.first.pk)

    def clean(self):
        data = super().clean()
        if data.get("decision") == SAME and not data.get("keep"):
            self.add_error("keep", _("Elija cuál de los dos registros se conserva."))
        return data


def _crumbs():
    return [(reverse("duplicate_list"), _("Posibles duplicados"))]


@login_required
def duplicate_list(request):
    user = request.user
    return render(
        request,
        "people/duplicate_list.html",
        {
            **paginate(request, duplicates.duplicate_pending_list(user=user)),
            "merges": duplicates.merge_recent_list(user=user),
        },
    )


@login_required
def duplicate_review(request, pk):
    user = request.user
    candidate = duplicates.duplicate_get(user=user, pk=pk)
    can_decide = candidate.status == DuplicateStatus.PENDING and (
        access.person_can_edit(user, candidate.first) and access.person_can_edit(user, candidate.second)
    )
    form = DuplicateDecisionForm(request.POST if request.method == "POST" else None, candidate=candidate)
    if request.method == "POST":
        if not can_decide:
            if candidate.status != DuplicateStatus.PENDING:
                messages.error(request, _("Este par ya fue revisado."))
                return redirect("duplicate_list")
            raise Forbidden(_("Solo quien puede modificar los datos de ambas personas decide si son la misma."))
        if form.is_valid():
            try:
                if form.cleaned_data["decision"] == SAME:
                    merge = duplicates.duplicate_merge(
                        user=user, candidate=candidate, kept_id=form.cleaned_data["keep"]
                    )
                    messages.success(
                        request,
                        _("Registros fusionados: se conserva el de %(name)s. Puede deshacerlo desde esta lista.")
                        % {"name": merge.kept.full_name},
                    )
                else:
                    duplicates.duplicate_mark_different(user=user, candidate=candidate)
                    messages.success(request, _("Anotado: son personas distintas. Este par no se volverá a proponer."))
            except PermissionDenied as error:
                raise Forbidden(error.message) from None
            except ApplicationError as error:
                form_add_error(form, error)
            else:
                return redirect("duplicate_list")
    return render(
        request,
        "people/duplicate_review.html",
        {
            "candidate": candidate,
            "people": [
                (candidate.first, candidate.first_enrollments),
                (candidate.second, candidate.second_enrollments),
            ],
            "form": form,
            "can_decide": can_decide,
            "crumbs": _crumbs(),
        },
    )


@login_required
def merge_undo(request, pk):
    user = request.user
    merge = duplicates.merge_get(user=user, pk=pk)
    if request.method == "POST":
        try:
            duplicates.merge_undo(user=user, merge=merge)
        except PermissionDenied as error:
            raise Forbidden(error.message) from None
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Fusión deshecha: %(merged)s y %(kept)s vuelven a ser dos registros.")
                % {"merged": merge.merged.full_name, "kept": merge.kept.full_name},
            )
        return redirect("duplicate_list")
    return render(
        request,
        "people/duplicate_undo.html",
        {"merge": merge, "can_undo": access.person_can_edit(user, merge.kept), "crumbs": _crumbs()},
    )
