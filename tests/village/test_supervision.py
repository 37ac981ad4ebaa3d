"""The committee's work beyond vouchers (issue 11, items 6–8): meetings with motions passed by a
majority of those present, inquiries / review requests / suggestions answered in writing within
the township's working days (an overdue one opens a rectification task, once), the township's
settings page, the yearly work report and the work ledger, the democratic evaluation, appeals."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from openpyxl import load_workbook

from doudi.core.documents import docx_text
from doudi.core.models import AuditEntry, Notification
from doudi.core.workdays import add_working_days
from doudi.oversight.models import RectificationTask
from doudi.village import services as svc
from doudi.village.models import Appeal, Evaluation, Inquiry, Meeting, Motion, VillageSetting, Voucher

V1 = "990121100001"
T1 = "990121100000"


# ---- meetings ------------------------------------------------------------------------------------


def test_a_member_records_a_meeting_and_its_motions_on_the_page(login, vw):
    client = login(vw.u.member1)
    a, b, c = vw.members1
    r = client.post(
        f"/village/{V1}/meetings/",
        {
            "held_on": vw.today.isoformat(),
            "kind": "special",
            "attendees": [a.pk, b.pk],
            "minutes": "研究问题",
        },
    )
    meeting = Meeting.objects.filter(village_id=V1).latest("pk")
    assert r.status_code == 302 and r["Location"] == f"/village/meetings/{meeting.pk}/"
    assert set(meeting.attendees.all()) == {a, b}
    # 2 present: 1 vote is exactly half, not a majority; 2 votes pass
    client.post(
        f"/village/meetings/{meeting.pk}/", {"title": "议题一", "yes": "1", "no": "1", "abstain": "0"}
    )
    client.post(f"/village/meetings/{meeting.pk}/", {"title": "议题二", "yes": "2", "no": "0", "abstain": ""})
    results = dict(meeting.motions.values_list("title", "passed"))
    assert results == {"议题一": False, "议题二": True}
    page = client.get(f"/village/meetings/{meeting.pk}/").content.decode()
    assert "未超过出席人数的半数" in page and "通过" in page
    assert AuditEntry.objects.filter(object_type="village.motion").count() >= 3


def test_votes_beyond_those_present_are_refused_nothing_saved(login, vw):
    client = login(vw.u.member1)
    n = Motion.objects.count()
    r = client.post(
        f"/village/meetings/{vw.meeting1.pk}/", {"title": "议题", "yes": "3", "no": "1", "abstain": "0"}
    )
    assert r.status_code == 400
    assert "合计4票，超过了出席会议的成员3人" in r.content.decode()
    for bad in ({"yes": "-1"}, {"yes": "两"}, {"yes": "2.5"}):
        r = client.post(
            f"/village/meetings/{vw.meeting1.pk}/", {"title": "议题", "no": "0", "abstain": "0", **bad}
        )
        assert r.status_code == 400
    assert Motion.objects.count() == n


def test_attendees_must_be_members_of_the_committee_in_office(login, vw):
    client = login(vw.u.member1)
    n = Meeting.objects.count()
    for attendees in ([vw.members2[0].pk], [999999], ["abc"], [vw.candidate1.pk], []):
        r = client.post(
            f"/village/{V1}/meetings/",
            {"held_on": vw.today.isoformat(), "kind": "regular", "attendees": attendees},
        )
        assert r.status_code == 400, attendees
    assert "出席人员只能是本届村务监督委员会的成员" in r.content.decode() or "请勾选" in r.content.decode()
    future = (vw.today + dt.timedelta(days=2)).isoformat()
    r = client.post(
        f"/village/{V1}/meetings/", {"held_on": future, "kind": "regular", "attendees": [vw.members1[0].pk]}
    )
    assert "会议日期不能晚于今天" in r.content.decode()
    assert Meeting.objects.count() == n


def test_only_members_record_meetings(login, vw):
    data = {"held_on": vw.today.isoformat(), "kind": "regular", "attendees": [vw.members1[0].pk]}
    assert login(vw.u.keeper1).post(f"/village/{V1}/meetings/", data).status_code == 403
    assert login(vw.u.agency1).post(f"/village/meetings/{vw.meeting1.pk}/", {"title": "x"}).status_code == 403
    assert login(vw.u.party1).get(f"/village/{V1}/meetings/").status_code == 200


# ---- inquiries, review requests, suggestions -----------------------------------------------------


def test_an_inquiry_is_due_in_the_townships_working_days(login, vw):
    client = login(vw.u.member1)
    r = client.post(
        f"/village/{V1}/inquiries/", {"kind": "recheck", "subject": "复核公开", "question": "请提供原始凭证"}
    )
    inquiry = Inquiry.objects.filter(village_id=V1).latest("pk")
    assert r.status_code == 302 and r["Location"] == f"/village/inquiries/{inquiry.pk}/"
    assert inquiry.kind == "recheck" and inquiry.due_on == add_working_days(vw.today, 10)
    # the officials are told
    assert Notification.objects.filter(recipient=vw.u.keeper1, key=f"village-inquiry:{inquiry.pk}").exists()
    VillageSetting.objects.create(region_id=T1, inquiry_days=3)
    client.post(
        f"/village/{V1}/inquiries/", {"kind": "suggestion", "subject": "建议", "question": "公开招标结果"}
    )
    assert Inquiry.objects.filter(village_id=V1).latest("pk").due_on == add_working_days(vw.today, 3)


def test_the_officials_answer_in_writing_once(login, vw):
    url = f"/village/inquiries/{vw.inquiry1.pk}/"
    assert login(vw.u.member1).post(url, {"answer": "自己答"}).status_code == 403
    client = login(vw.u.keeper1)
    assert client.post(url, {"answer": ""}).status_code == 400
    assert client.post(url, {"answer": "招待费用于接待县检查组"}).status_code == 302
    inquiry = Inquiry.objects.get(pk=vw.inquiry1.pk)
    assert inquiry.answered_on == vw.today and inquiry.answered_by == vw.u.keeper1
    r = client.post(url, {"answer": "再答一次"})
    assert r.status_code == 400 and "已经答复" in r.content.decode()
    assert Inquiry.objects.get(pk=vw.inquiry1.pk).answer == "招待费用于接待县检查组"


def test_bad_inquiries_are_refused(login, vw):
    client = login(vw.u.member1)
    n = Inquiry.objects.count()
    assert (
        client.post(
            f"/village/{V1}/inquiries/", {"kind": "gossip", "subject": "x", "question": "x"}
        ).status_code
        == 400
    )
    assert (
        client.post(
            f"/village/{V1}/inquiries/", {"kind": "inquiry", "subject": " ", "question": "x"}
        ).status_code
        == 400
    )
    with pytest.raises(ValidationError, match="只能针对本村的凭证"):
        svc.inquiry_ask(
            actor=vw.u.member1,
            village=vw.world.v1,
            kind="inquiry",
            subject="x",
            question="x",
            voucher=vw.pending2,
        )
    assert Inquiry.objects.count() == n


def test_an_overdue_answer_opens_one_rectification_task(vw):
    late = vw.today + dt.timedelta(days=40)
    first = svc.inquiries_overdue(actor=vw.world.users.county, region_prefix="990121", today=late)
    assert first["tasks_opened"] == 2  # one in each township
    task = RectificationTask.objects.get(source_kind="village_inquiry", source_id=str(vw.inquiry1.pk))
    assert task.owner == vw.world.users.town1 and task.region_id == V1
    assert "逾期未书面答复质询" in task.title
    assert Inquiry.objects.get(pk=vw.inquiry1.pk).task_id == task.pk
    again = svc.inquiries_overdue(actor=vw.world.users.county, region_prefix="990121", today=late)
    assert again["tasks_opened"] == 0
    assert RectificationTask.objects.filter(source_kind="village_inquiry").count() == 2
    # an answered inquiry or one not yet due opens nothing
    assert svc.inquiries_overdue(actor=vw.world.users.county, region_prefix="990121")["tasks_opened"] == 0


def test_the_daily_command_runs_the_check_and_the_task_links_back(vw, login):
    Inquiry.objects.filter(pk=vw.inquiry1.pk).update(
        asked_on=vw.today - dt.timedelta(days=40), due_on=vw.today - dt.timedelta(days=20)
    )
    out = io.StringIO()
    call_command("daily", user="county", now=True, only=["village_daily"], stdout=out)
    assert "village_daily: succeeded" in out.getvalue() and "'tasks_opened': 1" in out.getvalue()
    task = RectificationTask.objects.get(source_kind="village_inquiry")
    page = login(vw.world.users.county).get(f"/oversight/rectification/{task.pk}/").content.decode()
    assert f"/village/inquiries/{vw.inquiry1.pk}/" in page
    # the owner, a township clerk, cannot read village affairs: the task names no link it would refuse
    page = login(vw.world.users.town1).get(f"/oversight/rectification/{task.pk}/").content.decode()
    assert "逾期未书面答复" in page and f"/village/inquiries/{vw.inquiry1.pk}/" not in page
    assert login(vw.world.users.town1).get(f"/village/inquiries/{vw.inquiry1.pk}/").status_code == 403
    # the whole round again, queued (the tests' immediate backend runs it): no second task
    call_command("daily", user="county", stdout=io.StringIO())
    assert RectificationTask.objects.filter(source_kind="village_inquiry").count() == 1
    listed = login(vw.u.party1).get("/village/list/inquiries_overdue/").content.decode()
    assert f"/village/inquiries/{vw.inquiry1.pk}/" in listed


# ---- the township's settings -----------------------------------------------------------------------


def test_the_township_party_committee_edits_its_setting(login, vw):
    client = login(vw.u.party1)
    assert client.get("/village/settings/")["Location"] == f"/village/settings/{T1}/"
    r = client.post(
        f"/village/settings/{T1}/", {"cycle": "quarterly", "inquiry_days": "7", "appeal_days": "5"}
    )
    assert r.status_code == 302
    setting = VillageSetting.objects.get(region_id=T1)
    assert (setting.cycle, setting.inquiry_days, setting.appeal_days) == ("quarterly", 7, 5)
    assert AuditEntry.objects.filter(object_type="village.villagesetting", actor=vw.u.party1).exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"cycle": "weekly", "inquiry_days": "10", "appeal_days": "10"}, "复核周期只能选择“按月”或“按季”"),
        (
            {"cycle": "monthly", "inquiry_days": "0", "appeal_days": "10"},
            "质询书面答复期限（工作日）应在1至30之间",
        ),
        (
            {"cycle": "monthly", "inquiry_days": "十", "appeal_days": "10"},
            "质询书面答复期限（工作日）应填写整数",
        ),
        (
            {"cycle": "monthly", "inquiry_days": "10", "appeal_days": "31"},
            "申诉协调处理期限（工作日）应在1至30之间",
        ),
    ],
)
def test_bad_settings_get_a_clear_chinese_error(login, vw, data, message):
    r = login(vw.u.party1).post(f"/village/settings/{T1}/", data)
    assert r.status_code == 400 and message in r.content.decode()
    assert not VillageSetting.objects.exists()


def test_only_the_township_party_committee_edits_settings(login, vw):
    data = {"cycle": "quarterly", "inquiry_days": "5", "appeal_days": "5"}
    for user in (vw.u.member1, vw.u.keeper1, vw.u.agency1, vw.world.users.town1):
        assert login(user).post(f"/village/settings/{T1}/", data).status_code == 403
    assert (
        login(vw.u.party1).get(f"/village/settings/{V1}/").status_code == 404
    )  # a village is not a township
    assert not VillageSetting.objects.exists()


def test_the_quarterly_cycle_moves_the_due_day(vw):
    from doudi.village import selectors

    # a voucher of January: monthly due 10 February, quarterly due 10 April
    jan = Voucher.objects.filter(pk=vw.pending1.pk)
    jan.update(spent_on=dt.date(2026, 1, 15))
    qs = Voucher.objects.filter(pk=vw.pending1.pk)
    assert selectors.overdue_reviews(qs, dt.date(2026, 3, 1)).exists()
    VillageSetting.objects.create(region_id=T1, cycle="quarterly")
    assert not selectors.overdue_reviews(qs, dt.date(2026, 3, 1)).exists()
    assert not selectors.overdue_reviews(qs, dt.date(2026, 4, 10)).exists()
    assert selectors.overdue_reviews(qs, dt.date(2026, 4, 11)).exists()


# ---- the yearly work report and the work ledger ---------------------------------------------------------


def test_the_work_report_and_ledger_come_from_the_years_records(login, vw):
    client = login(vw.u.party1)
    r = client.get(f"/village/committees/{vw.in_office1.pk}/report/?year={vw.today.year}")
    assert r.status_code == 200 and r["Content-Type"].endswith("wordprocessingml.document")
    text = "\n".join(docx_text(r.content))
    assert f"{vw.world.v1.name}村务监督委员会{vw.today.year}年度工作报告" in text
    assert "全年召开会议1次（其中例会1次），表决事项1项，经出席成员过半数同意通过1项" in text
    assert "本年度村级支出凭证3张，已复核2张" in text
    assert "凭证" in text and "存疑" in text  # the voucher questioned is among the inquiries
    assert "审议上月财务支出" in text
    r = client.get(f"/village/committees/{vw.in_office1.pk}/ledger/")
    assert r.status_code == 200
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["会议记录", "表决事项", "凭证复核", "质询复核建议", "村务公开", "民主评议"]
    vouchers = list(book["凭证复核"].iter_rows(min_row=2, values_only=True))
    assert {row[3] for row in vouchers} == {"320.50", "1200.00", "880.00"}
    assert [row[1] for row in book["表决事项"].iter_rows(min_row=2, values_only=True)] == ["审议上月财务支出"]
    assert all("工程合同" not in str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row)
    assert client.get(f"/village/committees/{vw.in_office1.pk}/report/?year=1999").status_code == 404


# ---- democratic evaluation ---------------------------------------------------------------------------


def _tally(evaluation, default=(20, 3, 2), **by_name):
    out = {}
    for s in evaluation.subjects.all():
        counts = by_name.get(s.name, default)
        out.update(
            {
                f"s_{s.pk}_{r}": str(v)
                for r, v in zip(("satisfied", "fairly", "dissatisfied"), counts, strict=True)
            }
        )
    return out


def test_the_evaluation_rates_the_committee_its_members_and_the_officials(login, vw):
    ev = vw.evaluation1
    kinds = list(ev.subjects.values_list("kind", "name"))
    assert kinds[0][0] == "committee" and ("member", "主任1") in kinds and ("official", "村主任1") in kinds
    client = login(vw.u.keeper1)
    r = client.post(f"/village/evaluations/{ev.pk}/", _tally(ev, 村主任1=(5, 6, 14)))
    assert r.status_code == 302
    flagged = list(ev.subjects.filter(flagged=True).values_list("name", flat=True))
    assert flagged == ["村主任1"]  # 14 of 25 dissatisfied: more than half
    assert Notification.objects.filter(recipient=vw.u.party1, kind="village_evaluation_flagged").count() == 1
    # the township's overview flags it, and its list opens the subject
    page = login(vw.u.party1).get("/village/").content.decode()
    assert (
        'class="evaluation-flagged"><a href="/village/list/evaluation_flagged/?region=990121100001">1</a>'
        in page
    )
    listed = login(vw.u.party1).get("/village/list/evaluation_flagged/").content.decode()
    assert "村主任1" in listed and "报乡（镇）党委" in listed
    # not on the public page until published; then names and counts, nothing else
    public = client.get(f"/village/public/{V1}/?format=json").json()
    assert public["evaluation"] is None
    client = login(vw.u.keeper1)
    assert client.post(f"/village/evaluations/{ev.pk}/publish/").status_code == 302
    public = client.get(f"/village/public/{V1}/?format=json").json()
    assert public["evaluation"]["year"] == vw.today.year
    assert {"name": "村主任1", "dissatisfied": 14}.items() <= next(
        s for s in public["evaluation"]["subjects"] if s["name"] == "村主任1"
    ).items()
    assert "村主任1" in client.get(f"/village/public/{V1}/").content.decode()
    r = client.post(f"/village/evaluations/{ev.pk}/", _tally(ev))
    assert r.status_code == 400 and "已经公布" in r.content.decode()


def test_exactly_half_dissatisfied_is_not_flagged(login, vw):
    ev = vw.evaluation1
    login(vw.u.keeper1).post(f"/village/evaluations/{ev.pk}/", _tally(ev, default=(5, 5, 10)))
    assert not ev.subjects.filter(flagged=True).exists()


def test_a_tally_exceeding_the_representatives_is_refused(login, vw):
    ev = vw.evaluation1  # 25 of 30 representatives rated
    client = login(vw.u.keeper1)
    r = client.post(f"/village/evaluations/{ev.pk}/", _tally(ev, 村主任1=(20, 5, 1)))
    assert r.status_code == 400
    assert (
        "村主任1（村民委员会成员）共26票（满意20、基本满意5、不满意1），超过了参加评议的代表25人"
        in r.content.decode()
    )
    data = _tally(ev)
    data[next(k for k in data if k.endswith("_fairly"))] = "-3"
    assert client.post(f"/village/evaluations/{ev.pk}/", data).status_code == 400
    forged = {**_tally(ev), "s_999999_satisfied": "1"}
    r = client.post(f"/village/evaluations/{ev.pk}/", forged)
    assert r.status_code == 400 and "请为每一个评议对象填写" in r.content.decode()
    assert not Evaluation.objects.get(pk=ev.pk).recorded_at
    assert not ev.subjects.exclude(satisfied=None).exists()
    with pytest.raises(ValidationError, match="参加评议的代表31人"):
        svc.evaluation_start(
            actor=vw.u.keeper1,
            village=vw.world.v1,
            year=2025,
            held_on=vw.today,
            representatives_total=30,
            participants=31,
        )
    with pytest.raises(ValidationError, match="年度的民主评议已经建立"):
        svc.evaluation_start(
            actor=vw.u.keeper1,
            village=vw.world.v1,
            year=vw.today.year,
            held_on=vw.today,
            representatives_total=30,
            participants=20,
        )


def test_a_member_cannot_enter_the_evaluation_of_the_committee(login, vw):
    ev = vw.evaluation1
    assert login(vw.u.member1).post(f"/village/evaluations/{ev.pk}/", _tally(ev)).status_code == 403
    assert login(vw.u.member1).get(f"/village/evaluations/{ev.pk}/").status_code == 200


# ---- appeals ----------------------------------------------------------------------------------------------


def test_an_appeal_goes_to_the_township_party_committee_and_the_county_with_a_deadline(login, vw):
    client = login(vw.u.member1)
    r = client.post(
        f"/village/{V1}/appeals/new/",
        {"kind": "threat", "occurred_on": vw.today.isoformat(), "description": "有人威胁不许查账"},
    )
    appeal = Appeal.objects.latest("pk")
    assert r.status_code == 302 and r["Location"] == f"/village/appeals/{appeal.pk}/"
    assert appeal.due_on == add_working_days(vw.today, 10) and appeal.member == vw.u.member1
    told = set(
        Notification.objects.filter(key=f"village-appeal:{appeal.pk}").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"party1", "discipline"}
    assert all("威胁" not in n.text for n in Notification.objects.filter(key=f"village-appeal:{appeal.pk}"))
    r = login(vw.u.discipline).post(f"/village/appeals/{appeal.pk}/", {"response": "已约谈相关人员"})
    assert r.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == "handled" and appeal.handled_by == vw.u.discipline
    assert Notification.objects.filter(
        recipient=vw.u.member1, key=f"village-appeal-handled:{appeal.pk}"
    ).exists()
    r = login(vw.u.party1).post(f"/village/appeals/{appeal.pk}/", {"response": "再处理"})
    assert r.status_code == 400 and "已经处理" in r.content.decode()


def test_bad_appeals_are_refused(login, vw):
    client = login(vw.u.member1)
    n = Appeal.objects.count()
    future = (vw.today + dt.timedelta(days=1)).isoformat()
    for data in (
        {"kind": "gossip", "occurred_on": vw.today.isoformat(), "description": "x"},
        {"kind": "threat", "occurred_on": future, "description": "x"},
        {"kind": "threat", "occurred_on": vw.today.isoformat(), "description": "  "},
    ):
        assert client.post(f"/village/{V1}/appeals/new/", data).status_code == 400
    assert Appeal.objects.count() == n


# ---- the API ------------------------------------------------------------------------------------------------


def test_the_api_lists_meetings_inquiries_and_evaluations_in_the_area(login, vw):
    client = login(vw.u.party1)
    meetings = client.get("/api/v1/village/meetings").json()
    assert [m["id"] for m in meetings] == [vw.meeting1.pk]
    assert meetings[0]["motions"][0]["passed"] is True and meetings[0]["attendees"] == [
        "主任1",
        "委员甲1",
        "委员乙1",
    ]
    assert client.get(f"/api/v1/village/meetings/{vw.meeting2.pk}").status_code == 404
    inquiries = client.get("/api/v1/village/inquiries?state=open").json()
    assert {i["id"] for i in inquiries} == {vw.inquiry1.pk}
    evaluations = client.get("/api/v1/village/evaluations").json()
    assert [e["village"] for e in evaluations] == [V1] and evaluations[0]["recorded"] is False
    assert client.get("/api/v1/openapi.json").json()["paths"].get("/api/v1/village/inquiries")


def test_the_api_raises_and_answers_an_inquiry(login, vw):
    member = login(vw.u.member1)
    r = member.post(
        "/api/v1/village/inquiries",
        {
            "village": V1,
            "kind": "recheck",
            "subject": "复核",
            "question": "请提供凭证",
            "voucher": vw.pending1.pk,
        },
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["voucher"] == vw.pending1.pk
    pk = r.json()["id"]
    r = member.post(
        "/api/v1/village/inquiries",
        {"village": V1, "kind": "x", "subject": "复核", "question": "请提供凭证"},
        content_type="application/json",
    )
    assert r.status_code == 422 and "请选择质询、复核或建议" in r.json()["detail"]
    assert (
        member.post(
            f"/api/v1/village/inquiries/{pk}/answer", {"answer": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
    keeper = login(vw.u.keeper1)
    r = keeper.post(
        f"/api/v1/village/inquiries/{pk}/answer", {"answer": "已提供"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["answered_on"] == vw.today.isoformat()
    r = keeper.post(
        f"/api/v1/village/inquiries/{pk}/answer", {"answer": "再答"}, content_type="application/json"
    )
    assert r.status_code == 422


def test_forged_ids_on_the_new_routes_are_404(login, vw):
    member = login(vw.u.member1)
    for url in ("/village/meetings/999999/", "/village/inquiries/999999/", "/village/appeals/999999/"):
        assert member.get(url).status_code == 404, url
    assert member.post("/village/meetings/999999/", {"title": "x", "yes": "1"}).status_code == 404
    keeper = login(vw.u.keeper1)
    assert keeper.post("/village/evaluations/999999/publish/").status_code == 404
    assert keeper.get("/village/evaluations/abc/").status_code == 404
    party = login(vw.u.party1)
    assert party.get("/village/committees/999999/report/").status_code == 404
    assert party.get("/village/settings/990121999000/").status_code == 404
    assert party.get("/api/v1/village/meetings/999999").status_code == 404


# ---- overdue appeals are escalated to the county 纪委 ---------------------------------------------------


def _escalate(vw, today):
    return svc.appeals_overdue(actor=vw.world.users.county, region_prefix="990121", today=today)


def test_an_overdue_appeal_is_escalated_once_to_the_county(login, vw):
    appeal = vw.appeal1
    assert _escalate(vw, appeal.due_on)["appeals_escalated"] == 0  # the due day is in time
    late = appeal.due_on + dt.timedelta(days=1)
    result = _escalate(vw, late)
    assert result["appeals_escalated"] == 2  # one appeal in each township
    appeal.refresh_from_db()
    assert appeal.escalated_on == late and appeal.status == "open"
    task = RectificationTask.objects.get(source_kind="village_appeal", source_id=str(appeal.pk))
    assert appeal.task_id == task.pk
    # the next level: the county 纪委 owns it, in the county's region (no township account sees it)
    assert task.owner == vw.u.discipline and task.region_id == "990121000000"
    assert "村主任" not in task.title + task.description and "青石社区" not in task.title + task.description
    entry = AuditEntry.objects.filter(object_type="village.appeal", object_id=str(appeal.pk)).latest("seq")
    assert entry.changes["escalated_on"] == [None, late.isoformat()]
    assert entry.extra == {"escalated_to": "县纪委"}
    told = set(
        Notification.objects.filter(key=f"village-appeal-escalated:{appeal.pk}").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"party1", "discipline"}
    # idempotent: a second run (or the day after) opens nothing more
    assert _escalate(vw, late)["appeals_escalated"] == 0
    assert _escalate(vw, late + dt.timedelta(days=3))["appeals_escalated"] == 0
    assert RectificationTask.objects.filter(source_kind="village_appeal").count() == 2
    # "已上报" with its date, on the appeal's page and in the list
    for url in (f"/village/appeals/{appeal.pk}/", "/village/appeals/"):
        page = login(vw.u.party1).get(url).content.decode()
        assert f'data-escalated="{late.isoformat()}"' in page and "已上报" in page, url
    # the county 纪委 follows the task's link to the appeal; handling the appeal closes the task
    page = login(vw.u.discipline).get(f"/oversight/rectification/{task.pk}/").content.decode()
    assert f"/village/appeals/{appeal.pk}/" in page
    r = login(vw.u.party1).post(f"/village/appeals/{appeal.pk}/", {"response": "已协调村委提供合同"})
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.status == "closed" and task.closed_by == vw.u.party1 and "申诉已协调处理" in task.evidence


def test_an_answered_appeal_is_never_escalated(vw):
    svc.appeal_handle(actor=vw.u.party1, appeal=vw.appeal1, response="已处理")
    late = vw.appeal1.due_on + dt.timedelta(days=30)
    assert _escalate(vw, late)["appeals_escalated"] == 1  # only town2's
    assert not RectificationTask.objects.filter(source_kind="village_appeal", source_id=str(vw.appeal1.pk))
    assert Appeal.objects.get(pk=vw.appeal1.pk).escalated_on is None


def test_the_appeal_deadline_is_counted_in_the_countys_work_calendar(vw):
    from doudi.core.calendar import load_work_calendar
    from doudi.core.models import WorkCalendarYear

    filed = dt.date(2031, 9, 24)
    WorkCalendarYear.objects.create(
        region=vw.world.county, year=2031, holidays=[f"2031-10-0{d}" for d in range(1, 8)]
    )
    appeal = svc.appeal_file(
        actor=vw.u.member1,
        village=vw.world.v1,
        kind="threat",
        occurred_on=vw.today,
        description="有人威胁",
        today=filed,
    )
    due = add_working_days(filed, 10, load_work_calendar(vw.world.county.code))
    assert appeal.due_on == due and due > add_working_days(filed, 10)  # the county's holidays count
    Appeal.objects.exclude(pk=appeal.pk).update(status="handled")
    assert _escalate(vw, due)["appeals_escalated"] == 0
    assert _escalate(vw, due + dt.timedelta(days=1))["appeals_escalated"] == 1


def test_the_daily_command_escalates_overdue_appeals(vw):
    Appeal.objects.filter(pk=vw.appeal1.pk).update(due_on=vw.today - dt.timedelta(days=1))
    out = io.StringIO()
    call_command("daily", user="county", now=True, only=["village_daily"], stdout=out)
    assert "'appeals_escalated': 1" in out.getvalue()
    call_command("daily", user="county", stdout=io.StringIO())
    assert Appeal.objects.get(pk=vw.appeal1.pk).escalated_on == vw.today
    assert RectificationTask.objects.filter(source_kind="village_appeal").count() == 1
