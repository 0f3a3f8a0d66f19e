from django.urls import path

from minka.employment import views, views_employers, views_portal, views_vacancies

app_name = "employment"

JOBS = "programas/<slug:slug>/empleo/"

urlpatterns = [
    path(JOBS, views.home, name="home"),
    path(JOBS + "habilidades/", views.skill_list, name="skill_list"),
    path(JOBS + "habilidades/<int:pk>/activar/", views.skill_toggle, name="skill_toggle"),
    # Seekers
    path(JOBS + "buscadores/", views.seeker_list, name="seeker_list"),
    path(JOBS + "buscadores/nuevo/", views.seeker_create, name="seeker_create"),
    path(JOBS + "buscadores/<int:pk>/", views.seeker_detail, name="seeker_detail"),
    path(JOBS + "buscadores/<int:pk>/editar/", views.seeker_edit, name="seeker_edit"),
    path(JOBS + "buscadores/<int:pk>/cv/", views.seeker_cv, name="seeker_cv"),
    path(JOBS + "buscadores/<int:pk>/experiencia/", views.experience_add, name="experience_add"),
    path(JOBS + "buscadores/<int:pk>/autoempleo/", views.self_employment_create, name="self_employment_create"),
    path(JOBS + "autoempleo/<int:pk>/seguimiento/", views.self_employment_follow_up, name="self_employment_follow_up"),
    # Employers
    path(JOBS + "empleadores/", views_employers.employer_list, name="employer_list"),
    path(JOBS + "empleadores/nuevo/", views_employers.employer_create, name="employer_create"),
    path(JOBS + "empleadores/<int:pk>/", views_employers.employer_detail, name="employer_detail"),
    path(JOBS + "empleadores/<int:pk>/editar/", views_employers.employer_edit, name="employer_edit"),
    path(JOBS + "empleadores/<int:pk>/contactos/", views_employers.contact_add, name="contact_add"),
    path(JOBS + "contactos/<int:pk>/acceso/", views_employers.contact_login, name="contact_login"),
    # Vacancies
    path(JOBS + "vacantes/", views_vacancies.vacancy_list, name="vacancy_list"),
    path(JOBS + "vacantes/nueva/", views_vacancies.vacancy_create, name="vacancy_create"),
    path(JOBS + "vacantes/<int:pk>/", views_vacancies.vacancy_detail, name="vacancy_detail"),
    path(JOBS + "vacantes/<int:pk>/editar/", views_vacancies.vacancy_edit, name="vacancy_edit"),
    path(JOBS + "vacantes/<int:pk>/estado/", views_vacancies.vacancy_status, name="vacancy_status"),
    path(JOBS + "vacantes/<int:pk>/candidatos/", views_vacancies.vacancy_matches, name="vacancy_matches"),
    path(JOBS + "vacantes/<int:pk>/preseleccionar/", views_vacancies.shortlist, name="shortlist"),
    # Applications, placements, follow-ups
    path(JOBS + "postulaciones/<int:pk>/", views_vacancies.application_detail, name="application_detail"),
    path(JOBS + "postulaciones/<int:pk>/estado/", views_vacancies.application_state, name="application_state"),
    path(JOBS + "postulaciones/<int:pk>/contratar/", views_vacancies.placement_create, name="placement_create"),
    path(JOBS + "colocaciones/<int:pk>/seguimiento/", views_vacancies.follow_up_create, name="follow_up_create"),
    # The employer portal
    path("portal-empleador/", views_portal.portal_home, name="portal_home"),
    path("portal-empleador/vacantes/<int:pk>/", views_portal.portal_vacancy, name="portal_vacancy"),
    path("portal-empleador/candidatos/<int:pk>/cv/", views_portal.portal_cv, name="portal_cv"),
]
