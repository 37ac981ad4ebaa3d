import random

from doudi.core.audit import verify_chain
from doudi.programmes.demo import programmes_demo_step
from doudi.programmes.models import LedgerRow, LedgerTemplate, Plan, Report


def test_the_demo_imports_every_shipped_plan_with_progress_and_half_filled_ledgers(world, units):
    ctx = {"county": world.county, "users": vars(world.users)}
    programmes_demo_step(random.Random(1), ctx)
    assert Plan.objects.filter(region=world.county).count() == 12
    assert Report.objects.exists() and LedgerTemplate.objects.count() == 2
    assert (
        LedgerRow.objects.filter(template__name="农村生活污水治理现状调查台账").count() == 1
    )  # half of 3 villages
    from django.db.models import F

    from doudi.programmes.models import Funding

    owed = Funding.objects.filter(owed__isnull=False)
    assert owed.filter(paid=F("owed")).exists() and owed.filter(paid__lt=F("owed"), paid__gt=0).exists()
    assert verify_chain().ok
    programmes_demo_step(random.Random(2), ctx)
    assert Plan.objects.count() == 12
