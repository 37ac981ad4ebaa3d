from doudi.core.management.daily_command import DailyCommand


class Command(DailyCommand):
    help = "Queue the 督办 of reports from the public (the 受理 of reports past their registration limit and handlers of reports past their deadline are reminded; overdue reports escalate to the county). Part of `doudi daily`; this command runs it alone. Run it from cron once a day."
    kinds = ["integrity_daily"]
