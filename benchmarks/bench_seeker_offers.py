"""Latency of a job seeker's offers (``GET /api/v1/me/offers`` and the phone page ``GET /m/``) through the real WSGI
server, on a large PostgreSQL database against the demo-size one, measured in the same run.

Two throw-away PostgreSQL databases are made on the server of ``--admin-url`` and dropped at the end:

* **demo**: the migrations, the demo world (``jobs.demo``: 2,000 workers, 200 posts by default) and a matching run;
* **large**: a copy of demo (``CREATE DATABASE … TEMPLATE``) grown with bulk ``INSERT … SELECT generate_series``
  (no ORM): ``--workers`` more workers (copies of the demo's, each with its own ID hash), ``--posts`` more posts
  and ``--matches-per-worker`` matches for each new worker (the issue's full scale: 10^6 workers, 10^5 posts and
  10^7 matches: ``--workers 1000000 --posts 100000 --matches-per-worker 10``).

For each database, ``--sessions`` seeker accounts are tied to workers with offers and given bearer tokens through
the token use case. The app is served as ``bangfu serve --processes N`` serves it (``web.serving``: waitress, in
one process or in N forked workers each with its own app) on a free port of 127.0.0.1, in a child process that
stops by itself after ``--max-serve-seconds``; each of ``--processes`` is measured with a server of its own.

The seeker's phone offers page (``/m/``, 我的岗位推荐) is measured with a session cookie instead of a token: each
benchmark seeker's person is given a phone number of their own (through the vault, as the person use cases store
it) and signs in through the real pages over HTTP (the phone on ``/m/login`` with its CSRF token, then the code,
read from the benchmark database's outbox, on ``/m/login/code``). The server's sign-in rate limit per address is
raised through its environment only (``BANGFU_LOGIN_LIMIT_PER_ADDRESS``), since every sign-in comes from
127.0.0.1. Every answer must be 200 and the offers page itself (not the sign-in page).

The client is asyncio on raw keep-alive HTTP/1.1 connections, in this process (the server runs in its own), and
measures two loads:

* **open loop** (what phones do): requests arrive at ``--rates`` per second with exponential gaps (a Poisson
  process), each from one of the seekers' sessions (one connection each); a request is sent at its scheduled
  time, or as soon as its session's previous request is answered, and its latency counts from the scheduled
  time, so a server that falls behind shows its backlog (no coordinated omission);
* **closed loop** (the saturation): ``--concurrency`` sessions each send the next request the moment the
  previous one is answered; the achieved rate with 8 sessions is the server's throughput.

The table gives, per target, number of server processes, load and database: offered and achieved requests per
second, p50/p95/p99 in milliseconds, errors, the CPU the serving processes and the client used per request, and
the ratio of the p95s large/demo. The query plans of the statements each target's read sends on the large
database (EXPLAIN ANALYZE of the SQL the read side really sends, captured in process) are printed too.

    .venv/bin/python benchmarks/bench_seeker_offers.py                       # 10^5 workers, 10^4 posts, 10^6 matches
    .venv/bin/python benchmarks/bench_seeker_offers.py --workers 1000000 --posts 100000   # the issue's scale
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import re
import subprocess
import sys
import tempfile
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
#: The app's session cookie, and the one browser every seeker signs in and comes back with.
SESSION_COOKIE = "bangfu_session"
USER_AGENT = "Mozilla/5.0 (Linux; Android 10; bangfu-bench) Mobile"


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


def kept_seekers(url: str, instance: Path) -> Seekers:
    """The seekers :func:`make_seekers` made in a database kept by an earlier run (``--keep``), each with a new
    bearer token (a token is stored as its digest only) and the phone number given to their person."""
    from sqlalchemy import select

    from jobs.access import tokens
    from jobs.storage.models import Person, User

    runtime = _runtime(url, instance)
    found = Seekers([], [], [])
    with runtime.db.transaction() as session:
        for user, person in session.execute(select(User, Person).join(Person, User.person_id == Person.id)
                                            .where(User.username.like("bench-seeker-%")).order_by(User.id)):
            found.tokens.append(tokens.issue_token(session, user=user, days=1, label="bench").token)
            found.person_ids.append(person.id)
            found.phones.append(runtime.vault.decrypt(person.phone_encrypted))
    runtime.db.dispose()
    return found


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
    replayed): ``jobs.access.queries.offers_for_seeker`` for the API, ``jobs.access.mine.my_offers`` and the unread
    count of the header (``jobs.service.inbox.unread_count``) for the page."""
    from sqlalchemy import event, select, text

    from jobs.access import mine, queries
    from jobs.service import inbox
    from jobs.storage.models import User

    runtime = _runtime(url, instance)
    reads = {"GET /api/v1/me/offers (queries.offers_for_seeker)":
             lambda session, user: queries.offers_for_seeker(session, user, person_id),
             "GET /m/ (mine.my_offers, inbox.unread_count)":
             lambda session, user: (mine.my_offers(session, user), inbox.unread_count(session, user=user))}
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
# Serving


def serve(url: str, instance: str, *, threads: int, processes: int, connection_limit: int,
          max_seconds: float) -> int:
    """The server process: the real app served as ``bangfu serve --processes`` serves it (``web.serving``:
    waitress, in ``processes`` forked workers that each build their own app) on a free port of 127.0.0.1. Prints
    the port and the app's routes, then serves until SIGTERM, or until ``max_seconds`` have passed."""
    import logging
    import signal

    from web import create_app, runtime_of, serving

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "task queue depth" is the load, as intended

    def make_app():
        return create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET, "LOOKUP_KEY": LOOKUP, "INSTANCE_PATH": instance,
                           "SESSION_COOKIE_SECURE": False})

    app = make_app()
    routes = {rule.rule for rule in app.url_map.iter_rules()}
    runtime_of(app).db.dispose()  # nothing pooled crosses a fork
    sockets = serving.bind("127.0.0.1", 0, processes=processes)
    signal.signal(signal.SIGALRM, lambda *_: os.kill(os.getpid(), signal.SIGTERM))
    signal.alarm(max(1, int(max_seconds)))
    print(f"PORT {sockets[0].getsockname()[1]}", flush=True)
    print("ROUTES " + " ".join(sorted(routes)), flush=True)
    return serving.run(make_app if processes > 1 else (lambda: app), sockets, threads=threads, processes=processes,
                       connection_limit=connection_limit, ident="bangfu-bench",
                       on_stop=lambda served: runtime_of(served).db.dispose())


class Server:
    """The server process of :func:`serve`, and the CPU time its serving processes have used."""

    def __init__(self, url: str, instance: Path, args, processes: int) -> None:
        self.processes = processes
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve", url, "--instance", str(instance), "--threads", str(args.threads),
             "--processes", str(processes), "--connection-limit", str(args.sessions + 100),
             "--max-serve-seconds", str(args.max_serve_seconds)],
            stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT), **SERVER_ENV})
        self.port = int(self.process.stdout.readline().split()[1])
        self.routes = set(self.process.stdout.readline().split()[1:])

    def serving_pids(self) -> list[int]:
        """The processes that run the app: the forked workers, or the server process itself."""
        if self.processes == 1:
            return [self.process.pid]
        return _children(self.process.pid)

    def cpu(self) -> dict[int, float]:
        """CPU seconds (user + system) each serving process has used so far."""
        return {pid: _cpu_seconds(pid) for pid in self.serving_pids()}

    def stop(self) -> None:
        self.process.terminate()
        if self.process.wait(timeout=60) != 0:
            raise RuntimeError(f"the server stopped with status {self.process.returncode}")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError):
            continue  # the process ended meanwhile
    return sorted(found)


def _postgres_cpu() -> dict[int, float]:
    """CPU seconds of every PostgreSQL process on this machine (none when the server runs elsewhere)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
            if text.split("(", 1)[1].startswith("postgres)"):
                fields = text.rsplit(")", 1)[1].split()
                found[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            continue
    return found


# ------------------------------------------------------------------------------------------------------------
# Signing in


def _session_cookie(port: int, phone: str, code_of) -> str:
    """A seeker's session cookie (``name=value``) from the sign-in by code through the real pages: the phone
    number on ``/m/login`` (with the form's CSRF token), then the code that ``code_of(phone)`` reads from the
    outbox, on ``/m/login/code``; the redirects are followed and the last page must be the offers page."""
    import http.cookiejar
    import urllib.parse
    import urllib.request

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
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
    cookie = next(c for c in jar if c.name == SESSION_COOKIE)
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


# ------------------------------------------------------------------------------------------------------------
# The load: an asyncio client on raw keep-alive connections, in this process (the server runs in its own)


class Credential:
    """One seeker's request headers: a bearer token, or the session cookie (kept up to date from the answers'
    ``Set-Cookie``, as a phone's browser keeps it)."""

    def __init__(self, kind: str, value: str) -> None:
        self.kind, self.value = kind, value

    def header(self) -> str:
        return f"Authorization: Bearer {self.value}" if self.kind == "bearer" else f"Cookie: {self.value}"


class Connection:
    """One keep-alive HTTP/1.1 connection to the server: a GET at a time, the answer read whole."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None

    async def get(self, path: str, credential: Credential, accept: str) -> tuple[int, bytes]:
        if self.writer is None:
            await self.open()
        self.writer.write((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nUser-Agent: {USER_AGENT}\r\n"
                           f"Accept: {accept}\r\n{credential.header()}\r\n\r\n").encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length, chunked, closing = None, False, False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name, value = name.strip().lower(), value.strip()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"connection":
                closing = value.lower() == b"close"
            elif name == b"set-cookie" and value.startswith(SESSION_COOKIE.encode() + b"="):
                credential.value = value.split(b";", 1)[0].decode()
        if chunked:
            body = bytearray()
            while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                body += await self.reader.readexactly(size + 2)
                del body[-2:]
            await self.reader.readuntil(b"\r\n")
        elif length is not None:
            body = await self.reader.readexactly(length)
        else:
            body, closing = await self.reader.read(), True
        if closing:
            self.close()
        return status, bytes(body)


@dataclass
class Run:
    """One measured load: the latency of every good answer, the errors, the wall time from the first (scheduled)
    send to the last answer, the CPU the client and each serving process used meanwhile."""

    latencies: list[float]  # ms
    errors: int
    first_error: str | None
    seconds: float
    client_cpu: float
    server_cpu: dict[int, float]
    database_cpu: float  # every PostgreSQL process of this machine (0 when the server runs elsewhere)
    offered: float | None = None  # requests/s, open loop only

    @property
    def achieved(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies) + self.errors


class Target:
    """What one target's load sends: its path, its Accept header, each seeker's credential and what a good answer
    must contain."""

    def __init__(self, path: str, auth: str, credentials: list[Credential]) -> None:
        self.path, self.credentials = path, credentials
        self.accept = "application/json" if auth == "bearer" else "text/html"
        self.mark = OFFERS_PAGE_MARK if auth == "cookie" else None

    def good(self, status: int, body: bytes) -> str | None:
        """None for a good answer, else what was wrong."""
        if status != 200:
            return f"{status}: {body[:200]!r}"
        if self.mark is not None and self.mark not in body:
            return f"200 without the offers page: {body[:200]!r}"
        return None


async def _ask(connection: Connection, target: Target, credential: Credential) -> str | None:
    """One request; None when it was answered well, else what went wrong (a broken connection is reopened on the
    next request)."""
    try:
        status, body = await connection.get(target.path, credential, target.accept)
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as error:
        connection.close()
        return f"connection: {error!r}"
    return target.good(status, body)


def _measured(server: Server, body) -> Run:
    """Run the coroutine function ``body(latencies, errors)`` (which returns the measured wall seconds) with the
    client's and the server's CPU read around it."""
    latencies: list[float] = []
    errors: list[str] = []
    server_before, database_before, client_before = server.cpu(), _postgres_cpu(), time.process_time()
    seconds = asyncio.run(body(latencies, errors))
    client, server_after, database_after = time.process_time() - client_before, server.cpu(), _postgres_cpu()
    used = {pid: server_after[pid] - server_before.get(pid, 0.0) for pid in server_after}
    database = sum(cpu - database_before.get(pid, 0.0) for pid, cpu in database_after.items())
    return Run(latencies, len(errors), errors[0] if errors else None, seconds, client, used, database)


def closed_loop(server: Server, target: Target, *, requests: int, sessions: int, seed: int = 11) -> Run:
    """``requests`` GETs from ``sessions`` sessions, each sending its next request the moment the previous one is
    answered (no think time: the server's saturation), each request with a random seeker's credential."""

    async def body(latencies: list[float], errors: list[str]) -> float:
        loop = asyncio.get_running_loop()
        connections = [Connection(server.port) for _ in range(sessions)]
        await asyncio.gather(*(c.open() for c in connections))
        remaining = [requests]

        async def session(index: int) -> None:
            rng = random.Random(seed + index)
            while remaining[0] > 0:
                remaining[0] -= 1
                start = loop.time()
                wrong = await _ask(connections[index], target, rng.choice(target.credentials))
                (errors.append(wrong) if wrong else latencies.append((loop.time() - start) * 1000))

        start = loop.time()
        await asyncio.gather(*(session(i) for i in range(sessions)))
        seconds = loop.time() - start
        for connection in connections:
            connection.close()
        return seconds

    return _measured(server, body)


def open_loop(server: Server, target: Target, *, rate: float, seconds: float, seed: int = 13) -> Run:
    """Requests at ``rate`` a second on average, for ``seconds``, with exponential (Poisson) gaps, each from a
    random one of the seekers' sessions (one keep-alive connection each, opened before the clock starts). Each
    request is sent at its scheduled time, or when its session's previous request is answered if that is later;
    its latency counts from the scheduled time, so a server that falls behind shows it (no coordinated
    omission)."""
    rng = random.Random(seed)
    sessions = len(target.credentials)
    plan: list[list[float]] = [[] for _ in range(sessions)]
    moment = rng.expovariate(rate)
    while moment < seconds:
        plan[rng.randrange(sessions)].append(moment)
        moment += rng.expovariate(rate)

    async def body(latencies: list[float], errors: list[str]) -> float:
        loop = asyncio.get_running_loop()
        connections = [Connection(server.port) for _ in range(sessions)]
        await asyncio.gather(*(c.open() for c in connections))
        start = loop.time() + 0.1
        last = [start]

        async def session(index: int) -> None:
            for at in plan[index]:
                due = start + at
                if (delay := due - loop.time()) > 0:
                    await asyncio.sleep(delay)
                wrong = await _ask(connections[index], target, target.credentials[index])
                last[0] = max(last[0], loop.time())
                (errors.append(wrong) if wrong else latencies.append((loop.time() - due) * 1000))

        await asyncio.gather(*(session(i) for i in range(sessions)))
        for connection in connections:
            connection.close()
        return last[0] - start

    run = _measured(server, body)
    run.offered = rate
    return run


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def credentials_for(url: str, server: Server, seekers: Seekers, auth: str) -> list[Credential]:
    if auth == "bearer":
        return [Credential("bearer", token) for token in seekers.tokens]
    start = time.perf_counter()
    cookies = sign_in(url, server.port, seekers)
    print(f"{len(cookies)} seekers signed in by code: {time.perf_counter() - start:.1f} s", flush=True)
    return [Credential("cookie", cookie) for cookie in cookies]


def measure(url: str, instance: Path, seekers: Seekers, args) -> dict[tuple, Run | None]:
    """The runs of one database, keyed by (target, processes, "closed", sessions) and (target, processes, "open",
    rate); None for a target the app does not route."""
    found: dict[tuple, Run | None] = {}
    signed_in: dict[str, list[Credential]] = {}
    for processes in args.processes:
        server = Server(url, instance, args, processes)
        try:
            for label, (path, auth) in TARGETS.items():
                if path not in server.routes:
                    found.update({(label, processes, "closed", n): None for n in args.concurrency})
                    found.update({(label, processes, "open", rate): None for rate in args.rates})
                    continue
                if label not in signed_in:  # a session cookie is good for every server of the same database
                    signed_in[label] = credentials_for(url, server, seekers, auth)
                target = Target(path, auth, signed_in[label])
                # Warm-up: enough connections that every worker process gets some (each has its caches to fill).
                closed_loop(server, target, requests=min(400, args.requests), sessions=16 * processes)
                for sessions in args.concurrency:
                    found[label, processes, "closed", sessions] = run = closed_loop(
                        server, target, requests=args.requests, sessions=sessions)
                    _progress(label, processes, f"closed loop, {sessions} sessions", run)
                for rate in args.rates:
                    found[label, processes, "open", rate] = run = open_loop(
                        server, target, rate=rate, seconds=args.open_seconds)
                    _progress(label, processes, f"open loop, {rate:g}/s", run)
        finally:
            server.stop()
    return found


def _progress(label: str, processes: int, load: str, run: Run) -> None:
    p95 = f"{percentile(run.latencies, 95):.1f}" if run.latencies else "—"
    print(f"  {label}, {processes} process(es), {load}: {run.achieved:.1f}/s, p95 {p95} ms, {run.errors} errors"
          + (f" (first: {run.first_error})" if run.first_error else ""), flush=True)


# ------------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--admin-url", default=DEFAULT_ADMIN_URL, help="a PostgreSQL database to create others from")
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--matches-per-worker", type=int, default=10, choices=range(1, 11))
    parser.add_argument("--demo-workers", type=int, default=2_000)
    parser.add_argument("--demo-posts", type=int, default=200)
    parser.add_argument("--sessions", "--seekers", type=int, default=200,
                        help="seeker accounts, each signed in once: the open loop's sessions (default 200)")
    parser.add_argument("--rates", type=_numbers(float), default=[25.0, 50.0, 100.0],
                        help="open loop: offered requests per second, a comma-separated list (default 25,50,100)")
    parser.add_argument("--open-seconds", type=float, default=20.0, help="open loop: seconds per rate (default 20)")
    parser.add_argument("--requests", type=int, default=2_000, help="closed loop: requests per run (default 2000)")
    parser.add_argument("--concurrency", type=_numbers(int), default=[1, 8],
                        help="closed loop: concurrent sessions without think time, a comma-separated list "
                             "(default 1,8)")
    parser.add_argument("--processes", type=_numbers(int), default=[1, 2],
                        help="server processes (bangfu serve --processes), a comma-separated list (default 1,2)")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads per process")
    parser.add_argument("--max-serve-seconds", type=float, default=1800)
    parser.add_argument("--keep", action="store_true", help="keep the two databases (dropped by default)")
    parser.add_argument("--reuse", metavar="ID",
                        help="measure the databases bangfu_bench_demo_ID and bangfu_bench_large_ID that an earlier "
                             "run kept (--keep), with their seekers, instead of building new ones; they are kept")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--instance", help=argparse.SUPPRESS)
    parser.add_argument("--connection-limit", type=int, default=300, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        return serve(args.serve, args.instance, threads=args.threads, processes=args.processes[0],
                     connection_limit=args.connection_limit, max_seconds=args.max_serve_seconds)

    admin = _admin_engine(args.admin_url)
    suffix = args.reuse or os.getpid()
    demo_name, large_name = f"bangfu_bench_demo_{suffix}", f"bangfu_bench_large_{suffix}"
    demo_url, large_url = _url_for(args.admin_url, demo_name), _url_for(args.admin_url, large_name)
    began, load_before = time.perf_counter(), os.getloadavg()
    try:
        with tempfile.TemporaryDirectory() as folder:
            instance = Path(folder)
            if args.reuse:
                demo_seekers, large_seekers = kept_seekers(demo_url, instance), kept_seekers(large_url, instance)
            else:
                demo_seekers, large_seekers = _build(admin, args, instance, (demo_name, large_name))
            counts = {"demo": _counts(demo_url), "large": _counts(large_url)}
            plan = explain(large_url, instance, large_seekers.person_ids[0])
            load_measuring = os.getloadavg()
            results = {"demo": measure(demo_url, instance, demo_seekers, args),
                       "large": measure(large_url, instance, large_seekers, args)}
            loads = (load_before, load_measuring, os.getloadavg())
            _report(args, counts, large_seekers, results, plan, time.perf_counter() - began, loads)
    finally:
        if not (args.keep or args.reuse):
            _drop(admin, large_name)
            _drop(admin, demo_name)
        admin.dispose()
    return 0


def _build(admin, args, instance: Path, names: tuple[str, str]) -> tuple[Seekers, Seekers]:
    """The two databases, and the seekers of each."""
    demo_url, large_url = (_url_for(args.admin_url, name) for name in names)
    start = time.perf_counter()
    _create(admin, names[0])
    build_demo_database(demo_url, instance, args.demo_workers, args.demo_posts)
    print(f"demo database: {time.perf_counter() - start:.1f} s", flush=True)
    _create(admin, names[1], template=names[0])
    timings = grow(large_url, workers=args.workers, posts=args.posts, per_worker=args.matches_per_worker)
    among = timings.pop("new workers")
    print("large database: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()), flush=True)
    return make_seekers(demo_url, instance, args.sessions), make_seekers(large_url, instance, args.sessions,
                                                                          among=among)


def _numbers(kind):
    return lambda text: [kind(n) for n in text.split(",")]


def _counts(url: str) -> dict[str, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        found = {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                 for table in ("person", "post", "match")}
    engine.dispose()
    return found


def _report(args, counts, seekers, results, plan, seconds, loads) -> None:
    print()
    print(f"# GET offers of a seeker — PostgreSQL, waitress ({args.threads} threads a process); "
          f"{len(seekers.tokens)} seekers each; run {seconds / 60:.1f} min; {os.cpu_count()} CPUs, load average "
          + " → ".join(f"{one:.1f}/{five:.1f}/{fifteen:.1f}" for one, five, fifteen in loads)
          + " (start, measuring, end: 1/5/15 min)")
    print("; ".join(f"{name}: {found['person']:,} workers, {found['post']:,} posts, {found['match']:,} matches"
                    for name, found in counts.items()))
    print(f"closed loop: {args.requests:,} requests per run, after a warm-up; open loop: {args.open_seconds:g} s "
          f"per rate, Poisson arrivals, latency from the scheduled send")
    print()
    print("| target | processes | load | database | offered /s | achieved /s | p50 ms | p95 ms | p99 ms | errors "
          "| server CPU ms/req | PostgreSQL CPU ms/req | client CPU ms/req | ratio p95 large/demo |")
    print("|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    loads_run = [("closed", n) for n in args.concurrency] + [("open", rate) for rate in args.rates]
    for label in TARGETS:
        for processes in args.processes:
            for kind, amount in loads_run:
                key = (label, processes, kind, amount)
                demo, large = results["demo"][key], results["large"][key]
                load = f"closed, {amount} session{'s' if amount > 1 else ''}" if kind == "closed" else \
                    f"open, {len(seekers.tokens)} sessions"
                if demo is None or large is None:
                    print(f"| {label} | {processes} | {load} | — | not routed on this branch (hook in TARGETS) "
                          "| | | | | | | | | |")
                    continue
                for name, run in (("demo", demo), ("large", large)):
                    ratio = ""
                    if name == "large" and demo.latencies and large.latencies:
                        ratio = f"{percentile(large.latencies, 95) / percentile(demo.latencies, 95):.2f}"
                    print(f"| {label} | {processes} | {load} | {name} | "
                          f"{'' if run.offered is None else f'{run.offered:g}'} | {run.achieved:.1f} | "
                          + " | ".join(f"{percentile(run.latencies, p):.1f}" if run.latencies else "—"
                                       for p in (50, 95, 99))
                          + f" | {run.errors} | {_per_request(sum(run.server_cpu.values()), run)}"
                          + _split(run) + f" | {_per_request(run.database_cpu, run)}"
                          + f" | {_per_request(run.client_cpu, run)} | {ratio} |")
    print()
    print("Server CPU: user + system time of the serving processes over the run, per request (with several "
          "processes, each one's share in brackets); PostgreSQL CPU: the same for every PostgreSQL process of this "
          "machine (whatever else uses it meanwhile counts too); client CPU: this process's asyncio client.")
    print()
    print("Plans on the large database (EXPLAIN ANALYZE of the statements each target's read sends):")
    for line in plan:
        print(line)


def _per_request(cpu_seconds: float, run: Run) -> str:
    return f"{cpu_seconds * 1000 / run.requests:.2f}" if run.requests else "—"


def _split(run: Run) -> str:
    if len(run.server_cpu) < 2:
        return ""
    total = sum(run.server_cpu.values()) or 1.0
    return " (" + "/".join(f"{100 * cpu / total:.0f}%" for cpu in run.server_cpu.values()) + ")"


if __name__ == "__main__":
    sys.exit(main())
