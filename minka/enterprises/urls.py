from django.urls import path

from minka.enterprises import views

urlpatterns = [
    path("emprendimientos/", views.enterprise_list, name="enterprise_list"),
    path("emprendimientos/nuevo/", views.enterprise_create, name="enterprise_create"),
    path("emprendimientos/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("emprendimientos/<int:pk>/editar/", views.enterprise_edit, name="enterprise_edit"),
    path("emprendimientos/<int:pk>/integrantes/nuevo/", views.member_add, name="member_add"),
    path("integrantes/<int:pk>/quitar/", views.member_remove, name="member_remove"),
    path("emprendimientos/<int:pk>/registros/nuevo/", views.record_create, name="record_create"),
    path("registros/<int:pk>/editar/", views.record_edit, name="record_edit"),
    path("registros/<int:pk>/eliminar/", views.record_delete, name="record_delete"),
]
