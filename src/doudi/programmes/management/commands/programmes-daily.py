from doudi.core.management.daily_command import DailyCommand


class Command(DailyCommand):
    help = "Queue the daily deadline warnings of the pilot plans (tasks near or past their deadline, escalated to the lead unit and the county; in-app notifications). Part of `doudi daily`; this command runs it alone. Run it from cron once a day."
    kinds = ["programmes_daily"]
