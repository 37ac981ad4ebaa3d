import random

from doudi.core.audit import verify_chain
from doudi.village.demo import village_demo_step
from doudi.village.models import Committee, Inquiry, Official, OpennessItem, Voucher


def test_the_village_demo_step_is_complete_and_idempotent(world, vw):
    for model in (Inquiry, Voucher, OpennessItem, Committee, Official):
        model.objects.all().delete()  # the demo starts from an empty county
    users = {**vars(world.users), "supervisor1": vw.u.member1, "bookkeeper1": vw.u.keeper1}
    users.update(agency1=vw.u.agency1, party1=vw.u.party1)
    ctx = {"county": world.county, "users": users}
    village_demo_step(random.Random(1), ctx)
    demo = Committee.objects.get(village=world.v1)
    assert demo.status == "filed"
    assert demo.candidates.filter(elected=True).count() == 3
    # the official's spouse was excluded as 近亲属; the spouse's sibling was not
    assert demo.candidates.get(name="陈玉珍").status == "excluded"
    assert demo.candidates.get(name="陈长青").status == "formal"
    assert Committee.objects.filter(status="filed").count() == 3  # every village of the world
    for village in (world.v1, world.v1b, world.v2):
        assert Voucher.objects.filter(village=village).count() >= 24
    assert Voucher.objects.filter(village=world.v1, status="disputed").exists()
    assert not Voucher.objects.filter(booked_at__isnull=False).exclude(status="stamped").exists()
    assert OpennessItem.objects.filter(status="published").count() >= 5
    assert verify_chain().ok
    n = Voucher.objects.count()
    village_demo_step(random.Random(2), ctx)
    assert Voucher.objects.count() == n
