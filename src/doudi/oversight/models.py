"""Oversight (督查): rectification tasks (整改). Inspections come next and reuse the generic source.

A task comes from a visit, an inspection or a complaint (`source_kind` + `source_id`), so this app
does not import the apps that open tasks. Fields and constraints only; writes in services.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from doudi.core.models import Region, Upload
from doudi.registry.models import Person


class SourceKind(models.TextChoices):
    VISIT = "visit", _("Home visit")
    INSPECTION = "inspection", _("Inspection")
    COMPLAINT = "complaint", _("Complaint")


class RectificationTask(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("rectification status", "Open")
        CLOSED = "closed", _("Closed")

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_kind = models.CharField(_("source"), max_length=20, choices=SourceKind.choices)
    source_id = models.CharField(max_length=40, blank=True)
    aspect = models.CharField(_("aspect"), max_length=40, blank=True)
    title = models.CharField(_("problem"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    evidence = models.TextField(_("closure evidence"), blank=True)
    evidence_file = models.ForeignKey(
        Upload, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reopened = models.PositiveSmallIntegerField(default=0)
    # Optimistic locking: a save carries the version it read; a stale one is refused.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "region"

    class Meta:
        ordering = ["status", "deadline", "id"]
        verbose_name = _("rectification task")
        verbose_name_plural = _("rectification tasks")
        indexes = [
            models.Index(fields=["region", "status", "deadline"]),
            models.Index(fields=["source_kind", "source_id"]),
            models.Index(fields=["person", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | ~Q(evidence="") | Q(evidence_file__isnull=False),
                name="oversight_closed_task_has_evidence",
            )
        ]

    def __str__(self):
        return f"整改 #{self.pk} {self.title}"


class TaskNote(models.Model):
    """A progress note, the closure, or a reopening, in order."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("Progress")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")
        CHANGED = "changed", _("Changed")

    task = models.ForeignKey(RectificationTask, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PROGRESS)
    text = models.TextField(_("note"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    scope_path = "task__region"

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return self.text[:50]
