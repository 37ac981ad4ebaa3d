from django.urls import path

from . import views

urlpatterns = [
    path("monthly/", views.monthly, name="reports_monthly"),
    path("monthly/list/", views.cell_list, name="reports_list"),
    path("monthly/export.xlsx", views.export, name="reports_export"),
    path("closing/", views.closing, name="reports_closing"),
    path("closing/submit/", views.submit, name="reports_submit"),
    path("closing/close/", views.close, name="reports_close"),
    path("closing/<int:pk>/", views.report_detail, name="reports_report"),
    path("closing/<int:pk>/return/", views.send_back, name="reports_return"),
    path("dashboard.json", views.dashboard_data, name="reports_dashboard_data"),
    path("map/", views.map_page, name="reports_map"),
    path("map/data.json", views.map_data, name="reports_map_data"),
    path("map/upload/", views.map_upload, name="reports_map_upload"),
]
