"""Pages of the person registry. Thin: form → service → render.

Object pages look the object up through the area scope first (404 outside the area, whatever
the role) and check the capability second (403), so the access matrix is the same for all.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doudi.core.roles import Cap
from doudi.core.views import paginate, require_cap

from . import idcard, sections, selectors, services
from .forms import PersonFilterForm, PersonForm
from .models import DuplicateCandidate, field_label


def _need(request, cap):
    if not request.user.can(cap):
        raise PermissionDenied(_("Your role does not allow this."))


def _is_htmx(request) -> bool:
    return bool(request.headers.get("HX-Request"))


@require_cap(Cap.VIEW_PERSONS)
def person_list(request):
    form = PersonFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, selectors.person_list(request.user, **filters))
    context = {
        "form": form,
        "page": page,
        "can_edit": request.user.can(Cap.EDIT_PERSONS),
        "filtered": any(filters.values()),
    }
    if _is_htmx(request):
        return render(request, "registry/_person_rows.html", context)
    return render(request, "registry/person_list.html", context)


def _save(request, form, save):
    """Run the service; put its errors on the form. Returns the person or None."""
    try:
        return save(**form.cleaned_data)
    except services.DuplicateIdNumber as exc:
        form.add_error("id_number", exc.messages[0])
        form.duplicate_of = exc.existing
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
    return None


def _warn_duplicates(request, person):
    if selectors.person_duplicates(request.user, person):
        messages.warning(
            request,
            _("This record looks like another registered person; a county officer will review the pair."),
        )


@require_cap(Cap.EDIT_PERSONS)
def person_create(request):
    form = PersonForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        person = _save(request, form, lambda **d: services.person_create(actor=request.user, **d))
        if person is not None:
            messages.success(request, _("%(name)s has been registered.") % {"name": person.name})
            _warn_duplicates(request, person)
            return redirect("person_detail", pk=person.pk)
    return render(request, "registry/person_form.html", {"form": form, "title": _("Register a person")})


def person_detail(request, pk):
    try:
        person = selectors.person_get(request.user, pk)
    except Http404:
        kept = selectors.person_merged_into(request.user, pk)
        if kept is None:
            raise
        messages.info(request, _("That record was merged into this one."))
        return redirect("person_detail", pk=kept.pk)
    _need(request, Cap.VIEW_PERSONS)
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "masked_id": idcard.mask_id_number(person.id_number),
            "can_edit": request.user.can(Cap.EDIT_PERSONS),
            "can_reveal": request.user.can(Cap.VIEW_FULL_ID),
            "sections": sections.for_person(request, person),
        },
    )


def person_edit(request, pk):
    person = selectors.person_get(request.user, pk)
    _need(request, Cap.EDIT_PERSONS)
    form = PersonForm(request.POST or None, user=request.user, person=person)
    if request.method == "POST" and form.is_valid():
        saved = _save(
            request, form, lambda **d: services.person_update(actor=request.user, person=person, **d)
        )
        if saved is not None:
            messages.success(request, _("The record of %(name)s has been saved.") % {"name": saved.name})
            _warn_duplicates(request, saved)
            return redirect("person_detail", pk=saved.pk)
        person.refresh_from_db()  # the service may have set values before refusing them
    return render(
        request,
        "registry/person_form.html",
        {"form": form, "person": person, "title": _("Edit the record of %(name)s") % {"name": person.name}},
    )


@require_POST
def person_reveal_id(request, pk):
    """Show the full ID number (htmx swaps it in); the service audits the viewing. The disability
    certificate number, which begins with the ID number, is shown whole with it (an out-of-band
    swap) — the same viewing, logged once."""
    person = selectors.person_get(request.user, pk)
    _need(request, Cap.VIEW_FULL_ID)
    number = services.person_reveal_id(actor=request.user, person=person)
    if _is_htmx(request):
        return render(request, "registry/_id_number.html", {"person": person, "full_id": number, "oob": True})
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "full_id": number,
            "can_edit": request.user.can(Cap.EDIT_PERSONS),
            "sections": sections.for_person(request, person),
        },
    )


# ---- probable duplicates -----------------------------------------------------------------------


@require_cap(Cap.MERGE_PERSONS)
def duplicate_list(request):
    status = request.GET.get("status", DuplicateCandidate.Status.OPEN)
    if status not in DuplicateCandidate.Status.values and status != "all":
        status = DuplicateCandidate.Status.OPEN
    page = paginate(request, selectors.duplicate_list(request.user, status="" if status == "all" else status))
    return render(
        request,
        "registry/duplicate_list.html",
        {"page": page, "status": status, "statuses": DuplicateCandidate.Status.choices},
    )


def duplicate_detail(request, pk):
    candidate = selectors.duplicate_get(request.user, pk)
    _need(request, Cap.MERGE_PERSONS)
    pair = [p for p in (candidate.person, candidate.other) if p is not None]
    return render(
        request,
        "registry/duplicate_detail.html",
        {
            "candidate": candidate,
            "pair": pair,
            "rows": _comparison(pair),
        },
    )


def _comparison(pair):
    from .models import Person

    rows = []
    for name in (
        "name",
        "id_number",
        "birth_date",
        "sex",
        "village",
        "address",
        "phone",
        "disability_kind",
        "disability_grade",
        "civil_capacity",
        "marital_status",
        "placement",
        "status",
        "supported_since",
    ):
        field = Person._meta.get_field(name)
        values = []
        for p in pair:
            if name == "id_number":
                values.append(idcard.mask_id_number(p.id_number))
            elif name == "village":
                values.append(f"{p.village.parent.name if p.village.parent else ''} {p.village.name}")
            elif field.choices:
                values.append(getattr(p, f"get_{name}_display")())
            else:
                values.append(getattr(p, name) if getattr(p, name) not in (None, "") else "")
        rows.append(
            {"label": field_label(name), "values": values, "same": len({str(v) for v in values}) == 1}
        )
    return rows


@require_POST
def duplicate_merge(request, pk):
    candidate = selectors.duplicate_get(request.user, pk)
    _need(request, Cap.MERGE_PERSONS)
    try:
        kept = services.duplicate_merge(
            actor=request.user, candidate=candidate, keep=int(request.POST.get("keep", 0))
        )
    except (ValidationError, ValueError) as exc:
        messages.error(
            request,
            exc.messages[0]
            if isinstance(exc, ValidationError)
            else _("Choose one of the two records to keep."),
        )
        return redirect("duplicate_detail", pk=candidate.pk)
    messages.success(request, _("The two records have been merged into %(name)s.") % {"name": kept.name})
    return redirect("person_detail", pk=kept.pk)


@require_POST
def duplicate_dismiss(request, pk):
    candidate = selectors.duplicate_get(request.user, pk)
    _need(request, Cap.MERGE_PERSONS)
    try:
        services.duplicate_dismiss(actor=request.user, candidate=candidate)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("duplicate_detail", pk=candidate.pk)
    messages.success(request, _("Marked as two different persons."))
    return redirect("duplicate_list")
