"""Background jobs of points schemes (run by the task worker through core.jobs.run_job)."""

from django.utils import timezone

from doudi.core.jobs import job_handler
from doudi.core.models import User

from .models import Scheme
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
