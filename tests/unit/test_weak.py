"""Part 3 helpers: labeling functions, the agreement equations (torch and closed form), weights and votes."""

import numpy as np
import pandas as pd
import pytest
import torch

from helpers import features, weak
from helpers.labels import ABSTAIN as A
from helpers.labels import NEGATIVE as N
from helpers.labels import POSITIVE as P


@pytest.mark.parametrize("text, vote", [
    ("A good film.", P), ("This movie was not good.", N), ("Not bad at all.", P), ("It isn't boring.", P),
    ("Dull and lifeless.", N), ("I love how terrible this movie is!", A), ("A movie about a dog.", A),
])
def test_keyword_vote_handles_negation(text, vote):
    assert weak.keyword_vote(text) == vote


def test_too_pattern():
    assert weak.TOO_WORDS.search("it is too long and too slow")
    assert not weak.TOO_WORDS.search("it is long")


def test_lfs_apply_with_snorkel():
    df = pd.DataFrame({"text": ["Too long, and not good.", "A wonderful film!", "A film."],
                       "keywords": [N, P, A], "vader": [-0.5, 0.8, 0.0], "textblob": [-0.3, 0.9, 0.0],
                       "prototype": [-0.05, 0.06, 0.0], "dev_model": [0.2, 0.9, 0.5]})
    lfs = weak.make_lfs()
    L = weak.apply_lfs(df, lfs)
    names = [lf.name for lf in lfs]
    assert L.shape == (3, len(lfs))
    assert L[0, names.index("lf_too_much")] == N and L[1, names.index("lf_keywords")] == P
    assert "lf_short" not in names and "lf_exclamation" not in names  # notebook 03 writes and drops those two
    assert (L[2, [names.index(n) for n in ("lf_vader", "lf_textblob", "lf_prototype", "lf_dev_model")]] == A).all()
    assert len(weak.make_lfs(include_dev_model=False)) == len(lfs) - 1
    from snorkel.labeling import PandasLFApplier

    assert (L == PandasLFApplier(lfs).apply(df, progress_bar=False)).all()  # the faster applier, the same matrix


@pytest.mark.data
def test_lexicon_scores_come_from_the_cache_and_match_the_lexicons():
    from helpers.data import load

    corpus = load("movies")["text"].tolist()
    texts = [corpus[5], "A film nobody has rated, and a dreadful one.", corpus[0], corpus[5]]
    scores = weak.lexicon_scores(texts)
    assert scores.shape == (4, 2) and np.array_equal(scores, weak.score_lexicons(texts))
    assert scores[1, 0] < 0 and np.array_equal(scores[0], scores[3])
    with pytest.raises(ValueError, match="empty"):
        weak.lexicon_scores([])
    with pytest.raises(TypeError, match="not one string"):
        weak.lexicon_scores("A dreadful film.")


LECTURE = {(0, 1): 0.85, (0, 2): 0.80, (1, 2): 0.90}


def test_solver_reproduces_the_correct_answer_to_the_lecture_example():
    alpha, loss = weak.solve_lf_accuracies(LECTURE, n_lfs=3)
    assert np.allclose(alpha, [0.862, 0.983, 0.914], atol=5e-4) and loss < 1e-12
    closed = [weak.triplet_accuracy(0.85, 0.80, 0.90), weak.triplet_accuracy(0.85, 0.90, 0.80),
              weak.triplet_accuracy(0.80, 0.90, 0.85)]
    assert np.allclose(alpha, closed, atol=1e-6)


def test_the_lecture_alpha_does_not_satisfy_its_equations():
    implied = weak.predicted_agreement(torch.tensor([0.80, 0.90, 0.85]), list(LECTURE)).numpy()
    assert np.allclose(implied, [0.74, 0.71, 0.78], atol=1e-6)


def test_predicted_agreement_keeps_the_autograd_graph():
    alpha = torch.tensor([0.7, 0.7, 0.7], requires_grad=True)
    weak.predicted_agreement(alpha, list(LECTURE)).sum().backward()
    assert alpha.grad is not None and alpha.grad.abs().sum() > 0


def test_solver_recovers_simulated_independent_lfs():
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 2, 20_000)
    accuracies = [0.9, 0.8, 0.7, 0.65]
    L = np.column_stack([np.where(rng.random(truth.size) < a, truth, 1 - truth) for a in accuracies])
    alpha, _ = weak.solve_lf_accuracies(weak.agreement_rates(L), n_lfs=4)
    assert np.allclose(alpha, accuracies, atol=0.02)
    assert np.allclose(weak.lf_accuracies(L, truth), accuracies, atol=0.02)


def test_solver_needs_three_lfs_and_enough_pairs():
    with pytest.raises(ValueError, match="at least 3 LFs"):
        weak.solve_lf_accuracies({(0, 1): 0.9}, n_lfs=2)
    with pytest.raises(ValueError, match="fewer than two others"):
        weak.solve_lf_accuracies({(0, 1): 0.9, (0, 2): 0.8}, n_lfs=3)


def test_triplet_rejects_impossible_agreements():
    with pytest.raises(ValueError, match="admit no accuracy"):
        weak.triplet_accuracy(0.99, 0.99, 0.55)


def test_lecture_weight_and_probability_tables():
    w = weak.log_odds_weight([0.80, 0.90])
    assert np.allclose(w, [np.log(4), np.log(9)])
    votes = np.array([[P, P], [P, A], [A, N], [A, P], [P, N], [N, P], [A, A]])
    p_pos = weak.weighted_vote_proba(votes, w)[:, 1]
    assert np.allclose(p_pos, [36 / 37, 0.8, 0.1, 0.9, 4 / 13, 9 / 13, 0.5])


def test_labels_from_probabilities():
    L = np.array([[P, P, N], [P, N, A], [A, A, A], [N, N, P]])
    proba = np.array([[0.2, 0.8], [0.5, 0.5], [0.5, 0.5], [0.7, 0.3]])
    covered = (L != A).any(axis=1)
    assert weak.proba_to_labels(proba, covered).tolist() == [P, A, A, N]
    assert weak.proba_to_labels(proba, covered, min_confidence=0.75).tolist() == [P, A, A, A]
    assert weak.covered_accuracy(np.array([P, A, N]), np.array([P, P, P])) == (0.5, pytest.approx(2 / 3))


@pytest.mark.parametrize("bad, message", [
    (np.array([1, 0, -1]), "2-D"),
    (np.array([[1, 2]]), "-1, 0 or 1"),
])
def test_label_matrix_of_the_wrong_shape_or_values(bad, message):
    with pytest.raises(ValueError, match=message):
        weak.agreement_rates(bad)


def test_weights_of_the_wrong_shape():
    with pytest.raises(ValueError, match="one weight per LF"):
        weak.weighted_vote_proba(np.array([[P, N]]), [1.0])


def test_label_model_and_soft_labels_on_simulated_lfs():
    rng = np.random.default_rng(1)
    truth = rng.integers(0, 2, 3_000)
    L = np.column_stack([np.where(rng.random(truth.size) < a, truth, 1 - truth) for a in (0.9, 0.75, 0.7)])
    model = weak.fit_label_model(L)
    assert np.mean(model.predict(L) == truth) > 0.88
    X = np.column_stack([truth + rng.normal(0, 0.5, truth.size), rng.normal(size=truth.size)])
    clf = features.soft_label_fit(X, model.predict_proba(L)[:, 1])
    assert clf.score(X, truth) > 0.8


def test_rater_label_matrix_is_made_of_real_votes():
    df = pd.DataFrame({"ratings": [[2, -1, 0, 3], [-2, -2, -3, 1]], "n_raters": [4, 4]})
    L = weak.rater_label_matrix(df, n_raters=3, seed=0)
    assert L.shape == (2, 3) and set(np.unique(L)) <= {A, N, P}
    # the raters are real: every vote is the side of one of the item's ratings, a 0 rating abstains
    assert sorted(weak.rater_label_matrix(df, n_raters=4, seed=1)[0].tolist()) == [A, N, P, P]
    with pytest.raises(ValueError, match="at least 4 raters"):
        weak.rater_label_matrix(df, n_raters=5)


def test_lf_accuracies_are_snorkels_empirical_accuracies():
    L = np.array([[P, A], [N, A], [P, A], [A, A]])
    acc = weak.lf_accuracies(L, np.array([P, P, P, N]))
    assert acc[0] == pytest.approx(2 / 3) and np.isnan(acc[1])  # an LF that never votes has no accuracy


def test_quality_vs_quantity_spends_the_budget_on_real_raters():
    rng = np.random.default_rng(0)
    n = 300
    truth = rng.integers(0, 2, n)
    X = np.column_stack([truth * 2.0 - 1 + rng.normal(0, 1, n), rng.normal(size=n)])
    # every sentence has 6 raters, each on the consensus side except one in six
    ratings = [[(2 if t else -2) * (-1 if j == i % 6 else 1) for j in range(6)] for i, t in enumerate(truth)]
    df = pd.DataFrame({"ratings": ratings, "n_raters": 6, "label": truth})
    weak_labels = np.where(rng.random(n) < 0.5, truth, A)
    runs = weak.quality_vs_quantity(df, X, X, truth, budgets=(60,), raters=(1, 3, "all"), seeds=range(2),
                                    weak_labels=weak_labels)
    first = runs[runs["seed"] == 0].set_index("design")
    assert first.loc["1 rater each", "sentences"] == 60 and first.loc["3 raters each", "sentences"] == 20
    assert first.loc["every rater (consensus)", "sentences"] == 10  # 60 judgements / 6 raters
    assert first.loc["every rater (consensus)", "label error"] == 0
    assert runs.loc[runs["design"] == "weak labels", "budget"].tolist() == [0]  # costs no judgement, drawn once
    assert (runs["accuracy"] > 0.6).all()


def test_quality_vs_quantity_bad_input():
    df = pd.DataFrame({"ratings": [[1, 2, -1]] * 4, "n_raters": 3, "label": [1, 1, 1, 1]})
    X = np.zeros((4, 2))
    with pytest.raises(ValueError, match="1..3 or 'all'"):
        weak.quality_vs_quantity(df, X, X, [1, 1, 1, 1], raters=(5,))
    with pytest.raises(ValueError, match="one label per pool sentence"):
        weak.quality_vs_quantity(df, X, X, [1, 1, 1, 1], raters=(1,), weak_labels=[1, 1])
    with pytest.raises(ValueError, match="non-empty pool"):
        weak.quality_vs_quantity(df.iloc[:0], X[:0], X, [1, 1, 1, 1])


def test_an_lf_that_is_never_wrong_or_never_measured_does_not_turn_every_row_nan():
    """Two always-agreeing LFs made the solver's clamp give alpha = 1, an infinite weight, and every row NaN."""
    w = weak.log_odds_weight([1.0, float("nan"), 0.75])
    assert np.isfinite(w).all() and w[1] == 0 and w[0] == pytest.approx(np.log(999))
    proba = weak.weighted_vote_proba([[1, 1, -1], [0, -1, 0], [-1, -1, -1]], w)  # a list, as a student passes it
    assert np.isfinite(proba).all() and (proba[:, 1] > 0.5).tolist() == [True, False, False]
    with pytest.raises(ValueError, match=r"the weights of LFs \[0\] are not finite"):
        weak.weighted_vote_proba([[1, 1]], [np.inf, 1.0])


def test_agreement_rates_take_a_list():
    assert weak.agreement_rates([[1, 1, 0], [0, 0, 0], [-1, 1, 1]]) == {(0, 1): 1.0, (0, 2): 0.5, (1, 2): 2 / 3}


@pytest.mark.parametrize("budgets", [(-10,), (0,), (2.5,), ("600",)])
def test_quality_vs_quantity_refuses_a_budget_that_buys_nothing(budgets):
    df = pd.DataFrame({"label": [0, 1], "n_raters": [3, 3], "ratings": [[1, 1, 1], [-1, -1, -1]]})
    with pytest.raises(ValueError, match="a budget \\(rater judgements\\) must be a whole number >= 1"):
        weak.quality_vs_quantity(df, np.zeros((2, 2)), np.zeros((1, 2)), [0], budgets=budgets, raters=(1, 3))


def test_scoreboard_takes_lists_and_checks_its_input():
    board = weak.scoreboard({"majority vote": [1, 0, -1, 1], "lf": [1, 1, 1, -1]}, [1, 0, 0, 1])
    assert board.loc["majority vote", "accuracy"] == 1.0 and board.loc["lf", "coverage"] == 0.75
    assert board.loc["lf", "accuracy on shared items"] == 0.5  # items 0 and 1, which both label
    assert board.loc["lf", "majority vote on shared items"] == 1.0  # lists gave 0.5 here before
    with pytest.raises(ValueError, match="unknown reference labeler 'majority'"):
        weak.scoreboard({"majority vote": [1, 0]}, [1, 0], reference="majority")
    with pytest.raises(ValueError, match=r"4 true labels, but .*\{'lf': 3\}"):
        weak.scoreboard({"majority vote": [1, 0, -1, 1], "lf": [1, 1, 1]}, [1, 0, 0, 1])
