from doudi.core.management.daily_command import DailyCommand


class Command(DailyCommand):
    help = "Queue the daily check of guardianship agreements expiring within 30 days. Part of `doudi daily`; this command runs it alone. Run it from cron once a day."
    kinds = ["care_agreement_reminders"]
