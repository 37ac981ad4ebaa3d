"""The shape of `doudi daily` and of the per-module daily commands kept for existing cron lines."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from doudi.core import daily
from doudi.core.models import User


class DailyCommand(BaseCommand):
    help = (
        "Queue the daily round of every module (overdue visits and rectification tasks, expiring "
        "agreements, reports past their limits, plan deadline warnings, ...) for a county officer's "
        "area. Run it from cron once a day."
    )
    kinds: list[str] | None = None  # a subclass fixes the daily work it runs

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="username of the county officer the jobs run as")
        parser.add_argument("--now", action="store_true", help="run in this process instead of queueing")
        if self.kinds is None:
            parser.add_argument(
                "--only", nargs="+", metavar="KIND", help="run only these daily jobs (default: all)"
            )

    def handle(self, *args, user, now=False, only=None, **options):
        translation.activate("zh-hans")
        actor = User.objects.select_related("region").filter(username=user, is_active=True).first()
        if actor is None or actor.region is None:
            raise CommandError(f"no active user {user!r} bound to a region")
        try:
            jobs = daily.queue(actor, self.kinds or only, now=now)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for job in jobs:
            if now:
                self.stdout.write(f"{job.kind}: {job.status} {job.result if job.result else job.error}")
            else:
                self.stdout.write(f"queued job {job.pk} ({job.kind})")
        failed = [job.kind for job in jobs if now and job.status == job.Status.FAILED]
        if failed:
            raise CommandError(f"daily work failed: {', '.join(failed)}")
