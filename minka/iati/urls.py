from django.urls import path

from minka.iati import views

urlpatterns = [
    path("programas/<slug:slug>/iati.xml", views.program_iati, name="program_iati"),
]
