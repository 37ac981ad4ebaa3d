from doudi.core.management.daily_command import DailyCommand


class Command(DailyCommand):
    help = "Queue the daily care-loop check (visits overdue this month, rectification tasks past their deadline; in-app reminders to the responsible users). Part of `doudi daily`; this command runs it alone. Run it from cron once a day."
    kinds = ["care_daily"]
