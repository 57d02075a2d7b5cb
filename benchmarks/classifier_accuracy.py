"""Top-1 accuracy of the occupation classifier vs nearest occupation name by plain fuzz.ratio.

    python benchmarks/classifier_accuracy.py [LABELLED.csv]

Prints one table (method | count | correct | accuracy) on ``tests/matching/data/labelled_titles.csv`` by
default, then the time to classify 10^5 distinct titles.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matching.evaluation import evaluate, load_labelled  # noqa: E402
from matching.occupations import classify_many  # noqa: E402


def distinct_titles(rows: list[tuple[str, str]], n: int, seed: int = 1) -> list[str]:
    """``n`` distinct job-board-like strings made from the labelled titles plus noise and numbers."""
    rng = random.Random(seed)
    noise = ["", "包吃住", "急招", "双休", "五险一金", "长白班", "日结", "计件", "月入过万", "18-45岁"]
    out: set[str] = set()
    while len(out) < n:
        title, _ = rng.choice(rows)
        out.add(f"{rng.choice(noise)}{title} {rng.choice(noise)} {rng.randint(3, 12)}千 {rng.randint(1, 999)}号")
    return sorted(out)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "matching" / "data" / "labelled_titles.csv"
    rows = load_labelled(path)
    results = evaluate(rows)
    print(f"# occupation classifier on {path.name}")
    print("| method | count | correct | accuracy |")
    print("|---|---:|---:|---:|")
    for r in results:
        print(f"| {r.method} | {r.count} | {r.correct} | {r.accuracy * 100:.1f}% |")
    titles = distinct_titles(rows, 100_000)
    start = time.perf_counter()
    classify_many(titles)
    print(f"\nclassify_many on {len(titles):,} distinct titles: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
