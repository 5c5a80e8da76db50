"""Real multi-annotator sentiment data: the sentences and raw human ratings of Hutto & Gilbert (ICWSM 2014).

The data ships inside the source distribution of ``vaderSentiment==3.3.2`` on PyPI
(``additional_resources/hutto_ICWSM_2014.tar.gz``). :func:`load` obtains that file with pip, checks its sha256,
parses one domain into a tidy table, adds labels and splits, and caches the table under ``data/``; a second call
reads the cache. Data card: ``data/README.md``. Taught in notebook 01; used by notebook 04 and deep dives 04a-04c
and 05b directly, and by every other notebook but 06a through :func:`helpers.features.binary_movies`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from helpers.internal.archive import DOMAINS, domain_spec, fetch_sdist, parse_domain, read_domain_files  # noqa: F401
from helpers.internal.downloads import read_cache, write_atomically
from helpers.internal.paths import DATA_DIR
from helpers.internal.seeding import SEED
from helpers.labels import ABSTAIN, LABELS3, draw_raters, vote

NEUTRAL_BAND = 1.0  # |rating| < 1 ("less than slightly") is NEUTRAL, for a mean and for a single rating alike
SPLIT_FRACTIONS = {"train": 0.8, "dev": 0.1, "test": 0.1}
CACHE_VERSION = 2  # bump when the derived table changes, so stale caches are rebuilt


# ----------------------------------------------------------------------------------------------- labels + splits
def polarity3(x) -> np.ndarray:
    """3-class id (0 NEGATIVE, 1 NEUTRAL, 2 POSITIVE) of a rating or mean rating: |x| < 1 is NEUTRAL.

    Args:
        x: one rating or an array of ratings (or mean ratings) on the raters' scale, -4 to 4.

    Returns:
        An int array of x's shape: 0 where x <= -1, 2 where x >= 1, else 1.
    """
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
    """The tidy table of one domain, from the cache under ``data/`` when present (built and cached otherwise).

    Args:
        domain: which sentences: "movies" (the series' own), "amazon", "nyt" or "tweets".
        data_dir: folder of the cache and the downloaded archive; None means ``data/`` (``LABELING_DATA_DIR``).
        refresh: True rebuilds the table from the archive even if a cache exists.

    Returns:
        A DataFrame, one row per sentence, with columns id, text, mean, std, ratings (the raw ratings, -4..4),
        n_raters, label3, label3_id, label (binary consensus, ``ABSTAIN`` if the mean is 0), agreement (a share in
        [0, 1]), single_rating, single_label3, single_label, single_label_rating, split ("train"/"dev"/"test").
        See :func:`add_labels` and ``data/README.md`` for the rules.

    Raises:
        ValueError: for an unknown ``domain``.
    """
    _, expected, max_gt_mismatch = domain_spec(domain)
    path = cache_path(domain, data_dir)
    if path.exists() and not refresh:
        return read_cache(path, pd.read_parquet)
    sdist = fetch_sdist(data_dir)
    table = parse_domain(*read_domain_files(sdist, domain), expected_items=expected, max_gt_mismatch=max_gt_mismatch)
    df = add_splits(add_labels(table))
    write_atomically(path, lambda tmp: df.to_parquet(tmp, index=False))  # never half a cache, even with two kernels
    return pd.read_parquet(path)


def binary(df: pd.DataFrame) -> pd.DataFrame:
    """The rows usable for the binary lessons: those whose raters, on average, took a side (mean != 0).

    Args:
        df: a table from :func:`load`.

    Returns:
        The rows of ``df`` whose ``label`` is not ``ABSTAIN``, same columns, with a fresh 0..n-1 index.
    """
    return df[df["label"] != ABSTAIN].reset_index(drop=True)


def ratings_matrix(df: pd.DataFrame) -> np.ndarray:
    """Raw ratings as an (items x max raters) float array, NaN where an item had fewer raters."""
    out = np.full((len(df), int(df["n_raters"].max())), np.nan)
    for i, ratings in enumerate(df["ratings"]):
        out[i, : len(ratings)] = ratings
    return out
