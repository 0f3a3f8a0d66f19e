from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minka.fieldforms.definitions import FORM_IDS
from minka.programs.models import Program
from minka.submissions.models import ServerConnection

FORM_LABELS = {
    "registration": _("Registro de participantes con consentimiento"),
    "attendance": _("Asistencia a una sesión"),
    "enterprise_followup": _("Seguimiento mensual de emprendimientos"),
    "credit_visit": _("Visita de seguimiento del crédito"),
}


class ConnectionForm(forms.ModelForm):
    """The connection's settings. The token or password is write-only: the field starts empty every time, and
    left empty on an edit it keeps the one stored."""

    secret = forms.CharField(
        label=_("Token de la API (Kobo) o contraseña (ODK Central)"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    form_key = forms.ChoiceField(label=_("Formulario de Minka"))

    class Meta:
        model = ServerConnection
        fields = [
            "name", "kind", "base_url", "asset_uid", "odk_project_id", "odk_form_id", "username", "form_key",
            "program", "enabled", "pull_every_hours",
        ]  # fmt: skip

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form_key"].choices = [(key, FORM_LABELS.get(key, key)) for key in FORM_IDS]
        self.fields["program"].queryset = Program.objects.filter(
            Q(catalysts=organization)
            | Q(projects__lead_organization=organization)
            | Q(projects__partners__organization=organization)
        ).distinct()
        if self.instance.pk and self.instance.has_secret:
            self.fields["secret"].help_text = _("Guardado. Déjelo vacío para conservarlo; escriba otro para cambiarlo.")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Exportación de KoboToolbox"), help_text=_("JSON, CSV (separado por ; o ,) o XLSX, hasta 50 MB.")
    )
