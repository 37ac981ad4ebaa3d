"""Guardianship in the browser: a township clerk lists the candidates of a ward with limited
civil capacity, sees the proposal and confirms the guardian, prepares the 监护照料协议, downloads
the Word document and puts it in force with the signed scan. An inspector then asks for the
guardian to be replaced; the township approves, the determination opens again and a willing
neighbour (category Ⅱ) is confirmed once the residents' committee's consent is recorded. Another
township sees none of it.

The care pages are driven through their stable ids; the assertions read the names and the
Chinese texts the rules produce, not the interface labels."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from docx import Document

from doudi.guardianship import services as care
from doudi.guardianship.models import Agreement, Guardianship, ReplacementCase
from doudi.registry import services as registry
from doudi.registry.idcard import make_id_number

from ..conftest import PASSWORD  # noqa: TID252
from .conftest import log_in  # noqa: TID252

pytestmark = pytest.mark.browser

WARD = "刘桂兰"
SPOUSE = "王德福"
DAUGHTER = "王秀芳"
NEIGHBOUR = "赵玉梅"
SIGNED_PDF = b"%PDF-1.4\n% signed guardianship-care agreement\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


# ---- data made through the services, as the registry and care tests do -------------------------


def _ward(w):
    """A supported woman in 青石社区 (town1's township) with limited civil capacity."""
    birth = dt.date(1956, 4, 12)
    return registry.person_create(
        actor=w.users.town1,
        name=WARD,
        id_number=make_id_number(w.v1.code, birth, 52),
        village=w.v1,
        civil_capacity="limited",
        civil_capacity_basis="安和县人民法院（2023）民特12号判决",
    )


def _with_first_guardian(w, ward):
    """The husband cannot act; the daughter is confirmed and her agreement is in force."""
    clerk = w.users.town1
    care.candidate_create(
        actor=clerk,
        person=ward,
        kind="spouse",
        name=SPOUSE,
        relation="丈夫",
        age=70,
        able=False,
        reason_unable="脑梗后偏瘫，无力履行监护职责",
        willing=True,
    )
    care.candidate_create(
        actor=clerk,
        person=ward,
        kind="child",
        name=DAUGHTER,
        relation="长女",
        age=44,
        phone="13900000002",
        able=True,
        willing=True,
    )
    guardianship = care.guardianship_confirm(actor=clerk, person=ward)
    today = dt.date.today()
    agreement = care.agreement_create(
        actor=clerk,
        guardianship=guardianship,
        duties=[{"key": "daily_watch", "detail": ""}, {"key": "hospital_escort", "detail": ""}],
        visit_frequency="每周上门探视不少于2次",
        contact="监护人电话13900000002",
        emergency_steps="1. 拨打120\n2. 报告居委会",
        other_terms="",
        start_on=today,
        end_on=today.replace(year=today.year + 3) - dt.timedelta(days=1),
    )
    care.agreement_generate(actor=clerk, agreement=agreement, pdf=False)
    care.agreement_sign(actor=clerk, agreement=agreement, scan=SimpleUploadedFile("签字.pdf", SIGNED_PDF))
    return guardianship, agreement


# ---- page helpers ---------------------------------------------------------------------------------


def _zh(day):
    """A date as the zh-Hans pages print it."""
    return f"{day.year}年{day.month}月{day.day}日"


def _status_label(record):
    """The status as the zh-Hans pages show it (whatever the catalogue says today)."""
    with translation.override("zh-hans"):
        return str(record.get_status_display())


def _switch(page, username):
    page.context.clear_cookies()
    log_in(page, username, PASSWORD)
    page.wait_for_selector("header .who")


def _open_guardianship(page, ward):
    page.goto(f"/care/persons/{ward.pk}/guardianship/")
    page.wait_for_selector("#candidates")


def _add_candidate(
    page, kind, name, *, relation="", age=None, phone="", able=True, reason="", willing=True, shot=None
):
    page.click("#add-candidate")
    page.wait_for_selector("#candidate-form")
    page.select_option("#id_kind", kind)
    page.fill("#id_name", name)
    page.fill("#id_relation", relation)
    if age is not None:
        page.fill("#id_age", str(age))
    page.fill("#id_phone", phone)
    page.set_checked("#id_able", able)
    page.fill("#id_reason_unable", reason)
    page.set_checked("#id_willing", willing)
    if shot:
        shot(page)
    page.click("#save-candidate")
    page.locator("#candidates tbody tr", has_text=name).wait_for()


# ---- 1. determination and agreement ---------------------------------------------------------------


def test_clerk_determines_the_guardian_and_puts_the_agreement_in_force(page, live_world, screenshot):
    w = live_world
    ward = _ward(w)
    _switch(page, "town1")

    # From the registry's person page, as a clerk would come.
    page.goto(f"/persons/{ward.pk}/")
    page.click("#guardianship-link")
    page.wait_for_selector("#candidates")
    assert WARD in page.inner_text("h1")
    assert page.locator("#current-guardian-name").count() == 0
    screenshot(page, "care-guardianship-no-candidates")

    _add_candidate(
        page,
        "spouse",
        SPOUSE,
        relation="丈夫",
        age=70,
        able=False,
        reason="脑梗后偏瘫，无力履行监护职责",
        shot=lambda pg: screenshot(pg, "care-candidate-form-spouse"),
    )
    _add_candidate(page, "child", DAUGHTER, relation="长女", age=44, phone="13900000002")

    assert page.inner_text("#proposed-name") == DAUGHTER
    assert "（I）" in page.inner_text("#proposed-category")
    passed_over = page.inner_text("#passed-over")
    assert SPOUSE in passed_over and "脑梗后偏瘫" in passed_over
    explanation = page.inner_text("#proposal-explanation")
    assert "配偶不具备监护能力（脑梗后偏瘫" in explanation and "Ⅰ类" in explanation
    assert page.locator("#awaiting-consent").count() == 0
    screenshot(page, "care-guardianship-proposal")

    page.click("#confirm-guardian")
    page.wait_for_selector("#current-guardian-name")
    assert page.inner_text("#current-guardian-name") == DAUGHTER
    assert "（I）" in page.inner_text("#current-category")
    assert "《民法典》第二十八条" in page.inner_text("#current-guardian")
    assert page.locator("#proposal").count() == 0
    screenshot(page, "care-guardianship-confirmed")

    # The agreement: four duties of six, the first one described in the clerk's own words.
    page.click("#new-agreement")
    page.wait_for_selector("#agreement-form")
    ticked = {"daily_watch", "hospital_escort", "protect_rights", "reporting"}
    for key in ("daily_watch", "daily_care", "hospital_escort", "legal_acts", "protect_rights", "reporting"):
        page.set_checked(f"#id_duty_{key}", key in ticked)
    page.fill("#id_detail_daily_watch", "每天上午上门看望一次，查看门窗、煤气和药品")
    page.fill("#id_visit_frequency", "每周上门探视不少于3次")
    screenshot(page, "care-agreement-new-form")
    page.click("#save-agreement")
    page.wait_for_selector("#agreement-status[data-status=draft]")
    agreement = Agreement.objects.get(person=ward)
    assert [d["key"] for d in agreement.duties] == [
        "daily_watch",
        "hospital_escort",
        "protect_rights",
        "reporting",
    ]
    duties = page.inner_text("#duties-list")
    assert "☑ 日常看护：每天上午上门看望一次" in duties and "☐ 生活照料" in duties
    screenshot(page, "care-agreement-draft")

    # Generating may take a few seconds when LibreOffice makes the PDF too.
    page.click("#generate-agreement")
    page.wait_for_selector("#agreement-status[data-status=generated]", timeout=120_000)
    with page.expect_download() as info:
        page.click("#download-docx")
    download = info.value
    assert download.suggested_filename.startswith(f"监护照料协议-{WARD}-")
    assert download.suggested_filename.endswith(".docx")
    doc = Document(io.BytesIO(open(download.path(), "rb").read()))
    text = "\n".join(
        [p.text for p in doc.paragraphs]
        + [p.text for t in doc.tables for r in t.rows for c in r.cells for p in c.paragraphs]
    )
    assert WARD in text and DAUGHTER in text
    assert "青石镇人民政府" in text and "青石社区居民委员会" in text
    assert "☑ 日常看护：每天上午上门看望一次，查看门窗、煤气和药品" in text
    assert "☐ 生活照料" in text and "☐ 代理实施民事法律行为" in text
    assert "每周上门探视不少于3次" in text
    if page.locator("#download-pdf").count():
        with page.expect_download() as info:
            page.click("#download-pdf")
        assert open(info.value.path(), "rb").read(5) == b"%PDF-"
    # The on-page preview masks the ID number; only the logged download carries it in full.
    assert ward.id_number not in page.inner_text("#preview")
    screenshot(page, "care-agreement-generated")

    # A text file is refused, in Chinese; the signed PDF puts the agreement in force.
    page.set_input_files("#id_scan", files=[{"name": "签字.txt", "mimeType": "text/plain", "buffer": b"x"}])
    page.click("#upload-signed")
    page.wait_for_selector("text=签字扫描件必须是 PDF 文件或图片")
    assert page.get_attribute("#agreement-status", "data-status") == "generated"
    screenshot(page, "care-agreement-scan-refused")
    page.set_input_files(
        "#id_scan",
        files=[{"name": "监护照料协议-签字.pdf", "mimeType": "application/pdf", "buffer": SIGNED_PDF}],
    )
    page.click("#upload-signed")
    page.wait_for_selector("#agreement-status[data-status=active]")
    assert page.locator("#download-scan").count() == 1
    assert page.locator("#sign-form").count() == 0 and page.locator("#agreement-form").count() == 0
    with page.expect_download() as info:
        page.click("#download-scan")
    assert open(info.value.path(), "rb").read() == SIGNED_PDF
    screenshot(page, "care-agreement-active")

    page.click(f".breadcrumb >> text={WARD}")
    page.wait_for_url(f"**/care/persons/{ward.pk}/guardianship/")
    page.wait_for_selector("#agreements")
    row = page.locator(f"#agreements tr[data-agreement='{agreement.pk}']")
    assert agreement.number in row.inner_text()
    agreement.refresh_from_db()
    assert row.inner_text().strip().endswith(_status_label(agreement))
    assert agreement.status == "active" and agreement.signed_on == dt.date.today()
    screenshot(page, "care-guardianship-with-agreement")


# ---- 2–3. replacement and a category Ⅱ guardian ----------------------------------------------------


def test_inspector_starts_a_replacement_and_the_township_determines_again(page, live_world, screenshot):
    w = live_world
    ward = _ward(w)
    first, agreement = _with_first_guardian(w, ward)

    _switch(page, "inspector")
    _open_guardianship(page, ward)
    assert page.inner_text("#current-guardian-name") == DAUGHTER
    # An inspector supervises: no candidate or agreement buttons, only the replacement.
    assert page.locator("#add-candidate").count() == 0 and page.locator("#new-agreement").count() == 0
    page.click("#start-replacement")
    page.wait_for_selector("#replacement-form")
    page.select_option("#id_ground", "neglect_danger")
    page.fill(
        "#id_facts", "入户检查发现监护人王秀芳长期外出务工、不闻不问，冬季被监护人屋内无取暖，生活无人照料。"
    )
    screenshot(page, "care-replacement-form-inspector")
    page.click("#submit-replacement")
    page.wait_for_selector("#replacement-status[data-status=pending]")
    case = ReplacementCase.objects.get(person=ward)
    facts = page.inner_text("#replacement-facts")
    assert "《民法典》第三十六条第一款第二项" in facts and DAUGHTER in facts and "冬季" in facts
    assert page.locator("#decide-form").count() == 0  # the township decides, not the inspector
    screenshot(page, "care-replacement-pending-inspector")
    _open_guardianship(page, ward)
    assert page.locator("#pending-replacement").count() == 1
    assert page.locator("#start-replacement").count() == 0  # one pending request at a time

    # ---- the township approves ----
    _switch(page, "town1")
    _open_guardianship(page, ward)
    page.click("#pending-replacement a")
    page.wait_for_selector("#decide-form")
    screenshot(page, "care-replacement-decide-town1")
    page.check("input[name=decision][value=approve]")
    page.fill("#id_note", "经镇政府研究，同意撤销王秀芳的监护人资格")
    page.click("#decide")
    page.wait_for_url(f"**/care/persons/{ward.pk}/guardianship/")
    page.wait_for_selector("#proposal")
    assert page.locator("#current-guardian-name").count() == 0
    first.refresh_from_db()
    agreement.refresh_from_db()
    case.refresh_from_db()
    assert case.status == "approved" and first.status == "ended" and agreement.status == "ended"
    # The history keeps the old guardian with the end and its ground; the agreement has ended.
    history = page.locator(f"#history tr[data-guardianship='{first.pk}']")
    assert "inactive" in (history.get_attribute("class") or "")
    history_text = history.inner_text()
    assert DAUGHTER in history_text and _zh(first.ended_on) in history_text
    assert "怠于履行监护职责" in history_text
    assert _status_label(agreement) in page.inner_text(f"#agreements tr[data-agreement='{agreement.pk}']")
    # Nobody can be proposed: the husband is unable and the daughter was removed.
    passed_over = page.inner_text("#passed-over")
    assert SPOUSE in passed_over and DAUGHTER in passed_over and "撤销监护人资格" in passed_over
    assert page.locator("#proposed-name").count() == 0
    screenshot(page, "care-replacement-approved-determination-open")

    # ---- a willing neighbour: category Ⅱ, consent first ----
    _add_candidate(page, "individual", NEIGHBOUR, relation="邻居", age=52, phone="13700000003")
    assert page.inner_text("#proposed-name") == NEIGHBOUR
    assert "（II）" in page.inner_text("#proposed-category")
    assert page.locator("#awaiting-consent").is_visible()
    screenshot(page, "care-guardianship-awaiting-consent")

    page.click("#confirm-guardian")
    page.wait_for_selector(".messages .msg-error")
    assert "Ⅱ" in page.inner_text(".messages .msg-error")  # names the category Ⅱ rule
    assert page.locator("#current-guardian-name").count() == 0
    assert not Guardianship.objects.filter(person=ward, status="active").exists()
    screenshot(page, "care-guardianship-confirm-refused")

    page.click("#record-consent")
    page.wait_for_selector("#consent-form")
    assert NEIGHBOUR in page.inner_text("h1")
    page.select_option("#id_body", "village_committee")
    page.check("input[name=granted][value='1']")
    page.fill("#id_note", "居委会会议同意由邻居赵玉梅担任监护人")
    page.set_input_files(
        "#id_document",
        files=[{"name": "居委会同意书.pdf", "mimeType": "application/pdf", "buffer": SIGNED_PDF}],
    )
    screenshot(page, "care-consent-form")
    page.click("#save-consent")
    page.wait_for_url(f"**/care/persons/{ward.pk}/guardianship/")
    page.wait_for_selector("#proposal")
    assert page.locator("#awaiting-consent").count() == 0
    neighbour_row = page.locator("#candidates tbody tr", has_text=NEIGHBOUR).inner_text()
    assert "青石社区居民委员会" in neighbour_row and _zh(dt.date.today()) in neighbour_row

    page.click("#confirm-guardian")
    page.wait_for_selector("#current-guardian-name")
    assert page.inner_text("#current-guardian-name") == NEIGHBOUR
    assert "（II）" in page.inner_text("#current-category")
    assert "经青石社区居民委员会同意" in page.inner_text("#current-guardian")
    assert page.locator("#history tbody tr").count() == 2
    screenshot(page, "care-guardianship-category-ii-confirmed")
    assert list(
        Guardianship.objects.filter(person=ward).order_by("pk").values_list("guardian_name", "status")
    ) == [(DAUGHTER, "ended"), (NEIGHBOUR, "active")]


# ---- 4. another township ---------------------------------------------------------------------------


def test_another_township_gets_404_and_no_name(page, live_world):
    w = live_world
    ward = _ward(w)
    first, agreement = _with_first_guardian(w, ward)
    case = care.replacement_start(
        actor=w.users.inspector, guardianship=first, ground="guardian_died", facts="监护人病故"
    )

    _switch(page, "town2")
    for url in (
        f"/care/persons/{ward.pk}/guardianship/",
        f"/care/persons/{ward.pk}/guardianship/replace/",
        f"/care/persons/{ward.pk}/agreements/new/",
        f"/care/agreements/{agreement.pk}/",
        f"/care/agreements/{agreement.pk}/file/scan/",
        f"/care/replacements/{case.pk}/",
    ):
        response = page.goto(url)
        assert response.status == 404, url
        body = page.content()
        assert WARD not in body and DAUGHTER not in body, url
