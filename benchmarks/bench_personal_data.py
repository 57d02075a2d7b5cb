"""Benchmark: what deriving birth dates and masked forms from the encrypted ID number costs.

Birth dates and masked ID numbers and phones are no longer stored in clear (a stored birth date and a masked
number left fewer than 10^4 candidate numbers per person), so a match run decrypts each worker's ID number for
the exact age, and every masked cell of a page or file decrypts one value. This script measures, on a demo world
in a throw-away SQLite database, a whole ``run_matching`` and the decryptions it and a page of results need,
against the baseline of reading the same people from the database in the same run.

    .venv/bin/python benchmarks/bench_personal_data.py [--workers 5000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import secrets
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from jobs.demo import build_demo
from jobs.people.persons import birth_date_of, masked_id_number, masked_phone
from jobs.placements.matches import run_matching, seeker_of
from jobs.storage.crypto import Vault
from jobs.storage.db import Database
from jobs.storage.models import Person

TODAY = dt.date(2025, 3, 1)


def _timed(work) -> tuple[float, object]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=5000)
    args = parser.parse_args(argv)
    vault = Vault.from_secret(secrets.token_urlsafe(48))
    with tempfile.TemporaryDirectory(prefix="bangfu-bench-") as folder:
        database = Database(f"sqlite:///{Path(folder) / 'bench.sqlite3'}", durable=False)
        database.upgrade()
        with database.transaction() as session:
            build_demo(session, vault, today=TODAY, workers=args.workers, posts=max(50, args.workers // 10), seed=3)
        with database.session() as session:
            load, people = _timed(lambda: session.scalars(
                select(Person).options(selectinload(Person.wanted_occupations), selectinload(Person.wanted_regions))
            ).all())
            births, _ = _timed(lambda: [birth_date_of(p, vault) for p in people])
            seekers, _ = _timed(lambda: [seeker_of(p, vault) for p in people])
            masks, _ = _timed(lambda: [(masked_id_number(p, vault), masked_phone(p, vault)) for p in people])
        with database.transaction() as session:
            whole, summary = _timed(lambda: run_matching(session, vault=vault, today=TODAY))
        database.dispose()
    count = len(people)
    rows = [
        ("load the people (baseline)", load),
        ("birth date from the ID number", births),
        ("engine input (seeker_of, decrypt included)", seekers),
        ("masked ID number and phone", masks),
        ("whole run_matching", whole),
    ]
    print(f"{count} workers, {summary.posts} posts")
    print(f"{'work':46} {'total s':>9} {'µs/person':>10} {'× baseline':>11}")
    for label, seconds in rows:
        print(f"{label:46} {seconds:9.3f} {seconds / count * 1e6:10.1f} {seconds / load:11.2f}")
    print(f"decrypting birth dates is {births / whole:.1%} of a whole match run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
