"""Features and the series' one downstream model: all-mpnet-base-v2 sentence embeddings (computed offline and cached
by :mod:`helpers.internal.embeddings`), TF-IDF, and logistic regression, also on soft labels. Taught in notebook 01
(the embeddings and the ceiling model); used by notebooks 02, 03, 05 and 06 and their deep dives.
"""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

# EMBEDDING_DIM: the width of an all-mpnet-base-v2 embedding, 768 float32 numbers (deep dive 06c sizes matrices by it)
from helpers.internal.embeddings import EMBEDDING_DIM, binary_domain, embed  # noqa: F401 (the notebooks' names)
from helpers.validate import shares


def binary_movies(encoder: str = "mpnet"):
    """The movie sentences of the binary lessons (mean rating != 0) and their embeddings, row-aligned.

    Args:
        encoder: "mpnet" (all-mpnet-base-v2, the series' own, 768 numbers) or "minilm" (all-MiniLM-L6-v2, 384).

    Returns:
        ``(table, X)``: the rows of ``data.binary(data.load("movies"))`` as a DataFrame (its columns, index 0..n-1),
        and their unit-length embeddings as a float32 array of shape (n, embedding width).

    Raises:
        ValueError: for an unknown ``encoder``.
    """
    return binary_domain("movies", encoder)


def tfidf_vectorizer() -> TfidfVectorizer:
    """The series' TF-IDF: unigrams and bigrams seen at least twice, sublinear term frequency."""
    return TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)


def tfidf(train_texts, *other_texts):
    """TF-IDF features fitted on ``train_texts``; returns the matrices for all arguments."""
    vectorizer = tfidf_vectorizer()
    return (vectorizer.fit_transform(train_texts), *(vectorizer.transform(t) for t in other_texts))


def tfidf_classifier(seed: int = 0):
    """TF-IDF followed by the series' logistic regression, as one scikit-learn pipeline (takes raw texts)."""
    from sklearn.pipeline import make_pipeline

    return make_pipeline(tfidf_vectorizer(), classifier(seed))


# The series' one downstream model, logistic regression with an L2 penalty, and its one choice, the penalty's
# strength C. With thousands of labels (the ceiling, weak and noisy labels, the hybrid pipeline, whose active stage
# trains on the weak labels too) C=1. With the tens to hundreds of labels of an active-learning run C=1 underfits
# unit-length embeddings (at 20 labels it predicts one class), and C=10 is used for every query strategy alike
# (helpers.active.model). Both values were chosen on the dev split (benchmarks/dev_choices.py; a test checks them).
C_MANY_LABELS, C_FEW_LABELS = 1.0, 10.0


def classifier(seed: int = 0, C: float = C_MANY_LABELS) -> LogisticRegression:
    """The series' downstream model: logistic regression, L2, ``C`` (see the note above), lbfgs.

    Args:
        seed: the model's ``random_state``.
        C: inverse strength of the L2 penalty (larger: weaker); ``C_MANY_LABELS`` (1.0) by default,
            ``C_FEW_LABELS`` (10.0) for the tens to hundreds of labels of active learning.

    Returns:
        An unfitted scikit-learn ``LogisticRegression`` (``max_iter=2000``).
    """
    return LogisticRegression(C=C, max_iter=2000, random_state=seed)


def soft_label_fit(X, proba_pos, seed: int = 0) -> LogisticRegression:
    """The series' classifier trained on probabilistic labels: every item appears twice, once per class, weighted
    by that class's probability (the expected log-loss under the soft label). Notebooks 03 and 05.

    Args:
        X: the features, shape (n, d), n >= 1.
        proba_pos: P(positive) per item, shares in [0, 1], shape (n,).
        seed: the model's ``random_state``.

    Returns:
        The fitted scikit-learn ``LogisticRegression`` (:func:`classifier`, C = 1).

    Raises:
        TypeError: if ``proba_pos`` is not numbers.
        ValueError: for probabilities outside [0, 1] or NaN, or not one per item.
    """
    proba_pos = shares(proba_pos, "proba_pos (P(positive) per item)")
    if proba_pos.ndim != 1 or len(proba_pos) != len(X) or len(X) == 0:
        raise ValueError(f"need one probability per item and at least one item; got {len(X)} items, "
                         f"{len(proba_pos)} probabilities")
    n = len(proba_pos)
    X2 = np.concatenate([X, X])
    y2 = np.concatenate([np.ones(n, int), np.zeros(n, int)])
    w2 = np.concatenate([proba_pos, 1 - proba_pos])
    return classifier(seed).fit(X2, y2, sample_weight=w2)
