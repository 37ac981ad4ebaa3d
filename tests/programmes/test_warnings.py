"""The daily warning job: near and passed deadlines notify the responsible townships and units,
escalation reaches the lead unit and then the county; a rerun sends nothing twice."""

from datetime import date

from django.core.management import call_command

from doudi.core.models import Notification
from doudi.programmes import services


def _to(user):
    return set(
        Notification.objects.filter(recipient=user, kind="programme_warning").values_list("key", flat=True)
    )


def test_warnings_escalate_and_are_sent_once(pw):
    w = pw.world
    task = pw.task_t2  # 柳河镇's, led by 生态环境局, deadline 2026-06-30
    services.warnings_daily(region_prefix=w.county.prefix, today=date(2026, 6, 26))
    assert f"programme:{task.pk}:near" in _to(w.users.town2)
    assert f"programme:{task.pk}:near" not in _to(w.users.town1)
    assert f"programme:{task.pk}:near" in _to(pw.units.sthj_staff)
    assert not _to(pw.units.mzj_staff) - {f"programme:{pw.task_mzj.pk}:county"}
    result = services.warnings_daily(region_prefix=w.county.prefix, today=date(2026, 7, 20))
    assert f"programme:{task.pk}:county" in _to(w.users.county)
    again = services.warnings_daily(region_prefix=w.county.prefix, today=date(2026, 7, 20))
    assert result["sent"] > 0 and again["sent"] == 0


def test_the_command_runs_the_check(pw, capsys):
    call_command("programmes-daily", user="county", now=True)
    assert "warnings" in capsys.readouterr().out
