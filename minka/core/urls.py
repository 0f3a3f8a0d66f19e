from django.urls import path

from minka.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("idioma/", views.language_set, name="language_set"),
    path("salud/", views.health, name="health"),
]
