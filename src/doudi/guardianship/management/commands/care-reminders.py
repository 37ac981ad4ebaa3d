from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from doudi.core import jobs
from doudi.core.models import User


class Command(BaseCommand):
    help = "Queue the daily check of guardianship agreements expiring within 30 days (for cron)."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="username of the county officer the job runs as")

    def handle(self, *args, user, **options):
        translation.activate("zh-hans")
        actor = User.objects.select_related("region").filter(username=user, is_active=True).first()
        if actor is None or actor.region is None:
            raise CommandError(f"no active user {user!r} bound to a region")
        job = jobs.start_job(
            kind="care_agreement_reminders", title="监护照料协议到期提醒", actor=actor, region=actor.region
        )
        self.stdout.write(f"queued job {job.pk}")
