import random

from doudi.core.audit import verify_chain
from doudi.mediation import selectors
from doudi.mediation.demo import mediation_demo_step
from doudi.mediation.models import Dispute, MediationCommittee


def test_the_mediation_demo_step_is_complete_and_idempotent(world):
    ctx = {"county": world.county, "users": vars(world.users)}
    mediation_demo_step(random.Random(1), ctx)
    # the world's townships and villages: some committees missing or short, most as the rule asks
    rows = selectors.coverage(world.users.county)
    assert len(rows) == 5
    assert MediationCommittee.objects.count() == 5  # t1, t2, v1, v1b, v2 (the gaps come with more villages)
    disputes = Dispute.objects.all()
    tiers = set(disputes.values_list("tier", flat=True))
    assert {"village", "township", "judicial"} <= tiers
    assert disputes.filter(status="settled", settled_tier="village").exists()
    assert disputes.filter(status="settled", settled_tier="township").exists()
    assert disputes.filter(escalations__automatic=True).exists()  # the daily check moved one
    assert disputes.filter(followups__isnull=False).exists()
    assert verify_chain().ok
    n = Dispute.objects.count()
    mediation_demo_step(random.Random(2), ctx)
    assert Dispute.objects.count() == n
