import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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


class Person(models.Model):
    """A supported person in extreme poverty (特困人员) — one row of the ledger (台账).

    Birth date and sex are derived from the ID number (registry/idcard.py) when it is saved
    through the services; urban/rural comes from the village's classification code.
    """

    name = models.CharField(_("name"), max_length=50)
    name_pinyin = models.CharField(max_length=200, blank=True, db_index=True)  # "zhangsan"
    name_initials = models.CharField(max_length=50, blank=True, db_index=True)  # "zs"
    id_number = models.CharField(_("ID number"), max_length=18, unique=True)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=[("M", _("Male")), ("F", _("Female"))])
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    village = models.ForeignKey(
        Region, verbose_name=_("registered village"), on_delete=models.PROTECT, related_name="persons"
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
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    scope_path = "village"

    class Meta:
        ordering = ["village_id", "name"]
        verbose_name = _("supported person")
        verbose_name_plural = _("supported persons")
        indexes = [
            models.Index(fields=["village", "status"]),
            models.Index(fields=["birth_date"]),
        ]

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


class DuplicateCandidate(models.Model):
    """A probable duplicate pair for a county officer to merge or dismiss."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MERGED = "merged", _("Merged")
        DISMISSED = "dismissed", _("Dismissed")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    scope_path = "person__village"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "other"], name="unique_duplicate_pair")]

    def __str__(self):
        return f"{self.person} ~ {self.other}"
