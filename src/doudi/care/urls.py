"""URLs of the monthly care loop, under /care/ beside guardianship's."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("persons/<int:person_id>/support/", v.support, name="care_support"),
    path("persons/<int:person_id>/placement/", v.placement_set, name="care_placement_set"),
    path("persons/<int:person_id>/network/new/", v.member_add, name="care_member_add"),
    path("persons/<int:person_id>/visits/new/", v.visit_new, name="care_visit_new"),
    path("network/<int:pk>/delete/", v.member_delete, name="care_member_delete"),
    path("home-support/", v.network, name="care_network"),
    path("home-support/<str:township>/<str:bucket>/", v.network_list, name="care_network_list"),
    path("institutions/", v.institutions, name="care_institutions"),
    path("visits/", v.visits_due, name="care_visits_due"),
    path("visits/worklist/", v.worklist, name="care_worklist"),
    path("visits/flagged/", v.visits_flagged, name="care_visits_flagged"),
    path("visits/ledger.xlsx", v.visit_ledger, name="care_visit_ledger"),
    path("visits/<int:pk>/", v.visit_detail, name="care_visit"),
    path("visits/<int:pk>/photos/<int:photo_pk>/", v.visit_photo, name="care_visit_photo"),
    path("guardian-performance/", v.guardian_performance, name="care_guardian_performance"),
    path("loop-settings/", v.loop_settings, name="care_loop_settings"),
    path("providers/", v.providers, name="care_providers"),
    path("providers/<int:pk>/", v.provider, name="care_provider"),
    path("providers/<int:pk>/contracts/new/", v.contract_new, name="care_contract_new"),
    path("contracts/<int:pk>/", v.contract, name="care_contract"),
    path("services/", v.services, name="care_services"),
    path("services/undelivered/", v.undelivered, name="care_undelivered"),
    path("deliveries/", v.my_orders, name="care_my_orders"),
    path("orders/<int:pk>/deliver/", v.delivery_new, name="care_delivery_new"),
    path("materials/", v.materials, name="care_materials"),
    path("materials/new/", v.batch_new, name="care_batch_new"),
    path("materials/<int:pk>/", v.batch, name="care_batch"),
    path("handovers/<int:pk>/", v.handover, name="care_handover"),
    path("handovers/<int:pk>/signature/", v.handover_signature, name="care_handover_signature"),
]
