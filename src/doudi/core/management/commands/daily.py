from doudi.core.management.daily_command import DailyCommand


class Command(DailyCommand):
    pass
