"""The user's own account security (issue 16): two-step verification — enrolment, the code after
the password, recovery codes — and API tokens (list, revoke). Administrators reset a user's
authenticator and revoke any token of their area."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import second_factor, security, selectors, services
from .roles import Cap
from .views import paginate, require_cap

_SHOW_ONCE = "recovery_codes_to_show"


def _next(request) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return "/"


def _locked_out(request):
    """Too many wrong codes: the half sign-in ends, with the lockout answer of the login page."""
    second_factor.abandon(request)
    return security.lockout_response(request)


def second_factor_enrol(request):
    """Scan the QR code, type the first code; the recovery codes are shown next (once)."""
    user = request.user
    owed = second_factor.pending(request)
    if owed == "verify":
        return redirect("second_factor_verify")
    if second_factor.device_of(user) is not None:  # enrolled and verified: the status page
        return render(
            request,
            "core/second_factor_status.html",
            {"left": second_factor.recovery_codes_left(user), "required": second_factor.required(user)},
        )
    if second_factor.locked(request, user):
        return _locked_out(request)
    error = None
    if request.method == "POST":
        try:
            codes = second_factor.enrolment_confirm(request=request, code=request.POST.get("code", ""))
        except ValidationError as exc:
            if getattr(request, "axes_locked_out", False):
                return _locked_out(request)
            error = exc.messages[0]
        else:
            request.session[_SHOW_ONCE] = codes
            messages.success(request, _("Two-step verification is on."))
            return redirect(f"{_recovery_url()}?{urlencode({'next': _next(request)})}")
    device = second_factor.enrolment_device(user)
    return render(
        request,
        "core/second_factor_enrol.html",
        {
            "qr": mark_safe(second_factor.qr_svg(device)),  # segno's SVG markup: no user input in it
            "secret": second_factor.secret_text(device),
            "required": second_factor.required(user),
            "error": error,
            "next": _next(request),
            "hide_nav": True,
        },
        status=400 if error else 200,
    )


def _recovery_url():
    from django.urls import reverse

    return reverse("recovery_codes")


def second_factor_verify(request):
    """The code after the password (or a recovery code)."""
    user = request.user
    if second_factor.pending(request) != "verify":
        return redirect(_next(request))
    if second_factor.locked(request, user):
        return _locked_out(request)
    error = None
    if request.method == "POST":
        if second_factor.verify(request=request, code=request.POST.get("code", "")):
            left = second_factor.recovery_codes_left(user)
            if left <= 3:
                messages.warning(
                    request,
                    _("Only %(n)d recovery codes are left. Make new ones on the account security page.")
                    % {"n": left},
                )
            return redirect(_next(request))
        if getattr(request, "axes_locked_out", False):
            return _locked_out(request)
        error = _("The code is wrong or was used already.")
    return render(
        request,
        "core/second_factor_verify.html",
        {"error": error, "next": _next(request), "hide_nav": True},
        status=400 if error else 200,
    )


def recovery_codes(request):
    """The new recovery codes, shown once; POST makes new ones (the old ones stop working)."""
    user = request.user
    if request.method == "POST":
        try:
            request.session[_SHOW_ONCE] = second_factor.recovery_codes_renew(actor=user)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect("second_factor_enrol")
        return redirect("recovery_codes")
    codes = request.session.pop(_SHOW_ONCE, None)
    if codes is None:
        return redirect("second_factor_enrol")
    return render(request, "core/recovery_codes.html", {"codes": codes, "next": _next(request)})


@require_POST
@require_cap(Cap.MANAGE_USERS)
def second_factor_reset(request, pk):
    target = selectors.user_get(request.user, pk)
    second_factor.reset(actor=request.user, user=target)
    messages.success(
        request,
        _("The two-step verification of %(u)s was reset. They set it up again at their next sign-in.")
        % {"u": target.username},
    )
    return redirect("user_edit", pk=target.pk)


# ---- API tokens ------------------------------------------------------------------------------


def _rows(tokens):
    now = timezone.now()
    for t in tokens:
        t.status = t.status_at(now)
        t.status_label = t.Status(t.status).label
    return tokens


def token_list(request):
    """The user's own API tokens; an administrator also finds the tokens of their area here."""
    page = paginate(request, selectors.tokens_own(request.user))
    page.object_list = _rows(list(page.object_list))
    return render(
        request,
        "core/token_list.html",
        {"page": page, "can_manage": request.user.can(Cap.MANAGE_USERS), "managed": False},
    )


@require_cap(Cap.MANAGE_USERS)
def token_admin_list(request):
    page = paginate(request, selectors.tokens_managed(request.user))
    page.object_list = _rows(list(page.object_list))
    return render(request, "core/token_list.html", {"page": page, "can_manage": True, "managed": True})


@require_POST
def token_revoke(request, pk):
    token = selectors.token_get_revocable(request.user, pk)
    if services.token_revoke(actor=request.user, token=token):
        messages.success(request, _("The API token was revoked."))
    back = "token_admin_list" if token.user_id != request.user.pk else "token_list"
    return redirect(back)
