"""The data archive: the ``vaderSentiment==3.3.2`` source distribution on PyPI, fetched with pip, checked by sha256,
and the two files of one domain inside it (``additional_resources/hutto_ICWSM_2014.tar.gz``) parsed and checked
into a table with id, text, mean, std, ratings, n_raters. :func:`helpers.data.load` adds labels and splits and caches
the result; the data card is ``data/README.md``."""

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

from helpers.internal.downloads import DataError, pip_download, verify_sha256
from helpers.internal.paths import DATA_DIR
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
    prefix = domain_spec(domain)[0]
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
def domain_spec(domain: str) -> tuple[str, int, float]:
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
