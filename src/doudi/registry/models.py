import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from doudi.core.models import Region


class DisabilityKind(models.TextChoices):
    INTELLECTUAL = "intellectual", _("Intellectual")
    MENTAL = "mental", _("Mental")
    PHYSICAL = "physical", _("Physical")
    VISUAL = "visual", _("Visual")
    HEARING = "hearing", _("Hearing")
    SPEECH = "speech", _("Speech")
    MULTIPLE = "multiple", _("Multiple")


class CivilCapacity(models.TextChoices):
    FULL = "full", _("Full civil capacity")
    LIMITED = "limited", _("Limited civil capacity")
    NONE = "none", _("No civil capacity")


class MaritalStatus(models.TextChoices):
    UNMARRIED = "unmarried", _("Unmarried")
    MARRIED = "married", _("Married")
    DIVORCED = "divorced", _("Divorced")
    WIDOWED = "widowed", _("Widowed")


class Placement(models.TextChoices):
    CENTRALIZED = "centralized", _("Centralized (in an institution)")
    DISPERSED = "dispersed", _("Dispersed (at home)")


class PersonStatus(models.TextChoices):
    APPLYING = "applying", _("Applying")
    ACTIVE = "active", _("Supported")
    TERMINATED = "terminated", _("Terminated")
    # An application that ended without support leaves 申请中 (issue 15); applying again later
    # opens a new case and the person is 申请中 again, the earlier cases kept.
    REFUSED = "refused", _("Not recognised")
    NOT_ACCEPTED = "not_accepted", _("Application not accepted")


class Category(models.TextChoices):
    """老年人 / 残疾人 / 未成年人 — derived, never stored: age from the birth date (60 and over,
    under 18) and disability from the record (domain: "Who may be 特困人员")."""

    # Contexts keep these apart from same-spelled strings elsewhere ("Disabled" account).
    ELDERLY = "elderly", pgettext_lazy("person category", "Elderly")
    DISABLED = "disabled", pgettext_lazy("person category", "Disabled")
    MINOR = "minor", pgettext_lazy("person category", "Minor")


# Labels of Person fields whose verbose name is spelled like another model's ("name" of a
# region is 名称, of a person 姓名); forms and history use field_label().
FIELD_LABELS = {"name": pgettext_lazy("person", "name")}


def field_label(name: str) -> str:
    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    return str(Person._meta.get_field(name).verbose_name)


ELDERLY_AGE = 60
ADULT_AGE = 18


def reversed_id(number: str) -> str:
    """The search key for "last digits of the ID number": the number reversed, so that a suffix
    search becomes a prefix (range) search that a plain B-tree index serves on SQLite and
    PostgreSQL alike."""
    return (number or "")[::-1]


class Person(models.Model):
    """A supported person in extreme poverty (特困人员) — one row of the ledger (台账).

    Birth date and sex are derived from the ID number (registry/idcard.py) when it is saved
    through the services; urban/rural comes from the village's classification code.
    """

    name = models.CharField(pgettext_lazy("registry", "name"), max_length=50)
    # The search keys and the ID number are indexed in Meta (see there), not with db_index/unique.
    name_pinyin = models.CharField(max_length=200, blank=True)  # "zhangsan"
    name_initials = models.CharField(max_length=50, blank=True)  # "zs"
    id_number = models.CharField(_("ID number"), max_length=18)
    # id_number reversed (see reversed_id); written with the pinyin keys by the services.
    id_reversed = models.CharField(max_length=18, blank=True, editable=False)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=[("M", _("Male")), ("F", _("Female"))])
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    village = models.ForeignKey(
        Region,
        verbose_name=_("registered village"),
        on_delete=models.PROTECT,
        related_name="persons",
        db_index=False,  # the (village, status) index below serves it; see Meta
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    disability_kind = models.CharField(
        _("disability kind"), max_length=20, choices=DisabilityKind.choices, blank=True
    )
    disability_grade = models.PositiveSmallIntegerField(
        _("disability grade"), null=True, blank=True, choices=[(i, str(i)) for i in range(1, 5)]
    )
    disability_certificate = models.CharField(_("disability certificate number"), max_length=30, blank=True)
    civil_capacity = models.CharField(
        _("civil capacity"), max_length=10, choices=CivilCapacity.choices, default=CivilCapacity.FULL
    )
    civil_capacity_basis = models.CharField(_("basis of civil capacity"), max_length=200, blank=True)
    marital_status = models.CharField(
        _("marital status"), max_length=12, choices=MaritalStatus.choices, blank=True
    )
    placement = models.CharField(
        _("placement"), max_length=12, choices=Placement.choices, default=Placement.DISPERSED
    )
    status = models.CharField(
        _("status"), max_length=12, choices=PersonStatus.choices, default=PersonStatus.ACTIVE
    )
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    supported_since = models.DateField(_("supported since"), null=True, blank=True)
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # nothing looks persons up by creator; users are deactivated, not deleted
    )

    scope_path = "village"

    class Meta:
        ordering = ["village_id", "name"]
        verbose_name = _("supported person")
        verbose_name_plural = _("supported persons")
        # Search (selectors.search_filter) and the ledger import read these columns by equality or
        # by a prefix range (`col >= 'zs' AND col < 'zt'`), which a plain B-tree serves. They are
        # declared here rather than with db_index=True / unique=True because on PostgreSQL Django
        # adds a second, varchar_pattern_ops ("_like") index for each of those, only useful for
        # LIKE: four more indexes to maintain on every insert (docs/performance.md). For the same
        # reason the village has no index of its own: (village, status) serves equality, joins and
        # the area scope's code range (core.scope.within), so nothing filters it with LIKE.
        # No index on birth_date either: the age categories filter by it after the area (most
        # persons are elderly, so an index on it would not narrow anything), and every index costs
        # each imported row (docs/performance.md).
        indexes = [
            models.Index(fields=["village", "status"]),
            models.Index(fields=["name_pinyin"], name="registry_person_pinyin_idx"),
            models.Index(fields=["name_initials"], name="registry_person_initials_idx"),
            models.Index(fields=["id_reversed"], name="registry_person_id_rev_idx"),
        ]
        constraints = [models.UniqueConstraint(fields=["id_number"], name="registry_person_id_number_uniq")]

    def __str__(self):
        return self.name

    def age_on(self, day: dt.date | None = None) -> int:
        day = day or dt.date.today()
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    @property
    def age(self) -> int:
        return self.age_on()

    @property
    def is_urban(self) -> bool | None:
        return self.village.is_urban

    def categories_on(self, day: dt.date | None = None) -> list[str]:
        """The categories (Category values) the person falls in on that day."""
        age = self.age_on(day)
        out = []
        if age >= ELDERLY_AGE:
            out.append(Category.ELDERLY)
        if self.disability_kind:
            out.append(Category.DISABLED)
        if age < ADULT_AGE:
            out.append(Category.MINOR)
        return out

    @property
    def categories(self) -> list[str]:
        return self.categories_on()

    @property
    def category_labels(self) -> list[str]:
        return [str(Category(c).label) for c in self.categories]

    @property
    def township(self) -> Region | None:
        return self.village.parent if self.village_id else None


class DuplicateCandidate(models.Model):
    """A probable duplicate pair for a county officer to merge or dismiss.

    `person` has the lower id of the pair, so a pair is stored once. After a merge `person` is
    the kept record and `other` is empty (the merged-away record is gone; the audit log keeps
    it), so the decision stays on record.
    """

    class Reason(models.TextChoices):
        SAME_PINYIN_AND_BIRTH = "same_pinyin_birth", _("Same name in pinyin and same birth date")
        SAME_NAME_AND_VILLAGE = "same_name_village", _("Same name in the same village")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MERGED = "merged", _("Merged")
        DISMISSED = "dismissed", _("Dismissed")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    scope_path = "person__village"

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["person", "other"], name="unique_duplicate_pair")]
        indexes = [models.Index(fields=["status", "created_at"])]
        verbose_name = _("probable duplicate")
        verbose_name_plural = _("probable duplicates")

    def __str__(self):
        return f"{self.person} ~ {self.other or '—'}"

    @property
    def reason_label(self) -> str:
        labels = dict(self.Reason.choices)
        return "; ".join(str(labels.get(code, code)) for code in self.reason.split(","))


class LedgerImport(models.Model):
    """One uploaded ledger file (台账导入): the kept original, its check (preview) and its commit.

    Written only by registry/ledger/. The report holds the counts and the first errors
    (row, column, Chinese message); a large file's check and commit run as core Jobs.
    """

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all", _("All or nothing")
        VALID_ROWS = "valid", _("Write the valid rows")

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked, waiting for confirmation")
        COMMITTING = "committing", _("Importing")
        DONE = "done", _("Imported")
        REJECTED = "rejected", _("Not imported: the file has errors")
        FAILED = "failed", _("Failed")

    upload = models.ForeignKey("core.Upload", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices, default=Mode.ALL_OR_NOTHING)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.CHECKING)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    job = models.ForeignKey("core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    scope_path = "region"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ledger import")
        verbose_name_plural = _("ledger imports")

    def __str__(self):
        return self.upload.original_name if self.upload_id else f"#{self.pk}"


class Institution(models.Model):
    """A nursing home (敬老院) or mental-health institution, with its beds.

    Here, below care and oversight, because both need it: care places persons in it (集中供养),
    oversight inspects it. It was care's model until issue 17 (registry 0007, table kept)."""

    class Kind(models.TextChoices):
        NURSING_HOME = "nursing_home", _("Nursing home")
        MENTAL_HEALTH = "mental_health", _("Mental-health institution")

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(pgettext_lazy("institution", "name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    beds = models.PositiveIntegerField(_("beds"), default=0)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    scope_path = "region"
    audit_former_types = ("care.institution",)  # entries written while it was in care

    class Meta:
        db_table = "care_institution"  # the table kept its name when the model left care
        ordering = ["region_id", "name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def __str__(self):
        return self.name
