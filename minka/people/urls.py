from django.urls import path

from minka.people import views

urlpatterns = [
    path("personas/", views.person_list, name="person_list"),
    path("personas/nueva/", views.person_create, name="person_create"),
    path("personas/nueva/coincidencias/", views.person_check_duplicates, name="person_check_duplicates"),
    path("personas/<int:pk>/", views.person_detail, name="person_detail"),
    path("personas/<int:pk>/editar/", views.person_edit, name="person_edit"),
    path("personas/<int:pk>/consentimientos/nuevo/", views.consent_create, name="consent_create"),
    path("consentimientos/<int:pk>/retirar/", views.consent_withdraw, name="consent_withdraw"),
    path("personas/<int:pk>/inscripciones/nueva/", views.enrollment_create, name="enrollment_create"),
    path("inscripciones/<int:pk>/editar/", views.enrollment_edit, name="enrollment_edit"),
    path("personas/<int:pk>/exportar/", views.person_export, name="person_export"),
    path("personas/<int:pk>/anonimizar/", views.person_anonymize, name="person_anonymize"),
]
