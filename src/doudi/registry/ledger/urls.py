"""The ledger pages' URLs (included under /ledger/) and their entries in the main navigation."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from doudi.core.navigation import NavItem, register
from doudi.core.roles import Cap

from . import views

urlpatterns = [
    path("template.xlsx", views.ledger_template, name="ledger_template"),
    path("import/", views.ledger_import, name="ledger_import"),
    path("imports/<int:pk>/", views.ledger_import_detail, name="ledger_import_detail"),
    path("imports/<int:pk>/commit/", views.ledger_import_commit, name="ledger_import_commit"),
    path("imports/<int:pk>/original/", views.ledger_import_original, name="ledger_import_original"),
    path("export/", views.ledger_export, name="ledger_export"),
]

register(
    NavItem(_("Import ledger"), "ledger_import", Cap.IMPORT_PERSONS, order=30, group="ledger"),
    NavItem(_("Export ledger"), "ledger_export", Cap.EXPORT_PERSONS, order=31, group="ledger"),
)
