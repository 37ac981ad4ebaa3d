"""Concurrent redemptions at the 积分超市 counter (PostgreSQL): the subject's and the good's rows are
locked, so eight counters redeeming at once spend each point once and never overdraw."""

import threading
from decimal import Decimal as D

import pytest
from django.db import connection, connections
from django.utils import timezone

from doudi.core import audit
from doudi.governance import services
from doudi.governance.models import Goods, Redemption, Subject

from ..conftest import build_world  # noqa: TID252


@pytest.mark.django_db(transaction=True)
def test_concurrent_redemptions_never_overdraw():
    if connection.vendor != "postgresql":
        pytest.skip("the row locks are what is tested; run with DATABASE_URL=postgres://…")
    w = build_world()
    clerk, staff = w.users.town1, w.users.village1
    scheme = services.scheme_instantiate(actor=clerk, region=w.t1, example="household-market")
    subject = services.subject_add(actor=staff, scheme=scheme, village=w.v1, name="王家")
    filial = scheme.items.get(code="filial")  # 10 points
    for _ in range(3):
        services.entry_award(
            actor=staff, subject=subject, item=filial, source="village", occurred_on=timezone.localdate()
        )
    goods = services.goods_save(actor=staff, scheme=scheme, village=w.v1, name="食用油", price=10, stock=100)
    barrier = threading.Barrier(8)
    outcomes = []

    def counter():
        try:
            barrier.wait()
            services.redeem(actor=staff, subject=subject, goods=goods, quantity=1)
            outcomes.append("ok")
        except Exception as exc:  # the refusals are counted below
            outcomes.append(str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=counter) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 3, outcomes
    assert all("积分不足" in o for o in outcomes if o != "ok")
    assert Subject.objects.get(pk=subject.pk).balance == D(0)
    assert Goods.objects.get(pk=goods.pk).stock == 97
    assert sorted(Redemption.objects.values_list("balance_after", flat=True)) == [D(0), D(10), D(20)]
    assert audit.verify_chain().ok
