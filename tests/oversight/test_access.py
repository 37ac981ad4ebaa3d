"""Access matrix for rectification tasks (oversight)."""

import pytest

from doudi.oversight.models import RectificationTask

ROUTES = {
    "oversight_tasks": {"url": lambda w: "/oversight/rectification/", "methods": ["get"]},
    "oversight_task": {
        "url": lambda w: f"/oversight/rectification/{w.task2.pk}/",
        "methods": ["get"],
        "object": True,
    },
    "oversight_task_note": {
        "url": lambda w: f"/oversight/rectification/{w.task2.pk}/note/",
        "methods": ["post"],
        "object": True,
    },
    "oversight_task_close": {
        "url": lambda w: f"/oversight/rectification/{w.task2.pk}/close/",
        "methods": ["post"],
        "object": True,
    },
    "oversight_task_reopen": {
        "url": lambda w: f"/oversight/rectification/{w.task2.pk}/reopen/",
        "methods": ["post"],
        "object": True,
        "reviewer": True,  # clerks may not reopen (403); town1's inspector gets 404
    },
    "oversight_task_edit": {
        "url": lambda w: f"/oversight/rectification/{w.task2.pk}/edit/",
        "methods": ["post"],
        "object": True,
    },
    "oversight_task_evidence": {
        "url": lambda w: f"/oversight/rectification/{w.task2.pk}/evidence/",
        "methods": ["get"],
        "object": True,
    },
    "api:oversight_api_tasks": {"url": lambda w: "/api/v1/rectifications", "methods": ["get"], "api": True},
    "api:oversight_api_task_create": {
        "url": lambda w: "/api/v1/rectifications",
        "methods": ["post"],
        "api": True,
    },
    "api:oversight_api_task": {
        "url": lambda w: f"/api/v1/rectifications/{w.task2.pk}",
        "methods": ["get"],
        "api": True,
        "object": True,
    },
}


def _call(client, method, url, data=None):
    if url.startswith("/api/") and method == "post":
        return client.post(url, data=data or {}, content_type="application/json")
    return getattr(client, method)(url, data or {}) if method == "post" else client.get(url)


@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if not r.get("api")))
def test_anonymous_users_are_sent_to_login(client, loop, name):
    for method in ROUTES[name]["methods"]:
        r = _call(client, method, ROUTES[name]["url"](loop))
        assert r.status_code == 302 and r["Location"].startswith("/login/"), (name, method)


@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if r.get("api")))
def test_anonymous_api_calls_get_401(client, loop, name):
    for method in ROUTES[name]["methods"]:
        assert _call(client, method, ROUTES[name]["url"](loop)).status_code == 401


@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if r.get("object")))
def test_town1_gets_404_for_town2_tasks(login, loop, make, name):
    user = loop.world.users.town1
    if ROUTES[name].get("reviewer"):
        user = make.user("inspector1", loop.world.t1, ["inspector"])
    client = login(user)
    data = {"version": loop.task2.version, "text": "x", "evidence": "已整改", "reason": "x"}
    for method in ROUTES[name]["methods"]:
        assert _call(client, method, ROUTES[name]["url"](loop), data).status_code == 404, (name, method)
    task = RectificationTask.objects.get(pk=loop.task2.pk)
    assert task.status == "open" and task.version == loop.task2.version


def test_town2_and_the_county_see_the_task(login, loop):
    for user in (loop.world.users.town2, loop.world.users.county):
        client = login(user)
        assert client.get(f"/oversight/rectification/{loop.task2.pk}/").status_code == 200
        assert client.get(f"/api/v1/rectifications/{loop.task2.pk}").status_code == 200


def test_lists_leave_out_other_townships(login, loop):
    client = login(loop.world.users.town1)
    page = client.get("/oversight/rectification/").content.decode()
    assert "走访对象1" in page and "走访对象2" not in page
    assert {t["id"] for t in client.get("/api/v1/rectifications").json()} == {loop.task1.pk}
