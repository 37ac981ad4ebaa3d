"""Background jobs of pilot plans (run by the task worker through core.jobs.run_job)."""

from django.utils import timezone

from doudi.core.jobs import job_handler

from .services import warnings_daily


@job_handler("programmes_daily")
def programmes_daily_job(job, progress):
    """The daily deadline warnings of the plans in the job's area (services.warnings_daily);
    queued every morning by `doudi programmes-daily` (cron / systemd timer)."""
    result = warnings_daily(region_prefix=job.region.prefix, today=timezone.localdate())
    progress(1, 1, force=True)
    job.total = 1
    return result
