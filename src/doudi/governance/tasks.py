"""Background jobs of points schemes (run by the task worker through core.jobs.run_job)."""

from django.utils import timezone

from doudi.core.jobs import job_handler
from doudi.core.models import User

from . import rules
from .models import PeriodClose, Scheme
from .services import period_close


@job_handler("governance_close")
def governance_close_job(job, progress):
    """Close one period of one scheme (三色预警 each quarter, ABC each month): params
    {"scheme": id, "period": "2026-Q1"}. Started from the scheme page or by `doudi governance-close`
    (cron, the first day of a quarter). The scheme is read within the job's region."""
    actor = User.objects.select_related("region").get(pk=job.created_by_id)
    scheme = Scheme.objects.select_related("region").get(
        pk=job.params["scheme"], region__code__startswith=job.region.prefix
    )
    close = period_close(actor=actor, scheme=scheme, period=job.params["period"], today=timezone.localdate())
    progress(1, 1, force=True)
    job.total = 1
    return {"close": close.pk, "period": close.period, "counts": close.counts}


@job_handler("governance_daily")
def governance_daily_job(job, progress):
    """Part of the daily round (`doudi daily`): close the last ended period of every scheme in the
    job's area that is not closed yet (idempotent: a closed period is never closed again)."""
    actor = User.objects.select_related("region").get(pk=job.created_by_id)
    today = timezone.localdate()
    schemes = list(Scheme.objects.select_related("region").filter(region__code__startswith=job.region.prefix))
    closed = []
    for index, scheme in enumerate(schemes, 1):
        period = rules.last_ended(scheme.period, today)
        if not PeriodClose.objects.filter(scheme=scheme, period=period).exists():
            close = period_close(actor=actor, scheme=scheme, period=period, today=today)
            closed.append({"scheme": scheme.pk, "name": scheme.name, "period": period, "close": close.pk})
        progress(index, len(schemes))
    job.total = len(schemes)
    return {"schemes": len(schemes), "closed": closed}
