"""Uncertainty of a measured number: where the text compares two numbers, it shows how sure the gap is. No notebook
teaches it as a technique; notebook 03 first uses it (the gap between two label sets' test accuracies), then deep
dives 03a, 03b, 04c and 06b.
"""

from __future__ import annotations

import numpy as np

from helpers.validate import share


def _level(level) -> float:
    """A confidence level: a share strictly between 0 and 1 (0.9, not 90)."""
    if share(level, "level (a confidence level)") in (0, 1):
        raise ValueError(f"level (a confidence level) must be strictly between 0 and 1, e.g. 0.9; got {level!r}")
    return float(level)


def mean_interval(values, level: float = 0.9, n_resamples: int = 2000, seed: int = 0) -> tuple[float, float, float]:
    """The mean of ``values`` and its percentile bootstrap interval over items (scipy's ``bootstrap``).

    Args:
        values: one number per test item, a 1-D array of at least 2 (e.g. right minus right for two labelers, as
            floats, so a gap in accuracy).
        level: the confidence level, strictly between 0 and 1 (0.9, not 90).
        n_resamples: bootstrap resamples.
        seed: seed of the resampling.

    Returns:
        ``(mean, low, high)``, three floats.

    Raises:
        ValueError: for fewer than two values, a non-1-D array, or a level outside (0, 1).
    """
    from scipy.stats import bootstrap

    values, level = np.asarray(values, dtype=float), _level(level)
    if values.ndim != 1 or len(values) < 2:
        raise ValueError(f"need at least two values in a 1-D array, got shape {values.shape}")
    result = bootstrap((values,), np.mean, confidence_level=level, n_resamples=n_resamples, method="percentile",
                       random_state=np.random.default_rng(seed))
    return float(values.mean()), float(result.confidence_interval.low), float(result.confidence_interval.high)


def seed_interval(values, level: float = 0.9) -> tuple[float, float, float]:
    """The mean of one value per seed (a paired difference: the same seeds on both sides) and its Student-t
    interval. Returns (mean, low, high)."""
    from scipy.stats import t

    values, level = np.asarray(values, dtype=float), _level(level)
    if values.ndim != 1 or len(values) < 2:
        raise ValueError(f"need at least two seeds in a 1-D array, got shape {values.shape}")
    half = t.ppf((1 + level) / 2, len(values) - 1) * values.std(ddof=1) / len(values) ** 0.5
    return float(values.mean()), float(values.mean() - half), float(values.mean() + half)


def auroc_gap_interval(y, scores_a, scores_b, level: float = 0.9, n_resamples: int = 1000,
                       seed: int = 0) -> tuple[float, float]:
    """Percentile interval of AUROC(a) - AUROC(b) under a paired bootstrap over items (both scorers judged on the
    same resampled items; resamples with one class only are skipped). AUROC from ranks (Mann-Whitney, ties averaged),
    all resamples at once.

    Args:
        y: the true binary labels (0/1), shape (n,).
        scores_a, scores_b: the two scorers' scores (e.g. P(positive)), each of shape (n,).
        level: the confidence level, strictly between 0 and 1.
        n_resamples: bootstrap resamples.
        seed: seed of the resampling.

    Returns:
        ``(low, high)``: the interval of the AUROC gap, two floats in [-1, 1].

    Raises:
        ValueError: if the three arrays are not 1-D of one shape, or the level is outside (0, 1).
    """
    from scipy.stats import rankdata

    y, a, b = (np.asarray(v) for v in (y, scores_a, scores_b))
    level = _level(level)
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


def _z(level: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(0.5 + _level(level) / 2))


def proportion_interval(p: float, n: int, level: float = 0.9) -> tuple[float, float]:
    """Normal-approximation (Wald) interval of a share ``p`` measured on ``n`` items (an error rate, an accuracy),
    clipped to [0, 1]. Returns (low, high)."""
    if not 0 <= p <= 1 or isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"need a share in [0, 1] and a whole number n >= 1, got p={p!r}, n={n!r}")
    half = _z(level) * (p * (1 - p) / n) ** 0.5
    return max(0.0, p - half), min(1.0, p + half)


def difference_interval(p1: float, n1: int, p2: float, n2: int, level: float = 0.9) -> tuple[float, float]:
    """Normal-approximation interval of ``p1 - p2``, two shares measured on ``n1`` and ``n2`` items as if the
    samples were independent. When both are measured on the same items and tend to be right on the same ones (two
    combiners of the same votes, two models on one test split), the pairing would narrow it: this one is wider.
    Returns (low, high)."""
    for p, n in ((p1, n1), (p2, n2)):
        if not 0 <= p <= 1 or n < 1:
            raise ValueError(f"need shares in [0, 1] and n >= 1, got p={p!r}, n={n!r}")
    half = _z(level) * (p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2) ** 0.5
    return p1 - p2 - half, p1 - p2 + half
