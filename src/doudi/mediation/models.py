"""矛盾纠纷调处: mediation committees and their members, disputes with their parties, tier moves,
outcome (mediation agreement) and follow-up visits. Fields and constraints only; writes are in
services.py, the rules in rules.py."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from doudi.core.models import Region, Upload

from . import rules


class Tier(models.TextChoices):
    VILLAGE = rules.T_VILLAGE, _("Village mediation committee")
    TOWNSHIP = rules.T_TOWNSHIP, _("Township mediation committee")
    COUNTY = rules.T_COUNTY, _("County joint mediation centre")
    ADMINISTRATIVE = rules.T_ADMINISTRATIVE, _("Administrative mediation")
    JUDICIAL = rules.T_JUDICIAL, _("Judicial mediation (court)")
    ARBITRATION = rules.T_ARBITRATION, _("Arbitration")


class MediationSetting(models.Model):
    """A county's or a township's deadlines (days a tier has); a township's row wins over its
    county's, and without either the defaults of rules.Deadlines apply."""

    region = models.OneToOneField(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    village_days = models.PositiveSmallIntegerField(_("days the village has"), default=15)
    township_days = models.PositiveSmallIntegerField(_("days the township has"), default=30)
    county_days = models.PositiveSmallIntegerField(_("days the county has"), default=30)

    scope_path = "region"

    def __str__(self):
        return f"{self.region_id} {self.village_days}/{self.township_days}/{self.county_days}"


class AgreementTemplate(models.Model):
    """A county's own Word template of the 人民调解协议书 (docxtpl, the fields of
    documents.FIELDS); the agreements of the county's disputes are generated from it, else from
    the shipped default. The uploaded original is kept (core.Upload); reverting to the default
    deletes this row and keeps the upload."""

    region = models.OneToOneField(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    upload = models.ForeignKey(Upload, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    scope_path = "region"

    def __str__(self):
        return f"{self.region_id} {self.upload.original_name}"


class MediationCommittee(models.Model):
    """The people's mediation committee (人民调解委员会) of one village or township."""

    region = models.OneToOneField(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("village or township")
    )
    name = models.CharField(pgettext_lazy("mediation", "name"), max_length=100)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "region"

    class Meta:
        ordering = ["region"]

    def __str__(self):
        return self.name


class CommitteeMember(models.Model):
    class Role(models.TextChoices):
        CHAIR = rules.CHAIR, pgettext_lazy("mediation", "Chair")
        MEMBER = rules.MEMBER, pgettext_lazy("mediation", "Member")

    class Mediator(models.TextChoices):
        NONE = "", _("Not a mediator")
        PART_TIME = rules.PART_TIME, _("Part-time mediator")
        FULL_TIME = rules.FULL_TIME, _("Full-time mediator")

    committee = models.ForeignKey(MediationCommittee, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(pgettext_lazy("mediation", "name"), max_length=50)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    # a person of the registry, when the ID number matches one in the committee's area
    person = models.ForeignKey(
        "registry.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    role = models.CharField(
        pgettext_lazy("mediation", "role"), max_length=10, choices=Role.choices, default=Role.MEMBER
    )
    mediator = models.CharField(_("mediator"), max_length=10, choices=Mediator.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "committee__region"

    class Meta:
        ordering = ["committee", "role", "name"]  # "chair" < "member": the chair first

    def __str__(self):
        return f"{self.name}（{self.get_role_display()}）"


class Dispute(models.Model):
    class Kind(models.TextChoices):
        FAMILY = "family", _("Marriage and family")
        NEIGHBOURS = "neighbours", _("Neighbours")
        LAND = "land", _("Land contracting and homesteads")
        FORESTS_WATER = "forests_water", _("Hills, forests and water")
        DAMAGES = "damages", _("Damages")
        CONTRACT = "contract", _("Contracts and debts")
        LABOUR = "labour", _("Labour and wages")
        REQUISITION = "requisition", _("Land requisition and demolition")
        OTHER = "other", pgettext_lazy("dispute kind", "Other")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("dispute", "Being mediated")
        SETTLED = "settled", _("Settled")
        NOT_SETTLED = "not_settled", _("Mediation failed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Fulfilment(models.TextChoices):
        NONE = "", _("Not visited yet")
        FULFILLED = "fulfilled", _("Fulfilled")
        PARTLY = "partly", _("Partly fulfilled")
        NOT_FULFILLED = "not_fulfilled", _("Not fulfilled")

    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    number = models.CharField(_("case number"), max_length=30, unique=True)
    kind = models.CharField(_("kind of dispute"), max_length=20, choices=Kind.choices)
    description = models.TextField(pgettext_lazy("mediation", "what happened"))
    place = models.CharField(_("where it arose"), max_length=200, blank=True)
    occurred_on = models.DateField(_("arose on"), null=True, blank=True)
    registered_on = models.DateField(_("registered on"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, default=Tier.VILLAGE)
    tier_since = models.DateField(_("at this tier since"))
    due_on = models.DateField(_("to be settled by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    # the outcome
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True)
    settled_tier = models.CharField(_("settled at"), max_length=20, choices=Tier.choices, blank=True)
    mediator_name = models.CharField(_("mediator"), max_length=50, blank=True)
    terms = models.TextField(_("terms of the agreement"), blank=True)
    outcome_note = models.TextField(_("outcome note"), blank=True)
    signed_scan = models.ForeignKey(Upload, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    fulfilment = models.CharField(
        _("fulfilment"), max_length=15, choices=Fulfilment.choices, blank=True, default=""
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "village"

    class Meta:
        ordering = ["-registered_on", "-pk"]
        indexes = [
            models.Index(fields=["village", "registered_on"]),
            models.Index(fields=["status", "tier", "due_on"]),
        ]
        constraints = [
            # a settled dispute names where it was settled; an open one has no outcome yet
            models.CheckConstraint(
                condition=~models.Q(status="settled") | ~models.Q(settled_tier=""),
                name="mediation_settled_names_its_tier",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Party(models.Model):
    class Side(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        RESPONDENT = "respondent", _("Respondent")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="parties")
    side = models.CharField(_("side"), max_length=12, choices=Side.choices)
    name = models.CharField(pgettext_lazy("mediation", "name"), max_length=50)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    person = models.ForeignKey(
        "registry.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(pgettext_lazy("mediation", "address"), max_length=200, blank=True)

    scope_path = "dispute__village"

    class Meta:
        ordering = ["dispute", "side", "pk"]

    def __str__(self):
        return self.name


class Escalation(models.Model):
    """One move of a dispute from a tier to the next (automatic by the daily job, or by hand)."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="escalations")
    from_tier = models.CharField(max_length=20, choices=Tier.choices)
    to_tier = models.CharField(max_length=20, choices=Tier.choices)
    on = models.DateField()
    automatic = models.BooleanField(default=False)
    reason = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    scope_path = "dispute__village"

    class Meta:
        ordering = ["dispute", "on", "pk"]

    def __str__(self):
        return f"{self.from_tier} → {self.to_tier} ({self.on})"


class FollowUp(models.Model):
    """A follow-up visit (回访) after the outcome: is the agreement kept?"""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="followups")
    visited_on = models.DateField(pgettext_lazy("mediation", "visited on"))
    fulfilment = models.CharField(_("fulfilment"), max_length=15, choices=Dispute.Fulfilment.choices[1:])
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    scope_path = "dispute__village"

    class Meta:
        ordering = ["dispute", "visited_on", "pk"]

    def __str__(self):
        return f"{self.visited_on} {self.fulfilment}"
