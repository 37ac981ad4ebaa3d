"""Background jobs of guardianship (run by the task worker through core.jobs.run_job)."""

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
