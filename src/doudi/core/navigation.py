"""The main menu. An app adds its entries in its AppConfig.ready(); an entry appears only for
users with its capability, and only pages that work get an entry.

Entries are grouped by the work (台账, 认定, 监护, 照护, 督查, 统计, 单位与系统): the menu shows the
groups, each opening its entries, so a county officer's two dozen pages are two clicks away — on a
phone ☰ then the page (the groups are laid out open), on a desktop the group then the page.
Groups are a registry like the entries: an app that brings new work registers its own group
(`register_group("village", pgettext_lazy("menu group", "Village supervision"), order=60)`) or names one in `NavItem.group` — a name
no app registered becomes a group of that name, after the registered ones. An entry without a
group goes to "其他" (DEFAULT_GROUP); `group=""` puts it on the bar itself (the home page).
A group the user has no entry in is not shown."""

from dataclasses import dataclass

from django.urls import get_resolver, reverse
from django.utils.translation import pgettext_lazy

DEFAULT_GROUP = "other"


@dataclass(frozen=True)
class NavItem:
    label: str  # lazy translation
    url_name: str
    cap: str | None = None
    order: int = 100
    group: str = DEFAULT_GROUP  # a registered group's key, or a new group's name; "" = on the bar
    max_level: int | None = None  # only for users bound at this region level or above (e.g. townships)


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: str  # lazy translation
    order: int = 100


ITEMS: list[NavItem] = []
GROUPS: dict[str, NavGroup] = {}


def register_group(key: str, label, order: int = 100) -> None:
    """Add (or relabel) a menu group; apps call it from AppConfig.ready()."""
    GROUPS[key] = NavGroup(key, label, order)


for _key, _label, _order in (
    ("ledger", pgettext_lazy("menu group", "Ledger"), 10),
    ("eligibility", pgettext_lazy("menu group", "Eligibility"), 20),
    ("guardianship", pgettext_lazy("menu group", "Guardianship"), 30),
    ("care", pgettext_lazy("menu group", "Care"), 40),
    ("oversight", pgettext_lazy("menu group", "Oversight"), 50),
    ("statistics", pgettext_lazy("menu group", "Statistics"), 80),
    ("system", pgettext_lazy("menu group", "Units and system"), 90),
    (DEFAULT_GROUP, pgettext_lazy("menu group", "Other"), 99),
):
    register_group(_key, _label, _order)


def register(*items: NavItem) -> None:
    for item in items:
        if item not in ITEMS:
            ITEMS.append(item)
    ITEMS.sort(key=lambda i: i.order)


def for_user(user, path: str = "") -> list[dict]:
    """The user's entries in menu order: {label, url, active, group}."""
    # URL modules register entries when the URLconf is first loaded — by the first reverse();
    # load it before reading ITEMS, not in the middle of the loop.
    get_resolver().url_patterns  # noqa: B018
    out = []
    for item in list(ITEMS):
        if item.cap and not user.can(item.cap):
            continue
        if item.max_level is not None and (user.region is None or user.region.level > item.max_level):
            continue
        out.append({"label": item.label, "url": reverse(item.url_name), "active": False, "group": item.group})
    # Highlight the entry whose URL is the longest prefix of the page (/persons/duplicates/ is
    # "probable duplicates", not also "persons").
    matches = [e for e in out if (path == e["url"] if e["url"] == "/" else path.startswith(e["url"]))]
    if matches:
        max(matches, key=lambda e: len(e["url"]))["active"] = True
    return out


def groups_for(user, path: str = "") -> list[dict]:
    """The menu as the page draws it: [{key, label, items, active}] in group order, only groups
    with an entry for the user; a group of `group=""` entries (key "") is drawn on the bar."""
    groups: dict[str, dict] = {}
    for entry in for_user(user, path):
        key = entry["group"]
        if key not in groups:
            known = GROUPS.get(key)
            label = known.label if known else key
            order = (known.order if known else 98) if key else -1
            groups[key] = {"key": key, "label": label, "order": order, "items": [], "active": False}
        groups[key]["items"].append(entry)
        groups[key]["active"] |= entry["active"]
    return sorted(groups.values(), key=lambda g: (g["order"], str(g["label"])))


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
