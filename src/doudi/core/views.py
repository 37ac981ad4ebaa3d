import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import audit, jobs, second_factor, security, selectors, services
from .forms import AuditFilterForm, PasswordForm, UploadForm, UserForm
from .models import Upload
from .roles import Cap
from .scope import get_scoped_or_404
from .tabular import TableError


def require_cap(cap):
    """Views that need a capability answer 403 to users without it (they know the page exists
    from the menu anyway); object lookups inside still go through the area scope."""

    def decorator(view):
        def wrapped(request, *args, **kwargs):
            if not request.user.can(cap):
                raise PermissionDenied(_("Your role does not allow this."))
            return view(request, *args, **kwargs)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped

    return decorator


def paginate(request, qs, per_page=50):
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


@login_not_required
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": str(exc)}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        audit.record(user, "login", user, extra={"ip": self.request.META.get("REMOTE_ADDR", "")})
        if second_factor.pending(self.request) is None:  # else complete after the code
            second_factor.complete_sign_in(self.request, user)
        return response


def home(request):
    user = request.user
    counts = selectors.region_counts(user)
    from .navigation import groups_for, widgets_for  # entries and blocks other apps registered

    cards = [g for g in groups_for(user) if g["key"]]  # the menu's groups, the home link left out
    return render(
        request,
        "core/home.html",
        {
            "region": user.region,
            "townships": counts.get(4, 0),
            "villages": counts.get(5, 0),
            "jobs": selectors.jobs_recent(user),
            "shortcuts": cards,
            "widgets": widgets_for(user),
        },
    )


# ---- regions -----------------------------------------------------------------------------


@require_cap(Cap.VIEW_REGIONS)
def region_list(request):
    root = selectors.region_root(request.user)
    if root is None:
        raise PermissionDenied(_("Your account is not bound to a region."))
    return region_detail(request, root.code)


@require_cap(Cap.VIEW_REGIONS)
def region_detail(request, code):
    region = selectors.region_get(request.user, code)
    children = selectors.region_children(request.user, region)
    if request.headers.get("HX-Request"):
        return render(request, "core/_region_children.html", {"children": children})
    return render(
        request,
        "core/region_detail.html",
        {
            "region": region,
            "children": children,
            "ancestors": selectors.region_ancestors(request.user, region),
            "can_import": request.user.can(Cap.IMPORT_REGIONS),
        },
    )


def import_page(request, *, kind, importer, template, job_kind, job_title, confirm=False, context=None):
    """The upload → check → import flow of core's table imports (regions, units).

    The original is kept (core Upload) and checked with `importer(commit=False)`; a file with an
    error imports nothing and the page lists the errors by row and column. A clean file is then
    imported — at once, or (`confirm`) after the user has seen the preview and confirmed it, the
    confirmation naming the kept upload. The import runs again with `commit=True` in one
    transaction (the data may have changed since the check, so it checks again); a file larger
    than DOUDI_INLINE_IMPORT_MAX_ROWS goes to a background job instead.
    """
    form = UploadForm(request.POST or None, request.FILES or None)
    report, upload = None, None
    if request.method == "POST" and request.POST.get("upload"):
        upload = get_scoped_or_404(
            Upload.objects.filter(kind=kind, uploaded_by=request.user),
            request.user,
            pk=request.POST["upload"],
        )
        form = UploadForm()
        return _import_commit(request, upload, importer, template, job_kind, job_title, form, context)
    if request.method == "POST" and form.is_valid():
        upload = services.upload_store(
            actor=request.user, region=request.user.region, uploaded_file=form.cleaned_data["file"], kind=kind
        )
        try:
            report = importer(
                actor=request.user, path=upload.file.path, filename=upload.original_name, commit=False
            )
        except TableError as exc:
            form.add_error("file", str(exc))
            upload = None
        else:
            if report.errors:
                messages.error(
                    request, _("The file has errors; nothing was imported. Fix them and upload again.")
                )
                upload = None
            elif not confirm:
                return _import_commit(
                    request, upload, importer, template, job_kind, job_title, form, context, checked=report
                )
    return render(request, template, {"form": form, "report": report, "upload": upload, **(context or {})})


def _import_commit(request, upload, importer, template, job_kind, job_title, form, context, checked=None):
    report = checked or importer(
        actor=request.user, path=upload.file.path, filename=upload.original_name, commit=False
    )
    if not report.errors and report.rows > settings.DOUDI_INLINE_IMPORT_MAX_ROWS:
        job = jobs.start_job(
            kind=job_kind,
            title=job_title % {"name": upload.original_name},
            actor=request.user,
            region=request.user.region,
            upload=upload,
            total=report.rows,
        )
        return redirect("job_detail", pk=job.pk)
    if not report.errors:
        report = importer(
            actor=request.user, path=upload.file.path, filename=upload.original_name, commit=True
        )
    if report.errors:
        messages.error(request, _("The file has errors; nothing was imported. Fix them and upload again."))
    else:
        messages.success(
            request,
            _("Imported: %(c)d new, %(u)d changed, %(n)d unchanged.")
            % {"c": report.created, "u": report.updated, "n": report.unchanged},
        )
    return render(request, template, {"form": form, "report": report, "upload": None, **(context or {})})


@require_cap(Cap.IMPORT_REGIONS)
def region_import(request):
    return import_page(
        request,
        kind="regions",
        importer=services.region_import,
        template="core/region_import.html",
        job_kind="import_regions",
        job_title=_("Import regions from %(name)s"),
    )


@require_cap(Cap.IMPORT_REGIONS)
def region_template(request):
    from .tabular import write_xlsx

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "regions.xlsx"
        write_xlsx(
            str(path),
            "区划",
            ["区划代码", "名称", "城乡分类代码", "状态", "经度", "纬度"],
            [[request.user.region.code, request.user.region.name, "", "", "", ""]],
            text_columns={0, 2},
        )
        data = path.read_bytes()
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''regions-template.xlsx"
    return response


# ---- jobs ------------------------------------------------------------------------------------


def job_detail(request, pk):
    job = jobs.live(selectors.job_get(request.user, pk))
    template = "core/_job_progress.html" if request.headers.get("HX-Request") else "core/job_detail.html"
    return render(request, template, {"job": job, "result_template": jobs.result_template(job)})


# ---- users -----------------------------------------------------------------------------------


@require_cap(Cap.MANAGE_USERS)
def user_list(request):
    q = request.GET.get("q", "").strip()
    page = paginate(request, selectors.user_list(request.user, q=q, active=request.GET.get("active", "")))
    return render(request, "core/user_list.html", {"page": page, "q": q})


@require_cap(Cap.MANAGE_USERS)
def lockout_list(request):
    return render(
        request,
        "core/lockout_list.html",
        {"lockouts": security.lockouts(request.user), "minutes": security.cooloff_minutes()},
    )


@require_POST
@require_cap(Cap.MANAGE_USERS)
def lockout_unlock(request):
    username = request.POST.get("username", "")
    if not security.lockout_lift(actor=request.user, username=username):
        raise Http404(_("No such record in your area."))
    messages.success(request, _("Account %(u)s unlocked.") % {"u": username})
    return redirect("lockout_list")


@require_cap(Cap.MANAGE_USERS)
def user_create(request):
    form = UserForm(request.POST or None, admin=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            user = services.user_create(
                actor=request.user,
                username=d["username"],
                name=d["name"],
                phone=d["phone"],
                region=d["region"],
                roles=d["roles"],
                password=d["password"],
                unit=d["unit"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Account %(u)s created.") % {"u": user.username})
            return redirect("user_list")
    return render(request, "core/user_form.html", {"form": form, "title": _("New account")})


@require_cap(Cap.MANAGE_USERS)
def user_edit(request, pk):
    target = selectors.user_get(request.user, pk)
    initial = {
        "username": target.username,
        "name": target.name,
        "phone": target.phone,
        "region": target.region,
        "unit": target.unit,
        "roles": target.roles,
    }
    form = UserForm(request.POST or None, admin=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.user_update(
                actor=request.user,
                user=target,
                name=d["name"],
                phone=d["phone"],
                region=d["region"],
                roles=d["roles"],
                unit=d["unit"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Account %(u)s saved.") % {"u": target.username})
            return redirect("user_list")
    return render(
        request,
        "core/user_form.html",
        {
            "form": form,
            "target": target,
            "title": _("Edit account %(u)s") % {"u": target.username},
            "password_form": PasswordForm(),
            "target_enrolled": second_factor.device_of(target) is not None,
        },
    )


@require_cap(Cap.MANAGE_USERS)
@require_POST
def user_password(request, pk):
    target = selectors.user_get(request.user, pk)
    form = PasswordForm(request.POST)
    if form.is_valid():
        try:
            services.user_set_password(
                actor=request.user, user=target, password=form.cleaned_data["password"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The password of %(u)s was reset.") % {"u": target.username})
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("user_edit", pk=target.pk)


@require_cap(Cap.MANAGE_USERS)
@require_POST
def user_active(request, pk):
    target = selectors.user_get(request.user, pk)
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(actor=request.user, user=target, active=active)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        if active:
            messages.success(request, _("Account %(u)s activated.") % {"u": target.username})
        else:
            messages.success(request, _("Account %(u)s deactivated.") % {"u": target.username})
    return redirect("user_list")


# ---- audit -----------------------------------------------------------------------------------


@require_cap(Cap.VIEW_AUDIT)
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.audit_list(request.user, **{k: v for k, v in filters.items() if v})
    page = paginate(request, qs)
    # Always masked here: ID and certificate numbers some entries hold whole (written before they
    # were masked, or a merge's merged-away record). A role that may see full numbers reveals one
    # entry at a time with a button, and that viewing is logged (audit_reveal).
    page.object_list = [audit.shown(e) for e in page.object_list]
    return render(
        request,
        "core/audit_list.html",
        {"form": form, "page": page, "can_reveal": request.user.can(Cap.VIEW_FULL_ID)},
    )


@require_POST
@require_cap(Cap.VIEW_AUDIT)
def audit_reveal(request, seq):
    """One entry with its personal numbers whole (htmx swaps the row in); the service logs it."""
    entry = selectors.audit_entry_get(request.user, seq)
    shown = services.audit_entry_reveal(actor=request.user, entry=entry)
    if request.headers.get("HX-Request"):
        return render(request, "core/_audit_row.html", {"s": shown})
    return render(request, "core/audit_entry.html", {"s": shown})


# ---- notifications ---------------------------------------------------------------------------


def notification_list(request):
    from . import notifications

    page = paginate(request, notifications.for_user(request.user))
    return render(request, "core/notifications.html", {"page": page})


@require_POST
def notification_read(request):
    from . import notifications

    pk = request.POST.get("pk") or None
    if pk is not None and not str(pk).isdigit():
        pk = None
    n = notifications.mark_read(actor=request.user, pk=pk)
    target = request.POST.get("next") or ""
    if pk is not None and target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    if n:
        messages.success(request, _("Marked as read."))
    return redirect("notifications")
