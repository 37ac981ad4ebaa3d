"""Every page a demo account can reach by following links answers without a server error.

The demo county is built once; then, for every active account, a crawler starts at the home page
and follows the same-site links of each HTML page it gets (breadth first, GET only), visiting at
most a few addresses per route name so the crawl stays bounded whatever the data. Any 5xx, or a
page whose HTML names a template error, fails with the account, the address and the page that
linked to it. This is the test that catches what merging features breaks between them: a page
that renders for the feature's own tests but not with the whole demo's data, or for another role.
"""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from django.urls import Resolver404, resolve

from doudi.core import demo
from doudi.core.models import User

PER_ROUTE = 2  # addresses visited per route name and account
MAX_PAGES = 400  # per account: a bound, not an expectation
SKIP_PREFIXES = ("/static/", "/logout", "/api/", "/admin/")
SKIP_SUFFIXES = (".pdf",)  # converted by LibreOffice when installed: slow, and tested on its own


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _links(base: str, html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    out = []
    for href in parser.hrefs:
        url, _frag = urldefrag(urljoin(base, href))
        parts = urlsplit(url)
        if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith(SKIP_PREFIXES) or parts.path.endswith(SKIP_SUFFIXES):
            continue
        out.append(path)
    return out


def _route(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


def crawl(client) -> tuple[int, list[str]]:
    """(pages visited, problems) for a signed-in client."""
    seen: set[str] = set()
    per_route: dict[str, int] = {}
    queue = deque([("/", "(start)")])
    problems: list[str] = []
    refused: list[str] = []
    visited = 0
    while queue and visited < MAX_PAGES:
        path, parent = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        name = _route(path)
        if name is None:
            problems.append(f"{path}: no route (linked from {parent})")
            continue
        if per_route.get(name, 0) >= PER_ROUTE:
            continue
        per_route[name] = per_route.get(name, 0) + 1
        response = client.get(path)
        visited += 1
        if response.status_code >= 500:
            problems.append(f"{path}: {response.status_code} (linked from {parent})")
            continue
        if response.status_code in (403, 404):
            refused.append(f"{path}: {response.status_code} (linked from {parent})")
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if "TemplateSyntaxError" in html or "VariableDoesNotExist" in html:
            problems.append(f"{path}: template error (linked from {parent})")
        for link in _links(path, html):
            if link not in seen:
                queue.append((link, path))
    return visited, problems + refused


def test_every_linked_page_of_every_demo_account_answers(db, client):
    demo.run()
    users = list(User.objects.filter(is_active=True).order_by("username"))
    assert len(users) >= 15  # the demo's accounts, every role
    problems: list[str] = []
    pages = 0
    for user in users:
        client.force_login(user)
        visited, found = crawl(client)
        pages += visited
        problems += [f"{user.username}: {p}" for p in found]
        client.logout()
    assert pages > 20 * len(users) / 2, pages  # the crawl really went somewhere
    assert not problems, "\n".join(problems)
