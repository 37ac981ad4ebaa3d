import datetime as dt
from decimal import Decimal

from django.contrib.auth import authenticate
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from . import second_factor, security, selectors, services, unit_selectors
from .apitypes import Id, SmallInt
from .models import Region, Unit
from .roles import Cap
from .scope import scoped

router = Router(tags=["core"])


class TokenIn(Schema):
    username: str
    password: str
    otp: str | None = Field(
        None,
        max_length=64,
        description=(
            "Two-step verification, required for an account that has it: the 6-digit code the"
            " authenticator app shows now, or one of the account's unused recovery codes"
            " (four groups of four letters and digits, such as ABCD-EFGH-JKLM-NPQR; spaces, hyphens and case"
            " do not matter; each works once)."
        ),
    )


class TokenOut(Schema):
    token: str


class RegionOut(Schema):
    code: str
    name: str
    level: int
    parent: str | None
    urban_rural_code: str
    is_active: bool

    @staticmethod
    def resolve_parent(obj):
        return obj.parent_id


class MeOut(Schema):
    id: int
    username: str
    name: str
    roles: list[str]
    region: RegionOut | None
    unit: int | None = None


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    parent: int | None
    region: str
    credit_code: str
    is_active: bool
    depth: int

    @staticmethod
    def resolve_kind_label(obj):
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_parent(obj):
        return obj.parent_id

    @staticmethod
    def resolve_region(obj):
        return obj.region_id


class UnitFiguresOut(Schema):
    year: int
    total_assets: Decimal | None
    main_revenue: Decimal | None
    branches: int
    updated_at: dt.datetime


class UnitDetailOut(UnitOut):
    figures: list[UnitFiguresOut]  # the years entered, latest first
    children: list[int]  # the direct subordinate units the caller sees

    @staticmethod
    def resolve_figures(obj):
        return obj.figures_shown

    @staticmethod
    def resolve_children(obj):
        return obj.children_shown


@router.post("/auth/token", auth=None, response=TokenOut, summary="Issue an API token")
def issue_token(request, data: TokenIn):
    """A bearer token valid for DOUDI_API_TOKEN_DAYS days. An account that signs in with two-step
    verification (required for its role, or enrolled) also sends `otp`: the code its authenticator
    app shows, or one of its recovery codes (used up by this request); a wrong one counts as a
    failed sign-in."""
    user = authenticate(request, username=data.username, password=data.password)
    if user is None or not user.is_active:
        raise HttpError(401, "用户名或密码错误")
    refused = second_factor.api_code_ok(request, user, data.otp)
    if refused:
        if getattr(request, "axes_locked_out", False):
            return security.lockout_response(request)
        raise HttpError(401, refused)
    second_factor.complete_sign_in(request, user)
    return {"token": services.token_issue(user=user)}


@router.get("/me", response=MeOut, summary="The calling user, role and region")
def me(request):
    user = request.auth
    return {
        "id": user.pk,
        "username": user.username,
        "name": user.name,
        "roles": user.roles,
        "region": user.region,
        "unit": user.unit_id,
    }


@router.get("/regions", response=list[RegionOut], summary="Regions in the caller's area")
def regions(request, level: SmallInt | None = None, parent: str | None = None):
    qs = scoped(Region, request.auth)
    if level is not None:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent_id=parent)
    return qs.order_by("code")


@router.get("/regions/{code}", response=RegionOut, summary="One region in the caller's area")
def region(request, code: str):
    return selectors.region_get(request.auth, code)


def _unit_reader(request):
    if not request.auth.can(Cap.VIEW_UNITS):
        raise HttpError(403, "您的角色不能查看单位")
    return request.auth


@router.get("/units", response=list[UnitOut], summary="Organisation units in the caller's area")
def units(request, kind: str | None = None, parent: Id | None = None):
    """Scoped like the pages: the caller's region subtree, and their unit's subtree when they are
    bound to a unit. `parent` lists the direct subordinate units of one unit."""
    user = _unit_reader(request)
    qs = scoped(Unit, user)
    if kind:
        qs = qs.filter(kind=kind)
    if parent is not None:
        qs = qs.filter(parent_id=parent)
    return qs.order_by("tree_path")


@router.get("/units/{unit_id}", response=UnitDetailOut, summary="One unit with its figures by year")
def unit(request, unit_id: Id):
    user = _unit_reader(request)
    obj = unit_selectors.unit_get(user, unit_id)
    obj.figures_shown = list(unit_selectors.unit_figures(user, obj))
    obj.children_shown = list(unit_selectors.unit_children(user, obj).values_list("pk", flat=True))
    return obj
