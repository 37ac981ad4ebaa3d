"""Rectification API: list, create, read — through the area scope."""

import datetime as dt

from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from doudi.core.apitypes import Id, Limit, Offset, page, service_errors
from doudi.core.models import Region, User
from doudi.core.roles import Cap
from doudi.core.scope import get_scoped_or_404, scoped
from doudi.registry.models import Person

from . import selectors, services
from .sources import Source

router = Router(tags=["oversight"])


class RectificationOut(Schema):
    id: int
    region: str
    person: int | None
    source_kind: str
    source_id: str
    aspect: str
    title: str
    description: str
    owner: str
    deadline: dt.date
    status: str
    evidence: str
    version: int

    @staticmethod
    def resolve_region(obj):
        return obj.region_id

    @staticmethod
    def resolve_person(obj):
        return obj.person_id

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.username


class RectificationIn(Schema):
    region: str
    person: Id | None = None
    source_kind: str = "complaint"
    source_id: str = ""
    title: str
    description: str = ""
    owner: str
    deadline: dt.date


def _viewer(request):
    if not request.auth.can(Cap.VIEW_PERSONS):
        raise HttpError(403, "您的角色无权查看整改任务。")
    return request.auth


@router.get("/rectifications", response=list[RectificationOut], url_name="oversight_api_tasks")
def task_list(request, bucket: str = "open", limit: Limit = 100, offset: Offset = 0):
    user = _viewer(request)
    return page(selectors.tasks(user, bucket), offset, limit)


@router.get("/rectifications/{task_id}", response=RectificationOut, url_name="oversight_api_task")
def task_read(request, task_id: Id):
    return selectors.task_get(_viewer(request), task_id)


@router.post("/rectifications", response={201: RectificationOut}, url_name="oversight_api_task_create")
def task_create(request, payload: RectificationIn):
    user = _viewer(request)
    if not user.can(Cap.HANDLE_RECTIFICATION):
        raise HttpError(403, "您的角色无权登记整改任务。")
    region = get_scoped_or_404(Region, user, code=payload.region)
    person = get_scoped_or_404(Person, user, pk=payload.person) if payload.person else None
    owner = scoped(User, user).filter(username=payload.owner, is_active=True).first()
    if owner is None:
        raise HttpError(422, "责任人账号不存在或不在本辖区。")
    with service_errors():
        task = services.rectification_open(
            actor=user,
            source=Source(payload.source_kind, payload.source_id),
            region=region,
            person=person,
            title=payload.title,
            description=payload.description,
            owner=owner,
            deadline=payload.deadline,
        )
    return Status(201, task)
