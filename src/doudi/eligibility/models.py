"""Eligibility (特困人员认定): county policy settings, cases (applications and terminations) with
their steps, objections and documents, decisions with their rule trace, self-care assessments."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from doudi.core.models import Region, Upload
from doudi.eligibility.selfcare import SelfCareLevel, SubsidyKind
from doudi.registry.models import Person


class PolicyVersion(models.TextChoices):
    V2016 = "2016", _("2016 (Min Fa [2016] No. 178)")
    V2021 = "2021", _("2021 (Min Fa [2021] No. 43)")


class PolicySetting(models.Model):
    """A county's local figures, in force from `effective_from` until a later row replaces it.

    Rows are never edited: a change is a new row, so the history stays (core.rules pick_effective
    chooses the row in force on a day).
    """

    region = models.ForeignKey(Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+")
    effective_from = models.DateField(_("effective from"))
    policy_version = models.CharField(
        _("policy version"), max_length=4, choices=PolicyVersion.choices, default=PolicyVersion.V2021
    )
    dibao_urban = models.DecimalField(
        _("urban minimum-living standard (yuan/month)"), max_digits=9, decimal_places=2
    )
    dibao_rural = models.DecimalField(
        _("rural minimum-living standard (yuan/month)"), max_digits=9, decimal_places=2
    )
    disposable_income = models.DecimalField(
        _("previous year's per-capita disposable income (yuan/year)"), max_digits=11, decimal_places=2
    )
    minimum_wage = models.DecimalField(_("monthly minimum wage (yuan)"), max_digits=9, decimal_places=2)
    care_full_kind = models.CharField(max_length=12, choices=SubsidyKind.choices, default=SubsidyKind.FIXED)
    care_full_value = models.DecimalField(max_digits=9, decimal_places=4, default=0)
    care_partial_kind = models.CharField(
        max_length=12, choices=SubsidyKind.choices, default=SubsidyKind.WAGE_SHARE
    )
    care_partial_value = models.DecimalField(max_digits=9, decimal_places=4, default=0)
    care_none_kind = models.CharField(
        max_length=12, choices=SubsidyKind.choices, default=SubsidyKind.WAGE_SHARE
    )
    care_none_value = models.DecimalField(max_digits=9, decimal_places=4, default=0)
    limit_review = models.PositiveSmallIntegerField(_("township review (working days)"), default=15)
    limit_county = models.PositiveSmallIntegerField(_("county confirmation (working days)"), default=15)
    limit_recheck = models.PositiveSmallIntegerField(_("objection re-check (working days)"), default=15)
    limit_refusal_notice = models.PositiveSmallIntegerField(_("refusal notice (working days)"), default=3)
    publication_days = models.PositiveSmallIntegerField(_("publication (days)"), default=7)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "region"

    class Meta:
        ordering = ["-effective_from", "-pk"]
        verbose_name = _("county policy setting")
        verbose_name_plural = _("county policy settings")

    def __str__(self):
        return f"{self.region_id} {self.effective_from} {self.policy_version}"


class CaseKind(models.TextChoices):
    APPLICATION = "application", _("Application")
    TERMINATION = "termination", _("Termination")


class Stage(models.TextChoices):
    APPLIED = "applied", _("Waiting for acceptance")
    REVIEW = "review", _("Township review")
    VERIFY = "verify", _("Verification")
    PUBLICATION = "publication", _("Publication")
    RECHECK = "recheck", _("Objection re-check")
    COUNTY = "county", _("County confirmation")
    NOTICE = "notice", _("Written notice")
    CLOSED = "closed", pgettext_lazy("case", "Closed")


class Outcome(models.TextChoices):
    OPEN = "", pgettext_lazy("case outcome", "Open")
    APPROVED = "approved", pgettext_lazy("case outcome", "Approved")
    REFUSED = "refused", _("Refused")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    TERMINATED = "terminated", _("Support terminated")
    NOT_TERMINATED = "not_terminated", _("Support continues")


class ApplicantKind(models.TextChoices):
    SELF = "self", _("The person")
    COMMITTEE = "committee", _("Entrusted to the village or residents' committee")
    OTHER = "other", _("Entrusted to another person")


class Case(models.Model):
    """An application (认定) or a termination (终止) moving through its steps."""

    kind = models.CharField(_("kind"), max_length=12, choices=CaseKind.choices)
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True, default="")
    applicant_kind = models.CharField(
        _("applied by"), max_length=10, choices=ApplicantKind.choices, default=ApplicantKind.SELF
    )
    applicant_name = models.CharField(_("applicant or reporter"), max_length=50, blank=True)
    received_on = models.DateField(_("received on"))
    policy_version = models.CharField(_("policy version"), max_length=4, choices=PolicyVersion.choices)
    limits = models.JSONField(default=dict)  # rules.Limits at receipt, so deadlines do not move later
    facts = models.JSONField(default=dict, blank=True)  # registry.rules.EligibilityFacts mapping
    township_opinion = models.BooleanField(null=True, blank=True)  # 初审意见: True = proposes approval
    ground = models.CharField(_("ground"), max_length=16, blank=True)  # rules.GROUNDS, terminations
    referral = models.CharField(_("referral"), max_length=10, blank=True)  # "dibao" / "temporary"
    referral_reason = models.CharField(_("referral reason"), max_length=200, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reasons = models.TextField(_("reasons"), blank=True)  # Chinese, for the refusal / termination notice
    effective_month = models.DateField(_("support starts or ends from"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "person__village"

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["stage", "kind"])]
        verbose_name = _("eligibility case")
        verbose_name_plural = _("eligibility cases")

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} {self.person}"

    @property
    def is_open(self) -> bool:
        return self.stage != Stage.CLOSED


class CaseStep(models.Model):
    """One step of a case with its deadline; `done_on` is empty while the step is open."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    code = models.CharField(_("step"), max_length=12, choices=Stage.choices)
    started_on = models.DateField(_("started on"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    result = models.CharField(_("result"), max_length=200, blank=True)

    scope_path = "case__person__village"

    class Meta:
        ordering = ["started_on", "pk"]
        indexes = [models.Index(fields=["code", "done_on", "due_on"])]

    def __str__(self):
        return f"{self.get_code_display()} {self.started_on} → {self.due_on}"


class Objection(models.Model):
    """An objection raised during a publication (公示异议), re-checked within the limit."""

    class Resolution(models.TextChoices):
        OPEN = "", _("Being re-checked")
        UPHELD = "upheld", _("Founded")
        DISMISSED = "dismissed", _("Unfounded")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="objections")
    received_on = models.DateField(_("received on"))
    raised_by = models.CharField(_("raised by"), max_length=50, blank=True)
    content = models.TextField(_("content"))
    recheck_due = models.DateField(_("re-check due"))
    resolution = models.CharField(
        _("resolution"), max_length=10, choices=Resolution.choices, blank=True, default=""
    )
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolution_note = models.TextField(_("re-check result"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    scope_path = "case__person__village"

    class Meta:
        ordering = ["received_on", "pk"]

    def __str__(self):
        return f"{self.case_id} {self.received_on}"


class CaseDocument(models.Model):
    """A file kept with a case: uploaded materials, or a generated notice."""

    class Kind(models.TextChoices):
        MATERIAL = "material", _("Material")
        NOTICE = "notice", _("Notice")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    upload = models.ForeignKey(Upload, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MATERIAL)
    title = models.CharField(_("title"), max_length=100)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    scope_path = "case__person__village"

    class Meta:
        ordering = ["added_at", "pk"]

    def __str__(self):
        return self.title


class Decision(models.Model):
    """An eligibility decision with the facts it was based on and the full rule trace
    (registry.rules.EligibilityDecision.to_dict()), so it reads the same after the rules change."""

    class Kind(models.TextChoices):
        TOWNSHIP = "township", _("Township review opinion")
        COUNTY = "county", _("County decision")
        REVIEW = "review", _("Dynamic review")
        BASELINE = "baseline", _("Facts on record")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    policy_version = models.CharField(_("policy version"), max_length=4, choices=PolicyVersion.choices)
    as_of = models.DateField(_("as of"))
    eligible = models.BooleanField(_("eligible"))
    summary = models.CharField(_("summary"), max_length=500)
    facts = models.JSONField(default=dict)
    trace = models.JSONField(default=dict)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "person__village"

    class Meta:
        ordering = ["-as_of", "-pk"]
        indexes = [models.Index(fields=["person", "-as_of"])]
        verbose_name = _("eligibility decision")
        verbose_name_plural = _("eligibility decisions")

    def __str__(self):
        return f"{self.person_id} {self.as_of} {self.summary[:40]}"


class Assessment(models.Model):
    """A self-care assessment (生活自理能力评估): six items, each "can do it unaided" or not."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    assessed_on = models.DateField(_("assessed on"))
    assessor = models.CharField(_("assessor"), max_length=50)
    eating = models.BooleanField(_("eating"))
    dressing = models.BooleanField(_("dressing"))
    bed_transfer = models.BooleanField(_("getting in and out of bed"))
    toileting = models.BooleanField(_("toileting"))
    indoor_walking = models.BooleanField(_("walking indoors"))
    bathing = models.BooleanField(_("bathing"))
    level = models.CharField(_("self-care level"), max_length=10, choices=SelfCareLevel.choices)
    change_reported_on = models.DateField(_("change reported on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "person__village"

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        indexes = [models.Index(fields=["person", "-assessed_on"])]
        verbose_name = _("self-care assessment")
        verbose_name_plural = _("self-care assessments")

    def __str__(self):
        return f"{self.person_id} {self.assessed_on} {self.level}"

    ITEMS = ("eating", "dressing", "bed_transfer", "toileting", "indoor_walking", "bathing")

    @property
    def items(self) -> dict[str, bool]:
        return {k: getattr(self, k) for k in self.ITEMS}
