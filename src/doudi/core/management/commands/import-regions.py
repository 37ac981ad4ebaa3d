import json

from django.core.management.base import BaseCommand, CommandError

from doudi.core.models import User
from doudi.core.services import region_import
from doudi.core.tabular import TableError


class Command(BaseCommand):
    help = "Import statistical division codes (区划) from a .xlsx or .csv file. All or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--actor", help="username recorded in the audit log (default: system)")
        parser.add_argument("--dry-run", action="store_true", help="check the file without writing")

    def handle(self, *args, file, actor=None, dry_run=False, **options):
        user = None
        if actor:
            user = User.objects.filter(username=actor).first()
            if user is None:
                raise CommandError(f"用户 {actor} 不存在")
        try:
            report = region_import(actor=user, path=file, commit=not dry_run)
        except (TableError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
        if report.errors:
            raise CommandError(f"{len(report.errors)} 个错误，未导入任何数据")
