"""Reads for rectification tasks, always through the area scope."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from doudi.core.scope import get_scoped_or_404, scoped

from .models import RectificationTask, TaskNote
from .sources import Source

BUCKETS = {
    "open": pgettext_lazy("rectification status", "Open"),
    "overdue": _("Overdue"),
    "closed": pgettext_lazy("rectification status", "Closed"),
}


def _bucket_q(today: dt.date) -> dict[str, Q]:
    return {
        "open": Q(status=RectificationTask.Status.OPEN),
        "overdue": Q(status=RectificationTask.Status.OPEN, deadline__lt=today),
        "closed": Q(status=RectificationTask.Status.CLOSED),
    }


def task_get(user, pk) -> RectificationTask:
    return get_scoped_or_404(
        RectificationTask.objects.select_related("region", "person", "person__village", "owner", "closed_by"),
        user,
        pk=pk,
    )


def task_notes(user, task):
    return scoped(TaskNote, user).filter(task=task).select_related("author")


def task_counts(user, today: dt.date | None = None) -> dict[str, int]:
    """The numbers on the tabs; each is the count of `tasks(user, bucket)`."""
    today = today or timezone.localdate()
    q = _bucket_q(today)
    return scoped(RectificationTask, user).aggregate(**{k: Count("pk", filter=v) for k, v in q.items()})


def tasks(user, bucket: str = "open", today: dt.date | None = None, *, mine: bool = False):
    today = today or timezone.localdate()
    q = _bucket_q(today)
    if bucket not in q:
        raise Http404(_("No such list."))
    qs = scoped(RectificationTask, user).filter(q[bucket])
    if mine:
        qs = qs.filter(owner=user)
    return qs.select_related("region", "person", "owner").order_by("deadline", "pk")


def tasks_for_source(user, source: Source) -> list[RectificationTask]:
    """The tasks opened for one source record (a visit, an inspection finding...), in the area."""
    return list(
        scoped(RectificationTask, user).filter(source_kind=source.kind, source_id=source.id).order_by("pk")
    )


def tasks_of_person(user, person):
    return (
        scoped(RectificationTask, user).filter(person=person).select_related("owner").order_by("-created_at")
    )


def overdue_tasks_all(today: dt.date):
    """Every overdue task (for the daily job, which notifies each owner; not a page read)."""
    return RectificationTask.objects.filter(
        status=RectificationTask.Status.OPEN, deadline__lt=today
    ).select_related("owner", "region")
