"""Judging a labeler on the real sentences: the clear items it is scored on, accuracy and AUROC, how well its
confidence separates right from wrong, the reliability table, routing by confidence, and the lecture's spot
check."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from helpers.labels import confidence
from helpers.validate import choice


def accuracy_coverage(proba: np.ndarray, y: np.ndarray, thresholds=None) -> pd.DataFrame:
    """For each confidence threshold (default: 50 from 0.50 to 0.99): the share the LLM keeps and its accuracy
    there (the rest goes to humans)."""
    thresholds = np.linspace(0.5, 0.99, 50) if thresholds is None else thresholds
    conf = confidence(proba)
    right = (proba > 0.5) == y
    rows = [{"threshold": t, "coverage": (conf >= t).mean(),
             "accuracy": right[conf >= t].mean() if (conf >= t).any() else np.nan} for t in thresholds]
    return pd.DataFrame(rows)


def hybrid_labeling(proba: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """The lecture's routing: items whose LLM confidence is at least ``threshold`` keep the LLM label, the rest
    go to the human queue. Returns (kept indices, human-queue indices)."""
    conf = confidence(proba)
    return np.flatnonzero(conf >= threshold), np.flatnonzero(conf < threshold)


# --- evaluation on the real sentences -----------------------------------------------------------------------------

CLEAR = 0.5  # |mean rating| at or above which the raters clearly took a side


def clear_items(df: pd.DataFrame, split: str, n: int | None = None, seed: int = 0, exclude=()) -> pd.DataFrame:
    """Binary sentences of one split whose raters clearly took a side (|mean| >= 0.5), optionally a sample of n."""
    choice(split, ("train", "dev", "test"), "split")
    items = df[(df["split"] == split) & (df["mean"].abs() >= CLEAR) & (df["label"] >= 0)
               & ~df["id"].isin(list(exclude))]
    return items if n is None or n >= len(items) else items.sample(n, random_state=seed)


def score_quality(proba: np.ndarray, y: np.ndarray) -> dict:
    """Accuracy at P = 0.5 and AUROC of P(positive) against the raters' consensus."""
    from sklearn.metrics import roc_auc_score
    return {"accuracy": float(((proba > 0.5) == y).mean()), "auroc": float(roc_auc_score(y, proba))}


def confidence_auroc(confidence: np.ndarray, correct: np.ndarray) -> float:
    """How well a confidence separates right labels from wrong ones (0.5 = not at all)."""
    from sklearn.metrics import roc_auc_score
    ok = ~np.isnan(confidence)
    if len(set(correct[ok])) < 2:
        return math.nan
    return float(roc_auc_score(correct[ok], confidence[ok]))


def reliability(confidence: np.ndarray, correct: np.ndarray, bins: int = 5) -> pd.DataFrame:
    """Reliability table: per confidence bin, the mean stated confidence, the observed accuracy and the count."""
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
    human said about the same items (here one real rater per item). Returns (agreement, sampled indices)."""
    llm_labels, human_labels = np.asarray(llm_labels), np.asarray(human_labels)
    if llm_labels.shape != human_labels.shape:
        raise ValueError(f"{llm_labels.shape[0]} LLM labels but {human_labels.shape[0]} human labels.")
    if sample_size > len(llm_labels):
        raise ValueError(f"Cannot sample {sample_size} of {len(llm_labels)} labels.")
    idx = np.sort(np.random.default_rng(seed).choice(len(llm_labels), sample_size, replace=False))
    return float((llm_labels[idx] == human_labels[idx]).mean()), idx
