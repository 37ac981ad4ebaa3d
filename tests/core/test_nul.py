"""A NUL character in a query string or a posted form is refused with a 400 on every page and
endpoint, never a server error: PostgreSQL refuses NUL in text, so a `?q=%00` that reaches a filter
would be a 500 (found by the API fuzzing on /api/v1/mediation/disputes.xlsx). SQLite would take it
silently."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

PARAMS = "q=%00&region=%00&kind=%00&status=%00&month=%00&year=%00&page=%00&tier=%00"
SKIP = ("/logout", "/static/")


def _plain_paths(patterns, prefix=""):
    """The paths of the routes that take no parameter."""
    for p in patterns:
        route = str(p.pattern)
        if "<" in route or route.startswith("^"):
            continue
        if isinstance(p, URLResolver):
            yield from _plain_paths(p.url_patterns, prefix + route)
        elif isinstance(p, URLPattern):
            yield "/" + prefix + route


PATHS = sorted({p for p in _plain_paths(get_resolver().url_patterns) if not p.startswith(SKIP)})


@pytest.mark.parametrize("path", PATHS)
def test_a_nul_in_the_query_is_a_400(world, login, path):
    response = login(world.users.county).get(f"{path}?{PARAMS}")
    assert response.status_code == 400, (path, response.status_code)
    text = response.json()["detail"] if path.startswith("/api/") else response.content.decode()
    assert "无效字符" in text


@pytest.mark.parametrize("path", [p for p in PATHS if not p.startswith("/api/")])
def test_a_nul_in_a_posted_field_is_a_400(world, login, path):
    """Found this way on PostgreSQL: 500s on /governance/new/, /ledger/export/ and
    /users/lockouts/unlock/ (views that read a posted field without a form)."""
    client = login(world.users.county)
    fields = {"name": "a\x00b", "region": "99\x00", "username": "x\x00"}
    for response in (
        client.post(path, fields),  # multipart, as a browser posts a form with a file
        client.post(path, "name=a%00b", content_type="application/x-www-form-urlencoded"),
    ):
        assert response.status_code == 400, (path, response.status_code)


def test_a_file_may_hold_nul_bytes(world, login):
    """Only the fields are read: an uploaded file's bytes are the upload checks' business."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("a.xlsx", b"PK\x00\x00 not really a workbook")
    response = login(world.users.county).post("/ledger/import/", {"file": upload})
    assert response.status_code < 500 and "无效字符" not in response.content.decode()
    assert response.status_code in (200, 302)  # the import's own answer to a broken workbook


def test_a_nul_in_the_path_is_a_400(world, login):
    assert login(world.users.county).get("/village/settings/99012110%000/").status_code == 400


def test_a_plain_query_still_answers(world, login):
    assert login(world.users.county).get("/users/?q=%E5%BC%A0").status_code == 200
