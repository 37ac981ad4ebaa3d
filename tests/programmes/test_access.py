"""Access matrix for pilot plans: every route, anonymous, another county, another township, another unit."""

import pytest

from doudi.programmes.models import Evaluation, LedgerRow, LedgerTemplate, Plan, Report, Task

ROUTES = {
    "programmes_plans": {"url": lambda w: "/programmes/", "methods": ["get"]},
    "programmes_import": {"url": lambda w: "/programmes/import/", "methods": ["get", "post"]},
    "programmes_import_xlsx": {"url": lambda w: "/programmes/import/xlsx/", "methods": ["get", "post"]},
    "programmes_import_template": {"url": lambda w: "/programmes/import/template.xlsx", "methods": ["get"]},
    "programmes_worklist": {"url": lambda w: "/programmes/worklist/", "methods": ["get"]},
    "programmes_tasks": {"url": lambda w: "/programmes/tasks/", "methods": ["get"]},
    "programmes_task": {
        "url": lambda w: f"/programmes/tasks/{w.task_t2.pk}/",
        "methods": ["get"],
        "object": True,
    },
    "programmes_task_report": {
        "url": lambda w: f"/programmes/tasks/{w.task_t2.pk}/report/",
        "methods": ["get", "post"],
        "object": True,
    },
    "programmes_task_edit": {
        "url": lambda w: f"/programmes/tasks/{w.task_t2.pk}/edit/",
        "methods": ["get", "post"],
        "object": True,
        "manage": True,
    },
    "programmes_task_complete": {
        "url": lambda w: f"/programmes/tasks/{w.task_t2.pk}/complete/",
        "methods": ["post"],
        "object": True,
        "manage": True,
    },
    "programmes_task_evaluate": {
        "url": lambda w: f"/programmes/tasks/{w.task_t2.pk}/evaluate/",
        "methods": ["post"],
        "object": True,
        "manage": True,
    },
    "programmes_report_file": {
        "url": lambda w: f"/programmes/files/report/{w.report_file.pk}/",
        "methods": ["get"],
        "object": True,
    },
    "programmes_ledger_file": {
        "url": lambda w: f"/programmes/files/ledger/{w.ledger_file.pk}/",
        "methods": ["get"],
        "object": True,
    },
    "programmes_plan": {"url": lambda w: f"/programmes/{w.small.pk}/", "methods": ["get"], "object": True},
    "programmes_plan_toml": {
        "url": lambda w: f"/programmes/{w.small.pk}/plan.toml",
        "methods": ["get"],
        "object": True,
        "manage": True,
    },
    "programmes_plan_workbook": {
        "url": lambda w: f"/programmes/{w.small.pk}/plan.xlsx",
        "methods": ["get"],
        "object": True,
        "manage": True,
    },
    "programmes_plan_xlsx": {
        "url": lambda w: f"/programmes/{w.small.pk}/progress.xlsx",
        "methods": ["get"],
        "object": True,
    },
    "programmes_plan_docx": {
        "url": lambda w: f"/programmes/{w.small.pk}/summary.docx",
        "methods": ["get"],
        "object": True,
    },
    "programmes_plan_funding": {
        "url": lambda w: f"/programmes/{w.small.pk}/funding/",
        "methods": ["get", "post"],
        "object": True,
    },
    "programmes_plan_accept": {
        "url": lambda w: f"/programmes/{w.small.pk}/accept/",
        "methods": ["post"],
        "object": True,
        "manage": True,
    },
    "programmes_ledger_shipped": {
        "url": lambda w: f"/programmes/{w.small.pk}/ledgers/shipped/",
        "methods": ["post"],
        "object": True,
        "manage": True,
    },
    # 台账: a county's ledger is filled by its townships and villages, so they see it ("shared");
    # its rows are scoped (test_ledger_rows_stay_in_their_township); another county gets 404.
    "programmes_ledgers": {"url": lambda w: "/programmes/ledgers/", "methods": ["get"]},
    "programmes_ledger_new": {"url": lambda w: "/programmes/ledgers/new/", "methods": ["get", "post"]},
    "programmes_ledger": {
        "url": lambda w: f"/programmes/ledgers/{w.ledger.pk}/",
        "methods": ["get"],
        "object": True,
        "shared": True,
    },
    "programmes_ledger_row": {
        "url": lambda w: f"/programmes/ledgers/{w.ledger.pk}/rows/new/",
        "methods": ["get", "post"],
        "object": True,
        "shared": True,
    },
    "programmes_ledger_upload": {
        "url": lambda w: f"/programmes/ledgers/{w.ledger.pk}/upload/",
        "methods": ["get", "post"],
        "object": True,
        "shared": True,
    },
    "programmes_ledger_template": {
        "url": lambda w: f"/programmes/ledgers/{w.ledger.pk}/template.xlsx",
        "methods": ["get"],
        "object": True,
        "shared": True,
    },
    "programmes_ledger_export": {
        "url": lambda w: f"/programmes/ledgers/{w.ledger.pk}/export.xlsx",
        "methods": ["get"],
        "object": True,
        "shared": True,
    },
    "api:programmes_api_plans": {
        "url": lambda w: "/api/v1/programmes/plans",
        "methods": ["get"],
        "api": True,
    },
    "api:programmes_api_plan": {
        "url": lambda w: f"/api/v1/programmes/plans/{w.small.pk}",
        "methods": ["get"],
        "api": True,
        "object": True,
    },
    "api:programmes_api_tasks": {
        "url": lambda w: f"/api/v1/programmes/plans/{w.small.pk}/tasks",
        "methods": ["get"],
        "api": True,
        "object": True,
    },
    "api:programmes_api_plan_import": {
        "url": lambda w: "/api/v1/programmes/plan-imports",
        "methods": ["post"],
        "api": True,
    },
    "api:programmes_api_plan_workbook": {
        "url": lambda w: f"/api/v1/programmes/plans/{w.small.pk}/plan.xlsx",
        "methods": ["get"],
        "api": True,
        "object": True,
        "manage": True,
    },
    "api:programmes_api_ledger": {
        "url": lambda w: f"/api/v1/programmes/ledgers/{w.ledger.pk}",
        "methods": ["get"],
        "api": True,
        "object": True,
        "shared": True,
    },
}

DATA = {
    "on": "2026-05-01",
    "notes": "x",
    "kind": "final",
    "score": "90",
    "evaluator": "x",
    "evaluated_on": "2026-05-01",
    "who": "r:990121101000",
    "period": "2026-02",
    "text": "伪造",
}


def _unchanged(w):
    assert Task.objects.get(pk=w.task_t2.pk).completed_on is None
    assert Plan.objects.get(pk=w.small.pk).status == "active"
    assert not Evaluation.objects.exists()
    assert Report.objects.count() == 1
    assert LedgerRow.objects.count() == 1 and LedgerTemplate.objects.count() == 1


def _call(client, method, url):
    return client.post(url, DATA) if method == "post" else client.get(url)


@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if r.get("api")))
def test_anonymous_api_calls_get_401(client, pw, name):
    for method in ROUTES[name]["methods"]:
        assert _call(client, method, ROUTES[name]["url"](pw)).status_code == 401, (name, method)


def test_the_api_is_scoped(login, pw):
    client = login(pw.world.users.town1)
    assert {p["key"] for p in client.get("/api/v1/programmes/plans").json()} == {"sewage"}
    tasks = (
        login(pw.world.users.county).get(f"/api/v1/programmes/plans/{pw.small.pk}/tasks?on=2026-07-01").json()
    )
    one = next(t for t in tasks if t["number"] == "1")
    assert (
        one["status"] == "overdue" and one["targets"][0]["behind"] and one["targets"][0]["reported"] == "5.00"
    )


@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if not r.get("api")))
def test_anonymous_users_are_sent_to_login(client, pw, name):
    for method in ROUTES[name]["methods"]:
        r = _call(client, method, ROUTES[name]["url"](pw))
        assert r.status_code == 302 and r["Location"].startswith("/login/"), (name, method)


@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if r.get("object")))
def test_another_countys_officer_gets_404(login, pw, name):
    client = login(pw.county2)
    for method in ROUTES[name]["methods"]:
        assert _call(client, method, ROUTES[name]["url"](pw)).status_code == 404, (name, method)
    _unchanged(pw)


@pytest.mark.parametrize(
    "name", sorted(n for n, r in ROUTES.items() if r.get("object") and not r.get("shared"))
)
def test_town1_gets_404_for_town2s_task(login, pw, name):
    client = login(pw.world.users.town1)
    expected = (403, 404) if ROUTES[name].get("manage") else (404,)  # no right to manage at all: 403
    for method in ROUTES[name]["methods"]:
        assert _call(client, method, ROUTES[name]["url"](pw)).status_code in expected, (name, method)
    _unchanged(pw)


@pytest.mark.parametrize(
    "name", sorted(n for n, r in ROUTES.items() if r.get("object") and n.startswith("programmes_task"))
)
def test_another_units_staff_get_404_for_the_task(login, pw, name):
    # 民政局's officer sees the small plan (its task 2) but not task 1, which is 生态环境局's.
    client = login(pw.units.mzj_staff)
    for method in ROUTES[name]["methods"]:
        assert _call(client, method, ROUTES[name]["url"](pw)).status_code == 404, (name, method)
    _unchanged(pw)


def test_the_unit_sees_its_own_task_and_town2_its_report(login, pw):
    assert login(pw.units.mzj_staff).get(f"/programmes/tasks/{pw.task_mzj.pk}/").status_code == 200
    client = login(pw.world.users.town2)
    page = client.get(f"/programmes/tasks/{pw.task_t2.pk}/").content.decode()
    assert "完成摸底" in page
    page = login(pw.world.users.town1).get(f"/programmes/tasks/{pw.survey.pk}/").content.decode()
    assert "完成摸底" not in page


def test_forged_ids_are_404(login, pw):
    client = login(pw.world.users.county)
    for url in ("/programmes/tasks/999999/", "/programmes/999999/", "/programmes/999999/progress.xlsx"):
        assert client.get(url).status_code == 404
    # a township that is not the task's cannot be forged into the report form
    client = login(pw.world.users.town1)
    r = client.post(
        f"/programmes/tasks/{pw.survey.pk}/report/", {**DATA, "who": "r:990121101000", "period": "2026-01"}
    )
    assert r.status_code == 200 and Report.objects.count() == 1


def test_lists_leave_out_other_townships_and_units(login, pw):
    town1 = login(pw.world.users.town1).get("/programmes/").content.decode()
    assert pw.sewage.title in town1 and "柳河镇试点小方案" not in town1
    mzj = login(pw.units.mzj_staff).get("/programmes/tasks/").content.decode()
    assert "民政局建立工作台账" in mzj and "柳河镇污水治理" not in mzj and "开展治理状况调查" not in mzj


def test_ledger_rows_stay_in_their_township(login, pw):
    url = f"/programmes/ledgers/{pw.ledger.pk}/"
    assert "西河村" not in login(pw.world.users.town1).get(url).content.decode().split('id="ledger-rows"')[1]
    assert "西河村" in login(pw.world.users.town2).get(url).content.decode().split('id="ledger-rows"')[1]
    assert "西河村" in login(pw.world.users.county).get(url).content.decode().split('id="ledger-rows"')[1]
