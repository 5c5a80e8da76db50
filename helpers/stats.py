"""Uncertainty of a measured number: where the text compares two numbers, it shows how sure the gap is."""

from __future__ import annotations

import numpy as np


def mean_interval(values, level: float = 0.9, n_resamples: int = 2000, seed: int = 0) -> tuple[float, float, float]:
    """The mean of ``values`` (one per test item, e.g. right minus right for two labelers) and its percentile
    bootstrap interval over items (scipy's ``bootstrap``). Returns (mean, low, high)."""
    from scipy.stats import bootstrap

    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or len(values) < 2:
        raise ValueError(f"need at least two values in a 1-D array, got shape {values.shape}")
    result = bootstrap((values,), np.mean, confidence_level=level, n_resamples=n_resamples, method="percentile",
                       random_state=np.random.default_rng(seed))
    return float(values.mean()), float(result.confidence_interval.low), float(result.confidence_interval.high)


def auroc_gap_interval(y, scores_a, scores_b, level: float = 0.9, n_resamples: int = 1000,
                       seed: int = 0) -> tuple[float, float]:
    """Percentile interval of AUROC(a) - AUROC(b) under a paired bootstrap over items (both scorers judged on the
    same resampled items; resamples with one class only are skipped). AUROC from ranks (Mann-Whitney, ties averaged),
    all resamples at once."""
    from scipy.stats import rankdata

    y, a, b = (np.asarray(v) for v in (y, scores_a, scores_b))
    if not (y.ndim == 1 and y.shape == a.shape == b.shape):
        raise ValueError(f"y and both scores need one value per item, got shapes {y.shape}, {a.shape}, {b.shape}")
    idx = np.random.default_rng(seed).integers(0, len(y), (n_resamples, len(y)))
    yy = y[idx].astype(float)
    two_classes = yy.min(axis=1) != yy.max(axis=1)
    yy, idx = yy[two_classes], idx[two_classes]
    pos = yy.sum(axis=1)
    neg = yy.shape[1] - pos

    def auroc(s):
        return ((rankdata(s[idx], axis=1) * yy).sum(axis=1) - pos * (pos + 1) / 2) / (pos * neg)

    tail = (1 - level) / 2 * 100
    low, high = np.percentile(auroc(a) - auroc(b), [tail, 100 - tail])
    return float(low), float(high)
