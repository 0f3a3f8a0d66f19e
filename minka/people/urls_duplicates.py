from django.urls import path

from minka.people import views_duplicates as views

urlpatterns = [
    path("personas/duplicados/", views.duplicate_list, name="duplicate_list"),
    path("personas/duplicados/<int:pk>/", views.duplicate_review, name="duplicate_review"),
    path("personas/fusiones/<int:pk>/deshacer/", views.merge_undo, name="merge_undo"),
]
