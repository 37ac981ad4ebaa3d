from django.core.management.base import BaseCommand

from doudi.integrity.services import reports_supervise


class Command(BaseCommand):
    help = (
        "督办 of reports: remind the 受理 of reports past their registration limit and handlers of "
        "reports past their deadline, and escalate those to the county. Run it from cron once a day."
    )

    def handle(self, *args, **options):
        sent = reports_supervise()
        self.stdout.write(f"{sent} reminders sent")
