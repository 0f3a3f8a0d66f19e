from django.urls import path

from minka.public import views

PUBLIC = "resultados-publicos/<slug:slug>/"

urlpatterns = [
    path(PUBLIC, views.public_results, name="public_results"),
    path(PUBLIC + "historias/<int:pk>/foto/", views.public_story_photo, name="public_story_photo"),
]
