"""Guardianship (监护) and guardianship-care agreements (监护照料协议): fields and constraints only.

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

    class Meta:
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

    class Meta:
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

    class Meta:
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
    name = models.CharField(_("name"), max_length=100)
    upload = models.ForeignKey(Upload, on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(_("in use"), default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "region"

    class Meta:
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

    class Meta:
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

    class Meta:
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


# ==== The monthly care loop: placement, network, services, materials, visits (issue 6) =========
# Rules and texts: loop_rules.py and similarity.py; writes: loop_services.py.

from .loop_rules import Aspect, NetworkRole, PlacementKind, ServiceKind  # noqa: E402


class CareSetting(models.Model):
    """A county's figures for the monthly loop (the seed's "每月不少于一次" is the floor)."""

    region = models.OneToOneField(
        Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    visits_per_month = models.PositiveSmallIntegerField(_("visits per month for persons at home"), default=1)
    visit_due_day = models.PositiveSmallIntegerField(
        _("day of the month by which the visit is due"), default=25
    )
    max_persons_per_carer = models.PositiveSmallIntegerField(_("persons one carer may look after"), default=5)
    monthly_service_budget = models.DecimalField(
        _("default monthly service budget (yuan)"), max_digits=8, decimal_places=2, default=100
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    scope_path = "region"

    class Meta:
        verbose_name = _("care loop setting")
        verbose_name_plural = _("care loop settings")

    def __str__(self):
        return f"{self.region_id}"


class Institution(models.Model):
    """A nursing home (敬老院) or mental-health institution, with its beds."""

    class Kind(models.TextChoices):
        NURSING_HOME = "nursing_home", _("Nursing home")
        MENTAL_HEALTH = "mental_health", _("Mental-health institution")

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(pgettext_lazy("institution", "name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    beds = models.PositiveIntegerField(_("beds"), default=0)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    scope_path = "region"

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def __str__(self):
        return self.name


class CarePlacement(models.Model):
    """How a person is supported, from when (the current row has `ended_on` empty)."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="placements"
    )
    kind = models.CharField(_("placement"), max_length=20, choices=PlacementKind.choices)
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
    )
    started_on = models.DateField(_("since"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    guardian_consent = models.BooleanField(_("guardian consented"), default=False)
    consent_note = models.CharField(_("consent recorded as"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "person__village"

    class Meta:
        ordering = ["person_id", "-started_on", "-id"]
        verbose_name = _("care placement")
        verbose_name_plural = _("care placements")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(ended_on__isnull=True), name="care_one_current_placement"
            ),
            models.CheckConstraint(
                condition=~Q(kind="mental_health") | Q(guardian_consent=True),
                name="care_mental_health_needs_consent",
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.get_kind_display()}"


class SupportMember(models.Model):
    """One member of a person's "多对一" support network."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="supporters"
    )
    role = models.CharField(_("role"), max_length=20, choices=NetworkRole.choices)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=30)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supported_persons",
        help_text=_("The cadre's account: their visit worklist follows it."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "person__village"

    class Meta:
        ordering = ["person_id", "role", "id"]
        verbose_name = _("support-network member")
        verbose_name_plural = _("support-network members")
        indexes = [models.Index(fields=["role", "phone"]), models.Index(fields=["user", "role"])]

    def __str__(self):
        return f"{self.name}（{self.get_role_display()}）"


class Provider(models.Model):
    """A service provider the government buys care services from (政府购买服务)."""

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(pgettext_lazy("institution", "name"), max_length=100)
    contact = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="providers")

    scope_path = "region"

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")

    def __str__(self):
        return self.name


class ServiceContract(models.Model):
    """A purchase contract with a provider for a township (or county)."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="contracts")
    region = models.ForeignKey(
        Region, verbose_name=_("area served"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("contract number"), max_length=50)
    start_on = models.DateField(_("starts"))
    end_on = models.DateField(_("ends"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    scope_path = "region"

    class Meta:
        ordering = ["-start_on", "id"]
        verbose_name = _("service contract")
        verbose_name_plural = _("service contracts")
        constraints = [
            models.CheckConstraint(condition=Q(end_on__gt=models.F("start_on")), name="care_contract_term"),
        ]

    def __str__(self):
        return f"{self.provider} {self.number}"


class ServiceBudget(models.Model):
    """A person's monthly service budget under a contract (seed: 护理补贴中的100元用于购买服务)."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="service_budgets"
    )
    contract = models.ForeignKey(ServiceContract, on_delete=models.PROTECT, related_name="budgets")
    monthly_amount = models.DecimalField(_("monthly budget (yuan)"), max_digits=8, decimal_places=2)

    scope_path = "person__village"

    class Meta:
        ordering = ["person_id"]
        verbose_name = _("service budget")
        verbose_name_plural = _("service budgets")
        constraints = [
            models.UniqueConstraint(fields=["person", "contract"], name="care_one_budget_per_contract")
        ]

    def __str__(self):
        return f"{self.person} {self.monthly_amount}"


class ServiceOrder(models.Model):
    """Services planned for a person in a month (e.g. cleaning ×4 at 15 yuan)."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="service_orders"
    )
    contract = models.ForeignKey(ServiceContract, on_delete=models.PROTECT, related_name="orders")
    month = models.DateField(_("month"))  # the first day of the month
    kind = models.CharField(_("service"), max_length=20, choices=ServiceKind.choices)
    times = models.PositiveSmallIntegerField(_("times planned"), default=1)
    unit_price = models.DecimalField(_("price per time (yuan)"), max_digits=8, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    scope_path = "person__village"

    class Meta:
        ordering = ["-month", "person_id", "kind"]
        verbose_name = _("service order")
        verbose_name_plural = _("service orders")
        indexes = [models.Index(fields=["contract", "month"]), models.Index(fields=["person", "month"])]

    def __str__(self):
        return f"{self.person} {self.month:%Y-%m} {self.get_kind_display()}×{self.times}"


class ServiceDelivery(models.Model):
    """One delivery of an order, recorded by the provider's staff on a phone."""

    order = models.ForeignKey(ServiceOrder, on_delete=models.PROTECT, related_name="deliveries")
    delivered_at = models.DateTimeField(_("delivered at"))
    done = models.CharField(_("what was done"), max_length=300)
    photo = models.ForeignKey(Upload, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    scope_path = "order__person__village"

    class Meta:
        ordering = ["-delivered_at", "-id"]
        verbose_name = _("service delivery")
        verbose_name_plural = _("service deliveries")

    def __str__(self):
        return f"{self.order} @ {self.delivered_at:%Y-%m-%d}"


class MaterialBatch(models.Model):
    """A distribution of materials (e.g. winter: 棉被、棉衣、煤、火炉) to a list of persons."""

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(pgettext_lazy("batch", "name"), max_length=100)
    items = models.JSONField(_("items"), default=list)
    planned_on = models.DateField(_("planned for"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "region"

    class Meta:
        ordering = ["-planned_on", "-id"]
        verbose_name = _("material batch")
        verbose_name_plural = _("material batches")

    def __str__(self):
        return self.name


class MaterialHandover(models.Model):
    """One person's share of a batch; delivered once acknowledged (signature photo or the guardian)."""

    batch = models.ForeignKey(MaterialBatch, on_delete=models.CASCADE, related_name="handovers")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    delivered_on = models.DateField(_("handed over on"), null=True, blank=True)
    received_by = models.CharField(_("received by"), max_length=50, blank=True)
    signature = models.ForeignKey(Upload, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    scope_path = "person__village"

    class Meta:
        ordering = ["batch_id", "person_id"]
        verbose_name = _("material hand-over")
        verbose_name_plural = _("material hand-overs")
        constraints = [
            models.UniqueConstraint(fields=["batch", "person"], name="care_one_handover_per_person")
        ]

    def __str__(self):
        return f"{self.batch} → {self.person}"


class Visit(models.Model):
    """A home visit (走访探视) with the six aspects of the seed, each "正常 / 有问题" with a note."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="visits"
    )
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField(_("visited on"))
    at_home = models.BooleanField(_("person lives at home"), default=True)
    aspects = models.JSONField(_("aspects"), default=dict)
    has_problem = models.BooleanField(_("problem found"), default=False)
    guardian_problem = models.BooleanField(_("guardian not performing"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    signature = models.JSONField(default=list, blank=True)  # MinHash of the notes (similarity.py)
    copy_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("An earlier visit whose notes are near-identical."),
    )
    similarity = models.FloatField(null=True, blank=True)
    perfunctory = models.BooleanField(_("notes too short"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "person__village"

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        indexes = [
            models.Index(fields=["person", "visited_on"]),
            models.Index(fields=["visited_on"]),
        ]

    def __str__(self):
        return f"{self.person} {self.visited_on}"

    def aspect_rows(self):
        for key, label in Aspect.choices:
            entry = self.aspects.get(key, {})
            yield {"key": key, "label": label, "ok": entry.get("ok"), "note": entry.get("note", "")}


class VisitBand(models.Model):
    """An LSH bucket key of a visit's notes, per township, so a new visit finds near-identical
    notes with one indexed query (similarity.py)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="bands")
    township_code = models.CharField(max_length=12)
    band = models.CharField(max_length=16)

    scope_path = "township_code"

    class Meta:
        indexes = [models.Index(fields=["township_code", "band"])]

    def __str__(self):
        return self.band


class VisitPhoto(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    upload = models.ForeignKey(Upload, on_delete=models.PROTECT, related_name="+")

    scope_path = "visit__person__village"

    def __str__(self):
        return str(self.upload)
