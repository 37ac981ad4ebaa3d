"""Access matrix for the monthly care loop's routes (DESIGN.md promise 1).

ROUTES maps every URL name to a function building the URL of town2's record (or the page), the
methods it answers, and flags: "object" — town1 gets 404 on every method; "api" — anonymous
callers get 401.
"""

import pytest

from doudi.care.models import MaterialHandover, ServiceDelivery, SupportMember, Visit
from doudi.oversight.models import RectificationTask

ROUTES = {
    "care_support": {
        "url": lambda w: f"/care/persons/{w.p2.pk}/support/",
        "methods": ["get"],
        "object": True,
    },
    "care_placement_set": {
        "url": lambda w: f"/care/persons/{w.p2.pk}/placement/",
        "methods": ["get", "post"],
        "object": True,
    },
    "care_member_add": {
        "url": lambda w: f"/care/persons/{w.p2.pk}/network/new/",
        "methods": ["get", "post"],
        "object": True,
    },
    "care_visit_new": {
        "url": lambda w: f"/care/persons/{w.p2.pk}/visits/new/",
        "methods": ["get", "post"],
        "object": True,
    },
    "care_member_delete": {
        "url": lambda w: f"/care/network/{w.member2.pk}/delete/",
        "methods": ["post"],
        "object": True,
    },
    "care_network": {"url": lambda w: "/care/home-support/", "methods": ["get"]},
    "care_network_list": {
        "url": lambda w: f"/care/home-support/{w.world.t2.code}/home/",
        "methods": ["get"],
        "object": True,
    },
    "care_institutions": {"url": lambda w: "/care/institutions/", "methods": ["get", "post"]},
    "care_visits_due": {"url": lambda w: "/care/visits/", "methods": ["get"]},
    "care_worklist": {"url": lambda w: "/care/visits/worklist/", "methods": ["get"]},
    "care_visits_flagged": {"url": lambda w: "/care/visits/flagged/", "methods": ["get"]},
    "care_visit_ledger": {
        "url": lambda w: f"/care/visits/ledger.xlsx?township={w.world.t2.code}",
        "methods": ["get"],
        "object": True,
    },
    "care_visit": {"url": lambda w: f"/care/visits/{w.visit2.pk}/", "methods": ["get"], "object": True},
    "care_visit_photo": {
        "url": lambda w: f"/care/visits/{w.visit2.pk}/photos/{w.photo2.pk}/",
        "methods": ["get"],
        "object": True,
    },
    "care_guardian_performance": {"url": lambda w: "/care/guardian-performance/", "methods": ["get"]},
    "care_loop_settings": {"url": lambda w: "/care/loop-settings/", "methods": ["get", "post"], "cap": True},
    "care_providers": {"url": lambda w: "/care/providers/", "methods": ["get", "post"]},
    "care_provider": {
        "url": lambda w: f"/care/providers/{w.provider2.pk}/",
        "methods": ["get", "post"],
        "object": True,
    },
    "care_contract_new": {
        "url": lambda w: f"/care/providers/{w.provider2.pk}/contracts/new/",
        "methods": ["get", "post"],
        "object": True,
    },
    "care_contract": {
        "url": lambda w: f"/care/contracts/{w.contract2.pk}/",
        "methods": ["get", "post"],
        "object": True,
    },
    "care_services": {"url": lambda w: "/care/services/", "methods": ["get"]},
    "care_undelivered": {"url": lambda w: "/care/services/undelivered/", "methods": ["get"]},
    "care_my_orders": {"url": lambda w: "/care/deliveries/", "methods": ["get"], "staff": True},
    "care_delivery_new": {
        "url": lambda w: f"/care/orders/{w.order2.pk}/deliver/",
        "methods": ["get", "post"],
        "object": True,
    },
    "care_materials": {"url": lambda w: "/care/materials/", "methods": ["get"]},
    "care_batch_new": {"url": lambda w: "/care/materials/new/", "methods": ["get", "post"]},
    "care_batch": {"url": lambda w: f"/care/materials/{w.batch2.pk}/", "methods": ["get"], "object": True},
    "care_handover": {
        "url": lambda w: f"/care/handovers/{w.handover2.pk}/",
        "methods": ["get", "post"],
        "object": True,
    },
    "care_handover_signature": {
        "url": lambda w: f"/care/handovers/{w.handover2.pk}/signature/",
        "methods": ["get"],
        "object": True,
        "no_file": True,
    },
    "api:care_api_visits": {"url": lambda w: "/api/v1/visits", "methods": ["get"], "api": True},
    "api:care_api_visit_create": {"url": lambda w: "/api/v1/visits", "methods": ["post"], "api": True},
    "api:care_api_visit": {
        "url": lambda w: f"/api/v1/visits/{w.visit2.pk}",
        "methods": ["get"],
        "api": True,
        "object": True,
    },
    "api:care_api_deliveries": {
        "url": lambda w: "/api/v1/service-deliveries",
        "methods": ["get"],
        "api": True,
    },
    "api:care_api_delivery_create": {
        "url": lambda w: "/api/v1/service-deliveries",
        "methods": ["post"],
        "api": True,
    },
    "api:care_api_delivery": {
        "url": lambda w: f"/api/v1/service-deliveries/{w.delivery2.pk}",
        "methods": ["get"],
        "api": True,
        "object": True,
    },
}


def _counts():
    return (
        Visit.objects.count(),
        SupportMember.objects.count(),
        ServiceDelivery.objects.count(),
        MaterialHandover.objects.filter(delivered_on__isnull=False).count(),
        RectificationTask.objects.count(),
    )


@pytest.mark.routes(without=("api",))
def test_anonymous_users_are_sent_to_login(client, access, loop, route):
    access.expect_login(client, route, loop)


@pytest.mark.routes("api")
def test_anonymous_api_calls_get_401(client, access, loop, route):
    access.expect(client, route, loop, status=401)


@pytest.mark.routes("object")
def test_town1_gets_404_for_town2_records(login, access, loop, route):
    before = _counts()
    access.expect(login(loop.world.users.town1), route, loop, status=404)
    assert _counts() == before


@pytest.mark.routes("object", without=("no_file",))
def test_town2_and_the_county_reach_the_same_records(login, access, loop, route):
    for user in (loop.world.users.town2, loop.world.users.county):
        access.expect_get(login(user), route, loop)


@pytest.mark.routes(without=("object", "api"))
def test_list_pages_answer_clerks_or_refuse_by_role(login, access, loop, route):
    """Pages without an object: 200 for the clerk (or 403 where the role lacks the capability)."""
    refused = access.routes[route].get("cap") or access.routes[route].get("staff")
    access.expect_get(login(loop.world.users.town1), route, loop, status=403 if refused else 200)


def test_lists_leave_out_other_townships(login, loop):
    client = login(loop.world.users.town1)
    for url in ("/care/visits/", "/care/home-support/all/home/", "/care/services/", "/care/materials/"):
        page = client.get(url).content.decode()
        assert "走访对象2" not in page and "服务中心2" not in page, url
    assert "走访对象2" not in client.get(f"/care/materials/{loop.batch1.pk}/").content.decode()
    data = client.get("/api/v1/visits").json()
    assert {v["person"] for v in data} == {loop.p1.pk}


def test_provider_staff_see_only_their_contracts_persons(login, loop, lf):
    """Provider staff of town1 record deliveries for their own orders; another provider's order
    — even one in their own township — is 404 on the page and the API."""
    from doudi.care import services as svc

    w = loop.world
    other = svc.provider_create(actor=w.users.town1, region=w.t1, name="别的机构")
    import datetime as dt

    c = svc.contract_create(
        actor=w.users.town1,
        provider=other,
        region=w.t1,
        number="X-1",
        start_on=loop.today.replace(day=1),
        end_on=loop.today + dt.timedelta(days=300),
    )
    neighbour = lf.person(w.v1b, "邻村老人", capacity="full")
    svc.budget_set(actor=w.users.town1, person=neighbour, contract=c, monthly_amount=100)
    foreign = svc.order_create(
        actor=w.users.town1,
        person=neighbour,
        contract=c,
        month=loop.today,
        kind="laundry",
        times=1,
        unit_price=20,
    )
    client = login(loop.staff1)
    page = client.get("/care/deliveries/").content.decode()
    assert "走访对象1" in page and "邻村老人" not in page
    assert client.get(f"/care/orders/{foreign.pk}/deliver/").status_code == 404
    assert client.post(f"/care/orders/{foreign.pk}/deliver/", {"done": "x"}).status_code == 404
    r = client.post(
        "/api/v1/service-deliveries", {"order": foreign.pk, "done": "洗衣"}, content_type="application/json"
    )
    assert r.status_code == 404
    assert not ServiceDelivery.objects.filter(order=foreign).exists()
    # their own order works, on the page and through the API
    r = client.post(
        "/api/v1/service-deliveries",
        {"order": loop.order1.pk, "done": "擦窗"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert {d["order"] for d in client.get("/api/v1/service-deliveries").json()} == {loop.order1.pk}
    # and nothing else of the care pages
    for url in ("/care/visits/", f"/care/persons/{loop.p1.pk}/support/", "/care/services/", "/api/v1/visits"):
        assert client.get(url).status_code == 403, url
