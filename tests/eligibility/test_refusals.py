"""Refused applicants leave 申请中 (issue 15): 不予认定 and 不予受理 are person statuses, the
person page and the month's statistics show them, and applying again opens a new case with the
earlier ones kept."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from doudi.eligibility import services
from doudi.eligibility.models import Case
from doudi.registry.models import Person
from doudi.reports import selectors as report_selectors

from .conftest import FACTS, days_ago, run_application


def test_a_refused_applicant_is_not_recognised_and_may_apply_again(world, elig):
    first = run_application(world, elig.old1, approve=False)
    person = Person.objects.get(pk=elig.old1.pk)
    assert person.status == "refused" and person.get_status_display() == "不予认定"
    services.notice_issue(actor=world.users.town1, case=first, issued_on=dt.date.today())
    again = services.application_record(
        actor=world.users.town1, person=person, received_on=dt.date.today(), facts=FACTS
    )
    assert again.pk != first.pk
    assert Person.objects.get(pk=person.pk).status == "applying"
    cases = list(Case.objects.filter(person=person).order_by("pk").values_list("outcome", "stage"))
    assert cases == [("refused", "closed"), ("", "applied")]  # the history kept


def test_reapplying_while_the_refusal_notice_is_pending_is_refused_with_a_chinese_message(world, elig):
    run_application(world, elig.old1, approve=False)
    with pytest.raises(ValidationError, match="已有在办的认定申请"):
        services.application_record(
            actor=world.users.town1,
            person=Person.objects.get(pk=elig.old1.pk),
            received_on=dt.date.today(),
            facts=FACTS,
        )


def test_not_accepted_leaves_applying_and_needs_a_reason(world, elig):
    case = services.application_record(
        actor=world.users.town1, person=elig.old1, received_on=days_ago(3), facts=FACTS
    )
    with pytest.raises(ValidationError) as err:
        services.case_not_accept(actor=world.users.town1, case=case, on=days_ago(2), reason=" ")
    assert "请填写不予受理的理由" in str(err.value)
    services.case_not_accept(
        actor=world.users.town1, case=case, on=days_ago(2), reason="不属于老年人、残疾人或未成年人"
    )
    assert Person.objects.get(pk=elig.old1.pk).get_status_display() == "不予受理"


def test_the_person_page_and_the_statistics_show_them(login, world, elig):
    run_application(world, elig.old1, approve=False)
    client = login(world.users.county)
    page = client.get(f"/persons/{elig.old1.pk}/").content.decode()
    assert "不予认定" in page
    listed = client.get("/persons/?status=refused").content.decode()
    assert elig.old1.name in listed
    month = dt.date.today().replace(day=1)
    apps = report_selectors.applications(world.users.county, world.county.code, month)
    decided_this_month = days_ago(5) >= month
    assert apps.refused == (1 if decided_this_month else 0) and apps.persons_refused == 1
    town2 = report_selectors.applications(world.users.county, world.t2.code, month)
    assert town2.persons_refused == 0
    stats = client.get(f"/reports/monthly/?month={month:%Y-%m}").content.decode()
    assert 'id="apps-refused"' in stats and "不予认定 1 人" in stats
