import random

from doudi.core.audit import verify_chain
from doudi.oversight.models import RectificationTask
from doudi.village.demo import village_demo_step
from doudi.village.models import (
    Appeal,
    Committee,
    Evaluation,
    EvaluationSubject,
    Inquiry,
    Meeting,
    Official,
    OpennessItem,
    Voucher,
)


def test_the_village_demo_step_is_complete_and_idempotent(world, vw):
    for model in (Appeal, Evaluation, Meeting, Inquiry, Voucher, OpennessItem, Committee, Official):
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
    # meetings, inquiries (answered, overdue with its task), an evaluation and an appeal
    for village in (world.v1, world.v1b, world.v2):
        assert Meeting.objects.filter(village=village, motions__isnull=False).exists()
        assert Evaluation.objects.filter(village=village, published_at__isnull=False).exists()
    demo_inquiries = Inquiry.objects.filter(village=world.v1)
    assert demo_inquiries.filter(answered_on__isnull=False).exists()
    overdue = demo_inquiries.get(subject="村部修缮工程验收情况")
    assert overdue.answered_on is None and overdue.due_on < vw.today
    task = RectificationTask.objects.get(source_kind="village_inquiry", source_id=str(overdue.pk))
    assert overdue.task_id == task.pk and task.owner == world.users.town1
    flagged = EvaluationSubject.objects.filter(evaluation__village=world.v1, flagged=True)
    assert [s.role for s in flagged] == ["村报账员"]
    assert Appeal.objects.filter(village=world.v1, member=vw.u.member1, status="open").exists()
    assert verify_chain().ok
    n = Voucher.objects.count(), Meeting.objects.count(), RectificationTask.objects.count()
    village_demo_step(random.Random(2), ctx)
    assert (Voucher.objects.count(), Meeting.objects.count(), RectificationTask.objects.count()) == n
