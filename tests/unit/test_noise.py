"""Part 5 helpers: out-of-fold probabilities, cleanlab flags and their scoring, noise, remedies, CROWDLAB."""

import numpy as np
import pandas as pd
import pytest

from helpers import noise
from helpers.labels import ABSTAIN, majority_vote

rng = np.random.default_rng(0)
N = 400
TRUTH = rng.integers(0, 2, N)
X = np.column_stack([TRUTH * 2.0 - 1 + rng.normal(0, 0.7, N), rng.normal(size=N)])
TEXTS = [("great fine" if t else "dull bad") + f" film {i % 7}" for i, t in enumerate(TRUTH)]


def test_out_of_fold_proba_and_flags_find_flipped_labels():
    noisy = noise.synthetic_noise(TRUTH, 0.2, seed=0)
    assert abs(np.mean(noisy != TRUTH) - 0.2) < 0.02
    proba = noise.out_of_fold_proba(X, TEXTS, noisy)
    assert set(proba) == {"embeddings", "tf-idf", "ensemble"}
    assert all(p.shape == (N, 2) and np.allclose(p.sum(axis=1), 1) for p in proba.values())
    flags = noise.find_label_issues(noisy, proba["ensemble"])
    precision, recall = noise.precision_recall(flags, noisy != TRUTH)
    assert precision > 0.6 and recall > 0.6
    curve = noise.relabel_budget_curve(noise.label_quality(noisy, proba["ensemble"]), noisy != TRUTH)
    assert curve.loc[0.1, "lift"] > 2 and curve["errors_found"].is_monotonic_increasing


@pytest.mark.parametrize("labels, message", [
    (TRUTH[:-1], "one per item"), (np.where(TRUTH == 1, 2, 0), "0 or 1"),
])
def test_labels_of_the_wrong_shape_or_values(labels, message):
    with pytest.raises(ValueError, match=message):
        noise.out_of_fold_proba(X, TEXTS, labels)


def test_relabel_budget_curve_extremes():
    is_error = np.array([True, False, False, False, False, False, False, False, False, True])
    perfect = noise.relabel_budget_curve(np.where(is_error, 0.0, 1.0), is_error, budgets=(0.2, 0.5))
    assert perfect.loc[0.2, "errors_found"] == 1 and perfect.loc[0.2, "lift"] == pytest.approx(5)
    with pytest.raises(ValueError, match="no errors"):
        noise.relabel_budget_curve(np.zeros(3), np.zeros(3, bool))


def test_synthetic_noise_kinds_and_bad_rate():
    y = np.repeat([0, 1], 5_000)
    cc = noise.synthetic_noise(y, 0.2, "class_conditional")
    nm = noise.true_noise_matrix(cc, y)
    assert np.allclose(nm.sum(axis=0), 1) and nm[0, 1] > nm[1, 0]  # POSITIVE flips more often
    with pytest.raises(ValueError, match="rate must be in"):
        noise.synthetic_noise(y, 0.6)
    with pytest.raises(ValueError, match="unknown noise kind 'symmetric'; choose one of"):
        noise.synthetic_noise(y, 0.2, "symmetric")


def test_true_noise_matrix_and_precision_recall_by_hand():
    truth, noisy = np.array([0, 0, 0, 0, 1, 1]), np.array([0, 1, 0, 0, 1, 0])
    assert np.allclose(noise.true_noise_matrix(noisy, truth), [[0.75, 0.5], [0.25, 0.5]])
    flags, is_error = np.array([1, 1, 0, 0, 0, 0], bool), noisy != truth
    assert noise.precision_recall(flags, is_error) == (0.5, 0.5)
    assert np.isnan(noise.precision_recall(np.zeros(6, bool), is_error)[0])  # nothing flagged: no precision


def test_estimated_noise_matrix_is_near_the_true_one():
    noisy = noise.synthetic_noise(TRUTH, 0.1, seed=1)
    proba = noise.out_of_fold_proba(X, TEXTS, noisy)["ensemble"]
    estimated, true = noise.estimated_noise_matrix(noisy, proba), noise.true_noise_matrix(noisy, TRUTH)
    assert np.allclose(estimated.sum(axis=0), 1) and np.abs(estimated - true).max() < 0.05


def test_second_opinion_is_another_real_rater():
    df = pd.DataFrame({"ratings": [[3, -2, 0], [1, 1, 1], [-1, 0, 0]], "single_label_rating": [3, 1, -1]})
    votes = noise.second_opinion(df)
    assert votes[0] == 0 and votes[1] == 1 and votes[2] == ABSTAIN  # item 3 has no other rater who took a side


def test_sided_votes_and_crowdlab():
    sided = noise.sided_rater_votes(pd.DataFrame({"ratings": [[2, 0, -1, 3], [0, 0, 1]]}), n_raters=3)
    assert sorted(sided[0].tolist()) == [0, 1, 1] and sorted(sided[1].tolist()) == [ABSTAIN, ABSTAIN, 1]
    many = np.column_stack([np.where(rng.random(N) < 0.9, TRUTH, 1 - TRUTH) for _ in range(3)])
    proba = noise.out_of_fold_proba(X, TEXTS, majority_vote(many, ties="coin"))["ensemble"]
    consensus = noise.crowdlab_consensus(many, proba)
    assert consensus.shape == (N,) and np.mean(consensus == TRUTH) > 0.9


def test_remedies_table_and_mixup():
    noisy = noise.synthetic_noise(TRUTH, 0.2, seed=2)
    flags = noise.find_label_issues(noisy, noise.out_of_fold_proba(X, TEXTS, noisy)["ensemble"])
    table = noise.compare_remedies(X, noisy, flags, TRUTH, X, TRUTH)
    assert len(table) == 5 and (table["test accuracy"] > 0.8).all()
    with pytest.raises(ValueError, match="one noisy label, flag and re-label per train item"):
        noise.compare_remedies(X, noisy, flags[:-1], TRUTH, X, TRUTH)
    with pytest.raises(TypeError, match="positional arguments but 7 were given"):
        noise.compare_remedies(X, noisy, flags, TRUTH, X, TRUTH, 0.1)  # the knobs are keyword-only
    assert "mixup (torch)" not in noise.compare_remedies(X, noisy, flags, TRUTH, X, TRUTH, with_mixup=False).index
    accuracy = table["test accuracy"]
    assert accuracy["re-label flagged (another real rater)"] >= accuracy["do nothing"] - 0.01


def test_mixup_is_reproducible_without_global_seeding():
    """fit_mixup draws from its own seeded generators, so no global seed (torch's or NumPy's) changes its model."""
    import torch

    y = (X[:, 0] > 0).astype(int)
    threads = torch.get_num_threads()
    torch.manual_seed(1)
    np.random.seed(1)
    first = noise.fit_mixup(X, y, epochs=2, seed=3)(X)
    torch.manual_seed(2)
    np.random.seed(2)
    assert np.array_equal(first, noise.fit_mixup(X, y, epochs=2, seed=3)(X))
    assert torch.get_num_threads() == threads  # restored after training on one thread


@pytest.mark.parametrize("eps", [1.5, -0.1, float("nan")])
def test_label_smoothing_outside_0_1_is_refused(eps):
    with pytest.raises(ValueError, match=r"smoothing \(eps\) must be a number from 0 to 1"):
        noise.compare_remedies(np.zeros((4, 2)), [0, 1, 0, 1], [False] * 4, [0, 1, 0, 1], np.zeros((2, 2)), [0, 1],
                               smoothing=eps)


def test_synthetic_noise_is_repeatable_and_leaves_the_global_generator_alone():
    np.random.seed(123)
    expected = np.random.random(3)
    np.random.seed(123)
    first = noise.synthetic_noise(TRUTH, 0.2, seed=2)
    assert np.array_equal(np.random.random(3), expected)  # the student's own random numbers did not move
    assert np.array_equal(noise.synthetic_noise(TRUTH, 0.2, seed=2), first)
    assert not np.array_equal(noise.synthetic_noise(TRUTH, 0.2, seed=3), first)
