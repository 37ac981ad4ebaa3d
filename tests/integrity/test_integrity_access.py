"""Access matrix for every integrity route: anonymous users, another township, another unit (the
reported unit's own staff: conflict of interest), forged ids. Each "object" route is called for a
record of town2 (report r2 about town2's branch, the branch's form e2, the finding f2)."""

import pytest

from doudi.integrity.models import Campaign, CampaignUnit, Finding, Report

PUBLIC = {"public": True}
ROUTES = {
    # Public pages: no login by design (tested in test_reports.py).
    "integrity_public_new": {"url": lambda u: "/integrity/report/", "methods": ["get"], **PUBLIC},
    "integrity_public_kept": {"url": lambda u: "/integrity/report/kept/", "methods": ["post"], **PUBLIC},
    "integrity_public_slip": {"url": lambda u: "/integrity/report/slip/", "methods": ["post"], **PUBLIC},
    "integrity_public_follow": {"url": lambda u: "/integrity/report/follow/", "methods": ["get"], **PUBLIC},
    "api:integrity_api_file": {
        "url": lambda u: "/api/v1/integrity/reports/file",
        "methods": ["post"],
        **PUBLIC,
    },
    "api:integrity_api_follow": {
        "url": lambda u: "/api/v1/integrity/reports/follow",
        "methods": ["post"],
        **PUBLIC,
    },
    "api:integrity_api_follow_message": {
        "url": lambda u: "/api/v1/integrity/reports/follow/message",
        "methods": ["post"],
        **PUBLIC,
    },
    # Reports (kind "report": town1's 受理 and the reported company's staff get 404).
    "integrity_reports": {"url": lambda u: "/integrity/reports/", "methods": ["get"]},
    "integrity_report_stats": {"url": lambda u: "/integrity/reports/statistics/", "methods": ["get"]},
    "integrity_settings": {"url": lambda u: "/integrity/reports/settings/", "methods": ["get", "post"]},
    "integrity_report": {
        "url": lambda u: f"/integrity/reports/{u.r2.pk}/",
        "methods": ["get"],
        "report": True,
    },
    "integrity_report_register": {
        "url": lambda u: f"/integrity/reports/{u.r2.pk}/register/",
        "methods": ["post"],
        "report": True,
    },
    "integrity_report_assign": {
        "url": lambda u: f"/integrity/reports/{u.r2.pk}/assign/",
        "methods": ["post"],
        "report": True,
    },
    "integrity_report_extend": {
        "url": lambda u: f"/integrity/reports/{u.r2.pk}/extend/",
        "methods": ["post"],
        "report": True,
    },
    "integrity_report_note": {
        "url": lambda u: f"/integrity/reports/{u.r2.pk}/note/",
        "methods": ["post"],
        "report": True,
    },
    "integrity_report_reply": {
        "url": lambda u: f"/integrity/reports/{u.r2.pk}/reply/",
        "methods": ["post"],
        "report": True,
    },
    "integrity_report_answer": {
        "url": lambda u: f"/integrity/reports/{u.r2.pk}/answer/",
        "methods": ["post"],
        "report": True,
    },
    "integrity_report_rectify": {
        "url": lambda u: f"/integrity/reports/{u.r2.pk}/rectify/",
        "methods": ["post"],
        "report": True,
    },
    "integrity_report_identity": {
        "url": lambda u: f"/integrity/reports/{u.r2.pk}/identity/",
        "methods": ["post"],
        "report": True,
    },
    "integrity_report_file": {
        "url": lambda u: f"/integrity/reports/{u.r2.pk}/files/{u.file2.pk}/",
        "methods": ["get"],
        "report": True,
    },
    "api:integrity_api_reports": {
        "url": lambda u: "/api/v1/integrity/reports",
        "methods": ["get"],
        "api": True,
    },
    "api:integrity_api_report": {
        "url": lambda u: f"/api/v1/integrity/reports/{u.r2.pk}",
        "methods": ["get"],
        "api": True,
        "report": True,
    },
    # Campaigns (run at the county: a township's discipline inspector gets 404).
    "integrity_campaigns": {"url": lambda u: "/integrity/campaigns/", "methods": ["get", "post"]},
    "integrity_campaign": {
        "url": lambda u: f"/integrity/campaigns/{u.campaign.pk}/",
        "methods": ["get"],
        "campaign": True,
    },
    "integrity_campaign_select": {
        "url": lambda u: f"/integrity/campaigns/{u.campaign.pk}/select/",
        "methods": ["post"],
        "campaign": True,
    },
    "integrity_campaign_docx": {
        "url": lambda u: f"/integrity/campaigns/{u.campaign.pk}/summary.docx",
        "methods": ["get"],
        "campaign": True,
    },
    "integrity_campaign_xlsx": {
        "url": lambda u: f"/integrity/campaigns/{u.campaign.pk}/summary.xlsx",
        "methods": ["get"],
        "campaign": True,
    },
    "integrity_entry_selection": {
        "url": lambda u: f"/integrity/entries/{u.e2.pk}/selection/",
        "methods": ["post"],
        "campaign": True,
        "entry": True,
    },
    "integrity_finding_new": {
        "url": lambda u: f"/integrity/entries/{u.e2.pk}/findings/",
        "methods": ["post"],
        "campaign": True,
        "entry": True,
    },
    "integrity_finding": {
        "url": lambda u: f"/integrity/findings/{u.f2.pk}/",
        "methods": ["get"],
        "campaign": True,
    },
    "integrity_finding_rectify": {
        "url": lambda u: f"/integrity/findings/{u.f2.pk}/rectify/",
        "methods": ["post"],
        "campaign": True,
    },
    "integrity_finding_transfer": {
        "url": lambda u: f"/integrity/findings/{u.f2.pk}/transfer/",
        "methods": ["post"],
        "campaign": True,
    },
    "integrity_my_forms": {"url": lambda u: "/integrity/forms/", "methods": ["get"]},
    "integrity_entry": {
        "url": lambda u: f"/integrity/forms/{u.e2.pk}/",
        "methods": ["get", "post"],
        "entry": True,
        "campaign": True,
    },
    "integrity_entry_template": {
        "url": lambda u: f"/integrity/forms/{u.e2.pk}/template.xlsx",
        "methods": ["get"],
        "entry": True,
        "campaign": True,
    },
    "api:integrity_api_campaigns": {
        "url": lambda u: "/api/v1/integrity/campaigns",
        "methods": ["get"],
        "api": True,
    },
    "api:integrity_api_campaign": {
        "url": lambda u: f"/api/v1/integrity/campaigns/{u.campaign.pk}",
        "methods": ["get"],
        "api": True,
        "campaign": True,
    },
    "api:integrity_api_entries": {
        "url": lambda u: f"/api/v1/integrity/campaigns/{u.campaign.pk}/units",
        "methods": ["get"],
        "api": True,
        "campaign": True,
    },
    "api:integrity_api_select": {
        "url": lambda u: f"/api/v1/integrity/campaigns/{u.campaign.pk}/selection",
        "methods": ["post"],
        "api": True,
        "campaign": True,
    },
    "api:integrity_api_forms": {"url": lambda u: "/api/v1/integrity/forms", "methods": ["get"], "api": True},
    "api:integrity_api_form": {
        "url": lambda u: f"/api/v1/integrity/forms/{u.e2.pk}",
        "methods": ["put"],
        "api": True,
        "entry": True,
        "campaign": True,
    },
}

DATA = {
    "reason": "x",
    "text": "x",
    "outcome": "true",
    "reply": "x",
    "add": "1",
    "description": "x",
    "found_by": "self",
    "amount": "1",
    "on": "2026-01-01",
    "head_name": "x",
    "signed_on": "2026-01-01",
    "lines": [],
}


@pytest.fixture
def w(iw):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from doudi.integrity import services

    services.report_reporter_message(
        report=iw.r2, text="证据", files=[SimpleUploadedFile("a.pdf", b"%PDF-1.4 test", "application/pdf")]
    )
    iw.file2 = iw.r2.attachments.get()
    return iw


def _unchanged(w):
    r2 = Report.objects.get(pk=w.r2.pk)
    assert r2.status == "received" and not r2.number and r2.messages.filter(author__isnull=False).count() == 0
    e2 = CampaignUnit.objects.get(pk=w.e2.pk)
    assert e2.submitted_at is None and not e2.manual
    assert Finding.objects.filter(entry=w.e2).count() == 1
    f2 = Finding.objects.get(pk=w.f2.pk)
    assert f2.task_id is None and f2.transferred_amount is None


@pytest.mark.routes(without=("api", "public"))
def test_anonymous_users_are_sent_to_login(client, w, access, route):
    access.expect_login(client, route, w)


@pytest.mark.routes("api", without=("public",))
def test_anonymous_api_calls_get_401(client, w, access, route):
    access.expect(client, route, w, status=401)


@pytest.mark.routes("report")
def test_another_townships_handler_and_the_reported_units_staff_get_404(login, w, access, route):
    for user in (w.handler_t1, w.conflicted):
        for method, response in access.answers(login(user), route, w, data=DATA).items():
            assert response.status_code == 404, (route, method, user)
    _unchanged(w)
    if "get" in ROUTES[route]["methods"]:  # town2's 受理 sees it
        access.expect_get(login(w.handler_t2), route, w)


@pytest.mark.routes("campaign")
def test_a_townships_discipline_inspector_gets_404_for_the_county_campaign(login, w, access, route):
    access.expect(login(w.handler_t1), route, w, status=404, data=DATA)
    _unchanged(w)


@pytest.mark.routes("entry")
def test_another_units_finance_officer_gets_404(login, w, access, route):
    # The campaign runners' routes refuse a finance officer's role before any lookup (403).
    expected = {403, 404} if "/entries/" in access.url(route, w) else {404}
    for method, response in access.answers(login(w.unit1), route, w, data=DATA).items():
        assert response.status_code in expected, (route, method, response.status_code)
    _unchanged(w)


@pytest.mark.parametrize(
    "url",
    [
        "/integrity/reports/999999/",
        "/integrity/reports/999999/register/",
        "/integrity/campaigns/999999/",
        "/integrity/findings/999999/",
        "/integrity/forms/999999/",
        "/api/v1/integrity/reports/999999",
        "/api/v1/integrity/campaigns/999999",
    ],
)
def test_forged_ids_get_404(login, w, url):
    client = login(w.runner if "campaign" in url or "finding" in url or "forms" in url else w.handler)
    response = client.post(url) if url.endswith("register/") else client.get(url)
    assert response.status_code == 404


def test_the_file_of_another_report_is_404(login, w):
    url = f"/integrity/reports/{w.r1.pk}/files/{w.file2.pk}/"
    assert login(w.handler).get(url).status_code == 404


def test_unit_officers_see_only_their_own_forms_and_no_reports(login, w):
    client = login(w.unit1)
    page = client.get("/integrity/forms/").content.decode()
    assert w.b1.name in page and w.b2.name not in page
    assert client.get("/integrity/reports/").status_code == 403
    assert client.get("/integrity/campaigns/").status_code == 403
    assert client.get(f"/integrity/forms/{w.e1.pk}/").status_code == 200


def test_the_runners_see_the_campaign(login, w):
    assert login(w.runner).get(f"/integrity/campaigns/{w.campaign.pk}/").status_code == 200
    # The company's own staff run their company's campaign (their unit's subtree).
    assert login(w.conflicted).get(f"/integrity/campaigns/{w.campaign.pk}/").status_code == 200
    assert Campaign.objects.count() == 1


def test_only_the_county_administrator_sets_the_time_limits(login, w):
    from doudi.core.workdays import add_working_days
    from doudi.integrity import services
    from doudi.integrity.models import HandlingSettings

    for user in (w.world.users.town1, w.handler, w.unit1):
        assert (
            login(user)
            .post("/integrity/reports/settings/", {"register_days": 1, "handle_days": 5})
            .status_code
            == 403
        )
    client = login(w.world.users.county)
    assert client.get("/integrity/reports/settings/").status_code == 200
    r = client.post("/integrity/reports/settings/", {"register_days": 2, "handle_days": 15})
    assert r.status_code == 302
    assert HandlingSettings.objects.get(region=w.world.county).handle_days == 15
    report, _receipt = services.report_file(category="other", region=None, unit=w.b1, text="x")
    from django.utils import timezone

    assert report.register_by == add_working_days(timezone.localdate(), 2)
