"""Reports (举报) and special-governance campaigns (专项治理) — fields and constraints only."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from doudi.core.models import Region, Unit


class HandlingSettings(models.Model):
    """A county's time limits for reports, in working days (issue 12: register within 3, handle within 30)."""

    region = models.OneToOneField(
        Region, verbose_name=pgettext_lazy("integrity", "county"), on_delete=models.PROTECT
    )
    register_days = models.PositiveSmallIntegerField(_("working days to register"), default=3)
    handle_days = models.PositiveSmallIntegerField(_("working days to handle"), default=30)

    scope_path = "region"

    class Meta:
        verbose_name = _("report handling settings")
        verbose_name_plural = _("report handling settings")

    def __str__(self):
        return str(self.region)


class Report(models.Model):
    """A report from the public. Only the slow hash of its receipt is kept; the reporter's name and
    contact are encrypted (integrity/crypto.py). `region` scopes it; `unit` is the reported unit —
    whose staff never see it (selectors.reports)."""

    class Category(models.TextChoices):
        SLUSH_FUND = "slush_fund", _("Off-book funds (小金库)")
        VILLAGE_AFFAIRS = "village_affairs", _("Village affairs and collective assets")
        EXTREME_POVERTY = "extreme_poverty", _("Extreme-poverty eligibility or care")
        RETALIATION = "retaliation", _("Retaliation against a reporter")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        REGISTERED = "registered", _("Registered")
        ASSIGNED = "assigned", _("Assigned for handling")
        ANSWERED = "answered", _("Answered")

    class Outcome(models.TextChoices):
        TRUE = "true", _("Substantiated")
        PARTLY = "partly", _("Partly substantiated")
        FALSE = "false", _("Not substantiated")
        UNVERIFIABLE = "unverifiable", _("Could not be verified")

    class Channel(models.TextChoices):
        WEB = "web", _("Web")
        HOTLINE = "hotline", _("Hotline")
        MAILBOX = "mailbox", _("Mailbox")
        API = "api", _("API")

    receipt_hash = models.CharField(max_length=128, unique=True, editable=False)
    category = models.CharField(
        pgettext_lazy("integrity", "category"), max_length=20, choices=Category.choices
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("reported unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    campaign = models.ForeignKey(
        "Campaign",
        verbose_name=_("campaign"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    text = models.TextField(_("what happened"))
    identity = models.BinaryField(_("encrypted name and contact"), blank=True, default=b"", editable=False)
    has_identity = models.BooleanField(default=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    escalated = models.BooleanField(_("escalated to the county"), default=False)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    register_by = models.DateField(_("register by"))
    registered_at = models.DateTimeField(_("registered"), null=True, blank=True)
    number = models.CharField(_("register number"), max_length=20, blank=True)
    handling_unit = models.ForeignKey(
        Unit,
        verbose_name=_("handling unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    deadline = models.DateField(_("handling deadline"), null=True, blank=True)
    extended = models.BooleanField(_("extended"), default=False)
    extension_reason = models.CharField(_("reason for the extension"), max_length=300, blank=True)
    outcome = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices, blank=True)
    reply = models.TextField(_("reply to the reporter"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_on_time = models.BooleanField(null=True)

    scope_path = "region"

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="answered") | ~models.Q(outcome=""),
                name="integrity_answer_has_outcome",
            ),
        ]

    def __str__(self):
        return self.number or f"#{self.pk}"


class ReportMessage(models.Model):
    """A message in a report's thread: from the reporter (author empty), a reply the reporter sees, or
    an internal progress note (internal=True, never shown to the reporter)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    internal = models.BooleanField(default=False)
    text = models.TextField(pgettext_lazy("integrity", "message"))
    at = models.DateTimeField(auto_now_add=True)

    scope_path = "report__region"

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return self.text[:50]


class Attachment(models.Model):
    """Evidence: stored under MEDIA_ROOT (never served directly; downloads go through a scoped view).
    Images are re-encoded on upload, which drops EXIF and GPS."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    path = models.CharField(max_length=300, editable=False)
    at = models.DateTimeField(auto_now_add=True)

    scope_path = "report__region"

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return self.name


class Campaign(models.Model):
    """A 小金库 special-governance campaign over the units under `parent_unit` (seed 第四篇)."""

    class Phase(models.TextChoices):
        MOBILISATION = "mobilisation", _("Mobilisation")
        SELF_INSPECTION = "self_inspection", _("Self-inspection and correction")
        KEY_INSPECTION = "key_inspection", _("Key inspection")
        RECTIFICATION = "rectification", _("Rectification and follow-through")
        SUMMARY = "summary", _("Summary report")

    title = models.CharField(pgettext_lazy("integrity", "title"), max_length=200)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    parent_unit = models.ForeignKey(
        Unit,
        verbose_name=pgettext_lazy("integrity", "unit in charge"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year of the figures"))
    min_share = models.DecimalField(
        _("minimum share for key inspections"), max_digits=5, decimal_places=4, default=0.1
    )
    hotline = models.CharField(_("report hotline"), max_length=50, blank=True)
    mailbox = models.CharField(_("report mailbox"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "region"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self):
        return self.title


class CampaignPhase(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases")
    phase = models.CharField(_("phase"), max_length=20, choices=Campaign.Phase.choices)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))

    scope_path = "campaign__region"

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "phase"], name="integrity_phase_once"),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="integrity_phase_dates"
            ),
        ]

    def __str__(self):
        return self.get_phase_display()


class CampaignUnit(models.Model):
    """A unit in a campaign's scope: its self-inspection form, key-inspection selection and findings."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    weak_self_inspection = models.BooleanField(_("self-inspection perfunctory"), default=False)
    weak_internal_control = models.BooleanField(_("weak internal control"), default=False)
    supervisory_record = models.BooleanField(_("supervisory record calls for it"), default=False)
    selected = models.BooleanField(_("selected for key inspection"), default=False)
    selection_reason = models.CharField(pgettext_lazy("integrity", "reason"), max_length=300, blank=True)
    manual = models.BooleanField(_("changed by hand"), default=False)
    # The self-inspection form (自查自纠情况报告表): submitted when signed off by the unit head.
    head_name = models.CharField(_("unit head"), max_length=50, blank=True)
    signed_on = models.DateField(pgettext_lazy("integrity", "signed on"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    scope_path = "unit__region"
    unit_scope_path = "unit"

    class Meta:
        ordering = ["unit__tree_path"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="integrity_campaign_unit_once")
        ]

    def __str__(self):
        return self.unit.name


class FormLine(models.Model):
    entry = models.ForeignKey(CampaignUnit, on_delete=models.CASCADE, related_name="lines")
    code = models.CharField(max_length=30)
    found = models.BooleanField(default=False)
    count = models.PositiveIntegerField(default=0)
    amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    corrected = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    scope_path = "entry__unit__region"
    unit_scope_path = "entry__unit"

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["entry", "code"], name="integrity_form_line_once")]

    def __str__(self):
        return self.code


class SelectionChange(models.Model):
    """A unit added to or removed from the key inspections by hand, with the reason."""

    entry = models.ForeignKey(CampaignUnit, on_delete=models.CASCADE, related_name="selection_changes")
    added = models.BooleanField()
    reason = models.CharField(pgettext_lazy("integrity", "reason"), max_length=300)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    scope_path = "entry__unit__region"

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return self.reason


class Finding(models.Model):
    """A 小金库 found in a unit, its handling category (rules.handling_category) and where its funds went."""

    class FoundBy(models.TextChoices):
        SELF = "self", _("The unit's self-inspection")
        INTERNAL = "internal", _("Internal inspection by the superior")
        INSPECTION = "inspection", _("Key inspection or a report")

    entry = models.ForeignKey(CampaignUnit, on_delete=models.PROTECT, related_name="findings")
    description = models.TextField(_("description"))
    source_of_funds = models.CharField(_("source of the funds"), max_length=200, blank=True)
    use_of_funds = models.CharField(_("use of the funds"), max_length=200, blank=True)
    found_by = models.CharField(_("found by"), max_length=12, choices=FoundBy.choices)
    aggravating = models.JSONField(_("aggravating circumstances"), default=list, blank=True)
    created_after_previous_campaign = models.BooleanField(
        _("set up after the previous campaign"), default=False
    )
    amount = models.DecimalField(_("amount (yuan)"), max_digits=18, decimal_places=2)
    category = models.CharField(_("handling"), max_length=10)
    removal_first = models.BooleanField(default=False)
    internal_accountability = models.BooleanField(default=False)
    reason = models.CharField(max_length=300)
    transferred_amount = models.DecimalField(
        _("transferred to the lawful books (yuan)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    transferred_on = models.DateField(_("transferred on"), null=True, blank=True)
    task_id = models.PositiveIntegerField(null=True, blank=True, editable=False)  # oversight's task
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "entry__unit__region"
    unit_scope_path = "entry__unit"

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="integrity_finding_amount"),
        ]

    def __str__(self):
        return self.description[:50]
