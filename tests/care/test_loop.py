"""The monthly care loop through its services and pages: visits, rectification, services,
materials, network coverage, guardian performance, reminders, the ledger export and the API."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from doudi.care import selectors as sel
from doudi.care import services as svc
from doudi.care.models import Visit
from doudi.core.models import AuditEntry, Notification
from doudi.oversight import services as oversight
from doudi.oversight.models import RectificationTask


def _visit(
    actor,
    person,
    day,
    lf,
    notes="入户查看，老人精神尚可，院子已打扫，米面充足，提醒注意用火安全。",
    **problems,
):
    return svc.visit_record(
        actor=actor, person=person, visited_on=day, aspects=lf.all_ok(**problems), notes=notes
    )


# ---- visits: bad input and edge cases ---------------------------------------------------------------


def test_a_visit_in_the_future_or_before_registration_is_refused(loop, lf):
    clerk = loop.world.users.town1
    with pytest.raises(ValidationError) as exc:
        _visit(clerk, loop.p1, loop.today + dt.timedelta(days=1), lf)
    assert exc.value.messages == ["走访日期不能晚于今天。"]
    with pytest.raises(ValidationError) as exc:
        _visit(clerk, loop.p1, loop.p1.supported_since - dt.timedelta(days=1), lf)
    assert "走访日期不能早于该对象的登记日期" in exc.value.messages[0]


def test_the_visit_form_shows_the_chinese_errors(login, loop, lf):
    client = login(loop.world.users.town1)
    data = {"visited_on": (loop.today + dt.timedelta(days=2)).isoformat(), "notes": "x"}
    for key in ("guardian", "service", "living", "hygiene", "spirit"):
        data[f"{key}_state"] = "ok"
    data["housing_state"] = "problem"
    page = client.post(f"/care/persons/{loop.p1.pk}/visits/new/", data).content.decode()
    assert "走访日期不能晚于今天。" in page and "“住房安全”有问题时请写明具体问题。" in page


def test_a_photo_that_is_not_an_image_or_too_large_is_refused(loop, lf, settings):
    clerk = loop.world.users.town1
    with pytest.raises(ValidationError) as exc:
        svc.visit_record(
            actor=clerk,
            person=loop.p1,
            visited_on=loop.today,
            aspects=lf.all_ok(),
            photos=[SimpleUploadedFile("scan.pdf", lf.PNG[:0] + b"%PDF-1.4 not an image", "image/jpeg")],
        )
    assert exc.value.messages == ["走访照片必须是图片文件（JPG、PNG、GIF、WEBP），“scan.pdf”不是图片。"]
    big = SimpleUploadedFile("big.jpg", lf.JPEG + b"\x00" * (8 * 1024 * 1024), "image/jpeg")
    with pytest.raises(ValidationError) as exc:
        svc.visit_record(
            actor=clerk, person=loop.p1, visited_on=loop.today, aspects=lf.all_ok(), photos=[big]
        )
    assert exc.value.messages[0].startswith("走访照片过大（8.0 MB），不能超过 8 MB")
    assert Visit.objects.filter(person=loop.p1).count() == 1  # only the fixture's


def test_a_visit_to_a_person_in_a_nursing_home_is_allowed_but_counted_separately(loop, lf):
    clerk = loop.world.users.town1
    svc.placement_set(
        actor=clerk, person=loop.p1, kind="nursing_home", institution=loop.inst1, started_on=loop.today
    )
    v = _visit(clerk, loop.p1, loop.today, lf)
    assert v.at_home is False
    counts = sel.month_visit_counts(clerk)
    assert counts["institution_visits"] == 1 and counts["home_visits"] == 1  # the fixture's earlier visit
    # and the person left the due list: only persons at home are due a monthly visit
    qs, *_ = sel.visits_due(clerk)
    assert loop.p1 not in list(qs)


def test_a_problem_opens_a_rectification_task_for_the_visitor(loop):
    task = loop.task1
    assert (task.source_kind, task.aspect, task.owner, task.title) == (
        "visit",
        "hygiene",
        loop.world.users.town1,
        "走访对象1：环境卫生有问题",
    )
    assert task.deadline == loop.today + dt.timedelta(days=15)


def test_copied_notes_are_flagged_across_the_township(loop, lf, make):
    clerk = loop.world.users.town1
    copied = "老人身体状况良好，生活能自理，家中卫生整洁，监护人履职到位，无安全隐患，生活无困难。"
    other = lf.person(loop.world.v1, "邻居老人")
    first = _visit(clerk, loop.p1, loop.today, lf, notes=copied)
    second = _visit(clerk, other, loop.today, lf, notes=copied.replace("。", "！"))
    honest = _visit(
        clerk, other, loop.today, lf, notes="屋顶漏雨，后墙有裂缝，已联系村里安排维修，老人暂住侄子家。"
    )
    assert first.copy_of is None and second.copy_of_id == first.pk and second.similarity >= 0.8
    assert honest.copy_of is None
    # town2's identical note is not compared with town1's (the buckets are per township)
    t2 = _visit(loop.world.users.town2, loop.p2, loop.today, lf, notes=copied)
    assert t2.copy_of is None
    flagged = list(sel.flagged_visits(clerk))
    assert second in flagged and first not in flagged


def test_guardian_not_performing_twice_in_three_months_suggests_replacement(login, loop, lf):
    clerk = loop.world.users.town1
    _visit(clerk, loop.p1, loop.today - dt.timedelta(days=40), lf, guardian="监护人长期不来看望")
    assert loop.p1 not in list(sel.guardian_performance(clerk))
    _visit(clerk, loop.p1, loop.today, lf, guardian="监护人仍未履职")
    people = list(sel.guardian_performance(clerk))
    assert people == [loop.p1] and people[0].guardian_problems == 2
    page = login(clerk).get("/care/guardian-performance/").content.decode()
    assert "走访对象1" in page and 'id="list-count">1<' in page


# ---- rectification -------------------------------------------------------------------------------------


def test_closing_needs_evidence_and_a_reviewer_can_reopen(loop):
    clerk, county = loop.world.users.town1, loop.world.users.county
    task = loop.task1
    with pytest.raises(ValidationError) as exc:
        oversight.task_close(actor=clerk, task=task, evidence="  ", version=task.version)
    assert exc.value.messages == ["销号须提供整改佐证：请写明整改结果，或上传整改后的照片。"]
    task = oversight.task_close(
        actor=clerk, task=task, evidence="已督促监护人打扫，复查干净", version=task.version
    )
    assert task.status == "closed" and task.version == 2
    with pytest.raises(PermissionDenied):
        oversight.task_reopen(actor=clerk, task=task, reason="x", version=task.version)  # clerks may not
    task = oversight.task_reopen(actor=county, task=task, reason="复查发现又脏乱", version=task.version)
    assert task.status == "open" and task.reopened == 1
    assert Notification.objects.filter(recipient=clerk, kind="rectification_reopened").exists()


def test_two_clerks_editing_the_same_task_the_second_is_refused(login, loop, make):
    """Both opened the page at version 1; the first save wins, the second gets a message and
    changes nothing."""
    second = make.user("town1b", loop.world.t1, ["township_clerk"], name="周强")
    a, url = login(loop.world.users.town1), f"/oversight/rectification/{loop.task1.pk}/"
    from django.test import Client

    b = Client()
    b.force_login(second)
    assert a.post(url + "note/", {"version": 1, "text": "已联系监护人"}).status_code == 302
    r = b.post(url + "close/", {"version": 1, "evidence": "已整改"})
    assert r.status_code == 400
    assert "该整改任务已被“town1”在您打开之后修改，您的修改没有保存。" in r.content.decode()
    task = RectificationTask.objects.get(pk=loop.task1.pk)
    assert (task.status, task.version) == ("open", 2)


def test_the_township_sees_open_overdue_and_closed_counts_matching_the_lists(login, loop):
    clerk = loop.world.users.town1
    RectificationTask.objects.filter(pk=loop.task1.pk).update(deadline=loop.today - dt.timedelta(days=1))
    counts = sel_counts = __import__("doudi.oversight.selectors", fromlist=["x"]).task_counts(clerk)
    assert sel_counts == {"open": 1, "overdue": 1, "closed": 0} == counts
    page = login(clerk).get("/oversight/rectification/?bucket=overdue").content.decode()
    assert "走访对象1：环境卫生有问题" in page


# ---- reminders ----------------------------------------------------------------------------------------------


def test_the_daily_check_notifies_cadres_and_owners_once(loop, lf, make):
    clerk = loop.world.users.town1
    cadre = make.user("cadre9", loop.world.v1b, ["village_staff"], name="赵志明")
    late = lf.person(loop.world.v1b, "未走访老人", supported_since=loop.today - dt.timedelta(days=300))
    svc.member_add(actor=clerk, person=late, role="cadre", name="赵志明", phone="13700000000", user=cadre)
    nobody = lf.person(loop.world.v1b, "无干部老人", supported_since=loop.today - dt.timedelta(days=300))
    RectificationTask.objects.filter(pk=loop.task1.pk).update(deadline=loop.today - dt.timedelta(days=3))
    after_due = loop.today.replace(day=26) if loop.today.day <= 26 else loop.today
    result = svc.daily_check(region_prefix=loop.world.t1.prefix, today=after_due)
    assert result["overdue_visits"] == 2 and result["overdue_tasks"] == 1
    assert Notification.objects.get(recipient=cadre).text.startswith("未走访老人 本月尚未走访")
    assert Notification.objects.filter(recipient=clerk, text__startswith="无干部老人").exists()
    assert Notification.objects.filter(recipient=clerk, kind="rectification_overdue").count() == 1
    assert not Notification.objects.filter(recipient=loop.world.users.town2).exists()
    assert svc.daily_check(region_prefix=loop.world.t1.prefix, today=after_due)["notified"] == 0
    # before the due day nobody is overdue yet
    assert (
        svc.daily_check(region_prefix=loop.world.t1.prefix, today=loop.today.replace(day=2))["overdue_visits"]
        == 0
    )
    del nobody


def test_the_care_daily_command_queues_the_job(loop, capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("care-daily", "--user", "town1")
    assert "queued job" in capsys.readouterr().out
    from doudi.core.models import Job

    job = Job.objects.get(kind="care_daily")
    assert job.status == "succeeded" and "overdue_tasks" in job.result  # immediate backend in tests


# ---- coverage, services and materials: the numbers are their lists ------------------------------------------


def test_network_coverage_numbers_match_their_lists(login, loop, lf):
    clerk = loop.world.users.town1
    full = lf.person(loop.world.v1b, "全覆盖老人")
    for role, name in (
        ("guardian", "王一"),
        ("carer", "周桂香"),
        ("cadre", "赵二"),
        ("social_worker", "何晓"),
    ):
        svc.member_add(
            actor=clerk, person=full, role=role, name=name, phone="13900000001" if role == "carer" else "1"
        )
    table, total = sel.network_table(clerk)
    assert [r.name for r in table] == ["青石镇"]
    for key, n in table[0].counts.items():
        assert n == sel.network_persons(clerk, loop.world.t1.code, key).count(), key
    assert table[0].counts["covered"] == 1 and table[0].counts["no_cadre"] == 1
    setting = sel.setting_for(loop.world.t1.code)
    assert setting.max_persons_per_carer == 5
    # six more persons with the same carer: she looks after too many
    for i in range(5):
        p = lf.person(loop.world.v1b, f"照料对象{i}")
        svc.member_add(actor=clerk, person=p, role="carer", name="周桂香", phone="13900000001")
    table, _ = sel.network_table(clerk)
    assert table[0].counts["overloaded"] == 7 and table[0].counts["covered"] == 0
    page = login(clerk).get(f"/care/home-support/{loop.world.t1.code}/overloaded/").content.decode()
    assert 'id="list-count">7<' in page


def test_budget_vs_delivered_per_person_and_provider_and_undelivered(login, loop):
    clerk = loop.world.users.town1
    rows = list(sel.budget_rows(clerk, loop.today))
    assert [(r.person, r.monthly_amount, r.planned, r.delivered) for r in rows] == [(loop.p1, 100, 100, 25)]
    [provider] = sel.budget_by_provider(rows)
    assert (provider.provider, provider.budget, provider.delivered) == ("服务中心1", 100, 25)
    assert list(sel.undelivered_orders(clerk, loop.today)) == [loop.order1]
    page = login(clerk).get("/care/services/").content.decode()
    assert "服务中心1" in page and "服务中心2" not in page


def test_a_delivery_outside_the_order_month_or_without_content_is_refused(loop, lf):
    with pytest.raises(ValidationError) as exc:
        svc.delivery_record(
            actor=loop.staff1, order=loop.order1, delivered_at=dt.datetime.now().astimezone(), done=" "
        )
    assert exc.value.messages == ["请填写本次服务内容。"]
    with pytest.raises(ValidationError) as exc:
        svc.delivery_record(
            actor=loop.staff1,
            order=loop.order1,
            delivered_at=dt.datetime.now().astimezone() - dt.timedelta(days=40),
            done="打扫",
        )
    assert "服务时间应在派单月份" in exc.value.messages[0]


def test_material_hand_over_needs_a_signature_or_the_receiver(login, loop, lf):
    clerk = loop.world.users.town1
    h = loop.handover1
    with pytest.raises(ValidationError) as exc:
        svc.handover_ack(actor=clerk, handover=h, delivered_on=loop.today)
    assert exc.value.messages == ["请上传签收照片，或填写签收人（本人或监护人）姓名。"]
    assert sel.batch_counts(clerk, loop.batch1) == {"total": 1, "delivered": 0, "pending": 1}
    assert list(sel.handovers(clerk, loop.batch1, pending=True)) == [h]
    svc.handover_ack(
        actor=clerk,
        handover=h,
        delivered_on=loop.today,
        signature=SimpleUploadedFile("s.jpg", lf.JPEG, "image/jpeg"),
    )
    assert sel.batch_counts(clerk, loop.batch1)["pending"] == 0
    inspector_page = login(loop.world.users.inspector).get(f"/care/materials/{loop.batch2.pk}/?show=pending")
    assert "走访对象2" in inspector_page.content.decode()


def test_a_mental_health_placement_needs_the_guardians_consent(loop):
    from doudi.registry.models import Institution

    clerk = loop.world.users.town1
    inst = Institution.objects.create(
        region=loop.world.t1, name="县精神卫生中心", kind="mental_health", beds=10
    )
    with pytest.raises(ValidationError) as exc:
        svc.placement_set(
            actor=clerk, person=loop.p1, kind="mental_health", institution=inst, started_on=loop.today
        )
    assert exc.value.messages == ["送精神卫生机构供养须经监护人同意，请先记录监护人同意。"]
    p = svc.placement_set(
        actor=clerk,
        person=loop.p1,
        kind="mental_health",
        institution=inst,
        started_on=loop.today,
        guardian_consent=True,
        consent_note="监护人书面同意",
    )
    loop.p1.refresh_from_db()
    assert p.guardian_consent and loop.p1.placement == "centralized"


# ---- the worklist --------------------------------------------------------------------------------------------


def test_the_cadre_worklist_is_ordered_by_urgency_in_constant_queries(loop, lf, make):
    clerk = loop.world.users.town1
    cadre = make.user("cadre9", loop.world.v1b, ["village_staff"])
    since = loop.today - dt.timedelta(days=500)
    people = [lf.person(loop.world.v1b, f"对象{i}", supported_since=since) for i in range(4)]
    for p in people:
        svc.member_add(actor=clerk, person=p, role="cadre", name="干部", phone="1", user=cadre)
    last_month = loop.today.replace(day=1) - dt.timedelta(days=1)
    _visit(clerk, people[0], last_month, lf)
    _visit(clerk, people[1], last_month - dt.timedelta(days=20), lf)
    _visit(clerk, people[2], loop.today, lf)  # visited this month: not due
    t = _visit(clerk, people[3], last_month, lf, housing="墙体裂缝")
    assert t.has_problem
    with CaptureQueriesContext(connection) as q:
        due = sel.worklist(cadre)
    names = [p.name for p in due.persons]
    assert names == ["对象3", "对象1", "对象0"]
    n = len(q)
    for i in range(10):
        p = lf.person(loop.world.v1b, f"更多{i}", supported_since=since)
        svc.member_add(actor=clerk, person=p, role="cadre", name="干部", phone="1", user=cadre)
        _visit(clerk, p, last_month, lf)
    with CaptureQueriesContext(connection) as q:
        assert len(sel.worklist(cadre).persons) == 13
    assert len(q) == n


# ---- export and API ------------------------------------------------------------------------------------------


def test_the_visit_ledger_export_is_scoped_and_audited(login, loop):
    client = login(loop.world.users.town1)
    r = client.get(f"/care/visits/ledger.xlsx?township={loop.world.t1.code}&month={loop.today:%Y-%m}")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0].startswith("青石镇") and rows[1][:3] == ("序号", "村（社区）", "姓名")
    assert rows[2][2] == "走访对象1" and rows[2][9] == "有问题：屋内脏乱，被褥多日未洗"
    assert len(rows) == 3
    entry = AuditEntry.objects.filter(action="export", object_type="care.visit").get()
    assert entry.region_code == loop.world.t1.code and entry.actor == loop.world.users.town1


def test_the_visit_api_creates_and_reads(login, loop):
    client = login(loop.world.users.town1)
    body = {
        "person": loop.p1.pk,
        "visited_on": loop.today.isoformat(),
        "aspects": {k: {"ok": True} for k in ("guardian", "service", "living", "hygiene", "spirit")}
        | {"housing": {"ok": False, "note": "屋顶漏雨"}},
        "notes": "屋顶漏雨，已报村委会安排维修。",
        "latitude": 35.6,
        "longitude": 113.2,
    }
    r = client.post("/api/v1/visits", body, content_type="application/json")
    assert r.status_code == 201, r.content
    vid = r.json()["id"]
    assert client.get(f"/api/v1/visits/{vid}").json()["has_problem"] is True
    assert RectificationTask.objects.filter(source_id=str(vid), aspect="housing").exists()
    body["visited_on"] = (loop.today + dt.timedelta(days=3)).isoformat()
    r = client.post("/api/v1/visits", body, content_type="application/json")
    assert r.status_code == 422 and r.json()["detail"] == "走访日期不能晚于今天。"
    r = client.post("/api/v1/visits", body | {"person": loop.p2.pk}, content_type="application/json")
    assert r.status_code == 404
    r = client.post(
        "/api/v1/rectifications",
        {
            "region": loop.world.v1b.code,
            "person": loop.p1.pk,
            "source_kind": "complaint",
            "title": "群众反映无人照料",
            "owner": "town1",
            "deadline": (loop.today + dt.timedelta(days=5)).isoformat(),
        },
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["source_kind"] == "complaint"


def test_the_person_page_shows_placement_network_and_visits(login, loop):
    page = login(loop.world.users.town1).get(f"/persons/{loop.p1.pk}/").content.decode()
    assert 'id="support-link"' in page and loop.visit1.visited_on.strftime("%Y-%m-%d") in page
    support = login(loop.world.users.town1).get(f"/care/persons/{loop.p1.pk}/support/").content.decode()
    assert "周桂香" in support and "林涛" in support
