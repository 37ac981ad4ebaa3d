"""Access matrix for the guardianship routes (DESIGN.md promise 1).

ROUTES maps every care URL name to a function building the URL of town2's record (or the page
itself), the methods it answers, and flags: "object" — town1 must get 404 on every method;
"api" — anonymous callers get 401; "cap" — only county administrators (Cap.EDIT_SETTINGS).
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from doudi.guardianship import services
from doudi.guardianship.models import Agreement, AgreementTemplate, Guardianship

ROUTES = {
    "care_coverage": {"url": lambda w: "/care/guardianship/", "methods": ["get"]},
    "care_coverage_list": {
        "url": lambda w: f"/care/guardianship/{w.t2.code}/need/",
        "methods": ["get"],
        "object": True,
    },
    "care_person": {
        "url": lambda w: f"/care/persons/{w.p2.pk}/guardianship/",
        "methods": ["get"],
        "object": True,
    },
    "care_candidate_add": {
        "url": lambda w: f"/care/persons/{w.p2.pk}/guardianship/candidates/new/",
        "methods": ["get", "post"],
        "object": True,
    },
    "care_confirm": {
        "url": lambda w: f"/care/persons/{w.p2.pk}/guardianship/confirm/",
        "methods": ["post"],
        "object": True,
    },
    "care_replacement_new": {
        "url": lambda w: f"/care/persons/{w.p2.pk}/guardianship/replace/",
        "methods": ["get", "post"],
        "object": True,
    },
    "care_agreement_new": {
        "url": lambda w: f"/care/persons/{w.p2.pk}/agreements/new/",
        "methods": ["get", "post"],
        "object": True,
    },
    "care_candidate_edit": {
        "url": lambda w: f"/care/candidates/{w.nephew2.pk}/",
        "methods": ["get", "post"],
        "object": True,
    },
    "care_candidate_delete": {
        "url": lambda w: f"/care/candidates/{w.spare2.pk}/delete/",
        "methods": ["post"],
        "object": True,
    },
    "care_consent_add": {
        "url": lambda w: f"/care/candidates/{w.nephew2.pk}/consent/",
        "methods": ["get", "post"],
        "object": True,
    },
    "care_consent_document": {
        "url": lambda w: f"/care/consents/{w.consent2.pk}/document/",
        "methods": ["get"],
        "object": True,
    },
    "care_reminders": {"url": lambda w: "/care/agreements/expiring/", "methods": ["get"]},
    "care_agreement": {
        "url": lambda w: f"/care/agreements/{w.a2.pk}/",
        "methods": ["get", "post"],
        "object": True,
    },
    "care_agreement_generate": {
        "url": lambda w: f"/care/agreements/{w.a2.pk}/generate/",
        "methods": ["post"],
        "object": True,
    },
    "care_agreement_sign": {
        "url": lambda w: f"/care/agreements/{w.a2.pk}/sign/",
        "methods": ["post"],
        "object": True,
    },
    "care_agreement_renew": {
        "url": lambda w: f"/care/agreements/{w.a2.pk}/renew/",
        "methods": ["post"],
        "object": True,
    },
    "care_agreement_file": {
        "url": lambda w: f"/care/agreements/{w.a2.pk}/file/docx/",
        "methods": ["get"],
        "object": True,
    },
    "care_replacement": {
        "url": lambda w: f"/care/replacements/{w.case2.pk}/",
        "methods": ["get", "post"],
        "object": True,
    },
    "care_templates": {
        "url": lambda w: "/care/agreement-templates/",
        "methods": ["get", "post"],
        "cap": True,
    },
    "care_template_preview": {
        "url": lambda w: "/care/agreement-templates/default/",
        "methods": ["get"],
        "cap": True,
    },
    "care_template_file": {
        "url": lambda w: "/care/agreement-templates/default/file/sample.docx",
        "methods": ["get"],
        "cap": True,
    },
    "care_template_deactivate": {
        "url": lambda w: f"/care/agreement-templates/{w.template.pk}/deactivate/",
        "methods": ["post"],
        "cap": True,
    },
    "api:care_person_guardianship": {
        "url": lambda w: f"/api/v1/persons/{w.p2.pk}/guardianship",
        "methods": ["get"],
        "api": True,
        "object": True,
    },
    "api:care_person_agreements": {
        "url": lambda w: f"/api/v1/persons/{w.p2.pk}/agreements",
        "methods": ["get"],
        "api": True,
        "object": True,
    },
    "api:care_propose": {"url": lambda w: "/api/v1/guardianship/propose", "methods": ["post"], "api": True},
}


@pytest.fixture
def w(world, f):
    """Town2's ward with every kind of guardianship record; a template of the county."""
    clerk = world.users.town2
    p2 = f.person(world.v2, "李长根")
    son = f.candidate(p2, "child", "李建国", relation="长子")
    world.nephew2 = f.candidate(p2, "individual", "李小虎")
    world.spare2 = f.candidate(p2, "other_relative", "李四", able=False)
    world.consent2 = services.consent_record(
        actor=clerk,
        candidate=world.nephew2,
        body="village_committee",
        body_name="",
        granted=True,
        decided_on=dt.date.today(),
        document=SimpleUploadedFile("consent.pdf", f.PDF, "application/pdf"),
    )
    g = services.guardianship_confirm(actor=clerk, person=p2)
    assert g.candidate == son
    world.a2 = services.agreement_create(actor=clerk, guardianship=g, **f.terms())
    services.agreement_generate(actor=clerk, agreement=world.a2)
    world.case2 = services.replacement_start(
        actor=clerk, guardianship=g, ground="guardian_died", facts="长子因病去世"
    )
    world.p2 = p2
    from doudi.guardianship.agreement_template import DEFAULT_PATH

    world.template = services.template_upload(
        actor=world.users.county,
        uploaded_file=SimpleUploadedFile("county.docx", DEFAULT_PATH.read_bytes()),
        name="安和县模板",
    )
    return world


@pytest.mark.routes(without=("api",))
def test_anonymous_users_are_sent_to_login(client, access, w, route):
    access.expect_login(client, route, w)


@pytest.mark.routes("api")
def test_anonymous_api_calls_get_401(client, access, w, route):
    access.expect(client, route, w, status=401)


@pytest.mark.routes("object")
def test_town1_gets_404_for_a_town2_persons_guardianship(login, access, w, route):
    access.expect(login(w.users.town1), route, w, status=404)
    # and nothing changed
    assert Guardianship.objects.get(person=w.p2).status == "active"
    assert Agreement.objects.get(pk=w.a2.pk).status == "generated"


@pytest.mark.routes("object")
def test_town2_and_the_county_reach_the_same_records(login, access, w, route):
    for user in (w.users.town2, w.users.county):
        access.expect_get(login(user), route, w)


@pytest.mark.routes("cap")
def test_clerks_get_403_for_template_pages(login, access, w, route):
    access.expect(login(w.users.town1), route, w, status=403)


def test_an_administrator_of_another_county_cannot_reach_this_countys_template(login, w, make):
    other = make.region("990122000000", "邻县", 3, w.city)
    admin2 = make.user("admin2", other, ["county_admin"])
    client = login(admin2)
    assert client.get(f"/care/agreement-templates/{w.template.pk}/").status_code == 404
    assert client.post(f"/care/agreement-templates/{w.template.pk}/deactivate/").status_code == 404
    assert client.get(f"/care/agreement-templates/{w.template.pk}/file/original").status_code == 404
    assert AgreementTemplate.objects.get(pk=w.template.pk).is_active


def test_lists_and_api_leave_out_other_townships(login, w, f):
    f.person(w.v1b, "张福生")
    client = login(w.users.town1)
    page = client.get("/care/guardianship/").content.decode()
    assert w.t1.name in page and w.t2.name not in page
    assert "李长根" not in client.get("/care/guardianship/all/need/").content.decode()
    assert "李长根" not in client.get("/care/agreements/expiring/").content.decode()
