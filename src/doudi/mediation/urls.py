from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="mediation_home"),
    path("disputes.xlsx", views.disputes_xlsx, name="mediation_disputes_xlsx"),
    path("disputes/new/", views.dispute_new, name="mediation_dispute_new"),
    path("disputes/<int:pk>/", views.dispute_detail, name="mediation_dispute"),
    path("disputes/<int:pk>/escalate/", views.dispute_escalate, name="mediation_dispute_escalate"),
    path("disputes/<int:pk>/outcome/", views.dispute_conclude, name="mediation_dispute_conclude"),
    path("disputes/<int:pk>/agreement.docx", views.dispute_agreement, name="mediation_dispute_agreement"),
    path("disputes/<int:pk>/scan/", views.dispute_scan, name="mediation_dispute_scan"),
    path("disputes/<int:pk>/scan/file/", views.dispute_scan_file, name="mediation_dispute_scan_file"),
    path("disputes/<int:pk>/followup/", views.dispute_followup, name="mediation_dispute_followup"),
    path("committees/", views.coverage, name="mediation_coverage"),
    path("committees/<str:code>/", views.committee, name="mediation_committee"),
    path("committees/<int:pk>/members/", views.member_add, name="mediation_member_add"),
    path("members/<int:pk>/remove/", views.member_remove, name="mediation_member_remove"),
    path("settings/<str:code>/", views.setting, name="mediation_setting"),
    path("settings/<str:code>/template/", views.template_upload, name="mediation_template_upload"),
    path("settings/<str:code>/template/revert/", views.template_revert, name="mediation_template_revert"),
    path(
        "settings/<str:code>/template/current.docx", views.template_current, name="mediation_template_current"
    ),
    path(
        "settings/<str:code>/template/default.docx", views.template_default, name="mediation_template_default"
    ),
    path("statistics/", views.statistics, name="mediation_statistics"),
]
