from django.urls import path

from minka.programs import views

PROJECT = "programas/<slug:slug>/proyectos/<slug:code>/"

urlpatterns = [
    path("programas/", views.program_list, name="program_list"),
    path("programas/nuevo/", views.program_create, name="program_create"),
    path("programas/<slug:slug>/", views.program_detail, name="program_detail"),
    path("programas/<slug:slug>/editar/", views.program_edit, name="program_edit"),
    path("programas/<slug:slug>/fases/nueva/", views.phase_create, name="phase_create"),
    path("programas/<slug:slug>/fases/<int:number>/editar/", views.phase_edit, name="phase_edit"),
    path("proyectos/", views.project_list, name="project_list"),
    path("programas/<slug:slug>/proyectos/nuevo/", views.project_create, name="project_create"),
    path(PROJECT, views.project_detail, name="project_detail"),
    path(PROJECT + "editar/", views.project_edit, name="project_edit"),
    path(PROJECT + "socios/nuevo/", views.partner_add, name="partner_add"),
    path(PROJECT + "socios/<int:pk>/quitar/", views.partner_remove, name="partner_remove"),
    path(PROJECT + "financiamiento/nuevo/", views.commitment_create, name="commitment_create"),
    path("financiamiento/<int:pk>/editar/", views.commitment_edit, name="commitment_edit"),
    path("financiamiento/<int:pk>/desembolsos/nuevo/", views.disbursement_create, name="disbursement_create"),
    path("desembolsos/<int:pk>/eliminar/", views.disbursement_delete, name="disbursement_delete"),
    path("programas/<slug:slug>/iniciativas/", views.initiative_list, name="initiative_list"),
    path("programas/<slug:slug>/iniciativas/nueva/", views.initiative_create, name="initiative_create"),
    path("iniciativas/<int:pk>/editar/", views.initiative_edit, name="initiative_edit"),
]
