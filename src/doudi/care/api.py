"""Visits and service deliveries API: list, create, read — through the area scope.

A provider's staff reach only their provider's orders (another person's order is 404)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from doudi.core.apitypes import Id, Limit, Offset, page
from doudi.core.roles import Cap
from doudi.core.scope import scoped

from . import selectors as sel
from . import services as svc
from .models import Visit

router = Router(tags=["care loop"])


def _errors(exc: ValidationError):
    return HttpError(422, "；".join(exc.messages))


class VisitOut(Schema):
    id: int
    person: int
    person_name: str
    visitor: str
    visited_on: dt.date
    at_home: bool
    aspects: dict
    has_problem: bool
    notes: str
    latitude: float | None
    longitude: float | None
    copy_of: int | None
    similarity: float | None

    @staticmethod
    def resolve_person(obj):
        return obj.person_id

    @staticmethod
    def resolve_person_name(obj):
        return obj.person.name

    @staticmethod
    def resolve_visitor(obj):
        return obj.visitor.username

    @staticmethod
    def resolve_copy_of(obj):
        return obj.copy_of_id


class AspectIn(Schema):
    ok: bool
    note: str = ""


class VisitIn(Schema):
    person: Id
    visited_on: dt.date
    aspects: dict[str, AspectIn]
    notes: str = ""
    latitude: float | None = None
    longitude: float | None = None


def _visit_reader(request):
    user = request.auth
    if not (user.can(Cap.VIEW_PERSONS)):
        raise HttpError(403, "您的角色无权查看走访记录。")
    return user


@router.get("/visits", response=list[VisitOut], url_name="care_api_visits")
def visit_list(
    request, month: dt.date | None = None, person: Id | None = None, limit: Limit = 100, offset: Offset = 0
):
    user = _visit_reader(request)
    qs = scoped(Visit, user).select_related("person", "visitor").order_by("-visited_on", "-pk")
    if month:
        qs = qs.filter(visited_on__gte=month.replace(day=1), visited_on__lte=sel.month_end(month))
    if person:
        qs = qs.filter(person_id=person)
    return page(qs, offset, limit)


@router.get("/visits/{visit_id}", response=VisitOut, url_name="care_api_visit")
def visit_read(request, visit_id: Id):
    return sel.visit_get(_visit_reader(request), visit_id)


@router.post("/visits", response={201: VisitOut}, url_name="care_api_visit_create")
def visit_create(request, payload: VisitIn):
    user = _visit_reader(request)
    if not user.can(Cap.RECORD_VISITS):
        raise HttpError(403, "您的角色无权登记走访。")
    person = sel.person_get(user, payload.person)
    try:
        visit = svc.visit_record(
            actor=user,
            person=person,
            visited_on=payload.visited_on,
            aspects={k: v.dict() for k, v in payload.aspects.items()},
            notes=payload.notes,
            latitude=payload.latitude,
            longitude=payload.longitude,
        )
    except ValidationError as exc:
        raise _errors(exc) from exc
    return Status(201, sel.visit_get(user, visit.pk))


class DeliveryOut(Schema):
    id: int
    order: int
    person: int
    kind: str
    delivered_at: dt.datetime
    done: str
    has_photo: bool
    recorded_by: str

    @staticmethod
    def resolve_order(obj):
        return obj.order_id

    @staticmethod
    def resolve_person(obj):
        return obj.order.person_id

    @staticmethod
    def resolve_kind(obj):
        return obj.order.kind

    @staticmethod
    def resolve_has_photo(obj):
        return obj.photo_id is not None

    @staticmethod
    def resolve_recorded_by(obj):
        return obj.recorded_by.username


class DeliveryIn(Schema):
    order: Id
    delivered_at: dt.datetime | None = None
    done: str


def _delivery_reader(request):
    user = request.auth
    if not (user.can(Cap.RECORD_DELIVERY) or user.can(Cap.MANAGE_CARE)):
        raise HttpError(403, "您的角色无权查看服务记录。")
    return user


@router.get("/service-deliveries", response=list[DeliveryOut], url_name="care_api_deliveries")
def delivery_list(request, month: dt.date | None = None, limit: Limit = 100, offset: Offset = 0):
    user = _delivery_reader(request)
    return page(sel.deliveries(user, month=month), offset, limit)


@router.get("/service-deliveries/{delivery_id}", response=DeliveryOut, url_name="care_api_delivery")
def delivery_read(request, delivery_id: Id):
    user = _delivery_reader(request)
    from django.http import Http404

    item = sel.deliveries(user).filter(pk=delivery_id).first()
    if item is None:
        raise Http404("No such record in your area.")
    return item


@router.post("/service-deliveries", response={201: DeliveryOut}, url_name="care_api_delivery_create")
def delivery_create(request, payload: DeliveryIn):
    user = _delivery_reader(request)
    order = sel.order_for_staff(user, payload.order)
    try:
        item = svc.delivery_record(
            actor=user, order=order, delivered_at=payload.delivered_at or timezone.now(), done=payload.done
        )
    except ValidationError as exc:
        raise _errors(exc) from exc
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    return Status(201, sel.deliveries(user).get(pk=item.pk))
