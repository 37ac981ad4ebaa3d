"""Every URL the project serves must be listed in some access-matrix test module.

Each app's `tests/<app>/test_*access*.py` declares a module-level ROUTES dict keyed by URL name;
this test fails when a route is added without being put through the area-scope matrix.
"""

import importlib.util
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

# Routes that are open by design (no area data behind them), tested elsewhere.
OPEN = {
    "login",
    "logout",
    "healthz",
    "set_language",
    "api:openapi-json",
    "api:openapi-view",
    "api:api-root",
    "api:issue_token",
    "csp_report",  # browsers' CSP violation reports; tests/core/test_csp.py
}


def _names(patterns, ns=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}{p.namespace}:" if p.namespace else ns
            yield from _names(p.url_patterns, inner)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{ns}{p.name}"


def covered_routes() -> set[str]:
    names = set()
    for path in Path(__file__).parent.rglob("test_*access*.py"):
        spec = importlib.util.spec_from_file_location(f"_access_{path.parent.name}_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        names |= set(getattr(module, "ROUTES", {}))
    return names


def test_every_route_is_in_an_access_matrix():
    served = set(_names(get_resolver().url_patterns)) - OPEN
    missing = served - covered_routes()
    assert not missing, f"routes without an access-matrix entry: {sorted(missing)}"
