from django.urls import path

from . import ledger_views as lv
from . import views

urlpatterns = [
    path("", views.plan_list, name="programmes_plans"),
    path("import/", views.plan_import, name="programmes_import"),
    path("import/xlsx/", views.plan_import_xlsx, name="programmes_import_xlsx"),
    path("import/template.xlsx", views.plan_template_xlsx, name="programmes_import_template"),
    path("worklist/", views.worklist, name="programmes_worklist"),
    path("tasks/", views.task_list, name="programmes_tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="programmes_task"),
    path("tasks/<int:pk>/report/", views.task_report, name="programmes_task_report"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="programmes_task_edit"),
    path("tasks/<int:pk>/complete/", views.task_complete, name="programmes_task_complete"),
    path("tasks/<int:pk>/evaluate/", views.task_evaluate, name="programmes_task_evaluate"),
    path("files/report/<int:pk>/", views.report_attachment, name="programmes_report_file"),
    path("files/ledger/<int:pk>/", views.ledger_attachment, name="programmes_ledger_file"),
    path("<int:pk>/", views.plan_detail, name="programmes_plan"),
    path("<int:pk>/plan.toml", views.plan_toml, name="programmes_plan_toml"),
    path("<int:pk>/plan.xlsx", views.plan_workbook, name="programmes_plan_workbook"),
    path("<int:pk>/progress.xlsx", views.plan_xlsx, name="programmes_plan_xlsx"),
    path("<int:pk>/summary.docx", views.plan_docx, name="programmes_plan_docx"),
    path("<int:pk>/funding/", views.plan_funding, name="programmes_plan_funding"),
    path("<int:pk>/accept/", views.plan_accept, name="programmes_plan_accept"),
    path("<int:pk>/ledgers/shipped/", lv.ledger_shipped, name="programmes_ledger_shipped"),
    # 台账
    path("ledgers/", lv.ledger_list, name="programmes_ledgers"),
    path("ledgers/new/", lv.ledger_new, name="programmes_ledger_new"),
    path("ledgers/<int:pk>/", lv.ledger_detail, name="programmes_ledger"),
    path("ledgers/<int:pk>/rows/new/", lv.ledger_row_new, name="programmes_ledger_row"),
    path("ledgers/<int:pk>/upload/", lv.ledger_upload, name="programmes_ledger_upload"),
    path("ledgers/<int:pk>/template.xlsx", lv.ledger_template, name="programmes_ledger_template"),
    path("ledgers/<int:pk>/export.xlsx", lv.ledger_export, name="programmes_ledger_export"),
]
