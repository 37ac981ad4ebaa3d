import json

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from doudi.registry import ledger
from doudi.registry.models import PersonStatus

from ._common import find_region, find_user


class Command(BaseCommand):
    help = (
        "Export the person ledger (特困人员台账) as .xlsx in the layout import-persons reads, or with "
        "--template write the empty template. ID numbers are masked unless --full-ids, which needs "
        "--actor (a user allowed to see them; the export is logged under that name)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--region", help="the area to export (12-digit code; default: all, or the actor's)"
        )
        parser.add_argument("--actor", help="username: the export is limited to that user's area and logged")
        parser.add_argument("--full-ids", action="store_true", help="full ID numbers (needs --actor)")
        parser.add_argument("--status", choices=PersonStatus.values, help="only persons with this status")
        parser.add_argument("--template", action="store_true", help="write the empty template instead")

    def handle(
        self, *args, file, region=None, actor=None, full_ids=False, status=None, template=False, **options
    ):
        user = find_user(actor) if actor else None
        area = find_region(region) if region else None
        if full_ids and user is None:
            raise CommandError("导出完整身份证号须用 --actor 指定有权查看的用户，以便记入审计日志")
        try:
            if template:
                ledger.ledger_template(file, actor=user, region=area)
                self.stdout.write(json.dumps({"file": file, "template": True}, ensure_ascii=False))
                return
            rows = ledger.ledger_export(
                actor=user, region=area, target=file, full_ids=full_ids, status=status or ""
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc) or "无权导出") from exc
        self.stdout.write(json.dumps({"file": file, "rows": rows, "full_ids": full_ids}, ensure_ascii=False))
