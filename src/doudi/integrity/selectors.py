"""Every read of reports and campaigns, through the area scope.

Reports: the region scope, and the conflict of interest — a user bound to a unit never sees a
report about that unit or a unit under it (their own unit's staff, its superiors' staff). Only
users with RECEIVE_REPORTS or HANDLE_REPORTS see reports at all; a handler without RECEIVE_REPORTS
sees only the reports assigned to them.
"""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from doudi.core.roles import Cap
from doudi.core.scope import get_scoped_or_404, scoped, user_unit_path

from .models import Attachment, Campaign, CampaignUnit, Finding, Report, ReportMessage


def reports(user) -> QuerySet:
    if user is None or not (user.can(Cap.RECEIVE_REPORTS) or user.can(Cap.HANDLE_REPORTS)):
        return Report.objects.none()
    qs = scoped(Report, user).select_related("region", "unit", "handling_unit", "handler")
    path = user_unit_path(user)
    if path:
        qs = qs.exclude(unit__tree_path__startswith=path)
    if not user.can(Cap.RECEIVE_REPORTS):
        qs = qs.filter(handler=user)
    return qs


def report_or_404(user, pk) -> Report:
    return get_scoped_or_404(reports(user), user, pk=pk)


def report_messages(report: Report, *, reporter: bool) -> QuerySet:
    qs = ReportMessage.objects.filter(report=report).select_related("author")
    return qs.filter(internal=False) if reporter else qs


def attachment_or_404(user, report: Report, pk) -> Attachment:
    try:
        return Attachment.objects.get(report=report, pk=int(pk))
    except (Attachment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such record in your area.")) from exc


def report_filter(qs: QuerySet, params) -> QuerySet:
    """The list filters the statistics link to (each number opens its list)."""
    for key in ("category", "status", "outcome", "unit"):
        value = params.get(key)
        if value:
            qs = qs.filter(**({"unit_id": value} if key == "unit" else {key: value}))
    if params.get("on_time") == "1":
        qs = qs.filter(answered_on_time=True)
    elif params.get("on_time") == "0":
        qs = qs.filter(answered_on_time=False)
    if params.get("escalated") == "1":
        qs = qs.filter(escalated=True)
    return qs


def report_statistics(user) -> dict:
    qs = reports(user)
    by = lambda field: list(qs.values(field).annotate(n=Count("id")).order_by("-n"))  # noqa: E731
    answered = qs.filter(status=Report.Status.ANSWERED)
    on_time = answered.filter(answered_on_time=True).count()
    return {
        "total": qs.count(),
        "by_category": by("category"),
        "by_status": by("status"),
        "by_outcome": list(answered.values("outcome").annotate(n=Count("id")).order_by("-n")),
        "by_unit": list(
            qs.exclude(unit=None).values("unit", "unit__name").annotate(n=Count("id")).order_by("-n")[:20]
        ),
        "answered": answered.count(),
        "on_time": on_time,
        "late": answered.filter(answered_on_time=False).count(),
        "escalated": qs.filter(escalated=True).count(),
    }


def campaigns(user) -> QuerySet:
    if user is None or not user.can(Cap.RUN_CAMPAIGNS):
        return Campaign.objects.none()
    qs = scoped(Campaign, user).select_related("parent_unit")
    path = user_unit_path(user)
    if path:
        qs = qs.filter(parent_unit__tree_path__startswith=path)
    return qs


def campaign_or_404(user, pk) -> Campaign:
    return get_scoped_or_404(campaigns(user), user, pk=pk)


def campaign_entries(user, campaign: Campaign) -> QuerySet:
    return (
        scoped(CampaignUnit, user)
        .filter(campaign=campaign)
        .select_related("unit")
        .annotate(n_findings=Count("findings"))
    )


def my_entries(user) -> QuerySet:
    """The self-inspection forms a unit's finance officer fills (their unit and its branches)."""
    if user is None or not (user.can(Cap.FILL_SELF_INSPECTION) or user.can(Cap.RUN_CAMPAIGNS)):
        return CampaignUnit.objects.none()
    return scoped(CampaignUnit, user).select_related("unit", "campaign")


def entry_or_404(user, pk) -> CampaignUnit:
    """A campaign unit the user may fill (FILL_SELF_INSPECTION, their units) or run (the campaign's)."""
    entry = get_scoped_or_404(my_entries(user), user, pk=pk)
    if not user.can(Cap.FILL_SELF_INSPECTION) and not campaigns(user).filter(pk=entry.campaign_id).exists():
        raise Http404(_("No such record in your area."))
    return entry


def findings(user, campaign: Campaign | None = None) -> QuerySet:
    if user is None or not user.can(Cap.RUN_CAMPAIGNS):
        return Finding.objects.none()
    qs = scoped(Finding, user).select_related("entry__unit", "entry__campaign")
    qs = qs.filter(entry__campaign__in=campaigns(user))
    return qs.filter(entry__campaign=campaign) if campaign else qs


def finding_or_404(user, pk) -> Finding:
    return get_scoped_or_404(findings(user), user, pk=pk)


def entries_filter(qs: QuerySet, params) -> QuerySet:
    if params.get("missing") == "1":
        qs = qs.filter(submitted_at__isnull=True)
    if params.get("submitted") == "1":
        qs = qs.filter(submitted_at__isnull=False)
    if params.get("selected") == "1":
        qs = qs.filter(selected=True)
    return qs
