"""Part 5 of the lecture, noisy labels: confident learning with cleanlab, scored against real annotator noise
(one real rater per sentence vs the full panel's consensus), synthetic noise for contrast, and the remedies.
Taught in notebook 05.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from helpers.features import classifier, tfidf_classifier


# ----------------------------------------------------------------------------------------------- pred_probs
def out_of_fold_proba(X, texts, labels, seed: int = 0, n_splits: int = 5) -> dict[str, np.ndarray]:
    """Out-of-fold P(class) for every item from two models that see the sentences differently — logistic
    regression on MiniLM embeddings and on TF-IDF n-grams — and their average (``"ensemble"``).

    Each item's probabilities come from a model that never saw its (possibly wrong) label.
    """
    labels = _check_labels(labels, len(texts))
    out = {"embeddings": out_of_fold(classifier(seed), X, labels, seed, n_splits),
           "tf-idf": out_of_fold(tfidf_classifier(seed), list(texts), labels, seed, n_splits)}
    out["ensemble"] = (out["embeddings"] + out["tf-idf"]) / 2
    return out


def out_of_fold(model, X, labels, seed: int = 0, n_splits: int = 5) -> np.ndarray:
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
def label_quality(labels, proba) -> np.ndarray:
    """cleanlab's label-quality score (self-confidence): low = likely mislabeled."""
    from cleanlab.rank import get_label_quality_scores

    return get_label_quality_scores(np.asarray(labels), proba, method="self_confidence")


def find_label_issues(labels, proba) -> np.ndarray:
    """cleanlab's confident-learning filter: a boolean mask of the items it flags."""
    from cleanlab.filter import find_label_issues as cleanlab_find

    return cleanlab_find(np.asarray(labels), proba)


def datalab_issues(X, labels, proba) -> pd.DataFrame:
    """cleanlab's Datalab on the same data: label issues, outliers and near-duplicates, one row per item."""
    from cleanlab import Datalab

    lab = Datalab(data={"label": np.asarray(labels)}, label_name="label", verbosity=0)
    lab.find_issues(features=np.asarray(X), pred_probs=proba,
                    issue_types={"label": {}, "outlier": {}, "near_duplicate": {}})
    return lab.get_issues()


def precision_recall(flags, is_error) -> tuple[float, float]:
    flags, is_error = np.asarray(flags, bool), np.asarray(is_error, bool)
    precision = float(is_error[flags].mean()) if flags.any() else float("nan")
    recall = float(flags[is_error].mean()) if is_error.any() else float("nan")
    return precision, recall


def relabel_budget_curve(scores, is_error, budgets=(0.02, 0.05, 0.1, 0.2, 0.3, 0.5)) -> pd.DataFrame:
    """Share of the true errors found by reviewing the lowest-scored fraction of items, for each budget, and the
    lift over reviewing items at random (which finds, on average, the budget's share of the errors)."""
    scores, is_error = np.asarray(scores), np.asarray(is_error, bool)
    if not is_error.any():
        raise ValueError("there are no errors to find")
    order = np.argsort(scores, kind="stable")
    rows = []
    for budget in budgets:
        k = max(1, int(round(budget * len(scores))))
        found = is_error[order[:k]].sum() / is_error.sum()
        rows.append({"budget": budget, "reviewed": k, "errors_found": float(found), "lift": float(found / (k / len(scores)))})
    return pd.DataFrame(rows).set_index("budget")


# ----------------------------------------------------------------------------------------------- noise
def synthetic_noise(y, rate: float, kind: str = "uniform", seed: int = 0) -> np.ndarray:
    """Flip binary labels with cleanlab's noise generator. ``uniform``: each class flips with ``rate``;
    ``class_conditional``: POSITIVE flips 1.5x as often as NEGATIVE, ``rate`` on average."""
    from cleanlab.benchmarking.noise_generation import generate_noisy_labels

    y = np.asarray(y)
    if not 0 <= rate < 0.5:
        raise ValueError("rate must be in [0, 0.5)")
    flip_neg, flip_pos = {"uniform": (rate, rate), "class_conditional": (0.8 * rate, 1.2 * rate)}[kind]
    noise_matrix = np.array([[1 - flip_neg, flip_pos], [flip_neg, 1 - flip_pos]])  # P(noisy=row | true=column)
    np.random.seed(seed)  # cleanlab's generator draws from NumPy's global state
    return generate_noisy_labels(y, noise_matrix)


def true_noise_matrix(noisy, truth) -> np.ndarray:
    """P(noisy label = row | true label = column), counted."""
    noisy, truth = np.asarray(noisy), np.asarray(truth)
    return np.array([[np.mean(noisy[truth == j] == i) for j in (0, 1)] for i in (0, 1)])


def estimated_noise_matrix(labels, proba) -> np.ndarray:
    """cleanlab's estimate of P(noisy label = row | true label = column), from the confident joint."""
    from cleanlab.count import compute_confident_joint, estimate_latent

    labels = np.asarray(labels)
    _, noise_matrix, _ = estimate_latent(compute_confident_joint(labels, proba), labels)
    return noise_matrix


# ----------------------------------------------------------------------------------------------- remedies
def second_opinion(df: pd.DataFrame, seed: int = 1) -> np.ndarray:
    """For each item, the binary vote of another real rater (not the one behind ``single_label``): the first rater
    who took a side in a new random order, skipping one rating equal to ``single_label_rating``."""
    rng = np.random.default_rng(seed)
    votes = []
    for ratings, used in zip(df["ratings"], df["single_label_rating"]):
        ratings = list(np.asarray(ratings)[rng.permutation(len(ratings))])
        if used in ratings:
            ratings.remove(used)
        sided = [r for r in ratings if r != 0]
        votes.append(int(sided[0] > 0) if sided else -1)
    return np.array(votes)


def fit_mixup(X, y, alpha: float = 0.2, epochs: int = 40, lr: float = 0.05, weight_decay: float = 1e-4,
              seed: int = 0):
    """Logistic regression trained in torch on mixup batches (convex mixes of pairs of items and their labels).
    Returns a predict function: X -> P(POSITIVE)."""
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


def compare_remedies(X_train, noisy, flags, relabeled, X_test, y_test, smoothing: float = 0.1,
                     seed: int = 0) -> pd.DataFrame:
    """Test accuracy of the series' classifier after each remedy, all on the same train items and test split.
    ``relabeled``: the labels after the flagged items were re-labeled (-1 where no rater was available)."""
    from helpers.weak import soft_label_fit

    noisy, flags = np.asarray(noisy), np.asarray(flags, bool)
    keep = ~flags
    fixed = np.where(flags & (relabeled != -1), relabeled, noisy)
    smooth = np.where(noisy == 1, 1 - smoothing, smoothing)
    mixup = fit_mixup(X_train, noisy, seed=seed)
    rows = {
        "do nothing": classifier(seed).fit(X_train, noisy).score(X_test, y_test),
        "remove flagged": classifier(seed).fit(X_train[keep], noisy[keep]).score(X_test, y_test),
        "re-label flagged (another real rater)": classifier(seed).fit(X_train, fixed).score(X_test, y_test),
        f"label smoothing (eps={smoothing})": soft_label_fit(X_train, smooth, seed).score(X_test, y_test),
        "mixup (torch)": float(np.mean((mixup(X_test) > 0.5) == y_test)),
    }
    return pd.Series(rows, name="test accuracy").to_frame()


# ----------------------------------------------------------------------------------------------- several raters
def sided_rater_votes(df: pd.DataFrame, n_raters: int = 3, seed: int = 0) -> np.ndarray:
    """Binary votes of ``n_raters`` random raters per item among those who took a side (items x raters;
    -1 where an item has fewer such raters)."""
    rng = np.random.default_rng(seed)
    out = np.full((len(df), n_raters), -1)
    for i, ratings in enumerate(df["ratings"]):
        ratings = np.asarray(ratings)
        sided = ratings[ratings != 0]
        chosen = sided[rng.permutation(len(sided))[:n_raters]]
        out[i, : len(chosen)] = (chosen > 0).astype(int)
    return out


def majority_of(votes, seed: int = 0) -> np.ndarray:
    """Majority of the votes per item (-1 = missing), ties broken by a fair coin."""
    votes = np.asarray(votes)
    pos, neg = (votes == 1).sum(axis=1), (votes == 0).sum(axis=1)
    coin = np.random.default_rng(seed).integers(0, 2, len(votes))
    return np.where(pos > neg, 1, np.where(neg > pos, 0, coin))


def crowdlab_consensus(votes, proba) -> np.ndarray:
    """cleanlab's CROWDLAB consensus from several annotators' votes and a classifier's P(class)."""
    from cleanlab.multiannotator import get_label_quality_multiannotator

    wide = pd.DataFrame(np.where(np.asarray(votes) == -1, np.nan, votes))
    result = get_label_quality_multiannotator(wide, proba, verbose=False, return_annotator_stats=False,
                                              return_detailed_quality=False)
    return result["label_quality"]["consensus_label"].to_numpy()


def evaluate(movies: pd.DataFrame, X: np.ndarray, seed: int = 0) -> dict:
    """Notebook 05's measurements in one call, for the benchmark (train split; test only for the remedies)."""
    train, test = (movies["split"].to_numpy() == s for s in ("train", "test"))
    m, X_train = movies[train].reset_index(drop=True), X[train]
    noisy, truth = m["single_label"].to_numpy(), m["label"].to_numpy()
    is_error = noisy != truth
    proba = out_of_fold_proba(X_train, m["text"], noisy, seed=seed)["ensemble"]
    flags = find_label_issues(noisy, proba)
    quality = label_quality(noisy, proba)
    strength = np.log(quality) + 0.5 * np.log(np.abs(m["single_label_rating"].to_numpy()) / 4)
    flipped = synthetic_noise(truth, 0.2, "uniform", seed=seed)
    flipped_flags = find_label_issues(flipped, out_of_fold_proba(X_train, m["text"], flipped, seed=seed)["ensemble"])
    votes = sided_rater_votes(m, 3, seed=seed)
    majority = majority_of(votes, seed=seed)
    crowd = crowdlab_consensus(votes, out_of_fold_proba(X_train, m["text"], majority, seed=seed)["ensemble"])
    remedies = compare_remedies(X_train, noisy, flags, second_opinion(m, seed=seed + 1), X[test],
                                movies["label"].to_numpy()[test], seed=seed)["test accuracy"]
    (p_real, r_real), (p_syn, r_syn) = precision_recall(flags, is_error), precision_recall(flipped_flags, flipped != truth)
    return {
        "seed": seed, "real_noise_rate": float(is_error.mean()),
        "real_precision": p_real, "real_recall": r_real,
        "real_lift_at_10pct": float(relabel_budget_curve(quality, is_error).loc[0.1, "lift"]),
        "real_lift_at_10pct_with_rating_strength": float(relabel_budget_curve(strength, is_error).loc[0.1, "lift"]),
        "synthetic_uniform20_precision": p_syn, "synthetic_uniform20_recall": r_syn,
        "majority_of_3_accuracy": float(np.mean(majority == truth)), "crowdlab_3_accuracy": float(np.mean(crowd == truth)),
        **{f"remedy: {name}": float(acc) for name, acc in remedies.items()},
    }
