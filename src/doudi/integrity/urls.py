from django.urls import path

from . import public_views, views

urlpatterns = [
    # Public (no login).
    path("report/", public_views.report_new, name="integrity_public_new"),
    path("report/kept/", public_views.report_kept, name="integrity_public_kept"),
    path("report/slip/", public_views.report_slip, name="integrity_public_slip"),
    path("report/follow/", public_views.report_follow, name="integrity_public_follow"),
    # 受理 and handling.
    path("reports/", views.report_list, name="integrity_reports"),
    path("reports/statistics/", views.report_stats, name="integrity_report_stats"),
    path("reports/settings/", views.handling_settings, name="integrity_settings"),
    path("reports/<int:pk>/", views.report_detail, name="integrity_report"),
    path("reports/<int:pk>/register/", views.report_register, name="integrity_report_register"),
    path("reports/<int:pk>/assign/", views.report_assign, name="integrity_report_assign"),
    path("reports/<int:pk>/extend/", views.report_extend, name="integrity_report_extend"),
    path("reports/<int:pk>/note/", views.report_note, name="integrity_report_note"),
    path("reports/<int:pk>/reply/", views.report_reply, name="integrity_report_reply"),
    path("reports/<int:pk>/answer/", views.report_answer, name="integrity_report_answer"),
    path("reports/<int:pk>/rectify/", views.report_rectify, name="integrity_report_rectify"),
    path("reports/<int:pk>/identity/", views.report_identity, name="integrity_report_identity"),
    path("reports/<int:pk>/files/<int:file_pk>/", views.report_attachment, name="integrity_report_file"),
    # Campaigns.
    path("campaigns/", views.campaign_list, name="integrity_campaigns"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="integrity_campaign"),
    path("campaigns/<int:pk>/select/", views.campaign_select, name="integrity_campaign_select"),
    path("campaigns/<int:pk>/summary.docx", views.campaign_summary_docx, name="integrity_campaign_docx"),
    path("campaigns/<int:pk>/summary.xlsx", views.campaign_summary_xlsx, name="integrity_campaign_xlsx"),
    path("entries/<int:pk>/selection/", views.entry_selection, name="integrity_entry_selection"),
    path("entries/<int:pk>/findings/", views.finding_new, name="integrity_finding_new"),
    path("findings/<int:pk>/", views.finding_detail, name="integrity_finding"),
    path("findings/<int:pk>/rectify/", views.finding_rectify, name="integrity_finding_rectify"),
    path("findings/<int:pk>/transfer/", views.finding_transfer, name="integrity_finding_transfer"),
    # Self-inspection forms.
    path("forms/", views.my_forms, name="integrity_my_forms"),
    path("forms/<int:pk>/", views.entry_form, name="integrity_entry"),
    path("forms/<int:pk>/template.xlsx", views.entry_template, name="integrity_entry_template"),
]
