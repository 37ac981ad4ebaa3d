import json
import sys

from django.core.management.base import BaseCommand, CommandError

from doudi.core.models import Region
from doudi.reports import rules, selectors
from doudi.reports.exports import write_monthly_xlsx


class Command(BaseCommand):
    help = "Reports. `report monthly --month YYYY-MM --region CODE --format json|xlsx [--output FILE]`."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["monthly"])
        parser.add_argument("--month", required=True)
        parser.add_argument("--region", required=True)
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("--output", default="")

    def handle(self, *args, **o):
        try:
            month = rules.parse_month(o["month"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        region = Region.objects.filter(pk=o["region"]).first()
        if region is None:
            raise CommandError(f"区划代码“{o['region']}”不存在。")
        # The same figures as the page: a closed month from its snapshot, any other month live.
        stats = selectors.statistics_for(region, month)
        if o["format"] == "xlsx":
            if not o["output"]:
                raise CommandError("--format xlsx 需要 --output 文件名。")
            write_monthly_xlsx(o["output"], stats)
            self.stderr.write(f"已写入 {o['output']}")
            return
        text = json.dumps(stats.as_json() | {"closed": stats.closed}, ensure_ascii=False, indent=1)
        if o["output"]:
            with open(o["output"], "w", encoding="utf-8") as fh:
                fh.write(text)
        else:
            sys.stdout.write(text + "\n")
