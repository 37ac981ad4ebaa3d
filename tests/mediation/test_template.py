"""The county's own agreement template: upload (good, bad placeholders, unknown placeholders, not
a .docx), the agreement generated from it (opened with python-docx), revert, the settings page,
the audit entries, and who may do it (the county's own officers only)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from doudi.core.models import AuditEntry, Upload
from doudi.core.roles import Role
from doudi.mediation import documents
from doudi.mediation.agreement_template import DEFAULT_PATH
from doudi.mediation.models import AgreementTemplate

COUNTY = "990121000000"
MARKER = "安和县司法局监制"


def docx(*lines, base=True) -> bytes:
    doc = Document(str(DEFAULT_PATH)) if base else Document()
    for line in lines:
        doc.add_paragraph(line)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def upload(client, data: bytes, name="县模板.docx"):
    return client.post(
        f"/mediation/settings/{COUNTY}/template/",
        {"template": SimpleUploadedFile(name, data)},
        follow=True,
    )


def texts(body: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(body)).paragraphs)


def errors(response) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level_tag == "error"]


def test_the_fields_are_the_agreement_context(mw):
    assert set(documents.FIELDS) == set(documents.agreement_context(mw.settled1)) == set(documents.SAMPLE)


def test_a_county_template_is_used_for_the_countys_agreements(login, mw):
    client = login(mw.world.users.county)
    r = upload(client, docx(f"{MARKER}：{{{{ number }}}}"))
    assert r.status_code == 200 and not errors(r)
    own = AgreementTemplate.objects.get(region_id=COUNTY)
    assert own.upload.original_name == "县模板.docx" and own.upload.kind == "mediation_agreement_template"
    body = login(mw.world.users.town1).get(f"/mediation/disputes/{mw.settled1.pk}/agreement.docx").content
    assert f"{MARKER}：{mw.settled1.number}" in texts(body)
    assert "每月支付赡养费300元。" in texts(body)  # the rest of the default is still filled in
    client = login(mw.world.users.county)  # one test client: login() switches its user
    page = client.get(f"/mediation/settings/{COUNTY}/").content.decode()
    assert "县模板.docx" in page and 'id="template-current"' in page and 'id="template-revert"' in page
    current = client.get(f"/mediation/settings/{COUNTY}/template/current.docx")
    assert MARKER in texts(current.content)
    entry = AuditEntry.objects.filter(object_type="mediation.agreementtemplate").latest("seq")
    assert entry.action == "create" and entry.actor_id == mw.world.users.county.pk
    assert entry.extra["file"] == "县模板.docx"


def test_without_a_county_template_the_default_is_used(login, mw):
    body = login(mw.world.users.town1).get(f"/mediation/disputes/{mw.settled1.pk}/agreement.docx").content
    assert MARKER not in texts(body) and "人民调解协议书" in texts(body)
    client = login(mw.world.users.county)
    page = client.get(f"/mediation/settings/{COUNTY}/").content.decode()
    assert 'id="template-default"' in page and 'id="template-current"' not in page
    default = client.get(f"/mediation/settings/{COUNTY}/template/default.docx")
    assert default.status_code == 200 and default.content == DEFAULT_PATH.read_bytes()


def test_a_second_upload_replaces_the_first_and_revert_returns_to_the_default(login, mw):
    client = login(mw.world.users.county)
    upload(client, docx("第一版 {{ number }}"))
    upload(client, docx(f"{MARKER}第二版"), name="第二版.docx")
    assert AgreementTemplate.objects.get().upload.original_name == "第二版.docx"
    assert AuditEntry.objects.filter(object_type="mediation.agreementtemplate", action="update").exists()
    r = client.post(f"/mediation/settings/{COUNTY}/template/revert/", follow=True)
    assert not errors(r) and not AgreementTemplate.objects.exists()
    assert Upload.objects.filter(kind="mediation_agreement_template").count() == 2  # originals kept
    body = login(mw.world.users.town2).get(f"/mediation/disputes/{mw.settled2.pk}/agreement.docx").content
    assert MARKER not in texts(body)
    assert AuditEntry.objects.filter(object_type="mediation.agreementtemplate", action="delete").exists()
    client = login(mw.world.users.county)
    r = client.post(f"/mediation/settings/{COUNTY}/template/revert/", follow=True)
    assert errors(r) == ["本县已在使用系统默认模板。"]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (docx("印章：{{ seal_text }}，{{ county_name }}"), "t.docx", "{{ county_name }}、{{ seal_text }}"),
        (docx("{% for q in parties %}{{ q.nmae }}{% endfor %}"), "t.docx", "nmae"),
        (docx("编号：{{ number "), "t.docx", "占位符写法有误"),
        (b"this is not a word file", "t.docx", "无法打开"),
        (b"%PDF-1.4\n" + b"0" * 64, "t.docx", "无法打开"),
        (docx("{{ number }}"), "t.doc", "另存为 .docx"),
        (b"", "t.docx", "空文件"),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_message(login, mw, data, name, message):
    client = login(mw.world.users.county)
    before = (Upload.objects.count(), AuditEntry.objects.count())
    r = upload(client, data, name=name)
    assert len(errors(r)) == 1 and message in errors(r)[0], errors(r)
    assert not AgreementTemplate.objects.exists()
    assert (Upload.objects.count(), AuditEntry.objects.count()) == before


def test_unknown_placeholders_are_listed_in_chinese(login, mw):
    r = upload(login(mw.world.users.county), docx("{{ seal_text }}"))
    assert errors(r) == [
        "模板中有系统不认识的占位符：{{ seal_text }}。可以使用的占位符：" + "、".join(documents.FIELDS) + "。"
    ]


def test_only_the_countys_own_officers_change_it(login, make, mw):
    w = mw.world
    good = docx(MARKER)
    urls = [
        f"/mediation/settings/{COUNTY}/template/",
        f"/mediation/settings/{COUNTY}/template/revert/",
    ]
    gets = [
        f"/mediation/settings/{COUNTY}/template/current.docx",
        f"/mediation/settings/{COUNTY}/template/default.docx",
    ]
    # a township's clerk: the county is not in its area
    town = login(w.users.town1)
    assert town.post(urls[0], {"template": SimpleUploadedFile("t.docx", good)}).status_code == 404
    assert town.post(urls[1]).status_code == 404
    for url in gets:
        assert town.get(url).status_code == 404
    assert 'id="agreement-template"' not in town.get(f"/mediation/settings/{w.t1.code}/").content.decode()
    # another county's officer: 404
    other = make.region("990122000000", "平川县", 3, w.city)
    officer = make.user("pingchuan", other, [Role.COUNTY_OFFICER])
    client = login(officer)
    assert client.post(urls[0], {"template": SimpleUploadedFile("t.docx", good)}).status_code == 404
    for url in gets:
        assert client.get(url).status_code == 404
    # a county leader reads mediation but does not manage it
    leader = login(mw.leader)
    assert leader.post(urls[0], {"template": SimpleUploadedFile("t.docx", good)}).status_code == 403
    assert leader.get(gets[1]).status_code == 403
    assert not AgreementTemplate.objects.exists()
    # the county's own officer may; the other county's agreements do not change
    assert upload(login(w.users.county), good).status_code == 200
    assert AgreementTemplate.objects.get().region_id == COUNTY
    assert login(officer).get(f"/mediation/settings/{other.code}/template/current.docx").content == (
        DEFAULT_PATH.read_bytes()
    )
