from doudi.core.management.daily_command import DailyCommand


class Command(DailyCommand):
    help = (
        "Queue the daily mediation check: disputes the village has not settled within its days go to the "
        "township, and townships hear of their overdue cases (in-app). Part of `doudi daily`; this command "
        "runs it alone. Run it from cron once a day."
    )
    kinds = ["mediation_daily"]
