"""Two-step sign-in in a browser (issue 16): a clerk enrols by the QR code's key with a code the
test computes as an authenticator app would, keeps the recovery codes, and signs in again with a
code; an administrator resets it. On a phone-sized screen."""

import base64
import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from doudi.core import services

from ..conftest import PASSWORD  # noqa: TID252
from .conftest import log_in  # noqa: TID252

pytestmark = pytest.mark.browser


def app_code(secret: str, ahead: int = 0) -> str:
    """What an authenticator app shows for the key (base32, as typed from the page)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key, step=30, t0=0, digits=6, drift=0)
    totp.time = time.time() + ahead * 30
    return f"{totp.token():06d}"


def test_a_clerk_enrols_and_signs_in_with_a_code(phone, live_world, settings, screenshot):
    settings.DOUDI_REQUIRE_2FA = True
    services.token_issue(user=live_world.users.town1)
    log_in(phone, "town1", PASSWORD)
    phone.wait_for_selector("#totp-qr svg")
    assert phone.url.endswith("/account/2fa/")
    assert "设置两步验证" in phone.inner_text("h1")
    assert not phone.locator("nav.mainnav").count()  # no menu before the second factor
    screenshot(phone, "second-factor-enrol-phone")
    secret = phone.get_attribute("#totp-secret", "data-secret")

    phone.fill("#id_code", "000000" if app_code(secret) != "000000" else "111111")
    phone.click("#enrol button.primary")
    phone.wait_for_selector("#code-error")
    assert "验证码错误" in phone.inner_text("#code-error")

    phone.fill("#id_code", app_code(secret))
    phone.click("#enrol button.primary")
    phone.wait_for_selector("#recovery-codes")
    codes = [c.strip() for c in phone.locator("#recovery-codes code").all_inner_texts()]
    assert len(codes) == 10 and all(len(c) == 19 for c in codes)
    assert "只显示这一次" in phone.content()
    screenshot(phone, "second-factor-recovery-codes-phone")
    phone.click("#recovery-done")
    phone.wait_for_selector("header .who")
    assert TOTPDevice.objects.get(user=live_world.users.town1).confirmed

    phone.goto("/account/tokens/")
    phone.wait_for_selector("#tokens tr[data-status=active]")
    screenshot(phone, "api-tokens-phone")
    phone.click("#tokens tr[data-status=active] button")
    phone.wait_for_selector("#tokens tr[data-status=revoked]")

    # Sign out and in again: the password, then the code of the app's next step (a code is taken
    # once; the app's clock may run a step ahead).
    phone.goto("/")
    phone.locator("header form[action='/logout/'] button").click()
    phone.wait_for_selector("#id_username")
    log_in(phone, "town1", PASSWORD)
    phone.wait_for_selector("#verify")
    screenshot(phone, "second-factor-verify-phone")
    response = phone.goto("/persons/")
    assert "/account/2fa/verify/" in phone.url  # no page before the code
    phone.fill("#id_code", app_code(secret, ahead=1))
    phone.click("#verify button.primary")
    phone.wait_for_url("**/persons/")
    assert response is not None and "柳河镇" not in phone.content()


def test_the_administrator_resets_it(page, live_world, settings, screenshot):
    settings.DOUDI_REQUIRE_2FA = True
    county, town1 = live_world.users.county, live_world.users.town1
    device = TOTPDevice.objects.create(user=county, name="app", confirmed=True)
    TOTPDevice.objects.create(user=town1, name="app", confirmed=True)
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    log_in(page, "county", PASSWORD)
    page.wait_for_selector("#verify")
    page.fill("#id_code", app_code(secret))
    page.click("#verify button.primary")
    page.wait_for_selector("header .who")
    page.goto(f"/users/{town1.pk}/")
    page.wait_for_selector("#second-factor-reset")
    screenshot(page, "second-factor-reset")
    page.click("#second-factor-reset button")
    page.wait_for_selector("text=已重置 town1 的两步验证")
    assert not TOTPDevice.objects.filter(user=town1).exists()
