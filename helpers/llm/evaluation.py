"""Judging a labeler on the real sentences: the clear items it is scored on, accuracy and AUROC, how well its
confidence separates right from wrong, the reliability table, routing by confidence, and the lecture's spot
check. Taught in notebook 04; used by deep dives 04a-04c.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from helpers.labels import confidence
from helpers.validate import choice


def accuracy_coverage(proba: np.ndarray, y: np.ndarray, thresholds=None) -> pd.DataFrame:
    """For each confidence threshold: the share the LLM keeps and its accuracy there (the rest goes to humans).

    Args:
        proba: the LLM's P(positive) per item, shares in [0, 1], shape (n,).
        y: the true binary labels (0/1), shape (n,).
        thresholds: the confidence thresholds, max(P, 1 - P) in [0.5, 1]; None means 50 from 0.50 to 0.99.

    Returns:
        A DataFrame, one row per threshold: threshold, coverage (the share of items kept, in [0, 1]) and accuracy
        (on the kept items; NaN where none is kept).
    """
    thresholds = np.linspace(0.5, 0.99, 50) if thresholds is None else thresholds
    conf = confidence(proba)
    right = (proba > 0.5) == y
    rows = [{"threshold": t, "coverage": (conf >= t).mean(),
             "accuracy": right[conf >= t].mean() if (conf >= t).any() else np.nan} for t in thresholds]
    return pd.DataFrame(rows)


def hybrid_labeling(proba: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """The lecture's routing: items whose LLM confidence is at least ``threshold`` keep the LLM label, the rest
    go to the human queue.

    Args:
        proba: the LLM's P(positive) per item, shares in [0, 1], shape (n,).
        threshold: the least confidence, max(P, 1 - P), at which the LLM's label is kept (0.5 to 1).

    Returns:
        ``(kept, human)``: two sorted int arrays of item positions that together cover all n items.
    """
    conf = confidence(proba)
    return np.flatnonzero(conf >= threshold), np.flatnonzero(conf < threshold)


# --- evaluation on the real sentences -----------------------------------------------------------------------------

CLEAR = 0.5  # |mean rating| at or above which the raters clearly took a side


def clear_items(df: pd.DataFrame, split: str, n: int | None = None, seed: int = 0, exclude=()) -> pd.DataFrame:
    """Binary sentences of one split whose raters clearly took a side (|mean| >= ``CLEAR``), optionally a sample.

    Args:
        df: the movie table, ``data.load()``.
        split: "train", "dev" or "test".
        n: how many to sample; None (or n at least their number) for all of them.
        seed: seed of the sample.
        exclude: ids of items to leave out (e.g. the prompt's shots).

    Returns:
        The rows of ``df`` chosen, same columns and index (in table order when all are taken).

    Raises:
        ValueError: for an unknown ``split``.
    """
    choice(split, ("train", "dev", "test"), "split")
    items = df[(df["split"] == split) & (df["mean"].abs() >= CLEAR) & (df["label"] >= 0)
               & ~df["id"].isin(list(exclude))]
    return items if n is None or n >= len(items) else items.sample(n, random_state=seed)


def score_quality(proba: np.ndarray, y: np.ndarray) -> dict:
    """Accuracy at P = 0.5 and AUROC of P(positive) against the raters' consensus.

    Args:
        proba: P(positive) per item, shares in [0, 1], shape (n,).
        y: the consensus binary labels (0/1), shape (n,), both classes present (AUROC needs them).

    Returns:
        ``{"accuracy": float, "auroc": float}``, both in [0, 1].
    """
    from sklearn.metrics import roc_auc_score
    return {"accuracy": float(((proba > 0.5) == y).mean()), "auroc": float(roc_auc_score(y, proba))}


def confidence_auroc(confidence: np.ndarray, correct: np.ndarray) -> float:
    """How well a confidence separates right labels from wrong ones (0.5 = not at all).

    Args:
        confidence: a confidence per item (any scale where higher means surer); NaN items are left out.
        correct: per item, whether its label was right (bool or 0/1), shape of ``confidence``.

    Returns:
        The AUROC of ``confidence`` for right versus wrong, in [0, 1]; NaN if all kept labels are right (or wrong).
    """
    from sklearn.metrics import roc_auc_score
    ok = ~np.isnan(confidence)
    if len(set(correct[ok])) < 2:
        return math.nan
    return float(roc_auc_score(correct[ok], confidence[ok]))


def reliability(confidence: np.ndarray, correct: np.ndarray, bins: int = 5) -> pd.DataFrame:
    """Reliability table: per confidence bin, the mean stated confidence, the observed accuracy and the count.

    Args:
        confidence: the stated confidence per item, in [0.5, 1] (one below 0.5 goes to the first bin); NaN left out.
        correct: per item, whether its label was right (bool or 0/1), shape of ``confidence``.
        bins: how many equal-width bins over [0.5, 1].

    Returns:
        A DataFrame, one row per non-empty bin: confidence (its mean), accuracy (the share right) and n.
    """
    ok = ~np.isnan(confidence)
    conf, right = confidence[ok], correct[ok].astype(float)
    # equal bins over [0.5, 1]; a confidence below 0.5 goes to the first
    which = np.clip(((conf - 0.5) / 0.5 * bins).astype(int), 0, bins - 1)
    rows = [{"confidence": conf[which == b].mean(), "accuracy": right[which == b].mean(), "n": int((which == b).sum())}
            for b in range(bins) if (which == b).any()]
    return pd.DataFrame(rows)


def validate_llm_labels(llm_labels: np.ndarray, human_labels: np.ndarray, sample_size: int = 50,
                        seed: int = 0) -> tuple[float, np.ndarray]:
    """The lecture's spot check without ``input()``: a random sample of LLM labels is compared with what a
    human said about the same items (here one real rater per item).

    Args:
        llm_labels: the LLM's label per item, shape (n,).
        human_labels: a human's label for the same items, shape (n,).
        sample_size: how many items to check, drawn without replacement.
        seed: seed of the draw.

    Returns:
        ``(agreement, idx)``: the share of sampled items where the two agree, in [0, 1], and the sorted positions
        sampled.

    Raises:
        ValueError: if the two label arrays differ in shape, or ``sample_size`` exceeds the number of labels.
    """
    llm_labels, human_labels = np.asarray(llm_labels), np.asarray(human_labels)
    if llm_labels.shape != human_labels.shape:
        raise ValueError(f"{llm_labels.shape[0]} LLM labels but {human_labels.shape[0]} human labels.")
    if sample_size > len(llm_labels):
        raise ValueError(f"Cannot sample {sample_size} of {len(llm_labels)} labels.")
    idx = np.sort(np.random.default_rng(seed).choice(len(llm_labels), sample_size, replace=False))
    return float((llm_labels[idx] == human_labels[idx]).mean()), idx
