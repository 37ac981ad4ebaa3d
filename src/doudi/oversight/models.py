"""Oversight (督查): rectification tasks (整改), inspections, surveys and evaluations.

A task, or a survey, comes from a source named generically (`source_kind` + `source_id`: a visit,
an inspection, a complaint, later a campaign or village supervision), so this app never imports
the apps that open tasks: they register their kind in sources.py. Fields and constraints only;
writes in services.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from doudi.core.models import Region, Upload
from doudi.registry.models import Institution, Person

from . import sources


class RectificationTask(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("rectification status", "Open")
        CLOSED = "closed", pgettext_lazy("rectification status", "Closed")

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The kinds are registered by the apps that open tasks (sources.py), not listed here.
    source_kind = models.CharField(_("source"), max_length=20)
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

    @property
    def source(self) -> sources.Source:
        return sources.Source(self.source_kind, self.source_id)

    @property
    def source_label(self) -> str:
        return sources.label(self.source_kind)


class TaskNote(models.Model):
    """A progress note, the closure, or a reopening, in order."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", pgettext_lazy("rectification", "Progress")
        CLOSED = "closed", pgettext_lazy("rectification status", "Closed")
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


# ---- inspections (督导检查) -------------------------------------------------------------------------


class Checklist(models.Model):
    """A county's inspection checklist (检查清单). Items are rows so findings can refer to them;
    an item no longer used is retired (`active=False`), never deleted, so old findings keep it."""

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(pgettext_lazy("checklist", "name"), max_length=100)
    active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "region"

    class Meta:
        ordering = ["region_id", "name", "id"]
        verbose_name = _("inspection checklist")
        verbose_name_plural = _("inspection checklists")

    def __str__(self):
        return self.name


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("item"), max_length=100)
    guidance = models.TextField(_("what to check"), blank=True)
    active = models.BooleanField(_("in use"), default=True)

    scope_path = "checklist__region"

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self):
        return self.title


class Inspection(models.Model):
    """One inspected unit: a township, a village, or a nursing home (then `region` is the home's).
    Planning several units at once creates one row each, sharing a `round` name (e.g. 2026年第四季度
    督查), so each township sees only its own inspections and the circular ranks units."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Findings recorded")

    round = models.CharField(_("round"), max_length=100)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    checklist = models.ForeignKey(Checklist, verbose_name=_("checklist"), on_delete=models.PROTECT)
    planned_on = models.DateField(_("planned date"))
    inspected_on = models.DateField(_("inspection date"), null=True, blank=True)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("inspector"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    summary = models.TextField(_("overall remarks"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "region"

    class Meta:
        ordering = ["-planned_on", "id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [models.Index(fields=["region", "planned_on"]), models.Index(fields=["round"])]

    def __str__(self):
        return f"{self.round} · {self.institution or self.region}"


class Finding(models.Model):
    """The result for one checklist item: 符合 / 不符合, a note, photos, maybe a person. A
    non-conforming finding opens a rectification task (source_kind="inspection", source_id=pk)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    ok = models.BooleanField(_("conforms"))
    note = models.TextField(_("note"), blank=True)
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    task = models.ForeignKey(
        RectificationTask, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    scope_path = "inspection__region"

    class Meta:
        ordering = ["inspection_id", "item__order", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="oversight_one_finding_per_item"),
            models.CheckConstraint(condition=Q(ok=True) | ~Q(note=""), name="oversight_problem_has_note"),
        ]

    def __str__(self):
        return f"{self.item} {'符合' if self.ok else '不符合'}"


class FindingPhoto(models.Model):
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="photos")
    upload = models.ForeignKey(Upload, on_delete=models.PROTECT, related_name="+")

    scope_path = "finding__inspection__region"

    def __str__(self):
        return str(self.upload)


# ---- satisfaction surveys and performance evaluations (满意度调查、绩效评估) ------------------------


class Answer(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    FAIRLY = "fairly", _("Fairly satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class Questionnaire(models.Model):
    """A county's short satisfaction questionnaire; questions are retired, never deleted."""

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(pgettext_lazy("questionnaire", "name"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "region"

    class Meta:
        ordering = ["region_id", "-created_at", "id"]

    def __str__(self):
        return self.name


class Question(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("question"), max_length=200)
    active = models.BooleanField(_("in use"), default=True)

    scope_path = "questionnaire__region"

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.text


class SurveyResponse(models.Model):
    class Channel(models.TextChoices):
        VISIT = "visit", _("During a home visit")
        SEPARATE = "separate", _("Separately")

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    asked_on = models.DateField(_("date"))
    channel = models.CharField(_("how"), max_length=10, choices=Channel.choices, default=Channel.SEPARATE)
    # the record during which it was asked (a visit, channel "visit"), when recorded from its page
    source_kind = models.CharField(max_length=20, blank=True)
    source_id = models.CharField(max_length=40, blank=True)
    # {question id (str): Answer value}
    answers = models.JSONField(default=dict)
    satisfied = models.PositiveSmallIntegerField(default=0)
    fairly = models.PositiveSmallIntegerField(default=0)
    dissatisfied = models.PositiveSmallIntegerField(default=0)
    comment = models.TextField(_("comment"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "person__village"

    class Meta:
        ordering = ["-asked_on", "-id"]
        indexes = [
            models.Index(fields=["person", "asked_on"]),
            models.Index(fields=["source_kind", "source_id"], name="oversight_survey_source_idx"),
        ]

    def __str__(self):
        return f"{self.person_id} {self.asked_on}"


class Evaluation(models.Model):
    """绩效评估 of a guardian, a carer or a service provider: 1–5 per criterion, with a comment."""

    class Subject(models.TextChoices):
        GUARDIAN = "guardian", _("Guardian")
        CARER = "carer", _("Carer")
        PROVIDER = "provider", _("Service provider")

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(_("who is evaluated"), max_length=10, choices=Subject.choices)
    subject_name = models.CharField(pgettext_lazy("organisation", "name"), max_length=100)
    evaluated_on = models.DateField(_("date"))
    # {criterion: 1..5}
    scores = models.JSONField(default=dict)
    average = models.DecimalField(max_digits=3, decimal_places=2)
    poor = models.BooleanField(default=False)
    comment = models.TextField(_("comment"), blank=True)
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "region"

    class Meta:
        ordering = ["-evaluated_on", "-id"]
        indexes = [
            models.Index(fields=["region", "evaluated_on"]),
            models.Index(fields=["person", "subject"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(average__gte=1) & Q(average__lte=5), name="oversight_evaluation_average_1_5"
            )
        ]

    def __str__(self):
        return f"{self.get_subject_display()} {self.subject_name}"
