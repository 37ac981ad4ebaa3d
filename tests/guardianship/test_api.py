"""The guardianship API."""

from doudi.guardianship.models import GuardianCandidate, Guardianship


def test_propose_runs_the_rules_without_saving(world, login):
    client = login(world.users.town1)
    before = (GuardianCandidate.objects.count(), Guardianship.objects.count())
    response = client.post(
        "/api/v1/guardianship/propose",
        {
            "ward": {"birth_date": "1950-03-08", "civil_capacity": "none", "residence": "village"},
            "candidates": [
                {
                    "id": "wife",
                    "kind": "spouse",
                    "able": False,
                    "willing": True,
                    "reason_unable": "年老体弱无力履行",
                },
                {"id": "nephew", "kind": "individual", "able": True, "willing": True},
                {"id": "vc", "kind": "village_committee", "able": True, "willing": True},
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["candidate_id"] == "vc" and data["category"] == "III"
    assert [p["candidate_id"] for p in data["passed_over"]] == ["wife", "nephew"]
    assert "配偶不具备监护能力（年老体弱无力履行）" in data["explanation"]
    assert (GuardianCandidate.objects.count(), Guardianship.objects.count()) == before


def test_propose_rejects_unknown_kinds_in_chinese(world, login):
    response = login(world.users.town1).post(
        "/api/v1/guardianship/propose",
        {
            "ward": {"birth_date": "1950-03-08", "civil_capacity": "none"},
            "candidates": [{"id": 1, "kind": "cat", "able": True, "willing": True}],
        },
        content_type="application/json",
    )
    assert response.status_code == 422 and "未知的监护人候选类型" in response.json()["detail"]


def test_person_guardianship_and_agreements(care, world, login):
    client = login(world.users.town1)
    data = client.get(f"/api/v1/persons/{care.p1.pk}/guardianship").json()
    assert data["current"]["guardian_name"] == "张建国" and data["current"]["category"] == "I"
    assert data["needs_guardian"] and data["proposal"] is None
    assert [c["name"] for c in data["candidates"]] == ["王桂英", "张建国"]
    assert len(data["history"]) == 1
    agreements = client.get(f"/api/v1/persons/{care.p1.pk}/agreements").json()
    assert agreements[0]["status"] == "generated" and agreements[0]["has_docx"]
    assert [d["key"] for d in agreements[0]["duties"]] == ["daily_watch", "hospital_escort", "protect_rights"]


def test_open_determination_is_returned_with_the_proposal(world, login, f):
    ward = f.person(world.v1b)
    f.candidate(ward, "individual", "张小虎")
    data = login(world.users.town1).get(f"/api/v1/persons/{ward.pk}/guardianship").json()
    assert data["current"] is None
    assert data["proposal"]["category"] == "II" and data["proposal"]["awaiting_consent"] is True


def test_bearer_token_works_and_is_scoped(care, world, client):
    from doudi.core.services import token_issue

    token = token_issue(user=world.users.town2)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get(f"/api/v1/persons/{care.p2.pk}/guardianship", **headers).status_code == 200
    assert client.get(f"/api/v1/persons/{care.p1.pk}/guardianship", **headers).status_code == 404
