"""The Content-Security-Policy (core/csp.py, docs/security.md): on every response, no inline
script anywhere, and the endpoint that records what browsers report. The browser tests
(tests/browser/conftest.py) fail on any violation a real page raises."""

import json
import logging
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache

from doudi.core import csp

SRC = Path(__file__).resolve().parents[2] / "src" / "doudi"
TEMPLATES = sorted(SRC.rglob("templates/**/*.html"))

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I | re.S)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I)
STATIC_JS = re.compile(r"""{%\s*static\s+['"]([^'"]+\.js)['"]\s*%}""")


def directives(header):
    return {part.split()[0]: part.split()[1:] for part in header.split("; ")}


def test_the_policy_allows_no_inline_script_and_nothing_from_elsewhere():
    policy = directives(csp.policy())
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["base-uri"] == ["'self'"]
    assert policy["report-uri"] == ["/csp-report/"]
    assert not any(v.startswith(("http", "*")) for values in policy.values() for v in values)


@pytest.mark.parametrize("who", ["anonymous", "town1"])
@pytest.mark.parametrize("url", ["/", "/login/", "/persons/", "/integrity/report/", "/api/v1/persons"])
def test_every_response_carries_the_policy(world, client, who, url):
    if who != "anonymous":
        client.force_login(getattr(world.users, who))
    response = client.get(url)
    assert response["Content-Security-Policy"] == csp.policy(), (url, response.status_code)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_template_has_inline_script_or_handlers(template):
    text = template.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "inline <script>: move it to the app's static files"
    assert not HANDLER.search(text), "inline event handler (on...=): bind it in a static file"
    assert not JS_URL.search(text), "javascript: URL"


def test_every_script_a_template_loads_exists():
    names = {m for t in TEMPLATES for m in STATIC_JS.findall(t.read_text(encoding="utf-8"))}
    assert "doudi/site.js" in names and "reports/dashboard.js" in names
    assert not [n for n in sorted(names) if finders.find(n) is None]


def report_body(directive="script-src-elem", blocked="inline"):
    return json.dumps(
        {
            "csp-report": {
                "document-uri": "http://testserver/persons/",
                "effective-directive": directive,
                "violated-directive": directive,
                "blocked-uri": blocked,
                "source-file": "http://testserver/persons/",
                "line-number": 12,
            }
        }
    )


@pytest.fixture
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_report_is_logged_without_a_session_or_token(db, client, caplog, fresh_cache):
    with caplog.at_level(logging.WARNING, logger="doudi.csp"):
        response = client.post("/csp-report/", report_body(), content_type="application/csp-report")
    assert response.status_code == 204
    [line] = [r.getMessage() for r in caplog.records if r.name == "doudi.csp"]
    assert "script-src-elem blocked inline on http://testserver/persons/" in line


def test_the_reporting_api_format_is_read_too(db, client, caplog, fresh_cache):
    body = json.dumps(
        [
            {
                "type": "csp-violation",
                "body": {"effectiveDirective": "img-src", "blockedURL": "https://x.example/a.png"},
            }
        ]
    )
    with caplog.at_level(logging.WARNING, logger="doudi.csp"):
        response = client.post("/csp-report/", body, content_type="application/reports+json")
    assert response.status_code == 204
    assert any("img-src blocked https://x.example/a.png" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("body", ["not json", "{}", "[1, 2]", '{"csp-report": "x"}'])
def test_garbage_is_refused_and_not_logged(db, client, caplog, fresh_cache, body):
    with caplog.at_level(logging.WARNING, logger="doudi.csp"):
        assert client.post("/csp-report/", body, content_type="application/csp-report").status_code == 400
    assert not [r for r in caplog.records if r.name == "doudi.csp"]


def test_reports_are_rate_limited_per_client(db, client, caplog, fresh_cache):
    with caplog.at_level(logging.WARNING, logger="doudi.csp"):
        codes = [
            client.post("/csp-report/", report_body(), content_type="application/csp-report").status_code
            for _ in range(csp.REPORTS_PER_MINUTE + 5)
        ]
        other = client.post(
            "/csp-report/", report_body(), content_type="application/csp-report", REMOTE_ADDR="10.0.0.9"
        )
    assert codes == [204] * csp.REPORTS_PER_MINUTE + [429] * 5
    assert other.status_code == 204
    assert len([r for r in caplog.records if r.name == "doudi.csp"]) == csp.REPORTS_PER_MINUTE + 1


def test_oversized_reports_and_gets_are_refused(db, client, fresh_cache):
    big = report_body(blocked="x" * (csp.MAX_REPORT_BYTES + 1))
    assert client.post("/csp-report/", big, content_type="application/csp-report").status_code == 413
    assert client.get("/csp-report/").status_code == 405
