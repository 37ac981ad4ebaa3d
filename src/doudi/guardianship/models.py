"""Guardianship (监护) and guardianship-care agreements (监护照料协议): fields and constraints only.

These models were part of the `care` app until the two were split; their tables keep the `care_`
names (db_table) so an existing database upgrades without copying data (migrations/0001).

The legal order and the texts come from rules.py; every write goes through services.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from doudi.core.models import Region, Upload
from doudi.registry.models import Person

from .rules import GuardianCategory, ReplacementGround


class CandidateKind(models.TextChoices):
    """The kinds `rules.determine_guardian` ranks (rules.GUARDIAN_KINDS)."""

    SPOUSE = "spouse", _("Spouse")
    PARENT = "parent", _("Parent")
    CHILD = "child", _("Child")
    GRANDPARENT = "grandparent", _("Grandparent")
    GRANDCHILD = "grandchild", _("Grandchild")
    SIBLING = "sibling", _("Brother or sister")
    OTHER_RELATIVE = "other_relative", _("Other close relative")
    INDIVIDUAL = "individual", _("Other willing individual")
    ORGANISATION = "organisation", _("Willing organisation")
    VILLAGE_COMMITTEE = "village_committee", _("Village or residents' committee")
    CIVIL_AFFAIRS = "civil_affairs", _("Township civil-affairs office")


class GuardianCandidate(models.Model):
    """A possible guardian a clerk listed for a ward: a relative, a willing individual or
    organisation, the committee or the civil-affairs office."""

    person = models.ForeignKey(
        Person, verbose_name=_("ward"), on_delete=models.CASCADE, related_name="guardian_candidates"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CandidateKind.choices)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    relation = models.CharField(
        _("relation to the ward"), max_length=50, blank=True, help_text=_("For example: eldest son, niece.")
    )
    relative_person = models.ForeignKey(
        Person,
        verbose_name=_("registered person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("When the candidate is themselves a registered supported person."),
    )
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    health = models.CharField(_("health"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    able = models.BooleanField(_("able to act as guardian"), default=True)
    reason_unable = models.CharField(
        _("why not able"), max_length=200, blank=True, help_text=_("For example: 年老体弱无力履行.")
    )
    willing = models.BooleanField(_("willing to act as guardian"), default=True)
    hostile = models.BooleanField(_("hostile relationship with the ward"), default=False)
    elder = models.BooleanField(
        _("older than the ward"),
        default=True,
        help_text=_("Only matters for brothers or sisters of a minor."),
    )
    position = models.PositiveSmallIntegerField(
        _("order within the same rank"),
        default=10,
        help_text=_("Lower comes first; use it for the ward's wishes or an agreement among relatives."),
    )
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path = "person__village"

    audit_former_types = ("care.guardiancandidate",)  # entries written while it was in care

    class Meta:
        db_table = "care_guardiancandidate"  # the table kept its name when guardianship left care
        ordering = ["person_id", "position", "id"]
        verbose_name = _("guardian candidate")
        verbose_name_plural = _("guardian candidates")

    def __str__(self):
        return f"{self.name}（{self.get_kind_display()}）"


class GuardianConsent(models.Model):
    """The consent (or refusal) of the committee or civil affairs to a category Ⅱ guardian
    (《民法典》第二十八条第四项; seed document 1)."""

    class Body(models.TextChoices):
        VILLAGE_COMMITTEE = "village_committee", _("Village or residents' committee")
        CIVIL_AFFAIRS = "civil_affairs", _("Civil-affairs department")

    candidate = models.ForeignKey(GuardianCandidate, on_delete=models.CASCADE, related_name="consents")
    body = models.CharField(_("consenting body"), max_length=20, choices=Body.choices)
    body_name = models.CharField(_("name of the body"), max_length=100)
    granted = models.BooleanField(_("consent given"), default=True)
    decided_on = models.DateField(_("decided on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    document = models.ForeignKey(Upload, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    scope_path = "candidate__person__village"

    audit_former_types = ("care.guardianconsent",)  # entries written while it was in care

    class Meta:
        db_table = "care_guardianconsent"  # the table kept its name when guardianship left care
        ordering = ["candidate_id", "-decided_on", "-id"]
        verbose_name = _("guardian consent")
        verbose_name_plural = _("guardian consents")

    def __str__(self):
        return f"{self.body_name} {self.decided_on}"


class Guardianship(models.Model):
    """Who is (or was) a ward's guardian, in which category, from when to when and why.

    The guardian's name, kind and relation are copied from the candidate when confirmed, so the
    history reads the same after the candidate row is edited."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("guardianship status", "Active")
        ENDED = "ended", _("Ended")

    person = models.ForeignKey(
        Person, verbose_name=_("ward"), on_delete=models.PROTECT, related_name="guardianships"
    )
    candidate = models.ForeignKey(GuardianCandidate, on_delete=models.PROTECT, related_name="guardianships")
    guardian_name = models.CharField(_("guardian"), max_length=100)
    guardian_kind = models.CharField(_("kind"), max_length=20, choices=CandidateKind.choices)
    relation = models.CharField(_("relation to the ward"), max_length=50, blank=True)
    category = models.CharField(_("category"), max_length=3, choices=GuardianCategory.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    by_agreement = models.BooleanField(_("chosen by agreement (Art. 30)"), default=False)
    agreement_reason = models.TextField(_("reason for the choice"), blank=True)
    basis = models.TextField(_("legal basis"))
    explanation = models.TextField(_("explanation"), blank=True)
    proposal = models.JSONField(default=dict, blank=True)
    end_ground = models.CharField(
        _("ground for ending"), max_length=30, choices=ReplacementGround.choices, blank=True
    )
    end_note = models.TextField(_("note on ending"), blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "person__village"

    audit_former_types = ("care.guardianship",)  # entries written while it was in care

    class Meta:
        db_table = "care_guardianship"  # the table kept its name when guardianship left care
        ordering = ["person_id", "-started_on", "-id"]
        verbose_name = _("guardianship")
        verbose_name_plural = _("guardianships")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="active"), name="care_one_active_guardianship"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="care_guardianship_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.person} ← {self.guardian_name}"


class AgreementTemplate(models.Model):
    """A county's Word template (docxtpl) for the agreement; the shipped default applies until
    a county administrator uploads one."""

    region = models.ForeignKey(Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(pgettext_lazy("document", "name"), max_length=100)
    upload = models.ForeignKey(Upload, on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(_("in use"), default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "region"

    audit_former_types = ("care.agreementtemplate",)  # entries written while it was in care

    class Meta:
        db_table = "care_agreementtemplate"  # the table kept its name when guardianship left care
        ordering = ["region_id", "-created_at"]
        verbose_name = _("agreement template")
        verbose_name_plural = _("agreement templates")
        constraints = [
            models.UniqueConstraint(
                fields=["region"], condition=Q(is_active=True), name="care_one_active_template_per_county"
            )
        ]

    def __str__(self):
        return self.name


class Agreement(models.Model):
    """监护照料协议 between the township government, the guardian, the village committee and the
    ward. Lifecycle: draft → generated → signed → active → expired / ended."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        GENERATED = "generated", _("Generated, awaiting signatures")
        SIGNED = "signed", _("Signed, not yet in force")
        ACTIVE = "active", _("In force")
        EXPIRED = "expired", _("Expired")
        ENDED = "ended", _("Ended")

    person = models.ForeignKey(
        Person, verbose_name=_("ward"), on_delete=models.PROTECT, related_name="agreements"
    )
    guardianship = models.ForeignKey(Guardianship, on_delete=models.PROTECT, related_name="agreements")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    township_name = models.CharField(_("township government"), max_length=100)
    committee_name = models.CharField(_("village committee"), max_length=100)
    guardian_name = models.CharField(_("guardian"), max_length=100)
    guardian_phone = models.CharField(_("guardian's phone"), max_length=30, blank=True)
    guardian_address = models.CharField(_("guardian's address"), max_length=200, blank=True)
    duties = models.JSONField(_("duties"), default=list, blank=True)
    visit_frequency = models.CharField(_("visit frequency"), max_length=100)
    contact = models.CharField(_("contact arrangements"), max_length=200)
    emergency_steps = models.TextField(_("emergency steps"))
    other_terms = models.TextField(_("other terms"), blank=True)
    start_on = models.DateField(_("term starts"))
    end_on = models.DateField(_("term ends"))
    template = models.ForeignKey(
        AgreementTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    docx_file = models.FileField(upload_to="care/agreements/%Y/", blank=True)
    pdf_file = models.FileField(upload_to="care/agreements/%Y/", blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    signed_scan = models.ForeignKey(Upload, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)
    renewal_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="renewals"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path = "person__village"

    audit_former_types = ("care.agreement",)  # entries written while it was in care

    class Meta:
        db_table = "care_agreement"  # the table kept its name when guardianship left care
        ordering = ["person_id", "-start_on", "-id"]
        verbose_name = _("guardianship-care agreement")
        verbose_name_plural = _("guardianship-care agreements")
        indexes = [models.Index(fields=["status", "end_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(end_on__gt=models.F("start_on")), name="care_agreement_term"),
        ]

    def __str__(self):
        return f"监护照料协议 #{self.pk} {self.guardian_name}"

    @property
    def number(self) -> str:
        return f"JHXY-{self.start_on:%Y}-{self.pk:06d}" if self.pk else ""

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.GENERATED)


class ReplacementCase(models.Model):
    """A request to remove a guardian (《民法典》第三十六条) or record the end of a guardianship
    (第三十九条), approved or rejected by the township."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    person = models.ForeignKey(Person, verbose_name=_("ward"), on_delete=models.PROTECT, related_name="+")
    guardianship = models.ForeignKey(Guardianship, on_delete=models.PROTECT, related_name="replacement_cases")
    ground = models.CharField(_("ground"), max_length=30, choices=ReplacementGround.choices)
    article = models.CharField(_("legal basis"), max_length=60)
    facts = models.TextField(_("facts"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    scope_path = "person__village"

    audit_former_types = ("care.replacementcase",)  # entries written while it was in care

    class Meta:
        db_table = "care_replacementcase"  # the table kept its name when guardianship left care
        ordering = ["-started_at", "-id"]
        verbose_name = _("guardian replacement case")
        verbose_name_plural = _("guardian replacement cases")
        constraints = [
            models.UniqueConstraint(
                fields=["guardianship"], condition=Q(status="pending"), name="care_one_pending_replacement"
            )
        ]

    def __str__(self):
        return f"{self.person} · {self.get_ground_display()}"
