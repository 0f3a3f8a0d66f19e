from django.urls import path

from minka.reports import dashboard_views

urlpatterns = [
    path("programas/<slug:slug>/tablero/", dashboard_views.dashboard, name="program_dashboard"),
]
