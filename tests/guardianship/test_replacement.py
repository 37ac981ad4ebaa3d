"""Replacing a guardian (民法典 Art. 36 / 39): request, township approval, determination again."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from doudi.guardianship import services
from doudi.guardianship.models import Agreement, GuardianCandidate, Guardianship, ReplacementCase


def test_service_flow_closes_the_guardianship_and_agreement_and_reopens_the_determination(care, world, f):
    clerk, inspector = world.users.town1, world.users.inspector
    services.agreement_sign(actor=clerk, agreement=care.a1, scan=SimpleUploadedFile("s.pdf", f.PDF))
    committee = f.candidate(care.p1, "village_committee", "东山村民委员会")
    case = services.replacement_start(
        actor=inspector, guardianship=care.g1, ground="neglect_danger", facts="长期不闻不问，冬季无取暖"
    )
    assert case.article == "《民法典》第三十六条第一款第二项"
    with pytest.raises(ValidationError):  # one pending request at a time
        services.replacement_start(actor=clerk, guardianship=care.g1, ground="serious_harm", facts="x")
    with pytest.raises(PermissionDenied):  # inspectors start, the township approves
        services.replacement_decide(actor=inspector, case=case, approve=True)
    with pytest.raises(PermissionDenied):
        services.replacement_decide(actor=world.users.town2, case=case, approve=True)

    services.replacement_decide(actor=clerk, case=case, approve=True, note="经镇政府研究同意")
    case.refresh_from_db()
    care.g1.refresh_from_db()
    care.a1.refresh_from_db()
    assert case.status == "approved" and case.decided_by == clerk
    assert care.g1.status == "ended" and care.g1.end_ground == "neglect_danger" and care.g1.ended_on
    assert "第三十六条" in care.g1.end_note
    assert care.a1.status == "ended" and "监护关系终止" in care.a1.end_reason
    son = GuardianCandidate.objects.get(pk=care.son1.pk)
    assert not son.able and "撤销监护人资格" in son.reason_unable

    proposal = services.person_proposal(care.p1)
    assert proposal.candidate == committee and proposal.proposal.category == "III"
    assert any("撤销监护人资格" in reason for _c, reason in proposal.passed_over())
    new = services.guardianship_confirm(actor=clerk, person=care.p1)
    assert new.candidate == committee
    assert list(
        Guardianship.objects.filter(person=care.p1).order_by("id").values_list("status", flat=True)
    ) == [
        "ended",
        "active",
    ]


def test_rejection_needs_a_reason_and_keeps_the_guardian(care, world):
    case = services.replacement_start(
        actor=world.users.town1, guardianship=care.g1, ground="other_infringement", facts="反映挪用供养金"
    )
    with pytest.raises(ValidationError):
        services.replacement_decide(actor=world.users.town1, case=case, approve=False)
    services.replacement_decide(actor=world.users.town1, case=case, approve=False, note="经核查不属实")
    care.g1.refresh_from_db()
    assert care.g1.status == "active"
    assert ReplacementCase.objects.get(pk=case.pk).status == "rejected"


def test_unknown_ground_is_refused_in_chinese(care, world):
    with pytest.raises(ValidationError, match="未知的监护人撤销或监护关系终止事由"):
        services.replacement_start(actor=world.users.town1, guardianship=care.g1, ground="boredom", facts="x")


def test_village_staff_cannot_start_a_replacement(care, world):
    with pytest.raises(PermissionDenied):
        services.replacement_start(
            actor=world.users.village1, guardianship=care.g1, ground="guardian_died", facts="x"
        )


def test_replacement_through_the_pages(care, world, login):
    inspector = login(world.users.inspector)
    page = inspector.get(f"/care/persons/{care.p1.pk}/guardianship/").content.decode()
    assert 'id="start-replacement"' in page
    response = inspector.post(
        f"/care/persons/{care.p1.pk}/guardianship/replace/",
        {"ground": "guardian_died", "facts": "监护人张建国于本月病故"},
    )
    case = ReplacementCase.objects.get(person=care.p1)
    assert response["Location"] == f"/care/replacements/{case.pk}/"
    assert inspector.post(f"/care/replacements/{case.pk}/", {"decision": "approve"}).status_code == 403

    clerk = login(world.users.town1)
    page = clerk.get(f"/care/persons/{care.p1.pk}/guardianship/").content.decode()
    assert 'id="pending-replacement"' in page
    page = clerk.get(f"/care/replacements/{case.pk}/").content.decode()
    assert 'id="decide-form"' in page and "《民法典》第三十九条第一款第三项" in page
    response = clerk.post(f"/care/replacements/{case.pk}/", {"decision": "approve", "note": ""})
    assert response["Location"] == f"/care/persons/{care.p1.pk}/guardianship/"
    page = clerk.get(response["Location"]).content.decode()
    assert 'id="proposal"' in page and 'id="add-candidate"' in page  # determination is open again
    assert "已死亡" in page  # the deceased guardian is passed over
    assert Agreement.objects.get(pk=care.a1.pk).status == "ended"
    # everyone in the area sees the full history
    history = login(world.users.village1 if care.p1.village_id == world.v1.code else world.users.county).get(
        f"/care/persons/{care.p1.pk}/guardianship/"
    )
    body = history.content.decode()
    assert 'id="history"' in body and "张建国" in body
