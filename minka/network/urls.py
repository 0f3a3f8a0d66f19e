from django.urls import path

from minka.network import views

urlpatterns = [
    path("organizaciones/", views.organization_list, name="organization_list"),
    path("organizaciones/nueva/", views.organization_create, name="organization_create"),
    path("organizaciones/<slug:slug>/", views.organization_detail, name="organization_detail"),
    path("organizaciones/<slug:slug>/editar/", views.organization_edit, name="organization_edit"),
    path("sedes/", views.site_list, name="site_list"),
    path("sedes/nueva/", views.site_create, name="site_create"),
    path("sedes/<int:pk>/", views.site_detail, name="site_detail"),
    path("sedes/<int:pk>/editar/", views.site_edit, name="site_edit"),
    path("territorios/", views.territory_list, name="territory_list"),
    path("territorios/distritos/", views.district_search, name="district_search"),
    path("territorios/<str:code>/", views.territory_detail, name="territory_detail"),
]
