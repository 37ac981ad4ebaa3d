"""Persons over the API: /api/v1/persons. Reads through the area scope (outside the area: 404),
writes through the services. ID numbers — and disability certificate numbers, which begin with
them — are masked; a role with VIEW_FULL_ID may ask for `?full_ids=true`, and each number so
shown is recorded in the audit log.

Errors from the services come back as `{"detail": "<first message>", "errors": {field: [...]}}`
with status 422 (invalid input, in the user's language) or 403 (role or area).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from doudi.core.apitypes import PAGE_MAX, Id, RequestIssue
from doudi.core.roles import Cap

from . import idcard, selectors, services

router = Router(tags=["registry"])


class RegionRef(Schema):
    code: str
    name: str


def _reveal_ids(context) -> bool:
    request = (context or {}).get("request")
    return bool(getattr(request, "doudi_reveal_ids", False))


class PersonSummaryOut(Schema):
    id: int
    name: str
    id_number: str
    sex: str
    birth_date: dt.date
    age: int
    categories: list[str]
    village: RegionRef
    township: RegionRef | None
    placement: str
    status: str

    @staticmethod
    def resolve_id_number(obj, context):
        return obj.id_number if _reveal_ids(context) else idcard.mask_id_number(obj.id_number)

    @staticmethod
    def resolve_categories(obj):
        return [str(c) for c in obj.categories]


class PersonOut(PersonSummaryOut):
    phone: str
    address: str
    disability_kind: str
    disability_grade: int | None
    disability_certificate: str
    civil_capacity: str
    civil_capacity_basis: str
    marital_status: str
    applied_on: dt.date | None
    supported_since: dt.date | None
    terminated_on: dt.date | None
    notes: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_disability_certificate(obj, context):
        # It begins with the ID number: whole only where the full ID number is shown (and logged).
        if _reveal_ids(context):
            return obj.disability_certificate
        return idcard.mask_certificate_number(obj.disability_certificate)


class PersonIn(Schema):
    name: str
    id_number: str
    village: str  # the village's 12-digit division code
    phone: str = ""
    address: str = ""
    disability_kind: str = ""
    disability_grade: int | None = None
    disability_certificate: str = ""
    civil_capacity: str = "full"
    civil_capacity_basis: str = ""
    marital_status: str = ""
    placement: str = "dispersed"
    status: str = "active"
    applied_on: dt.date | None = None
    supported_since: dt.date | None = None
    terminated_on: dt.date | None = None
    notes: str = ""


class PersonPatch(Schema):
    """Only the fields sent change."""

    name: str | None = None
    id_number: str | None = None
    village: str | None = None
    phone: str | None = None
    address: str | None = None
    disability_kind: str | None = None
    disability_grade: int | None = None
    disability_certificate: str | None = None
    civil_capacity: str | None = None
    civil_capacity_basis: str | None = None
    marital_status: str | None = None
    placement: str | None = None
    status: str | None = None
    applied_on: dt.date | None = None
    supported_since: dt.date | None = None
    terminated_on: dt.date | None = None
    notes: str | None = None


class ErrorOut(Schema):
    detail: str
    # the services' messages by field, or, for a request that does not fit the schema, pydantic's list
    errors: dict[str, list[str]] | list[RequestIssue] = {}
    existing_id: int | None = None


def _need(user, cap):
    if not user.can(cap):
        raise HttpError(403, _("Your role does not allow this."))


def _ask_full_ids(request, full_ids: bool) -> None:
    if full_ids:
        _need(request.auth, Cap.VIEW_FULL_ID)
        request.doudi_reveal_ids = True


def _error(exc: Exception):
    if isinstance(exc, PermissionDenied):
        return Status(403, {"detail": str(exc) or _("Your role does not allow this.")})
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    first = next((m for messages in errors.values() for m in messages), "")
    existing = getattr(exc, "existing", None)
    return Status(422, {"detail": first, "errors": errors, "existing_id": existing.pk if existing else None})


class AuditedPagination(PageNumberPagination):
    """Page-number pagination that records the viewing of the full ID numbers on the page
    actually returned, when the caller asked for them."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=PAGE_MAX)
        page_size: int | None = Field(None, ge=1, le=PAGE_MAX)

    def paginate_queryset(self, queryset, pagination, request, **params):
        result = super().paginate_queryset(queryset, pagination, request, **params)
        if getattr(request, "doudi_reveal_ids", False):
            result["items"] = list(result["items"])
            services.persons_reveal_ids(actor=request.auth, persons=result["items"])
        return result


@router.get(
    "/persons",
    response=list[PersonSummaryOut],
    url_name="persons",
    summary="Supported persons in the caller's area",
)
@paginate(AuditedPagination)
def list_persons(
    request,
    q: str = "",
    region: str = "",
    status: str = "",
    placement: str = "",
    full_ids: bool = False,
):
    """`q`: name, pinyin (full or initials), last digits of the ID number, or village name;
    `region`: a township or village code; `status`, `placement`: their codes."""
    _need(request.auth, Cap.VIEW_PERSONS)
    _ask_full_ids(request, full_ids)
    return selectors.person_list(request.auth, q=q, region=region, status=status, placement=placement)


@router.get("/persons/{person_id}", response=PersonOut, url_name="person", summary="One supported person")
def get_person(request, person_id: Id, full_ids: bool = False):
    person = selectors.person_get(request.auth, person_id)
    _need(request.auth, Cap.VIEW_PERSONS)
    _ask_full_ids(request, full_ids)
    if full_ids:
        services.person_reveal_id(actor=request.auth, person=person)
    return person


@router.post(
    "/persons",
    response={201: PersonOut, 403: ErrorOut, 422: ErrorOut},
    url_name="person_create",
    summary="Register a supported person",
)
def create_person(request, data: PersonIn):
    try:
        person = services.person_create(actor=request.auth, **data.dict())
    except (ValidationError, PermissionDenied) as exc:
        return _error(exc)
    return Status(201, selectors.person_get(request.auth, person.pk))


@router.patch(
    "/persons/{person_id}",
    response={200: PersonOut, 403: ErrorOut, 422: ErrorOut},
    url_name="person_update",
    summary="Change a supported person's record",
)
def update_person(request, person_id: Id, data: PersonPatch):
    person = selectors.person_get(request.auth, person_id)
    try:
        services.person_update(actor=request.auth, person=person, **data.dict(exclude_unset=True))
    except (ValidationError, PermissionDenied) as exc:
        return _error(exc)
    return Status(200, selectors.person_get(request.auth, person.pk))
