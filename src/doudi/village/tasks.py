"""The daily job of village supervision (run by the task worker through core.jobs.run_job)."""

from django.utils import timezone

from doudi.core.jobs import job_handler

from .services import appeals_overdue, inquiries_overdue


@job_handler("village_daily")
def village_daily_job(job, progress):
    """Inquiries, review requests and suggestions whose written answer is overdue open a
    rectification task each, once (services.inquiries_overdue), and appeals not handled by their
    deadline are escalated to the county 纪委, once (services.appeals_overdue), in the job's area.
    Part of the daily round (`doudi daily --user <officer>`, registered in apps.py)."""
    today = timezone.localdate()
    kwargs = {"actor": job.created_by, "region_prefix": job.region.prefix, "today": today}
    result = inquiries_overdue(**kwargs)
    result.update(appeals_overdue(**kwargs))
    progress(1, 1, force=True)
    job.total = 1
    return result
