from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import account_views, csp, unit_views, views
from .navigation import NavItem, register
from .roles import Cap

urlpatterns = [
    path("", views.home, name="home"),
    path("regions/", views.region_list, name="region_list"),
    path("regions/import/", views.region_import, name="region_import"),
    path("regions/import/template.xlsx", views.region_template, name="region_template"),
    path("regions/<str:code>/", views.region_detail, name="region_detail"),
    path("units/", unit_views.unit_list, name="unit_list"),
    path("units/new/", unit_views.unit_create, name="unit_create"),
    path("units/import/", unit_views.unit_import, name="unit_import"),
    path("units/import/template.xlsx", unit_views.unit_template, name="unit_template"),
    path("units/<int:pk>/", unit_views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", unit_views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/figures/", unit_views.unit_figures, name="unit_figures"),
    path("jobs/<uuid:pk>/", views.job_detail, name="job_detail"),
    path("users/", views.user_list, name="user_list"),
    path("users/lockouts/", views.lockout_list, name="lockout_list"),
    path("users/lockouts/unlock/", views.lockout_unlock, name="lockout_unlock"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/password/", views.user_password, name="user_password"),
    path("users/<int:pk>/active/", views.user_active, name="user_active"),
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/<int:seq>/full/", views.audit_reveal, name="audit_reveal"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notification_read, name="notification_read"),
    # Account security (issue 16): two-step verification and API tokens.
    path("account/2fa/", account_views.second_factor_enrol, name="second_factor_enrol"),
    path("account/2fa/verify/", account_views.second_factor_verify, name="second_factor_verify"),
    path("account/recovery-codes/", account_views.recovery_codes, name="recovery_codes"),
    path("account/tokens/", account_views.token_list, name="token_list"),
    path("account/tokens/<int:pk>/revoke/", account_views.token_revoke, name="token_revoke"),
    path("users/tokens/", account_views.token_admin_list, name="token_admin_list"),
    path("users/<int:pk>/2fa-reset/", account_views.second_factor_reset, name="second_factor_reset"),
    path("csp-report/", csp.report, name="csp_report"),
]

register(
    NavItem(_("Home"), "home", order=0, group=""),
    NavItem(_("Regions"), "region_list", Cap.VIEW_REGIONS, order=80, group="system"),
    NavItem(_("Units"), "unit_list", Cap.VIEW_UNITS, order=84, group="system"),
    NavItem(_("Accounts"), "user_list", Cap.MANAGE_USERS, order=90, group="system"),
    NavItem(_("Audit log"), "audit_list", Cap.VIEW_AUDIT, order=95, group="system"),
)
