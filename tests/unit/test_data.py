"""The data layer: the real movie table, its labels and splits, and the error paths of obtaining and parsing it."""

import numpy as np
import pandas as pd
import pytest

from helpers import data
from helpers.internal import archive, downloads
from helpers.labels import ABSTAIN


@pytest.fixture(scope="module")
def movies():
    return data.load("movies")


@pytest.mark.data
def test_row_and_rater_counts(movies):
    assert len(movies) == 10_605
    assert movies["id"].is_unique
    assert movies["n_raters"].min() == 15 and movies["n_raters"].max() == 29
    assert (movies["ratings"].map(len) == movies["n_raters"]).all()
    assert int(movies["n_raters"].sum()) == 198_810
    all_ratings = np.concatenate(movies["ratings"].to_numpy())
    assert all_ratings.min() == -4 and all_ratings.max() == 4


@pytest.mark.data
def test_text_is_clean(movies):
    assert movies["text"].str.len().min() > 0
    assert not movies["text"].str.contains("''", regex=False).any()  # Penn-Treebank quotes became "
    assert not movies["text"].str.contains("\r", regex=False).any()
    first = movies.loc[movies["id"] == "1", "text"].item()
    assert first.startswith('The Rock is destined to be the 21st Century\'s new "Conan"')


@pytest.mark.data
def test_label_rules(movies):
    mean = movies["mean"].to_numpy()
    assert (movies.loc[mean >= 1, "label3"] == "POSITIVE").all()
    assert (movies.loc[mean <= -1, "label3"] == "NEGATIVE").all()
    assert (movies.loc[np.abs(mean) < 1, "label3"] == "NEUTRAL").all()
    assert (movies["label3"].cat.codes == movies["label3_id"]).all()
    assert (movies.loc[mean > 0, "label"] == 1).all() and (movies.loc[mean < 0, "label"] == 0).all()
    assert (movies["label"] == ABSTAIN).sum() == 37  # mean rating exactly 0
    assert len(data.binary(movies)) == 10_568
    assert movies["agreement"].between(0, 1).all() and movies["agreement"].mean() > 0.7


@pytest.mark.data
def test_single_rater_label_is_one_of_the_real_ratings(movies):
    assert all(s in r for s, r in zip(movies["single_rating"], movies["ratings"]))
    assert (movies["single_label3"] == data.polarity3(movies["single_rating"])).all()
    took_side = movies["single_rating"] != 0
    assert (movies.loc[took_side, "single_label"] == (movies.loc[took_side, "single_rating"] > 0)).all()
    sided = movies["single_label"] != ABSTAIN
    assert (movies.loc[sided, "single_label"] == (movies.loc[sided, "single_label_rating"] > 0)).all()
    assert (movies.loc[took_side, "single_label_rating"] == movies.loc[took_side, "single_rating"]).all()
    noisy = data.binary(movies)
    disagree = (noisy["single_label"] != noisy["label"]).mean()
    assert 0.05 < disagree < 0.30  # a single real rater is a noisy annotator


@pytest.mark.data
def test_splits_are_fixed_sized_and_stratified(movies):
    sizes = movies["split"].value_counts()
    assert sizes["train"] == 8_484 and sizes["dev"] == 1_060 and sizes["test"] == 1_061
    overall = movies["label3"].value_counts(normalize=True)
    for name in ("train", "dev", "test"):
        share = movies.loc[movies["split"] == name, "label3"].value_counts(normalize=True)
        assert (share - overall).abs().max() < 0.005
    again = data.add_splits(data.add_labels(movies.drop(columns=["split"])))
    assert (again["split"] == movies["split"]).all()  # seeded: the same every time


@pytest.mark.data
def test_other_domains_parse():
    for domain, (_, n, _) in data.DOMAINS.items():
        df = data.load(domain)
        assert len(df) == n and df["n_raters"].min() >= 7


@pytest.mark.data
def test_cache_is_reused(movies, monkeypatch):
    path = data.cache_path("movies")
    assert path.exists()
    before = path.stat().st_mtime_ns

    def no_download(*args, **kwargs):
        raise AssertionError("a cache hit must not fetch or parse the sdist")

    monkeypatch.setattr(data, "fetch_sdist", no_download)
    again = data.load("movies")
    assert path.stat().st_mtime_ns == before
    pd.testing.assert_frame_equal(again, movies)


@pytest.mark.data
def test_ratings_matrix_pads_with_nan(movies):
    m = data.ratings_matrix(movies.head(3))
    assert m.shape == (3, movies.head(3)["n_raters"].max())
    assert np.isnan(m).sum() == m.size - movies.head(3)["n_raters"].sum()


# ----------------------------------------------------------------------------------------------- error paths
def test_checksum_mismatch_is_a_clear_error_and_keeps_the_file(tmp_path):
    bogus = tmp_path / archive.SDIST_NAME
    bogus.write_bytes(b"not the real archive")
    with pytest.raises(archive.DataError, match="(?s)checksum mismatch.*expected sha256 5d7c06e0"):
        archive.fetch_sdist(tmp_path)
    assert bogus.read_bytes() == b"not the real archive"


def test_no_index_is_a_clear_error(tmp_path):
    with pytest.raises(archive.DataError, match="pip could not download"):
        archive.fetch_sdist(tmp_path, pip_args=("--no-index",))
    assert not (tmp_path / archive.SDIST_NAME).exists()


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(archive.DataError, match="does not exist"):
        downloads.verify_sha256(tmp_path / "nothing.tar.gz")


def test_unknown_domain():
    with pytest.raises(ValueError, match="unknown domain"):
        data.load("imdb")


GT = "1\t1.5\tA ''fine'' film.\r\n2\t-2.0\tDull.\r\n"
RT = "1\t1.5\t0.5\t[1, 2]\r\n2\t-2.0\t0.0\t[-2, -2]\r\n"


def test_parse_small_example():
    df = archive.parse_domain(GT, RT, expected_items=2)
    assert df["text"].tolist() == ['A "fine" film.', "Dull."]
    assert df["n_raters"].tolist() == [2, 2]


@pytest.mark.parametrize("gt, rt, message", [
    (GT, RT.replace("[1, 2]", "[1, 2"), "does not parse"),
    (GT, RT.replace("[1, 2]", "[1, 9]"), "integers in -4..4"),
    (GT, RT.replace("1\t1.5\t0.5", "3\t1.5\t0.5"), "do not join"),
    (GT, RT.replace("0.5\t", "0.9\t"), "do not match"),
    (GT.replace("1\t1.5\t", "1 1.5 "), RT, "expected 3 tab-separated fields"),
    (GT + GT, RT, "duplicated ids"),
])
def test_malformed_files_are_clear_errors(gt, rt, message):
    with pytest.raises(archive.DataError, match=message):
        archive.parse_domain(gt, rt)


def test_wrong_item_count():
    with pytest.raises(archive.DataError, match="expected 3 items, parsed 2"):
        archive.parse_domain(GT, RT, expected_items=3)


def test_a_corrupt_table_cache_names_the_file_and_the_fix(tmp_path):
    path = data.cache_path("movies", tmp_path)
    path.write_bytes(b"PAR1 not really a parquet file")
    with pytest.raises(archive.DataError, match=rf"{path.name} is unreadable .*delete it and run again"):
        data.load("movies", data_dir=tmp_path)
