"""The same job runs through RQ on Redis when TASKS_BACKEND=rq (larger deployments).

Needs a Redis server on 127.0.0.1:6379 (CI starts one); skipped elsewhere when none answers.
"""

import os

import pytest

from doudi.core import jobs
from doudi.core.models import Job

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def rq_backend(settings, monkeypatch):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS_URL}")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    import django_rq.queues
    import django_rq.settings

    queues = {"default": {"URL": REDIS_URL}}
    settings.RQ_QUEUES = queues
    monkeypatch.setattr(django_rq.settings, "QUEUES", queues)
    monkeypatch.setattr(django_rq.queues, "QUEUES", queues, raising=False)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    queue = django_rq.get_queue("default")
    queue.empty()
    yield queue
    queue.empty()


@jobs.job_handler("test_count")
def _count(job, progress):
    for i in range(1, 4):
        progress(i, 3, force=True)
    return {"counted": 3, "params": job.params}


def test_a_job_runs_through_rq(world, rq_backend, django_capture_on_commit_callbacks):
    import django_rq
    from rq import SimpleWorker

    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start_job(
            kind="test_count", title="count", actor=world.users.county, region=world.county, params={"x": 1}
        )
    assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED
    assert rq_backend.count == 1

    worker = django_rq.get_worker("default", worker_class=SimpleWorker, job_class="django_tasks_rq.Job")
    worker.work(burst=True)

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.result == {"counted": 3, "params": {"x": 1}}
    assert (job.done, job.total) == (3, 3)
