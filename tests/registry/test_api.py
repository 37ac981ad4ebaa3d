import datetime as dt

import pytest
from django.utils import translation

from doudi.core import services as core_services
from doudi.core.models import AuditEntry
from doudi.registry.idcard import mask_id_number
from doudi.registry.models import Person

from .conftest import id_number


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def bearer(client, user):
    token = core_services.token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_anonymous_calls_get_401(client, people):
    assert client.get("/api/v1/persons").status_code == 401
    assert client.get(f"/api/v1/persons/{people.zhang.pk}").status_code == 401
    assert client.post("/api/v1/persons", {}, content_type="application/json").status_code == 401
    assert Person.objects.count() == 3


def test_list_is_scoped_paginated_and_masked(client, world, people):
    response = client.get("/api/v1/persons", **bearer(client, world.users.town1))
    data = response.json()
    assert response.status_code == 200 and data["count"] == 2
    by_name = {p["name"]: p for p in data["items"]}
    assert set(by_name) == {"张三", "李四"}
    zhang = by_name["张三"]
    assert zhang["id_number"] == mask_id_number(people.zhang.id_number)
    assert zhang["village"] == {"code": world.v1.code, "name": "青石社区"}
    assert zhang["township"] == {"code": world.t1.code, "name": "青石镇"}
    assert zhang["categories"] == ["elderly"] and zhang["sex"] == "M"
    page = client.get("/api/v1/persons?page_size=1&page=2", **bearer(client, world.users.county)).json()
    assert page["count"] == 3 and len(page["items"]) == 1


@pytest.mark.parametrize(
    "query, expected",
    [
        ("q=zs", {"张三"}),
        ("q=lisi", {"李四"}),
        ("q=东山村", {"李四"}),
        ("region=990121101000", {"王五"}),
        ("region=990121100201", {"李四"}),
        ("placement=centralized", {"李四"}),
        ("status=active", {"张三", "李四", "王五"}),
        ("status=terminated", set()),
    ],
)
def test_list_filters(client, world, people, query, expected):
    from doudi.registry import services

    services.person_update(actor=world.users.town1, person=people.li, placement="centralized")
    data = client.get(f"/api/v1/persons?{query}", **bearer(client, world.users.county)).json()
    assert {p["name"] for p in data["items"]} == expected


def test_search_by_id_tail(client, world, people):
    tail = people.wang.id_number[-6:]
    data = client.get(f"/api/v1/persons?q={tail}", **bearer(client, world.users.county)).json()
    assert [p["name"] for p in data["items"]] == ["王五"]


def test_detail_and_404_outside_the_area(client, world, people):
    auth = bearer(client, world.users.town1)
    data = client.get(f"/api/v1/persons/{people.zhang.pk}", **auth).json()
    assert data["name"] == "张三" and data["phone"] == "13800000001" and data["birth_date"] == "1948-05-06"
    assert data["id_number"] == mask_id_number(people.zhang.id_number)
    assert client.get(f"/api/v1/persons/{people.wang.pk}", **auth).status_code == 404
    assert client.get("/api/v1/persons/999999", **auth).status_code == 404


def test_full_ids_are_revealed_only_on_request_and_audited(client, world, people):
    auth = bearer(client, world.users.county)
    detail = client.get(f"/api/v1/persons/{people.zhang.pk}?full_ids=true", **auth).json()
    assert detail["id_number"] == people.zhang.id_number
    listing = client.get("/api/v1/persons?full_ids=true&page_size=2", **auth).json()
    assert all(len(p["id_number"]) == 18 and "*" not in p["id_number"] for p in listing["items"])
    views = AuditEntry.objects.filter(action="view", actor=world.users.county)
    assert views.count() == 3  # one for the detail, one per person on the returned page
    assert {e.object_id for e in views} >= {str(p["id"]) for p in listing["items"]}


def test_full_ids_are_refused_to_village_staff(client, world, people):
    auth = bearer(client, world.users.village1)
    response = client.get("/api/v1/persons?full_ids=true", **auth)
    assert response.status_code == 403
    assert client.get(f"/api/v1/persons/{people.zhang.pk}?full_ids=true", **auth).status_code == 403
    assert not AuditEntry.objects.filter(action="view").exists()


def test_create(client, world):
    body = {
        "name": "赵六",
        "id_number": id_number(dt.date(1945, 9, 9), 51).lower(),
        "village": world.v1b.code,
    }
    response = client.post(
        "/api/v1/persons", body, content_type="application/json", **bearer(client, world.users.town1)
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["birth_date"] == "1945-09-09" and data["sex"] == "M" and data["placement"] == "dispersed"
    assert Person.objects.get(pk=data["id"]).created_by == world.users.town1
    assert AuditEntry.objects.filter(action="create", object_id=str(data["id"])).exists()


def test_create_errors_are_422_with_field_messages(client, world):
    auth = bearer(client, world.users.town1)
    body = {"name": "赵六", "id_number": "110105194912310021", "village": world.v2.code}
    response = client.post("/api/v1/persons", body, content_type="application/json", **auth)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["id_number"] == ["身份证号校验位错误：最后一位应为“X”，实际为“1”，请核对号码"]
    assert errors["village"] == ["该村（社区）不在您的管辖范围内。"]


def test_create_duplicate_id(client, world, people):
    auth = bearer(client, world.users.town1)
    body = {"name": "张三", "id_number": people.zhang.id_number, "village": world.v1.code}
    data = client.post("/api/v1/persons", body, content_type="application/json", **auth).json()
    assert data["existing_id"] == people.zhang.pk
    body["id_number"] = people.wang.id_number
    response = client.post("/api/v1/persons", body, content_type="application/json", **auth)
    data = response.json()
    assert response.status_code == 422 and data["existing_id"] is None
    assert "柳河镇" in data["detail"] and "王五" not in str(data) and world.v2.code not in str(data)


def test_create_needs_the_capability(client, world):
    body = {"name": "赵六", "id_number": id_number(), "village": world.v1.code}
    response = client.post(
        "/api/v1/persons", body, content_type="application/json", **bearer(client, world.users.village1)
    )
    assert response.status_code == 403 and not Person.objects.exists()


def test_patch_changes_only_what_is_sent(client, world, people):
    auth = bearer(client, world.users.town1)
    url = f"/api/v1/persons/{people.zhang.pk}"
    response = client.patch(url, {"placement": "centralized"}, content_type="application/json", **auth)
    assert response.status_code == 200 and response.json()["placement"] == "centralized"
    people.zhang.refresh_from_db()
    assert people.zhang.phone == "13800000001"
    entry = AuditEntry.objects.get(action="update")
    assert entry.changes == {"placement": ["dispersed", "centralized"]}
    bad = client.patch(url, {"placement": "nowhere"}, content_type="application/json", **auth)
    assert bad.status_code == 422 and "placement" in bad.json()["errors"]


def test_patch_outside_the_area_is_404(client, world, people):
    url = f"/api/v1/persons/{people.wang.pk}"
    response = client.patch(
        url, {"phone": "1"}, content_type="application/json", **bearer(client, world.users.town1)
    )
    assert response.status_code == 404
    people.wang.refresh_from_db()
    assert people.wang.phone == ""


def test_session_auth_works_too(login, world, people):
    assert login(world.users.town1).get("/api/v1/persons").json()["count"] == 2
