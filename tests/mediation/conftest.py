"""Mediation on top of the shared world: town1's 青石社区 (v1) and 东山村 (v1b), town2's 西河村 (v2).
A village account in v2 too; one open dispute in v1 and one in v2 (each at its village), a settled
one in each township (agreement terms, ready for a scan and a follow-up), committees in v1 and t2."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from doudi.core.roles import Role
from doudi.mediation import services as svc
from doudi.registry.idcard import make_id_number


def parties(key="1", village_code="990121100001"):
    return [
        {
            "side": "applicant",
            "name": f"张大山{key}",
            "id_number": make_id_number(village_code, dt.date(1970, 1, 2), 31),
        },
        {"side": "respondent", "name": f"李小河{key}", "phone": "13912345678"},
    ]


def build_mw(w):
    from ..conftest import make_user  # noqa: TID252

    today = timezone.localdate()
    village2 = make_user("village2", w.v2, [Role.VILLAGE_STAFF])
    leader = make_user("leader", w.county, [Role.LEADER])
    out = SimpleNamespace(world=w, today=today, village2=village2, leader=leader, parties=parties)
    for key, village, staff, clerk in (
        ("1", w.v1, w.users.village1, w.users.town1),
        ("2", w.v2, village2, w.users.town2),
    ):
        d = svc.dispute_register(
            actor=staff,
            village=village,
            kind="neighbours",
            description=f"两家因宅前排水沟堵塞发生争执{key}",
            parties=parties(key, village.code),
            place="村东头",
            registered_on=today - dt.timedelta(days=2),
        )
        s = svc.dispute_register(
            actor=staff,
            village=village,
            kind="family",
            description="赡养费纠纷",
            parties=parties(key, village.code),
        )
        svc.dispute_escalate(actor=staff, dispute=s, to_tier="township", reason="村里调不成")
        s = svc.dispute_conclude(
            actor=clerk, dispute=s, status="settled", terms="每月支付赡养费300元。", mediator_name="王调解"
        )
        setattr(out, f"open{key}", d)
        setattr(out, f"settled{key}", s)
    out.committee1 = svc.committee_create(actor=w.users.village1, region=w.v1)
    out.member1 = svc.member_add(
        actor=w.users.village1, committee=out.committee1, name="赵主任", role="chair"
    )
    out.committee2 = svc.committee_create(actor=w.users.town2, region=w.t2)
    out.member2 = svc.member_add(
        actor=w.users.town2, committee=out.committee2, name="钱专职", role="chair", mediator="full_time"
    )
    return out


@pytest.fixture
def mw(world):
    return build_mw(world)
