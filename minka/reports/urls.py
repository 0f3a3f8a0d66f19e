from django.urls import path

from minka.reports import dashboard_views, donor_views

REPORTS = "programas/<slug:slug>/informes/"

urlpatterns = [
    path("programas/<slug:slug>/tablero/", dashboard_views.dashboard, name="program_dashboard"),
    path(REPORTS, donor_views.donor_report_list, name="donor_report_list"),
    path(REPORTS + "<int:pk>/", donor_views.donor_report_detail, name="donor_report_detail"),
    path(REPORTS + "<int:pk>/estado/", donor_views.donor_report_status, name="donor_report_status"),
    path(REPORTS + "<int:pk>/descargar/", donor_views.donor_report_download, name="donor_report_download"),
]
