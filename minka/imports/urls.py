from django.urls import path

from minka.imports import views

urlpatterns = [
    path("importaciones/", views.import_list, name="import_list"),
    path("importaciones/nueva/", views.import_new, name="import_new"),
    path("importaciones/plantilla/", views.import_template, name="import_template"),
    path("importaciones/<int:pk>/", views.import_detail, name="import_detail"),
    path("importaciones/<int:pk>/columnas/", views.import_mapping, name="import_mapping"),
    path("importaciones/<int:pk>/revision/", views.import_preview, name="import_preview"),
    path("importaciones/<int:pk>/corregido/", views.import_reupload, name="import_reupload"),
    path("importaciones/<int:pk>/errores.csv", views.import_errors_csv, name="import_errors_csv"),
    path("importaciones/<int:pk>/importar/", views.import_commit, name="import_commit"),
    path("importaciones/<int:pk>/estado/", views.import_status, name="import_status"),
    path("importaciones/<int:pk>/archivo/", views.import_file_download, name="import_file_download"),
    path("importaciones/<int:pk>/deshacer/", views.import_undo, name="import_undo"),
]
