from django.core.management.base import BaseCommand
from django.utils import translation

from doudi.core import demo


class Command(BaseCommand):
    help = "Load the fictional demo county and the demo accounts (idempotent, deterministic)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=20261128)

    def handle(self, *args, seed, **options):
        translation.activate("zh-hans")
        demo.run(seed)
        self.stdout.write("演示数据已就绪。Demo data ready. 演示账号 / demo accounts:")
        for line in demo.account_lines():
            self.stdout.write(line)
