from django.contrib.auth import authenticate
from ninja import Router, Schema
from ninja.errors import HttpError

from . import selectors, services
from .models import Region
from .scope import scoped

router = Router(tags=["core"])


class TokenIn(Schema):
    username: str
    password: str


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


@router.post("/auth/token", auth=None, response=TokenOut, summary="Issue an API token")
def issue_token(request, data: TokenIn):
    user = authenticate(request, username=data.username, password=data.password)
    if user is None or not user.is_active:
        raise HttpError(401, "用户名或密码错误")
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
    }


@router.get("/regions", response=list[RegionOut], summary="Regions in the caller's area")
def regions(request, level: int | None = None, parent: str | None = None):
    qs = scoped(Region, request.auth)
    if level is not None:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent_id=parent)
    return qs.order_by("code")


@router.get("/regions/{code}", response=RegionOut, summary="One region in the caller's area")
def region(request, code: str):
    return selectors.region_get(request.auth, code)
