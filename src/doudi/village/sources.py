"""The rectification sources village supervision registers with oversight (apps.py): an inquiry,
review request or suggestion whose written answer is overdue (services.inquiries_overdue), and an
appeal not handled by its deadline (services.appeals_overdue). They are found through this app's
selectors, so a task's link is a 404 outside the user's area — and, for an appeal, for everyone
but its handlers and the member who filed it (selectors.appeals)."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse

from doudi.core.roles import Cap
from doudi.oversight.sources import Source, SourceRecord

from . import selectors

INQUIRY = "village_inquiry"
APPEAL = "village_appeal"


def find_inquiry(user, pk: str) -> SourceRecord:
    # The task's owner may be a township clerk who cannot open village affairs: no link for them.
    if not str(pk).isdigit() or not user.can(Cap.VIEW_VILLAGE_AFFAIRS):
        raise Http404
    inquiry = selectors.inquiry(user, int(pk))
    return SourceRecord(
        Source(INQUIRY, inquiry.pk),
        None,
        inquiry.asked_on,
        reverse("village_inquiry", args=[inquiry.pk]),
        f"{inquiry.get_kind_display()}：{inquiry.subject}",
    )


def find_appeal(user, pk: str) -> SourceRecord:
    # selectors.appeals: only the handlers and the member who filed it; anyone else gets 404.
    if not str(pk).isdigit():
        raise Http404
    appeal = selectors.appeal(user, int(pk))
    return SourceRecord(
        Source(APPEAL, appeal.pk),
        None,
        appeal.filed_on,
        reverse("village_appeal", args=[appeal.pk]),
        f"{appeal.village.name} · {appeal.get_kind_display()}",
    )
