"""Two-factor sign-in (issue 16): a TOTP code from an authenticator app after the password.

Who: a user whose roles hold one of roles.SECOND_FACTOR_CAPS, when settings.DOUDI_REQUIRE_2FA is
on (by default in production mode), and any user who has enrolled. Such a user signed in with the
password alone reaches no page but enrolment (when not yet enrolled) or the code page, and the
API's session auth refuses them (doudi/api.py).

The TOTP device is django-otp's (its replay guard refuses a code used once); recovery codes are
our own RecoveryCode rows, stored hashed and single use. A wrong code or recovery code is a failed
sign-in for django-axes, under the account's name and the client's address — the same lockout, the
same audit entry, the same unlock page as a wrong password. Failures are reset only when a sign-in
is complete (settings.AXES_RESET_ON_SUCCESS is off; complete_sign_in() resets them).
"""

from __future__ import annotations

import hashlib
import secrets
import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit, security
from .models import ApiToken, RecoveryCode, User
from .roles import Cap, needs_second_factor
from .scope import in_scope

RECOVERY_CODES = 10
NO_DEVICE_KEY = "second_factor_none"
NO_DEVICE_RECHECK = 300  # seconds
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 symbols, no 0/O or 1/I: 5 bits each
_RECOVERY_LENGTH = 16  # 80 bits, shown in four groups of four (ABCD-EFGH-JKLM-NPQR)


# ---- reads -----------------------------------------------------------------------------------


def required(user) -> bool:
    """The user's roles need a second factor and the installation asks for one."""
    return bool(settings.DOUDI_REQUIRE_2FA) and needs_second_factor(user.roles)


def device_of(user) -> TOTPDevice | None:
    """The user's confirmed authenticator, if they have enrolled."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending(request) -> str | None:
    """For a signed-in request: "verify" (enrolled, the code not yet given this session), "enrol"
    (must enrol first) or None (nothing owed)."""
    user = request.user
    if not user.is_authenticated:
        return None
    is_verified = getattr(user, "is_verified", None)  # set by django-otp's middleware
    if is_verified is not None and is_verified():
        return None
    needed = required(user)
    session = getattr(request, "session", None)
    now = int(time.time())
    mark = session.get(NO_DEVICE_KEY) if session is not None else None
    if not needed and mark and mark[0] == user.pk and now - mark[1] < NO_DEVICE_RECHECK:
        return None  # seen a moment ago in this session: no authenticator, none needed
    if device_of(user) is not None:
        return "verify"
    if needed:
        return "enrol"
    if session is not None:
        # Saves the device query on the pages of the next few minutes. Another session of the
        # user (signed in before they enrolled) is asked for the code within NO_DEVICE_RECHECK.
        session[NO_DEVICE_KEY] = [user.pk, now]
    return None


def recovery_codes_left(user) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address of an unconfirmed device as an inline SVG QR code (no image file, no
    data: URL, nothing a Content-Security-Policy has to allow)."""
    import segno

    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2, dark="#000")


def secret_text(device: TOTPDevice) -> str:
    """The key in base32 groups of four, for typing into an app without a camera."""
    from base64 import b32encode

    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def _hash(code: str) -> str:
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


# ---- the sign-in step --------------------------------------------------------------------------


def _failed(request, user) -> None:
    """A wrong code: a failed sign-in for axes (which locks and audits after too many)."""
    user_login_failed.send(sender=__name__, credentials={"username": user.username}, request=request)


def locked(request, user) -> bool:
    from axes.handlers.proxy import AxesProxyHandler

    return AxesProxyHandler.is_locked(request, credentials={"username": user.username})


def complete_sign_in(request, user) -> None:
    """The sign-in is complete: forget the failures counted against the account and this client
    (what AXES_RESET_ON_SUCCESS would do on the password alone)."""
    from axes.handlers.proxy import AxesProxyHandler

    AxesProxyHandler.update_request(request)
    AxesProxyHandler.get_implementation().reset_user_attempts(request, {"username": user.username})


def _check(user, device: TOTPDevice, code: str) -> str | None:
    """ "totp" or "recovery_code" when `code` is the authenticator's current code or one of the
    user's unused recovery codes, else None. Each is used once: the device row is locked while its
    replay guard is checked, and a recovery code is marked used by one UPDATE that only an unused
    code matches (two requests racing with the same code: one wins). A used recovery code is
    audited, with the number left. The sign-in page and the token endpoint both check here."""
    code = (code or "").strip().replace(" ", "")
    if code.isdigit() and len(code) == device.digits:
        with transaction.atomic():
            fresh = TOTPDevice.objects.select_for_update().get(pk=device.pk)  # one use of a code
            if fresh.verify_token(code):
                return "totp"
    elif len(normalise(code)) == _RECOVERY_LENGTH:
        with transaction.atomic():
            used = RecoveryCode.objects.filter(user=user, code_hash=_hash(code), used_at__isnull=True).update(
                used_at=timezone.now()
            )
            if used:
                audit.record(
                    user,
                    "update",
                    user,
                    extra={"recovery_code_used": True, "recovery_codes_left": recovery_codes_left(user)},
                )
                return "recovery_code"
    return None


def verify(*, request, code: str) -> bool:
    """Check a code (six digits from the app) or a recovery code for the signed-in user; on success
    the session counts as verified, the failures are reset and the sign-in is audited. On failure
    axes counts it; the caller answers axes' lockout when `request.axes_locked_out` is set."""
    user = request.user
    device = device_of(user)
    if device is None:
        return False
    how = _check(user, device, code)
    if how is None:
        _failed(request, user)
        return False
    otp_login(request, device)
    complete_sign_in(request, user)
    audit.record(user, "login", user, extra={"ip": security.client_ip(request), "second_factor": how})
    return True


def api_code_ok(request, user, code: str | None) -> str | None:
    """For the token endpoint: None when the user may have a token, else the Chinese reason.
    `code` is the authenticator's code or a recovery code, checked as on the sign-in page (_check):
    a wrong one counts as a failed sign-in and gets the same answer whichever kind it was; a right
    one is audited as a sign-in with its second factor, as on the page."""
    device = device_of(user)
    if device is None:
        if required(user):
            return "您的角色需要两步验证：请先在网页上登录并设置验证器应用，然后再申请 API 令牌。"
        return None
    if not (code or "").strip():
        return "您的账号已启用两步验证：请在请求中提供验证器应用显示的 6 位动态验证码或一个恢复码（otp）。"
    how = _check(user, device, code)
    if how is None:
        _failed(request, user)
        return "动态验证码或恢复码错误或已使用过，请输入验证器应用当前显示的验证码，或一个未用过的恢复码。"
    audit.record(
        user, "login", user, extra={"ip": security.client_ip(request), "second_factor": how, "api": True}
    )
    return None


# ---- enrolment and recovery codes ----------------------------------------------------------------


def enrolment_device(user) -> TOTPDevice:
    """The unconfirmed device being enrolled (a new key the first time the page is opened)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def _new_recovery_codes(user) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = []
    for _i in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _j in range(_RECOVERY_LENGTH))
        codes.append("-".join(raw[i : i + 4] for i in range(0, _RECOVERY_LENGTH, 4)))
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=_hash(c)) for c in codes)
    return codes


def enrolment_confirm(*, request, code: str) -> list[str]:
    """Confirm the authenticator with its first code: the device becomes the user's, the session
    counts as verified, and fresh recovery codes are returned (to be shown once). Audited."""
    user = request.user
    if device_of(user) is not None:
        raise ValidationError(_("Two-step verification is already set up for this account."))
    device = enrolment_device(user)
    code = (code or "").strip().replace(" ", "")
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        ok = code.isdigit() and device.verify_token(code)
    if not ok:
        _failed(request, user)  # outside the transaction: the failure is kept
        raise ValidationError(_("The code is wrong. Type the six digits the app shows now."))
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        codes = _new_recovery_codes(user)
        audit.record(user, "update", user, extra={"second_factor_enrolled": True})
    otp_login(request, device)
    complete_sign_in(request, user)
    return codes


def recovery_codes_renew(*, actor) -> list[str]:
    """New recovery codes for a verified user; the old ones stop working. Audited."""
    if device_of(actor) is None:
        raise ValidationError(_("Set up two-step verification first."))
    with transaction.atomic():
        codes = _new_recovery_codes(actor)
        audit.record(actor, "update", actor, extra={"recovery_codes_renewed": True})
    return codes


def reset(*, actor, user: User) -> None:
    """An administrator of the user's area removes their authenticator and recovery codes (a lost
    phone); their API tokens are revoked too. The user enrols again at their next sign-in. Audited."""
    if not actor.can(Cap.MANAGE_USERS) or user.region_id is None or not in_scope(actor, user.region_id):
        raise PermissionDenied(_("You may not manage accounts in this region."))
    with transaction.atomic():
        devices, _d = TOTPDevice.objects.filter(user=user).delete()
        codes, _c = RecoveryCode.objects.filter(user=user).delete()
        tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=actor
        )
        audit.record(
            actor,
            "update",
            user,
            extra={
                "second_factor_reset": True,
                "devices_removed": devices,
                "recovery_codes_removed": codes,
                "tokens_revoked": tokens,
            },
        )


# ---- the gate ----------------------------------------------------------------------------------


class SecondFactorMiddleware:
    """A signed-in user who owes the second factor is sent to the code page (or to enrolment)
    before any other page. The API answers for itself (its session auth refuses such a user)."""

    open_prefixes = ("/api/", "/healthz", "/static/", "/i18n/", "/logout/", "/login/", "/account/2fa/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(self.open_prefixes):
            return None
        owed = pending(request)
        if owed is None:
            return None
        request.second_factor_pending = owed
        target = "second_factor_verify" if owed == "verify" else "second_factor_enrol"
        response = redirect(target)
        nxt = request.get_full_path()
        if nxt != "/" and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
            response["Location"] += "?" + urlencode({"next": nxt})
        return response


def abandon(request) -> None:
    """Locked out on the code step: the half sign-in ends (axes refuses the password meanwhile)."""
    logout(request)
