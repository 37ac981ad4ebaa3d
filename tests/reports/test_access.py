"""Access matrix for the reports (DESIGN.md promise 1): town1 gets 404 for town2's month on every
route that names a region or a report; anonymous users are sent to the login page."""

import datetime as dt

import pytest

from doudi.reports import services
from doudi.reports.models import MonthReport

MONTH = dt.date(2026, 10, 1)  # the month tests/reports/conftest.py builds

M = "month=2026-10"

ROUTES = {
    "reports_monthly": {
        "url": lambda w: f"/reports/monthly/?region={w.t2.code}&{M}",
        "methods": ["get"],
        "object": True,
    },
    "reports_list": {
        "url": lambda w: f"/reports/monthly/list/?region={w.t2.code}&{M}&key=total",
        "methods": ["get"],
        "object": True,
    },
    "reports_export": {
        "url": lambda w: f"/reports/monthly/export.xlsx?region={w.t2.code}&{M}",
        "methods": ["get"],
        "object": True,
    },
    "reports_closing": {
        "url": lambda w: f"/reports/closing/?region={w.t2.code}&{M}",
        "methods": ["get"],
        "object": True,
    },
    "reports_submit": {
        "url": lambda w: f"/reports/closing/submit/?region={w.t2.code}&{M}",
        "methods": ["post"],
        "object": True,
    },
    "reports_close": {
        "url": lambda w: f"/reports/closing/close/?region={w.county.code}&{M}",
        "methods": ["post"],
        "object": True,
    },
    "reports_report": {
        "url": lambda w: f"/reports/closing/{w.report2.pk}/",
        "methods": ["get"],
        "object": True,
    },
    "reports_return": {
        "url": lambda w: f"/reports/closing/{w.report2.pk}/return/",
        "methods": ["post"],
        "object": True,
    },
    "reports_dashboard_data": {"url": lambda w: "/reports/dashboard.json", "methods": ["get"]},
    "reports_map": {"url": lambda w: "/reports/map/", "methods": ["get"]},
    "reports_map_data": {"url": lambda w: "/reports/map/data.json?key=total", "methods": ["get"]},
    "reports_map_upload": {"url": lambda w: "/reports/map/upload/", "methods": ["post"]},
    "api:reports_api_monthly": {
        "url": lambda w: f"/api/v1/reports/monthly?region={w.t2.code}&{M}",
        "methods": ["get"],
        "object": True,
        "api": True,
    },
}


@pytest.fixture
def rw(month_data):
    w = month_data.world
    w.report2 = services.report_submit(actor=w.users.town2, township=w.t2, month=MONTH)
    return w


@pytest.mark.routes(without=("api",))
def test_anonymous_users_are_sent_to_login(client, access, rw, route):
    access.expect_login(client, route, rw)


def test_anonymous_api_calls_get_401(client, rw):
    assert client.get(ROUTES["api:reports_api_monthly"]["url"](rw)).status_code == 401


@pytest.mark.routes("object")
def test_town1_gets_404_for_town2s_month(login, access, rw, route):
    access.expect(login(rw.users.town1), route, rw, status=404, data={"comment": "x"})
    assert MonthReport.objects.get(pk=rw.report2.pk).status == "submitted"
    assert not MonthReport.objects.filter(region=rw.t2, version__gt=1).exists()


@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if "get" in r["methods"]))
def test_the_county_sees_every_page(login, rw, name):
    assert login(rw.users.county).get(ROUTES[name]["url"](rw)).status_code == 200


def test_a_clerk_sees_only_their_township_and_cannot_close(login, rw):
    client = login(rw.users.town1)
    page = client.get(f"/reports/monthly/?{M}").content.decode()
    assert "青石镇" in page and "柳河镇" not in page
    assert client.get(f"/reports/closing/?region={rw.t1.code}&{M}").status_code == 200
    assert client.get(f"/reports/closing/?region={rw.county.code}&{M}").status_code == 404
    data = client.get("/reports/map/data.json?key=total").json()
    assert {p["code"] for p in data["points"]} <= {rw.v1.code, rw.v1b.code}
    # Village staff may read; only the township clerk submits.
    r = login(rw.users.village1).post(f"/reports/closing/submit/?region={rw.t1.code}&{M}")
    assert r.status_code in (403, 404)
    assert not MonthReport.objects.filter(region=rw.t1).exists()


def test_the_county_sends_back_and_closes_through_the_pages(login, rw):
    client = login(rw.users.town1)
    client.post("/reports/closing/submit/", {"region": rw.t1.code, "month": "2026-10"})
    county = login(rw.users.county)
    page = county.get(f"/reports/closing/?region={rw.county.code}&{M}").content.decode()
    assert "2 / 2" in page or page.count("data-township=") == 2
    county.post(f"/reports/closing/{rw.report2.pk}/return/", {"comment": "请核对"})
    assert MonthReport.objects.get(pk=rw.report2.pk).status == "returned"
    login(rw.users.town2).post("/reports/closing/submit/", {"region": rw.t2.code, "month": "2026-10"})
    county = login(rw.users.county)
    county.post("/reports/closing/close/", {"region": rw.county.code, "month": "2026-10"})
    assert MonthReport.objects.get(region=rw.county, month=MONTH).status == "closed"
