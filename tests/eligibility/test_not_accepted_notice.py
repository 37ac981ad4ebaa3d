"""The written notice for 不予受理 (issue 15), like the one for 不予认定: the reasons, due within
the county's refusal-notice limit (3 working days in the county's calendar), a .docx from the
county's template, reachable from the case and the person page, for the person's township only."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from docx import Document

from doudi.core import calendar as work_calendar
from doudi.core.models import AuditEntry
from doudi.core.workdays import add_working_days
from doudi.eligibility import services
from doudi.eligibility.models import Case, CaseDocument
from doudi.registry.models import Person

from .conftest import FACTS, days_ago

REASON = "申请人不属于老年人、残疾人或未成年人\n申请材料中未提供户籍证明"


def _text(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def _not_accepted(world, person, on=None):
    case = services.application_record(
        actor=world.users.town1, person=person, received_on=days_ago(6), facts=FACTS
    )
    return services.case_not_accept(actor=world.users.town1, case=case, on=on or days_ago(5), reason=REASON)


def test_not_accepted_waits_for_the_notice_due_in_three_working_days(world, elig):
    case = _not_accepted(world, elig.old1)
    assert case.stage == "notice" and case.outcome == "not_accepted"
    step = case.steps.get(code="notice")
    cal = work_calendar.load_work_calendar(world.v1.code)
    assert step.working_days == 3 and step.due_on == add_working_days(days_ago(5), 3, cal)
    assert Person.objects.get(pk=elig.old1.pk).status == "not_accepted"


def test_the_notice_is_a_docx_with_the_reasons_signed_by_the_township(world, elig):
    case = _not_accepted(world, elig.old1)
    doc = services.notice_issue(actor=world.users.town1, case=case, issued_on=dt.date.today())
    assert doc.title == "不予受理特困人员救助供养申请告知书" and doc.kind == CaseDocument.Kind.NOTICE
    with doc.upload.file.open("rb") as fh:
        text = _text(fh.read())
    assert "不予受理特困人员救助供养申请告知书" in text and "决定不予受理" in text
    assert "申请人不属于老年人、残疾人或未成年人" in text and "未提供户籍证明" in text
    assert "青石镇人民政府" in text and "民政局" not in text.split("理由如下")[-1]
    assert elig.old1.id_number not in text  # masked: the notice is handed out
    case.refresh_from_db()
    assert case.stage == "closed" and case.steps.get(code="notice").done_on == dt.date.today()
    assert AuditEntry.objects.filter(object_type="eligibility.case", object_id=str(case.pk)).count() >= 3


def test_the_countys_own_not_accepted_template_is_used(settings, tmp_path, world, elig):
    settings.DATA_DIR = str(tmp_path)
    folder = tmp_path / "templates" / "eligibility" / "990121"
    folder.mkdir(parents=True)
    template = Document()
    template.add_paragraph(
        "安和县专用不予受理告知书 {{ name }}：{% for line in reasons %}{{ line }}；{% endfor %}"
    )
    template.save(str(folder / "not_accepted.docx"))
    case = _not_accepted(world, elig.old1)
    doc = services.notice_issue(actor=world.users.town1, case=case, issued_on=dt.date.today())
    with doc.upload.file.open("rb") as fh:
        text = _text(fh.read())
    assert "安和县专用不予受理告知书 赵老汉：申请人不属于老年人、残疾人或未成年人；" in text


def test_bad_dates_are_refused_in_chinese_and_change_nothing(world, elig):
    case = services.application_record(
        actor=world.users.town1, person=elig.old1, received_on=days_ago(6), facts=FACTS
    )
    for on, message in (
        (days_ago(8), "不能早于申请日期"),
        (dt.date.today() + dt.timedelta(days=2), "不能晚于今天"),
    ):
        with pytest.raises(ValidationError, match=message):
            services.case_not_accept(actor=world.users.town1, case=case, on=on, reason=REASON)
    case.refresh_from_db()
    assert case.stage == "applied" and not case.steps.exists()
    services.case_not_accept(actor=world.users.town1, case=case, on=days_ago(5), reason=REASON)
    with pytest.raises(ValidationError, match="不能早于本环节开始日期"):
        services.notice_issue(actor=world.users.town1, case=case, issued_on=days_ago(6))
    assert not CaseDocument.objects.exists() and Case.objects.get(pk=case.pk).stage == "notice"


def test_from_the_pages_and_only_for_the_persons_township(world, elig):
    from django.test import Client

    def login(user):
        client = Client()
        client.force_login(user)
        return client

    case = services.application_record(
        actor=world.users.town1, person=elig.old1, received_on=days_ago(6), facts=FACTS
    )
    client = login(world.users.town1)
    response = client.post(
        f"/eligibility/cases/{case.pk}/not_accept/", {"on": days_ago(5).isoformat(), "reason": REASON}
    )
    assert response.status_code == 302
    page = client.get(f"/eligibility/cases/{case.pk}/").content.decode()
    assert 'id="act-notice"' in page and 'data-step="notice"' in page
    person_page = client.get(f"/eligibility/persons/{elig.old1.pk}/").content.decode()
    assert f"/eligibility/cases/{case.pk}/notice/" in person_page
    other = login(world.users.town2)
    assert other.get(f"/eligibility/cases/{case.pk}/notice/").status_code == 404
    assert (
        other.post(f"/eligibility/cases/{case.pk}/notice/", {"on": dt.date.today().isoformat()}).status_code
        == 404
    )
    assert not CaseDocument.objects.exists()
    assert (
        client.post(f"/eligibility/cases/{case.pk}/notice/", {"on": dt.date.today().isoformat()}).status_code
        == 302
    )
    doc = CaseDocument.objects.get(case=case)
    person_page = client.get(f"/eligibility/persons/{elig.old1.pk}/").content.decode()
    assert (
        f"/eligibility/documents/{doc.pk}/" in person_page
        and "不予受理特困人员救助供养申请告知书" in person_page
    )
    download = client.get(f"/eligibility/documents/{doc.pk}/")
    assert download.status_code == 200 and "不予受理" in _text(b"".join(download.streaming_content))
    assert other.get(f"/eligibility/documents/{doc.pk}/").status_code == 404
