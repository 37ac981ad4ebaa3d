from django.urls import path

from . import views

urlpatterns = [
    path("rectification/", views.task_list, name="oversight_tasks"),
    path("rectification/<int:pk>/", views.task_detail, name="oversight_task"),
    path("rectification/<int:pk>/note/", views.task_note, name="oversight_task_note"),
    path("rectification/<int:pk>/close/", views.task_close, name="oversight_task_close"),
    path("rectification/<int:pk>/reopen/", views.task_reopen, name="oversight_task_reopen"),
    path("rectification/<int:pk>/edit/", views.task_edit, name="oversight_task_edit"),
    path("rectification/<int:pk>/evidence/", views.task_evidence, name="oversight_task_evidence"),
]
