"""Settings for the test suite: the real settings with tasks run inline and a local cache."""

import tempfile
from pathlib import Path

from .settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Uploaded originals and generated files of a test run go to a throw-away folder.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="doudi-test-files-"))

# A fixed Fernet key for the reporters' identities in tests.
DOUDI_REPORT_KEY = "x1pH0cZQ6k0u3m8dV5nYt0b2r7w4s9a1e6f3g8h2j5k="

# Two-factor sign-in off unless a test turns it on (tests/core/test_second_factor.py), so the
# shared fixtures' accounts sign in with a password as in the demo.
DOUDI_REQUIRE_2FA = False
