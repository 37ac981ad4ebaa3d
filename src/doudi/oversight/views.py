"""Rectification pages: thin views (form → service → render), lookups through the area scope."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doudi.core.models import User
from doudi.core.roles import Cap
from doudi.core.scope import scoped
from doudi.core.views import paginate

from . import selectors, services, sources
from .forms import CloseForm, EditForm, NoteForm, ReopenForm
from .inspection_selectors import finding_for_task


def _need(user, cap):
    if not user.can(cap):
        raise PermissionDenied(_("Your role does not allow this."))


def _owners(user, task=None):
    qs = scoped(User, user).filter(is_active=True).order_by("username")
    return qs


def task_list(request):
    _need(request.user, Cap.VIEW_PERSONS)
    bucket = request.GET.get("bucket", "open")
    mine = request.GET.get("mine") == "1"
    qs = selectors.tasks(request.user, bucket, mine=mine)
    return render(
        request,
        "oversight/task_list.html",
        {
            "page": paginate(request, qs),
            "bucket": bucket,
            "buckets": selectors.BUCKETS,
            "counts": selectors.task_counts(request.user),
            "mine": mine,
        },
    )


def _detail_context(request, task, **forms):
    v = {"version": task.version}
    ctx = {
        "task": task,
        "finding": finding_for_task(request.user, task),
        "source": sources.link(request.user, task.source),
        "notes": selectors.task_notes(request.user, task),
        "note_form": NoteForm(initial=v),
        "close_form": CloseForm(initial=v),
        "reopen_form": ReopenForm(initial=v),
        "edit_form": EditForm(
            initial={**v, "owner": task.owner, "deadline": task.deadline}, owners=_owners(request.user)
        ),
        "can_handle": request.user.can(Cap.HANDLE_RECTIFICATION),
        "can_review": request.user.can(Cap.REVIEW_RECTIFICATION),
        "can_edit": request.user.can(Cap.MANAGE_CARE),
    }
    ctx.update(forms)
    return ctx


def task_detail(request, pk):
    _need(request.user, Cap.VIEW_PERSONS)
    task = selectors.task_get(request.user, pk)
    return render(request, "oversight/task_detail.html", _detail_context(request, task))


def _post(request, pk, form_class, form_key, call, success, **form_kwargs):
    task = selectors.task_get(request.user, pk)
    form = form_class(request.POST, request.FILES, **form_kwargs)
    if form.is_valid():
        try:
            call(task, form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
                messages.error(request, message)
            task.refresh_from_db()
        else:
            messages.success(request, success)
            return redirect("oversight_task", pk=task.pk)
    return render(
        request, "oversight/task_detail.html", _detail_context(request, task, **{form_key: form}), status=400
    )


@require_POST
def task_note(request, pk):
    _need(request.user, Cap.HANDLE_RECTIFICATION)
    return _post(
        request,
        pk,
        NoteForm,
        "note_form",
        lambda t, d: services.task_note_add(actor=request.user, task=t, text=d["text"], version=d["version"]),
        _("Progress recorded."),
    )


@require_POST
def task_close(request, pk):
    _need(request.user, Cap.HANDLE_RECTIFICATION)
    return _post(
        request,
        pk,
        CloseForm,
        "close_form",
        lambda t, d: services.task_close(
            actor=request.user,
            task=t,
            evidence=d["evidence"],
            evidence_file=d["evidence_file"],
            version=d["version"],
        ),
        _("The task is closed."),
    )


@require_POST
def task_reopen(request, pk):
    _need(request.user, Cap.REVIEW_RECTIFICATION)
    return _post(
        request,
        pk,
        ReopenForm,
        "reopen_form",
        lambda t, d: services.task_reopen(
            actor=request.user, task=t, reason=d["reason"], version=d["version"]
        ),
        _("The task is open again."),
    )


@require_POST
def task_edit(request, pk):
    _need(request.user, Cap.MANAGE_CARE)
    return _post(
        request,
        pk,
        EditForm,
        "edit_form",
        lambda t, d: services.task_update(
            actor=request.user, task=t, owner=d["owner"], deadline=d["deadline"], version=d["version"]
        ),
        _("Saved."),
        owners=_owners(request.user),
    )


def task_evidence(request, pk):
    _need(request.user, Cap.VIEW_PERSONS)
    task = selectors.task_get(request.user, pk)
    if task.evidence_file is None:
        raise Http404(_("No photo was uploaded."))
    upload = task.evidence_file
    return FileResponse(upload.file.open("rb"), filename=upload.original_name)
