"""The weekly ABC summary (周督查、月考核): the page, its .xlsx and the API, scoped; the grade is
provisional until the month is closed, then the closed results' grade and pay are shown."""

from decimal import Decimal as D

import pytest

from doudi.core.models import AuditEntry
from doudi.core.tabular import open_table
from doudi.governance import rules, selectors, services

from .conftest import item
from .test_services import last_month


def _month():
    label, start, _end = last_month()
    weeks = rules.month_weeks(start.year, start.month)
    return label, weeks


def _score(g, subject, code, on, user=None):
    return services.entry_award(
        actor=user or g.u.town1, subject=subject, item=item(g.abc1, code), source="township", occurred_on=on
    )


@pytest.fixture
def abc(gw):
    """周保洁 (青石社区): base 80 in the first week, −5 in the second, +5 in the third; 东山保洁
    (东山村): base 80 and two good weeks."""
    label, weeks = _month()
    _score(gw, gw.cleaner, "base", weeks[0].start)
    gw.litter = _score(gw, gw.cleaner, "week-litter", weeks[1].start)
    _score(gw, gw.cleaner, "week-good", weeks[2].start)
    gw.east = services.subject_add(actor=gw.u.town1, scheme=gw.abc1, village=gw.world.v1b, name="东山保洁")
    _score(gw, gw.east, "base", weeks[0].start)
    _score(gw, gw.east, "week-good", weeks[1].start)
    _score(gw, gw.east, "week-good", weeks[3].start)
    gw.label, gw.weeks = label, weeks
    return gw


def test_the_summary_has_the_weeks_totals_grades_and_pay(abc):
    year, month = rules.month_of(abc.label)
    summary = selectors.abc_weeks(abc.u.town1, abc.abc1, year, month)
    assert [v.name for v in summary.villages] == ["青石社区", "东山村"]
    zhou, east = summary.rows
    blank = [D(0)] * (len(abc.weeks) - 3)
    assert [c.points for c in zhou.cells] == [D(80), D(-5), D(5), *blank]
    assert (zhou.total, zhou.grade, zhou.pay, zhou.closed) == (D(80), "B", D("1600.00"), False)
    assert zhou.cells[1].deducted and "责任区有垃圾堆放" in zhou.cells[1].title
    assert (east.total, east.grade) == (D(90), "A")
    assert summary.villages[1].counts == {"A": 1, "B": 0, "C": 0} and summary.villages[0].workers == 1


def test_the_page_for_a_township_and_for_a_village(abc, login):
    url = f"/governance/{abc.abc1.pk}/weeks/?month={abc.label}"
    page = login(abc.u.town1).get(url).content.decode()
    assert "周保洁" in page and "东山保洁" in page and "预估" in page
    assert f'href="/governance/subjects/{abc.cleaner.pk}/?from={abc.weeks[1].start:%Y-%m-%d}' in page
    assert page.count('data-week="') == len(abc.weeks)
    village = login(abc.u.village1).get(url).content.decode()
    assert "周保洁" in village and "东山保洁" not in village
    # the cell's link: the subject's entries of that week only
    week = abc.weeks[1]
    entries = login(abc.u.village1).get(
        f"/governance/subjects/{abc.cleaner.pk}/?from={week.start:%Y-%m-%d}&to={week.end:%Y-%m-%d}"
    )
    assert entries.content.decode().count("data-entry=") == 1


def test_reachable_from_the_scheme_page_and_the_close_page(abc, login):
    client = login(abc.u.town1)
    assert f"/governance/{abc.abc1.pk}/weeks/" in client.get(f"/governance/{abc.abc1.pk}/").content.decode()
    close = services.period_close(actor=abc.u.town1, scheme=abc.abc1, period=abc.label)
    page = client.get(f"/governance/periods/{close.pk}/").content.decode()
    assert f"/governance/{abc.abc1.pk}/weeks/?month={abc.label}" in page
    assert (
        f"/governance/{abc.org1.pk}/weeks/" not in client.get(f"/governance/{abc.org1.pk}/").content.decode()
    )


def test_a_closed_month_shows_the_closed_grade_and_pay(abc, login, settings):
    close = services.period_close(actor=abc.u.town1, scheme=abc.abc1, period=abc.label)
    # the pay changes after the close: the closed month keeps what was paid
    settings.DOUDI_GOVERNANCE_ABC_PAY = {"A": "3000", "B": "2500", "C": "2000"}
    year, month = rules.month_of(abc.label)
    summary = selectors.abc_weeks(abc.u.town1, abc.abc1, year, month)
    assert summary.close == close
    zhou = summary.rows[0]
    assert (zhou.grade, zhou.pay, zhou.closed) == ("B", D("1600.00"), True)
    page = login(abc.u.town1).get(f"/governance/{abc.abc1.pk}/weeks/?month={abc.label}").content.decode()
    assert "已结算" in page and "预估" not in page and "1600.00" in page
    # an open month is graded with the pay of now
    now = selectors.abc_weeks(abc.u.town1, abc.abc1, *rules.month_of(rules.period_label("month", *_this())))
    assert all(not r.closed for r in now.rows)


def _this():
    from django.utils import timezone

    today = timezone.localdate()
    return today.year, today.month


def test_other_purposes_and_bad_months_are_refused(abc, login):
    client = login(abc.u.town1)
    assert client.get(f"/governance/{abc.org1.pk}/weeks/").status_code == 404
    assert client.get(f"/governance/{abc.org1.pk}/weeks.xlsx").status_code == 404
    r = client.get(f"/governance/{abc.abc1.pk}/weeks/?month=2026-13")
    assert r.status_code == 200 and "格式不对" in r.content.decode()
    assert client.get(f"/governance/{abc.abc1.pk}/weeks.xlsx?month=x").status_code == 404
    api = client.get(f"/api/v1/governance/schemes/{abc.org1.pk}/abc-weeks")
    assert api.status_code == 422 and "ABC" in api.json()["detail"]
    api = client.get(f"/api/v1/governance/schemes/{abc.abc1.pk}/abc-weeks?month=2026-00")
    assert api.status_code == 422 and "格式不对" in api.json()["detail"]


def test_the_api_returns_the_same_rows(abc, login):
    r = login(abc.u.village1).get(f"/api/v1/governance/schemes/{abc.abc1.pk}/abc-weeks?month={abc.label}")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["month"] == abc.label and not body["closed"]
    assert [w["label"] for w in body["weeks"]] == [w.label for w in abc.weeks]
    assert [row["name"] for row in body["rows"]] == ["周保洁"]  # the village sees its own only
    row = body["rows"][0]
    assert [D(c["points"]) for c in row["weeks"][:3]] == [D(80), D(-5), D(5)]
    assert (D(row["total"]), row["grade"], D(row["pay"])) == (D(80), "B", D(1600))
    assert row["weeks"][1]["entries"] == [f"{abc.weeks[1].start:%m-%d} 周督查：责任区有垃圾堆放 -5"]
    assert body["villages"] == [
        {"village": abc.world.v1.code, "name": "青石社区", "workers": 1, "grades": {"A": 0, "B": 1, "C": 0}}
    ]


def test_the_xlsx_is_scoped_and_audited(abc, login, tmp_path):
    before = AuditEntry.objects.filter(action="export").count()
    r = login(abc.u.village1).get(f"/governance/{abc.abc1.pk}/weeks.xlsx?month={abc.label}")
    assert r.status_code == 200
    path = tmp_path / "w.xlsx"
    path.write_bytes(r.content)
    table = open_table(path)
    rows = [cells for _n, cells in table.rows]
    assert table.headers[:2] == ["村", "保洁员"] and table.headers[2].startswith(abc.weeks[0].label)
    assert [row[1] for row in rows] == ["周保洁", "1人"]  # the worker, the village's subtotal
    n = len(abc.weeks)
    assert rows[0][2:5] == [80, -5, 5] and rows[0][2 + n : 2 + n + 3] == [80, "B", 1600]
    assert "责任区有垃圾堆放" in rows[0][-1]
    entry = AuditEntry.objects.filter(action="export").order_by("-seq").first()
    assert AuditEntry.objects.filter(action="export").count() == before + 1
    assert entry.extra["month"] == abc.label and entry.extra["rows"] == 1


def test_queries_do_not_grow_with_the_workers(abc, login, django_assert_max_num_queries):
    client = login(abc.u.town1)
    url = f"/governance/{abc.abc1.pk}/weeks/?month={abc.label}"
    client.get(url)  # warm-up: the first page of a session writes a session mark
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    measured = len(few)  # (read now: the next request resets the connection's query log)
    assert measured > 5
    for i in range(10):
        s = services.subject_add(actor=abc.u.town1, scheme=abc.abc1, village=abc.world.v1b, name=f"保洁员{i}")
        _score(abc, s, "base", abc.weeks[0].start)
        _score(abc, s, "week-absent", abc.weeks[2].start)
    with django_assert_max_num_queries(measured):
        page = client.get(url).content.decode()
    assert "保洁员9" in page
    api = f"/api/v1/governance/schemes/{abc.abc1.pk}/abc-weeks?month={abc.label}"
    client.get(api)
    with django_assert_max_num_queries(measured):
        assert len(client.get(api).json()["rows"]) == 12
