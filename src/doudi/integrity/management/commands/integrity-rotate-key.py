from django.core.management.base import BaseCommand

from doudi.integrity.services import identities_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every reporter's identity with the first key of DOUDI_REPORT_KEY (after a new key "
        "was put in front of the old ones). The old key can be removed once this has run."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{identities_rotate()} identities re-encrypted")
