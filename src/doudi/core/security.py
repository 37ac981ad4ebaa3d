"""Sign-in throttling (django-axes) wired into doudi: the client's address behind the proxy, the
Chinese lockout answer, the audit entries, and the lockouts an administrator may lift.

Failures are counted per account name and per client address (settings.AXES_LOCKOUT_PARAMETERS):
after DOUDI_LOGIN_FAILURES failures either is locked for DOUDI_LOGIN_COOLOFF_MINUTES. The answer
is the same whether the account exists or not, for the login page and the token endpoint alike.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import audit
from .models import AuditEntry, User
from .scope import scoped


def client_ip(request) -> str:
    """The client's address. Behind DOUDI_PROXY_COUNT trusted proxies (each appending to
    X-Forwarded-For, as nginx's $proxy_add_x_forwarded_for does) it is the entry that many hops
    from the right — the one our own proxy saw; anything further left the client could forge."""
    count = getattr(settings, "DOUDI_PROXY_COUNT", 0)
    if count:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR", "")


def cooloff_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message() -> str:
    return _(
        "Too many failed sign-ins. Try again in %(minutes)d minutes, or ask your administrator to "
        "unlock the account."
    ) % {"minutes": cooloff_minutes()}


def lockout_response(request, response=None, credentials=None, *args, **kwargs):
    """AXES_LOCKOUT_CALLABLE: 429 with a Chinese message that says nothing about the account."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message()}, status=429)
    return render(request, "registration/login.html", {"locked_out": lockout_message()}, status=429)


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    """Every lockout is an audit entry, under the account when it exists (its region's officers
    see it), without one otherwise."""
    user = User.objects.filter(username=username).select_related("region").first() if username else None
    audit.record(
        None,
        AuditEntry.Action.LOCKOUT,
        user,
        object_type="" if user else "core.user",
        object_repr=username or "",
        extra={"ip": ip_address or "", "username": username or ""},
    )


def lockouts(actor):
    """The locked accounts an administrator may unlock: attempts on account names of users in
    their area (locks on unknown names or addresses only expire)."""
    from axes.models import AccessAttempt

    names = scoped(User, actor).values("username")
    return AccessAttempt.objects.filter(
        username__in=names, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).order_by("-attempt_time")


def lockout_lift(*, actor, username: str) -> int:
    """Unlock an account in the actor's area (every attempt on its name); audited."""
    from axes.models import AccessAttempt

    user = scoped(User, actor).filter(username=username).first()
    if user is None:
        return 0
    with transaction.atomic():
        removed, _ = AccessAttempt.objects.filter(username=username).delete()
        audit.record(actor, AuditEntry.Action.UNLOCK, user, extra={"attempts_removed": removed})
    return removed
