"""Part 5 of the lecture, noisy labels: confident learning with cleanlab, scored against real annotator noise
(one real rater per sentence vs the full panel's consensus), synthetic noise for contrast, and the remedies.
Taught in notebook 05; used by deep dives 05a, 05b and 06b, and by notebook 06's cleaning stage.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from helpers.features import classifier, soft_label_fit, tfidf_classifier
from helpers.internal.seeding import numpy_global_seed
from helpers.labels import ABSTAIN, draw_raters, vote
from helpers.validate import choice, proba_rows, share, shares, text_list


# ----------------------------------------------------------------------------------------------- pred_probs
def out_of_fold_proba(X, texts, labels, *, seed: int = 0, n_splits: int = 5) -> dict[str, np.ndarray]:
    """Out-of-fold P(class) for every item from two models that see the sentences differently — logistic
    regression on the sentence embeddings (all-mpnet-base-v2) and on TF-IDF n-grams — and their average.

    Each item's probabilities come from a model that never saw its (possibly wrong) label.

    Args:
        X: the embeddings, shape (n, d).
        texts: the n sentences (a list, not one string), for the TF-IDF model.
        labels: the (possibly noisy) labels, 0 or 1, shape (n,).
        seed: seed of the folds and the models.
        n_splits: folds of the stratified cross-validation.

    Returns:
        ``{"embeddings": ..., "tf-idf": ..., "ensemble": ...}``, each a float array of shape (n, 2) whose rows sum
        to 1.

    Raises:
        TypeError: if ``texts`` is one string.
        ValueError: for labels that are not 0/1 or not one per text.
    """
    texts = text_list(texts)
    labels = _check_labels(labels, len(texts))
    out = {"embeddings": out_of_fold(classifier(seed), X, labels, seed=seed, n_splits=n_splits),
           "tf-idf": out_of_fold(tfidf_classifier(seed), list(texts), labels, seed=seed, n_splits=n_splits)}
    out["ensemble"] = (out["embeddings"] + out["tf-idf"]) / 2
    return out


def out_of_fold(model, X, labels, *, seed: int = 0, n_splits: int = 5) -> np.ndarray:
    """Out-of-fold P(class) of one model (stratified, shuffled folds)."""
    cv = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return cross_val_predict(model, X, labels, cv=cv, method="predict_proba")


def _check_labels(labels, n: int) -> np.ndarray:
    labels = np.asarray(labels)
    if labels.ndim != 1 or len(labels) != n:
        raise ValueError(f"labels must be one per item ({n}), got shape {labels.shape}")
    if len(labels) == 0:
        raise ValueError("no items")
    if not np.isin(labels, (0, 1)).all():
        raise ValueError("labels must be 0 or 1 (binary lessons)")
    return labels


# ----------------------------------------------------------------------------------------------- find + score
def _labels_and_proba(labels, proba) -> tuple[np.ndarray, np.ndarray]:
    """One class id per item and one row of class probabilities per item, checked before cleanlab sees them."""
    proba = proba_rows(proba, "proba (out-of-fold class probabilities)")
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.dtype.kind not in "iu" or len(labels) != len(proba):
        raise ValueError(f"labels must be one class id (0 .. {proba.shape[1] - 1}) per row of proba ({len(proba)}), "
                         f"got {labels.dtype} values of shape {labels.shape}")
    if labels.min() < 0 or labels.max() >= proba.shape[1]:
        raise ValueError(f"labels must be class ids 0 .. {proba.shape[1] - 1}, the columns of proba; got values from "
                         f"{labels.min()} to {labels.max()} (ABSTAIN rows have no label to check: leave them out)")
    return labels, proba


def label_quality(labels, proba) -> np.ndarray:
    """cleanlab's label-quality score (self-confidence): low = likely mislabeled.

    Args:
        labels: the given labels, 0 or 1, shape (n,).
        proba: out-of-fold P(class), shape (n, 2) (:func:`out_of_fold_proba`).

    Returns:
        A float array of shape (n,) in [0, 1]: the predicted probability of each item's given label.
    """
    from cleanlab.rank import get_label_quality_scores

    return get_label_quality_scores(*_labels_and_proba(labels, proba), method="self_confidence")


def find_label_issues(labels, proba) -> np.ndarray:
    """cleanlab's confident-learning filter: a boolean mask of the items it flags.

    Args:
        labels: the given labels, 0 or 1, shape (n,).
        proba: out-of-fold P(class), shape (n, 2) (:func:`out_of_fold_proba`).

    Returns:
        A bool array of shape (n,), True for an item whose label is likely wrong.
    """
    from cleanlab.filter import find_label_issues as cleanlab_find

    return cleanlab_find(*_labels_and_proba(labels, proba))


def precision_recall(flags, is_error) -> tuple[float, float]:
    """(precision, recall) of the flags as a detector of the true errors (scikit-learn's; NaN when undefined).

    Args:
        flags: a bool per item, True where flagged (:func:`find_label_issues`).
        is_error: a bool per item, True where the label is really wrong.

    Returns:
        ``(precision, recall)``, shares in [0, 1]; NaN when nothing is flagged (precision) or nothing is wrong
        (recall).
    """
    from sklearn.metrics import precision_score, recall_score

    flags, is_error = np.asarray(flags, bool), np.asarray(is_error, bool)
    return (float(precision_score(is_error, flags, zero_division=np.nan)),
            float(recall_score(is_error, flags, zero_division=np.nan)))


def relabel_budget_curve(scores, is_error, budgets=(0.02, 0.05, 0.1, 0.2, 0.3, 0.5)) -> pd.DataFrame:
    """Share of the true errors found by reviewing the lowest-scored fraction of items, for each budget, and the
    lift over reviewing items at random (which finds, on average, the budget's share of the errors).

    Args:
        scores: a score per item, low = review first (:func:`label_quality`), shape (n,).
        is_error: a bool per item, True where the label is really wrong; at least one True.
        budgets: the shares of the items reviewed, each in [0, 1] (at least one item is reviewed).

    Returns:
        A DataFrame indexed by budget: reviewed (items), errors_found (a share in [0, 1]) and lift.

    Raises:
        ValueError: if there are no errors, the shapes differ, or a budget is outside [0, 1].
    """
    scores, is_error = np.asarray(scores), np.asarray(is_error, bool)
    if not is_error.any():
        raise ValueError("there are no errors to find")
    if scores.shape != is_error.shape or scores.ndim != 1:
        raise ValueError(f"scores and is_error need one value per item, got shapes {scores.shape} and "
                         f"{is_error.shape}")
    budgets = [share(b, "a budget (the share of the items reviewed)") for b in np.atleast_1d(budgets).tolist()]
    order = np.argsort(scores, kind="stable")
    rows = []
    for budget in budgets:
        k = max(1, int(round(budget * len(scores))))
        found = is_error[order[:k]].sum() / is_error.sum()
        rows.append({"budget": budget, "reviewed": k, "errors_found": float(found),
                     "lift": float(found / (k / len(scores)))})
    return pd.DataFrame(rows).set_index("budget")


# ----------------------------------------------------------------------------------------------- noise
def synthetic_noise(y, rate: float, kind: str = "uniform", seed: int = 0) -> np.ndarray:
    """Flip binary labels with cleanlab's noise generator. ``uniform``: each class flips with ``rate``;
    ``class_conditional``: POSITIVE flips 1.5x as often as NEGATIVE, ``rate`` on average.

    Args:
        y: the clean labels, 0 or 1, shape (n,).
        rate: the share of labels flipped, in [0, 0.5).
        kind: "uniform" or "class_conditional".
        seed: seed of the flips (NumPy's global generator is put back as it was).

    Returns:
        The noisy labels, an int array of shape (n,).

    Raises:
        ValueError: for an unknown ``kind`` or ``rate`` outside [0, 0.5).
    """
    from cleanlab.benchmarking.noise_generation import generate_noisy_labels

    kinds = {"uniform": (rate, rate), "class_conditional": (0.8 * rate, 1.2 * rate)}
    choice(kind, kinds, "noise kind")
    y = np.asarray(y)
    if not 0 <= rate < 0.5:
        raise ValueError("rate must be in [0, 0.5)")
    flip_neg, flip_pos = kinds[kind]
    noise_matrix = np.array([[1 - flip_neg, flip_pos], [flip_neg, 1 - flip_pos]])  # P(noisy=row | true=column)
    with numpy_global_seed(seed):  # cleanlab draws from NumPy's global generator
        return generate_noisy_labels(y, noise_matrix)


def true_noise_matrix(noisy, truth) -> np.ndarray:
    """P(noisy label = row | true label = column), counted (scikit-learn's confusion matrix, normalised per true
    label).

    Args:
        noisy: the noisy labels, 0 or 1, shape (n,).
        truth: the true labels, 0 or 1, shape (n,).

    Returns:
        A 2 x 2 float array whose columns sum to 1.
    """
    from sklearn.metrics import confusion_matrix

    return confusion_matrix(np.asarray(truth), np.asarray(noisy), labels=[0, 1], normalize="true").T


def estimated_noise_matrix(labels, proba) -> np.ndarray:
    """cleanlab's estimate of P(noisy label = row | true label = column), from the confident joint.

    Args:
        labels: the noisy labels, 0 or 1, shape (n,).
        proba: out-of-fold P(class), shape (n, 2), rows summing to 1.

    Returns:
        A 2 x 2 float array whose columns sum to 1 (compare :func:`true_noise_matrix`).

    Raises:
        ValueError: if ``proba`` is not one row of probabilities per label.
    """
    labels, proba = np.asarray(labels), shares(proba, "proba (predicted class probabilities)")
    if proba.ndim != 2 or len(proba) != len(labels) or not np.allclose(proba.sum(axis=1), 1, atol=1e-3):
        raise ValueError(f"proba needs one row of class probabilities per label ({len(labels)}), each row summing "
                         f"to 1, got shape {proba.shape}: pass predict_proba's output (or out_of_fold's)")
    from cleanlab.count import compute_confident_joint, estimate_latent

    _, noise_matrix, _ = estimate_latent(compute_confident_joint(labels, proba), labels)
    return noise_matrix


# ----------------------------------------------------------------------------------------------- remedies
def second_opinion(df: pd.DataFrame, seed: int = 1) -> np.ndarray:
    """For each item, the binary vote of another real rater (not the one behind ``single_label``): the first rater
    who took a side in a new random order (``labels.draw_raters``), passing over one rater whose rating equals
    ``single_label_rating``.

    Args:
        df: the data table (``data.load()``), with ratings and single_label_rating columns.
        seed: seed of the draw (another than the one that chose ``single_label``).

    Returns:
        An int array, one vote per row of ``df``: 0, 1, or ``ABSTAIN`` (-1) where no other rater took a side.
    """
    return vote(draw_raters(df["ratings"], 1, seed, sided=True, skip=df["single_label_rating"])[:, 0])


def fit_mixup(X, y, alpha: float = 0.2, epochs: int = 40, lr: float = 0.05, weight_decay: float = 1e-4,
              seed: int = 0):
    """Logistic regression trained in torch on mixup batches (convex mixes of pairs of items and their labels).

    Args:
        X: the features, shape (n, d).
        y: the (noisy) labels, 0 or 1, shape (n,).
        alpha: the Beta(alpha, alpha) parameter of the mixing weights; small values mix little.
        epochs: passes over the data, in batches of 128.
        lr: Adam's learning rate.
        weight_decay: Adam's L2 penalty.
        seed: seed of the batches and the mixing weights.

    Returns:
        A function ``predict(X_new) -> P(POSITIVE)``, a float array of shape (len(X_new),).
    """
    import torch

    generator, rng = torch.Generator().manual_seed(seed), np.random.default_rng(seed)  # no global RNG is used
    Xt = torch.tensor(np.asarray(X), dtype=torch.float32)
    yt = torch.tensor(np.asarray(y), dtype=torch.float32)
    model = torch.nn.Linear(Xt.shape[1], 1)
    torch.nn.init.zeros_(model.weight)
    torch.nn.init.zeros_(model.bias)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # batches this small train faster on one thread (measured: 2.7 s vs 3.9 s, same model)
    try:
        for _ in range(epochs):
            for batch in torch.randperm(len(Xt), generator=generator).split(128):
                partner = batch[torch.randperm(len(batch), generator=generator)]
                lam = torch.from_numpy(rng.beta(alpha, alpha, size=(len(batch), 1)).astype(np.float32))
                x = lam * Xt[batch] + (1 - lam) * Xt[partner]
                target = lam[:, 0] * yt[batch] + (1 - lam[:, 0]) * yt[partner]
                loss = torch.nn.functional.binary_cross_entropy_with_logits(model(x)[:, 0], target)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
    finally:
        torch.set_num_threads(threads)

    def predict_proba(X_new):
        with torch.no_grad():
            return torch.sigmoid(model(torch.tensor(np.asarray(X_new), dtype=torch.float32))[:, 0]).numpy()

    return predict_proba


def compare_remedies(X_train, noisy, flags, relabeled, X_test, y_test, *, smoothing: float = 0.1,
                     with_mixup: bool = True, seed: int = 0) -> pd.DataFrame:
    """Test accuracy of the series' classifier after each remedy, all on the same train items and test split.

    Label smoothing is the lecture's ``label_smoothing``: with K classes the label gets 1 - eps + eps/K and every
    other class eps/K, so eps = 0.1 gives targets 0.95/0.05 for two classes.

    Args:
        X_train: the train features, shape (n, d).
        noisy: the noisy train labels, 0 or 1, shape (n,).
        flags: a bool per train item, True where cleanlab flagged it.
        relabeled: the labels after the flagged items were re-labeled (``ABSTAIN`` where no rater was available).
        X_test, y_test: the test set.
        smoothing: eps of label smoothing, in [0, 1].
        with_mixup: include mixup, the slowest remedy (False for the lecture-length run).
        seed: seed of the models.

    Returns:
        A one-column DataFrame ("test accuracy") indexed by remedy: do nothing, remove flagged, re-label flagged,
        label smoothing (and mixup).

    Raises:
        ValueError: for ``smoothing`` outside [0, 1], or inputs of different lengths.
    """
    smoothing = share(smoothing, "smoothing (eps)", 0.0, 1.0)  # eps > 1 gives targets outside [0, 1]
    noisy, flags, relabeled = np.asarray(noisy), np.asarray(flags, bool), np.asarray(relabeled)
    if not len(noisy) == len(flags) == len(relabeled) == len(X_train):
        raise ValueError(f"need one noisy label, flag and re-label per train item ({len(X_train)}); got "
                         f"{len(noisy)}, {len(flags)}, {len(relabeled)}")
    keep = ~flags
    fixed = np.where(flags & (relabeled != ABSTAIN), relabeled, noisy)
    smooth = np.where(noisy == 1, 1 - smoothing + smoothing / 2, smoothing / 2)  # P(POSITIVE), K = 2
    rows = {
        "do nothing": classifier(seed).fit(X_train, noisy).score(X_test, y_test),
        "remove flagged": classifier(seed).fit(X_train[keep], noisy[keep]).score(X_test, y_test),
        "re-label flagged (another real rater)": classifier(seed).fit(X_train, fixed).score(X_test, y_test),
        f"label smoothing (eps={smoothing})": soft_label_fit(X_train, smooth, seed).score(X_test, y_test),
    }
    if with_mixup:
        rows["mixup (torch)"] = float(np.mean((fit_mixup(X_train, noisy, seed=seed)(X_test) > 0.5) == y_test))
    return pd.Series(rows, name="test accuracy").to_frame()


# ----------------------------------------------------------------------------------------------- several raters
def sided_rater_votes(df: pd.DataFrame, n_raters: int = 3, seed: int = 0) -> np.ndarray:
    """Binary votes of ``n_raters`` random raters per item among those who took a side (``labels.draw_raters``).

    Args:
        df: the data table (``data.load()``), with a ratings column.
        n_raters: raters per item.
        seed: seed of the draw.

    Returns:
        An int array of shape (items, n_raters): 0 or 1, ``ABSTAIN`` (-1) where an item has fewer such raters.
    """
    return vote(draw_raters(df["ratings"], n_raters, seed, sided=True))


def crowdlab_consensus(votes, proba) -> np.ndarray:
    """cleanlab's CROWDLAB consensus from several annotators' votes and a classifier's P(class).

    Args:
        votes: the annotators' votes, items x annotators, ``ABSTAIN`` (-1) where one gave none
            (:func:`sided_rater_votes`).
        proba: a classifier's out-of-fold P(class), shape (items, 2).

    Returns:
        The consensus label per item, an int array of shape (items,).
    """
    from cleanlab.multiannotator import get_label_quality_multiannotator

    wide = pd.DataFrame(np.where(np.asarray(votes) == ABSTAIN, np.nan, votes))
    result = get_label_quality_multiannotator(wide, proba, verbose=False, return_annotator_stats=False,
                                              return_detailed_quality=False)
    return result["label_quality"]["consensus_label"].to_numpy()
