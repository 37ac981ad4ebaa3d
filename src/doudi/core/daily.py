"""The daily round: every module's once-a-day work, queued by one command.

A module registers a job kind it already handles (`@job_handler`) as daily work in its
`AppConfig.ready()`:

    register_daily("care_daily", "走访与整改每日检查")

`doudi daily --user <county officer>` (cron, once a day) then queues one job per registered kind
for that officer's area: each runs on the task worker (the embedded `doudi db_worker` or RQ) with a
job page and progress like any other job, and sees only that area. `--now` runs them in this
process instead (same handler, same Job record); `--only KIND` picks some. A daily handler must be
idempotent per day: cron may run twice, and an operator may run it by hand.
"""

from __future__ import annotations

from collections.abc import Iterable

from .jobs import HANDLERS, run_job, start_job

DAILY: dict[str, str] = {}


def register_daily(kind: str, title: str) -> None:
    """Make the job kind `kind` part of the daily round; `title` names its jobs (Chinese)."""
    DAILY[kind] = title


def selected(kinds: Iterable[str] | None = None) -> list[str]:
    """The daily kinds in registration order (the apps' order), or the named ones; an unknown name is
    a ValueError that lists the known ones."""
    kinds = list(kinds or [])
    if not kinds:
        return list(DAILY)
    unknown = [k for k in kinds if k not in DAILY]
    if unknown:
        raise ValueError(f"unknown daily work: {', '.join(unknown)} (known: {', '.join(DAILY)})")
    return kinds


def queue(actor, kinds: Iterable[str] | None = None, *, now: bool = False) -> list:
    """Start one job per daily kind for the actor's area, queued, or run here when `now`.
    Returns the jobs (reloaded after running when `now`)."""
    jobs = []
    for kind in selected(kinds):
        if kind not in HANDLERS:
            raise ValueError(f"daily work {kind!r} has no job handler")
        job = start_job(kind=kind, title=DAILY[kind], actor=actor, region=actor.region, enqueue=not now)
        if now:
            run_job.call(str(job.pk))
            job.refresh_from_db()
        jobs.append(job)
    return jobs
