"""The one area-scope mechanism (DESIGN.md promise 1).

Every scoped model names, in `scope_path`, the path from itself to a region code: "" for Region
itself, "region" or "village" for a foreign key to Region, "person__village" through a relation,
or a plain CharField holding a code (AuditEntry.region_code). Because a region's descendants share
its code prefix (core/regions.py), "within the user's area" is a prefix test. Codes are always 12
digits, so it is written as the range `prefix000… ≤ code ≤ prefix999…`, which a plain B-tree index
serves on PostgreSQL (whatever the collation — LIKE would need a pattern-ops index) and SQLite
alike. A foreign key to Region holds the code itself, so the test needs no join.

Pages, the API, exports and jobs read through `scoped()` / `get_scoped_or_404()`. An object
outside the area answers 404 — the same as one that does not exist — so existence does not leak.
"""

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _


def user_prefix(user) -> str | None:
    """The code prefix of the user's area, or None for a user who may see nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    region = getattr(user, "region", None)
    if region is None:
        return None
    return region.prefix


def _lookup(model) -> str:
    try:
        path = model.scope_path
    except AttributeError as exc:  # a model that forgot to declare its scope is a bug, not a leak
        raise TypeError(f"{model.__name__} has no scope_path; it cannot be read through scoped()") from exc
    if path == "":
        return "pk"
    field = model._meta.get_field(path) if "__" not in path else None
    if field is not None and not field.is_relation:
        return path
    return f"{path}__pk"


def prefix_range(prefix: str) -> tuple[str, str]:
    """The lowest and highest 12-digit codes that start with `prefix`."""
    return prefix.ljust(12, "0"), prefix.ljust(12, "9")


def scoped(qs: QuerySet | type[Model], user) -> QuerySet:
    """Restrict a queryset (or a model's default manager) to the user's area."""
    if not isinstance(qs, QuerySet):
        qs = qs._default_manager.all()
    prefix = user_prefix(user)
    if prefix is None:
        return qs.none()
    return within(qs, prefix)


def within(qs: QuerySet | type[Model], region_or_prefix) -> QuerySet:
    """Narrow a queryset to a region's subtree (a filter a user picked, or a job's region).

    This does not replace scoped(): pages and the API call scoped() first and may narrow further
    with within(); a job handler narrows to the region the job was started for.
    """
    if not isinstance(qs, QuerySet):
        qs = qs._default_manager.all()
    prefix = region_or_prefix if isinstance(region_or_prefix, str) else region_or_prefix.prefix
    low, high = prefix_range(prefix)
    path = _lookup(qs.model)
    return qs.filter(**{f"{path}__gte": low, f"{path}__lte": high})


def get_scoped_or_404(qs: QuerySet | type[Model], user, **lookup):
    qs = scoped(qs, user)
    try:
        return qs.get(**lookup)
    except qs.model.DoesNotExist as exc:
        raise Http404(_("No such record in your area.")) from exc
    except (ValueError, TypeError, ValidationError) as exc:  # malformed ids in URLs: "not found", not 500
        raise Http404(_("No such record in your area.")) from exc


def in_scope(user, code: str | None) -> bool:
    prefix = user_prefix(user)
    return bool(prefix is not None and code and code.startswith(prefix))
