"""The interval every comparison in the notebooks is shown with."""

import numpy as np
import pytest

from helpers import stats


def test_mean_interval_covers_the_mean_and_shrinks_with_more_items():
    rng = np.random.default_rng(0)
    small, large = rng.normal(0.02, 0.3, 100), rng.normal(0.02, 0.3, 10_000)
    mean, low, high = stats.mean_interval(small)
    assert low < mean < high and mean == pytest.approx(small.mean())
    _, low_l, high_l = stats.mean_interval(large)
    assert high_l - low_l < (high - low) / 5  # 100x the items: about a tenth of the width
    assert low_l < 0.02 < high_l
    assert stats.mean_interval(small) == stats.mean_interval(small)  # seeded


def test_mean_interval_of_a_difference_without_noise():
    assert stats.mean_interval(np.zeros(50)) == (0.0, 0.0, 0.0)


def test_mean_interval_bad_input():
    with pytest.raises(ValueError, match="at least two values"):
        stats.mean_interval([1.0])
    with pytest.raises(ValueError, match="1-D"):
        stats.mean_interval(np.zeros((3, 3)))


def test_auroc_gap_interval_matches_sklearn_on_every_resample():
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 40)
    a, b = rng.normal(size=40) + y, np.round(rng.normal(size=40) + 0.5 * y, 1)  # b has ties
    draws = np.random.default_rng(0).integers(0, 40, (300, 40))
    gaps = [roc_auc_score(y[i], a[i]) - roc_auc_score(y[i], b[i]) for i in draws if len(set(y[i])) == 2]
    assert np.allclose(stats.auroc_gap_interval(y, a, b, n_resamples=300), np.percentile(gaps, [5, 95]))
    low, high = stats.auroc_gap_interval(y, a, a)
    assert low == high == 0.0
    with pytest.raises(ValueError, match="one value per item"):
        stats.auroc_gap_interval(y, a[:-1], b)


def test_seed_interval_is_students_t_over_the_seeds():
    from scipy.stats import t

    mean, low, high = stats.seed_interval([0.01, 0.02, 0.03])
    half = t.ppf(0.95, 2) * 0.01 / 3 ** 0.5
    assert (mean, low, high) == pytest.approx((0.02, 0.02 - half, 0.02 + half))
    with pytest.raises(ValueError, match="at least two seeds"):
        stats.seed_interval([0.01])
