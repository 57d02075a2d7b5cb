"""Accuracy of the occupation classifier on a labelled set, against a plain-similarity baseline.

Used by ``benchmarks/classifier_accuracy.py`` and by the accuracy floor test.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from matching.normalise import clean, normalise_title
from matching.occupations import classify_many, occupations

__all__ = ["Accuracy", "baseline_nearest_name", "evaluate", "load_labelled"]


@dataclass(frozen=True, slots=True)
class Accuracy:
    """Top-1 accuracy of one method on a labelled set."""

    method: str
    count: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.count if self.count else 0.0


def load_labelled(path: str | Path) -> list[tuple[str, str]]:
    """Rows ``(title, code)`` of a labelled CSV with a ``title,code`` header."""
    with open(path, encoding="utf-8", newline="") as fh:
        return [(row["title"], row["code"]) for row in csv.DictReader(fh)]


def baseline_nearest_name(titles: Sequence[str], *, normalised: bool = False) -> list[str]:
    """The code of the occupation whose name is nearest by plain ``fuzz.ratio`` (all levels of the table).

    With ``normalised`` the titles are first reduced to their core text, which makes the baseline stronger.
    """
    table = occupations()
    codes = list(table)
    names = [clean(table[c].name) for c in codes]
    queries = [normalise_title(t).core if normalised else clean(t) for t in titles]
    scores = process.cdist(queries, names, scorer=fuzz.ratio, processor=None, score_cutoff=0, workers=-1,
                           dtype=np.uint8)
    return [codes[i] for i in scores.argmax(axis=1)]


def evaluate(rows: Sequence[tuple[str, str]]) -> list[Accuracy]:
    """Accuracy of the classifier and of the two baselines on ``rows``."""
    titles = [t for t, _ in rows]
    gold = [c for _, c in rows]
    ours = [c.code if c else "" for c in classify_many(titles)]
    results = [("本项目分类器 classify()", ours),
               ("基线：原始标题与职业名称 fuzz.ratio 最近", baseline_nearest_name(titles)),
               ("基线：规范化后与职业名称 fuzz.ratio 最近", baseline_nearest_name(titles, normalised=True))]
    return [Accuracy(name, len(gold), sum(p == g for p, g in zip(pred, gold, strict=True)))
            for name, pred in results]
