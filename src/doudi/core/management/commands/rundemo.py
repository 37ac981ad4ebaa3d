import os
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from doudi.core import demo


class Command(BaseCommand):
    help = "Serve the platform with the embedded task worker beside it (used by `make demo`)."

    def add_arguments(self, parser):
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))

    def handle(self, *args, port, host, **options):
        worker = subprocess.Popen([sys.executable, "-m", "doudi", "db_worker"])
        self.stdout.write(f"后台任务进程已启动 (pid {worker.pid})。 Task worker started.")
        self.stdout.write(f"请用浏览器打开 / open http://{host}:{port}/")
        for line in demo.account_lines():
            self.stdout.write(line)
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False)
        finally:
            worker.terminate()
            worker.wait(timeout=10)
