"""The application and termination procedures through the services (民发〔2021〕43号 第三章, 第五章)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from doudi.core.models import AuditEntry
from doudi.eligibility import services
from doudi.eligibility.models import Case, CaseDocument, Decision, Stage
from doudi.registry.models import Person

from .conftest import FACTS, days_ago, make_person, run_application


def test_an_approved_application_makes_the_person_supported_from_next_month(world, elig):
    case = run_application(world, elig.old1)
    assert case.stage == Stage.NOTICE and case.outcome == "approved"
    decided = days_ago(5)
    first_next = (decided.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    assert case.effective_month == first_next
    person = Person.objects.get(pk=elig.old1.pk)
    assert person.status == "active" and person.supported_since == first_next
    kinds = list(Decision.objects.filter(case=case).values_list("kind", flat=True))
    assert sorted(kinds) == ["county", "township"]
    county = Decision.objects.get(case=case, kind="county")
    assert county.eligible and county.trace["criteria"][0]["reason"] == "年满60周岁"
    assert county.facts["local_dibao_standard"] == "780.00"  # v1 is urban (121)


def test_the_notice_is_a_docx_kept_with_the_case(world, elig):
    case = run_application(world, elig.old1)
    doc = services.notice_issue(actor=world.users.town1, case=case, issued_on=dt.date.today())
    case.refresh_from_db()
    assert case.stage == Stage.CLOSED
    assert doc.kind == CaseDocument.Kind.NOTICE and doc.upload.original_name.endswith(".docx")
    from docx import Document

    text = "\n".join(p.text for p in Document(doc.upload.file.open("rb")).paragraphs)
    assert "特困人员救助供养认定通知书" in text and "赵老汉" in text and "年满60周岁" in text


def test_a_refusal_gives_reasons_and_a_three_working_day_notice(world, elig):
    case = run_application(world, elig.old1, approve=False)
    assert case.outcome == "refused" and "隐瞒收入" in case.reasons
    step = case.steps.get(code="notice")
    assert step.working_days == 3 and step.due_on is not None
    assert Person.objects.get(pk=elig.old1.pk).status == "refused"  # no longer 申请中
    doc = services.notice_issue(actor=world.users.town1, case=case, issued_on=dt.date.today())
    from docx import Document

    text = "\n".join(p.text for p in Document(doc.upload.file.open("rb")).paragraphs)
    assert "不予认定" in text and "隐瞒收入" in text


def test_the_county_cannot_approve_what_the_rules_refuse(world, elig):
    case = services.application_record(
        actor=world.users.town1,
        person=elig.old1,
        received_on=days_ago(40),
        facts={**FACTS, "monthly_income": "900"},
    )
    services.case_accept(actor=world.users.town1, case=case, accepted_on=days_ago(40))
    with pytest.raises(ValidationError, match="月收入900元不低于当地低保标准780元"):
        services.case_review(actor=world.users.town1, case=case, reviewed_on=days_ago(30), approve=True)
    services.case_review(actor=world.users.town1, case=case, reviewed_on=days_ago(30), approve=False)
    case.refresh_from_db()
    assert case.stage == Stage.COUNTY and "无生活来源: 未通过" in case.reasons
    with pytest.raises(ValidationError):
        services.case_decide(actor=world.users.county, case=case, decided_on=days_ago(1), approve=True)
    services.case_decide(actor=world.users.county, case=case, decided_on=days_ago(1), approve=False)
    case.refresh_from_db()
    assert case.outcome == "refused"


def test_a_township_clerk_cannot_confirm(world, elig):
    case = services.application_record(
        actor=world.users.town1, person=elig.old1, received_on=days_ago(3), facts=FACTS
    )
    case.stage = Stage.COUNTY
    case.save()
    with pytest.raises(PermissionDenied):
        services.case_decide(actor=world.users.town1, case=case, decided_on=days_ago(1), approve=True)


def test_a_clerk_cannot_act_on_another_townships_case(world, elig):
    case = services.application_record(
        actor=world.users.town2, person=elig.old2, received_on=days_ago(3), facts=FACTS
    )
    with pytest.raises(PermissionDenied):
        services.case_accept(actor=world.users.town1, case=case, accepted_on=days_ago(2))


def test_a_new_applicant_is_registered_as_applying(world, elig):
    from doudi.registry.idcard import make_id_number

    number = make_id_number("990121", dt.date(1948, 2, 2), 77)
    case = services.application_record(
        actor=world.users.town1,
        new_person={"name": "周新", "id_number": number, "village": world.v1b, "phone": ""},
        received_on=days_ago(1),
        facts=FACTS,
        applicant_kind="committee",
        applicant_name="东山村村委会",
    )
    person = Person.objects.get(id_number=number)
    assert case.person == person and person.status == "applying" and person.applied_on == days_ago(1)
    assert case.facts["local_dibao_standard"] == "620.00"  # v1b is rural (220)


def test_an_entrusted_application_names_the_agent(world, elig):
    with pytest.raises(ValidationError):
        services.application_record(
            actor=world.users.town1,
            person=elig.old1,
            received_on=days_ago(1),
            facts=FACTS,
            applicant_kind="other",
        )


def test_an_objection_is_rechecked_and_the_case_published_again(world, elig):
    clerk = world.users.town1
    case = services.application_record(actor=clerk, person=elig.old1, received_on=days_ago(40), facts=FACTS)
    services.case_accept(actor=clerk, case=case, accepted_on=days_ago(40))
    services.case_review(actor=clerk, case=case, reviewed_on=days_ago(30), approve=True)
    services.case_publish(actor=clerk, case=case, published_on=days_ago(25))
    with pytest.raises(ValidationError, match="公示期内"):
        services.objection_record(actor=clerk, case=case, received_on=days_ago(10), content="有儿子")
    objection = services.objection_record(
        actor=clerk, case=case, received_on=days_ago(22), raised_by="邻居", content="申请人有儿子在外打工"
    )
    case.refresh_from_db()
    assert case.stage == Stage.RECHECK and objection.recheck_due > objection.received_on
    services.objection_resolve(
        actor=clerk,
        objection=objection,
        resolved_on=days_ago(15),
        founded=False,
        note="儿子已去世，有死亡证明",
    )
    case.refresh_from_db()
    assert case.stage == Stage.PUBLICATION
    services.case_publish(actor=clerk, case=case, published_on=days_ago(14))
    with pytest.raises(ValidationError, match="届满"):
        services.publication_close(actor=clerk, case=case, closed_on=days_ago(8))
    services.publication_close(actor=clerk, case=case, closed_on=days_ago(7))
    case.refresh_from_db()
    assert case.stage == Stage.COUNTY
    assert [s.code for s in case.steps.order_by("pk")] == [
        "review",
        "publication",
        "recheck",
        "publication",
        "county",
    ]


def test_a_founded_objection_sends_the_case_to_the_county_for_refusal(world, elig):
    clerk = world.users.town1
    case = services.application_record(actor=clerk, person=elig.old1, received_on=days_ago(40), facts=FACTS)
    services.case_accept(actor=clerk, case=case, accepted_on=days_ago(40))
    services.case_review(actor=clerk, case=case, reviewed_on=days_ago(30), approve=True)
    services.case_publish(actor=clerk, case=case, published_on=days_ago(25))
    objection = services.objection_record(
        actor=clerk, case=case, received_on=days_ago(24), content="有退休金"
    )
    services.objection_resolve(
        actor=clerk, objection=objection, resolved_on=days_ago(20), founded=True, note="核实有退休金2000元"
    )
    case.refresh_from_db()
    assert case.stage == Stage.COUNTY and case.township_opinion is False and "退休金" in case.reasons


def test_termination_runs_to_the_end_and_flags_a_referral(world, elig):
    clerk, county = world.users.town1, world.users.county
    person = elig.active1
    case = services.termination_start(
        actor=clerk,
        person=person,
        ground="supporter",
        reported_on=days_ago(40),
        reporter="村委会",
        monthly_income="300",
    )
    assert case.referral == "dibao" and "低于当地低保标准620元" in case.referral_reason
    with pytest.raises(ValidationError):
        services.termination_start(actor=clerk, person=person, ground="death", reported_on=days_ago(1))
    services.termination_verify(
        actor=clerk, case=case, verified_on=days_ago(35), confirmed=True, note="儿子返乡就业"
    )
    services.case_decide(actor=county, case=case, decided_on=days_ago(30), approve=True)
    case.refresh_from_db()
    assert case.stage == Stage.PUBLICATION
    services.case_publish(actor=clerk, case=case, published_on=days_ago(20))
    services.publication_close(actor=clerk, case=case, closed_on=days_ago(10))
    case.refresh_from_db()
    person.refresh_from_db()
    first_next = (days_ago(10).replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    assert person.status == "terminated" and person.terminated_on == first_next == case.effective_month
    doc = services.notice_issue(actor=clerk, case=case, issued_on=dt.date.today())
    case.refresh_from_db()
    assert case.outcome == "terminated" and case.stage == Stage.CLOSED
    from docx import Document

    text = "\n".join(p.text for p in Document(doc.upload.file.open("rb")).paragraphs)
    assert "终止特困人员救助供养告知书" in text and "转介提示" in text


def test_no_referral_after_death(world, elig):
    case = services.termination_start(
        actor=world.users.town1, person=elig.active1, ground="death", reported_on=days_ago(1)
    )
    assert case.referral == ""


def test_an_unconfirmed_termination_keeps_the_support(world, elig):
    clerk = world.users.town1
    case = services.termination_start(
        actor=clerk, person=elig.active1, ground="income", reported_on=days_ago(5)
    )
    services.termination_verify(
        actor=clerk, case=case, verified_on=days_ago(2), confirmed=False, note="收入为季节性"
    )
    case.refresh_from_db()
    elig.active1.refresh_from_db()
    assert case.outcome == "not_terminated" and elig.active1.status == "active"


def test_every_step_is_audited(world, elig):
    before = AuditEntry.objects.count()
    run_application(world, elig.old1)
    types = set(AuditEntry.objects.filter(seq__gt=before).values_list("object_type", flat=True))
    assert {"eligibility.case", "eligibility.decision", "registry.person"} <= types


def test_the_limits_are_frozen_at_receipt(world, elig):
    case = services.application_record(
        actor=world.users.town1, person=elig.old1, received_on=days_ago(3), facts=FACTS
    )
    assert case.limits["review"] == 15
    other = make_person(world.v1, "吴老汉", dt.date(1944, 1, 1))
    assert Case.objects.filter(person=other).count() == 0
