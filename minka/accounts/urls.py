from django.contrib.auth import views as auth_views
from django.urls import path

from minka.accounts import views
from minka.accounts.forms import InvitationAwarePasswordResetForm

# Django's admin ships templates under the same "registration/" names and comes first in INSTALLED_APPS, so
# the password pages name their own templates.
urlpatterns = [
    path(
        "ingresar/",
        auth_views.LoginView.as_view(template_name="registration/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("salir/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "clave/",
        auth_views.PasswordChangeView.as_view(template_name="accounts/password_change_form.html"),
        name="password_change",
    ),
    path(
        "clave/cambiada/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    path(
        "clave/olvido/",
        auth_views.PasswordResetView.as_view(
            form_class=InvitationAwarePasswordResetForm,
            template_name="accounts/password_reset_form.html",
            email_template_name="accounts/email/password_reset.txt",
            subject_template_name="accounts/email/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "clave/olvido/enviado/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "clave/nueva/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(template_name="accounts/password_reset_confirm.html"),
        name="password_reset_confirm",
    ),
    path(
        "clave/nueva/lista/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("perfil/", views.profile, name="profile"),
    path("perfil/tokens/<int:pk>/revocar/", views.token_revoke, name="token_revoke"),
    path("usuarios/", views.user_list, name="user_list"),
    path("usuarios/nuevo/", views.user_create, name="user_create"),
    path("usuarios/<int:pk>/", views.user_detail, name="user_detail"),
]
