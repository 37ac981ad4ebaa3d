"""Openness (村务公开): reviewed by the committee before publishing; the public page, without a
login, shows published items only and masks ID numbers, phone numbers and house numbers."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from doudi.registry.idcard import make_id_number
from doudi.village import services as svc
from doudi.village.selectors import public_text

V1 = "990121100001"


def test_only_published_items_are_public_and_personal_numbers_are_masked(client, vw):
    number = make_id_number(V1, dt.date(1950, 2, 3), 7)
    item = svc.openness_submit(
        actor=vw.u.keeper1,
        village=vw.world.v1,
        category="assistance",
        title="2026年第二季度特困人员名单",
        body=f"张福生，身份证号{number}，电话13812345678，住三组12号。",
    )
    page = client.get(f"/village/public/{V1}/").content.decode()
    assert "特困人员名单" not in page and "月财务收支" not in page
    svc.openness_review(actor=vw.u.member1, item=item, publish=True)
    page = client.get(f"/village/public/{V1}/").content.decode()
    assert "特困人员名单" in page and "张福生" in page
    assert number not in page and number[:6] + "********" + number[-4:] in page
    assert "13812345678" not in page and "138****5678" in page
    assert "12号" not in page
    data = client.get(f"/api/v1/village/public/{V1}").json()
    assert [i["title"] for i in data["items"]] == ["2026年第二季度特困人员名单"]
    assert number not in str(data) and "13812345678" not in str(data)
    assert client.get("/village/public/990121101201/").status_code == 200
    assert client.get("/village/public/990121100000/").status_code == 404  # a township is no village


def test_returning_needs_a_reason_and_only_members_review(vw):
    with pytest.raises(ValidationError, match="理由"):
        svc.openness_review(actor=vw.u.member1, item=vw.item1, publish=False)
    with pytest.raises(PermissionDenied):
        svc.openness_review(actor=vw.u.keeper1, item=vw.item1, publish=True)


@pytest.mark.parametrize(
    "text, hidden, shown",
    [
        ("联系电话 0591-87654321", "87654321", "0591-****4321"),
        ("手机13900001111", "13900001111", "139****1111"),
        ("住五组8号", "8号", "＊号"),
        ("金额1200.00元", None, "1200.00元"),
    ],
)
def test_public_text(text, hidden, shown):
    out = public_text(text)
    assert shown in out and (hidden is None or hidden not in out)


def test_the_poster_has_a_qr_code_to_the_public_page(login, vw):
    page = login(vw.u.keeper1).get(f"/village/{V1}/poster/").content.decode()
    assert "<svg" in page and f"/village/public/{V1}/" in page


def test_inquiries_are_answered_in_writing(login, vw):
    client = login(vw.u.keeper1)
    client.post(f"/village/inquiries/{vw.inquiry1.pk}/answer/", {"answer": "系接待县检查组午餐，附清单。"})
    vw.inquiry1.refresh_from_db()
    assert vw.inquiry1.answer.startswith("系接待") and vw.inquiry1.answered_on == vw.today
    with pytest.raises(ValidationError):
        svc.inquiry_answer(actor=vw.u.keeper1, inquiry=vw.inquiry1, answer="again")
