"""The daily job of village supervision (run by the task worker through core.jobs.run_job)."""

from django.utils import timezone

from doudi.core.jobs import job_handler

from .services import inquiries_overdue


@job_handler("village_daily")
def village_daily_job(job, progress):
    """Inquiries, review requests and suggestions whose written answer is overdue open a
    rectification task each, once (services.inquiries_overdue), in the job's area. Part of the
    daily round (`doudi daily --user <officer>`, registered in apps.py)."""
    result = inquiries_overdue(
        actor=job.created_by, region_prefix=job.region.prefix, today=timezone.localdate()
    )
    progress(1, 1, force=True)
    job.total = 1
    return result
