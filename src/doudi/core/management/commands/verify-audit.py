from django.core.management.base import BaseCommand, CommandError

from doudi.core.audit import verify_chain


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log; exit non-zero at the first broken link."

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"审计链在第 {report.broken_seq} 条处断开（{report.reason}）；此前 {report.checked} 条完好。"
            )
        self.stdout.write(
            f"审计链完好：共 {report.checked} 条。 Audit chain intact: {report.checked} entries."
        )
