"""Real multi-annotator sentiment data: the sentences and raw human ratings of Hutto & Gilbert (ICWSM 2014).

The data ships inside the source distribution of ``vaderSentiment==3.3.2`` on PyPI
(``additional_resources/hutto_ICWSM_2014.tar.gz``). :func:`load` obtains that file with pip, checks its sha256,
parses one domain into a tidy table, adds labels and splits, and caches the table under ``data/``; a second call
reads the cache. Data card: ``data/README.md``. Taught in notebook 01; used by every notebook.
"""

from __future__ import annotations

import io
import json
import os
import re
import tarfile
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from helpers.downloads import DATA_DIR, DataError, pip_download, read_cache, verify_sha256, write_atomically
from helpers.labels import ABSTAIN, LABELS3, draw_raters, vote
from helpers.seeding import SEED
from helpers.validate import choice

SDIST_NAME = "vaderSentiment-3.3.2.tar.gz"
INNER_ARCHIVE = "vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz"

# domain name -> (file prefix inside the archive, number of items its README announces, share of items whose
# ground-truth mean may differ from the mean of their raw ratings: 0 except for the tweets, where 199 of 4,200
# items (4.7%) list a mean that is not their ratings' mean; the table always uses the ratings' own mean)
DOMAINS = {
    "movies": ("movieReviewSnippets", 10_605, 0.0),
    "amazon": ("amazonReviewSnippets", 3_708, 0.0),
    "nyt": ("nytEditorialSnippets", 5_190, 0.0),
    "tweets": ("tweets", 4_200, 0.05),
}
NEUTRAL_BAND = 1.0  # |rating| < 1 ("less than slightly") is NEUTRAL, for a mean and for a single rating alike
SPLIT_FRACTIONS = {"train": 0.8, "dev": 0.1, "test": 0.1}
CACHE_VERSION = 2  # bump when the derived table changes, so stale caches are rebuilt


# ----------------------------------------------------------------------------------------------- obtain + verify
def fetch_sdist(data_dir: Path | None = None, pip_args: tuple[str, ...] = ()) -> Path:
    """Return the verified vaderSentiment 3.3.2 sdist, downloading it with pip into ``data_dir`` if missing.

    A copy placed there by hand (for a machine without a package index) is used as is, after the checksum check.
    """
    data_dir = Path(data_dir or DATA_DIR)
    target = data_dir / SDIST_NAME
    fix = "Delete it and run `make data` again to download a fresh copy of the vaderSentiment 3.3.2 sdist."
    if target.exists():
        return verify_sha256(target, fix=fix)
    data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=data_dir, prefix=".fetch-") as tmp:
        try:
            downloaded = pip_download("vaderSentiment==3.3.2", Path(tmp), "--no-binary", ":all:", *pip_args)
        except DataError as e:
            raise DataError(f"{e}\nAlternatively put {SDIST_NAME} into {data_dir} by hand.") from None
        verify_sha256(downloaded, fix=fix)
        os.replace(downloaded, target)
    return target


def read_domain_files(sdist: Path, domain: str = "movies") -> tuple[str, str]:
    """Return the text of ``<prefix>_GroundTruth.txt`` and ``<prefix>_anonDataRatings.txt`` from the sdist."""
    prefix = _domain(domain)[0]
    with tarfile.open(sdist) as outer:
        inner_bytes = outer.extractfile(INNER_ARCHIVE).read()
    texts = []
    with tarfile.open(fileobj=io.BytesIO(inner_bytes)) as inner:
        for suffix in ("GroundTruth", "anonDataRatings"):
            name = f"hutto_ICWSM_2014/{prefix}_{suffix}.txt"
            try:
                raw = inner.extractfile(name).read()
            except KeyError:
                raise DataError(f"{name} is missing from {INNER_ARCHIVE}") from None
            texts.append(raw.decode("utf-8-sig"))  # the Amazon files start with a byte-order mark
    return texts[0], texts[1]


# ----------------------------------------------------------------------------------------------- parse + check
def _domain(domain: str) -> tuple[str, int, float]:
    return DOMAINS[choice(domain, DOMAINS, "domain")]


def _rows(text: str, n_fields: int, what: str) -> list[list[str]]:
    rows = []
    for lineno, line in enumerate(re.split(r"\r?\n", text), start=1):
        if not line.strip():
            continue
        fields = line.split("\t", n_fields - 1)
        if len(fields) != n_fields:
            raise DataError(f"{what}, line {lineno}: expected {n_fields} tab-separated fields, got {line[:80]!r}")
        rows.append(fields)
    return rows


def parse_domain(ground_truth: str, ratings: str, expected_items: int | None = None,
                 max_gt_mismatch: float = 0.0) -> pd.DataFrame:
    """Parse the two files of one domain into a table with id, text, mean, std, ratings, n_raters.

    Checks that every id joins, every rating list parses to integers in -4..4, the mean and standard deviation
    listed with the ratings match them, at most ``max_gt_mismatch`` of the items have a ground-truth mean that
    differs from their ratings' mean, and (if given) the item count is what the data set's README announces.
    """
    gt = pd.DataFrame(_rows(ground_truth, 3, "ground truth"), columns=["id", "gt_mean", "text"])
    rt = pd.DataFrame(_rows(ratings, 4, "ratings"), columns=["id", "mean", "std", "ratings"])
    for table, name in ((gt, "ground truth"), (rt, "ratings")):
        if table["id"].duplicated().any():
            raise DataError(f"{name}: duplicated ids {table['id'][table['id'].duplicated()].tolist()[:5]}")
    if set(gt["id"]) != set(rt["id"]):
        only = sorted(set(gt["id"]) ^ set(rt["id"]))[:5]
        raise DataError(f"ids do not join between the two files, e.g. {only}")

    def parse_list(s: str, item: str) -> list[int]:
        try:
            values = json.loads(s)
        except json.JSONDecodeError:
            raise DataError(f"item {item}: rating list does not parse: {s[:80]!r}") from None
        if not values or not all(isinstance(v, int) and -4 <= v <= 4 for v in values):
            raise DataError(f"item {item}: ratings must be integers in -4..4, got {s[:80]!r}")
        return values

    df = gt.merge(rt, on="id", validate="one_to_one")
    df["ratings"] = [parse_list(s, i) for s, i in zip(df["ratings"], df["id"])]
    df["n_raters"] = df["ratings"].map(len)
    for col in ("gt_mean", "mean", "std"):
        df[col] = df[col].astype(float)
    recomputed_mean = df["ratings"].map(np.mean)
    recomputed_std = df["ratings"].map(np.std)  # the files list the population standard deviation
    bad = (recomputed_mean - df["mean"]).abs().gt(1e-5) | (recomputed_std - df["std"]).abs().gt(1e-4)
    if bad.any():
        raise DataError(f"listed mean/std do not match the ratings for ids {df['id'][bad].tolist()[:5]}")
    gt_off = (df["gt_mean"] - recomputed_mean).abs().gt(1e-5)
    if gt_off.mean() > max_gt_mismatch:
        raise DataError(f"{gt_off.sum()} ground-truth means differ from the ratings' mean "
                        f"(allowed: {max_gt_mismatch:.0%}), e.g. ids {df['id'][gt_off].tolist()[:5]}")
    if expected_items is not None and len(df) != expected_items:
        raise DataError(f"expected {expected_items} items, parsed {len(df)}")
    df["mean"], df["std"] = recomputed_mean, recomputed_std
    # The sentences were tokenized with Penn-Treebank quotes: ''Conan'' stands for "Conan".
    df["text"] = df["text"].str.replace("''", '"', regex=False).str.strip()
    return df.drop(columns="gt_mean")[["id", "text", "mean", "std", "ratings", "n_raters"]]


# ----------------------------------------------------------------------------------------------- labels + splits
def polarity3(x) -> np.ndarray:
    """3-class id (0 NEGATIVE, 1 NEUTRAL, 2 POSITIVE) of a rating or mean rating: |x| < 1 is NEUTRAL."""
    x = np.asarray(x, dtype=float)
    return np.where(x <= -NEUTRAL_BAND, 0, np.where(x >= NEUTRAL_BAND, 2, 1))


def add_labels(df: pd.DataFrame, seed: int = SEED) -> pd.DataFrame:
    """Add the consensus labels, the per-item agreement and a seeded single-rater ("tired annotator") label.

    - ``label3`` / ``label3_id``: 3-class consensus from the mean rating (|mean| < 1 is NEUTRAL).
    - ``label``: binary consensus, 1 if the mean rating is above 0, 0 if below, ``ABSTAIN`` (-1) if exactly 0.
    - ``agreement``: share of the item's raters whose rating has the sign of the mean (on the consensus side).
    - ``single_rating``: the rating of one rater drawn at random per item (``labels.draw_raters``, seeded);
      ``single_label3`` its 3-class label by the same rule as the consensus;
      ``single_label``: binary label of that rater, or, if that rater said 0, of the next rater in the same
      random order who took a side (a binary task has no "neutral" button); ``single_label_rating`` that
      rater's rating (how strongly they felt: an annotator's own confidence).
    """
    df = df.copy()
    mean = df["mean"].to_numpy()
    df["label3_id"] = polarity3(mean)
    df["label3"] = pd.Categorical.from_codes(df["label3_id"], categories=list(LABELS3))
    df["label"] = vote(mean)
    df["agreement"] = [np.mean(np.sign(r) == np.sign(m)) for r, m in zip(df["ratings"], mean)]
    single = draw_raters(df["ratings"], 1, seed)[:, 0]  # the same seed: the same random order of raters, so
    sided = draw_raters(df["ratings"], 1, seed, sided=True)[:, 0]  # the first rater who took a side in it
    df["single_rating"] = single.astype(int)
    df["single_label3"] = polarity3(single)
    df["single_label"] = vote(sided)
    df["single_label_rating"] = np.nan_to_num(sided).astype(int)
    return df


def add_splits(df: pd.DataFrame, seed: int = SEED) -> pd.DataFrame:
    """Add a ``split`` column: 80/10/10 train/dev/test, stratified on the 3-class label and the side of the mean
    together (the few items with a mean of exactly 0 go with the negative side)."""
    df = df.copy()
    strata = df["label3"].astype(str) + "/" + (df["mean"] > 0).astype(str)
    idx = np.arange(len(df))
    train, rest = train_test_split(idx, train_size=SPLIT_FRACTIONS["train"], stratify=strata, random_state=seed)
    dev, test = train_test_split(rest, test_size=0.5, stratify=strata.iloc[rest], random_state=seed)
    split = np.empty(len(df), dtype=object)
    split[train], split[dev], split[test] = "train", "dev", "test"
    df["split"] = pd.Categorical(split, categories=list(SPLIT_FRACTIONS))
    return df


# ----------------------------------------------------------------------------------------------- the loader
def cache_path(domain: str = "movies", data_dir: Path | None = None) -> Path:
    return Path(data_dir or DATA_DIR) / f"{domain}-v{CACHE_VERSION}.parquet"


def load(domain: str = "movies", data_dir: Path | None = None, refresh: bool = False) -> pd.DataFrame:
    """The tidy table of one domain (``movies`` by default), from the cache under ``data/`` when present.

    One row per sentence: id, text, mean, std, ratings, n_raters, label3, label3_id, label, agreement,
    single_rating, single_label3, single_label, single_label_rating, split. See ``data/README.md`` for the rules.
    """
    _, expected, max_gt_mismatch = _domain(domain)
    path = cache_path(domain, data_dir)
    if path.exists() and not refresh:
        return read_cache(path, pd.read_parquet)
    sdist = fetch_sdist(data_dir)
    table = parse_domain(*read_domain_files(sdist, domain), expected_items=expected, max_gt_mismatch=max_gt_mismatch)
    df = add_splits(add_labels(table))
    write_atomically(path, lambda tmp: df.to_parquet(tmp, index=False))  # never half a cache, even with two kernels
    return pd.read_parquet(path)


def binary(df: pd.DataFrame) -> pd.DataFrame:
    """The rows usable for the binary lessons: those whose raters, on average, took a side (mean != 0)."""
    return df[df["label"] != ABSTAIN].reset_index(drop=True)


def ratings_matrix(df: pd.DataFrame) -> np.ndarray:
    """Raw ratings as an (items x max raters) float array, NaN where an item had fewer raters."""
    out = np.full((len(df), int(df["n_raters"].max())), np.nan)
    for i, ratings in enumerate(df["ratings"]):
        out[i, : len(ratings)] = ratings
    return out
