"""In-app notifications: writes (notify, mark read) and reads (a user's own, the unread count).

A notification belongs to its recipient; nobody else reads it, so the reads filter on the
recipient (which is also inside the recipient's area). Reminders are idempotent through `key`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from . import audit
from .models import Notification


@dataclass
class Note:
    recipient: object
    kind: str
    key: str
    text: str
    url: str = ""
    region: object = None


def notify_many(notes: list[Note]) -> int:
    """Create the notifications not sent before (same recipient and key); returns how many."""
    if not notes:
        return 0
    wanted = {(n.recipient.pk, n.key): n for n in notes}
    existing = set(
        Notification.objects.filter(
            recipient_id__in={pk for pk, _ in wanted}, key__in={k for _, k in wanted}
        ).values_list("recipient_id", "key")
    )
    rows = [
        Notification(
            recipient=n.recipient, kind=n.kind, key=n.key[:120], text=n.text[:300], url=n.url, region=n.region
        )
        for pair, n in wanted.items()
        if pair not in existing
    ]
    with transaction.atomic():
        Notification.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)


def notify(recipient, *, kind: str, key: str, text: str, url: str = "", region=None) -> int:
    return notify_many([Note(recipient, kind, key, text, url, region)])


def mark_read(*, actor, pk=None) -> int:
    """Mark one (or, without pk, all) of the actor's notifications read."""
    qs = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    with transaction.atomic():
        n = qs.update(read_at=timezone.now())
        if n:
            audit.record(actor, "update", actor, object_repr="notifications", extra={"read": n})
    return n


def for_user(user):
    return Notification.objects.filter(recipient=user)


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
