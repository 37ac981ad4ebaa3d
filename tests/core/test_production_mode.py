"""Production mode (DOUDI_HTTPS=1): `doudi check --deploy` is clean, and the protections are on.

Settings are read once per process, so each case runs the CLI in a fresh process with the
environment the deployment guide gives."""

import os
import secrets
import subprocess
import sys

import pytest

PROBE = (
    "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
    "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_PROXY_SSL_HEADER, "
    "s.SESSION_COOKIE_AGE, s.SESSION_SAVE_EVERY_REQUEST)"
)


def _doudi(tmp_path, *args, https=True):
    unset = (
        "DOUDI_HTTPS",
        "SECURE_COOKIES",
        "DEBUG",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    )  # the browser tests set the last
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(
        DOUDI_DATA_DIR=str(tmp_path),
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="doudi.example.gov",
        DJANGO_SETTINGS_MODULE="doudi.settings",
    )
    env.pop("DATABASE_URL", None)
    if https:
        env["DOUDI_HTTPS"] = "1"
    return subprocess.run([sys.executable, "-m", "doudi", *args], env=env, capture_output=True, text=True)


@pytest.mark.parametrize("https", [True, False])
def test_check_deploy_is_clean_only_in_production_mode(tmp_path, https):
    r = _doudi(tmp_path, "check", "--deploy", "--fail-level", "WARNING", https=https)
    if https:
        assert r.returncode == 0, r.stdout + r.stderr
    else:  # the same check fails without the switch, so the test above can fail
        assert r.returncode != 0 and "security.W004" in r.stderr + r.stdout


def test_production_mode_turns_on_https_cookies_and_an_idle_timeout(tmp_path):
    out = _doudi(tmp_path, "shell", "-c", PROBE).stdout.strip().splitlines()[-1].split()
    assert out[:5] == ["True", str(365 * 24 * 3600), "True", "True", "True"]
    assert "HTTP_X_FORWARDED_PROTO" in out[5]
    assert out[-2:] == ["3600", "True"]
