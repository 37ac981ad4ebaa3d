"""The person registry in the browser (issue 3), driven as a township clerk works.

1. The ledger: the clerk downloads the template, fills it in, uploads a file with two wrong rows,
   reads the preview (counts, and each error's row, column and reason), uploads the corrected
   file, imports it, finds a person by pinyin and sees the import in the history; the same file
   uploaded again changes nothing.
2. Registering a person by the form on a phone; the same ID number again is refused with a link
   to the record, and another township is told only whom to contact.
3. The full ID number is shown on request (htmx) to a clerk, and never offered to village staff.
4. The county exports a township's ledger with masked ID numbers.

The pages are driven through stable ids and form field names; the assertions read names,
numbers and the Chinese texts the rules produce (ID and village errors), not interface labels,
which are still being translated."""

import datetime as dt
import re

import pytest
from django.utils import translation
from openpyxl import load_workbook
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from doudi.core.models import AuditEntry
from doudi.registry import services as registry
from doudi.registry.idcard import make_id_number, mask_certificate_number, mask_id_number
from doudi.registry.models import LedgerImport, Person

from ..conftest import PASSWORD  # noqa: TID252
from .conftest import log_in, menu  # noqa: TID252

pytestmark = pytest.mark.browser

COUNTY_CODE = "990121"
HEADERS = [
    "姓名",
    "身份证号",
    "联系电话",
    "村(居)委会",
    "村(居)区划代码",
    "住址",
    "残疾类别",
    "残疾等级",
    "残疾证号",
    "民事行为能力",
    "民事行为能力依据",
    "婚姻状况",
    "供养方式",
    "状态",
    "申请日期",
    "供养开始日期",
    "终止日期",
    "备注",
]


def idn(birth, seq):
    return make_id_number(COUNTY_CODE, birth, seq)


def bad_check(number):
    """The same number with a wrong check character, as a clerk mistypes it."""
    wrong = "1" if number[17] != "1" else "2"
    return number[:17] + wrong


# ---- page helpers ---------------------------------------------------------------------------------


def _switch(page, username):
    page.context.clear_cookies()
    log_in(page, username, PASSWORD)
    page.wait_for_selector("header .who")


def _zh(label):
    """A choice label as the zh-Hans pages show it (whatever the catalogue says today)."""
    with translation.override("zh-hans"):
        return str(label)


def _numbers(text):
    return sorted(int(n) for n in re.findall(r"\d+", text))


def _report_counts(page):
    """The numbers of the preview's summary line: rows read, new, changed, unchanged."""
    return _numbers(page.inner_text("#ledger-status section.report > p"))


def _errors(page):
    """The error table as [(row, column, reason)]."""
    rows = page.locator("#ledger-status table.errors tbody tr")
    return [tuple(c.strip() for c in r.locator("td").all_inner_texts()) for r in rows.all()]


def _upload(page, path, shot=None):
    page.goto("/ledger/import/")
    page.wait_for_selector("input[name=file]")
    page.set_input_files("input[name=file]", str(path))
    page.check("input[name=mode][value=all]")
    if shot:
        shot(page)
    page.click("main form.card button[type=submit]")
    page.wait_for_url(re.compile(r"/ledger/imports/\d+/$"))
    page.wait_for_selector("#ledger-status section.report")
    return LedgerImport.objects.latest("pk")


def _commit(page, record):
    page.click(f"#ledger-status form[action='/ledger/imports/{record.pk}/commit/'] button[type=submit]")
    page.wait_for_selector(".messages .msg-success")
    record.refresh_from_db()
    return record


def _search(page, text, expected_names):
    # htmx is a deferred script: an input event before it has processed the page would be lost.
    page.wait_for_load_state("load")
    page.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")
    page.fill("#id_q", text)
    rows = page.locator("#results table.persons tbody tr")
    expect(rows).to_have_count(len(expected_names))
    for name in expected_names:
        expect(page.locator("#results table.persons tbody")).to_contain_text(name)
    page.wait_for_url(re.compile(rf"[?&]q={text}"))


# ---- 1. ledger import ------------------------------------------------------------------------------


LEDGER_PEOPLE = [
    # name, birth, sequence (odd = male), village key, address, extra cells
    ("张三丰", dt.date(1946, 3, 15), 11, "v1", "青石社区3组12号", {}),
    ("李秀兰", dt.date(1952, 11, 2), 22, "v1b", "东山村1组5号", {"婚姻状况": "丧偶"}),
    ("王德福", dt.date(1955, 6, 30), 33, "v1", "青石社区5组8号", {"联系电话": "13912345678"}),
    ("赵桂芳", dt.date(1949, 1, 20), 44, "v1b", "东山村4组21号", {}),
    (
        "陈玉梅",
        dt.date(1978, 9, 9),
        56,
        "v1b",
        "东山村2组3号",
        {
            "残疾类别": "智力",
            "残疾等级": "二级",
            "民事行为能力": "限制民事行为能力",
            "民事行为能力依据": "（2019）民特字第45号判决书",
        },
    ),
]


def _fill_template(template, target, w, *, mistakes):
    """The downloaded template filled in with openpyxl, as in Excel or WPS. With `mistakes`,
    李秀兰's ID number has a wrong check character and 赵桂芳 has the code of 柳河镇's 西河村."""
    book = load_workbook(template)
    sheet = book["台账"]
    col = {cell.value: cell.column for cell in sheet[1]}
    for r, (name, birth, seq, village_key, address, extra) in enumerate(LEDGER_PEOPLE, start=2):
        village = getattr(w, village_key)
        number = idn(birth, seq)
        if mistakes and name == "李秀兰":
            number = bad_check(number)
        if mistakes and name == "赵桂芳":
            village = w.v2
        cells = {
            "姓名": name,
            "身份证号": number,
            "村(居)委会": village.name,
            "村(居)区划代码": village.code,
            "住址": address,
            "民事行为能力": "完全民事行为能力",
            "供养方式": "分散",
            "状态": "在册",
            "申请日期": dt.date(2023, 2, 10),
            "供养开始日期": dt.date(2023, 4, 1),
            **extra,
        }
        for header, value in cells.items():
            sheet.cell(row=r, column=col[header], value=value)
    book.save(target)
    return target


def test_ledger_import_with_errors_fix_commit_and_find_by_pinyin(page, live_world, screenshot, tmp_path):
    w = live_world
    _switch(page, "town1")

    # ---- the template, from the ledger page ----
    menu(page, "/ledger/import/")
    page.wait_for_selector("main form.card input[name=file]")
    screenshot(page, "registry-ledger-import-page")
    with page.expect_download() as info:
        page.click("main a[href='/ledger/template.xlsx']")
    download = info.value
    assert download.suggested_filename == "特困人员台账模板.xlsx"
    template = tmp_path / download.suggested_filename
    download.save_as(template)
    book = CalamineWorkbook.from_path(str(template))
    assert book.sheet_names == ["台账", "填写说明", "区划代码"]
    assert book.get_sheet_by_name("台账").to_python() == [HEADERS]
    codes = book.get_sheet_by_name("区划代码").to_python()[1:]
    assert [(c, n) for c, n in codes] == [(w.v1.code, "青石社区"), (w.v1b.code, "东山村")]  # not 西河村

    # ---- a file with two wrong rows: the preview lists them, nothing is written ----
    wrong = _fill_template(template, tmp_path / "青石镇台账.xlsx", w, mistakes=True)
    record = _upload(page, wrong, shot=lambda pg: screenshot(pg, "registry-ledger-upload-form"))
    assert record.upload.original_name == "青石镇台账.xlsx"
    assert (record.status, record.rows, record.created, record.error_count) == ("checked", 5, 3, 2)
    assert _report_counts(page) == [0, 0, 3, 5]  # 5 rows read: 3 new, 0 changed, 0 unchanged
    assert "2" in page.inner_text("#ledger-status h3.error")
    errors = _errors(page)
    assert len(errors) == 2
    (row1, column1, reason1), (row2, column2, reason2) = errors
    li = idn(dt.date(1952, 11, 2), 22)
    assert (row1, column1) == ("3", "身份证号")  # the header is row 1: 李秀兰 is row 3
    assert "校验位错误" in reason1 and f"应为“{li[17]}”" in reason1
    assert (row2, column2) == ("5", "村(居)区划代码")
    assert w.v2.code in reason2 and "不在您的管辖范围内" in reason2
    # All or nothing: no plain "Import" button, only the offer to import the 3 correct rows.
    commit_form = page.locator(f"#ledger-status form[action='/ledger/imports/{record.pk}/commit/']")
    assert commit_form.locator("input[name=mode][value=valid]").count() == 1
    assert "3" in commit_form.locator("button[type=submit]").inner_text()
    assert not Person.objects.exists()
    screenshot(page, "registry-ledger-preview-errors")

    # ---- the corrected file: no errors, confirm, imported ----
    fixed_path = _fill_template(template, tmp_path / "青石镇台账-修正.xlsx", w, mistakes=False)
    fixed = _upload(page, fixed_path)
    assert fixed.pk != record.pk and (fixed.status, fixed.error_count) == ("checked", 0)
    assert _report_counts(page) == [0, 0, 5, 5]
    assert page.locator("#ledger-status table.errors").count() == 0
    assert page.locator("#ledger-status input[name=mode][value=all]").count() == 1
    assert not Person.objects.exists()  # still only a preview
    screenshot(page, "registry-ledger-preview-clean")
    fixed = _commit(page, fixed)
    assert (fixed.status, fixed.created, fixed.updated, fixed.unchanged) == ("done", 5, 0, 0)
    assert _numbers(page.inner_text(".messages .msg-success")) == [0, 0, 5]
    assert page.locator("#ledger-status form[action$='/commit/']").count() == 0  # cannot import twice
    assert page.locator("#ledger-status a[href='/ledger/import/']").count() == 1
    screenshot(page, "registry-ledger-imported")
    people = {p.name: p for p in Person.objects.select_related("village")}
    assert set(people) == {row[0] for row in LEDGER_PEOPLE}
    assert people["李秀兰"].id_number == li and people["赵桂芳"].village == w.v1b
    assert people["陈玉梅"].civil_capacity == "limited" and people["陈玉梅"].disability_grade == 2

    # ---- find by pinyin initials and full pinyin ----
    menu(page, "/persons/")
    page.wait_for_selector("#results table.persons")
    expect(page.locator("#results table.persons tbody tr")).to_have_count(5)
    _search(page, "zsf", ["张三丰"])
    screenshot(page, "registry-person-search-initials")
    _search(page, "lxl", ["李秀兰"])
    _search(page, "zhangsanfeng", ["张三丰"])
    page.click("#results table.persons tbody a:has-text('张三丰')")
    page.wait_for_url(f"**/persons/{people['张三丰'].pk}/")
    page.wait_for_selector("#history")
    assert "张三丰" in page.inner_text("h1")
    assert page.inner_text("#id-number .idno") == mask_id_number(idn(dt.date(1946, 3, 15), 11))
    assert "1946-03-15" in page.inner_text("#details")
    imported = page.locator("#history li.history-import")
    expect(imported).to_have_count(1)
    line = imported.inner_text()
    assert dt.date.today().isoformat() in line and str(w.users.town1) in line and "张三丰" in line
    screenshot(page, "registry-person-imported-history")

    # ---- the same file again: every row unchanged ----
    again = _upload(page, fixed_path)
    assert _report_counts(page) == [0, 0, 5, 5]  # 5 rows read: 0 new, 0 changed, 5 unchanged
    assert page.locator("#ledger-status table.errors").count() == 0
    screenshot(page, "registry-ledger-reupload-unchanged")
    again = _commit(page, again)
    assert (again.status, again.created, again.updated, again.unchanged) == ("done", 0, 0, 5)
    assert Person.objects.count() == 5
    assert AuditEntry.objects.filter(action="import", object_type="registry.person").count() == 5

    # The list of recent imports shows the three uploads.
    page.goto("/ledger/import/")
    recent = page.locator("main table tbody tr")
    expect(recent).to_have_count(3)
    assert "青石镇台账.xlsx" in page.inner_text("main table")


# ---- 2. registering on a phone -----------------------------------------------------------------


WARD_BIRTH = dt.date(1958, 7, 21)
WARD_ID = idn(WARD_BIRTH, 128)  # even sequence: a woman; the check character is X


def test_register_a_person_on_a_phone_and_the_same_id_again(phone, live_world, screenshot):
    w = live_world
    page = phone
    _switch(page, "town1")
    page.goto("/persons/")
    page.wait_for_selector("#results")
    page.click("main a[href='/persons/new/']")
    page.wait_for_selector("form.person-form")
    page.fill("#id_name", "孙凤英")
    assert WARD_ID.endswith("X")
    page.fill("#id_id_number", WARD_ID.lower())  # typed with a lower-case x
    page.fill("#id_phone", "13600001111")
    page.select_option("#id_village", w.v1b.code)
    page.fill("#id_address", "东山村6组9号")
    page.select_option("#id_marital_status", "widowed")
    page.select_option("#id_disability_kind", "mental")
    page.select_option("#id_disability_grade", "3")
    page.select_option("#id_civil_capacity", "limited")
    page.fill("#id_civil_capacity_basis", "（2021）民特字第8号判决书")
    page.select_option("#id_placement", "dispersed")
    page.select_option("#id_status", "active")
    page.fill("#id_applied_on", "2024-03-05")
    page.fill("#id_supported_since", "2024-05-01")
    screenshot(page, "registry-person-form-phone")
    page.click("form.person-form button[type=submit]")
    page.wait_for_url(re.compile(r"/persons/\d+/$"))
    page.wait_for_selector("#details")
    person = Person.objects.get(id_number=WARD_ID)  # stored with a capital X
    assert page.url.endswith(f"/persons/{person.pk}/")
    assert page.locator(".messages .msg-success").count() == 1
    assert "孙凤英" in page.inner_text("h1")
    details = page.inner_text("#details")
    assert "1958-07-21" in details  # derived from the ID number
    assert _zh(person.get_sex_display()) in details and person.sex == "F"
    assert page.inner_text("#id-number .idno") == mask_id_number(WARD_ID)
    assert "东山村" in details and "13600001111" in details
    disability = page.inner_text("#disability")
    assert (
        _zh(person.get_civil_capacity_display()) in disability and "（2021）民特字第8号判决书" in disability
    )
    assert (person.civil_capacity, person.disability_kind, person.disability_grade) == (
        "limited",
        "mental",
        3,
    )
    assert person.supported_since == dt.date(2024, 5, 1)
    assert page.locator("#history li.history-create").count() == 1
    screenshot(page, "registry-person-registered-phone")

    # ---- the same ID number again, in the same township: refused, with a link to the record ----
    page.goto("/persons/new/")
    page.wait_for_selector("form.person-form")
    page.fill("#id_name", "孙凤瑛")
    page.fill("#id_id_number", WARD_ID)
    page.select_option("#id_village", w.v1.code)
    page.click("form.person-form button[type=submit]")
    page.wait_for_selector(".field.has-error #id_id_number")
    error = page.locator(".field.has-error", has=page.locator("#id_id_number")).locator(".errorlist")
    assert "孙凤英" in error.inner_text() and "东山村" in error.inner_text()
    link = page.locator(f"form.person-form .msg-error a[href='/persons/{person.pk}/']")
    expect(link).to_have_count(1)
    screenshot(page, "registry-person-duplicate-id-phone")
    assert Person.objects.filter(id_number=WARD_ID).count() == 1
    link.click()
    page.wait_for_url(f"**/persons/{person.pk}/")
    page.wait_for_selector("#details")
    assert "孙凤英" in page.inner_text("h1")

    # ---- another township: told whom to contact, nothing about the person ----
    _switch(page, "town2")
    page.goto("/persons/new/")
    page.wait_for_selector("form.person-form")
    page.fill("#id_name", "孙凤英")
    page.fill("#id_id_number", WARD_ID)
    page.select_option("#id_village", w.v2.code)
    page.click("form.person-form button[type=submit]")
    page.wait_for_selector(".field.has-error #id_id_number")
    error = page.locator(".field.has-error", has=page.locator("#id_id_number")).locator(".errorlist")
    message = error.inner_text()
    assert "青石镇" in message  # the office to contact
    for secret in ("孙凤英", "东山村", "青石社区", WARD_ID, mask_id_number(WARD_ID)):
        assert secret not in message
    assert page.locator("form.person-form .msg-error a").count() == 0
    assert page.locator(f"a[href='/persons/{person.pk}/']").count() == 0
    screenshot(page, "registry-person-duplicate-elsewhere-phone")
    assert Person.objects.filter(id_number=WARD_ID).count() == 1


# ---- 3. revealing the full ID number -------------------------------------------------------------


def test_clerk_reveals_the_full_id_and_village_staff_cannot(page, live_world, screenshot):
    w = live_world
    number = idn(dt.date(1950, 8, 8), 71)
    person = registry.person_create(actor=w.users.town1, name="周长顺", id_number=number, village=w.v1)
    masked = mask_id_number(number)

    _switch(page, "town1")
    page.goto(f"/persons/{person.pk}/")
    page.wait_for_selector("#id-number")
    assert page.inner_text("#id-number .idno") == masked
    assert number not in page.content()
    screenshot(page, "registry-id-masked")
    page.click("#id-number button[type=submit]")
    expect(page.locator("#id-number .idno")).to_have_text(number)
    assert page.locator("#id-number button").count() == 0
    assert page.url.endswith(f"/persons/{person.pk}/")  # swapped in place, no page change
    screenshot(page, "registry-id-revealed")
    viewed = AuditEntry.objects.filter(action="view", object_type="registry.person", object_id=str(person.pk))
    assert viewed.get().actor == w.users.town1
    page.reload()
    page.wait_for_selector("#history")
    assert page.inner_text("#id-number .idno") == masked  # masked again on the next visit
    expect(page.locator("#history li.history-view")).to_have_count(1)

    # ---- village staff see the masked number and no button ----
    _switch(page, "village1")
    page.goto(f"/persons/{person.pk}/")
    page.wait_for_selector("#id-number")
    assert page.inner_text("#id-number .idno") == masked
    assert page.locator("#id-number form").count() == 0 and page.locator("#id-number button").count() == 0
    assert number not in page.content()
    screenshot(page, "registry-id-village-staff")
    # Posting to the reveal address anyway is refused.
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        f"/persons/{person.pk}/id-number/", headers={"X-CSRFToken": token, "HX-Request": "true"}
    )
    assert response.status == 403 and number not in response.text()
    assert viewed.count() == 1


def test_the_certificate_number_is_revealed_with_the_id_number(page, live_world, screenshot):
    """The disability certificate number begins with the ID number: masked like it, and shown
    whole by the same (logged) reveal, swapped in place in the disability section."""
    w = live_world
    number = idn(dt.date(1976, 4, 4), 73)
    cert = f"{number}42"
    person = registry.person_create(
        actor=w.users.town1,
        name="吴德全",
        id_number=number,
        village=w.v1,
        disability_kind="physical",
        disability_grade=2,
        disability_certificate=cert,
    )
    masked = mask_certificate_number(cert)

    _switch(page, "village1")
    page.goto(f"/persons/{person.pk}/")
    page.wait_for_selector("#disability-certificate")
    assert page.inner_text("#disability-certificate") == masked
    assert number not in page.content()

    _switch(page, "town1")
    page.goto(f"/persons/{person.pk}/")
    page.wait_for_selector("#disability-certificate")
    assert page.inner_text("#disability-certificate") == masked
    page.click("#id-number button[type=submit]")
    expect(page.locator("#id-number .idno")).to_have_text(number)
    expect(page.locator("#disability-certificate")).to_have_text(cert)
    assert page.locator("#disability-certificate").count() == 1
    assert page.locator("#disability .idno#disability-certificate").count() == 1  # in its section
    screenshot(page, "registry-certificate-revealed")
    viewed = AuditEntry.objects.filter(action="view", object_type="registry.person", object_id=str(person.pk))
    assert [e.extra for e in viewed] == [{"field": "id_number"}]  # one reveal, logged once
    page.reload()
    page.wait_for_selector("#disability-certificate")
    assert page.inner_text("#disability-certificate") == masked


# ---- 4. export -----------------------------------------------------------------------------------


def test_county_exports_a_township_ledger_with_masked_ids(page, live_world, screenshot, tmp_path):
    w = live_world
    u = w.users
    t1_people = [
        registry.person_create(
            actor=u.town1, name="吴有才", id_number=idn(dt.date(1944, 2, 3), 13), village=w.v1
        ),
        registry.person_create(
            actor=u.town1, name="郑秀珍", id_number=idn(dt.date(1951, 4, 5), 24), village=w.v1b
        ),
        registry.person_create(
            actor=u.town1,
            name="钱永福",
            id_number=idn(dt.date(1960, 12, 1), 35),
            village=w.v1b,
            status="applying",
        ),
    ]
    other = registry.person_create(
        actor=u.town2, name="冯建国", id_number=idn(dt.date(1947, 10, 10), 47), village=w.v2
    )

    _switch(page, "county")
    menu(page, "/ledger/export/")
    page.wait_for_selector("#id_region")
    options = page.locator("#id_region option").all_inner_texts()
    assert any("青石镇" in o for o in options) and any("柳河镇" in o for o in options)
    page.select_option("#id_region", w.t1.code)
    page.select_option("#id_status", "")
    expect(page.locator("#id_full_ids")).not_to_be_checked()  # masked unless ticked
    screenshot(page, "registry-export-form")
    with page.expect_download() as info:
        page.click("main form.card button[type=submit]")
    download = info.value
    name = download.suggested_filename
    assert name.startswith("特困人员台账-青石镇-") and name.endswith(".xlsx")
    path = tmp_path / name
    download.save_as(path)

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("台账").to_python()
    assert rows[0][0].startswith("青石镇特困人员台账")  # the title row
    assert rows[1] == HEADERS
    data = rows[2:]
    col = {h: i for i, h in enumerate(HEADERS)}
    assert sorted((r[col["姓名"]], r[col["身份证号"]]) for r in data) == sorted(
        (p.name, mask_id_number(p.id_number)) for p in t1_people
    )
    assert {r[col["村(居)区划代码"]] for r in data} == {w.v1.code, w.v1b.code}
    cells = "\n".join(str(c) for r in rows for c in r)
    for p in [*t1_people, other]:
        assert p.id_number not in cells
    assert other.name not in cells and "西河村" not in cells
    export = AuditEntry.objects.get(action="export")
    assert export.region_code == w.t1.code and export.extra["full_ids"] is False
    assert export.extra["rows"] == 3


def test_the_audit_page_masks_old_entries_and_the_county_shows_one_whole(page, live_world, screenshot):
    """An entry written before certificate numbers were masked holds one whole: the audit page
    masks it for everyone; the county officer shows that entry's numbers in place (htmx), which
    is logged; a discipline inspector (no full-ID right) gets no button."""
    from doudi.core import audit

    from ..conftest import make_user  # noqa: TID252

    w = live_world
    number = idn(dt.date(1966, 3, 3), 75)
    cert = f"{number}42"
    person = registry.person_create(
        actor=w.users.town1,
        name="郑秀英",
        id_number=number,
        village=w.v1,
        disability_kind="physical",
        disability_grade=2,
        disability_certificate=cert,
    )
    old = audit.record(w.users.town1, "update", person, changes={"disability_certificate": ["", cert]})
    row = f"#audit-{old.seq}"

    _switch(page, "county")
    page.goto("/audit/")
    page.wait_for_selector(row)
    assert mask_certificate_number(cert) in page.inner_text(row)
    assert number not in page.content()
    screenshot(page, "audit-masked")
    page.click(f"{row} button[type=submit]")
    expect(page.locator(row)).to_contain_text(cert)
    assert page.url.endswith("/audit/")  # swapped in place
    assert page.locator(f"{row} button").count() == 0
    screenshot(page, "audit-entry-revealed")
    viewed = AuditEntry.objects.filter(action="view", object_id=str(person.pk))
    assert viewed.get().extra == {"field": "id_number", "audit_entry": old.seq}
    page.reload()
    page.wait_for_selector(row)
    assert number not in page.content()  # masked again on the next visit

    make_user("discipline", w.county, ["discipline"])
    _switch(page, "discipline")
    page.goto("/audit/")
    page.wait_for_selector(row)
    assert page.locator(f"{row} form").count() == 0 and number not in page.content()
