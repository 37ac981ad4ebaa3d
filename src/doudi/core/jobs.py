"""Background jobs with progress a page can poll.

A feature registers a handler with `@job_handler("kind")`; `start_job()` creates the Job row and
enqueues `run_job` through Django's Tasks API (django_tasks) once the transaction commits. The
handler receives the Job and a `Progress` and returns a JSON-able result.

Live progress goes to the cache, not the Job row: a handler usually does its writing inside one
transaction (nothing half-written), and on SQLite no other connection could write the row until
that transaction ends. The cache is file-based for the embedded set-up and Redis with RQ.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .models import Job

log = logging.getLogger(__name__)

HANDLERS: dict[str, Callable] = {}
RESULT_TEMPLATES: dict[str, str] = {}
DEFAULT_RESULT_TEMPLATE = "core/_job_result.html"


def job_handler(kind: str, result_template: str = DEFAULT_RESULT_TEMPLATE):
    """Register a handler; `result_template` renders its result on the job page (with `result`)."""

    def register(fn):
        HANDLERS[kind] = fn
        RESULT_TEMPLATES[kind] = result_template
        return fn

    return register


def result_template(job: Job) -> str:
    return RESULT_TEMPLATES.get(job.kind, DEFAULT_RESULT_TEMPLATE)


def _key(job_id) -> str:
    return f"doudi:job:{job_id}:progress"


class Progress:
    """Report progress at most every `interval` seconds (and always at the end)."""

    def __init__(self, job: Job, interval: float = 0.5):
        self.job = job
        self.interval = interval
        self._last = 0.0

    def __call__(self, done: int, total: int | None = None, message: str = "", force: bool = False):
        now = time.monotonic()
        if not force and now - self._last < self.interval:
            return
        self._last = now
        total = self.job.total if total is None else total
        self.job.done, self.job.total = done, total
        if message:
            self.job.message = message[:300]
        cache.set(_key(self.job.pk), {"done": done, "total": total, "message": self.job.message}, 3600)


def live(job: Job) -> Job:
    """The job with the latest progress from the cache merged in (for polling pages)."""
    if job.status == Job.Status.RUNNING:
        data = cache.get(_key(job.pk))
        if data:
            job.done, job.total, job.message = data["done"], data["total"], data["message"]
    return job


def start_job(
    *, kind: str, title: str, actor, region, params=None, upload=None, total: int = 0, enqueue: bool = True
) -> Job:
    """Create the Job and queue it once the transaction commits; with `enqueue=False` the caller runs
    it itself (`run_job.call(str(job.pk))`, as `doudi daily --now` does)."""
    if kind not in HANDLERS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job.objects.create(
        kind=kind,
        title=title,
        params=params or {},
        upload=upload,
        created_by=actor,
        region=region,
        total=total,
    )
    if enqueue:
        transaction.on_commit(lambda: run_job.enqueue(str(job.pk)))
    return job


@task()
def run_job(job_id: str) -> None:
    job = Job.objects.get(pk=job_id)
    if job.is_finished:
        return
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=timezone.now())
    job.status = Job.Status.RUNNING
    progress = Progress(job)
    try:
        result = HANDLERS[job.kind](job, progress)
    except Exception as exc:  # the job records its failure; the worker stays up
        log.exception("job %s failed", job_id)
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED,
            error=str(exc) or traceback.format_exc(limit=3),
            finished_at=timezone.now(),
            done=job.done,
            total=job.total,
        )
    else:
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.SUCCEEDED,
            result=result,
            finished_at=timezone.now(),
            done=job.total or job.done,
            total=job.total,
            message=job.message,
        )
    cache.delete(_key(job.pk))
