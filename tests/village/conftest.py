"""Village supervision on top of the shared world: town1's 青石社区 (v1) and 东山村 (v1b), town2's
西河村 (v2). Accounts: a committee member, a bookkeeper, the township agency and the party
committee in each township; vouchers in v1 (pending, stamped) and v2 (pending). Each of v1 and
v2 also has a committee in office (a filed 2021 term with three members), a meeting with one
motion, this year's evaluation (ratings not yet entered) and an appeal filed by its member."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from doudi.core.roles import Role
from doudi.registry.idcard import make_id_number
from doudi.village import services as svc
from doudi.village.models import Candidate, Committee


def elected_committee(village, key, names=("主任", "委员甲", "委员乙")):
    """A committee in office, written directly: the election itself is tested in test_committees."""
    committee = Committee.objects.create(
        village=village, term=2021, term_end=dt.date(2026, 5, 31), seats=3, status=Committee.Status.FILED
    )
    members = [
        Candidate.objects.create(
            committee=committee,
            name=f"{name}{key}",
            id_number=make_id_number(village.code, dt.date(1970 + i, 1, 1), 40 + i),
            birth_date=dt.date(1970 + i, 1, 1),
            nomination="representatives",
            status=Candidate.Status.FORMAL,
            elected=True,
            chair=i == 0,
        )
        for i, name in enumerate(names)
    ]
    return committee, members


def build_vw(w):
    from ..conftest import make_user as _user  # noqa: TID252

    make = SimpleNamespace(user=_user)
    u = SimpleNamespace(
        member1=make.user("member1", w.v1, [Role.SUPERVISION_MEMBER]),
        member1b=make.user("member1b", w.v1b, [Role.SUPERVISION_MEMBER]),
        member2=make.user("member2", w.v2, [Role.SUPERVISION_MEMBER]),
        keeper1=make.user("keeper1", w.v1, [Role.VILLAGE_OFFICIAL]),
        keeper2=make.user("keeper2", w.v2, [Role.VILLAGE_OFFICIAL]),
        agency1=make.user("agency1", w.t1, [Role.TOWNSHIP_AGENCY]),
        agency2=make.user("agency2", w.t2, [Role.TOWNSHIP_AGENCY]),
        party1=make.user("party1", w.t1, [Role.TOWNSHIP_PARTY]),
        party2=make.user("party2", w.t2, [Role.TOWNSHIP_PARTY]),
        discipline=make.user("discipline", w.county, [Role.DISCIPLINE]),
    )
    today = timezone.localdate()
    day = today - dt.timedelta(days=3)
    out = SimpleNamespace(world=w, u=u, today=today)
    for key, village, keeper, member in (
        ("1", w.v1, u.keeper1, u.member1),
        ("2", w.v2, u.keeper2, u.member2),
    ):
        pending = svc.voucher_create(
            actor=keeper,
            village=village,
            spent_on=day,
            payee="五金店",
            amount="320.50",
            purpose="购买水管",
            category="维修",
        )
        stamped = svc.voucher_create(
            actor=keeper,
            village=village,
            spent_on=day,
            payee="李师傅",
            amount="1200.00",
            purpose="修缮村部",
            category="维修",
        )
        svc.voucher_review(actor=member, voucher=stamped, decision="approve")
        official = svc.official_add(
            actor=keeper, village=village, term=2024, name=f"村主任{key}", office="village_committee"
        )
        committee = svc.committee_create(
            actor=keeper, village=village, term=2024, term_end=dt.date(2029, 5, 31), seats=3
        )
        cand = svc.candidate_nominate(
            actor=keeper,
            committee=committee,
            name=f"候选人{key}",
            id_number=make_id_number(village.code, dt.date(1975, 3, 3), 11),
            nomination="self",
        )
        item = svc.openness_submit(
            actor=keeper,
            village=village,
            category="finance",
            title=f"{key}月财务收支",
            body="收入1000元，支出320.50元。",
        )
        inquiry = svc.voucher_review(
            actor=member,
            voucher=svc.voucher_create(
                actor=keeper,
                village=village,
                spent_on=day,
                payee="饭店",
                amount="880",
                purpose="招待",
                category="招待",
            ),
            decision="question",
            reason="招待费用途不明",
        ).inquiries.get()
        in_office, members = elected_committee(village, key)
        meeting = svc.meeting_record(
            actor=member, village=village, held_on=day, kind="regular", attendees=[m.pk for m in members]
        )
        motion = svc.motion_record(
            actor=member, meeting=meeting, title="审议上月财务支出", yes=2, no=1, abstain=0
        )
        evaluation = svc.evaluation_start(
            actor=keeper,
            village=village,
            year=today.year,
            held_on=day,
            representatives_total=30,
            participants=25,
        )
        appeal = svc.appeal_file(
            actor=member,
            village=village,
            kind="obstruction",
            occurred_on=day,
            description="村主任拒绝提供工程合同",
        )
        for name, obj in (
            ("in_office", in_office),
            ("members", members),
            ("meeting", meeting),
            ("motion", motion),
            ("evaluation", evaluation),
            ("appeal", appeal),
            ("pending", pending),
            ("stamped", stamped),
            ("official", official),
            ("committee", committee),
            ("candidate", cand),
            ("item", item),
            ("inquiry", inquiry),
        ):
            setattr(out, f"{name}{key}", obj)
    return out


@pytest.fixture
def vw(world):
    return build_vw(world)
