"""Time a simulated year of the scheduler on the demo world, this tree against a baseline tree in the same run.

The demo world is built once (``bangfu demo --no-simulate`` of this tree) and copied for every run, so both
trees start from the same data. Each run is a child process (``PYTHONPATH`` set to its tree) that simulates the
year as ``bangfu demo`` does (the service jobs) or as ``bangfu jobs simulate`` does (every job, re-matching and
claim evaluation included). The baseline tree is a git commit extracted with ``git archive``. After the runs
the final states are compared table by table (pushes, offers, outbox, inbox, delivery log, job runs, matches,
job losses): an optimisation must leave exactly the state the baseline leaves.

    .venv/bin/python benchmarks/bench_simulate_year.py [--baseline REF] [--jobs service|all|both]
        [--workers 2000] [--posts 200] [--year 2025]

Without ``--baseline`` only this tree is timed.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Run inside the child: the year as the demo (service jobs) or ``jobs simulate`` (every job) runs it.
DRIVER = """
import datetime as dt, json, sys, time
from web import create_app
from web.cli_support import runtime
from scheduler.definitions import SERVICE_JOBS
from scheduler.runner import simulate
mode, year = sys.argv[1], int(sys.argv[2])
with create_app().app_context():
    rt = runtime()
    began = time.perf_counter()
    result = simulate(db=rt.db, vault=rt.vault, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31),
                      only=SERVICE_JOBS if mode == "service" else None)
    print(json.dumps({"seconds": time.perf_counter() - began, **result.as_dict()}))
"""

#: Tables of the final state, compared column by column (attachments by their cells).
STATE_TABLES = ("push", "push_post", "outbox_message", "inbox_message", "delivery_attempt", "job_run", "match",
                "job_loss", "placement", "post")
#: Row timestamps written with the real clock (not the simulated one): they differ between any two runs.
WALL_CLOCK_COLUMNS = {"updated_at", "match.created_at", "job_loss.created_at"}


def _run(tree: Path, instance: Path, mode: str, year: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree), "BANGFU_INSTANCE_PATH": str(instance)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", DRIVER, mode, str(year)], env=env, cwd=tree,
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"run failed in {tree}:\n{done.stderr[-3000:]}")
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    summary["wall"] = wall
    summary["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return summary


def _cells(blob: bytes) -> str:
    """An xlsx attachment by its cell values (the file itself carries the time it was written)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(blob), read_only=True)
    text = repr([[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets])
    return hashlib.sha256(text.encode()).hexdigest()


def fingerprint(database: Path) -> dict[str, tuple[int, str]]:
    """(rows, digest) per table of the final state."""
    connection = sqlite3.connect(database)
    result = {}
    for table in STATE_TABLES:
        digest = hashlib.sha256()
        rows = 0
        columns = [name for _cid, name, *_ in connection.execute(f'PRAGMA table_info("{table}")')
                   if name not in WALL_CLOCK_COLUMNS and f"{table}.{name}" not in WALL_CLOCK_COLUMNS]
        listed = ", ".join(f'"{name}"' for name in columns)
        for row in connection.execute(f'SELECT {listed} FROM "{table}" ORDER BY id'):  # noqa: S608 - fixed names
            values = [_cells(v) if isinstance(v, bytes) and v[:2] == b"PK" else v for v in row]
            digest.update(repr(values).encode())
            rows += 1
        result[table] = (rows, digest.hexdigest()[:16])
    connection.close()
    return result


def _baseline_tree(ref: str, folder: Path) -> Path:
    tree = folder / "baseline-tree"
    tree.mkdir()
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=None, help="git commit of the baseline tree")
    parser.add_argument("--jobs", choices=("service", "all", "both"), default="both")
    parser.add_argument("--workers", type=int, default=2000)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--year", type=int, default=2025)
    args = parser.parse_args(argv)
    modes = ("service", "all") if args.jobs == "both" else (args.jobs,)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        world = folder / "world"
        world.mkdir()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "BANGFU_INSTANCE_PATH": str(world)}
        subprocess.run([sys.executable, "-m", "web.cli", "demo", "--workers", str(args.workers), "--posts",
                        str(args.posts), "--no-simulate", "--format", "json"], env=env, cwd=ROOT,
                       capture_output=True, check=True)
        # This tree is copied too, so that editing it while the benchmark runs changes nothing.
        this = folder / "this-tree"
        shutil.copytree(ROOT, this, ignore=shutil.ignore_patterns(".git", "__pycache__", ".venv", "instance"))
        trees = {"this tree": this}
        if args.baseline:
            trees = {f"baseline {args.baseline}": _baseline_tree(args.baseline, folder), **trees}
        rows = []
        for mode in modes:
            states = {}
            results = {}
            for label, tree in trees.items():
                instance = folder / f"{mode}-{len(results)}"
                instance.mkdir()
                for member in ("bangfu.sqlite3", "secret.key"):
                    shutil.copy2(world / member, instance / member)
                print(f"… {mode}: {label}", file=sys.stderr, flush=True)
                results[label] = _run(tree, instance, mode, args.year)
                states[label] = fingerprint(instance / "bangfu.sqlite3")
            base = results.get(f"baseline {args.baseline}") if args.baseline else None
            for label, summary in results.items():
                ratio = f"{base['seconds'] / summary['seconds']:.1f}× faster" if base and summary is not base else "-"
                rows.append((mode, label, summary["runs"], summary["delivery"]["sent"], summary["seconds"],
                             summary["wall"], summary["cpu"], ratio))
            if base:
                labels = list(states)
                differing = [t for t in STATE_TABLES if states[labels[0]][t] != states[labels[1]][t]]
                print(f"{mode}: final state {'identical' if not differing else 'DIFFERS in ' + ', '.join(differing)}"
                      f" ({', '.join(f'{t} {states[labels[1]][t][0]}' for t in STATE_TABLES)} rows)")
    print(f"\nDemo world: {args.workers} workers, {args.posts} posts; year {args.year}\n")
    print("| jobs | tree | runs | messages sent | simulate s | process wall s | process CPU s | ratio |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for mode, label, runs, sent, seconds, wall, cpu, ratio in rows:
        print(f"| {mode} | {label} | {runs} | {sent} | {seconds:.1f} | {wall:.1f} | {cpu:.1f} | {ratio} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
