import json
import sys

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from doudi.core.services import upload_from_path
from doudi.registry import ledger
from doudi.registry.models import LedgerImport

from ._common import find_region, find_user


class Command(BaseCommand):
    # A data command: the system checks (URL configuration, templates, admin…) belong to
    # deployment (`doudi check`), and importing the URL configuration costs ~0.3 s of start-up
    # that every import would pay (docs/performance.md).
    requires_system_checks = []
    help = (
        "Check or import a person ledger (特困人员台账) .xlsx and print a JSON summary. Without --commit "
        "the file is only checked (exit status 1 if any row has an error). With --commit the valid rows "
        "are written in one transaction and the rows with errors are skipped and listed (exit status 0); "
        "add --all-or-nothing to write nothing when any row has an error (exit status 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--region", help="only villages in this region (12-digit code) may be touched")
        parser.add_argument("--commit", action="store_true", help="write the valid rows")
        parser.add_argument(
            "--all-or-nothing",
            action="store_true",
            help="with --commit: write nothing if any row has an error",
        )
        parser.add_argument(
            "--actor",
            help="username for the audit log; the import is limited to that user's area, and the file is "
            "kept with an import record (default: system, no limit)",
        )

    def handle(self, *args, file, region=None, commit=False, all_or_nothing=False, actor=None, **options):
        user = find_user(actor) if actor else None
        area = find_region(region) if region else None
        try:
            if commit and user is not None:
                report = self._recorded(user, area, file, all_or_nothing)
            else:
                report = ledger.ledger_import(
                    actor=user, path=file, region=area, commit=commit, all_or_nothing=all_or_nothing
                )
        except ledger.TableError as exc:
            self._print({"rows": 0, "created": 0, "updated": 0, "unchanged": 0, "errors": [_file_error(exc)]})
            raise CommandError(str(exc)) from exc
        except FileNotFoundError as exc:
            raise CommandError(f"文件不存在：{file}") from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        self._print(report.as_dict())
        if report.errors and not (commit and report.committed):
            raise CommandError(f"{len(report.errors)} 个错误，未导入任何数据")

    def _recorded(self, user, area, file, all_or_nothing):
        """The same path as the upload page: keep the file, open an import record, commit."""
        upload = upload_from_path(actor=user, region=area or user.region, path=file, kind=ledger.UPLOAD_KIND)
        record = LedgerImport.objects.create(
            upload=upload,
            region=area or user.region,
            created_by=user,
            mode=LedgerImport.Mode.ALL_OR_NOTHING if all_or_nothing else LedgerImport.Mode.VALID_ROWS,
            status=LedgerImport.Status.COMMITTING,
        )
        report = ledger.import_commit(record)
        if report is None:
            raise ledger.TableError(record.report.get("file_error", ""))
        return report

    def _print(self, data: dict):
        self.stdout.write(json.dumps(data, ensure_ascii=False))
        sys.stdout.flush()


def _file_error(exc) -> dict:
    return {"row": 0, "column": "", "message": str(exc)}
