"""The main menu. An app adds its entries in its AppConfig.ready(); an entry appears only for
users with its capability, and only pages that work get an entry."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str  # lazy translation
    url_name: str
    cap: str | None = None
    order: int = 100


ITEMS: list[NavItem] = []


def register(*items: NavItem) -> None:
    for item in items:
        if item not in ITEMS:
            ITEMS.append(item)
    ITEMS.sort(key=lambda i: i.order)


def for_user(user, path: str = "") -> list[dict]:
    out = []
    for item in ITEMS:
        if item.cap and not user.can(item.cap):
            continue
        out.append({"label": item.label, "url": reverse(item.url_name), "active": False})
    # Highlight the entry whose URL is the longest prefix of the page (/persons/duplicates/ is
    # "probable duplicates", not also "persons").
    matches = [e for e in out if (path == e["url"] if e["url"] == "/" else path.startswith(e["url"]))]
    if matches:
        max(matches, key=lambda e: len(e["url"]))["active"] = True
    return out


@dataclass(frozen=True)
class Widget:
    """A block an app shows on the home page (e.g. the reports dashboard) for users with `cap`."""

    template: str
    cap: str | None = None
    order: int = 100


WIDGETS: list[Widget] = []


def register_widget(widget: Widget) -> None:
    if widget not in WIDGETS:
        WIDGETS.append(widget)
    WIDGETS.sort(key=lambda w: w.order)


def widgets_for(user) -> list[str]:
    return [w.template for w in WIDGETS if not w.cap or user.can(w.cap)]
