"""The Content-Security-Policy (issue 16, docs/security.md) and the endpoint that records the
violations browsers report.

A small middleware rather than django-csp: the policy is one fixed header — every script is a
vendored or app file under /static/, so no nonces or hashes are needed and nothing varies per
view — and the report endpoint has to be ours anyway (logging, a rate limit, the client address
behind the proxy from core/security.py). Scripts: 'self' only, no 'unsafe-inline', no
'unsafe-eval'; JS lives in each app's static files and reads its data from `json_script` or
data-* attributes. Styles keep 'unsafe-inline': ECharts writes its tooltips as HTML with style
attributes, htmx injects its indicator style, and a few templates carry a style attribute (a
chart's height, a badge's colour). Style injection cannot run code; script injection can.
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .security import client_ip

logger = logging.getLogger("doudi.csp")

HEADER = "Content-Security-Policy"

POLICY: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'", "'unsafe-inline'"),
    "img-src": ("'self'", "data:"),  # data: for the empty favicon and ECharts' exported images
    "font-src": ("'self'",),
    "connect-src": ("'self'",),
    "object-src": ("'none'",),
    "base-uri": ("'self'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),
}

# Reports kept per client address per minute; the rest are counted away silently.
REPORTS_PER_MINUTE = 20
MAX_REPORT_BYTES = 16 * 1024


def policy() -> str:
    directives = {**POLICY, **getattr(settings, "DOUDI_CSP_EXTRA", {})}
    parts = [f"{name} {' '.join(values)}" for name, values in directives.items()]
    parts.append(f"report-uri {reverse('csp_report')}")
    return "; ".join(parts)


class ContentSecurityPolicyMiddleware:
    """Adds the policy to every response that does not set its own."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = None

    def __call__(self, request):
        response = self.get_response(request)
        if HEADER not in response:
            if self.header is None:  # reverse() needs the URLconf, so built on the first response
                self.header = policy()
            response[HEADER] = self.header
        return response


def _violations(body: bytes) -> list[dict]:
    """The reports in a body: the classic `{"csp-report": {...}}` (report-uri) or the Reporting
    API's list of `{"type": "csp-violation", "body": {...}}`."""
    data = json.loads(body)
    if isinstance(data, dict) and isinstance(data.get("csp-report"), dict):
        return [data["csp-report"]]
    if isinstance(data, list):
        found = [r["body"] for r in data if isinstance(r, dict) and isinstance(r.get("body"), dict)]
        if found:
            return found
    raise ValueError("not a CSP report")


def _field(report: dict, *names: str) -> str:
    for name in names:
        if report.get(name):
            return str(report[name])[:300]
    return ""


def _allowed(ip: str) -> bool:
    key = f"doudi:csp-report:{ip}"
    cache.add(key, 0, timeout=60)
    try:
        return cache.incr(key) <= REPORTS_PER_MINUTE
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=60)
        return True


@csrf_exempt  # browsers post reports without a token; the endpoint only writes a log line
@login_not_required  # reports come without the session (and from the public pages too)
@require_POST
def report(request):
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_REPORT_BYTES:
        return HttpResponse(status=413)
    ip = client_ip(request)
    if not _allowed(ip):
        return HttpResponse(status=429)
    try:
        reports = _violations(request.body)
    except (ValueError, KeyError, TypeError):
        return HttpResponse(status=400)
    for r in reports[:10]:
        logger.warning(
            "CSP violation: %s blocked %s on %s (%s:%s) from %s",
            _field(r, "effective-directive", "effectiveDirective", "violated-directive"),
            _field(r, "blocked-uri", "blockedURL") or "inline",
            _field(r, "document-uri", "documentURL"),
            _field(r, "source-file", "sourceFile"),
            _field(r, "line-number", "lineNumber"),
            ip,
        )
    return HttpResponse(status=204)
