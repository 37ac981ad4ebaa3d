from django.urls import path

from . import views

urlpatterns = [
    path("", views.worklist, name="elig_worklist"),
    path("applications/new/", views.application_new, name="elig_application_new"),
    path("evaluate/", views.evaluate, name="elig_evaluate"),
    path("cases/<int:pk>/", views.case_detail, name="elig_case"),
    path("cases/<int:pk>/<slug:action>/", views.case_action, name="elig_case_action"),
    path("documents/<int:pk>/", views.document_download, name="elig_document"),
    path("persons/<int:pk>/", views.person_page, name="elig_person"),
    path("persons/<int:pk>/assess/", views.assessment_new, name="elig_assessment_new"),
    path("persons/<int:pk>/review/", views.review_new, name="elig_review_new"),
    path("persons/<int:pk>/terminate/", views.termination_new, name="elig_termination_new"),
    path("dynamic-review/", views.dynamic, name="elig_dynamic"),
    path("settings/", views.settings_page, name="elig_settings"),
    path("calendar/", views.calendar_page, name="elig_calendar"),
]
