"""The work calendar per county (issue 15): the installation's entries are every county's default,
a county adds its own holidays and make-up working days, and the deadlines of its records are
counted with them — two counties, the same dates, different deadlines."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from doudi.core import calendar as work_calendar
from doudi.core.models import AuditEntry, WorkCalendarYear
from doudi.core.roles import Role
from doudi.core.workdays import add_working_days
from doudi.eligibility import services

from ..conftest import make_region, make_user
from .conftest import FACTS, days_ago, make_person


@pytest.fixture
def other(world):
    """A second county of the same city, with a township, a village, a clerk and an applicant."""
    county = make_region("990122000000", "平川县", 3, world.city)
    town = make_region("990122100000", "平川镇", 4, county)
    village = make_region("990122100201", "北坡村", 5, town, "220")
    return type(
        "Other",
        (),
        {
            "county": county,
            "town": town,
            "village": village,
            "clerk": make_user("ptown", town, [Role.TOWNSHIP_CLERK]),
            "admin": make_user("padmin", county, [Role.COUNTY_ADMIN]),
            "person": make_person(village, "周老汉", dt.date(1950, 2, 1)),
        },
    )


def _next_working_day(day):
    return add_working_days(day, 1, work_calendar.load_work_calendar())


def test_a_countys_own_holiday_moves_its_deadlines_and_not_the_neighbours(world, elig, other):
    accepted = days_ago(3)
    holiday = _next_working_day(accepted)  # the first day the review limit would count
    work_calendar.calendar_year_save(
        actor=other.admin,
        year=holiday.year,
        holidays=[holiday.isoformat()],
        workdays=[],
        complete=False,
        county=other.county,
    )
    cases = []
    for clerk, person in ((world.users.town1, elig.old1), (other.clerk, other.person)):
        case = services.application_record(actor=clerk, person=person, received_on=days_ago(5), facts=FACTS)
        services.case_accept(actor=clerk, case=case, accepted_on=accepted)
        cases.append(case.steps.get(code="review").due_on)
    here, there = cases
    assert here == add_working_days(accepted, 15, work_calendar.load_work_calendar(world.county.code))
    assert there == add_working_days(accepted, 15, work_calendar.load_work_calendar(other.county.code))
    assert there > here  # one working day fewer in 平川县 before the limit runs out


def test_the_installations_entries_are_every_countys_default_and_a_county_entry_wins(world, other):
    WorkCalendarYear.objects.create(year=2031, holidays=["2031-10-01", "2031-10-02"], complete=True)
    WorkCalendarYear.objects.create(region=other.county, year=2031, workdays=["2031-10-02"])
    mine = work_calendar.load_work_calendar(world.t1.code)
    theirs = work_calendar.load_work_calendar(other.village.code)
    assert not mine.is_working_day("2031-10-01") and not mine.is_working_day("2031-10-02")
    assert not theirs.is_working_day("2031-10-01") and theirs.is_working_day("2031-10-02")
    assert mine.is_year_covered(2031) and theirs.is_year_covered(2031)
    # above the county level (a city, the province) only the installation's entries count
    assert not work_calendar.load_work_calendar(world.city.code).is_working_day("2031-10-02")
    cache = work_calendar.CalendarCache()
    assert cache.adder(other.town.code)(dt.date(2031, 9, 30), 1) == dt.date(2031, 10, 2)
    assert work_calendar.add_working_days_for(world.v1.code)(dt.date(2031, 9, 30), 1) == dt.date(2031, 10, 3)


def test_the_county_administrator_edits_the_countys_calendar_audited(login, world, other):
    client = login(other.admin)
    page = client.get("/eligibility/calendar/?year=2031").content.decode()
    assert "平川县" in page and 'id="calendar-default"' in page
    response = client.post(
        "/eligibility/calendar/?year=2031", {"holidays": "2031-06-03", "note": "县政府通知"}
    )
    assert response.status_code == 302 and "county=990122000000" in response["Location"]
    row = WorkCalendarYear.objects.get(year=2031)
    assert row.region_id == other.county.code and row.holidays == ["2031-06-03"]
    entry = AuditEntry.objects.get(object_type="core.workcalendaryear")
    assert entry.action == "create" and entry.region_code == other.county.code
    assert not work_calendar.load_work_calendar(world.county.code).overrides  # 安和县 untouched


def test_another_countys_calendar_answers_404_and_writes_nothing(login, world, other):
    client = login(world.users.county)
    url = f"/eligibility/calendar/?year=2031&county={other.county.code}"
    assert client.get(url).status_code == 404
    assert client.post(url, {"holidays": "2031-06-03"}).status_code == 404
    for forged in ("abc", "990121100000", "990000000000"):  # not a code; a township; the province
        assert client.get(f"/eligibility/calendar/?county={forged}").status_code == 404
    assert WorkCalendarYear.objects.count() == 0
    with pytest.raises(PermissionDenied):
        work_calendar.calendar_year_save(
            actor=world.users.county, year=2031, holidays=[], workdays=[], complete=False, county=other.county
        )
    with pytest.raises(PermissionDenied):  # the installation's default is the province's to edit
        work_calendar.calendar_year_save(
            actor=world.users.county, year=2031, holidays=[], workdays=[], complete=False
        )


def test_the_province_administrator_edits_the_installation_default_and_any_county(login, world, other):
    admin = make_user("provadmin", world.province, [Role.COUNTY_ADMIN])
    client = login(admin)
    page = client.get("/eligibility/calendar/?year=2031").content.decode()
    assert 'id="calendar-counties"' in page and "安和县" in page and "平川县" in page
    assert client.post("/eligibility/calendar/?year=2031", {"holidays": "2031-06-02"}).status_code == 302
    assert WorkCalendarYear.objects.get(region__isnull=True, year=2031).holidays == ["2031-06-02"]
    url = f"/eligibility/calendar/?year=2031&county={other.county.code}"
    assert client.post(url, {"workdays": "2031-06-07"}).status_code == 302
    assert WorkCalendarYear.objects.get(region=other.county, year=2031).workdays == ["2031-06-07"]
    assert not work_calendar.load_work_calendar(world.county.code).is_working_day("2031-06-02")


def test_a_bad_date_writes_nothing_with_a_chinese_error(login, world):
    client = login(world.users.county)
    page = client.post("/eligibility/calendar/?year=2031", {"holidays": "2031-13-01"}).content.decode()
    assert "不是有效日期" in page and WorkCalendarYear.objects.count() == 0
