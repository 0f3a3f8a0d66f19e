from django.urls import path

from minka.stories import views

STORIES = "programas/<slug:slug>/historias/"

urlpatterns = [
    path(STORIES, views.story_list, name="story_list"),
    path(STORIES + "nueva/", views.story_create, name="story_create"),
    path(STORIES + "<int:pk>/", views.story_detail, name="story_detail"),
    path(STORIES + "<int:pk>/editar/", views.story_edit, name="story_edit"),
    path(STORIES + "<int:pk>/eliminar/", views.story_delete, name="story_delete"),
    path(STORIES + "<int:pk>/retirar-consentimiento/", views.story_consent_withdraw, name="story_consent_withdraw"),
    path(STORIES + "<int:pk>/foto/", views.story_photo, name="story_photo"),
    path("programas/<slug:slug>/pagina-publica/", views.public_results_toggle, name="public_results_toggle"),
]
