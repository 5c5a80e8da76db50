"""The label conventions (helpers.labels) and the input checks (helpers.validate) that every module uses."""

import numpy as np
import pandas as pd
import pytest

from helpers import labels, validate
from helpers.labels import ABSTAIN as A
from helpers.labels import NEGATIVE as N
from helpers.labels import POSITIVE as P


def test_confidence_and_vote():
    assert labels.confidence([0.1, 0.5, 0.8]).tolist() == [0.9, 0.5, 0.8]
    assert labels.vote([3, -1, 0, np.nan]).tolist() == [P, N, A, A]


PANELS = [[2, -1, 0, 3], [-2, 0, 0], [0, 0, 4, -4, 1]]


def test_draw_raters_takes_real_raters_in_one_random_order():
    every = labels.draw_raters(PANELS, None, seed=3)
    for row, panel in zip(every, PANELS):  # k=None: each item's whole panel, permuted, NaN-padded
        assert sorted(row[~np.isnan(row)].tolist()) == sorted(panel) and np.isnan(row[len(panel):]).all()
    first2 = labels.draw_raters(PANELS, 2, seed=3)
    assert np.array_equal(first2, every[:, :2], equal_nan=True)  # the same seed reads the same order
    sided = labels.draw_raters(PANELS, 2, seed=3, sided=True)
    for row, full in zip(sided, every):
        expected = [r for r in full if r != 0 and not np.isnan(r)][:2]
        assert row[: len(expected)].tolist() == expected and (row != 0).all()
    assert np.isnan(sided[1, 1])  # item 2 has a single rater who took a side
    assert not np.array_equal(labels.draw_raters(PANELS, None, seed=4), every, equal_nan=True)


def test_draw_raters_skip_passes_over_the_rater_already_used():
    used = labels.draw_raters(PANELS, 1, seed=0, sided=True)[:, 0]
    other = labels.draw_raters(PANELS, 5, seed=0, sided=True, skip=used)
    for panel, u, row in zip(PANELS, used, other):
        rest = list(panel)
        rest.remove(u)
        assert sorted(row[~np.isnan(row)].tolist()) == sorted(r for r in rest if r != 0)


@pytest.mark.data
def test_the_data_tables_single_rater_follows_the_documented_rule():
    from helpers import data

    movies = data.load("movies").head(300)
    single = labels.draw_raters(movies["ratings"], 1, seed=data.SEED)[:, 0]
    sided = labels.draw_raters(movies["ratings"], 1, seed=data.SEED, sided=True)[:, 0]
    assert (movies["single_rating"].to_numpy() == single).all()
    assert (movies["single_label"].to_numpy() == labels.vote(sided)).all()


@pytest.mark.parametrize("k, message", [(0, "at least 1")])
def test_draw_raters_bad_input(k, message):
    with pytest.raises(ValueError, match=message):
        labels.draw_raters(PANELS, k)
    with pytest.raises(ValueError, match="no items"):
        labels.draw_raters([], 1)
    with pytest.raises(ValueError, match="one rating per item"):
        labels.draw_raters(PANELS, 1, skip=[1])


VOTES = np.array([[P, P, N], [P, N, A], [A, A, A], [N, N, P], [P, A, A]])


def test_majority_vote_abstains_on_ties_like_snorkel():
    from snorkel.labeling.model import MajorityLabelVoter

    ours = labels.majority_vote(VOTES)
    assert ours.tolist() == [P, A, A, N, P]
    snorkel = MajorityLabelVoter(cardinality=2).predict(VOTES, tie_break_policy="abstain")
    assert ours.tolist() == snorkel.tolist()


def test_majority_vote_coin_breaks_every_tie_and_is_seeded():
    many_ties = np.tile([[P, N]], (200, 1))
    coin = labels.majority_vote(many_ties, ties="coin", seed=1)
    assert set(coin.tolist()) == {N, P} and 0.35 < coin.mean() < 0.65
    assert np.array_equal(coin, labels.majority_vote(many_ties, ties="coin", seed=1))
    decided = labels.majority_vote(VOTES, ties="coin")
    assert decided[[0, 3, 4]].tolist() == [P, N, P] and set(decided[[1, 2]].tolist()) <= {N, P}


def test_majority_vote_bad_input():
    with pytest.raises(ValueError, match="unknown tie rule 'random'; choose one of"):
        labels.majority_vote(VOTES, ties="random")
    with pytest.raises(ValueError, match="2-D"):
        labels.majority_vote(np.array([P, N]))
    with pytest.raises(ValueError, match="-1, 0 or 1"):
        labels.check_votes(np.array([[P, 3]]))
    with pytest.raises(ValueError, match="-1, 0 or 1"):
        labels.majority_vote(np.array([[P, 2]]))


def test_validate_helpers():
    assert validate.choice("a", {"a": 1}, "thing") == "a"
    with pytest.raises(ValueError, match=r"unknown thing 'b'; choose one of \['a', 'c'\]"):
        validate.choice("b", ["c", "a"], "thing")
    assert validate.text_list(pd.Series(["x", "y"])) == ["x", "y"]
    with pytest.raises(TypeError, match=r"not one string .* pass \[text\]"):
        validate.text_list("A great film")
    with pytest.raises(ValueError, match="empty"):
        validate.text_list([])
    assert validate.one_text("x") == "x"
    with pytest.raises(TypeError, match="one string, got list"):
        validate.one_text(["x"])
