"""Reads for the core app. Every query goes through scope.scoped()."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from .models import AuditEntry, Job, Region, User, audit_types, model_of_audit_type
from .scope import get_scoped_or_404, scoped


def region_root(user) -> Region | None:
    return user.region if user.region_id else None


def region_get(user, code: str) -> Region:
    return get_scoped_or_404(Region, user, code=code)


def region_children(user, region: Region):
    return scoped(Region, user).filter(parent=region).annotate(child_count=Count("children")).order_by("code")


def region_ancestors(user, region: Region) -> list[Region]:
    """Breadcrumb within the user's area (a clerk never sees the county above them)."""
    chain, node = [], region
    while node is not None and node.parent_id and node.code != user.region_id:
        node = node.parent
        if node.code.startswith(user.region.prefix) or node.code == user.region_id:
            chain.append(node)
    return list(reversed(chain))


def regions_assignable(user):
    """Regions an administrator may bind accounts to: their own subtree, active units."""
    return scoped(Region, user).filter(is_active=True).order_by("code")


def region_counts(user) -> dict:
    qs = scoped(Region, user)
    return {row["level"]: row["n"] for row in qs.values("level").annotate(n=Count("code"))}


def user_list(user, *, q: str = "", active: str = ""):
    qs = scoped(User, user).select_related("region", "unit")
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(name__icontains=q) | Q(region__name__icontains=q))
    if active in ("1", "0"):
        qs = qs.filter(is_active=active == "1")
    return qs.order_by("region_id", "username")


def user_get(user, pk) -> User:
    return get_scoped_or_404(User, user, pk=pk)


def audit_list(user, *, username="", object_type="", object_id="", date_from=None, date_to=None):
    qs = scoped(AuditEntry, user)
    if username:
        qs = qs.filter(actor_username=username)
    if object_type:
        model = model_of_audit_type(object_type)
        qs = qs.filter(object_type__in=audit_types(model) if model else [object_type])
    if object_id:
        qs = qs.filter(object_id=object_id)
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to + dt.timedelta(days=0))
    return qs.order_by("-seq")


def audit_entry_get(user, seq) -> AuditEntry:
    """One entry by its sequence number, inside the user's area (404 outside it)."""
    return get_scoped_or_404(AuditEntry, user, seq=seq)


def audit_for_object(user, obj):
    return (
        scoped(AuditEntry, user)
        .filter(object_type__in=audit_types(obj), object_id=str(obj.pk))
        .order_by("seq")
    )


def job_get(user, pk) -> Job:
    return get_scoped_or_404(Job, user, pk=pk)


def jobs_recent(user, limit=5):
    return scoped(Job, user).filter(created_by=user)[:limit]


# ---- API tokens (issue 16) ---------------------------------------------------------------------


def tokens_own(user):
    """The user's own tokens, newest first (revoked and expired ones too, marked)."""
    from .models import ApiToken

    return ApiToken.objects.filter(user=user).order_by("-created_at")


def tokens_managed(user):
    """Every token of an account in the administrator's area (Cap.MANAGE_USERS)."""
    from .models import ApiToken

    return scoped(ApiToken, user).select_related("user", "revoked_by").order_by("-created_at")


def token_get_revocable(user, pk):
    """A token the user may revoke: their own, or (an administrator) one in their area; 404 else."""
    from django.shortcuts import get_object_or_404

    from .models import ApiToken
    from .roles import Cap

    if user.can(Cap.MANAGE_USERS):
        return get_scoped_or_404(ApiToken, user, pk=pk)
    return get_object_or_404(ApiToken, user=user, pk=pk)
