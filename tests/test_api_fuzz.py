"""Fuzzing the whole API (issue 16, item 6): schemathesis against /api/v1/openapi.json.

The demo county is loaded into the test database, a live server serves it, and the schemathesis
command line runs every phase (examples, coverage, fuzzing, stateful) with a town clerk's token
(`town1`, as in the README) for a bounded time. The test fails on any 5xx answer and on any answer
that breaks the schema the OpenAPI document declares for its status code.

Bounded: `DOUDI_FUZZ_SECONDS` (default 90) is schemathesis' `--max-time`; `DOUDI_FUZZ_SEED` fixes the
seed (default: a new one each run, printed on failure so that a finding can be replayed).
Marked `fuzz`, so it can be left out with `-m "not fuzz"` (it is part of the normal suite).
"""

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from doudi.core import demo

pytestmark = [pytest.mark.fuzz]

CHECKS = "not_a_server_error,response_schema_conformance"


def schemathesis_command(url, token, *, seconds, seed):
    exe = Path(sys.executable).with_name("schemathesis")
    return [
        str(exe),
        "run",
        f"{url}/api/v1/openapi.json",
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        CHECKS,
        "--max-time",
        str(seconds),
        "--seed",
        str(seed),
        "--workers",
        "1",  # the live server of the test database answers one request at a time on SQLite
        "--request-timeout",
        "30",
        "--no-color",
    ]


@pytest.fixture
def demo_server(transactional_db, live_server, client):
    demo.run()
    response = client.post(
        "/api/v1/auth/token",
        {"username": "town1", "password": demo.DEMO_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return live_server.url, response.json()["token"]


def test_the_api_survives_schemathesis(demo_server, tmp_path):
    url, token = demo_server
    seconds = int(os.environ.get("DOUDI_FUZZ_SECONDS", "90"))
    seed = int(os.environ.get("DOUDI_FUZZ_SEED") or random.randrange(1, 2**31))
    run = subprocess.run(
        schemathesis_command(url, token, seconds=seconds, seed=seed),
        cwd=tmp_path,  # hypothesis and report files stay out of the work tree
        capture_output=True,
        text=True,
        timeout=seconds + 300,  # shrinking a failure may run past --max-time
        env={**os.environ, "NO_COLOR": "1"},
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, f"schemathesis (seed {seed}) found problems:\n{output[-20000:]}"
    assert "Tested:" in output, output[-5000:]
