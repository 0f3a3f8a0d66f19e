from django.urls import path

from minka.results import views

RESULTS = "programas/<slug:slug>/resultados/"
INDICATOR = RESULTS + "indicadores/<str:code>/"

urlpatterns = [
    path(RESULTS, views.results_framework, name="results_framework"),
    path(RESULTS + "nuevo/", views.result_create, name="result_create"),
    path(RESULTS + "<int:pk>/editar/", views.result_edit, name="result_edit"),
    path(RESULTS + "<int:pk>/eliminar/", views.result_delete, name="result_delete"),
    path(RESULTS + "<int:pk>/indicadores/nuevo/", views.indicator_create, name="indicator_create"),
    path(INDICATOR, views.indicator_detail, name="indicator_detail"),
    path(INDICATOR + "registros/", views.indicator_records, name="indicator_records"),
    path(INDICATOR + "editar/", views.indicator_edit, name="indicator_edit"),
    path(INDICATOR + "eliminar/", views.indicator_delete, name="indicator_delete"),
    path(INDICATOR + "metas/nueva/", views.target_create, name="target_create"),
    path(INDICATOR + "reportes/nuevo/", views.report_create, name="report_create"),
    path(RESULTS + "metas/<int:pk>/editar/", views.target_edit, name="target_edit"),
    path(RESULTS + "metas/<int:pk>/eliminar/", views.target_delete, name="target_delete"),
    path(RESULTS + "reportes/<int:pk>/", views.report_detail, name="report_detail"),
    path(RESULTS + "reportes/<int:pk>/editar/", views.report_edit, name="report_edit"),
    path(RESULTS + "reportes/<int:pk>/evidencia/", views.evidence_add, name="evidence_add"),
    path(RESULTS + "reportes/<int:pk>/enviar/", views.report_submit, name="report_submit"),
    path(RESULTS + "reportes/<int:pk>/revisar/", views.report_review, name="report_review"),
    path(RESULTS + "evidencia/<int:pk>/", views.evidence_download, name="evidence_download"),
    path(RESULTS + "cierres/<int:pk>/reabrir/", views.period_reopen, name="period_reopen"),
]
