"""Eligibility fixtures: the county's 2021 setting, and persons in both townships.

`elig.old1` (v1, town1) and `elig.old2` (v2, town2) are 75-year-old applicants; `elig.active1` /
`elig.active2` are supported persons; FACTS is an eligible set of entered facts.
"""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from doudi.eligibility import services
from doudi.registry.idcard import make_id_number
from doudi.registry.models import Person

FACTS = {
    "monthly_income": "200",
    "assets_within_limit": True,
    "in_school": False,
    "orphan_scheme_chosen": False,
    "provincial_no_work_capacity": False,
    "supporters": [],
}

_seq = iter(range(100, 999))


def make_person(village, name, birth=dt.date(1950, 3, 1), status="applying", **fields):
    number = make_id_number(village.code[:6], birth, next(_seq))
    return Person.objects.create(
        name=name, id_number=number, birth_date=birth, sex="M", village=village, status=status, **fields
    )


def setting_values(**overrides):
    values = dict(
        effective_from=dt.date(2020, 1, 1),
        policy_version="2021",
        dibao_urban=Decimal("780"),
        dibao_rural=Decimal("620"),
        disposable_income=Decimal("18000"),
        minimum_wage=Decimal("1900"),
        care_full_kind="fixed",
        care_full_value=Decimal("100"),
        care_partial_kind="wage_share",
        care_partial_value=Decimal("0.1"),
        care_none_kind="wage_share",
        care_none_value=Decimal("0.3"),
        limit_review=15,
        limit_county=15,
        limit_recheck=15,
        limit_refusal_notice=3,
        publication_days=7,
        note="",
    )
    values.update(overrides)
    return values


@pytest.fixture
def elig(world):
    setting = services.policy_setting_create(
        actor=world.users.county, region=world.county, **setting_values()
    )
    return SimpleNamespace(
        setting=setting,
        old1=make_person(world.v1, "赵老汉", dt.date(1950, 3, 1)),
        old2=make_person(world.v2, "钱老汉", dt.date(1950, 4, 1)),
        active1=make_person(
            world.v1b, "孙大娘", dt.date(1940, 5, 1), status="active", supported_since=dt.date(2020, 1, 1)
        ),
        active2=make_person(
            world.v2, "李大娘", dt.date(1941, 6, 1), status="active", supported_since=dt.date(2020, 1, 1)
        ),
    )


def days_ago(n):
    return dt.date.today() - dt.timedelta(days=n)


def run_application(world, person, *, approve=True, clerk=None):
    """Drive an application from recording to the county decision; returns the case."""
    clerk = clerk or world.users.town1
    case = services.application_record(actor=clerk, person=person, received_on=days_ago(40), facts=FACTS)
    services.case_accept(actor=clerk, case=case, accepted_on=days_ago(40))
    services.case_review(actor=clerk, case=case, reviewed_on=days_ago(30), approve=True)
    services.case_publish(actor=clerk, case=case, published_on=days_ago(20))
    services.publication_close(actor=clerk, case=case, closed_on=days_ago(10))
    services.case_decide(
        actor=world.users.county,
        case=case,
        decided_on=days_ago(5),
        approve=approve,
        reasons="" if approve else "经县级抽查，申请人隐瞒收入",
    )
    case.refresh_from_db()
    return case
