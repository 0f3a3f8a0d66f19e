from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from minka.accounts.models import OrganizationRole, User


class InvitationAwarePasswordResetForm(PasswordResetForm):
    """Django's reset form, also for users who never chose a password (invited, link lost or expired)."""

    def get_users(self, email):
        users = User.objects.filter(email__iexact=email, is_active=True)
        return (user for user in users if user.email.casefold() == email.casefold())


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("Nombres"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Apellidos"), max_length=150, required=False)
    email = forms.EmailField(label=_("Correo electrónico"))
    language = forms.ChoiceField(label=_("Idioma"), choices=settings.LANGUAGES)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nombre del token"),
        max_length=80,
        help_text=_("Para recordar dónde lo usa, p. ej. «KoboToolbox»."),
    )


class UserCreateForm(forms.Form):
    username = forms.CharField(
        label=_("Usuario"),
        max_length=150,
        help_text=_("Con el que ingresará: letras, números y @ . + - _"),
        widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "off", "spellcheck": "false"}),
    )
    first_name = forms.CharField(label=_("Nombres"), max_length=150)
    last_name = forms.CharField(label=_("Apellidos"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("Correo electrónico"), help_text=_("Recibirá un enlace para elegir su contraseña.")
    )
    organization = forms.ModelChoiceField(label=_("Organización"), queryset=None, empty_label=None)
    role = forms.ChoiceField(label=_("Rol"), choices=OrganizationRole.choices)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class MembershipForm(forms.Form):
    """A role for the user in one of the organizations the admin manages."""

    organization = forms.ModelChoiceField(label=_("Organización"), queryset=None, empty_label=None)
    role = forms.ChoiceField(label=_("Rol"), choices=OrganizationRole.choices)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Buscar"), required=False, max_length=100)
    organization = forms.ChoiceField(label=_("Organización"), required=False)
    role = forms.ChoiceField(label=_("Rol"), required=False, choices=[("", _("Todos")), *OrganizationRole.choices])

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [("", _("Todas")), *((o.slug, str(o)) for o in organizations)]
