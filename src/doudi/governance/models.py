"""Points schemes (积分制) as data: a scheme a county or township defines, its dimensions and items,
the subjects it scores in each village, the awarded entries (never edited: a correction is a new
entry), appeals, period results with their colour or grade, the points supermarket (积分超市) and the
monthly red and black lists (红黑榜). The rules are in rules.py; docs/governance.md.

A scheme is scoped by the region that defined it; everything scored is scoped by its village.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from doudi.core.models import Region, Upload


class Scheme(models.Model):
    class SubjectKind(models.TextChoices):
        ORGANISATION = "organisation", _("Party organisation")
        MEMBER = "member", _("Party member")
        HOUSEHOLD = "household", _("Household")
        VILLAGER = "villager", _("Villager")
        SANITATION = "sanitation", _("Sanitation worker")
        PROVIDER = "provider", _("Service provider")

    class Period(models.TextChoices):
        MONTH = "month", pgettext_lazy("scheme period", "Month")
        QUARTER = "quarter", pgettext_lazy("scheme period", "Quarter")
        YEAR = "year", pgettext_lazy("scheme period", "Year")

    class Purpose(models.TextChoices):
        RANKING = "ranking", _("Ranking with warning colours")  # 双项积分 · 三色预警
        MARKET = "market", _("Points supermarket and red and black lists")  # 积分超市 · 红黑榜
        ABC = "abc", _("ABC grading with pay")  # ABC动态管理

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    key = models.SlugField(_("key"), max_length=60)
    name = models.CharField(_("name of the scheme"), max_length=100)
    subject_kind = models.CharField(_("who is scored"), max_length=20, choices=SubjectKind.choices)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    floor = models.DecimalField(_("score after a veto"), max_digits=8, decimal_places=2, default=Decimal(0))
    # 三色预警: {"red": R, "yellow": Y, "blue": B}, checked by rules.check_lines.
    lines = models.JSONField(_("warning lines"), default=dict, blank=True)
    # ABC: {"A": a, "B": b}, checked by rules.check_thresholds.
    thresholds = models.JSONField(_("grade thresholds"), default=dict, blank=True)
    # 四方督评: {"township": 1, "peer": 0.5, ...}; a source not named counts fully.
    weights = models.JSONField(_("source weights"), default=dict, blank=True)
    sources = models.JSONField(_("who may award"), default=list)
    red_top = models.PositiveSmallIntegerField(_("red list: best N"), default=3)
    black_bottom = models.PositiveSmallIntegerField(_("black list: lowest N"), default=0)
    appeal_days = models.PositiveSmallIntegerField(_("appeal within working days"), default=5)
    follow_up_days = models.PositiveSmallIntegerField(_("follow-up within working days"), default=10)
    example = models.CharField(_("instantiated from"), max_length=60, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "region"

    class Meta:
        ordering = ["region", "name"]
        verbose_name = _("points scheme")
        verbose_name_plural = _("points schemes")
        constraints = [models.UniqueConstraint(fields=["region", "key"], name="governance_scheme_key")]

    def __str__(self):
        return self.name


class Dimension(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="dimensions")
    key = models.SlugField(_("key"), max_length=40)
    name = models.CharField(_("dimension"), max_length=100)
    cap = models.DecimalField(_("cap per period"), max_digits=8, decimal_places=2, null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    scope_path = "scheme__region"

    class Meta:
        ordering = ["scheme", "order"]
        constraints = [models.UniqueConstraint(fields=["scheme", "key"], name="governance_dimension_key")]

    def __str__(self):
        return self.name


class Item(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="items")
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="items")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("item"), max_length=200)
    points = models.DecimalField(_("points"), max_digits=8, decimal_places=2)
    veto = models.BooleanField(_("veto (一票否决)"), default=False)
    black = models.BooleanField(_("puts on the black list"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    scope_path = "scheme__region"

    class Meta:
        ordering = ["scheme", "dimension__order", "order"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="governance_item_code")]

    def __str__(self):
        return self.name


class Subject(models.Model):
    """Who is scored in a village: an organisation, a member, a household, a worker. The balance is
    the points supermarket's (market schemes): kept by the services under a row lock."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="subjects")
    village = models.ForeignKey(Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    balance = models.DecimalField(_("balance"), max_digits=10, decimal_places=2, default=Decimal(0))
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "village"

    class Meta:
        ordering = ["village", "name"]
        verbose_name = _("scored subject")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "village", "name"], name="governance_subject_name")
        ]

    def __str__(self):
        return self.name


class Entry(models.Model):
    """Points awarded: an item, a subject, evidence, the awarding user. Never edited."""

    class Source(models.TextChoices):
        COUNTY = "county", _("County inspection")  # 县督县评
        TOWNSHIP = "township", _("Township inspection")  # 乡督乡评
        VILLAGE = "village", _("Village evaluation")  # 村督村评
        PEER = "peer", _("Peer evaluation")  # 党员互督互评
        PUBLIC = "public", _("Public evaluation")  # 民督民评

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="entries")
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")  # the subject's
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), max_digits=8, decimal_places=2)
    source = models.CharField(_("awarded by"), max_length=10, choices=Source.choices)
    occurred_on = models.DateField(_("date"))
    note = models.CharField(_("reason"), max_length=300, blank=True)
    evidence = models.ForeignKey(Upload, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrected_by"
    )
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "village"

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        indexes = [
            models.Index(fields=["scheme", "occurred_on"]),
            models.Index(fields=["subject", "occurred_on"]),
        ]

    def __str__(self):
        return f"{self.subject} {self.item} {self.points}"


class Appeal(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("appeal status", "Open")
        UPHELD = "upheld", _("Upheld")
        REJECTED = "rejected", _("Rejected")

    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="appeal")
    reason = models.TextField(_("reason for the appeal"))
    deadline = models.DateField(_("appeal deadline"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    decision = models.TextField(_("decision"), blank=True)
    correction = models.OneToOneField(
        Entry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    scope_path = "entry__village"

    class Meta:
        ordering = ["status", "-filed_at"]
        verbose_name = _("appeal")

    def __str__(self):
        return f"申诉 {self.entry_id}"


class PeriodClose(models.Model):
    """A closed period of a scheme (the quarterly job): its results are final."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="closes")
    period = models.CharField(_("period"), max_length=10)
    start = models.DateField()
    end = models.DateField()
    counts = models.JSONField(default=dict)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(auto_now_add=True)

    scope_path = "scheme__region"

    class Meta:
        ordering = ["-end"]
        constraints = [models.UniqueConstraint(fields=["scheme", "period"], name="governance_close_period")]

    def __str__(self):
        return f"{self.scheme} {self.period}"


class Result(models.Model):
    close = models.ForeignKey(PeriodClose, on_delete=models.CASCADE, related_name="results")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="results")
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField(_("total"), max_digits=10, decimal_places=2)
    breakdown = models.JSONField(default=dict)  # {dimension key: score}
    reasons = models.JSONField(default=list)
    vetoed = models.BooleanField(default=False)
    rank = models.PositiveIntegerField(_("rank"))
    colour = models.CharField(_("warning colour"), max_length=10, blank=True)
    grade = models.CharField(_("grade"), max_length=1, blank=True)
    pay = models.DecimalField(_("pay"), max_digits=10, decimal_places=2, null=True, blank=True)

    scope_path = "village"

    class Meta:
        ordering = ["close", "rank", "subject"]
        constraints = [models.UniqueConstraint(fields=["close", "subject"], name="governance_result_subject")]
        indexes = [models.Index(fields=["close", "colour"])]

    def __str__(self):
        return f"{self.subject_id} {self.total}"


class Goods(models.Model):
    """A good of the points supermarket (积分超市) of a village."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="goods")
    village = models.ForeignKey(Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("goods"), max_length=100)
    price = models.DecimalField(_("price in points"), max_digits=8, decimal_places=2)
    stock = models.PositiveIntegerField(_("stock"), default=0)
    is_active = models.BooleanField(default=True)

    scope_path = "village"

    class Meta:
        ordering = ["village", "price", "name"]
        verbose_name = _("goods")
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="governance_goods_price"),
            models.UniqueConstraint(fields=["scheme", "village", "name"], name="governance_goods_name"),
        ]

    def __str__(self):
        return self.name


class Redemption(models.Model):
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="redemptions")
    goods = models.ForeignKey(Goods, on_delete=models.PROTECT, related_name="redemptions")
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    points = models.DecimalField(_("points"), max_digits=10, decimal_places=2)
    balance_after = models.DecimalField(_("balance after"), max_digits=10, decimal_places=2)
    redeemed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    redeemed_at = models.DateTimeField(auto_now_add=True)

    scope_path = "village"

    class Meta:
        ordering = ["-redeemed_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(balance_after__gte=0), name="governance_no_debt")]

    def __str__(self):
        return f"{self.goods_id} × {self.quantity}"


class HonourList(models.Model):
    """A village's 红黑榜 of one month: drafted from the scheme's rules, reviewed, then published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    month = models.CharField(_("month"), max_length=7)  # "2026-03"
    rows = models.JSONField(default=list)  # [{"board": "red"|"black", "name", "total", "reason"}]
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    scope_path = "village"

    class Meta:
        ordering = ["-month", "village"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "village", "month"], name="governance_list_month")
        ]

    def __str__(self):
        return f"{self.village_id} {self.month}"
