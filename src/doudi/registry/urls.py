from django.urls import path
from django.utils.translation import gettext_lazy as _

from doudi.core.navigation import NavItem, register
from doudi.core.roles import Cap

from . import views

urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("new/", views.person_create, name="person_create"),
    path("<int:pk>/", views.person_detail, name="person_detail"),
    path("<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("<int:pk>/id-number/", views.person_reveal_id, name="person_reveal_id"),
    path("duplicates/", views.duplicate_list, name="duplicate_list"),
    path("duplicates/<int:pk>/", views.duplicate_detail, name="duplicate_detail"),
    path("duplicates/<int:pk>/merge/", views.duplicate_merge, name="duplicate_merge"),
    path("duplicates/<int:pk>/dismiss/", views.duplicate_dismiss, name="duplicate_dismiss"),
]

register(
    NavItem(_("Person registry"), "person_list", Cap.VIEW_PERSONS, order=10, group="ledger"),
    NavItem(_("Probable duplicates"), "duplicate_list", Cap.MERGE_PERSONS, order=15, group="ledger"),
)
