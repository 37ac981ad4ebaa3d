"""Background jobs of the care app (run by the task worker through core.jobs.run_job)."""

from django.utils import timezone

from doudi.core.jobs import job_handler
from doudi.core.models import User
from doudi.core.scope import within

from . import selectors, services


@job_handler("care_agreement_reminders")
def agreement_reminders_job(job, progress):
    """Bring agreement statuses up to date and list those ending within 30 days in the job's area.

    Until in-app notifications exist, the result (and the reminders page) is the reminder; run it
    daily with `doudi care-reminders --user <county officer>` from cron or a systemd timer."""
    actor = User.objects.select_related("region").get(pk=job.created_by_id)
    today = timezone.localdate()
    counts = services.agreements_refresh(actor=actor, region_prefix=job.region.prefix, today=today)
    rows = []
    items = list(within(selectors.agreements_expiring(actor, today=today), job.region))
    for index, agreement in enumerate(items, 1):
        rows.append(
            {
                "agreement": agreement.pk,
                "person": agreement.person_id,
                "person_name": agreement.person.name,
                "village": agreement.person.village.name,
                "guardian": agreement.guardian_name,
                "end_on": agreement.end_on.isoformat(),
                "days_left": (agreement.end_on - today).days,
                "renewal_prepared": agreement.renewed,
            }
        )
        progress(index, len(items))
    job.total = len(items)
    return {"checked_on": today.isoformat(), "count": len(rows), **counts, "agreements": rows}


@job_handler("care_daily")
def care_daily_job(job, progress):
    """The daily check of the monthly loop in the job's area: persons at home not visited by the
    due day, rectification tasks past their deadline; the responsible users are notified in-app
    (loop_services.daily_check). Queued every morning by `doudi care-daily` (cron / systemd timer);
    runs on the embedded worker (`doudi db_worker`) or RQ alike."""
    from .loop_services import daily_check

    result = daily_check(region_prefix=job.region.prefix, today=timezone.localdate())
    progress(1, 1, force=True)
    job.total = 1
    return result
