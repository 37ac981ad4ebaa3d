from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from doudi.core.models import Region


class MonthReport(models.Model):
    """A region's month-end report: a township's submission or the county's closed month.

    The figures are frozen as JSON when submitted (township) or closed (county), so later edits to
    persons do not change a closed month. Every submission is kept as a `MonthReportVersion`.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Sent back for correction")
        CLOSED = "closed", pgettext_lazy("month", "Closed")

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))  # the first day of the month
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    version = models.PositiveIntegerField(_("version"), default=1)
    data = models.JSONField(default=dict)  # selectors.Statistics.as_json()
    reasons = models.JSONField(default=dict, blank=True)  # figure key → reason for a large change
    comment = models.TextField(_("comment"), blank=True)  # the county's when sending back
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    scope_path = "region"

    class Meta:
        ordering = ["-month", "region_id"]
        verbose_name = _("month-end report")
        verbose_name_plural = _("month-end reports")
        constraints = [
            models.UniqueConstraint(fields=["region", "month"], name="reports_one_per_region_month")
        ]

    def __str__(self):
        return f"{self.region_id} {self.month:%Y-%m}"


class MonthReportVersion(models.Model):
    """One submission of a township's month, kept when the month is sent back and resubmitted."""

    report = models.ForeignKey(MonthReport, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    data = models.JSONField(default=dict)
    reasons = models.JSONField(default=dict, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    returned_comment = models.TextField(blank=True)

    scope_path = "report__region"

    class Meta:
        ordering = ["report_id", "version"]
        constraints = [models.UniqueConstraint(fields=["report", "version"], name="reports_one_version")]

    def __str__(self):
        return f"{self.report} v{self.version}"


class MapLayer(models.Model):
    """GeoJSON boundaries a county uploads for the map (registered with ECharts, no online tiles)."""

    region = models.OneToOneField(Region, on_delete=models.PROTECT, related_name="+")
    geojson = models.JSONField()
    name_property = models.CharField(max_length=50, default="name")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now=True)

    scope_path = "region"

    def __str__(self):
        return f"{self.region_id}"
