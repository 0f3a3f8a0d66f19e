from django.urls import path

from minka.activities import views

urlpatterns = [
    path("actividades/", views.activity_list, name="activity_list"),
    path("actividades/nueva/", views.activity_create, name="activity_create"),
    path("actividades/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("actividades/<int:pk>/editar/", views.activity_edit, name="activity_edit"),
    path("actividades/<int:pk>/sesiones/nueva/", views.session_create, name="session_create"),
    path("sesiones/<int:pk>/editar/", views.session_edit, name="session_edit"),
    path("sesiones/<int:pk>/asistencia/", views.session_attendance, name="session_attendance"),
    path("sesiones/<int:pk>/asistencia/buscar/", views.session_walkin_search, name="session_walkin_search"),
    path("programas/<slug:slug>/tipos-de-actividad/nuevo/", views.activity_type_create, name="activity_type_create"),
]
