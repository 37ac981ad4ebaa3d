from django.urls import path

from . import views

urlpatterns = [
    path("guardianship/", views.coverage, name="care_coverage"),
    path("guardianship/<str:township>/<str:bucket>/", views.coverage_list, name="care_coverage_list"),
    path("persons/<int:person_id>/guardianship/", views.person, name="care_person"),
    path(
        "persons/<int:person_id>/guardianship/candidates/new/", views.candidate_add, name="care_candidate_add"
    ),
    path("persons/<int:person_id>/guardianship/confirm/", views.confirm, name="care_confirm"),
    path("persons/<int:person_id>/guardianship/replace/", views.replacement_new, name="care_replacement_new"),
    path("persons/<int:person_id>/agreements/new/", views.agreement_new, name="care_agreement_new"),
    path("candidates/<int:pk>/", views.candidate_edit, name="care_candidate_edit"),
    path("candidates/<int:pk>/delete/", views.candidate_delete, name="care_candidate_delete"),
    path("candidates/<int:pk>/consent/", views.consent_add, name="care_consent_add"),
    path("consents/<int:pk>/document/", views.consent_document, name="care_consent_document"),
    path("agreements/expiring/", views.reminders, name="care_reminders"),
    path("agreements/<int:pk>/", views.agreement, name="care_agreement"),
    path("agreements/<int:pk>/generate/", views.agreement_generate, name="care_agreement_generate"),
    path("agreements/<int:pk>/sign/", views.agreement_sign, name="care_agreement_sign"),
    path("agreements/<int:pk>/renew/", views.agreement_renew, name="care_agreement_renew"),
    path("agreements/<int:pk>/file/<str:kind>/", views.agreement_file, name="care_agreement_file"),
    path("replacements/<int:pk>/", views.replacement, name="care_replacement"),
    path("agreement-templates/", views.templates, name="care_templates"),
    path("agreement-templates/<str:key>/", views.template_preview, name="care_template_preview"),
    path("agreement-templates/<str:key>/file/<str:kind>", views.template_file, name="care_template_file"),
    path(
        "agreement-templates/<str:key>/deactivate/",
        views.template_deactivate,
        name="care_template_deactivate",
    ),
]
