from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from doudi.core import jobs
from doudi.core.models import User


class Command(BaseCommand):
    help = (
        "Queue the daily village-supervision check: each inquiry whose written answer is overdue opens "
        "one rectification task (idempotent). Run it from cron once a day."
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
            from doudi.village.services import inquiries_overdue

            result = inquiries_overdue(
                actor=actor, region_prefix=actor.region.prefix, today=timezone.localdate()
            )
            self.stdout.write(str(result))
            return
        job = jobs.start_job(kind="village_daily", title="村务监督每日检查", actor=actor, region=actor.region)
        self.stdout.write(f"queued job {job.pk}")
