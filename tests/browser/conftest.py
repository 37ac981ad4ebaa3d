"""Browser tests: Playwright for Python driving Debian's Chromium (/usr/bin/chromium).

Outside CI a machine without Chromium skips them; in CI (CI=true) a missing Chromium fails.
Screenshots go to artifacts/screenshots/.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# between page actions are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    # The test database is SQLite in memory: the live server's threads and the test share ONE
    # connection. Django's threaded live server then runs two requests on it at once (a page and an
    # htmx request still in flight), which SQLite answers with "cannot start a transaction within a
    # transaction" — a 500 that shows only on a busy machine. One request at a time instead
    # (Django's WSGIServer closes each connection, so the browser never waits on a kept-alive one).
    from django.core.servers.basehttp import WSGIServer
    from django.test.testcases import LiveServerThread

    class _OneRequestAtATime(WSGIServer):
        # The live server thread itself installs the shared connection (LiveServerThread.run).
        def __init__(self, *args, connections_override=None, **kwargs):
            super().__init__(*args, **kwargs)

    LiveServerThread.server_class = _OneRequestAtATime


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


# Every page of every browser test runs under the Content-Security-Policy (core/csp.py): a
# violation — an inline script or handler, a script from elsewhere — fails the test at teardown.
# The page reports each `securitypolicyviolation` event through a binding, and Chromium's console
# errors about the policy are counted too (they also cover violations before the listener runs).
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.__doudiCspViolation(e.effectiveDirective + " blocked " + (e.blockedURI || "inline")
    + " on " + e.documentURI + (e.sourceFile ? " (" + e.sourceFile + ":" + e.lineNumber + ")" : ""));
}, true);
"""


def csp_watch(context):
    """Collect the CSP violations of every page of a browser context; returns the list."""
    violations = []
    context.expose_binding("__doudiCspViolation", lambda source, text: violations.append(text))
    context.add_init_script(_CSP_LISTENER)

    def on_console(msg):
        if msg.type == "error" and "Content Security Policy" in msg.text:
            violations.append(msg.text)

    context.on("console", on_console)
    return violations


def _new_page(chromium, live_server, **options):
    context = chromium.new_context(base_url=live_server.url, locale="zh-CN", **options)
    context.set_default_timeout(15000)
    violations = csp_watch(context)
    return context, violations


@pytest.fixture
def page(chromium, live_server):
    context, violations = _new_page(chromium, live_server, viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def phone(chromium, live_server):
    context, violations = _new_page(
        chromium,
        live_server,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    pg = context.new_page()
    yield pg
    context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(pg, name):
        path = ARTIFACTS / f"{name}.png"
        pg.screenshot(path=str(path), full_page=True)
        return path

    return take


def log_in(pg, username, password):
    pg.goto("/login/")
    pg.fill("#id_username", username)
    pg.fill("#id_password", password)
    pg.click("main button[type=submit]")


def menu(pg, href):
    """Open the main menu's entry `href` as a user does: ☰ on a phone, the entry's group, the
    entry. Returns the number of clicks it took (the menu promises at most two)."""
    clicks = 0
    toggle = pg.locator("label.nav-toggle-label")
    if toggle.is_visible() and not pg.locator("nav.mainnav").is_visible():
        toggle.click()
        clicks += 1
    link = pg.locator(f"nav.mainnav a[href='{href}']")
    if not link.is_visible():
        pg.locator(f"nav.mainnav .navgroup:has(a[href='{href}']) > .navgroup-label").click()
        clicks += 1
    link.click()
    return clicks + 1
