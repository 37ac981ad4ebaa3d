"""Load benchmark (issue 16, item 7): signed-in users on five pages of a running doudi, with locust.

    .venv/bin/python bench/load.py [--host http://127.0.0.1:8000] [--users 5] [--minutes 0.5]
    .venv/bin/python bench/load.py --users 50 --minutes 10          # the issue's run

Needs the `bench` extra (`pip install -e '.[bench]'`: locust, gunicorn) and a server on the demo
county, served as in production (docs/performance.md, "Load" gives the commands: PostgreSQL,
TASKS_BACKEND=rq with an RQ worker, gunicorn). Each simulated user signs in through the login page
with a demo account (password `doudi-demo`) and then, with one second of think time on average,
opens: the person list and a person's page (`town1`, a township clerk), the visit entry form of a
person (`cadre1`, a village cadre, who also opens the worklist), and the monthly report (`town1`).
Users are split 3 : 1 between clerks and cadres. Nothing is written (the entry form is read, not
posted), so runs can be repeated on the same database.

Prints one JSON object: per page the number of requests, p50 / p95 / p99 and the mean in ms, the
errors (a status other than 200, or a login page where the page should be), and the totals.
Exit status 1 if any request failed. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time

import gevent
from locust import HttpUser, between, events, task
from locust.env import Environment

PASSWORD = "doudi-demo"
PAGES = ["person list", "person page", "worklist", "visit entry", "monthly report", "login"]


def sign_in(user: HttpUser, username: str) -> None:
    with user.client.get("/login/", name="login", catch_response=True) as page:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if token is None:
            page.failure("no CSRF token on the login page")
            raise RuntimeError("login page without a form")
    with user.client.post(
        "/login/",
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": user.host + "/login/"},
        name="login",
        catch_response=True,
    ) as answer:
        if "/login/" in answer.url:
            answer.failure(f"{username} could not sign in")


def get(user: HttpUser, url: str, name: str):
    with user.client.get(url, name=name, catch_response=True) as page:
        if page.status_code != 200:
            page.failure(f"HTTP {page.status_code}")
        elif "/login/" in page.url:
            page.failure("signed out")
        return page


def person_ids(page) -> list[int]:
    return sorted({int(n) for n in re.findall(r'href="/persons/(\d+)/"', page.text or "")})


class Clerk(HttpUser):
    """A township clerk: the person list, a person, the monthly report."""

    weight = 3
    wait_time = between(0.5, 1.5)

    def on_start(self):
        sign_in(self, "town1")
        self.persons = person_ids(get(self, "/persons/", "person list")) or [0]

    @task(3)
    def person_list(self):
        page = random.randint(1, 5)
        found = person_ids(get(self, f"/persons/?page={page}", "person list"))
        if found:
            self.persons = found

    @task(3)
    def person_page(self):
        get(self, f"/persons/{random.choice(self.persons)}/", "person page")

    @task(1)
    def monthly_report(self):
        get(self, "/reports/monthly/", "monthly report")


class Cadre(HttpUser):
    """A village cadre: the worklist, and the visit entry form of a person on it."""

    weight = 1
    wait_time = between(0.5, 1.5)

    def on_start(self):
        sign_in(self, "cadre1")
        self.persons = self.worklist_persons()

    def worklist_persons(self):
        page = get(self, "/care/visits/worklist/", "worklist")
        return sorted({int(n) for n in re.findall(r"/care/persons/(\d+)/visits/new/", page.text or "")})

    @task(2)
    def worklist(self):
        self.persons = self.worklist_persons() or self.persons

    @task(2)
    def visit_entry(self):
        if self.persons:
            get(self, f"/care/persons/{random.choice(self.persons)}/visits/new/", "visit entry")


def summary(env: Environment, seconds: float, users: int) -> dict:
    pages = {}
    for name in PAGES:
        entry = env.stats.entries.get((name, "GET"))
        posts = env.stats.entries.get((name, "POST"))
        if entry is None and posts is None:
            continue
        rows = [e for e in (entry, posts) if e is not None]
        count = sum(e.num_requests for e in rows)
        main = max(rows, key=lambda e: e.num_requests)
        pages[name] = {
            "requests": count,
            "errors": sum(e.num_failures for e in rows),
            "p50_ms": main.get_response_time_percentile(0.50),
            "p95_ms": main.get_response_time_percentile(0.95),
            "p99_ms": main.get_response_time_percentile(0.99),
            "mean_ms": round(main.avg_response_time, 1),
        }
    total = env.stats.total
    return {
        "users": users,
        "seconds": round(seconds, 1),
        "host": env.host,
        "pages": pages,
        "requests": total.num_requests,
        "errors": total.num_failures,
        "requests_per_s": round(total.num_requests / seconds, 1) if seconds else 0,
        "p50_ms": total.get_response_time_percentile(0.50),
        "p95_ms": total.get_response_time_percentile(0.95),
        "p99_ms": total.get_response_time_percentile(0.99),
        "failures": [
            {"page": f.name, "error": str(f.error), "occurrences": f.occurrences}
            for f in env.stats.errors.values()
        ][:20],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="http://127.0.0.1:8000")
    parser.add_argument("--users", type=int, default=5)
    parser.add_argument("--minutes", type=float, default=0.5)
    parser.add_argument("--spawn-rate", type=float, default=5.0, help="users started per second")
    args = parser.parse_args(argv)

    env = Environment(user_classes=[Clerk, Cadre], host=args.host.rstrip("/"), events=events)
    runner = env.create_local_runner()
    started = time.monotonic()
    runner.start(args.users, spawn_rate=args.spawn_rate)
    gevent.spawn_later(args.minutes * 60, runner.quit)
    runner.greenlet.join()
    result = summary(env, time.monotonic() - started, args.users)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
