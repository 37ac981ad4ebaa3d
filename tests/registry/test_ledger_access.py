"""Access matrix for the ledger routes (DESIGN.md promise 1), in the pattern of
tests/core/test_access.py.

ROUTES maps each URL name to how to call it: a function building the URL (of town2's import
record where the route has an object), the HTTP methods, the POST data (a function of the
world, where the route takes a form), whether it reaches an object in town2's township
("object": town1 gets 404, the county gets 200), and the capability it needs ("cap": village
staff, who only read the registry, get 403).
"""

import datetime as dt
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from doudi.core.models import AuditEntry
from doudi.core.services import upload_store
from doudi.registry import ledger
from doudi.registry.idcard import make_id_number
from doudi.registry.models import LedgerImport, Person

sys.path.insert(0, str(Path(__file__).parent))
from ledger_factory import write_file  # noqa: E402

ROUTES = {
    "ledger_template": {"url": lambda w: "/ledger/template.xlsx", "methods": ["get"], "cap": True},
    "ledger_import": {"url": lambda w: "/ledger/import/", "methods": ["get", "post"], "cap": True},
    "ledger_import_detail": {
        "url": lambda w: f"/ledger/imports/{w.import2.pk}/",
        "methods": ["get"],
        "object": True,
        "cap": True,
    },
    "ledger_import_commit": {
        "url": lambda w: f"/ledger/imports/{w.import2.pk}/commit/",
        "methods": ["post"],
        "object": True,
        "cap": True,
    },
    "ledger_import_original": {
        "url": lambda w: f"/ledger/imports/{w.import2.pk}/original/",
        "methods": ["get"],
        "object": True,
        "cap": True,
    },
    "ledger_export": {
        "url": lambda w: "/ledger/export/",
        "methods": ["get", "post"],
        "data": lambda w: {"region": w.t2.code},
        "object": True,
        "cap": True,
    },
}


@pytest.fixture
def w(world, register, tmp_path):
    """town2 has uploaded (and checked) a ledger file with one person of its own township."""
    world.p2 = register(world.users.town2, world.v2, "王五", dt.date(1939, 1, 2), 33)
    number = make_id_number("990121", dt.date(1941, 2, 3), 45)
    path = write_file(
        tmp_path / "t2.xlsx",
        [["赵六", number, world.v2.code]],
        headers=["姓名", "身份证号", "村(居)区划代码"],
    )
    f = SimpleUploadedFile("t2.xlsx", path.read_bytes())
    upload = upload_store(actor=world.users.town2, region=world.t2, uploaded_file=f, kind=ledger.UPLOAD_KIND)
    world.import2 = LedgerImport.objects.create(upload=upload, region=world.t2, created_by=world.users.town2)
    ledger.import_check(world.import2)
    return world


def _call(client, method, route, w):
    url = route["url"](w)
    if method == "post":
        return client.post(url, route.get("data", lambda w: {})(w))
    return client.get(url)


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_anonymous_users_are_sent_to_login(client, w, name):
    route = ROUTES[name]
    for method in route["methods"]:
        response = _call(client, method, route, w)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), (name, method)


@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if r.get("object")))
def test_town1_gets_404_for_town2_objects(login, w, name):
    client = login(w.users.town1)
    for method in ROUTES[name]["methods"]:
        if name == "ledger_export" and method == "get":
            continue  # the form itself is town1's own page; the POST asks for town2
        assert _call(client, method, ROUTES[name], w).status_code == 404, (name, method)
    w.import2.refresh_from_db()
    assert w.import2.status == LedgerImport.Status.CHECKED  # nothing was committed by town1
    assert not Person.objects.filter(name="赵六").exists()
    assert not AuditEntry.objects.filter(action="export").exists()


@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if r.get("object")))
def test_the_county_reaches_town2_objects(login, w, name):
    client = login(w.users.county)
    route = ROUTES[name]
    method = "get" if "get" in route["methods"] else "post"
    response = _call(client, method, route, w)
    if name == "ledger_import_commit":
        assert response.status_code == 403  # in the area, but only the uploader commits
    else:
        assert response.status_code == 200, name


@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if r.get("cap")))
def test_village_staff_get_403(login, w, name):
    client = login(w.users.village1)
    for method in ROUTES[name]["methods"]:
        assert _call(client, method, ROUTES[name], w).status_code == 403, (name, method)


def test_the_inspector_exports_but_does_not_import(login, w):
    client = login(w.users.inspector)
    assert client.get("/ledger/export/").status_code == 200
    assert client.get("/ledger/import/").status_code == 403
    assert client.get(f"/ledger/imports/{w.import2.pk}/").status_code == 403


def test_the_original_needs_the_full_id_right(login, w):
    assert login(w.users.town2).get(f"/ledger/imports/{w.import2.pk}/original/").status_code == 200
    assert AuditEntry.objects.filter(action="view", object_type="registry.ledgerimport").count() == 1


def test_town1_sees_only_its_own_imports_in_the_list(login, w):
    page = login(w.users.town1).get("/ledger/import/").content.decode()
    assert "t2.xlsx" not in page
    assert "t2.xlsx" in login(w.users.county).get("/ledger/import/").content.decode()


def test_the_template_lists_only_the_users_villages(login, w):
    import io

    from python_calamine import CalamineWorkbook

    response = login(w.users.town1).get("/ledger/template.xlsx")
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    codes = {r[0] for r in book.get_sheet_by_name("区划代码").to_python()[1:]}
    assert codes == {w.v1.code, w.v1b.code}
