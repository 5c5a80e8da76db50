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
