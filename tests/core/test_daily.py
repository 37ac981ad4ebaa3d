"""`doudi daily`: one command queues every module's daily work for an officer's area."""

import pytest
from django.core.management import CommandError, call_command

from doudi.core import daily, jobs
from doudi.core.models import Job

MODULE_DAILY = {
    "care_daily",
    "care_agreement_reminders",
    "integrity_daily",
    "programmes_daily",
    "mediation_daily",
    "village_daily",
    "governance_daily",
}


def test_every_modules_daily_work_is_registered_with_a_handler():
    assert MODULE_DAILY <= set(daily.DAILY)
    assert all(kind in jobs.HANDLERS for kind in daily.DAILY)
    assert all(daily.DAILY[kind] for kind in daily.DAILY)  # each names its jobs


def test_daily_now_runs_each_job_in_the_users_area(world, capsys):
    call_command("daily", user="town1", now=True)
    out = capsys.readouterr().out
    done = Job.objects.filter(kind__in=daily.DAILY)
    assert set(done.values_list("kind", flat=True)) == set(daily.DAILY)
    assert {j.status for j in done} == {Job.Status.SUCCEEDED}, [(j.kind, j.error) for j in done]
    assert {j.region_id for j in done} == {world.t1.code}
    assert {j.created_by_id for j in done} == {world.users.town1.pk}
    assert all(f"{kind}: succeeded" in out for kind in daily.DAILY)


def test_daily_queues_the_jobs_for_the_worker(world, capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("daily", "--user", "county")
    assert capsys.readouterr().out.count("queued job") == len(daily.DAILY)
    # the test settings run tasks immediately: each queued job has run
    assert set(Job.objects.values_list("status", flat=True)) == {Job.Status.SUCCEEDED}


def test_only_picks_some_and_an_unknown_name_is_refused(world):
    call_command("daily", user="county", now=True, only=["integrity_daily"])
    assert list(Job.objects.values_list("kind", flat=True)) == ["integrity_daily"]
    with pytest.raises(CommandError, match="unknown daily work: nightly.*known: .*care_daily"):
        call_command("daily", user="county", now=True, only=["nightly"])
    assert Job.objects.count() == 1


def test_a_user_without_an_area_is_refused(world):
    with pytest.raises(CommandError, match="no active user 'nobody'"):
        call_command("daily", user="nobody")
    world.users.town2.is_active = False
    world.users.town2.save()
    with pytest.raises(CommandError):
        call_command("daily", user="town2")
    assert not Job.objects.exists()


def test_a_failing_daily_job_fails_the_command_and_keeps_its_error(world, monkeypatch):
    def broken(job, progress):
        raise RuntimeError("数据库连接中断")

    monkeypatch.setitem(jobs.HANDLERS, "broken_daily", broken)
    monkeypatch.setitem(daily.DAILY, "broken_daily", "坏的每日检查")
    with pytest.raises(CommandError, match="daily work failed: broken_daily"):
        call_command("daily", user="county", now=True)
    job = Job.objects.get(kind="broken_daily")
    assert job.status == Job.Status.FAILED and "数据库连接中断" in job.error
    # the others still ran
    assert Job.objects.filter(status=Job.Status.SUCCEEDED).count() == len(daily.DAILY) - 1


@pytest.mark.parametrize(
    "command,kind",
    [
        ("care-daily", "care_daily"),
        ("care-reminders", "care_agreement_reminders"),
        ("integrity-daily", "integrity_daily"),
        ("programmes-daily", "programmes_daily"),
        ("mediation-daily", "mediation_daily"),
    ],
)
def test_the_module_commands_run_their_own_work_only(world, command, kind):
    call_command(command, user="county", now=True)
    assert list(Job.objects.values_list("kind", "status")) == [(kind, Job.Status.SUCCEEDED)]
