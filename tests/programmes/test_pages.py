"""The pages a user goes through: import, worklist, a township's report, warnings, the plan page,
the exports, evaluations and acceptance."""

import io
from decimal import Decimal

from freezegun import freeze_time
from python_calamine import CalamineWorkbook

from doudi.core.documents import docx_text
from doudi.programmes.models import Evaluation, Plan, Report

from .conftest import plan_text


def test_the_county_imports_a_shipped_plan_and_sees_errors_in_chinese(login, world, units):
    client = login(world.users.county)
    assert "农村生活污水治理" in client.get("/programmes/import/").content.decode()
    r = client.post(
        "/programmes/import/",
        {"shipped": "county-governance.toml", "region": world.county.code, "year": 2026},
    )
    assert (
        r.status_code == 200
        and "没有名为“统战部”的单位。" in r.content.decode()
        and not Plan.objects.exists()
    )
    r = client.post(
        "/programmes/import/", {"shipped": "sewage.toml", "region": world.county.code, "year": 2026}
    )
    plan = Plan.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/programmes/{plan.pk}/"
    page = client.get(r["Location"]).content.decode()
    assert "开展治理状况调查" in page and "plan-timeline" in page


def test_an_uploaded_plan_file_with_a_bad_deadline_is_refused(login, world, units):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = plan_text("sewage.toml").replace('deadline = "{Y}-04-30"', 'deadline = "{Y}-08-31"', 1)
    f = SimpleUploadedFile("plan.toml", text.encode("utf-8"))
    r = login(world.users.county).post(
        "/programmes/import/", {"file": f, "region": world.county.code, "year": 2026}
    )
    assert "超出其所属阶段" in r.content.decode() and not Plan.objects.exists()


@freeze_time("2026-02-03")
def test_a_township_files_its_monthly_report_from_the_worklist(login, pw):
    client = login(pw.world.users.town1)
    page = client.get("/programmes/worklist/").content.decode()
    assert "开展治理状况调查" in page and "2026-01" in page  # due on 5 February
    rate_task = pw.sewage.tasks.get(number="13")
    target = rate_task.targets.get()
    r = client.post(
        f"/programmes/tasks/{rate_task.pk}/report/",
        {
            "who": f"r:{pw.world.t1.code}",
            "period": "2026-01",
            "text": "完成3个村的管网铺设",
            f"t{target.pk}": "4.5",
        },
    )
    assert r.status_code == 302
    report = Report.objects.get(task=rate_task)
    assert report.region == pw.world.t1 and report.values.get().value == Decimal("4.5")
    page = client.get(f"/programmes/tasks/{rate_task.pk}/").content.decode()
    assert "完成3个村的管网铺设" in page


def test_an_overdue_task_shows_the_warning_and_escalates(login, pw):
    # Signed in anew on each frozen day: a session written on 28 April has expired by 4 May.
    with freeze_time("2026-04-28"):
        page = login(pw.world.users.county).get(f"/programmes/tasks/{pw.survey.pk}/").content.decode()
        assert 'data-warning="near"' in page
    with freeze_time("2026-05-04"):
        page = login(pw.world.users.county).get(f"/programmes/tasks/{pw.survey.pk}/").content.decode()
        assert "逾期" in page and 'data-warning="passed"' in page
    with freeze_time("2026-05-20"):
        client = login(pw.world.users.county)
        page = client.get(f"/programmes/tasks/{pw.survey.pk}/").content.decode()
        assert 'data-warning="county"' in page
        overview = client.get("/programmes/").content.decode()
        assert pw.sewage.title in overview
        listed = client.get(f"/programmes/tasks/?plan={pw.sewage.pk}&status=overdue").content.decode()
        assert "开展治理状况调查" in listed and "推进规划落地实施" not in listed


@freeze_time("2026-07-01")
def test_the_plan_page_shows_progress_and_behind_targets(login, pw):
    client = login(pw.world.users.county)
    page = client.get(f"/programmes/{pw.small.pk}/").content.decode()
    # 柳河镇 reported 5 % of 30 % by mid-year: behind the linear path (about 15 %)
    assert 'data-behind="1"' in page and "5.00 / 30%" in page
    filtered = client.get(f"/programmes/{pw.small.pk}/?unit={pw.units.mzj.pk}").content.decode()
    assert "民政局建立工作台账" in filtered and "柳河镇污水治理" not in filtered


@freeze_time("2026-07-01")
def test_exports_hold_the_progress(login, pw):
    client = login(pw.world.users.county)
    r = client.get(f"/programmes/{pw.small.pk}/progress.xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(0).to_python()
    assert rows[1][0] == "编号" and any(row[8] == "农村生活污水处理率" and row[14] == "5" for row in rows[2:])
    text = "\n".join(docx_text(client.get(f"/programmes/{pw.small.pk}/summary.docx").content))
    assert "试点工作总结报告" in text and "柳河镇污水治理" in text
    toml = client.get(f"/programmes/{pw.small.pk}/plan.toml").content.decode()
    assert 'title = "柳河镇污水治理"' in toml and 'deadline = "2026-06-30"' in toml


def test_evaluation_completion_and_acceptance(login, pw):
    client = login(pw.world.users.county)
    client.post(
        f"/programmes/tasks/{pw.task_t2.pk}/evaluate/",
        {
            "kind": "midterm",
            "score": "86.5",
            "evaluator": "县委农办",
            "comments": "进度偏慢",
            "evaluated_on": "2026-06-30",
        },
    )
    assert Evaluation.objects.get().score == Decimal("86.5")
    client.post(f"/programmes/tasks/{pw.task_t2.pk}/complete/", {"on": "2026-07-10"})
    client.post(f"/programmes/{pw.small.pk}/accept/", {"on": "2026-12-20", "notes": "通过验收"})
    plan = Plan.objects.get(pk=pw.small.pk)
    assert plan.status == "accepted" and plan.tasks.get(number="1").completed_on.isoformat() == "2026-07-10"
    assert "通过考核验收" in "\n".join(
        docx_text(client.get(f"/programmes/{pw.small.pk}/summary.docx").content)
    )
