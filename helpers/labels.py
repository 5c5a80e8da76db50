"""The label conventions of the whole series, in one place: label ids and names, the one value for "no label",
the confidence of a probability, how raters are drawn from an item's panel, and the majority vote.

Every module uses these, so a label means the same thing in every notebook. Taught in notebook 01 (raters and
their majority vote) and notebook 03 (``ABSTAIN`` in labeling functions, Snorkel's convention).
"""

from __future__ import annotations

import numpy as np

from helpers.validate import choice

ABSTAIN = -1  # "no label": an LF or the LLM abstains, a rater said 0, a panel's mean is exactly 0, a pool item not
# labeled yet. Snorkel's convention, used everywhere in the series.
NEGATIVE, POSITIVE = 0, 1
LABELS = ("NEGATIVE", "POSITIVE")  # names of the binary label ids 0, 1
LABELS3 = ("NEGATIVE", "NEUTRAL", "POSITIVE")  # names of the 3-class label ids 0, 1, 2
TIE_RULES = ("abstain", "coin")


def confidence(p_positive) -> np.ndarray:
    """How sure a binary probability is of its side: max(P, 1 - P), from 0.5 (a coin) to 1.

    Args:
        p_positive: P(positive), one number or an array, in [0, 1].

    Returns:
        A float array of ``p_positive``'s shape, in [0.5, 1].
    """
    p = np.asarray(p_positive, dtype=float)
    return np.maximum(p, 1 - p)


def vote(ratings) -> np.ndarray:
    """The binary vote of each rating (-4..4): POSITIVE above 0, NEGATIVE below, ABSTAIN for 0 or a missing (NaN)
    rating.

    Args:
        ratings: ratings of any shape (e.g. :func:`draw_raters`'s items x k), NaN for a missing one.

    Returns:
        An int array of ``ratings``' shape: 1, 0 or -1.
    """
    r = np.asarray(ratings, dtype=float)
    return np.where(r > 0, POSITIVE, np.where(r < 0, NEGATIVE, ABSTAIN)).astype(int)


def draw_raters(panels, k: int | None = 1, seed=0, *, sided: bool = False, skip=None) -> np.ndarray:
    """The one rater-drawing routine of the series: the ratings of ``k`` raters per item.

    The rule: one NumPy generator seeded with ``seed`` draws a uniformly random order of each item's raters, items
    in table order; the first ``k`` raters in that order are taken. The same seed gives the same order, so two
    calls that differ only in ``k`` or ``sided`` read the same random raters.

    Args:
        panels: each item's ratings (-4..4), e.g. the data table's ratings column.
        k: raters per item, 1 to the largest panel; None takes every rater, in the drawn order.
        seed: the generator's seed (an int or a tuple of ints).
        sided: take the first ``k`` who took a side (a rating other than 0); False keeps a 0, which votes ``ABSTAIN``.
        skip: one rating per item, or None: passes over the first rater in the order who gave that rating (the rater
            already used, when a second opinion is wanted).

    Returns:
        A float array of shape (items, k) (k = the largest panel for None), NaN where an item has fewer such raters.

    Raises:
        ValueError: for no items, a ``k`` that is not a whole number from 1 to the largest panel, or a ``skip`` of
            another length.
    """
    panels = list(panels)
    if not panels:
        raise ValueError("no items to draw raters for")
    import numbers

    if k is not None and (isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1):
        raise ValueError(f"k must be a whole number at least 1 (or None for every rater), got {k!r}")
    largest = max(len(r) for r in panels)
    if k is not None and k > largest:
        raise ValueError(f"k={k} raters per item, but the largest panel has {largest}: give k <= {largest}, or "
                         "k=None for every rater")
    skip = [None] * len(panels) if skip is None else list(skip)
    if len(skip) != len(panels):
        raise ValueError(f"skip needs one rating per item ({len(panels)}), got {len(skip)}")
    rng = np.random.default_rng(seed)
    width = k or largest
    out = np.full((len(panels), width), np.nan)
    for i, (ratings, used) in enumerate(zip(panels, skip)):
        ratings = np.asarray(ratings)
        order = ratings[rng.permutation(len(ratings))]
        if used is not None and (hit := np.flatnonzero(order == used)).size:
            order = np.delete(order, hit[0])
        if sided:
            order = order[order != 0]
        order = order[:width]
        out[i, : len(order)] = order
    return out


def majority_vote(votes, ties: str = "abstain", seed=0) -> np.ndarray:
    """The majority of each row of ``votes``; ABSTAIN votes do not count.

    Args:
        votes: a label matrix, items x voters (or LFs), values -1 (abstain), 0 or 1.
        ties: what a tie, and a row with no votes, gives: "abstain" (``ABSTAIN``, Snorkel's MajorityLabelVoter) or
            "coin" (a fair coin seeded with ``seed``: a panel that must decide).
        seed: seed of the coin.

    Returns:
        An int array of shape (items,): 1, 0, or -1 (a tie with ``ties="abstain"``).

    Raises:
        ValueError: for an unknown ``ties`` or a ``votes`` that is not a 2-D matrix of -1, 0 and 1.
    """
    choice(ties, TIE_RULES, "tie rule")
    votes = check_votes(votes)
    pos, neg = (votes == POSITIVE).sum(axis=1), (votes == NEGATIVE).sum(axis=1)
    tie = (np.random.default_rng(seed).integers(0, 2, len(votes)) if ties == "coin"
           else np.full(len(votes), ABSTAIN))
    return np.where(pos > neg, POSITIVE, np.where(neg > pos, NEGATIVE, tie))


def check_votes(votes) -> np.ndarray:
    """``votes`` as an array if it is a label matrix: 2-D (items x voters or LFs), values -1, 0 or 1."""
    votes = np.asarray(votes)
    if votes.ndim != 2 or votes.shape[1] == 0:
        raise ValueError(f"a label matrix is 2-D (items x voters or LFs), got shape {votes.shape}")
    if (bad := ~np.isin(votes, (ABSTAIN, NEGATIVE, POSITIVE))).any():
        raise ValueError(f"label matrix values must be -1, 0 or 1; found {np.unique(votes[bad])[:5].tolist()}")
    return votes
