"""Month-end closing: submit, reasons for large changes, send back, resubmit, close, snapshots, xlsx, CLI."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from doudi.core.models import AuditEntry
from doudi.registry.models import Person
from doudi.reports import rules, selectors, services
from doudi.reports.models import MonthReport

from .conftest import MONTH

SEPT = rules.previous_month(MONTH)


def _close_both(w, month=MONTH, reasons=None):
    services.report_submit(actor=w.users.town1, township=w.t1, month=month, reasons=reasons)
    services.report_submit(actor=w.users.town2, township=w.t2, month=month, reasons=reasons)
    return services.county_close(actor=w.users.county, county=w.county, month=month)


def test_a_closed_month_does_not_change_when_a_person_is_edited(month_data):
    w = month_data.world
    _close_both(w)
    before = selectors.month_statistics(w.users.county, w.county.code, MONTH).as_json()
    Person.objects.filter(pk=month_data.A.pk).update(placement="centralized")
    Person.objects.filter(pk=month_data.F.pk).update(status="terminated", terminated_on=MONTH)
    after = selectors.month_statistics(w.users.county, w.county.code, MONTH)
    assert after.closed and after.as_json() == before
    assert after.total.figures["total"] == 5 and after.total.figures["dispersed"] == 3
    # The township's own view is frozen too; the live computation has moved on.
    assert selectors.month_statistics(w.users.town1, w.t1.code, MONTH).total.figures["dispersed"] == 2
    assert selectors.compute(None, w.t1, MONTH).total.figures["dispersed"] == 1


def test_large_changes_need_a_reason_and_are_kept(month_data):
    w = month_data.world
    # September: 丁 was still supported (4 persons, 1 centralized, 2 rural). In October 丁 has left
    # and 乙 (edited after September was frozen) lives at home: total, centralized and rural change.
    services.report_submit(actor=w.users.town1, township=w.t1, month=SEPT)
    Person.objects.filter(pk=month_data.B.pk).update(placement="dispersed")  # centralized 1 → 0
    with pytest.raises(ValidationError) as exc:
        services.report_submit(actor=w.users.town1, township=w.t1, month=MONTH)
    assert str(exc.value).count("、") == 2  # three figures named
    with pytest.raises(ValidationError):
        services.report_submit(
            actor=w.users.town1, township=w.t1, month=MONTH, reasons={"centralized": "乙回家分散供养"}
        )
    report = services.report_submit(
        actor=w.users.town1,
        township=w.t1,
        month=MONTH,
        reasons={"centralized": "乙回家分散供养", "total": "丁10月15日终止", "rural": "丁10月15日终止"},
    )
    assert report.reasons["centralized"] == "乙回家分散供养"
    states = {s.region.code: s for s in selectors.closing_state(w.users.county, w.county, MONTH)}
    assert states[w.t1.code].changes["centralized"] == {"prev": 1, "delta": -1, "large": True}
    assert states[w.t2.code].report is None


def test_send_back_and_resubmit_keeps_both_versions(month_data):
    w = month_data.world
    services.report_submit(actor=w.users.town1, township=w.t1, month=MONTH)
    services.report_submit(actor=w.users.town2, township=w.t2, month=MONTH)
    r1 = MonthReport.objects.get(region=w.t1, month=MONTH)
    with pytest.raises(ValidationError):
        services.report_submit(actor=w.users.town1, township=w.t1, month=MONTH)  # already submitted
    services.report_return(actor=w.users.county, report=r1, comment="走访数据有误，请核对")
    with pytest.raises(ValidationError):
        services.county_close(actor=w.users.county, county=w.county, month=MONTH)
    Person.objects.filter(pk=month_data.A.pk).update(supported_since=MONTH.replace(day=2))
    r1 = services.report_submit(actor=w.users.town1, township=w.t1, month=MONTH)
    assert r1.version == 2
    versions = list(r1.versions.order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].returned_comment == "走访数据有误，请核对"
    assert versions[0].data["total"]["total"] == versions[1].data["total"]["total"] == 3
    county = services.county_close(actor=w.users.county, county=w.county, month=MONTH)
    assert county.data["total"]["total"] == 5
    assert set(MonthReport.objects.filter(month=MONTH).values_list("status", flat=True)) == {"closed"}
    assert AuditEntry.objects.filter(action__in=["submit", "return", "close"]).count() == 5
    with pytest.raises(ValidationError):
        services.report_submit(actor=w.users.town1, township=w.t1, month=MONTH)


def test_clerks_cannot_submit_another_township_or_close(month_data):
    w = month_data.world
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.report_submit(actor=w.users.town1, township=w.t2, month=MONTH)
    services.report_submit(actor=w.users.town2, township=w.t2, month=MONTH)
    with pytest.raises(PermissionDenied):
        services.report_return(actor=w.users.town1, report=MonthReport.objects.get(region=w.t2), comment="x")
    with pytest.raises(PermissionDenied):
        services.county_close(actor=w.users.town1, county=w.county, month=MONTH)


def test_the_exported_xlsx_has_the_right_figures(month_data, login, tmp_path):
    w = month_data.world
    _close_both(w)
    r = login(w.users.county).get(f"/reports/monthly/export.xlsx?region={w.county.code}&month=2026-10")
    assert r.status_code == 200
    path = tmp_path / "m.xlsx"
    path.write_bytes(r.content)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    header = rows[1]
    by_name = {row[1]: dict(zip(header, row, strict=False)) for row in rows[2:]}
    total_col = header[2]  # the first figure: supported persons in total
    assert by_name["青石镇"][total_col] == 3 and by_name["柳河镇"][total_col] == 2
    last = rows[-1]
    stats = selectors.month_statistics(w.users.county, w.county.code, MONTH)
    assert [int(x) for x in last[2 : 2 + len(selectors.KEYS)]] == [
        stats.total.figures[k] for k in selectors.KEYS
    ]
    assert any("青石敬老院" in h for h in header)
    assert AuditEntry.objects.filter(action="export", object_type="reports.monthly").count() == 1


def test_cli_gives_the_same_figures_as_the_page(month_data, tmp_path, capsys):
    w = month_data.world
    live = selectors.compute(None, w.county, MONTH)
    call_command("report", "monthly", "--month", "2026-10", "--region", w.county.code)
    out = json.loads(capsys.readouterr().out)
    assert out["total"] == live.total.figures and out["closed"] is False
    _close_both(w)
    Person.objects.filter(pk=month_data.A.pk).update(placement="centralized")
    call_command(
        "report",
        "monthly",
        "--month",
        "2026-10",
        "--region",
        w.county.code,
        "--output",
        str(tmp_path / "o.json"),
    )
    closed = json.loads((tmp_path / "o.json").read_text())
    assert closed["closed"] is True and closed["total"]["dispersed"] == 3
    call_command(
        "report",
        "monthly",
        "--month",
        "2026-10",
        "--region",
        w.county.code,
        "--format",
        "xlsx",
        "--output",
        str(tmp_path / "o.xlsx"),
    )
    rows = CalamineWorkbook.from_path(str(tmp_path / "o.xlsx")).get_sheet_by_index(0).to_python()
    assert int(rows[-1][2]) == 5
