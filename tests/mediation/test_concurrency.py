"""Case numbers stay unique when villagers' disputes are registered at the same moment: the
village's row lock serialises the numbering (PostgreSQL; SQLite serialises writers itself)."""

import threading

import pytest
from django.db import connection, connections

from doudi.mediation import services as svc
from doudi.mediation.models import Dispute

from ..conftest import build_world  # noqa: TID252
from .conftest import parties


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_distinct_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("the row lock is what is tested; run with DATABASE_URL=postgres://…")
    w = build_world()
    barrier = threading.Barrier(6)
    errors = []

    def register(i):
        try:
            barrier.wait()
            svc.dispute_register(
                actor=w.users.village1,
                village=w.v1,
                kind="land",
                description=f"地界{i}",
                parties=parties(str(i)),
            )
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    numbers = sorted(Dispute.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 6
    assert [n[-4:] for n in numbers] == ["0001", "0002", "0003", "0004", "0005", "0006"]
