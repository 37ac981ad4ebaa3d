"""Disputes through the services: registration, the tiers, the outcome, the scan, the follow-up —
each audited, bad input refused with a Chinese message and nothing written."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from doudi.core.models import AuditEntry, Notification
from doudi.mediation import services as svc
from doudi.mediation.models import Dispute, Escalation, FollowUp, MediationSetting, Party
from doudi.registry.idcard import make_id_number

PDF = b"%PDF-1.4\n" + b"0" * 64


def _count():
    return (
        Dispute.objects.count(),
        Party.objects.count(),
        Escalation.objects.count(),
        AuditEntry.objects.count(),
    )


def test_register_numbers_parties_and_audits(mw):
    d = mw.open1
    assert d.number.startswith(f"MT100001{d.registered_on.year}")
    assert d.tier == "village" and d.due_on == d.registered_on + dt.timedelta(days=15)
    assert sorted(d.parties.values_list("side", flat=True)) == ["applicant", "respondent"]
    entry = AuditEntry.objects.filter(
        object_type="mediation.dispute", object_id=str(d.pk), action="create"
    ).get()
    assert entry.extra["parties"][0]["name"] == "张大山1"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "nonsense"}, "纠纷类型"),
        ({"description": "  "}, "纠纷简要情况"),
        ({"parties": [{"side": "applicant", "name": "甲"}]}, "至少要有一位申请人和一位被申请人"),
        (
            {
                "parties": [
                    {"side": "applicant", "name": "甲", "id_number": "110105194912310021"},
                    {"side": "respondent", "name": "乙"},
                ]
            },
            "校验位",
        ),
        (
            {"parties": [{"side": "x", "name": "甲"}, {"side": "respondent", "name": "乙"}]},
            "申请人或被申请人",
        ),
        ({"occurred_on": dt.date(2999, 1, 1)}, "不能晚于"),
    ],
)
def test_bad_registrations_write_nothing(mw, change, message):
    before = _count()
    args = {"kind": "land", "description": "地界纠纷", "parties": mw.parties()} | change
    with pytest.raises(ValidationError) as exc:
        svc.dispute_register(actor=mw.world.users.village1, village=mw.world.v1, **args)
    assert message in "；".join(exc.value.messages)
    assert _count() == before


def test_a_village_cannot_register_for_another_village(mw):
    with pytest.raises(PermissionDenied):
        svc.dispute_register(
            actor=mw.world.users.village1,
            village=mw.world.v1b,
            kind="land",
            description="x",
            parties=mw.parties(),
        )


def test_registry_person_is_linked_by_id_number(mw, lf):
    p = lf.person(mw.world.v1, "王五")
    d = svc.dispute_register(
        actor=mw.world.users.village1,
        village=mw.world.v1,
        kind="damages",
        description="牛踩坏庄稼",
        parties=[
            {"side": "applicant", "name": "王五", "id_number": p.id_number},
            {"side": "respondent", "name": "赵六"},
        ],
    )
    assert d.parties.get(side="applicant").person == p


def test_daily_job_moves_late_village_cases_and_notifies_the_township(mw):
    w = mw.world
    late = svc.dispute_register(
        actor=w.users.village1,
        village=w.v1,
        kind="land",
        description="地界",
        parties=mw.parties(),
        registered_on=mw.today - dt.timedelta(days=16),
    )
    result = svc.escalate_overdue(region_prefix=w.county.prefix, today=mw.today)
    late.refresh_from_db()
    assert late.tier == "township" and late.tier_since == mw.today
    assert late.due_on == mw.today + dt.timedelta(days=30)
    assert result["escalated"] == 1
    step = late.escalations.get()
    assert step.automatic and step.by is None
    assert Notification.objects.filter(recipient=w.users.town1, key=f"mediation:escalated:{late.pk}").exists()
    assert not Notification.objects.filter(recipient=w.users.town2).exists()
    mw.open1.refresh_from_db()
    assert mw.open1.tier == "village"  # two days old: still the village's
    # idempotent
    assert svc.escalate_overdue(region_prefix=w.county.prefix, today=mw.today)["escalated"] == 0


def test_township_setting_shortens_the_village_days(mw):
    w = mw.world
    svc.setting_save(actor=w.users.town1, region=w.t1, village_days=1, township_days=10, county_days=10)
    assert svc.deadlines_for(w.v1.code).village_days == 1
    assert svc.deadlines_for(w.v2.code).village_days == 15  # town2 keeps the default
    svc.escalate_overdue(region_prefix=w.county.prefix, today=mw.today)
    mw.open1.refresh_from_db()
    assert mw.open1.tier == "township"  # registered two days ago, past one day
    with pytest.raises(ValidationError):
        svc.setting_save(actor=w.users.town1, region=w.t1, village_days=0, township_days=10, county_days=10)
    assert MediationSetting.objects.get(region=w.t1).village_days == 1


def test_manual_escalation_follows_the_tiers(mw):
    w = mw.world
    with pytest.raises(ValidationError, match="不能从当前层级"):
        svc.dispute_escalate(actor=w.users.town1, dispute=mw.open1, to_tier="judicial", reason="x")
    svc.dispute_escalate(actor=w.users.village1, dispute=mw.open1, to_tier="township", reason="调不成")
    with pytest.raises(ValidationError, match="当前受理层级"):
        svc.dispute_escalate(actor=w.users.village1, dispute=mw.open1, to_tier="judicial", reason="x")
    svc.dispute_escalate(actor=w.users.town1, dispute=mw.open1, to_tier="judicial", reason="引导诉讼")
    mw.open1.refresh_from_db()
    assert mw.open1.tier == "judicial" and mw.open1.due_on is None
    with pytest.raises(ValidationError, match="记录结果"):
        svc.dispute_conclude(
            actor=w.users.town1, dispute=mw.open1, status="settled", terms="x", mediator_name="x"
        )
    svc.dispute_conclude(
        actor=w.users.county, dispute=mw.open1, status="settled", terms="法院调解", mediator_name="法官"
    )
    mw.open1.refresh_from_db()
    assert mw.open1.settled_tier == "judicial"


def test_outcome_needs_terms_and_is_final(mw):
    w = mw.world
    with pytest.raises(ValidationError, match="协议内容"):
        svc.dispute_conclude(actor=w.users.village1, dispute=mw.open1, status="settled", mediator_name="赵")
    with pytest.raises(ValidationError, match="说明"):
        svc.dispute_conclude(actor=w.users.village1, dispute=mw.open1, status="not_settled")
    mw.open1.refresh_from_db()
    assert mw.open1.status == "open"
    svc.dispute_conclude(
        actor=w.users.village1,
        dispute=mw.open1,
        status="settled",
        terms="疏通水沟，费用平摊。",
        mediator_name="赵",
    )
    mw.open1.refresh_from_db()
    assert (mw.open1.status, mw.open1.settled_tier) == ("settled", "village")
    with pytest.raises(ValidationError, match="已办结"):
        svc.dispute_conclude(actor=w.users.village1, dispute=mw.open1, status="withdrawn", note="x")


def test_scan_and_follow_up(mw):
    w = mw.world
    d = mw.settled1
    with pytest.raises(ValidationError, match="PDF"):
        svc.scan_attach(
            actor=w.users.town1, dispute=d, uploaded_file=SimpleUploadedFile("a.txt", b"hello world")
        )
    svc.scan_attach(actor=w.users.town1, dispute=d, uploaded_file=SimpleUploadedFile("a.pdf", PDF))
    d.refresh_from_db()
    assert d.signed_scan.original_name == "a.pdf"
    with pytest.raises(ValidationError, match="调解成功"):
        svc.scan_attach(actor=w.users.town1, dispute=mw.open1, uploaded_file=SimpleUploadedFile("a.pdf", PDF))
    with pytest.raises(ValidationError, match="调解成功后"):
        svc.followup_record(
            actor=w.users.village1, dispute=mw.open1, visited_on=mw.today, fulfilment="fulfilled"
        )
    visit = svc.followup_record(
        actor=w.users.village1, dispute=d, visited_on=mw.today, fulfilment="partly", note="已付两个月"
    )
    d.refresh_from_db()
    assert d.fulfilment == "partly" and FollowUp.objects.get() == visit
    assert AuditEntry.objects.filter(object_type="mediation.followup", action="create").count() == 1


def test_agreement_docx_carries_the_terms(mw):
    from doudi.core.documents import docx_text
    from doudi.mediation.documents import agreement_docx

    text = "\n".join(docx_text(agreement_docx(mw.settled1)))
    assert "人民调解协议书" in text and "每月支付赡养费300元。" in text
    assert "青石镇人民调解委员会" in text and "张大山1" in text
    assert "{{" not in text and "{%" not in text


def test_committee_rules_on_members(mw):
    w = mw.world
    with pytest.raises(ValidationError, match="已有主任"):
        svc.member_add(actor=w.users.village1, committee=mw.committee1, name="第二主任", role="chair")
    with pytest.raises(ValidationError, match="已有调解委员会"):
        svc.committee_create(actor=w.users.village1, region=w.v1)
    with pytest.raises(PermissionDenied):
        svc.member_add(actor=w.users.town1, committee=mw.committee2, name="x", role="member")
    n = make_id_number(w.v1.code, dt.date(1980, 1, 1), 7)
    svc.member_add(
        actor=w.users.village1,
        committee=mw.committee1,
        name="孙",
        role="member",
        mediator="part_time",
        id_number=n,
    )
    with pytest.raises(ValidationError, match="已是"):
        svc.member_add(actor=w.users.village1, committee=mw.committee1, name="孙", role="member", id_number=n)
