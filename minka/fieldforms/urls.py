from django.urls import path

from minka.fieldforms import views

FORMS = "programas/<slug:slug>/formularios/"

urlpatterns = [
    path(FORMS, views.fieldform_list, name="fieldform_list"),
    path(FORMS + "<slug:form_id>.xlsx", views.fieldform_xlsx, name="fieldform_xlsx"),
    path(FORMS + "<slug:form_id>.xml", views.fieldform_xform, name="fieldform_xform"),
]
