"""The `doudi` command: Django's manage.py under the project's own name."""

import atexit
import os
import sys
import threading


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except SystemExit as exc:
        _exit(exc.code)
    _exit(0)


def _exit(code) -> None:
    """End the process without the interpreter's teardown, which frees every object one by one:
    0.3 s after any command, 0.5 s after a ledger import of 100,000 rows
    (docs/performance.md). What an ordinary exit does that matters still happens: the exit
    functions run (logging, temporary files' finalizers), the output is flushed. With another
    thread still running, the ordinary exit waits for it as usual."""
    if not isinstance(code, int):
        if code is not None:
            print(code, file=sys.stderr)
        code = 0 if code is None else 1
    if threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
