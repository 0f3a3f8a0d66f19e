from django.contrib import admin
from django.urls import include, path

from minka.api import api

urlpatterns = [
    path("", include("minka.core.urls")),
    path("", include("minka.accounts.urls")),
    path("", include("minka.network.urls")),
    path("", include("minka.programs.urls")),
    path("", include("minka.people.urls_duplicates")),
    path("", include("minka.people.urls")),
    path("", include("minka.activities.urls")),
    path("", include("minka.enterprises.urls")),
    path("", include("minka.results.urls")),
    path("", include("minka.iati.urls")),
    path("", include("minka.reports.urls")),
    path("", include("minka.stories.urls")),
    path("", include("minka.public.urls")),
    path("", include("minka.fieldforms.urls")),
    path("", include("minka.imports.urls")),
    path("", include("minka.employment.urls")),
    path("credito/", include("minka.credit.urls")),
    path("servidores-de-formularios/", include("minka.submissions.urls")),
    path("auditoria/", include("minka.audit.urls")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]
