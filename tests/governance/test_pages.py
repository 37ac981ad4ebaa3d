"""The pages a user works on: awarding with evidence, the scheme page, bad input with a message."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from doudi.core.models import AuditEntry, Upload
from doudi.governance.models import Entry, Scheme

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def item(scheme, code):
    return scheme.items.get(code=code)


def _award(client, g, evidence=None, **extra):
    data = {
        "scheme": g.market1.pk,
        "subject": g.wang.pk,
        "item": item(g.market1, "filial").pk,
        "source": "village",
        "occurred_on": timezone.localdate().isoformat(),
        "note": "照顾老人",
        **extra,
    }
    if evidence is not None:
        data["evidence"] = evidence
    return client.post("/governance/award/", data, follow=True)


def test_award_with_a_photo_keeps_the_evidence(gw, login):
    client = login(gw.u.village1)
    r = _award(client, gw, SimpleUploadedFile("p.jpg", JPEG, "image/jpeg"))
    assert "已为王家记分" in r.content.decode()
    entry = Entry.objects.get()
    assert entry.evidence is not None and entry.evidence.region_id == gw.world.v1.code
    page = client.get(f"/governance/subjects/{gw.wang.pk}/").content.decode()
    assert "孝老爱亲" in page and "有证明材料" in page


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_written(gw, login):
    client = login(gw.u.village1)
    before = (Entry.objects.count(), Upload.objects.count(), AuditEntry.objects.count())
    r = _award(client, gw, SimpleUploadedFile("p.jpg", b"not an image at all", "image/jpeg"))
    assert "不是图片" in r.content.decode()
    r = _award(client, gw, occurred_on="2020-13-01")
    assert "日期格式不对" in r.content.decode()
    assert (Entry.objects.count(), Upload.objects.count(), AuditEntry.objects.count()) == before


def test_overlapping_lines_from_the_page_are_refused(gw, login):
    client = login(gw.u.town1)
    r = client.post(
        f"/governance/{gw.org1.pk}/lines/", {"red": "80", "yellow": "70", "blue": "90"}, follow=True
    )
    assert "预警线重叠或顺序不对" in r.content.decode()
    assert Scheme.objects.get(pk=gw.org1.pk).lines["red"] == "60"


def test_scheme_page_and_setting_up_from_an_example(gw, login):
    client = login(gw.u.county)
    r = client.post(
        "/governance/new/", {"example": "member-dual", "region": gw.world.county.code}, follow=True
    )
    assert "积分方案已建立" in r.content.decode()
    r = client.post("/governance/new/", {"example": "nope", "region": gw.world.county.code}, follow=True)
    assert "没有这个示例方案" in r.content.decode()
    scheme = Scheme.objects.get(region=gw.world.county, key="member-dual")
    page = login(gw.u.village1).get(f"/governance/{scheme.pk}/").content.decode()
    assert "参加党的组织生活" in page and "一票否决" in page
