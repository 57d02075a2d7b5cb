"""Latency of a job seeker's offers (``GET /api/v1/me/offers``) through the real WSGI server, on a large PostgreSQL
database against the demo-size one, measured in the same run.

Two throw-away PostgreSQL databases are made on the server of ``--admin-url`` and dropped at the end:

* **demo**: the migrations, the demo world (``jobs.demo``: 2,000 workers, 200 posts by default) and a matching run;
* **large**: a copy of demo (``CREATE DATABASE … TEMPLATE``) grown with bulk ``INSERT … SELECT generate_series``
  (no ORM): ``--workers`` more workers (copies of the demo's, each with its own ID hash), ``--posts`` more posts
  and ``--matches-per-worker`` matches for each new worker (the issue's full scale: 10^6 workers, 10^5 posts and
  10^7 matches: ``--workers 1000000 --posts 100000 --matches-per-worker 10``).

For each database, ``--seekers`` seeker accounts are tied to workers with offers and given bearer tokens through
the token use case; the app (``web.create_app``) is served by waitress on a free port of 127.0.0.1 in a child
process (which stops by itself after ``--max-serve-seconds``), and ``--concurrency`` client sessions (threads,
each with a keep-alive connection and a random seeker's token) send ``--requests`` requests. The table gives
p50/p95/p99 in milliseconds and the ratio large/demo. The query plans of the endpoint's statements on the large
database (EXPLAIN ANALYZE of the SQL the read side really sends, captured in process) are printed too.

The seeker's phone offers page (``/m/``, 我的岗位推荐) is measured the same way, with a session cookie instead of a
token: each benchmark seeker's person is given a phone number of their own (through the vault, as the person
use cases store it) and signs in through the real pages over HTTP (the phone on ``/m/login`` with its CSRF token,
then the code, read from the benchmark database's outbox, on ``/m/login/code``). The server process's sign-in
rate limit per address is raised through its environment only (``BANGFU_LOGIN_LIMIT_PER_ADDRESS``), since every
sign-in comes from 127.0.0.1. Every answer must be 200 and the offers page itself (not the sign-in page).

    .venv/bin/python benchmarks/bench_seeker_offers.py                       # 10^5 workers, 10^4 posts, 10^6 matches
    .venv/bin/python benchmarks/bench_seeker_offers.py --workers 1000000 --posts 100000   # the issue's scale
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TODAY = dt.date(2026, 11, 24)
SECRET = "bench-secret-for-a-throw-away-database-only"
LOOKUP = "bench-lookup-key-for-a-throw-away-database-only"
DEFAULT_ADMIN_URL = os.environ.get("BANGFU_BENCH_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")

#: What is measured: label → (path, how the session authenticates: "bearer" token or "cookie" from the sign-in by
#: code, see ``_session_cookie``). A target whose path the app does not route is reported as skipped.
TARGETS: dict[str, tuple[str, str]] = {
    "GET /api/v1/me/offers": ("/api/v1/me/offers", "bearer"),
    "GET /m/ (phone offers page)": ("/m/", "cookie"),
}
#: What the phone offers page must contain (the sign-in page and every other page do not).
OFFERS_PAGE_MARK = "<h1>我的岗位推荐</h1>".encode()
#: The benchmark server's sign-in limit per address (every sign-in comes from 127.0.0.1); its environment only.
SERVER_ENV = {"BANGFU_LOGIN_LIMIT_PER_ADDRESS": "100000 per minute"}


# ------------------------------------------------------------------------------------------------------------
# Databases


def _admin_engine(admin_url: str):
    from sqlalchemy import create_engine

    return create_engine(admin_url, isolation_level="AUTOCOMMIT")


def _url_for(admin_url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _create(admin, name: str, template: str | None = None) -> None:
    from sqlalchemy import text

    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        suffix = f' TEMPLATE "{template}"' if template else ""
        connection.execute(text(f'CREATE DATABASE "{name}"{suffix}'))


def _drop(admin, name: str) -> None:
    from sqlalchemy import text

    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _runtime(url: str, instance: Path):
    from jobs.storage.runtime import build_runtime

    return build_runtime(instance_path=instance, database_url=url, secret=SECRET, lookup_secret=LOOKUP)


def build_demo_database(url: str, instance: Path, workers: int, posts: int) -> None:
    """Migrations, the demo world and one matching run (the demo's offers)."""
    from jobs.demo import build_demo
    from jobs.placements.matches import run_matching
    from jobs.storage.db import Database

    database = Database(url)
    database.upgrade()
    database.dispose()
    runtime = _runtime(url, instance)
    with runtime.db.transaction() as session:
        build_demo(session, runtime.vault, today=TODAY, workers=workers, posts=posts)
    with runtime.db.writer() as session:
        run_matching(session, vault=runtime.vault, today=TODAY, everything=True)
    runtime.db.dispose()


def _columns(connection, table: str) -> list[str]:
    from sqlalchemy import text

    return list(connection.execute(text(
        "SELECT column_name FROM information_schema.columns WHERE table_name = :t AND column_name <> 'id' "
        "ORDER BY ordinal_position"), {"t": table}).scalars())


class _IndexesSetAside:
    """A bulk load's usual trick: the secondary indexes (and unique constraints) of ``tables`` are dropped before
    the inserts and built again, each in one sorted pass, afterwards."""

    def __init__(self, connection, tables: tuple[str, ...]) -> None:
        from sqlalchemy import text

        self.connection, self.text = connection, text
        self.constraints = list(connection.execute(text(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "WHERE c.contype = 'u' AND c.conrelid::regclass::text = ANY(:tables)"), {"tables": list(tables)}))
        backing = {name for _table, name, _definition in self.constraints}
        self.indexes = [(name, definition) for name, definition in connection.execute(text(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname "
            "JOIN pg_index x ON x.indexrelid = c.oid WHERE i.tablename = ANY(:tables) AND NOT x.indisprimary"),
            {"tables": list(tables)}) if name not in backing]

    def __enter__(self) -> _IndexesSetAside:
        for table, name, _definition in self.constraints:
            self.connection.execute(self.text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
        for name, _definition in self.indexes:
            self.connection.execute(self.text(f'DROP INDEX "{name}"'))
        return self

    def __exit__(self, *exc_info) -> None:
        if exc_info[0] is not None:
            return
        self.connection.execute(self.text("SET LOCAL maintenance_work_mem = '256MB'"))
        for _name, definition in self.indexes:
            self.connection.execute(self.text(definition))
        for table, name, definition in self.constraints:
            self.connection.execute(self.text(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'))


def grow(url: str, *, workers: int, posts: int, per_worker: int) -> dict[str, float]:
    """Bulk rows in SQL only: workers and posts copied from the demo's (with the values that must be unique made
    unique), and ``per_worker`` matches for every new worker on distinct new posts, mostly live offers."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    timings: dict[str, float] = {}
    with engine.begin() as connection:
        with _IndexesSetAside(connection, ("person", "match")):
            start = _insert_rows(connection, workers=workers, posts=posts, per_worker=per_worker, timings=timings)
        timings["indexes"] = time.perf_counter() - start
    start = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    timings["vacuum analyze"] = time.perf_counter() - start
    engine.dispose()
    return timings


def _insert_rows(connection, *, workers: int, posts: int, per_worker: int, timings: dict) -> float:
    """The bulk inserts of :func:`grow`; the time they ended."""
    from sqlalchemy import text

    person_cols = _columns(connection, "person")
    base = connection.execute(text("SELECT min(id), count(*) FROM person")).one()
    last_person = connection.execute(text("SELECT max(id) FROM person")).scalar_one()
    last_post = connection.execute(text("SELECT max(id) FROM post")).scalar_one()
    replaced = {"id_number_hash": "'bench-' || g", "phone_hash": "NULL", "organisation_id": "t.organisation_id"}
    select_cols = ", ".join(replaced.get(c, f"t.{c}") for c in person_cols)
    start = time.perf_counter()
    connection.execute(text(
        f"INSERT INTO person ({', '.join(person_cols)}) SELECT {select_cols} "
        f"FROM generate_series(1, CAST(:n AS integer)) AS g JOIN person AS t ON t.id = :first + (g % :count)"),
        {"n": workers, "first": base[0], "count": base[1]})
    timings["workers"] = time.perf_counter() - start

    post_cols = _columns(connection, "post")
    base = connection.execute(text("SELECT min(id), count(*) FROM post")).one()
    replaced = {"title": "t.title || ' #' || g", "row_key": "NULL", "supply_list_id": "NULL",
                "status": "CASE WHEN g % 20 = 0 THEN 'closed' ELSE 'open' END", "filled": "0"}
    select_cols = ", ".join(replaced.get(c, f"t.{c}") for c in post_cols)
    start = time.perf_counter()
    connection.execute(text(
        f"INSERT INTO post ({', '.join(post_cols)}) SELECT {select_cols} "
        f"FROM generate_series(1, CAST(:n AS integer)) AS g JOIN post AS t ON t.id = :first + (g % :count)"),
        {"n": posts, "first": base[0], "count": base[1]})
    timings["posts"] = time.perf_counter() - start

    new_people = connection.execute(text("SELECT min(id), max(id) FROM person WHERE id > :last"),
                                    {"last": last_person}).one()
    new_posts = connection.execute(text("SELECT min(id), max(id) - min(id) + 1 FROM post WHERE id > :last"),
                                   {"last": last_post}).one()
    template = connection.execute(text("SELECT components, reasons FROM match LIMIT 1")).one()
    start = time.perf_counter()
    # The k-th offer of worker p is post (p·7919 + k·104729) mod P: distinct for k < 10 (104729 is prime).
    connection.execute(text(
        "INSERT INTO match (person_id, post_id, score, components, reasons, status, withdrawn_reason, "
        "created_at, updated_at) "
        "SELECT p, :post0 + ((p::bigint * 7919 + k::bigint * 104729) % :posts), "
        "40 + ((p * 31 + k * 17) % 600) / 10.0, CAST(:components AS json), :reasons, "
        "CASE WHEN (p + k) % 10 < 6 THEN 'proposed' WHEN (p + k) % 10 < 8 THEN 'pushed' "
        "     WHEN (p + k) % 10 = 8 THEN 'declined' ELSE 'withdrawn' END, "
        "CASE WHEN (p + k) % 10 = 9 THEN 'post_closed' END, now(), now() "
        "FROM generate_series(CAST(:p0 AS integer), CAST(:p1 AS integer)) AS p "
        "CROSS JOIN generate_series(0, CAST(:k AS integer)) AS k"),
        {"post0": new_posts[0], "posts": new_posts[1], "p0": new_people[0], "p1": new_people[1],
         "k": per_worker - 1, "components": _json(template[0]), "reasons": template[1]})
    timings["matches"] = time.perf_counter() - start
    timings["new workers"] = (new_people[0], new_people[1])
    return time.perf_counter()


def _json(value) -> str:
    import json

    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class Seekers:
    tokens: list[str]
    person_ids: list[int]
    phones: list[str]


def make_seekers(url: str, instance: Path, count: int, *, among: tuple[int, int] | None = None,
                 seed: int = 7) -> Seekers:
    """``count`` seeker accounts tied to workers with live offers, each with a bearer token from the token use
    case and a phone number no other person has (for the sign-in by code). (The accounts are inserted directly:
    the bulk workers' ID numbers are copies, so the account use case, which finds the person by ID number, cannot
    tell them apart.)"""
    from sqlalchemy import select

    from jobs.access import passwords, tokens
    from jobs.storage.enums import MatchStatus, Role
    from jobs.storage.models import Match, Person, User

    runtime = _runtime(url, instance)
    rng = random.Random(seed)
    with runtime.db.transaction() as session:
        query = select(Match.person_id).where(Match.status.in_([MatchStatus.PROPOSED, MatchStatus.PUSHED])).distinct()
        if among is not None:  # random workers of the bulk rows (an index look-up each, not a scan)
            query = query.where(Match.person_id.in_(rng.sample(range(among[0], among[1] + 1),
                                                               min(4 * count, among[1] - among[0] + 1))))
        people = sorted(session.scalars(query))
        chosen = rng.sample(people, min(count, len(people)))
        password_hash = passwords.hash_password(f"Bench-{rng.random()}-password!")
        phones = _unused_phones(session, runtime.vault, len(chosen))
        found = []
        for person_id, phone in zip(chosen, phones, strict=True):
            _give_phone(session.get(Person, person_id), phone, runtime.vault)
            user = User(username=f"bench-seeker-{person_id}", display_name="求职者", password_hash=password_hash,
                        role=Role.SEEKER, person_id=person_id, active=True, must_change_password=False)
            session.add(user)
            session.flush()
            found.append(tokens.issue_token(session, user=user, days=1, label="bench").token)
    runtime.db.dispose()
    return Seekers(found, chosen, phones)


def _unused_phones(session, vault, count: int) -> list[str]:
    """``count`` mobile numbers (199…) that no person of the database has (looked up by their keyed hash)."""
    from sqlalchemy import select

    from jobs.people.identity import normalise_mobile
    from jobs.storage.models import Person

    candidates = [normalise_mobile(f"1998{n:07d}") for n in range(2 * count + 10)]
    taken = set(session.scalars(select(Person.phone_hash).where(
        Person.phone_hash.in_([vault.digest(number) for number in candidates]))))
    return [number for number in candidates if vault.digest(number) not in taken][:count]


def _give_phone(person, phone: str, vault) -> None:
    """Store ``phone`` on ``person`` as the person use cases do (``jobs.people.persons``): the keyed hash the
    sign-in finds the person by, and the number encrypted by the vault."""
    person.phone_hash = vault.digest(phone)
    person.phone_encrypted = vault.encrypt(phone)


def explain(url: str, instance: Path, person_id: int) -> list[str]:
    """EXPLAIN ANALYZE of every statement each target's read sends for one seeker's offers (captured, then
    replayed): ``jobs.access.queries.offers_for_seeker`` for the API, ``jobs.access.mine.my_offers`` for the page."""
    from sqlalchemy import event, select, text

    from jobs.access import mine, queries
    from jobs.storage.models import User

    runtime = _runtime(url, instance)
    reads = {"GET /api/v1/me/offers (queries.offers_for_seeker)":
             lambda session, user: queries.offers_for_seeker(session, user, person_id),
             "GET /m/ (mine.my_offers)": lambda session, user: mine.my_offers(session, user)}
    lines: list[str] = []
    for label, read in reads.items():
        captured: list[tuple[str, object]] = []

        def capture(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001 - SQLAlchemy's hook
            captured.append((statement, parameters))

        lines.append(f"## {label}")
        with runtime.db.session() as session:
            user = session.scalars(select(User).where(User.person_id == person_id)).one()
            engine = session.get_bind()
            event.listen(engine, "before_cursor_execute", capture)
            try:
                read(session, user)
            finally:
                event.remove(engine, "before_cursor_execute", capture)
            connection = session.connection()
            for statement, parameters in captured:
                cursor = connection.connection.driver_connection.cursor()
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF) " + statement, parameters)
                lines.append(statement.split("\n")[0][:100] + " …")
                lines.extend("    " + row[0] for row in cursor.fetchall())
            session.execute(text("SELECT 1"))
    runtime.db.dispose()
    return lines


# ------------------------------------------------------------------------------------------------------------
# Serving and load


def serve(url: str, instance: str, threads: int, max_seconds: float) -> None:
    """The child process: the real app under waitress on a free port of 127.0.0.1; prints the port, then serves
    until killed or ``max_seconds`` have passed."""
    import logging

    from waitress import create_server

    from web import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET, "LOOKUP_KEY": LOOKUP, "INSTANCE_PATH": instance,
                      "SESSION_COOKIE_SECURE": False})
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "task queue depth" is the load, as intended
    routes = {rule.rule for rule in app.url_map.iter_rules()}
    server = create_server(app, host="127.0.0.1", port=0, threads=threads)
    timer = threading.Timer(max_seconds, lambda: os._exit(0))
    timer.daemon = True
    timer.start()
    print(f"PORT {server.effective_port}", flush=True)
    print("ROUTES " + " ".join(sorted(routes)), flush=True)
    server.run()


class Server:
    def __init__(self, url: str, instance: Path, threads: int, max_seconds: float) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve", url, "--instance", str(instance), "--threads", str(threads),
             "--max-serve-seconds", str(max_seconds)],
            stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT), **SERVER_ENV})
        self.port = int(self.process.stdout.readline().split()[1])
        self.routes = set(self.process.stdout.readline().split()[1:])

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _session_cookie(port: int, phone: str, code_of) -> str:
    """A seeker's session cookie (``name=value``) from the sign-in by code through the real pages: the phone
    number on ``/m/login`` (with the form's CSRF token), then the code that ``code_of(phone)`` reads from the
    outbox, on ``/m/login/code``; the redirects are followed and the last page must be the offers page."""
    import http.cookiejar
    import urllib.parse
    import urllib.request

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"

    def post(path: str, page: bytes, fields: dict[str, str]) -> tuple[str, bytes]:
        token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"|'
                          rb'type="hidden" name="csrf_token" value="([^"]+)"|'
                          rb'name="csrf_token" value="([^"]+)"', page)
        if token is None:
            raise RuntimeError(f"no CSRF token on {path}")
        data = urllib.parse.urlencode({"csrf_token": next(g for g in token.groups() if g).decode(),
                                       **fields}).encode()
        with opener.open(base + path, data=data, timeout=60) as response:
            return response.geturl(), response.read()

    with opener.open(base + "/m/login", timeout=60) as response:
        page = response.read()
    where, page = post("/m/login", page, {"phone": phone})
    if not where.endswith("/m/login/code"):
        raise RuntimeError(f"the phone {phone} was not taken: {where}")
    where, page = post("/m/login/code", page, {"code": code_of(phone)})
    if not where.endswith("/m/") or OFFERS_PAGE_MARK not in page:
        raise RuntimeError(f"the sign-in of {phone} ended on {where}, not on the offers page")
    cookie = next(c for c in jar if c.name == "bangfu_session")
    return f"{cookie.name}={cookie.value}"


def sign_in(url: str, port: int, seekers: Seekers, *, workers: int = 4) -> list[str]:
    """Each seeker's session cookie, signed in by code through the server on ``port``; the code is read from the
    newest sign-in SMS of the seeker's person in the outbox of the database at ``url`` (the embedded SMS default
    leaves the SMS there, its text in ``body``)."""
    from concurrent.futures import ThreadPoolExecutor

    from sqlalchemy import create_engine, text

    engine = create_engine(url, pool_size=workers)
    person_of = dict(zip(seekers.phones, seekers.person_ids, strict=True))

    def code_of(phone: str) -> str:
        with engine.connect() as connection:
            body = connection.execute(text(
                "SELECT body FROM outbox_message WHERE kind = 'login_code' AND person_id = :person "
                "ORDER BY id DESC LIMIT 1"), {"person": person_of[phone]}).scalar_one()
        return re.search(r"\d{6}", body).group()

    try:
        with ThreadPoolExecutor(workers) as pool:
            return list(pool.map(lambda phone: _session_cookie(port, phone, code_of), seekers.phones))
    finally:
        engine.dispose()


def load(port: int, path: str, credentials: list[dict[str, str]], *, requests: int, concurrency: int,
         mark: bytes | None = None, seed: int = 11) -> list[float]:
    """``requests`` GETs of ``path`` from ``concurrency`` sessions, each request with the headers of a random
    seeker (``credentials``); each answer must be 200 (and contain ``mark`` if given). Latencies in ms."""
    latencies: list[float] = []
    lock = threading.Lock()
    remaining = [requests]
    failures: list[str] = []

    def session(index: int) -> None:
        rng = random.Random(seed + index)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[float] = []
        while True:
            with lock:
                if remaining[0] <= 0 or failures:
                    break
                remaining[0] -= 1
            headers = rng.choice(credentials)
            start = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            mine.append((time.perf_counter() - start) * 1000)
            if response.status != 200 or (mark is not None and mark not in body):
                failures.append(f"{response.status}: {body[:200]!r}")
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=session, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"{path} answered {failures[0]}")
    return latencies


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def measure(url: str, instance: Path, seekers: Seekers, args) -> dict[tuple[str, int], list[float] | None]:
    """Latencies per (target, number of concurrent sessions); None for a target the app does not route."""
    server = Server(url, instance, args.threads, args.max_serve_seconds)
    try:
        found: dict[tuple[str, int], list[float] | None] = {}
        for label, (path, auth) in TARGETS.items():
            if path not in server.routes:
                found.update({(label, concurrency): None for concurrency in args.concurrency})
                continue
            if auth == "bearer":
                credentials, mark = [{"Authorization": f"Bearer {token}"} for token in seekers.tokens], None
            else:
                start = time.perf_counter()
                credentials = [{"Cookie": cookie} for cookie in sign_in(url, server.port, seekers)]
                mark = OFFERS_PAGE_MARK
                print(f"{len(credentials)} seekers signed in by code: {time.perf_counter() - start:.1f} s", flush=True)
            for concurrency in args.concurrency:
                load(server.port, path, credentials, requests=min(200, args.requests), concurrency=concurrency,
                     mark=mark)
                found[label, concurrency] = load(server.port, path, credentials, requests=args.requests,
                                                 concurrency=concurrency, mark=mark)
        return found
    finally:
        server.stop()


# ------------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--admin-url", default=DEFAULT_ADMIN_URL, help="a PostgreSQL database to create others from")
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--matches-per-worker", type=int, default=10, choices=range(1, 11))
    parser.add_argument("--demo-workers", type=int, default=2_000)
    parser.add_argument("--demo-posts", type=int, default=200)
    parser.add_argument("--seekers", type=int, default=200)
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--concurrency", type=lambda text: [int(n) for n in text.split(",")], default=[1, 8],
                        help="concurrent sessions, a comma-separated list (default 1,8)")
    parser.add_argument("--threads", type=int, default=8, help="waitress worker threads")
    parser.add_argument("--max-serve-seconds", type=float, default=900)
    parser.add_argument("--keep", action="store_true", help="keep the two databases (dropped by default)")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--instance", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve, args.instance, args.threads, args.max_serve_seconds)
        return 0

    admin = _admin_engine(args.admin_url)
    demo_name, large_name = f"bangfu_bench_demo_{os.getpid()}", f"bangfu_bench_large_{os.getpid()}"
    demo_url, large_url = _url_for(args.admin_url, demo_name), _url_for(args.admin_url, large_name)
    began = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory() as folder:
            instance = Path(folder)
            start = time.perf_counter()
            _create(admin, demo_name)
            build_demo_database(demo_url, instance, args.demo_workers, args.demo_posts)
            print(f"demo database: {time.perf_counter() - start:.1f} s", flush=True)
            _create(admin, large_name, template=demo_name)
            timings = grow(large_url, workers=args.workers, posts=args.posts, per_worker=args.matches_per_worker)
            among = timings.pop("new workers")
            print("large database: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()), flush=True)
            demo_seekers = make_seekers(demo_url, instance, args.seekers)
            large_seekers = make_seekers(large_url, instance, args.seekers, among=among)
            counts = _counts(large_url)
            plan = explain(large_url, instance, large_seekers.person_ids[0])
            results = {"demo": measure(demo_url, instance, demo_seekers, args),
                       "large": measure(large_url, instance, large_seekers, args)}
            _report(args, counts, demo_seekers, large_seekers, results, plan, time.perf_counter() - began)
    finally:
        if not args.keep:
            _drop(admin, large_name)
            _drop(admin, demo_name)
        admin.dispose()
    return 0


def _counts(url: str) -> dict[str, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        found = {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                 for table in ("person", "post", "match")}
    engine.dispose()
    return found


def _report(args, counts, demo_seekers, large_seekers, results, plan, seconds) -> None:
    print()
    print(f"# GET offers of a seeker — PostgreSQL, waitress ({args.threads} threads), {args.requests:,} requests per "
          f"database and concurrency after 200 warm-up; {len(large_seekers.tokens)} seekers each; "
          f"run {seconds / 60:.1f} min")
    print(f"large: {counts['person']:,} workers, {counts['post']:,} posts, {counts['match']:,} matches; "
          f"demo: {args.demo_workers:,} workers, {args.demo_posts:,} posts")
    print()
    print("| target | sessions | database | p50 ms | p95 ms | p99 ms | mean ms | ratio p95 large/demo |")
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    for label in TARGETS:
        for concurrency in args.concurrency:
            demo, large = results["demo"][label, concurrency], results["large"][label, concurrency]
            if demo is None or large is None:
                print(f"| {label} | {concurrency} | — | not routed on this branch (hook in TARGETS) | | | | |")
                continue
            for name, values in (("demo", demo), ("large", large)):
                ratio = f"{percentile(large, 95) / percentile(demo, 95):.2f}" if name == "large" else ""
                print(f"| {label} | {concurrency} | {name} | {percentile(values, 50):.1f} | "
                      f"{percentile(values, 95):.1f} | {percentile(values, 99):.1f} | {statistics.fmean(values):.1f} "
                      f"| {ratio} |")
    print()
    print("Plans on the large database (EXPLAIN ANALYZE of the statements each target's read sends):")
    for line in plan:
        print(line)


if __name__ == "__main__":
    sys.exit(main())
