"""Unit pages and API as a county officer uses them: the tree, creating and moving a unit, the
figures form, the Excel import with its preview, binding an account to a unit."""

from decimal import Decimal

import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from doudi.core.models import AuditEntry, Unit, UnitFigures, Upload, User

from .test_units_import import GOOD, H


def test_the_tree_lists_parents_before_their_units_with_filters(login, world, units):
    client = login(world.users.county)
    body = client.get("/units/").content.decode()
    order = [
        body.index(n) for n in ("安和县财政局", "安和县城市建设投资集团有限公司", "青石分公司", "柳河分公司")
    ]
    assert order == sorted(order)
    assert "单位" in body and "国有企业" in body and "新增单位" in body  # Chinese by default
    body = client.get("/units/?kind=branch").content.decode()
    assert "青石分公司" in body and "柳河分公司" in body and "安和县民政局" not in body
    assert "上级：安和县城市建设投资集团有限公司" in body  # the parent is filtered out, named instead
    body = client.get(f"/units/?region={world.t2.code}").content.decode()
    assert "柳河分公司" in body and "柳河镇人民政府" in body and "青石分公司" not in body
    assert "单位" in client.get("/").content.decode()  # in the main menu


def test_a_clerk_sees_the_list_without_the_edit_buttons(login, world, units):
    body = login(world.users.town1).get("/units/").content.decode()
    assert "青石镇民政办" in body and "新增单位" not in body


def test_create_a_unit_under_another_and_view_it(login, world, units):
    client = login(world.users.county)
    form = client.get(f"/units/new/?parent={units.ct.pk}").content.decode()
    assert f'<option value="{units.ct.pk}" selected>' in form
    response = client.post(
        "/units/new/",
        {
            "name": "双桥分公司",
            "kind": "branch",
            "parent": units.ct.pk,
            "region": world.t1.code,
            "credit_code": "",
        },
    )
    unit = Unit.objects.get(name="双桥分公司")
    assert response.status_code == 302 and response["Location"] == f"/units/{unit.pk}/"
    body = client.get(f"/units/{unit.pk}/").content.decode()
    assert "安和县城市建设投资集团有限公司" in body and "分支机构" in body and "青石镇" in body
    assert AuditEntry.objects.filter(
        object_type="core.unit", object_id=str(unit.pk), action="create"
    ).exists()


def test_a_duplicate_name_is_shown_in_chinese(login, world, units):
    response = login(world.users.county).post(
        "/units/new/",
        {"name": "青石分公司", "kind": "branch", "parent": units.ct.pk, "region": world.t1.code},
    )
    assert response.status_code == 200
    assert "“安和县城市建设投资集团有限公司”下已有名为“青石分公司”的单位。" in response.content.decode()


def test_edit_moves_a_unit_but_not_under_itself(login, world, units):
    client = login(world.users.county)
    form = client.get(f"/units/{units.ct.pk}/edit/").content.decode()
    assert f'value="{units.b1.pk}"' not in form  # its own subtree is not offered as parent
    data = {"name": units.ct.name, "kind": "state_company", "region": world.county.code, "is_active": "on"}
    response = client.post(f"/units/{units.ct.pk}/edit/", {**data, "parent": units.b1.pk})
    assert response.status_code == 200 and Unit.objects.get(pk=units.ct.pk).parent == units.czj
    response = client.post(f"/units/{units.ct.pk}/edit/", {**data, "parent": units.mzj.pk})
    assert response.status_code == 302
    assert Unit.objects.get(pk=units.b2.pk).ancestor_ids == [units.mzj.pk, units.ct.pk]


def test_figures_form_adds_and_changes_a_year(login, world, units):
    client = login(world.users.county)
    url = f"/units/{units.b1.pk}/figures/"
    response = client.post(
        url, {"year": 2026, "total_assets": "123456.78", "main_revenue": "", "branches": 3}
    )
    assert response.status_code == 302
    f = UnitFigures.objects.get(unit=units.b1, year=2026)
    assert (f.total_assets, f.main_revenue, f.branches) == (Decimal("123456.78"), None, 3)
    assert 'value="123456.78"' in client.get(f"{url}?year=2026").content.decode()
    body = client.get(f"/units/{units.b1.pk}/").content.decode()
    assert "123,456.78" in body and "未上报" in body
    response = client.post(url, {"year": 2026, "total_assets": "-1", "branches": 0})
    assert response.status_code == 200 and UnitFigures.objects.get(unit=units.b1, year=2026).total_assets > 0


def _xlsx(rows, header=H):
    import io

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet()
    ws.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        ws.write_row(r, 0, row)
    wb.close()
    return SimpleUploadedFile("单位.xlsx", buf.getvalue())


def test_import_previews_then_imports_on_confirmation(login, world, units):
    client = login(world.users.county)
    body = client.post("/units/import/", {"file": _xlsx(GOOD)}).content.decode()
    assert "确认导入" in body and "新增" in body and "安和县水务投资有限公司" in body
    assert not Unit.objects.filter(name="安和县教育局").exists()
    upload = Upload.objects.get(kind="units")
    assert upload.original_name == "单位.xlsx" and upload.uploaded_by == world.users.county
    # another user cannot confirm it
    assert login(units.mzj_officer).post("/units/import/", {"upload": upload.pk}).status_code == 404
    body = login(world.users.county).post("/units/import/", {"upload": upload.pk}).content.decode()
    assert "5 条新增" in body or "新增 5" in body, body[body.index("<main>") :][:600]
    assert Unit.objects.get(name="水务柳河分公司").parent.name == "安和县水务投资有限公司"


def test_import_with_an_error_lists_it_and_imports_nothing(login, world, units):
    rows = [GOOD[0], ["坏行", "国有企业", "", "", "", 2025, -3, "", ""]]
    body = login(world.users.county).post("/units/import/", {"file": _xlsx(rows)}).content.decode()
    assert "资产总额不能为负数" in body and "确认导入" not in body
    assert not Unit.objects.filter(name="安和县教育局").exists()
    assert Upload.objects.filter(kind="units").count() == 1  # the original is kept all the same


def test_an_account_is_bound_to_a_unit_in_the_accounts_pages(login, world, units):
    client = login(world.users.county)
    target = world.users.town1
    form = client.get(f"/users/{target.pk}/").content.decode()
    assert "青石分公司" in form
    data = {
        "username": "town1",
        "name": "town1",
        "phone": "",
        "region": world.t1.code,
        "roles": ["township_clerk"],
    }
    response = client.post(f"/users/{target.pk}/", {**data, "unit": units.b2.pk})
    assert response.status_code == 200 and "不在该账号的区划" in response.content.decode()
    response = client.post(f"/users/{target.pk}/", {**data, "unit": units.mzb1.pk})
    assert response.status_code == 302 and User.objects.get(pk=target.pk).unit == units.mzb1
    assert "青石镇民政办" in client.get("/users/").content.decode()


def test_api_lists_and_reads_units_with_figures(login, world, units):
    client = login(world.users.county)
    branches = client.get("/api/v1/units", {"kind": "branch"}).json()
    assert {u["name"] for u in branches} == {"青石分公司", "柳河分公司"}
    assert branches[0]["kind_label"] == "分支机构" and branches[0]["parent"] == units.ct.pk
    children = client.get("/api/v1/units", {"parent": units.ct.pk}).json()
    assert [u["id"] for u in children] == [units.b1.pk, units.b2.pk]
    one = client.get(f"/api/v1/units/{units.ct.pk}").json()
    assert (
        one["region"] == world.county.code
        and one["depth"] == 1
        and one["children"] == [units.b1.pk, units.b2.pk]
    )
    assert one["figures"][0]["year"] == 2025
    assert Decimal(one["figures"][0]["total_assets"]) == Decimal("1000000.00")
    assert client.get("/api/v1/me").json()["unit"] is None
    client = login(units.b1_leader)
    assert client.get("/api/v1/me").json()["unit"] == units.b1.pk
    one = client.get(f"/api/v1/units/{units.b1.pk}").json()
    assert one["parent"] == units.ct.pk and one["figures"] == []


def test_openapi_documents_the_unit_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/units" in paths and "/api/v1/units/{unit_id}" in paths
