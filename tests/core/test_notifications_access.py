"""Access for the in-app notification pages (core): a user sees and marks only their own."""

import pytest

from doudi.core.models import Notification
from doudi.core.notifications import notify

ROUTES = {
    "notifications": {"url": "/notifications/", "methods": ["get"]},
    "notification_read": {"url": "/notifications/read/", "methods": ["post"]},
}


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_anonymous_users_are_sent_to_login(client, world, name):
    for method in ROUTES[name]["methods"]:
        r = getattr(client, method)(ROUTES[name]["url"])
        assert r.status_code == 302 and r["Location"].startswith("/login/")


def test_users_see_and_mark_only_their_own(login, world):
    notify(world.users.town2, kind="t", key="k1", text="给张伟的提醒", url="/care/visits/")
    notify(world.users.town1, kind="t", key="k1", text="给李秀兰的提醒", url="/care/visits/")
    notify(world.users.town1, kind="t", key="k1", text="重复的提醒不再发送")
    client = login(world.users.town1)
    page = client.get("/notifications/").content.decode()
    assert "给李秀兰的提醒" in page and "给张伟的提醒" not in page and "重复的提醒" not in page
    assert 'id="unread-count">1<' in page
    other = Notification.objects.get(recipient=world.users.town2)
    client.post("/notifications/read/", {"pk": other.pk})
    assert Notification.objects.get(pk=other.pk).read_at is None
    mine = Notification.objects.get(recipient=world.users.town1)
    r = client.post("/notifications/read/", {"pk": mine.pk, "next": mine.url})
    assert r.status_code == 302 and r["Location"] == "/care/visits/"
    assert Notification.objects.get(pk=mine.pk).read_at is not None
    assert 'id="unread-count"' not in client.get("/notifications/").content.decode()
