"""Part 2 of the lecture, active learning: the three query scores written out, experiments on modAL's
ActiveLearner (random, uncertainty, margin, entropy, modAL's ranked batch, the lecture's cluster-diversity batch),
cold start, a stopping rule, learning-curve metrics, and a human-in-the-loop labeling session. Taught in notebook 02.
"""

from __future__ import annotations

import contextlib
import warnings

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.linear_model import LogisticRegression

from helpers.features import C_FEW_LABELS, EMBEDDING_DIM, classifier
from helpers.internal.seeding import numpy_global_seed
from helpers.labels import NEGATIVE, POSITIVE
from helpers.validate import choice, proba_rows, share, whole

with warnings.catch_warnings():  # Baal draws its progress bars with tqdm.autonotebook, which warns on its first import
    warnings.simplefilter("ignore")  # in a notebook that it is "experimental": nothing a student can act on
    import tqdm.autonotebook  # noqa: F401


@contextlib.contextmanager
def quiet_modal():
    """Silence one warning inside the helpers' modAL calls only: modAL 0.4.2.1 passes
    ``check_X_y(force_all_finite=...)``, which scikit-learn 1.7 accepts with a FutureWarning on every query (1.8
    removed it: the reason for the pin). The warning says nothing a student can act on."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="'force_all_finite' was renamed", category=FutureWarning)
        yield


def model(seed: int = 0) -> LogisticRegression:
    """The series' classifier for the few labels of an active-learning run (``features.C_FEW_LABELS``).

    Args:
        seed: the model's ``random_state``.

    Returns:
        An unfitted scikit-learn ``LogisticRegression`` with C = ``C_FEW_LABELS`` (10.0).
    """
    return classifier(seed, C_FEW_LABELS)


# ----------------------------------------------------------------------------------------------- the three scores
def least_confidence(proba) -> np.ndarray:
    """1 - max p: high = uncertain.

    Args:
        proba: class probabilities, shape (n, classes), each row summing to 1 (``predict_proba``'s output).

    Returns:
        A float array of shape (n,), from 0 (sure) to 1 - 1/classes (a uniform guess).
    """
    proba = proba_rows(proba)
    return 1 - np.max(proba, axis=1)


def margin(proba) -> np.ndarray:
    """p1 - p2, the gap between the two most likely classes: LOW = uncertain.

    Args:
        proba: class probabilities, shape (n, classes) with at least 2 classes.

    Returns:
        A float array of shape (n,), in [0, 1]: 0 for a tie between the top two, 1 for a sure prediction.
    """
    top2 = np.sort(proba_rows(proba), axis=1)[:, -2:]
    return top2[:, 1] - top2[:, 0]


def entropy(proba, base: float = np.e) -> np.ndarray:
    """-sum p log p (natural log by default, as modAL/scipy; base=2 gives bits): high = uncertain.

    Args:
        proba: class probabilities, shape (n, classes); a 0 contributes nothing (0 log 0 = 0).
        base: the logarithm's base; e (nats) by default, 2 for bits.

    Returns:
        A float array of shape (n,), from 0 (sure) to log(classes) in that base.
    """
    proba = np.asarray(proba_rows(proba), dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(proba > 0, proba * np.log(proba), 0.0)
    return -terms.sum(axis=1) / np.log(base)


# ----------------------------------------------------------------------------------------------- query strategies
def random_sampling(classifier, X_pool, n_instances: int = 1, random_state=None):
    rng = np.random.default_rng(random_state)
    idx = rng.choice(len(X_pool), size=min(n_instances, len(X_pool)), replace=False)
    return idx, np.zeros(len(idx))


def cluster_diversity_sampling(classifier, X_pool, n_instances: int = 10, random_state: int = 0,
                               candidates: int = 20):
    """The lecture's diversity batch: cluster into ``n_instances`` groups (KMeans) and take the most uncertain item
    of each, so a batch is not ten near-copies of one hard sentence. The lecture clusters the whole pool every
    round; here only the ``candidates`` x ``n_instances`` most uncertain items are clustered, which keeps the
    batch among the hard sentences and costs milliseconds instead of seconds per round.

    A query strategy with modAL's signature: pass it as ``strategy=`` to :func:`run_active_learning`.

    Args:
        classifier: a fitted model with ``predict_proba`` (modAL passes its learner).
        X_pool: the features of the unlabeled candidates, shape (n, d).
        n_instances: the batch size, one item per cluster.
        random_state: seed of KMeans.
        candidates: how many of the most uncertain items per batch slot are clustered.

    Returns:
        ``(indices, scores)``: the chosen rows of ``X_pool`` (int array, at most ``n_instances``) and their least
        confidence.
    """
    uncertainty = least_confidence(classifier.predict_proba(X_pool))
    top = np.argsort(-uncertainty, kind="stable")[: candidates * n_instances]
    k = min(n_instances, len(top))
    clusters = KMeans(n_clusters=k, n_init=1, random_state=random_state).fit_predict(X_pool[top])
    picks = [top[clusters == c][np.argmax(uncertainty[top][clusters == c])] for c in range(k)
             if (clusters == c).any()]
    return np.array(picks), uncertainty[picks]


def cold_start(X, n: int, how: str = "random", seed: int = 0) -> np.ndarray:
    """The first ``n`` items to label before any model exists: at random, or one per KMeans cluster (the item
    nearest each centroid), which spreads them over the data.

    Args:
        X: the pool's features, shape (pool size, d).
        n: how many items to pick, 1 to the pool size.
        how: "random" or "clusters".
        seed: seed of the draw (and of KMeans).

    Returns:
        An int array of ``n`` distinct pool rows.

    Raises:
        ValueError: for an unknown ``how``, or ``n`` outside 1..pool size.
    """
    choice(how, ("random", "clusters"), "cold start")
    if not 1 <= whole(n, "n (items to label first)", 1) <= len(X):
        raise ValueError(f"n must be in 1..{len(X)} (the pool size), got {n}")
    if how == "random":
        return np.random.default_rng(seed).choice(len(X), size=n, replace=False)
    if how == "clusters":
        distances = KMeans(n_clusters=n, n_init=1, random_state=seed).fit(X).transform(X)
        chosen = list(dict.fromkeys(distances.argmin(axis=0).tolist()))  # two centroids may share a nearest item
        rest = np.random.default_rng(seed).permutation(np.setdiff1d(np.arange(len(X)), chosen))
        return np.array(chosen + rest[: n - len(chosen)].tolist())


def strategies() -> dict:
    """Query strategies by name (modAL's where modAL has them)."""
    from modAL.batch import uncertainty_batch_sampling
    from modAL.uncertainty import entropy_sampling, margin_sampling, uncertainty_sampling

    return {"random": random_sampling, "uncertainty": uncertainty_sampling, "margin": margin_sampling,
            "entropy": entropy_sampling, "ranked batch (modAL)": uncertainty_batch_sampling,
            "cluster diversity": cluster_diversity_sampling}


# ----------------------------------------------------------------------------------------------- experiments
def run_active_learning(X_pool, y_pool, X_eval, y_eval, *, strategy: str = "uncertainty", budget: int = 300,
                        batch: int = 10, n_start: int = 20, start: str = "random", seed: int = 0,
                        oracle=None) -> pd.DataFrame:
    """One active-learning run on modAL's ActiveLearner: start from ``n_start`` labeled items, then query ``batch``
    items at a time until ``budget`` labels.

    Args:
        X_pool: the pool's features, shape (n, d).
        y_pool: the pool's labels, 0/1 ints with both classes (``ABSTAIN`` rows dropped first), shape (n,).
        X_eval: the evaluation features, shape (m, d).
        y_eval: the evaluation labels, shape (m,).
        strategy: a name from ``strategies()`` ("random", "uncertainty", "margin", "entropy", "ranked batch (modAL)",
            "cluster diversity") or your own function with modAL's signature
            ``(classifier, X_pool, n_instances) -> indices`` (or ``(indices, scores)``).
        budget: the labels at which the run stops, start labels included.
        batch: items queried per round.
        n_start: labeled items before the first query (more are added at random until both classes are present).
        start: how the start items are chosen, "random" or "clusters" (:func:`cold_start`).
        seed: seed of the start, the model and the seeded strategies.
        oracle: ``oracle(pool_indices) -> labels`` answers the queries; None means the true labels ``y_pool``.

    Returns:
        The learning curve, a DataFrame with one row per round (row 0: the start): labels (so far), accuracy (on the
        eval set) and queried (the pool indices labeled in that round).

    Raises:
        ValueError: for an unknown strategy or start, labels that are not 0/1 of both classes, or not
            1 <= n_start <= budget <= pool size; also when a custom strategy returns wrong indices (a TypeError if
            they are not integers).
    """
    from modAL.models import ActiveLearner

    query = strategy if callable(strategy) else strategies()[choice(strategy, strategies(), "strategy")]
    y_pool = check_protocol(X_pool, y_pool, n_start, budget, start, batch)
    oracle = oracle or (lambda idx: y_pool[idx])
    labeled = first_labels(X_pool, oracle, n_start, start, seed)
    with quiet_modal():
        learner = ActiveLearner(estimator=model(seed), query_strategy=query,
                                X_training=X_pool[labeled], y_training=oracle(np.array(labeled)))
    rows = [{"labels": len(labeled), "accuracy": learner.score(X_eval, y_eval), "queried": np.array(labeled)}]
    seeded = not callable(strategy) and strategy in ("random", "cluster diversity")
    for chosen in rounds(learner, X_pool, labeled, oracle, budget=budget, batch=batch,
                         query_kwargs=(lambda n: {"random_state": seed + n}) if seeded else None):
        rows.append({"labels": len(labeled), "accuracy": learner.score(X_eval, y_eval), "queried": chosen})
    return pd.DataFrame(rows)


def first_labels(X_pool, oracle, n_start: int, start: str = "random", seed: int = 0) -> list:
    """The pool rows labeled before the first query: ``cold_start``'s ``n_start``, then random further items (never
    one already labeled) until ``oracle`` has named both classes, which a classifier needs to start."""
    labeled = list(cold_start(X_pool, n_start, start, seed))
    spare = iter(np.random.default_rng(seed).permutation(np.setdiff1d(np.arange(len(X_pool)), labeled)).tolist())
    while len(set(oracle(np.array(labeled)).tolist())) < 2:
        item = next(spare, None)
        if item is None:
            raise ValueError("every pool item got the same label: active learning needs both classes")
        labeled.append(item)
    return labeled


def next_batch(model, X_pool, candidates, n: int, query=None, **kwargs) -> np.ndarray:
    """The one query step: the ``n`` rows of ``X_pool`` among ``candidates`` (pool rows) that ``query`` picks
    (modAL's signature; default: the learner's own strategy), checked by :func:`_indices`; returns pool rows."""
    candidates = np.asarray(candidates, dtype=int)
    whole(n, "n (items to query)", 1)
    if not 0 < n <= len(candidates):
        raise ValueError(f"cannot query {n} items from {len(candidates)} unlabeled candidates")
    query = query or model.query_strategy
    with quiet_modal():
        picked = _indices(query(model, X_pool[candidates], n_instances=n, **kwargs), n, len(candidates))
    return candidates[picked]


def rounds(learner, X_pool, labeled: list, oracle, *, budget: int, batch: int, query_kwargs=None):
    """The one active-learning loop: until ``budget`` labels (or an empty pool), query ``batch`` items, have
    ``oracle`` label them, teach the learner, and yield the pool rows of that round. ``labeled`` (a list of pool
    rows) grows in place; ``query_kwargs(n_labeled)`` gives extra arguments for the query (a seed, say)."""
    unlabeled = np.setdiff1d(np.arange(len(X_pool)), labeled)
    while len(labeled) < budget and len(unlabeled):
        n = min(batch, budget - len(labeled))
        chosen = next_batch(learner, X_pool, unlabeled, n, **(query_kwargs(len(labeled)) if query_kwargs else {}))
        with quiet_modal():
            learner.teach(X_pool[chosen], oracle(chosen))
        labeled.extend(chosen.tolist())
        unlabeled = np.setdiff1d(unlabeled, chosen)
        yield chosen


def check_protocol(X_pool, y_pool, n_start: int, budget: int, start: str, batch: int = 1) -> np.ndarray:
    """The checks every active-learning run makes before it starts; returns the pool labels as an array of ints.
    The pool's labels are the binary ids 0 and 1, both present (an ``ABSTAIN`` of -1 or a label name is refused)."""
    choice(start, ("random", "clusters"), "cold start")
    n_start, budget = whole(n_start, "n_start", 1), whole(budget, "budget", 1)
    whole(batch, "batch", 1)
    y_pool = np.asarray(y_pool)
    if len(X_pool) == 0:
        raise ValueError("the pool is empty")
    if len(y_pool) != len(X_pool):
        raise ValueError(f"{len(X_pool)} pool items but {len(y_pool)} labels")
    if y_pool.dtype.kind not in "iub" or not np.isin(y_pool, (0, 1)).all():
        raise ValueError(f"pool labels must be the label ids 0 and 1 (drop ABSTAIN rows first), got values "
                         f"{sorted(set(y_pool.tolist()), key=str)[:5]}")
    if len(set(y_pool.tolist())) < 2:
        raise ValueError("the pool holds one class only: active learning needs both classes")
    if not n_start <= budget <= len(X_pool):
        raise ValueError(f"need 1 <= n_start <= budget <= pool size ({len(X_pool)}), got {n_start} and {budget}")
    return y_pool.astype(int)


def _indices(result, n: int, pool_size: int) -> np.ndarray:
    """The pool indices a query strategy chose: its result is the indices or (indices, scores), as in modAL.
    A strategy that returns the wrong number of indices, repeats one, or leaves the pool is a clear error."""
    if isinstance(result, tuple) and len(result) == 2:
        result = result[0]
    idx = np.asarray(result).ravel()
    if idx.dtype.kind not in "iu" and not (idx.dtype.kind == "f" and np.all(idx == idx.astype(int))):
        raise TypeError(f"a query strategy returns pool indices (integers), got {idx.dtype} values")
    idx = idx.astype(int)
    if len(idx) != n or len(set(idx.tolist())) != n:
        raise ValueError(f"the query strategy was asked for {n} distinct items and returned {len(idx)} indices "
                         f"({len(set(idx.tolist()))} distinct)")
    if idx.min() < 0 or idx.max() >= pool_size:
        raise ValueError(f"the query strategy returned an index outside the pool (0..{pool_size - 1})")
    return idx


def fewer_positives(y_pool, keep: float, seed: int = 0) -> np.ndarray:
    """The rows of a pool in which POSITIVE is rarer: every NEGATIVE row, and a random ``keep`` share of the POSITIVE
    ones (notebook 02's "where it pays", benchmarks/where_active_pays.py).

    Args:
        y_pool: the pool's labels, 0/1.
        keep: the share of POSITIVE rows kept, in (0, 1] (0.1, not 10).
        seed: seed of the draw.

    Returns:
        The kept row numbers, sorted.
    """
    keep = share(keep, "keep (a share of the positives)")
    if keep == 0:
        raise ValueError("keep must be above 0: a pool needs both classes")
    y_pool = np.asarray(y_pool)
    positives = np.flatnonzero(y_pool == 1)
    kept = np.random.default_rng(seed).choice(positives, round(len(positives) * keep), replace=False)
    return np.sort(np.concatenate([np.flatnonzero(y_pool == 0), kept]))


def learning_curves(X_pool, y_pool, X_eval, y_eval, setups: dict, *, seeds=range(5), progress: bool = False,
                    **common) -> pd.DataFrame:
    """Tidy learning curves for several named set-ups over several seeds.

    Args:
        X_pool, y_pool, X_eval, y_eval: the pool and evaluation set, as for :func:`run_active_learning`.
        setups: ``{name: dict of arguments}``; each dict holds ``run_active_learning`` arguments (modAL), or
            ``run_baal`` arguments when it names a Baal ``heuristic``.
        seeds: the seeds each set-up runs with.
        progress: show a progress bar (off by default: a saved notebook would show it at 0%).
        **common: arguments given to every run (e.g. ``budget=300``); a set-up's own arguments win.

    Returns:
        A DataFrame, one row per set-up, seed and round: setup, seed, labels and accuracy.

    Raises:
        TypeError: if ``setups`` is not a non-empty dict.
        ValueError: for no seeds, or an unknown strategy or heuristic (checked before the first run starts).
    """
    from tqdm.auto import tqdm

    if not isinstance(setups, dict) or not setups:
        raise TypeError("setups must be a non-empty dict: {name: dict of run_active_learning arguments}")
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds is empty: give at least one, e.g. seeds=range(5)")
    for name, setup in setups.items():  # every set-up checked before the first (long) run starts
        if "heuristic" in setup:
            choice(setup["heuristic"], BAAL_HEURISTICS, f"Baal heuristic (set-up {name!r})")
        elif not callable(strategy := setup.get("strategy", "uncertainty")):
            choice(strategy, strategies(), f"strategy (set-up {name!r})")
    jobs = [(name, seed) for name in setups for seed in seeds]
    frames = []
    for name, seed in tqdm(jobs, desc="active learning runs", disable=not progress):
        run = run_baal if "heuristic" in setups[name] else run_active_learning
        curve = run(X_pool, y_pool, X_eval, y_eval, seed=seed, **{**common, **setups[name]})
        frames.append(curve.assign(setup=name, seed=seed))
    return pd.concat(frames, ignore_index=True)[["setup", "seed", "labels", "accuracy"]]


# ----------------------------------------------------------------------------------------------- Baal: BALD
# Baal's side of the comparison: a small torch model whose dropout stays on at prediction time (Baal's
# MCDropoutModule), so that each forward pass is one sample of the model, and Baal's heuristics rank the pool from
# those samples. Hidden size, dropout, steps and learning rate were chosen on the dev split (benchmarks/baal_tuning.py).
BAAL_HEURISTICS = ("bald", "power bald", "random")
BAAL_STEPS, BAAL_LR, BAAL_DROPOUT = 25, 3e-3, 0.5  # the best mean dev accuracy on random labels (baal_tuning.py)


@contextlib.contextmanager
def quiet_baal():
    """Silence what Baal 2.1 prints on every call and a student cannot act on: its structlog INFO lines ("Starting
    training", "Start Predict") and torch's warning about how its loss metric copies a tensor.

    Use it as ``with active.quiet_baal(): ...`` around your own Baal calls; logging is restored afterwards.
    """
    import logging

    import structlog

    before = structlog.get_config()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Converting a tensor with requires_grad=True",
                                    category=UserWarning)
            warnings.filterwarnings("ignore", message="The given NumPy array is not writable", category=UserWarning)
            yield
    finally:
        structlog.configure(**before)  # the student's own logging is as it was


def baal_model(n_features: int = EMBEDDING_DIM, hidden: int = 128, dropout: float = BAAL_DROPOUT, seed: int = 0):
    """An MLP (embedding -> hidden -> ReLU -> dropout -> 2 logits) wrapped by Baal's ``MCDropoutModule``."""
    import torch
    from baal.bayesian.dropout import MCDropoutModule

    torch.manual_seed(seed)
    net = torch.nn.Sequential(torch.nn.Linear(n_features, hidden), torch.nn.ReLU(), torch.nn.Dropout(dropout),
                              torch.nn.Linear(hidden, 2))
    return MCDropoutModule(net)


def baal_wrapper(module, lr: float = BAAL_LR, weight_decay: float = 1e-4, batch_size: int = 1024):
    """Baal's ``ModelWrapper`` around ``module``: Adam, cross-entropy, on the CPU, no loader workers."""
    import torch
    from baal.modelwrapper import ModelWrapper, TrainingArgs

    optimizer = torch.optim.Adam(module.parameters(), lr=lr, weight_decay=weight_decay)
    return ModelWrapper(module, TrainingArgs(optimizer=optimizer, criterion=torch.nn.CrossEntropyLoss(),
                                             batch_size=batch_size, epoch=1, use_cuda=False, workers=0))


def baal_fit(X, y, *, steps: int = BAAL_STEPS, seed: int = 0, lr: float = BAAL_LR, hidden: int = 128,
             dropout: float = BAAL_DROPOUT):
    """A fresh Baal-wrapped MLP trained on (X, y) with ``steps`` full-batch Adam steps (``train_on_batch``)."""
    import torch

    wrapper = baal_wrapper(baal_model(X.shape[1], hidden, dropout, seed), lr=lr)
    data, target = torch.as_tensor(X, dtype=torch.float32), torch.as_tensor(np.asarray(y), dtype=torch.long)
    wrapper.train()
    for _ in range(steps):
        wrapper.train_on_batch(data, target)
    return wrapper


def mc_proba(wrapper, X, iterations: int = 20, chunk: int = 2048) -> np.ndarray:
    """Class probabilities from ``iterations`` Monte-Carlo dropout passes (Baal's ``predict_on_batch``), shape
    [items, classes, iterations]: Baal's layout, which its heuristics read."""
    import torch

    whole(iterations, "iterations (Monte-Carlo dropout passes)", 1), whole(chunk, "chunk", 1)
    wrapper.eval()
    parts = [wrapper.predict_on_batch(torch.as_tensor(X[i: i + chunk], dtype=torch.float32), iterations)
             for i in range(0, len(X), chunk)]
    return torch.softmax(torch.cat(parts), dim=1).numpy()


def baal_heuristic(name: str, batch: int):
    from baal.active.heuristics import BALD, Random
    from baal.active.heuristics.stochastics import PowerSampling

    choice(name, BAAL_HEURISTICS, "Baal heuristic")
    return {"bald": BALD, "random": Random, "power bald": lambda: PowerSampling(BALD(), query_size=batch)}[name]()


def run_baal(X_pool, y_pool, X_eval, y_eval, *, heuristic: str = "bald", budget: int = 300, batch: int = 10,
             n_start: int = 20, start: str = "random", seed: int = 0, iterations: int = 20,
             candidates: int | None = 2000, steps: int = BAAL_STEPS) -> pd.DataFrame:
    """One active-learning run with Baal: its ``ActiveLearningDataset`` keeps the labeled/pool split, a fresh
    Baal-wrapped MLP is trained each round, and a Baal heuristic ranks ``candidates`` pool items drawn at random
    each round (Baal's ``max_sample``) from ``iterations`` MC-dropout passes. Same protocol and output as
    ``run_active_learning`` (accuracy: the mean of the MC passes' probabilities).

    Args:
        X_pool, y_pool, X_eval, y_eval: the pool and evaluation set, as for :func:`run_active_learning`.
        heuristic: "bald", "power bald" or "random".
        budget: the labels at which the run stops, start labels included.
        batch: items queried per round.
        n_start: labeled items before the first query.
        start: how the start items are chosen, "random" or "clusters".
        seed: seed of the start, the models and the draws.
        iterations: Monte-Carlo dropout passes per prediction.
        candidates: pool items ranked per round; None ranks the whole pool.
        steps: full-batch Adam steps per training (``BAAL_STEPS`` by default).

    Returns:
        The learning curve, a DataFrame with one row per round: labels, accuracy and queried (pool indices).

    Raises:
        ValueError: for an unknown heuristic or start, bad sizes, or labels that are not 0/1 of both classes.
    """
    whole(iterations, "iterations (Monte-Carlo dropout passes)", 1), whole(steps, "steps", 1)
    if candidates is not None:
        whole(candidates, "candidates (pool items ranked per round, or None for all)", 1)
    import torch
    from baal.active.dataset import ActiveLearningDataset

    query = baal_heuristic(heuristic, batch)
    y_pool = check_protocol(X_pool, y_pool, n_start, budget, start, batch)
    with quiet_baal():
        rng = np.random.default_rng(seed)
        dataset = ActiveLearningDataset(torch.utils.data.TensorDataset(torch.as_tensor(X_pool),
                                                                       torch.as_tensor(y_pool)))
        dataset.label(cold_start(X_pool, n_start, start, seed).tolist())  # nothing labeled yet: pool index = row
        rows, queried = [], np.flatnonzero(dataset.labelled)
        while True:
            labeled = np.flatnonzero(dataset.labelled)
            wrapper = baal_fit(X_pool[labeled], y_pool[labeled], steps=steps, seed=seed + len(labeled))
            accuracy = float(np.mean(mc_proba(wrapper, X_eval, iterations).mean(axis=-1).argmax(axis=1) == y_eval))
            rows.append({"labels": len(labeled), "accuracy": accuracy, "queried": queried})
            if len(labeled) >= budget or dataset.n_unlabelled == 0:
                return pd.DataFrame(rows)
            n = min(batch, budget - len(labeled), int(dataset.n_unlabelled))
            pool = np.flatnonzero(~dataset.labelled)
            drawn = (np.sort(rng.choice(len(pool), candidates, replace=False)) if candidates and candidates < len(pool)
                     else np.arange(len(pool)))
            with numpy_global_seed(seed + len(labeled)):  # Baal's Random and stochastic heuristics draw from it
                probs = (np.full((len(drawn), 2, 1), 0.5) if heuristic == "random"
                         else mc_proba(wrapper, X_pool[pool[drawn]], iterations))
                picked = drawn[np.asarray(query.get_ranks(probs)[0])[:n]]  # (not query(probs): Baal 2.1's
                # stochastic heuristics break there)
            dataset.label(picked.tolist())  # pool-relative indices, as Baal expects
            queried = pool[picked]


# ----------------------------------------------------------------------------------------------- metrics
def curve_band(curves: pd.DataFrame) -> pd.DataFrame:
    """Mean and min/max over seeds of accuracy, per set-up and number of labels.

    Args:
        curves: tidy learning curves with columns setup, labels and accuracy (:func:`learning_curves`).

    Returns:
        A DataFrame, one row per set-up and number of labels: setup, labels, mean, low (min) and high (max).
    """
    g = curves.groupby(["setup", "labels"])["accuracy"]
    return pd.DataFrame({"mean": g.mean(), "low": g.min(), "high": g.max()}).reset_index()


def labels_to_reach(curves: pd.DataFrame, target: float) -> pd.Series:
    """Per set-up, the fewest labels from which on the mean curve (over seeds) stays at or above ``target``: a
    curve that touches the target once by luck and falls back does not count.

    Args:
        curves: tidy learning curves (:func:`learning_curves`).
        target: the accuracy to reach, a share in [0, 1] (0.8, not 80).

    Returns:
        A float Series indexed by set-up, named "labels to reach"; NaN where the mean curve ends below ``target``.

    Raises:
        ValueError: if ``target`` is not in [0, 1].
    """
    target, out = share(target, "target (an accuracy)"), {}
    for setup, b in curve_band(curves).groupby("setup", sort=False):
        below = np.flatnonzero(b["mean"].to_numpy() < target)
        if len(below) == 0:
            out[setup] = float(b["labels"].iloc[0])
        elif below[-1] + 1 < len(b):
            out[setup] = float(b["labels"].iloc[below[-1] + 1])
        else:
            out[setup] = np.nan
    return pd.Series(out, name="labels to reach")


def area_under_curve(curves: pd.DataFrame) -> pd.Series:
    """Mean accuracy over the whole labeling run (area under the mean learning curve / its width), per set-up.

    Args:
        curves: tidy learning curves (:func:`learning_curves`), at least two label counts per set-up.

    Returns:
        A float Series indexed by set-up: the mean accuracy, in [0, 1].
    """
    band = curve_band(curves)
    return band.groupby("setup").apply(lambda b: np.trapezoid(b["mean"], b["labels"]) / np.ptp(b["labels"]),
                                       include_groups=False)


def savings(curves: pd.DataFrame, reference: str = "random", at: int = 300) -> pd.DataFrame:
    """The target is what ``reference`` reaches at ``at`` labels; for each set-up the labels it needs to reach it,
    and the saving ratio (reference labels / set-up labels).

    Args:
        curves: tidy learning curves (:func:`learning_curves`).
        reference: the set-up that sets the target (usually "random").
        at: the number of labels at which ``reference``'s mean accuracy is taken; a point on its curve.

    Returns:
        A DataFrame indexed by set-up: labels to reach (NaN if never), saving (``at`` / those labels) and target.
    """
    band = curve_band(curves)
    target = band[(band["setup"] == reference) & (band["labels"] == at)]["mean"].item()
    needed = labels_to_reach(curves, target)
    return pd.DataFrame({"labels to reach": needed, "saving": at / needed}).assign(target=target)


# ----------------------------------------------------------------------------------------------- stopping
def stabilizing_predictions(X_pool, y_pool, X_stop, *, budget: int = 600, batch: int = 10, n_start: int = 20,
                            threshold: float = 0.99, window: int = 3, seed: int = 0) -> pd.DataFrame:
    """Uncertainty sampling with the stabilizing-predictions stopping rule (Bloodgood & Vijay-Shanker, 2009):
    stop once successive models agree on at least ``threshold`` of an unlabeled stop set for ``window`` rounds
    in a row. No labels are needed to decide.

    Args:
        X_pool: the pool's features, shape (n, d).
        y_pool: the pool's labels, 0/1 ints with both classes, shape (n,).
        X_stop: the unlabeled stop set's features, shape (m, d).
        budget: the most labels the run may use, start labels included.
        batch: items queried per round.
        n_start: random labeled items before the first query.
        threshold: the agreement between successive models' predictions that counts as stable, a share in [0, 1].
        window: how many stable rounds in a row stop the run.
        seed: seed of the start and the model.

    Returns:
        A DataFrame, one row per round: labels, agreement (with the previous model, in [0, 1]) and stop (whether
        the rule fired; the run ends at the first True, or at ``budget``).

    Raises:
        ValueError: for labels that are not 0/1 of both classes, bad sizes, or ``threshold`` outside [0, 1].
    """
    from modAL.models import ActiveLearner
    from modAL.uncertainty import uncertainty_sampling

    y_pool = check_protocol(X_pool, y_pool, n_start, budget, "random", batch)
    threshold, window = share(threshold, "threshold"), whole(window, "window", 1)
    oracle = lambda idx: y_pool[idx]  # noqa: E731
    labeled = first_labels(X_pool, oracle, n_start, "random", seed)
    with quiet_modal():
        learner = ActiveLearner(estimator=model(seed), query_strategy=uncertainty_sampling,
                                X_training=X_pool[labeled], y_training=y_pool[labeled])
    previous, streak, rows = learner.predict(X_stop), 0, []
    for _ in rounds(learner, X_pool, labeled, oracle, budget=budget, batch=batch):
        current = learner.predict(X_stop)
        agreement = float(np.mean(current == previous))
        streak = streak + 1 if agreement >= threshold else 0
        rows.append({"labels": len(labeled), "agreement": agreement, "stop": streak >= window})
        previous = current
        if streak >= window:
            break
    return pd.DataFrame(rows, columns=["labels", "agreement", "stop"])


# ----------------------------------------------------------------------------------------------- human in the loop
class LabelingSession:
    """Human-in-the-loop active learning: the learner asks for a batch of sentences, someone labels them (with the
    buttons of :meth:`widget`, or :meth:`answer_with` an oracle), the model retrains and the curve grows.

    Args:
        texts: the pool's sentences, one per row of ``X_pool`` (shown by the widget).
        X_pool: the pool's features, shape (n, d).
        X_eval: the evaluation features, shape (m, d).
        y_eval: the evaluation labels, shape (m,).
        start_labels: ``{pool index: 0 or 1}``, the labels to start from, both classes present.
        batch: sentences asked per round (the model retrains after each batch).
        seed: seed of the model.

    Attributes:
        curve: ``[(labels, accuracy), ...]``, one pair per trained model.
        queue: the pool indices of the current batch still to label, the next one first.

    Raises:
        ValueError: if the pool is empty or ``start_labels`` holds one class only.
    """

    def __init__(self, texts, X_pool, X_eval, y_eval, *, start_labels: dict, batch: int = 5, seed: int = 0):
        from modAL.models import ActiveLearner
        from modAL.uncertainty import uncertainty_sampling

        if len(X_pool) == 0:
            raise ValueError("the pool is empty")
        if len(set(start_labels.values())) < 2:
            raise ValueError("the start labels must contain both classes")
        self.texts, self.X_pool, self.X_eval, self.y_eval = list(texts), X_pool, X_eval, y_eval
        self.batch = whole(batch, "batch", 1)
        self.labels = dict(start_labels)  # pool index -> 0/1
        idx = np.array(list(self.labels))
        with quiet_modal():
            self.learner = ActiveLearner(estimator=model(seed), query_strategy=uncertainty_sampling,
                                         X_training=X_pool[idx], y_training=np.array(list(self.labels.values())))
        self.curve = [(len(self.labels), self.learner.score(X_eval, y_eval))]
        self.queue = self._query()

    def _query(self) -> list[int]:
        unlabeled = np.setdiff1d(np.arange(len(self.X_pool)), list(self.labels))
        if len(unlabeled) == 0:
            return []
        return next_batch(self.learner, self.X_pool, unlabeled, min(self.batch, len(unlabeled))).tolist()

    def answer(self, label: int) -> None:
        """Label the sentence at the head of the queue; when the batch is done, retrain and query the next one.

        Args:
            label: 0 (NEGATIVE) or 1 (POSITIVE).

        Raises:
            ValueError: for any other label.
            RuntimeError: when nothing is left to label.
        """
        if label not in (NEGATIVE, POSITIVE):
            raise ValueError("a label is 0 (NEGATIVE) or 1 (POSITIVE)")
        if not self.queue:
            raise RuntimeError("nothing left to label")
        index = self.queue.pop(0)
        self.labels[index] = label
        if not self.queue:
            idx = np.array(list(self.labels))
            with quiet_modal():
                self.learner.fit(self.X_pool[idx], np.array(list(self.labels.values())))
            self.curve.append((len(self.labels), self.learner.score(self.X_eval, self.y_eval)))
            self.queue = self._query()

    def answer_with(self, oracle, n_batches: int) -> pd.DataFrame:
        """Answer ``n_batches`` batches with an oracle instead of by hand.

        Args:
            oracle: ``oracle(pool_index) -> label`` (0 or 1), e.g. ``lambda i: y_pool[i]``.
            n_batches: how many batches to answer (fewer if the pool runs out).

        Returns:
            The learning curve so far, a DataFrame with columns labels and accuracy.
        """
        for _ in range(n_batches * self.batch):
            if not self.queue:
                break
            self.answer(int(oracle(self.queue[0])))
        return pd.DataFrame(self.curve, columns=["labels", "accuracy"])

    def widget(self):
        """Buttons to label the queried sentences by hand, and the learning curve, redrawn after every batch.

        A click labels the sentence the widget shows. If the session moved on meanwhile (another cell answered, say
        with :meth:`answer_with`), the click labels nothing and the widget shows the current sentence.

        Returns:
            An ``ipywidgets.VBox`` to display as a cell's last expression; each click calls :meth:`answer`.
        """
        import io

        import ipywidgets as w
        import matplotlib.pyplot as plt

        sentence, status, plot = w.HTML(), w.HTML(), w.Image(format="png", width=480)
        shown = [None]  # the pool index of the sentence on screen

        def refresh():
            shown[0] = self.queue[0] if self.queue else None
            if self.queue:
                sentence.value = f"<p style='font-size:1.2em'>{self.texts[self.queue[0]]}</p>"
                status.value = f"{len(self.labels)} labels so far; {len(self.queue)} left in this batch"
            else:
                sentence.value, status.value = "<p>The pool is exhausted.</p>", ""
            fig, ax = plt.subplots(figsize=(5, 2.5))  # drawn to a PNG inside the widget, not into the cell
            ax.plot(*zip(*self.curve), marker="o")
            ax.set(xlabel="labels", ylabel="test accuracy", title="Your learning curve")
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", bbox_inches="tight")
            plt.close(fig)
            plot.value = buffer.getvalue()

        def on_click(label):
            def click(_button):
                if self.queue and self.queue[0] == shown[0]:  # a stale widget labels nothing
                    self.answer(label)
                refresh()
            return click

        positive, negative = w.Button(description="POSITIVE"), w.Button(description="NEGATIVE")
        positive.on_click(on_click(1))
        negative.on_click(on_click(0))
        refresh()
        return w.VBox([sentence, w.HBox([negative, positive]), status, plot])
