"""Background jobs of integrity (run by the task worker through core.jobs.run_job)."""

from django.utils import timezone

from doudi.core.jobs import job_handler

from .services import reports_supervise


@job_handler("integrity_daily")
def integrity_daily_job(job, progress):
    """督办 of the reports in the job's area (services.reports_supervise); part of `doudi daily`."""
    sent = reports_supervise(region_prefix=job.region.prefix, today=timezone.localdate())
    progress(1, 1, force=True)
    job.total = 1
    return {"reminders": sent}
