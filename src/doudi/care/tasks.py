"""Background jobs of the care loop (run by the task worker through core.jobs.run_job)."""

from django.utils import timezone

from doudi.core.jobs import job_handler

from .services import daily_check


@job_handler("care_daily")
def care_daily_job(job, progress):
    """The daily check of the monthly loop in the job's area: persons at home not visited by the
    due day, rectification tasks past their deadline; the responsible users are notified in-app
    (services.daily_check). Queued every morning by `doudi care-daily` (cron / systemd timer);
    runs on the embedded worker (`doudi db_worker`) or RQ alike."""
    result = daily_check(region_prefix=job.region.prefix, today=timezone.localdate())
    progress(1, 1, force=True)
    job.total = 1
    return result
