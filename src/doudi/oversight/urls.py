from django.urls import path

from . import inspection_views as iv
from . import survey_views as sv
from . import views

urlpatterns = [
    path("rectification/", views.task_list, name="oversight_tasks"),
    path("rectification/<int:pk>/", views.task_detail, name="oversight_task"),
    path("rectification/<int:pk>/note/", views.task_note, name="oversight_task_note"),
    path("rectification/<int:pk>/close/", views.task_close, name="oversight_task_close"),
    path("rectification/<int:pk>/reopen/", views.task_reopen, name="oversight_task_reopen"),
    path("rectification/<int:pk>/edit/", views.task_edit, name="oversight_task_edit"),
    path("rectification/<int:pk>/evidence/", views.task_evidence, name="oversight_task_evidence"),
    # 督导检查
    path("checklists/", iv.checklist_list, name="oversight_checklists"),
    path("checklists/<int:pk>/", iv.checklist_detail, name="oversight_checklist"),
    path("checklists/<int:pk>/items/<int:item_pk>/", iv.checklist_item_edit, name="oversight_checklist_item"),
    path("inspections/", iv.inspection_list, name="oversight_inspections"),
    path("inspections/plan/", iv.inspection_plan, name="oversight_inspection_plan"),
    path("inspections/circular/", iv.circular, name="oversight_circular"),
    path("inspections/<int:pk>/", iv.inspection_detail, name="oversight_inspection"),
    path("inspections/<int:pk>/record/", iv.inspection_record, name="oversight_inspection_record"),
    path("inspections/<int:pk>/report/", iv.inspection_report, name="oversight_inspection_report"),
    path("findings/photos/<int:pk>/", iv.finding_photo, name="oversight_finding_photo"),
    # 满意度调查、绩效评估
    path("persons/<int:pk>/survey/", sv.person_survey, name="oversight_person_survey"),
    path("persons/<int:pk>/evaluation/", sv.person_evaluation, name="oversight_person_evaluation"),
    path("questionnaires/", sv.questionnaire_list, name="oversight_questionnaires"),
    path("questionnaires/<int:pk>/", sv.questionnaire_detail, name="oversight_questionnaire"),
    path("results/", sv.results_page, name="oversight_results"),
]
