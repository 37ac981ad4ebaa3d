"""Pilot plans (试点方案) as data: phases, numbered tasks with their units and townships, numeric
targets, funding splits, reporting schedules and progress reports (seed documents 1–4; rules.py).

A plan belongs to the county (or township) it runs in and is scoped by that region; a task's units
(TaskUnit) and a report's unit are scoped by the unit tree as well (docs/units.md), so a unit's
staff see the tasks and reports of their unit and its subordinate units only.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from doudi.core.models import Region, Unit

from . import rules


class Plan(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", pgettext_lazy("programmes", "Province")
        CITY = "city", pgettext_lazy("programmes", "City")
        COUNTY = "county", pgettext_lazy("programmes", "County")
        TOWNSHIP = "township", pgettext_lazy("programmes", "Township")
        VILLAGE = "village", pgettext_lazy("programmes", "Village")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Under way")
        ACCEPTED = "accepted", _("Accepted")

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="plans"
    )
    key = models.SlugField(_("key"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issuing unit"), max_length=100, blank=True)
    doc_number = models.CharField(_("document number"), max_length=60, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    year = models.PositiveSmallIntegerField(pgettext_lazy("programmes", "year"))
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    source = models.CharField(pgettext_lazy("programmes", "source"), max_length=200, blank=True)
    near_days = models.PositiveSmallIntegerField(
        _("warn this many working days before a deadline"), default=5
    )
    escalate_days = models.PositiveSmallIntegerField(_("escalate after this many working days"), default=5)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    acceptance_notes = models.TextField(_("acceptance notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "region"

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = _("pilot plan")
        verbose_name_plural = _("pilot plans")
        constraints = [
            models.UniqueConstraint(fields=["region", "key", "year"], name="programmes_plan_key_year"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="programmes_plan_period"),
        ]

    def __str__(self):
        return self.title


class Phase(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="phases")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(_("name"), max_length=100)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))

    scope_path = "plan__region"

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("phase")
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="programmes_phase_name"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="programmes_phase_period"),
        ]

    def __str__(self):
        return self.name


class Task(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    phase = models.ForeignKey(
        Phase, verbose_name=_("phase"), on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks"
    )
    order = models.PositiveSmallIntegerField()
    number = models.CharField(_("number"), max_length=20)
    section = models.CharField(_("section"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    start = models.DateField(_("start"), null=True, blank=True)
    deadline = models.DateField(pgettext_lazy("programmes", "deadline"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    regions = models.ManyToManyField(
        Region, verbose_name=_("responsible townships"), blank=True, related_name="programme_tasks"
    )
    units = models.ManyToManyField(Unit, through="TaskUnit", related_name="programme_tasks")

    scope_path = "plan__region"

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("task")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="programmes_task_number")]

    def __str__(self):
        return f"{self.number} {self.title}"

    def starts_on(self):
        return self.start or (self.phase.start if self.phase_id else self.plan.start)

    def status(self, today, reported=False):
        return rules.task_status(
            start=self.starts_on(),
            deadline=self.deadline,
            completed_on=self.completed_on,
            reported=reported,
            today=today,
        )


class TaskUnit(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead unit")
        RESPONSIBLE = "responsible", _("Responsible unit")
        COOPERATING = "cooperating", _("Cooperating unit")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="task_units")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(pgettext_lazy("programmes", "role"), max_length=12, choices=Role.choices)
    label = models.CharField(_("name in the document"), max_length=100, blank=True)

    scope_path = "task__plan__region"
    unit_scope_path = "unit"

    class Meta:
        ordering = ["task", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit", "role"], name="programmes_task_unit_role")
        ]

    def __str__(self):
        return f"{self.task.number} {self.get_role_display()} {self.unit.name}"


class Target(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="targets")
    order = models.PositiveSmallIntegerField()
    metric = models.CharField(_("metric"), max_length=100)
    measure = models.CharField(_("unit of measure"), max_length=20)
    baseline = models.DecimalField(_("baseline"), max_digits=16, decimal_places=4, default=Decimal(0))
    value = models.DecimalField(_("target value"), max_digits=16, decimal_places=4)
    by = models.DateField(_("by"), null=True, blank=True)
    per_region = models.BooleanField(_("reported per township"), default=False)

    scope_path = "task__plan__region"

    class Meta:
        ordering = ["task", "order"]
        verbose_name = _("target")

    def __str__(self):
        return f"{self.metric} {self.value.normalize():f}{self.measure}"


class Funding(models.Model):
    """One level's share of a task's money (plan 7: 2:2:1 between 省, 市, 县)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="funding")
    group = models.PositiveSmallIntegerField(default=1)
    order = models.PositiveSmallIntegerField()
    level = models.CharField(_("level"), max_length=20)
    share = models.DecimalField(_("share"), max_digits=8, decimal_places=4)
    owed = models.DecimalField(_("owed"), max_digits=14, decimal_places=2, null=True, blank=True)
    paid = models.DecimalField(_("paid"), max_digits=14, decimal_places=2, default=Decimal(0))
    basis = models.CharField(_("basis"), max_length=200, blank=True)

    scope_path = "task__plan__region"

    class Meta:
        ordering = ["task", "group", "order"]
        constraints = [models.CheckConstraint(condition=Q(paid__gte=0), name="programmes_funding_paid")]

    def __str__(self):
        return f"{self.task.number} {self.level}"


class Schedule(models.Model):
    class Frequency(models.TextChoices):
        MONTHLY = rules.MONTHLY, pgettext_lazy("programmes", "Monthly")
        BIMONTHLY = rules.BIMONTHLY, _("Every two months")
        QUARTERLY = rules.QUARTERLY, pgettext_lazy("programmes", "Quarterly")
        PHASE_END = rules.PHASE_END, _("At the end of each phase")
        ONCE = rules.ONCE, _("Once")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="schedules")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules")
    frequency = models.CharField(_("frequency"), max_length=12, choices=Frequency.choices)
    day = models.PositiveSmallIntegerField(_("due day of the month"), default=5)
    on = models.DateField(_("due on"), null=True, blank=True)
    note = models.CharField(pgettext_lazy("programmes", "note"), max_length=200, blank=True)

    scope_path = "plan__region"

    class Meta:
        ordering = ["plan", "id"]

    def __str__(self):
        return f"{self.plan.title} {self.get_frequency_display()}"


class Report(models.Model):
    """A progress report of one task for one period, by a township or by a unit."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    region = models.ForeignKey(Region, verbose_name=_("township"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    period = models.CharField(pgettext_lazy("programmes", "period"), max_length=40)
    due = models.DateField(_("due"))
    text = models.TextField(_("progress"))
    filed_at = models.DateTimeField(auto_now_add=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    scope_path = "region"
    unit_scope_path = "unit"

    class Meta:
        ordering = ["-due", "task"]
        verbose_name = _("progress report")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "region", "period"],
                condition=Q(unit__isnull=True),
                name="programmes_report_region_period",
            ),
            models.UniqueConstraint(
                fields=["task", "unit", "period"],
                condition=Q(unit__isnull=False),
                name="programmes_report_unit_period",
            ),
        ]

    def __str__(self):
        return f"{self.task.number} {self.period}"


class ReportValue(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="values")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="values")
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)

    scope_path = "report__region"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "target"], name="programmes_value_once")]

    def __str__(self):
        return f"{self.target.metric} {self.value}"


class Evaluation(models.Model):
    class Kind(models.TextChoices):
        MIDTERM = "midterm", _("Mid-term evaluation")
        FINAL = "final", _("Final evaluation")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="evaluations")
    kind = models.CharField(pgettext_lazy("programmes", "kind"), max_length=10, choices=Kind.choices)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    evaluator = models.CharField(_("evaluator"), max_length=100)
    comments = models.TextField(_("comments"), blank=True)
    evaluated_on = models.DateField(_("evaluated on"))

    scope_path = "task__plan__region"

    class Meta:
        ordering = ["task", "evaluated_on"]
        constraints = [
            models.UniqueConstraint(fields=["task", "kind"], name="programmes_evaluation_once"),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="programmes_evaluation_score"
            ),
        ]

    def __str__(self):
        return f"{self.task.number} {self.get_kind_display()}"


class LedgerTemplate(models.Model):
    """A ledger (台账) defined as data by the county (programmes/ledgers.py): its columns, who fills
    it (every village, every township, or the units named) and by when."""

    class FilledBy(models.TextChoices):
        VILLAGE = "village", _("Every village")
        TOWNSHIP = "township", _("Every township")
        UNIT = "unit", _("The plan's units")

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("pilot plan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ledgers",
    )
    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.SET_NULL, null=True, blank=True, related_name="ledgers"
    )
    key = models.SlugField(_("key"), max_length=60, blank=True)
    name = models.CharField(_("name"), max_length=100)
    filled_by = models.CharField(_("filled by"), max_length=10, choices=FilledBy.choices)
    due = models.DateField(_("due"), null=True, blank=True)
    columns = models.JSONField(_("columns"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "region"

    class Meta:
        ordering = ["region", "name"]
        verbose_name = _("ledger")
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="programmes_ledger_name")]

    def __str__(self):
        return self.name


class LedgerRow(models.Model):
    """One row of a ledger, filed by a village, a township or a unit (its `region` is the filler's
    village or township; for a unit, the unit's region)."""

    template = models.ForeignKey(LedgerTemplate, on_delete=models.CASCADE, related_name="rows")
    region = models.ForeignKey(
        Region, verbose_name=_("filled for"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    scope_path = "region"
    unit_scope_path = "unit"

    class Meta:
        ordering = ["template", "region", "id"]
        indexes = [models.Index(fields=["template", "region"], name="programmes_ledgerrow_filler")]

    def __str__(self):
        return f"{self.template.name} {self.region_id}"


class TargetSource(models.Model):
    """A target computed from a ledger (progress computed, not typed twice): sum(numerator) ÷
    sum(denominator) × scale over the ledger's rows (per township when the target is)."""

    target = models.OneToOneField(Target, on_delete=models.CASCADE, related_name="source")
    ledger = models.ForeignKey(LedgerTemplate, on_delete=models.CASCADE, related_name="feeds")
    numerator = models.CharField(max_length=40)
    denominator = models.CharField(max_length=40, blank=True)
    scale = models.DecimalField(max_digits=10, decimal_places=4, default=Decimal(1))

    scope_path = "ledger__region"

    def __str__(self):
        return f"{self.target.metric} ← {self.ledger.name}"


class AttachmentBase(models.Model):
    """A file kept under MEDIA_ROOT (core/attachments.py: checked, images re-encoded without EXIF
    and GPS), never served directly: downloads go through a scoped, audited view."""

    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    path = models.CharField(max_length=300, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self):
        return self.name


class ReportAttachment(AttachmentBase):
    """A photo or document of a progress report (现场照片, 工作总结)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")

    scope_path = "report__region"
    unit_scope_path = "report__unit"

    class Meta(AttachmentBase.Meta):
        verbose_name = _("report attachment")


class LedgerAttachment(AttachmentBase):
    """The file of a ledger row's attachment column (the cell holds its name)."""

    row = models.ForeignKey(LedgerRow, on_delete=models.CASCADE, related_name="attachments")
    column = models.CharField(_("column"), max_length=60)

    scope_path = "row__region"
    unit_scope_path = "row__unit"

    class Meta(AttachmentBase.Meta):
        verbose_name = _("ledger attachment")
