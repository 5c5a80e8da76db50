"""Part 6 — the hybrid pipeline: weak supervision, the LLM, active learning with humans and cleanlab over one pool of
sentences, every label with its source and its cost on one ledger. Taught in notebook 06.

The stages share a ``Pool``: ``labels`` (-1 = none yet), ``confidence`` and ``source`` per item. Human labels come
from one real rater per sentence (``single_label``), so humans are noisy here too; the test split is scored against
the raters' consensus.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers import weak
from helpers.cost import LabelingCost
from helpers.features import classifier

UNLABELED = -1


@dataclass
class CostLedger:
    """One cost ledger for every source: labels, dollars, human hours and machine seconds per stage. Human labels
    are priced by notebook 01's cost model (the lecture's $0.30 and 5 minutes per label by default)."""
    labeling_cost: LabelingCost = LabelingCost()
    rows: list = field(default_factory=list)

    def human(self, stage: str, n: int) -> None:
        self.rows.append({"stage": stage, "source": "human", "labels": n, "dollars": self.labeling_cost.dollars(n),
                          "human hours": self.labeling_cost.hours(n), "machine seconds": 0.0})

    def machine(self, stage: str, source: str, n: int, seconds: float, dollars: float = 0.0) -> None:
        self.rows.append({"stage": stage, "source": source, "labels": n, "dollars": dollars, "human hours": 0.0,
                          "machine seconds": seconds})

    def table(self) -> pd.DataFrame:
        cols = ["stage", "source", "labels", "dollars", "human hours", "machine seconds"]
        return pd.DataFrame(self.rows, columns=cols)

    @property
    def dollars(self) -> float:
        return float(sum(r["dollars"] for r in self.rows))

    @property
    def human_labels(self) -> int:
        return int(sum(r["labels"] for r in self.rows if r["source"] == "human"))


@dataclass
class Pool:
    """The unlabeled train sentences and what the stages have said about them so far."""
    df: pd.DataFrame
    X: np.ndarray
    labels: np.ndarray = None
    confidence: np.ndarray = None
    source: np.ndarray = None

    def __post_init__(self):
        if len(self.df) == 0:
            raise ValueError("the pool is empty")
        if len(self.X) != len(self.df):
            raise ValueError(f"{len(self.df)} sentences but {len(self.X)} feature rows")
        n = len(self.df)
        self.labels = np.full(n, UNLABELED) if self.labels is None else self.labels
        self.confidence = np.zeros(n) if self.confidence is None else self.confidence
        self.source = np.full(n, "", dtype=object) if self.source is None else self.source

    def set(self, idx, labels, confidence, source: str) -> None:
        idx = np.asarray(idx, dtype=int)
        labels = np.asarray(labels)
        if labels.shape != idx.shape:
            raise ValueError(f"{len(idx)} items but labels of shape {labels.shape}")
        self.labels[idx], self.confidence[idx], self.source[idx] = labels, confidence, source

    def counts(self) -> pd.Series:
        return pd.Series(self.source[self.labels != UNLABELED]).value_counts()


def weak_stage(pool: Pool, dev: pd.DataFrame, X_dev: np.ndarray, ledger: CostLedger, min_confidence: float = 0.8,
               seed: int = 0, drop=("lf_short", "lf_exclamation")) -> np.ndarray:
    """Stage 1: the notebook-03 LFs (the dev-model LF trained on the ``dev`` rows, whose labels are paid for on the
    ledger) -> Snorkel's LabelModel on the pool -> weak labels where its confidence is at least ``min_confidence``.
    Returns the label model's P(positive) for every pool item (0.5 where no LF voted)."""
    both = pd.concat([dev, pool.df], ignore_index=True)
    X_both = np.concatenate([X_dev, pool.X])
    is_dev = np.arange(len(both)) < len(dev)
    table = weak.add_lf_inputs(both, X_both, dev_mask=is_dev)
    lfs = [lf for lf in weak.make_lfs() if lf.name not in drop]
    L = weak.apply_lfs(table, lfs)[~is_dev]
    ledger.human("dev labels (LF checks, dev-model LF)", len(dev))
    covered = (L != weak.ABSTAIN).any(axis=1)
    proba = weak.fit_label_model(L, seed=seed).predict_proba(L)[:, 1]
    proba = np.where(covered, proba, 0.5)
    conf = np.maximum(proba, 1 - proba)
    keep = np.flatnonzero(conf >= min_confidence)
    pool.set(keep, (proba[keep] > 0.5).astype(int), conf[keep], "weak")
    ledger.machine("1 weak supervision", "weak", len(keep), 0.0)
    return proba


def least_sure(proba: np.ndarray, n: int) -> np.ndarray:
    """The ``n`` rows whose P(positive) is closest to 0.5 (ties in row order)."""
    return np.argsort(np.abs(np.asarray(proba) - 0.5), kind="stable")[:n]


def llm_stage(pool: Pool, rows: np.ndarray, p_llm: np.ndarray, ledger: CostLedger, min_confidence: float,
              seconds: float, dollars: float = 0.0) -> np.ndarray:
    """Stage 2: the LLM's P(positive) for ``rows`` (the items the label model is least sure about). Its label is
    kept where its confidence is at least ``min_confidence`` and above the weak label's. Returns the rows kept."""
    rows, p_llm = np.asarray(rows, dtype=int), np.asarray(p_llm, dtype=float)
    if p_llm.shape != rows.shape:
        raise ValueError(f"{len(rows)} items sent to the LLM but {p_llm.shape} scores back")
    conf = np.maximum(p_llm, 1 - p_llm)
    keep = conf >= np.maximum(min_confidence, pool.confidence[rows])
    pool.set(rows[keep], (p_llm[keep] > 0.5).astype(int), conf[keep], "llm")
    ledger.machine("2 LLM on what the label model is unsure about", "llm", int(keep.sum()), seconds, dollars)
    return rows[keep]


def active_stage(pool: Pool, ledger: CostLedger, budget: int, batch: int = 25, seed: int = 0) -> np.ndarray:
    """Stage 3: active learning with humans on what is still hard. A classifier trained on the labels so far
    (weighted by their confidence) picks, batch by batch, with modAL's ``uncertainty_sampling``, the items it is
    least sure about among those without a human label; one real rater answers (``single_label``). Returns the
    rows humans labeled."""
    from modAL.uncertainty import uncertainty_sampling

    answers = pool.df["single_label"].to_numpy()
    asked = []
    while len(asked) < budget:
        have = pool.labels != UNLABELED
        model = classifier(seed).fit(pool.X[have], pool.labels[have], sample_weight=pool.confidence[have])
        candidates = np.flatnonzero(pool.source != "human")
        picked, _ = uncertainty_sampling(model, pool.X[candidates], n_instances=min(batch, budget - len(asked)))
        pick = candidates[np.sort(picked)]
        pool.set(pick, answers[pick], 1.0, "human")
        asked.extend(pick.tolist())
    ledger.human("3 active learning (one rater per item)", len(asked))
    return np.array(asked)


def clean_stage(pool: Pool, ledger: CostLedger, seed: int = 0) -> np.ndarray:
    """Stage 4: cleanlab over the combined labels (out-of-fold probabilities from the embedding model); flagged
    weak and LLM labels are dropped, human labels are kept. Returns the dropped rows."""
    from helpers.noise import find_label_issues, out_of_fold

    have = np.flatnonzero(pool.labels != UNLABELED)
    proba = out_of_fold(classifier(seed), pool.X[have], pool.labels[have], seed)
    flags = find_label_issues(pool.labels[have], proba) & (pool.source[have] != "human")
    dropped = have[flags]
    pool.labels[dropped], pool.confidence[dropped], pool.source[dropped] = UNLABELED, 0.0, ""
    ledger.machine("4 cleanlab", "cleanlab", -len(dropped), 0.0)
    return dropped


def train_final(pool: Pool, X_test: np.ndarray, y_test: np.ndarray, seed: int = 0) -> float:
    """Stage 5: the final classifier on every label left (weighted by confidence); test accuracy vs consensus."""
    have = pool.labels != UNLABELED
    model = classifier(seed).fit(pool.X[have], pool.labels[have], sample_weight=pool.confidence[have])
    return float(model.score(X_test, y_test))


@dataclass
class Settings:
    """The knobs of one hybrid run; defaults are the ones the benchmark and notebook 06 use."""
    n_dev: int = 200  # human-labeled dev sentences to build and check the LFs with
    weak_confidence: float = 0.8
    llm_items: int = 100  # the label model's least sure items sent to the LLM
    llm_confidence: float = 0.8
    human_budget: int = 300  # active-learning labels
    seed: int = 0


def split_rows(movies: pd.DataFrame, n_dev: int, seed: int = 0):
    """Row indices of the pool (train split), the test split, and a paid-for sample of ``n_dev`` dev sentences."""
    split = movies["split"].to_numpy()
    dev = np.random.default_rng(seed).choice(np.flatnonzero(split == "dev"), n_dev, replace=False)
    return np.flatnonzero(split == "train"), np.flatnonzero(split == "test"), np.sort(dev)


def run_hybrid(movies: pd.DataFrame, X: np.ndarray, llm_label, settings: Settings = Settings()) -> dict:
    """The five stages end to end. ``llm_label(texts) -> (P(positive) array, seconds, dollars)`` labels with the
    LLM. Returns the test accuracy after each stage, the ledger and the pool."""
    s = settings
    train, test, dev = split_rows(movies, s.n_dev, s.seed)
    y_test = movies["label"].to_numpy()[test]
    ledger = CostLedger()
    pool = Pool(movies.iloc[train].reset_index(drop=True), X[train])
    after = {}
    proba_weak = weak_stage(pool, movies.iloc[dev].reset_index(drop=True), X[dev], ledger, s.weak_confidence, s.seed)
    after["1 weak supervision"] = train_final(pool, X[test], y_test, s.seed)
    if s.llm_items:
        unsure = least_sure(proba_weak, s.llm_items)
        p, seconds, dollars = llm_label(pool.df["text"].to_numpy()[unsure])
        llm_stage(pool, unsure, p, ledger, s.llm_confidence, seconds, dollars)
        after["2 + LLM"] = train_final(pool, X[test], y_test, s.seed)
    if s.human_budget:
        active_stage(pool, ledger, s.human_budget, seed=s.seed)
        after["3 + active learning"] = train_final(pool, X[test], y_test, s.seed)
    clean_stage(pool, ledger, s.seed)
    after["4 + cleanlab"] = train_final(pool, X[test], y_test, s.seed)
    return {"accuracy": after["4 + cleanlab"], "after": after, "ledger": ledger, "pool": pool}


def llm_labeler(conn, movies: pd.DataFrame, cache: bool = False, price_as: str | None = None):
    """``llm_label`` for ``run_hybrid``: notebook 04's logprob labeler with the shots and decision threshold that
    ``benchmarks/llm_labeling.py`` chose on the dev split. Dollars are priced at ``price_as`` (default: the local
    model's $0)."""
    from helpers import llm

    prompt, bias = llm.chosen_prompt(movies)

    def label(texts):
        labeler = llm.Labeler(conn, cache=llm.ResponseCache() if cache else None)
        p = llm.proba_from_logprobs(labeler.score([prompt(t) for t in texts]), bias)
        return p, labeler.ledger.seconds, labeler.ledger.cost(price_as or llm.LOCAL_MODEL)

    return label


def compare_strategies(movies: pd.DataFrame, X: np.ndarray, llm_label, settings: Settings = Settings()) -> dict:
    """The hybrid against single techniques on the same test split and ledger prices: all-human (consensus labels
    for the whole pool), as many random human labels as the hybrid bought, active learning with that budget,
    weak supervision only, and the LLM only (on as many random items as the hybrid sent it)."""
    from helpers.active import run_active_learning

    s = settings
    train, test, dev = split_rows(movies, s.n_dev, s.seed)
    y, single = movies["label"].to_numpy(), movies["single_label"].to_numpy()
    hybrid = run_hybrid(movies, X, llm_label, s)
    n_human = hybrid["ledger"].human_labels
    out = {"seed": s.seed, "hybrid_accuracy": hybrid["accuracy"], "hybrid_dollars": hybrid["ledger"].dollars,
           "hybrid_human_labels": float(n_human),
           **{f"after_{k}": v for k, v in hybrid["after"].items()},
           **{f"labels_{k}": float(v) for k, v in hybrid["pool"].counts().items()}}

    def fit(rows, labels):
        return float(classifier(s.seed).fit(X[rows], labels).score(X[test], y[test]))

    price = hybrid["ledger"].labeling_cost
    out["all_human_accuracy"], out["all_human_dollars"] = fit(train, y[train]), price.dollars(len(train))
    picked = np.random.default_rng(s.seed).choice(train, n_human, replace=False)
    out["human_random_accuracy"], out["human_random_dollars"] = fit(picked, single[picked]), price.dollars(n_human)
    curve = run_active_learning(X[train], single[train], X[test], y[test], "uncertainty", budget=n_human, batch=25,
                                seed=s.seed)
    out["active_learning_accuracy"], out["active_learning_dollars"] = float(curve["accuracy"].iat[-1]), out["human_random_dollars"]
    weak_only = run_hybrid(movies, X, llm_label, Settings(n_dev=s.n_dev, weak_confidence=0.5, llm_items=0,
                                                          human_budget=0, seed=s.seed))
    out["weak_only_accuracy"], out["weak_only_dollars"] = weak_only["accuracy"], weak_only["ledger"].dollars
    rows = np.random.default_rng(s.seed + 1).choice(train, s.llm_items, replace=False)
    p, _, dollars = llm_label(movies["text"].to_numpy()[rows])
    out["llm_only_accuracy"], out["llm_only_dollars"] = fit(rows, (p > 0.5).astype(int)), dollars
    out["hybrid_cost_share"] = out["hybrid_dollars"] / out["all_human_dollars"]
    return out
