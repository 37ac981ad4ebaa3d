"""The `doudi` command line itself (doudi/__main__.py): exit status and output survive its quick
exit, and what an ordinary exit cleans up is still cleaned up."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def _run(folder, *args):
    return subprocess.run(
        [sys.executable, "-m", "doudi", *args],
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DOUDI_DATA_DIR": str(folder),
            "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
        },
        cwd=folder,
        timeout=300,
    )


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    done = _run(folder, "migrate", "--noinput")
    assert done.returncode == 0, done.stderr
    return folder / "db.sqlite3"


@pytest.fixture
def doudi(migrated, tmp_path):
    shutil.copyfile(migrated, tmp_path / "db.sqlite3")
    return lambda *args: _run(tmp_path, *args)


def test_output_and_exit_status(doudi, tmp_path):
    done = doudi("import-persons", str(tmp_path / "missing.xlsx"))
    assert done.returncode == 1
    assert "文件不存在" in done.stderr
    template = tmp_path / "t.xlsx"
    done = doudi("export-persons", "--template", str(template))
    assert done.returncode == 0, done.stderr
    assert template.stat().st_size > 0
    done = doudi("no-such-command")
    assert done.returncode == 1 and "Unknown command" in done.stderr


def test_a_json_summary_is_complete(doudi, tmp_path):
    (tmp_path / "x.txt").write_text("not a spreadsheet")
    done = doudi("import-persons", str(tmp_path / "x.txt"))
    assert done.returncode == 1
    summary = json.loads(done.stdout)
    assert summary["rows"] == 0 and "文件格式不支持" in summary["errors"][0]["message"]
    assert "文件格式不支持" in done.stderr


def test_a_big_output_is_written_whole(doudi):
    done = doudi("shell", "-c", "print('x' * 1_000_000); print('end')")
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("x" * 1000 + "\nend\n")


def test_exit_functions_still_run(doudi, tmp_path):
    marker = tmp_path / "finalized"
    code = (
        "import atexit, tempfile, pathlib;"
        f"atexit.register(lambda: pathlib.Path({str(marker)!r}).write_text('ok'));"
        "d = tempfile.TemporaryDirectory(); print(d.name)"
    )
    done = doudi("shell", "-c", code)
    assert done.returncode == 0, done.stderr
    assert marker.read_text() == "ok"
    assert not Path(done.stdout.strip()).exists()  # the temporary directory's finalizer ran
