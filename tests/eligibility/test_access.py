"""Access matrix for the eligibility routes (DESIGN.md promise 1).

ROUTES maps every eligibility URL name to a function building the URL of town2's record (or the
page itself), the methods it answers, and flags: "object" — town1 must get 404 on every method;
"api" — anonymous callers get 401; "cap" — county-only (town1 gets 403).
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from doudi.eligibility import services
from doudi.eligibility.views import ACTIONS

FACTS = {"monthly_income": "200", "assets_within_limit": True, "supporters": []}


def days_ago(n):
    return dt.date.today() - dt.timedelta(days=n)


def _action(name):
    return {
        "url": lambda w: f"/eligibility/cases/{w.case2.pk}/{name}/",
        "methods": ["get", "post"],
        "object": True,
    }


ROUTES = {
    "elig_worklist": {"url": lambda w: "/eligibility/", "methods": ["get"]},
    "elig_application_new": {"url": lambda w: "/eligibility/applications/new/", "methods": ["get", "post"]},
    "elig_evaluate": {"url": lambda w: "/eligibility/evaluate/", "methods": ["post"]},
    "elig_case": {"url": lambda w: f"/eligibility/cases/{w.case2.pk}/", "methods": ["get"], "object": True},
    "elig_case_action": _action("accept"),
    "elig_document": {
        "url": lambda w: f"/eligibility/documents/{w.doc2.pk}/",
        "methods": ["get"],
        "object": True,
    },
    "elig_person": {"url": lambda w: f"/eligibility/persons/{w.p2.pk}/", "methods": ["get"], "object": True},
    "elig_assessment_new": {
        "url": lambda w: f"/eligibility/persons/{w.p2.pk}/assess/",
        "methods": ["get", "post"],
        "object": True,
    },
    "elig_review_new": {
        "url": lambda w: f"/eligibility/persons/{w.p2.pk}/review/",
        "methods": ["get", "post"],
        "object": True,
    },
    "elig_termination_new": {
        "url": lambda w: f"/eligibility/persons/{w.p2.pk}/terminate/",
        "methods": ["get", "post"],
        "object": True,
    },
    "elig_dynamic": {"url": lambda w: "/eligibility/dynamic-review/", "methods": ["get"], "cap": True},
    "elig_settings": {"url": lambda w: "/eligibility/settings/", "methods": ["get", "post"], "cap": True},
    "elig_calendar": {"url": lambda w: "/eligibility/calendar/", "methods": ["get", "post"], "cap": True},
    "api:elig_evaluate": {"url": lambda w: "/api/v1/eligibility/evaluate", "methods": ["post"], "api": True},
    "api:elig_person_decisions": {
        "url": lambda w: f"/api/v1/persons/{w.p2.pk}/decisions",
        "methods": ["get"],
        "api": True,
        "object": True,
    },
    "api:elig_person_assessments": {
        "url": lambda w: f"/api/v1/persons/{w.p2.pk}/assessments",
        "methods": ["get"],
        "api": True,
        "object": True,
    },
}


@pytest.fixture
def w(world, elig):
    world.p2 = elig.active2
    world.case2 = services.application_record(
        actor=world.users.town2, person=elig.old2, received_on=days_ago(3), facts=FACTS
    )
    world.doc2 = services.document_add(
        actor=world.users.town2,
        case=world.case2,
        uploaded_file=SimpleUploadedFile("申请书.pdf", b"%PDF-1.4 test"),
        title="申请书",
    )
    return world


@pytest.mark.routes(without=("api",))
def test_anonymous_users_are_sent_to_login(client, access, w, route):
    access.expect_login(client, route, w)


@pytest.mark.routes("api")
def test_anonymous_api_calls_get_401(client, access, w, route):
    access.expect(client, route, w, status=401, data={"facts": {}})


@pytest.mark.routes("object")
def test_town1_gets_404_for_town2_objects(login, access, w, route):
    access.expect(login(w.users.town1), route, w, status=404, data={"facts": {}})


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_town1_gets_404_on_every_action_of_a_town2_case(login, w, action):
    client = login(w.users.town1)
    url = f"/eligibility/cases/{w.case2.pk}/{action}/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"on": "2026-01-01"}).status_code == 404


@pytest.mark.routes("object")
def test_county_sees_town2_objects(login, access, w, route):
    access.expect_get(login(w.users.county), route, w)


@pytest.mark.routes("cap")
def test_clerks_get_403_for_county_pages(login, access, w, route):
    access.expect(login(w.users.town1), route, w, status=403, data={"facts": {}})


def test_village_staff_may_read_but_not_act(login, w, elig):
    client = login(w.users.village1)
    assert client.get(f"/eligibility/persons/{elig.old1.pk}/").status_code == 200
    assert client.get(f"/eligibility/persons/{elig.old1.pk}/assess/").status_code == 403
    assert client.get("/eligibility/applications/new/").status_code == 403


def test_a_town1_clerk_gets_403_for_the_county_decision_on_their_own_case(login, w, elig):
    case = services.application_record(
        actor=w.users.town1, person=elig.old1, received_on=days_ago(3), facts=FACTS
    )
    client = login(w.users.town1)
    assert client.get(f"/eligibility/cases/{case.pk}/decide/").status_code == 403
    assert client.get(f"/eligibility/cases/{case.pk}/").status_code == 200


def test_town2_document_downloads_for_its_own_clerk(login, w):
    response = login(w.users.town2).get(f"/eligibility/documents/{w.doc2.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_worklist_lists_only_the_own_township(login, w, elig):
    services.application_record(actor=w.users.town1, person=elig.old1, received_on=days_ago(3), facts=FACTS)
    body = login(w.users.town1).get("/eligibility/").content.decode()
    assert elig.old1.name in body and elig.old2.name not in body
    county_body = login(w.users.county).get("/eligibility/").content.decode()
    assert elig.old1.name in county_body and elig.old2.name in county_body


def test_evaluate_refuses_a_village_outside_the_area(login, w):
    from doudi.registry.idcard import make_id_number

    response = login(w.users.town1).post(
        "/eligibility/evaluate/",
        {
            "a-id_number": make_id_number("990121", dt.date(1950, 1, 1), 5),
            "a-village": w.v2.code,
            **_empty_formset(),
        },
    )
    assert response.status_code == 200 and "请选择户籍所在村" in response.content.decode()


def _empty_formset():
    return {"s-TOTAL_FORMS": "0", "s-INITIAL_FORMS": "0", "s-MIN_NUM_FORMS": "0", "s-MAX_NUM_FORMS": "6"}


def test_document_downloads_are_logged_and_need_the_full_id_right(login, w):
    from doudi.core.models import AuditEntry

    before = AuditEntry.objects.filter(action="export").count()
    assert login(w.users.town2).get(f"/eligibility/documents/{w.doc2.pk}/").status_code == 200
    entry = AuditEntry.objects.filter(action="export").order_by("-seq").first()
    assert AuditEntry.objects.filter(action="export").count() == before + 1
    assert entry.actor_username == "town2" and entry.extra["case"] == w.doc2.case_id
    # the county inspector may view persons but not full ID numbers: no download
    assert login(w.users.inspector).get(f"/eligibility/documents/{w.doc2.pk}/").status_code == 403
