"""Access matrix for rectification tasks (oversight)."""

import pytest

from doudi.oversight.inspections import DEFAULT_ITEMS
from doudi.oversight.models import ChecklistItem, Evaluation, Finding, RectificationTask, SurveyResponse

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
    # 督导检查 (inspections). "reviewer": the routes need REVIEW_RECTIFICATION (a clerk gets 403);
    # town1's inspector gets 404 for town2's records.
    "oversight_checklists": {"url": lambda w: "/oversight/checklists/", "methods": ["get", "post"]},
    "oversight_checklist": {
        "url": lambda w: f"/oversight/checklists/{w.ov.checklist2.pk}/",
        "methods": ["get", "post"],
        "object": True,
        "reviewer": True,
    },
    "oversight_checklist_item": {
        "url": lambda w: f"/oversight/checklists/{w.ov.checklist2.pk}/items/{w.ov.item2.pk}/",
        "methods": ["post"],
        "object": True,
        "reviewer": True,
    },
    "oversight_inspections": {"url": lambda w: "/oversight/inspections/", "methods": ["get"]},
    "oversight_inspection_plan": {
        "url": lambda w: "/oversight/inspections/plan/",
        "methods": ["get", "post"],
    },
    "oversight_circular": {"url": lambda w: "/oversight/inspections/circular/", "methods": ["get"]},
    "oversight_inspection": {
        "url": lambda w: f"/oversight/inspections/{w.ov.insp2.pk}/",
        "methods": ["get"],
        "object": True,
    },
    "oversight_inspection_record": {
        "url": lambda w: f"/oversight/inspections/{w.ov.insp2.pk}/record/",
        "methods": ["get", "post"],
        "object": True,
        "reviewer": True,
    },
    "oversight_inspection_report": {
        "url": lambda w: f"/oversight/inspections/{w.ov.insp2.pk}/report/",
        "methods": ["get"],
        "object": True,
    },
    "oversight_finding_photo": {
        "url": lambda w: f"/oversight/findings/photos/{w.ov.photo2.pk}/",
        "methods": ["get"],
        "object": True,
    },
    # 满意度调查、绩效评估
    "oversight_person_survey": {
        "url": lambda w: f"/oversight/persons/{w.p2.pk}/survey/",
        "methods": ["get", "post"],
        "object": True,
    },
    "oversight_person_evaluation": {
        "url": lambda w: f"/oversight/persons/{w.p2.pk}/evaluation/",
        "methods": ["get", "post"],
        "object": True,
    },
    "oversight_questionnaires": {"url": lambda w: "/oversight/questionnaires/", "methods": ["get", "post"]},
    "oversight_questionnaire": {
        "url": lambda w: f"/oversight/questionnaires/{w.ov.questionnaire2.pk}/",
        "methods": ["get", "post"],
        "object": True,
        "reviewer": True,
    },
    "oversight_results": {"url": lambda w: "/oversight/results/", "methods": ["get"]},
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


@pytest.mark.routes(without=("api",))
def test_anonymous_users_are_sent_to_login(client, access, loop, ov, route):
    loop.ov = ov
    access.expect_login(client, route, loop)


@pytest.mark.routes("api")
def test_anonymous_api_calls_get_401(client, access, loop, route):
    access.expect(client, route, loop, status=401)


@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if r.get("object")))
def test_town1_gets_404_for_town2_records(login, loop, ov, make, name):
    loop.ov = ov
    user = loop.world.users.town1
    if ROUTES[name].get("reviewer"):
        user = make.user("inspector1", loop.world.t1, ["inspector"])
    client = login(user)
    data = {"version": loop.task2.version, "text": "x", "evidence": "已整改", "reason": "x", "title": "x"}
    data.update({f"i{ov.item2.pk}-title": "x", "owner": loop.world.users.town1.pk})
    for method in ROUTES[name]["methods"]:
        assert _call(client, method, ROUTES[name]["url"](loop), data).status_code == 404, (name, method)
    task = RectificationTask.objects.get(pk=loop.task2.pk)
    assert task.status == "open" and task.version == loop.task2.version
    assert ov.checklist2.items.count() == len(DEFAULT_ITEMS) and ov.item2.title == DEFAULT_ITEMS[0][0]
    assert Finding.objects.filter(inspection=ov.insp2).count() == len(DEFAULT_ITEMS)
    assert not SurveyResponse.objects.exists() and not Evaluation.objects.exists()
    assert ov.questionnaire2.questions.count() == 5


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


def test_inspection_lists_leave_out_other_townships(login, ov):
    client = login(ov.world.users.town1)
    page = client.get("/oversight/inspections/").content.decode()
    assert f'data-inspection="{ov.insp1.pk}"' in page and f'data-inspection="{ov.insp2.pk}"' not in page
    inspector1_client = login(ov.world.users.inspector)
    assert (
        f'data-inspection="{ov.insp2.pk}"'
        in inspector1_client.get("/oversight/inspections/").content.decode()
    )


def test_clerks_may_not_record_findings_or_edit_checklists(login, ov):
    client = login(ov.world.users.town1)
    assert client.get(f"/oversight/inspections/{ov.insp1.pk}/record/").status_code == 403
    assert client.get("/oversight/checklists/").status_code == 403
    assert client.post("/oversight/inspections/plan/", {}).status_code == 403
    assert client.get(f"/oversight/inspections/{ov.insp1.pk}/").status_code == 200


def test_town1_inspector_cannot_plan_town2(login, ov, make):
    inspector1 = make.user("inspector1", ov.world.t1, ["inspector"])
    r = login(inspector1).post(
        "/oversight/inspections/plan/",
        {"round": "x", "checklist": ov.checklist.pk, "planned_on": "2026-01-01", "regions": [ov.world.t2.pk]},
    )
    assert r.status_code == 400  # town2 is not among the choices
    assert not ChecklistItem.objects.filter(title="x").exists()
