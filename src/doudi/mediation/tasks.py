"""Background jobs of dispute mediation (run by the task worker through core.jobs.run_job)."""

from django.utils import timezone

from doudi.core.jobs import job_handler

from .services import escalate_overdue


@job_handler("mediation_daily")
def mediation_daily_job(job, progress):
    """The daily move of disputes the village has not settled in time to the township, and the
    township's overdue reminders (services.escalate_overdue), in the job's area; queued every
    morning by `doudi daily` (cron / systemd timer) or alone by `doudi mediation-daily`."""
    result = escalate_overdue(region_prefix=job.region.prefix, today=timezone.localdate())
    progress(1, 1, force=True)
    job.total = 1
    return result
