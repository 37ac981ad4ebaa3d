"""Determining and confirming a guardian through the services and the pages."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from doudi.core.models import AuditEntry
from doudi.guardianship import services
from doudi.guardianship.models import CandidateKind, Guardianship


def test_proposal_follows_the_legal_order_and_explains_who_was_passed_over(world, f):
    ward = f.person(world.v1b)
    f.candidate(ward, CandidateKind.SPOUSE, "王桂英", able=False, reason_unable="年老体弱无力履行")
    f.candidate(ward, CandidateKind.CHILD, "张大军", hostile=True)
    son = f.candidate(ward, CandidateKind.CHILD, "张二军")
    f.candidate(ward, CandidateKind.VILLAGE_COMMITTEE, "东山村民委员会")
    p = services.person_proposal(ward)
    assert p.candidate == son
    assert p.proposal.category == "I"
    reasons = [reason for _c, reason in p.passed_over()]
    assert reasons == ["配偶不具备监护能力（年老体弱无力履行）", "子女不具备监护能力（与被监护人关系不融洽）"]
    assert not p.awaiting_consent


def test_confirming_the_proposal_keeps_basis_explanation_and_audit(world, f):
    ward = f.person(world.v1b)
    f.candidate(ward, CandidateKind.SPOUSE, "王桂英", willing=False)
    son = f.candidate(ward, CandidateKind.CHILD, "张二军", relation="次子")
    g = services.guardianship_confirm(actor=world.users.town1, person=ward)
    assert (g.candidate, g.category, g.status) == (son, "I", "active")
    assert "第二十八条" in g.basis and "张二军" in g.basis
    assert "配偶不愿担任监护人" in g.explanation
    assert AuditEntry.objects.filter(
        object_type="guardianship.guardianship", object_id=str(g.pk), action="create"
    ).exists()
    with pytest.raises(ValidationError):
        services.guardianship_confirm(actor=world.users.town1, person=ward)


def test_category_II_guardian_cannot_be_confirmed_without_consent(world, f):
    ward = f.person(world.v1b)
    f.candidate(ward, CandidateKind.SIBLING, "张三妹", able=False, reason_unable="长期外出务工")
    nephew = f.candidate(ward, CandidateKind.INDIVIDUAL, "张小虎", relation="侄子")
    f.candidate(ward, CandidateKind.VILLAGE_COMMITTEE, "东山村民委员会")
    p = services.person_proposal(ward)
    assert p.candidate == nephew and p.proposal.category == "II" and p.awaiting_consent
    with pytest.raises(ValidationError, match="同意意见"):
        services.guardianship_confirm(actor=world.users.town1, person=ward)
    # choosing the nephew explicitly by agreement does not get round the consent either
    with pytest.raises(ValidationError, match="同意意见"):
        services.guardianship_confirm(
            actor=world.users.town1, person=ward, candidate=nephew, reason="本人意愿"
        )
    assert not Guardianship.objects.filter(person=ward).exists()

    services.consent_record(
        actor=world.users.town1,
        candidate=nephew,
        body="village_committee",
        body_name="",
        granted=True,
        decided_on=dt.date.today(),
    )
    g = services.guardianship_confirm(actor=world.users.town1, person=ward)
    assert (g.candidate, g.category) == (nephew, "II")
    assert "经东山村民委员会同意" in g.basis


def test_refused_consent_passes_the_candidate_over(world, f):
    ward = f.person(world.v1b)
    nephew = f.candidate(ward, CandidateKind.INDIVIDUAL, "张小虎")
    committee = f.candidate(ward, CandidateKind.VILLAGE_COMMITTEE, "东山村民委员会")
    services.consent_record(
        actor=world.users.town1,
        candidate=nephew,
        body="civil_affairs",
        body_name="青石镇民政办",
        granted=False,
        decided_on=dt.date.today(),
    )
    p = services.person_proposal(ward)
    assert p.candidate == committee and p.proposal.category == "III"
    assert "未取得" in p.proposal.explanation


def test_choice_by_agreement_needs_a_qualified_candidate_and_keeps_the_reason(world, f):
    ward = f.person(world.v1b)
    f.candidate(ward, CandidateKind.SPOUSE, "王桂英")
    daughter = f.candidate(ward, CandidateKind.CHILD, "张小红", relation="长女")
    frail = f.candidate(ward, CandidateKind.SIBLING, "张老四", able=False, reason_unable="年老体弱")
    with pytest.raises(ValidationError, match="说明理由"):
        services.guardianship_confirm(actor=world.users.town1, person=ward, candidate=daughter)
    with pytest.raises(ValidationError, match="不具备担任监护人的条件"):
        services.guardianship_confirm(actor=world.users.town1, person=ward, candidate=frail, reason="协商")
    g = services.guardianship_confirm(
        actor=world.users.town1, person=ward, candidate=daughter, reason="配偶与长女协商一致，由长女照顾"
    )
    assert g.by_agreement and g.candidate == daughter and g.category == "I"
    assert g.agreement_reason == "配偶与长女协商一致，由长女照顾"
    assert "第三十条" in g.basis


def test_full_capacity_needs_no_guardian(world, f):
    ward = f.person(world.v1b, capacity="full")
    f.candidate(ward, CandidateKind.CHILD, "张二军")
    with pytest.raises(ValidationError):
        services.guardianship_confirm(actor=world.users.town1, person=ward)


def test_only_clerks_in_the_area_may_confirm(world, f):
    ward = f.person(world.v1b)
    f.candidate(ward, CandidateKind.CHILD, "张二军")
    with pytest.raises(PermissionDenied):
        services.guardianship_confirm(actor=world.users.town2, person=ward)
    with pytest.raises(PermissionDenied):
        services.guardianship_confirm(actor=world.users.village1, person=ward)
    with pytest.raises(PermissionDenied):
        services.guardianship_confirm(actor=world.users.inspector, person=ward)


def test_the_pages_walk_a_clerk_through_the_determination(world, f, login):
    ward = f.person(world.v1b)
    client = login(world.users.town1)
    page = client.get(f"/care/persons/{ward.pk}/guardianship/").content.decode()
    assert 'id="add-candidate"' in page
    response = client.post(
        f"/care/persons/{ward.pk}/guardianship/candidates/new/",
        {
            "kind": "spouse",
            "name": "王桂英",
            "relation": "配偶",
            "age": "82",
            "health": "卧床",
            "reason_unable": "年老体弱无力履行",
            "willing": "on",
            "position": "10",
            "elder": "on",
        },
    )
    assert response.status_code == 302
    client.post(
        f"/care/persons/{ward.pk}/guardianship/candidates/new/",
        {
            "kind": "individual",
            "name": "张小虎",
            "relation": "侄子",
            "able": "on",
            "willing": "on",
            "position": "20",
            "elder": "on",
        },
    )
    page = client.get(f"/care/persons/{ward.pk}/guardianship/").content.decode()
    assert (
        "张小虎" in page
        and 'id="awaiting-consent"' in page
        and "配偶不具备监护能力（年老体弱无力履行）" in page
    )
    response = client.post(
        f"/care/persons/{ward.pk}/guardianship/confirm/", {"started_on": "2025-01-01"}, follow=True
    )
    assert not Guardianship.objects.filter(person=ward).exists()
    assert "consent" in response.content.decode()
    nephew = ward.guardian_candidates.get(name="张小虎")
    response = client.post(
        f"/care/candidates/{nephew.pk}/consent/",
        {"body": "village_committee", "body_name": "", "granted": "1", "decided_on": "2025-01-01"},
    )
    assert response.status_code == 302
    client.post(f"/care/persons/{ward.pk}/guardianship/confirm/", {"started_on": "2025-01-02"})
    g = Guardianship.objects.get(person=ward)
    assert (g.guardian_name, g.category, g.started_on) == ("张小虎", "II", dt.date(2025, 1, 2))
    page = client.get(f"/care/persons/{ward.pk}/guardianship/").content.decode()
    assert 'id="current-guardian-name">张小虎' in page


def test_village_staff_can_read_but_not_write(world, f, login):
    ward = f.person(world.v1)
    client = login(world.users.village1)
    assert client.get(f"/care/persons/{ward.pk}/guardianship/").status_code == 200
    response = client.post(
        f"/care/persons/{ward.pk}/guardianship/candidates/new/", {"kind": "child", "name": "x"}
    )
    assert response.status_code == 403


def test_the_person_page_shows_the_guardian_section(care, world, login):
    page = login(world.users.town1).get(f"/persons/{care.p1.pk}/").content.decode()
    assert (
        'id="guardian"' in page and "张建国" in page and f"/care/persons/{care.p1.pk}/guardianship/" in page
    )


def test_entries_written_while_guardianship_was_part_of_care_stay_in_its_history(world, f):
    """The models left the care app; their old entries ("care.guardianship") cannot be rewritten
    (the hash chain), so the history, the audit filter and the type label read both names."""
    from doudi.core import audit
    from doudi.core.selectors import audit_for_object, audit_list

    ward = f.person(world.v1b)
    f.candidate(ward, CandidateKind.CHILD, "张二军", relation="次子")
    g = services.guardianship_confirm(actor=world.users.town1, person=ward)
    old = audit.record(world.users.town1, "update", g, object_type="care.guardianship")
    assert old.object_type == "care.guardianship" and old.object_type_label == str(
        Guardianship._meta.verbose_name
    )
    history = list(audit_for_object(world.users.town1, g))
    assert old in history and any(e.object_type == "guardianship.guardianship" for e in history)
    for label in ("care.guardianship", "guardianship.guardianship"):
        assert {
            e.object_type for e in audit_list(world.users.town1, object_type=label, object_id=str(g.pk))
        } == {
            "care.guardianship",
            "guardianship.guardianship",
        }
    # another township's clerk sees none of it
    assert not audit_for_object(world.users.town2, g).exists()
