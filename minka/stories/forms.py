"""The story form: the testimony, its photo or video, the person who tells it, her consent to publish, visibility.

Only choices the user may pick are offered: the program's projects and places, the people enrolled in it whose
record the user reads (by their number, as a program may hold thousands), and "public" only for those who publish.
The services check everything again.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from minka.network.models import Territory
from minka.programs.forms import DateInput
from minka.stories import selectors
from minka.stories.models import Story, StoryVisibility
from minka.stories.services import story_can_publish


class StoryForm(forms.ModelForm):
    class Meta:
        model = Story
        fields = [
            "title",
            "text",
            "language",
            "project",
            "territory",
            "told_on",
            "person",
            "storyteller",
            "photo",
            "photo_description",
            "video_url",
            "consent_to_publish",
            "consent_recorded_on",
            "consent_note",
            "visibility",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 10}),
            "told_on": DateInput(),
            "consent_recorded_on": DateInput(),
            "person": forms.NumberInput(attrs={"min": 1}),
            "photo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        }
        help_texts = {
            "person": _("El número de su ficha (aparece en la dirección de la página de la persona). Opcional."),
            "photo": _("JPEG, PNG o WebP, de hasta 5 MB."),
            "visibility": _("Pública: se muestra en la página pública y en los informes a donantes."),
        }

    def __init__(self, *args, user, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.instance.program = program
        self.fields["project"].queryset = program.projects.all()
        self.fields["territory"].queryset = Territory.objects.filter(projects__program=program).distinct()
        self.fields["person"].queryset = selectors.person_choices(user=user, program=program)
        self.fields["person"].error_messages["invalid_choice"] = _(
            "No hay una persona con ese número inscrita en el programa (o no puede ver su ficha)."
        )
        if not story_can_publish(user, program):
            self.fields["visibility"].disabled = True
            self.fields["visibility"].help_text = _("La coordinación del programa decide qué historias se publican.")

    def clean(self):
        """As the service does: consent taken back makes the story internal; and the consent is recorded by
        whoever records it (set here too, so the model's own check sees it while the form validates; the service
        sets it again)."""
        data = super().clean()
        if not data.get("consent_to_publish"):
            if self.instance.consent_to_publish:
                data["visibility"] = StoryVisibility.INTERNAL
        elif self.instance.consent_recorded_by_id is None:
            self.instance.consent_recorded_by = self.user
        return data
