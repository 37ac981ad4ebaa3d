"""The monthly care loop: placement, support network, services, materials, visits (issue 6).

Fields and constraints only. Rules and texts: rules.py and similarity.py; writes: services.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from doudi.core.models import Region, Upload
from doudi.registry.models import Institution, Person

from .rules import Aspect, NetworkRole, PlacementKind, ServiceKind


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
