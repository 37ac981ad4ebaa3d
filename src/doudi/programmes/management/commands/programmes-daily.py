from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from doudi.core import jobs
from doudi.core.models import User


class Command(BaseCommand):
    help = (
        "Queue the daily deadline warnings of the pilot plans (tasks near or past their deadline, escalated "
        "to the lead unit and the county; in-app notifications). Run it from cron once a day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="username of the county officer the job runs as")
        parser.add_argument("--now", action="store_true", help="run in this process instead of queueing")

    def handle(self, *args, user, now=False, **options):
        translation.activate("zh-hans")
        actor = User.objects.select_related("region").filter(username=user, is_active=True).first()
        if actor is None or actor.region is None:
            raise CommandError(f"no active user {user!r} bound to a region")
        if now:
            from doudi.programmes.services import warnings_daily

            result = warnings_daily(region_prefix=actor.region.prefix, today=timezone.localdate())
            self.stdout.write(str(result))
            return
        job = jobs.start_job(
            kind="programmes_daily", title="试点方案每日预警", actor=actor, region=actor.region
        )
        self.stdout.write(f"queued job {job.pk}")
