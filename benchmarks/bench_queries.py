"""Time the scoped read functions of ``jobs.access.queries`` against the same reads unscoped.

The demo world (``jobs.demo``, default 20,000 workers and 1,000 posts) is built in a throw-away SQLite database;
each query is run for a county clerk, a broker and a workstation clerk, and for the system actor (the baseline:
the same query with no scope clause). The ratio column is the scoped time over the baseline in the same run.

    .venv/bin/python benchmarks/bench_queries.py [--workers N] [--posts N] [--repeat N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from jobs.access import queries
from jobs.access.permissions import SYSTEM
from jobs.demo import build_demo
from jobs.storage.crypto import Vault
from jobs.storage.db import Database
from jobs.storage.enums import Role
from jobs.storage.models import Broker, Organisation, User, Workstation
from jobs.subsidy.claims import evaluate_claims

TODAY = dt.date(2026, 11, 24)


def _users(session) -> dict[str, User]:
    county = session.scalars(select(Organisation).where(Organisation.region_code == "430182",
                                                        Organisation.kind == "county_office")).one()
    broker = session.scalars(select(Broker).where(Broker.region_code == "430182")).first()
    station = session.scalars(select(Workstation).where(Workstation.city_region_code == "4419")).one()
    users = {
        "county clerk (宁乡市)": User(username="county", display_name="县", role=Role.COUNTY_STAFF,
                                     organisation_id=county.id),
        "broker (宁乡市)": User(username="broker", display_name="经纪人", role=Role.BROKER,
                               organisation_id=broker.organisation_id),
        "workstation clerk (东莞)": User(username="station", display_name="工作站", role=Role.WORKSTATION_STAFF,
                                        organisation_id=station.organisation_id),
    }
    session.add_all(users.values())
    session.flush()
    return users


def _time(call: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=20_000)
    parser.add_argument("--posts", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{Path(folder) / 'bench.sqlite3'}", durable=False)
        database.upgrade()
        vault = Vault.from_secret("bench-secret-for-a-throw-away-database-only")
        with database.transaction() as session:
            build_demo(session, vault, today=TODAY, workers=args.workers, posts=args.posts)
        with database.writer() as session:  # evaluate_claims commits one transaction per batch
            evaluate_claims(session, as_of=TODAY, actor=SYSTEM, vault=vault)
        with database.session() as session:
            users = _users(session)
            reads: dict[str, Callable] = {
                "people, name contains 李, page 1 of 50": lambda u: queries.people(
                    session, u, queries.PeopleFilters(name="李"), vault=vault),
                "claims to review, page 1": lambda u: queries.claims_to_review(session, u, vault=vault),
                "checks due, page 1": lambda u: queries.checks_due(session, u, TODAY, vault=vault),
                "placements, page 1": lambda u: queries.placements(session, u, vault=vault),
                "dashboard counts": lambda u: queries.dashboard_counts(session, u, year=2024),
            }
            print(f"# scoped reads — demo world of {args.workers:,} workers, {args.posts:,} posts; "
                  f"median of {args.repeat} runs, SQLite")
            print("| read | user | rows in scope | ms | baseline ms (unscoped) | ratio |")
            print("|---|---|---:|---:|---:|---:|")
            for label, read in reads.items():
                baseline = _time(lambda: read(SYSTEM), args.repeat)
                for who, user in users.items():
                    result = read(user)
                    size = result.total if hasattr(result, "total") else len(result)
                    seconds = _time(lambda: read(user), args.repeat)
                    print(f"| {label} | {who} | {size:,} | {seconds * 1000:.1f} | {baseline * 1000:.1f} | "
                          f"{seconds / baseline:.2f} |")
            session.rollback()
        database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
