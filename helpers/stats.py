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
