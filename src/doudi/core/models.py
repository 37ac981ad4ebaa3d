import hashlib
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import regions
from .roles import Role, caps_for


class Region(models.Model):
    """A unit of the statistical division tree (统计用区划代码), keyed by its 12-digit code.

    The code is the primary key so that a foreign key column holds the code itself and area
    scoping is a prefix test on that column, without a join (see core/scope.py).
    """

    class Level(models.IntegerChoices):
        PROVINCE = regions.PROVINCE, _("Province")
        CITY = regions.CITY, _("City")
        COUNTY = regions.COUNTY, _("County")
        TOWNSHIP = regions.TOWNSHIP, _("Township or subdistrict")
        VILLAGE = regions.VILLAGE, _("Village or community")

    code = models.CharField(_("division code"), max_length=12, primary_key=True)
    name = models.CharField(pgettext_lazy("region", "name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    urban_rural_code = models.CharField(_("urban/rural classification code"), max_length=3, blank=True)
    is_active = models.BooleanField(
        _("in use"), default=True, help_text=_("Cleared when abolished or merged.")
    )
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    scope_path = ""  # a Region is scoped by its own code

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name

    @property
    def prefix(self) -> str:
        return self.code[: regions.PREFIX_LENGTH[self.level]]

    @property
    def is_urban(self) -> bool | None:
        return regions.is_urban(self.urban_rural_code)

    @property
    def urban_rural_label(self) -> str:
        return regions.URBAN_RURAL_CODES.get(self.urban_rural_code, "")

    def contains(self, other: "Region | str") -> bool:
        code = other if isinstance(other, str) else other.code
        return code.startswith(self.prefix)


class User(AbstractUser):
    name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("The user sees and acts only within this region."),
    )
    unit = models.ForeignKey(
        "Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("Optional. Staff of a unit see only their unit and its subordinate units."),
    )
    roles = models.JSONField(_("roles"), default=list, blank=True)

    scope_path = "region"

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.name or self.username

    def get_full_name(self):
        return self.name or self.username

    @property
    def caps(self):
        return caps_for(self.roles)

    def can(self, cap) -> bool:
        return self.is_active and cap in self.caps

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in self.roles if r in Role.values]


UNIT_PATH_WIDTH = 8  # digits per level of Unit.tree_path: ids below 100 million


def unit_path_segment(pk: int) -> str:
    if pk >= 10**UNIT_PATH_WIDTH:
        raise ValueError(f"unit id {pk} does not fit the tree path's {UNIT_PATH_WIDTH} digits")
    return f"{pk:0{UNIT_PATH_WIDTH}d}"


class Unit(models.Model):
    """An organisation unit (单位): a county department, a township's government or office, a
    public institution, a school, a state-owned company or one of its branches.

    `parent` is the unit in charge (主管部门 / 上级机构); `region` is where the unit sits, which
    scopes it like any regional record. `tree_path` is a materialised path — the ids of the
    unit's ancestors and its own, each zero-padded to UNIT_PATH_WIDTH digits — so a subtree is
    one `startswith` filter (units are few; no recursive query). Only the services in
    core/unit_services.py write it: they create and move units and keep the paths of a moved subtree.
    """

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Party or government department")
        TOWNSHIP = "township", _("Township government or subdistrict office")
        TOWNSHIP_OFFICE = "township_office", _("Township office or station")
        PUBLIC_INSTITUTION = "public_institution", _("Public institution")
        PEOPLES_ORGANISATION = "peoples_organisation", _("People's organisation")
        SCHOOL = "school", _("School")
        STATE_COMPANY = "state_company", _("State-owned company")
        BRANCH = "branch", _("Company branch")
        OTHER = "other", _("Other unit")

    name = models.CharField(pgettext_lazy("organisation", "name"), max_length=100)
    kind = models.CharField(pgettext_lazy("organisation units", "kind"), max_length=30, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("unit in charge"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="units"
    )
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    is_active = models.BooleanField(
        _("in use"), default=True, help_text=_("Cleared when abolished or merged.")
    )
    tree_path = models.CharField(max_length=255, editable=False, default="")

    scope_path = "region"
    unit_scope_path = ""  # a Unit is scoped by its own tree path as well (core/scope.py)

    class Meta:
        ordering = ["tree_path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [models.Index(fields=["tree_path"], name="core_unit_path_idx")]
        constraints = [
            # The path is empty only between the insert and the update that sets it (one transaction).
            models.UniqueConstraint(
                fields=["tree_path"], condition=~models.Q(tree_path=""), name="core_unit_path_unique"
            ),
            models.UniqueConstraint(
                fields=["parent", "name"],
                condition=models.Q(parent__isnull=False),
                name="core_unit_name_under_parent",
            ),
            models.UniqueConstraint(
                fields=["region", "name"],
                condition=models.Q(parent__isnull=True),
                name="core_unit_top_name_in_region",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def depth(self) -> int:
        """0 for a unit without a parent."""
        return max(len(self.tree_path) // UNIT_PATH_WIDTH - 1, 0)

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the top of the tree down to the parent (read from the path, no query)."""
        w = UNIT_PATH_WIDTH
        return [int(self.tree_path[i : i + w]) for i in range(0, len(self.tree_path) - w, w)]

    def contains(self, other: "Unit") -> bool:
        """The unit itself or one of its subordinate units, at any depth."""
        return bool(self.tree_path) and other.tree_path.startswith(self.tree_path)


class UnitFigures(models.Model):
    """A unit's figures for one year: total assets and main revenue in yuan, number of branches
    and outlets (分支机构和营业网点). Key inspections compare them with the unit in charge's
    (seed document 4: 总资产或主营收入合计不低于上一级机构的10%). An amount left empty was
    not reported; zero is a reported zero."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="figures")
    year = models.PositiveSmallIntegerField(_("year"))
    total_assets = models.DecimalField(
        _("total assets (yuan)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    main_revenue = models.DecimalField(
        _("main revenue (yuan)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    branches = models.PositiveIntegerField(_("branches and outlets"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path = "unit__region"
    unit_scope_path = "unit"

    class Meta:
        ordering = ["unit", "-year"]
        verbose_name = _("unit figures")
        verbose_name_plural = _("unit figures")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="core_unit_figures_once_a_year"),
            models.CheckConstraint(
                condition=models.Q(year__gte=1900, year__lte=2100), name="core_unit_figures_year"
            ),
            models.CheckConstraint(
                condition=models.Q(total_assets__isnull=True) | models.Q(total_assets__gte=0),
                name="core_unit_figures_assets_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(main_revenue__isnull=True) | models.Q(main_revenue__gte=0),
                name="core_unit_figures_revenue_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.unit} {self.year}"


class AuditHead(models.Model):
    """The single row holding the chain's tip; locking it serialises appends to the chain."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self):
        return f"#{self.seq} {self.hash[:12]}"


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        VIEW = "view", _("viewed")
        EXPORT = "export", _("exported")
        IMPORT = "import", _("imported")
        LOGIN = "login", _("logged in")
        LOCKOUT = "lockout", _("locked out after failed sign-ins")
        UNLOCK = "unlock", _("unlocked")
        MERGE = "merge", _("merged")
        OTHER = "other", _("other")

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    region_code = models.CharField(max_length=12, blank=True)  # indexed in Meta (no LIKE twin)
    changes = models.JSONField(default=dict, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    scope_path = "region_code"

    class Meta:
        ordering = ["-seq"]
        # region_code is read through the area scope's code range (core.scope), never with LIKE:
        # a plain index, not db_index=True, which on PostgreSQL adds a varchar_pattern_ops twin.
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["region_code"], name="core_audit_region_idx"),
        ]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self):
        return f"#{self.seq} {self.actor_username} {self.action} {self.object_type}:{self.object_id}"

    @property
    def object_type_label(self) -> str:
        """The model's verbose name ("特困人员") for a type label such as "registry.person"."""
        model = model_of_audit_type(self.object_type)
        return str(model._meta.verbose_name) if model is not None else self.object_type


def audit_types(model) -> list[str]:
    """The object types a model's audit entries carry: its label, and the labels it had in an app it
    has left (`audit_former_types`, e.g. "care.guardianship"). Entries are never rewritten (the hash
    chain), so a history, a filter or a label reads old entries under every name."""
    return [model._meta.label_lower, *getattr(model, "audit_former_types", ())]


def model_of_audit_type(label: str):
    """The model whose entries carry `label` (its own or a former one), or None."""
    from django.apps import apps

    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        pass
    for model in apps.get_models():
        if label in getattr(model, "audit_former_types", ()):
            return model
    return None


def token_expiry():
    """When a token issued now expires (settings.DOUDI_API_TOKEN_DAYS)."""
    import datetime as dt

    from django.utils import timezone

    return timezone.now() + dt.timedelta(days=settings.DOUDI_API_TOKEN_DAYS)


class ApiToken(models.Model):
    """A bearer token for the API. Only a SHA-256 of the key is stored.

    A token is refused once expired or revoked (by its owner or an administrator of the owner's
    area); the row is kept so the revocation page shows it. `last_used_at` is written at most once
    per LAST_USED_EVERY, not on every call."""

    LAST_USED_EVERY = 60  # seconds

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("api token", "Active")
        EXPIRED = "expired", pgettext_lazy("api token", "Expired")
        REVOKED = "revoked", pgettext_lazy("api token", "Revoked")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(default=token_expiry)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    scope_path = "user__region"

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"API token #{self.pk} of {self.user_id}"

    def status_at(self, now) -> str:
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires_at <= now:
            return self.Status.EXPIRED
        return self.Status.ACTIVE

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class Upload(models.Model):
    """An uploaded original (ledger, region list, scan), kept as received."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file = models.FileField(upload_to="uploads/%Y/%m/")
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    kind = models.CharField(max_length=40)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    scope_path = "region"

    def __str__(self):
        return self.original_name


class Job(models.Model):
    """A background job that a page can poll for progress (done/total) and its result."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Finished")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    upload = models.ForeignKey(Upload, on_delete=models.PROTECT, null=True, blank=True, related_name="jobs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    scope_path = "region"

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.is_finished and self.status == self.Status.SUCCEEDED:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0


class WorkCalendarYear(models.Model):
    """An administrator's entries for one year of the official holiday schedule (放假安排).

    `holidays` and `workdays` are ISO dates: days off, and make-up working days (调休) that fall
    on a weekend. They override the `chinesecalendar` package (core/workdays.py), so a year the
    package does not know yet can be entered when the State Council publishes it; `complete`
    says the year's schedule has been entered in full.

    A row without `region` is the installation's (the national schedule, the default for every
    county); a row with a county is that county's own additions (a local 调休 day or holiday),
    laid over the installation's when a deadline in the county is counted (core/calendar.py).
    """

    scope_path = "region"

    region = models.ForeignKey(
        Region,
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the installation's calendar, the default for every county."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    holidays = models.JSONField(_("holidays"), default=list, blank=True)
    workdays = models.JSONField(_("make-up working days"), default=list, blank=True)
    complete = models.BooleanField(_("whole year entered"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["year"], condition=models.Q(region__isnull=True), name="workcal_installation_year"
            ),
            models.UniqueConstraint(
                fields=["region", "year"],
                condition=models.Q(region__isnull=False),
                name="workcal_county_year",
            ),
        ]
        verbose_name = _("work calendar year")
        verbose_name_plural = _("work calendar years")

    def __str__(self):
        return str(self.year)


class Notification(models.Model):
    """An in-app message to one user (a reminder from a daily job, a task assigned to them).

    `key` makes a reminder idempotent: the daily job may run twice a day without notifying twice
    ("visit-overdue:2026-11:<person>")."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=120)
    text = models.CharField(_("message"), max_length=300)
    url = models.CharField(max_length=300, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    scope_path = "recipient__region"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="core_notification_once")]

    def __str__(self):
        return self.text


class RecoveryCode(models.Model):
    """A single-use recovery code for two-factor sign-in, for when the phone is lost. Only a
    SHA-256 of the code is stored: codes are 80 random bits, so no slow hash is needed (a slow one
    would make checking ten of them take seconds). Used once, then `used_at` is set for good."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        constraints = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="core_recovery_code_once_per_user")
        ]

    def __str__(self):
        return f"recovery code #{self.pk} of {self.user_id}"
