"""Benchmark: hostile and broken list files against the reader's limits — time and peak memory of each.

Each file of issue 13's findings is generated here (small generators, the same as the tests use) and read in
a fresh subprocess, so that its peak resident memory (``ru_maxrss``) is its own. The "before" figures are the
ones measured on the old reader and recorded in the issue (re-running them here would take ~10 GB and half
an hour); the ratio column compares them with "after", measured in this run.

    .venv/bin/python benchmarks/bench_bombs.py [--quick]

``--quick`` shrinks every file tenfold (for a smoke run; the "before" figures then do not apply).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.jobs.lists.bombs import (  # noqa: E402 - the generators live with the tests
    broken_at,
    far_column_rows,
    many_shared_strings,
    shared_string_bomb,
)
from tests.jobs.lists.gallery import generated_people  # noqa: E402

# (seconds, MB) measured on the old reader (issue 13, "Spreadsheet bombs"); None where the issue gives none.
BEFORE = {
    "shared_string_300MB": (77.0, 10_600.0),
    "xfd_100k_rows": (84.0, None),
    "shared_strings_5M": (None, 943.0),
    "broken_at_row_2000": (None, None),
    "csv_131073_field": (None, None),
}

_READ = """
import json, sys, time
from jobs.lists.reading import NotAList, open_list
started = time.perf_counter()
outcome = "read"
try:
    with open_list(sys.argv[1], "demand") as source:
        rows = sum(1 for _ in source.data_rows())
    outcome = f"read {rows} rows"
except NotAList as error:
    outcome = error.message
# VmHWM is this process's own peak (ru_maxrss would include the parent's peak, inherited at fork).
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({"seconds": time.perf_counter() - started, "mb": peak / 1024, "outcome": outcome},
                 ensure_ascii=False))
"""


def build(folder: Path, scale: int) -> dict[str, Path]:
    people = generated_people(1_500)
    csv_path = folder / "wide.csv"
    with csv_path.open("w", encoding="utf-8") as handle:
        handle.write("姓名,身份证号,户籍地,人员类别\n")
        for index, (name, number) in enumerate(people[:1_500 // scale]):
            place = "宁" * 131_073 if index == 1_200 // scale else "宁乡市"
            handle.write(f"{name},{number},{place},脱贫人口\n")
    return {
        "shared_string_300MB": shared_string_bomb(folder / "bomb.xlsx", (300 << 20) // scale),
        "xfd_100k_rows": far_column_rows(folder / "xfd.xlsx", 100_000 // scale),
        "shared_strings_5M": many_shared_strings(folder / "strings.xlsx", 5_000_000 // scale),
        "broken_at_row_2000": broken_at(folder / "broken.xlsx", people, 3_000 // scale, 2_000 // scale),
        "csv_131073_field": csv_path,
    }


def measure(path: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", _READ, str(path)], capture_output=True, text=True, cwd=ROOT,
                          timeout=600, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _figure(value: float | None, unit: str) -> str:
    return "—" if value is None else f"{value:,.1f} {unit}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="files ten times smaller")
    scale = 10 if parser.parse_args().quick else 1
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        files = build(Path(folder), scale)
        print(f"generated {len(files)} files in {time.perf_counter() - started:.1f} s")
        print(f"{'file':<22}{'size':>10}  {'before':>20}  {'after':>20}  {'time ratio':>10}  outcome")
        for name, path in files.items():
            after = measure(path)
            before_s, before_mb = BEFORE[name] if scale == 1 else (None, None)
            ratio = f"{before_s / after['seconds']:,.0f}×" if before_s else "—"
            before = f"{_figure(before_s, 's')} {_figure(before_mb, 'MB')}"
            now = f"{after['seconds']:.2f} s {after['mb']:,.0f} MB"
            print(f"{name:<22}{path.stat().st_size / 1024:>8,.0f}KB  {before:>20}  {now:>20}  {ratio:>10}  "
                  f"{after['outcome'][:70]}")


if __name__ == "__main__":
    main()
