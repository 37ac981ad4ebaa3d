from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="village_home"),
    path("list/<str:what>/", views.overview_list, name="village_overview_list"),
    path("public/<str:code>/", views.public_page, name="village_public"),
    path("<str:code>/", views.village_detail, name="village_detail"),
    path("<str:code>/officials/", views.official_add, name="village_official_add"),
    path("officials/<int:pk>/relatives/", views.relative_add, name="village_relative_add"),
    path("<str:code>/committees/", views.committee_create, name="village_committee_create"),
    path("committees/<int:pk>/", views.committee_detail, name="village_committee"),
    path("committees/<int:pk>/candidates/", views.candidate_add, name="village_candidate_add"),
    path("candidates/<int:pk>/review/", views.candidate_review, name="village_candidate_review"),
    path("committees/<int:pk>/election/", views.election, name="village_election"),
    path("committees/<int:pk>/filing/", views.filing, name="village_filing"),
    path("committees/<int:pk>/<str:action>/", views.committee_action, name="village_committee_action"),
    path("<str:code>/vouchers/", views.voucher_list, name="village_vouchers"),
    path("<str:code>/vouchers/import/", views.voucher_import, name="village_voucher_import"),
    path("<str:code>/vouchers/template/", views.voucher_template, name="village_voucher_template"),
    path("vouchers/<int:pk>/review/", views.voucher_review, name="village_voucher_review"),
    path("vouchers/<int:pk>/decision/", views.voucher_decision, name="village_voucher_decision"),
    path("vouchers/<int:pk>/book/", views.voucher_book, name="village_voucher_book"),
    path("inquiries/<int:pk>/answer/", views.inquiry_answer, name="village_inquiry_answer"),
    path("<str:code>/openness/", views.openness_submit, name="village_openness_submit"),
    path("openness/<int:pk>/review/", views.openness_review, name="village_openness_review"),
    path("<str:code>/poster/", views.poster, name="village_poster"),
]
