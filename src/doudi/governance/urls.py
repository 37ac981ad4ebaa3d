from django.urls import path

from . import views

urlpatterns = [
    path("", views.scheme_list, name="governance_schemes"),
    path("new/", views.scheme_new, name="governance_scheme_new"),
    path("<int:pk>/", views.scheme_detail, name="governance_scheme"),
    path("<int:pk>/lines/", views.scheme_lines, name="governance_scheme_lines"),
    path("<int:pk>/close/", views.scheme_close, name="governance_scheme_close"),
    path("<int:pk>/subjects/", views.subject_add, name="governance_subject_add"),
    path("<int:pk>/goods/", views.goods_save, name="governance_goods_save"),
    path("<int:pk>/weeks/", views.abc_weeks, name="governance_abc_weeks"),
    path("<int:pk>/weeks.xlsx", views.abc_weeks_xlsx, name="governance_abc_weeks_xlsx"),
    path("<int:pk>/redemptions.xlsx", views.ledger_xlsx, name="governance_ledger_xlsx"),
    path("periods/<int:pk>/", views.close_detail, name="governance_close"),
    path("periods/<int:pk>/payroll.xlsx", views.payroll_xlsx, name="governance_payroll_xlsx"),
    path("award/", views.award, name="governance_award"),
    path("subjects/<int:pk>/", views.subject_detail, name="governance_subject"),
    path("entries/<int:pk>/correct/", views.entry_correct, name="governance_entry_correct"),
    path("entries/<int:pk>/appeal/", views.entry_appeal, name="governance_entry_appeal"),
    path("appeals/", views.appeal_list, name="governance_appeals"),
    path("appeals/<int:pk>/decide/", views.appeal_decide, name="governance_appeal_decide"),
    path("market/", views.market, name="governance_market"),
    path("market/redeem/", views.redeem, name="governance_redeem"),
    path("lists/", views.list_index, name="governance_lists"),
    path("lists/draft/", views.list_draft, name="governance_list_draft"),
    path("lists/<int:pk>/", views.list_detail, name="governance_list"),
    path("lists/<int:pk>/publish/", views.list_publish, name="governance_list_publish"),
]
