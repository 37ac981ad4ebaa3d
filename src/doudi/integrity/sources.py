"""The rectification sources integrity registers with oversight (apps.py): a finding of a
campaign and a substantiated report. Each is found through this app's selectors, so a task's link
is a 404 outside the user's area, as everywhere."""

from __future__ import annotations

from django.urls import reverse

from doudi.oversight.sources import Source, SourceRecord

from . import selectors

FINDING = "campaign_finding"
REPORT = "report"


def find_finding(user, pk: str) -> SourceRecord:
    finding = selectors.finding_or_404(user, pk)
    return SourceRecord(
        Source(FINDING, finding.pk),
        None,
        finding.created_at.date(),
        reverse("integrity_finding", args=[finding.pk]),
        f"{finding.entry.campaign.title}：{finding.entry.unit.name}",
    )


def find_report(user, pk: str) -> SourceRecord:
    report = selectors.report_or_404(user, pk)
    return SourceRecord(
        Source(REPORT, report.pk),
        None,
        report.received_at.date(),
        reverse("integrity_report", args=[report.pk]),
        f"举报 {report}",
    )
