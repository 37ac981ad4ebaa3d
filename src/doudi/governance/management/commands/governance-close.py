from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from doudi.core import jobs
from doudi.core.models import User
from doudi.core.scope import scoped
from doudi.governance import rules
from doudi.governance.models import PeriodClose, Scheme


class Command(BaseCommand):
    help = (
        "Queue the closing of the last ended period of every points scheme in the user's area (quarterly "
        "三色预警 with follow-up tasks, monthly ABC grades with pay), one job per scheme. The daily round "
        "(`doudi daily`) does the same in its `governance_daily` job."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="username of the county or township officer")

    def handle(self, *args, user, **options):
        translation.activate("zh-hans")
        actor = User.objects.select_related("region").filter(username=user, is_active=True).first()
        if actor is None or actor.region is None:
            raise CommandError(f"no active user {user!r} bound to a region")
        today = timezone.localdate()
        for scheme in scoped(Scheme, actor):
            period = rules.last_ended(scheme.period, today)
            if PeriodClose.objects.filter(scheme=scheme, period=period).exists():
                continue
            job = jobs.start_job(
                kind="governance_close",
                title=f"{scheme.name} {period} 结算",
                actor=actor,
                region=scheme.region,
                params={"scheme": scheme.pk, "period": period},
            )
            self.stdout.write(f"queued job {job.pk} for {scheme.name} {period}")
