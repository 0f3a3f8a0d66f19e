from django.contrib import admin
from django.urls import include, path

from minka.api import api

urlpatterns = [
    path("", include("minka.core.urls")),
    path("", include("minka.accounts.urls")),
    path("", include("minka.network.urls")),
    path("", include("minka.programs.urls")),
    path("auditoria/", include("minka.audit.urls")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]
