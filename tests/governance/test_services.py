"""Awarding, corrections, appeals, closing a period (三色预警 with follow-up tasks, ABC with pay),
the points supermarket and the 红黑榜 — through the services, on the database."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from doudi.core.models import AuditEntry
from doudi.governance import rules, services
from doudi.governance.models import Entry, HonourList, PeriodClose, Redemption, Result, Subject
from doudi.oversight.models import RectificationTask

from .conftest import item


def last_quarter():
    today = timezone.localdate()
    q = rules.quarter_of(today.month) - 1
    year, q = (today.year, q) if q else (today.year - 1, 4)
    start, end = rules.period_bounds("quarter", year, q)
    return rules.period_label("quarter", year, q), start, end


def last_month():
    today = timezone.localdate()
    year, m = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    start, end = rules.period_bounds("month", year, m)
    return rules.period_label("month", year, m), start, end


def award(g, user, subject, scheme, code, on, source="township", **kw):
    return services.entry_award(
        actor=user, subject=subject, item=item(scheme, code), source=source, occurred_on=on, **kw
    )


def test_award_records_an_audited_entry(gw):
    _label, start, _end = last_quarter()
    before = AuditEntry.objects.count()
    e = award(gw, gw.u.town1, gw.branch_v1, gw.org1, "three-one", start)
    assert e.points == D(5) and e.village_id == gw.world.v1.code
    assert AuditEntry.objects.count() == before + 1
    assert AuditEntry.objects.order_by("seq").last().object_type == "governance.entry"


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("other_township", "管辖范围"),
        ("foreign_item", "不属于这个方案"),
        ("bad_source", "评分来源"),
        ("future", "不能晚于今天"),
    ],
)
def test_bad_awards_are_refused_and_write_nothing(gw, case, message):
    today = timezone.localdate()
    user, subject, it, source, on = gw.u.town1, gw.branch_v1, item(gw.org1, "three-one"), "township", today
    if case == "other_township":
        subject = gw.branch_v2
    elif case == "foreign_item":
        it = item(gw.org2, "three-one")
    elif case == "bad_source":
        source = "county"  # a township clerk does not award as the county
    elif case == "future":
        on = today + dt.timedelta(days=1)
    before = (Entry.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as exc:
        services.entry_award(actor=user, subject=subject, item=it, source=source, occurred_on=on)
    assert message in str(exc.value)
    assert (Entry.objects.count(), AuditEntry.objects.count()) == before


def test_village_staff_award_as_the_village_only(gw):
    assert set(services.allowed_sources(gw.u.village1, gw.org1)) == {"village", "peer", "public"}
    assert set(services.allowed_sources(gw.u.town1, gw.org1)) == {"township", "peer", "public"}


def test_correction_is_a_new_entry_and_keeps_the_balance(gw):
    today = timezone.localdate()
    e = award(gw, gw.u.village1, gw.wang, gw.market1, "filial", today, source="village")
    gw.wang.refresh_from_db()
    assert gw.wang.balance == D(10)
    c = services.entry_correct(actor=gw.u.village1, entry=e, points=D(5), note="核实后减半")
    e.refresh_from_db()
    assert e.points == D(10)  # never edited
    assert c.corrects_id == e.pk
    gw.wang.refresh_from_db()
    assert gw.wang.balance == D(5)
    with pytest.raises(ValidationError):
        services.entry_correct(actor=gw.u.village1, entry=e, points=0, note="再改")


def test_appeal_deadline_and_decision(gw):
    today = timezone.localdate()
    e = award(gw, gw.u.village1, gw.wang, gw.market1, "dirty-yard", today, source="village")
    appeal = services.appeal_file(actor=gw.u.village1, entry=e, reason="当天已清理")
    assert appeal.deadline > today
    with pytest.raises(ValidationError):
        services.appeal_file(actor=gw.u.village1, entry=e, reason="again")
    services.appeal_decide(actor=gw.u.town1, appeal=appeal, upheld=True, decision="属实，撤销扣分")
    gw.wang.refresh_from_db()
    assert gw.wang.balance == D(0)
    assert Entry.objects.get(corrects=e).points == D(0)


def test_appeal_after_the_deadline_is_refused(gw):
    e = award(gw, gw.u.village1, gw.wang, gw.market1, "dirty-yard", timezone.localdate(), source="village")
    late = services.appeal_deadline(e) + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.appeal_file(actor=gw.u.village1, entry=e, reason="x", today=late)
    assert "申诉期限已过" in str(exc.value)


def test_quarter_closes_with_colours_caps_vetoes_and_follow_ups(gw):
    label, start, _end = last_quarter()
    t1 = gw.u.town1
    for _ in range(10):  # 50 points of 基本制度坚持 capped at 40
        award(gw, t1, gw.branch_v1, gw.org1, "three-one", start)
    for _ in range(5):
        award(gw, t1, gw.branch_v1, gw.org1, "key-task", start)  # 40 of 战斗堡垒
    award(gw, t1, gw.branch_v1b, gw.org1, "key-task", start)  # 8: red
    award(gw, t1, gw.branch_v1b, gw.org1, "review-good", start, source="peer")  # 10 × 0.5 = 5
    close = services.period_close(actor=t1, scheme=gw.org1, period=label)
    r1 = Result.objects.get(close=close, subject=gw.branch_v1)
    r1b = Result.objects.get(close=close, subject=gw.branch_v1b)
    assert r1.total == D(80) and "cap:system" in r1.reasons and r1.colour == "" and r1.rank == 1
    assert r1b.total == D(13) and r1b.colour == "red" and r1b.rank == 2
    task = RectificationTask.objects.get(source_kind="score_colour", source_id=str(r1b.pk))
    assert task.aspect == "remind" and "红色预警" in task.title and task.region_id == gw.world.v1b.code
    # t2's scheme is untouched, and the period closes once; no more points into it
    assert not Result.objects.filter(subject=gw.branch_v2).exists()
    with pytest.raises(ValidationError):
        services.period_close(actor=t1, scheme=gw.org1, period=label)
    with pytest.raises(ValidationError) as exc:
        award(gw, t1, gw.branch_v1, gw.org1, "three-one", start)
    assert "已经结算" in str(exc.value)


def test_a_veto_sets_the_floor(gw):
    label, start, _end = last_quarter()
    for _ in range(5):
        award(gw, gw.u.town1, gw.branch_v1, gw.org1, "key-task", start)
    award(gw, gw.u.town1, gw.branch_v1, gw.org1, "veto-discipline", start)
    close = services.period_close(actor=gw.u.town1, scheme=gw.org1, period=label)
    r = Result.objects.get(close=close, subject=gw.branch_v1)
    assert r.vetoed and r.total == D(0) and r.colour == "red"


def test_open_period_cannot_close_and_other_township_cannot_close(gw):
    today = timezone.localdate()
    current = rules.period_label("quarter", today.year, rules.quarter_of(today.month))
    with pytest.raises(ValidationError):
        services.period_close(actor=gw.u.town1, scheme=gw.org1, period=current)
    with pytest.raises(ValidationError):
        services.period_close(actor=gw.u.town2, scheme=gw.org1, period=last_quarter()[0])
    with pytest.raises(ValidationError):
        services.period_close(actor=gw.u.town1, scheme=gw.org1, period="2026-Q9")
    assert not PeriodClose.objects.exists()


def test_overlapping_lines_are_refused(gw):
    with pytest.raises(ValidationError) as exc:
        services.scheme_set_lines(
            actor=gw.u.town1, scheme=gw.org1, lines={"red": 70, "yellow": 60, "blue": 80}
        )
    assert "预警线" in str(exc.value)
    gw.org1.refresh_from_db()
    assert gw.org1.lines == {"red": "60", "yellow": "70", "blue": "80"}


def test_abc_month_grades_and_pays(gw, settings):
    settings.DOUDI_GOVERNANCE_ABC_PAY = {"A": "2100", "B": "1700", "C": "1300"}
    label, start, _end = last_month()
    award(gw, gw.u.town1, gw.cleaner, gw.abc1, "base", start)
    award(gw, gw.u.town1, gw.cleaner, gw.abc1, "week-litter", start)
    close = services.period_close(actor=gw.u.town1, scheme=gw.abc1, period=label)
    r = Result.objects.get(close=close)
    assert (r.total, r.grade, r.pay) == (D(75), "B", D("1700.00"))


def test_redemption_never_overdraws(gw):
    today = timezone.localdate()
    award(gw, gw.u.village1, gw.wang, gw.market1, "filial", today, source="village")
    goods = services.goods_save(
        actor=gw.u.village1, scheme=gw.market1, village=gw.world.v1, name="洗衣粉", price=4, stock=5
    )
    r = services.redeem(actor=gw.u.village1, subject=gw.wang, goods=goods, quantity=2)
    assert r.balance_after == D(2)
    with pytest.raises(ValidationError) as exc:
        services.redeem(actor=gw.u.village1, subject=gw.wang, goods=goods, quantity=1)
    assert "积分不足" in str(exc.value)
    goods.refresh_from_db()
    assert goods.stock == 3 and Redemption.objects.count() == 1
    assert Subject.objects.get(pk=gw.wang.pk).balance == D(2)


def test_redemption_outside_the_village_is_refused(gw):
    goods = services.goods_save(
        actor=gw.u.town2, scheme=gw.market2, village=gw.world.v2, name="油", price=4, stock=5
    )
    with pytest.raises(ValidationError):
        services.redeem(actor=gw.u.village1, subject=gw.wang, goods=goods, quantity=1)
    with pytest.raises(ValidationError):
        services.redeem(actor=gw.u.village1, subject=gw.zhao2, goods=goods, quantity=1)


def test_honour_list_drafted_reviewed_published_on_the_public_page(gw, client):
    label, start, _end = last_month()
    v = gw.u.village1
    award(gw, v, gw.wang, gw.market1, "filial", start, source="village")
    award(gw, v, gw.li, gw.market1, "gambling", start, source="village")
    hl = services.honour_list_draft(actor=v, scheme=gw.market1, village=gw.world.v1, month=label)
    assert {(r["board"], r["name"]) for r in hl.rows} == {("red", "王家"), ("black", "李家")}
    assert set(hl.rows[0]) == {"board", "name", "total", "reason"}
    page = client.get(f"/village/public/{gw.world.v1.code}/").content.decode()
    assert "王家" not in page  # not yet reviewed
    services.honour_list_publish(actor=gw.u.town1, honour_list=hl)
    page = client.get(f"/village/public/{gw.world.v1.code}/").content.decode()
    assert "王家" in page and "李家" in page and 'id="honour-lists"' in page
    assert client.get(f"/village/public/{gw.world.v2.code}/").content.decode().count("王家") == 0
    with pytest.raises(ValidationError):
        services.honour_list_draft(actor=v, scheme=gw.market1, village=gw.world.v1, month=label)
    assert HonourList.objects.get().status == "published"


def test_scheme_instantiated_twice_is_refused(gw):
    with pytest.raises(ValidationError):
        services.scheme_instantiate(actor=gw.u.town1, region=gw.world.t1, example="org-dual")
    with pytest.raises(ValidationError):
        services.scheme_instantiate(actor=gw.u.town1, region=gw.world.t2, example="member-dual")


def test_lines_by_percentile_colour_from_the_rank(gw):
    label, start, _end = last_quarter()
    t1 = gw.u.town1
    services.scheme_set_lines(
        actor=t1, scheme=gw.org1, lines={"mode": "percentile", "red": 50, "yellow": 75, "blue": 90}
    )
    award(gw, t1, gw.branch_v1, gw.org1, "key-task", start)  # 8: the better of two
    close = services.period_close(actor=t1, scheme=gw.org1, period=label)
    colours = dict(Result.objects.filter(close=close).values_list("subject__name", "colour"))
    assert colours == {"青石社区党支部": "", "东山村党支部": "red"}  # 100 % and 50 % from the bottom


def test_the_cron_command_closes_the_last_ended_periods(gw, django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command

    label, start, _end = last_quarter()
    award(gw, gw.u.town1, gw.branch_v1, gw.org1, "key-task", start)
    with django_capture_on_commit_callbacks(execute=True):  # the jobs run after the commit
        call_command("governance-close", user="town1", stdout=StringIO())
    assert PeriodClose.objects.filter(scheme=gw.org1, period=label).exists()
    assert PeriodClose.objects.filter(scheme=gw.abc1, period=last_month()[0]).exists()
    assert not PeriodClose.objects.filter(scheme=gw.org2).exists()  # 柳河镇's is not town1's
    with django_capture_on_commit_callbacks(execute=True):  # a second run closes nothing twice
        call_command("governance-close", user="town1", stdout=StringIO())
    assert PeriodClose.objects.filter(scheme=gw.org1).count() == 1


def test_the_daily_round_closes_the_last_ended_periods_once(gw):
    from io import StringIO

    from django.core.management import call_command

    label, start, _end = last_quarter()
    award(gw, gw.u.town1, gw.branch_v1, gw.org1, "key-task", start)
    call_command("daily", user="town1", now=True, only=["governance_daily"], stdout=StringIO())
    assert PeriodClose.objects.filter(scheme=gw.org1, period=label).exists()
    assert PeriodClose.objects.filter(scheme=gw.abc1, period=last_month()[0]).exists()
    assert not PeriodClose.objects.filter(scheme=gw.org2).exists()  # 柳河镇's is not town1's
    call_command("daily", user="town1", now=True, only=["governance_daily"], stdout=StringIO())
    assert PeriodClose.objects.filter(scheme=gw.org1).count() == 1


def test_the_follow_up_task_links_to_the_closed_period(gw, login):
    label, start, _end = last_quarter()
    award(gw, gw.u.town1, gw.branch_v1b, gw.org1, "key-task", start)
    close = services.period_close(actor=gw.u.town1, scheme=gw.org1, period=label)
    task = RectificationTask.objects.filter(source_kind="score_colour").first()
    page = login(gw.u.town1).get(f"/oversight/rectification/{task.pk}/").content.decode()
    assert f'href="/governance/periods/{close.pk}/"' in page
    assert login(gw.u.town2).get(f"/oversight/rectification/{task.pk}/").status_code == 404
