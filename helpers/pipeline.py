"""Part 6 — the hybrid pipeline: weak supervision, the LLM, active learning with humans and cleanlab over one pool of
sentences, every label with its source and its cost on one ledger. Taught in notebook 06; deep dive 06c sizes its
stages for larger data.

The stages share a ``Pool``: ``labels`` (``ABSTAIN`` = none yet), ``confidence`` and ``source`` per item. Human
labels come from one real rater per sentence (``single_label``), so humans are noisy here too; the test split is
scored against the raters' consensus.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers import weak
from helpers.cost import LabelingCost
from helpers.features import classifier
from helpers.labels import ABSTAIN, confidence
from helpers.validate import choice, share, shares, whole

LEDGER_COLUMNS = ["stage", "source", "labels", "removed", "dollars", "human hours", "machine seconds"]


@dataclass
class CostLedger:
    """One cost ledger for every source, one row per stage: labels it added, labels it removed, dollars, human
    hours and measured machine seconds. Human labels are priced by notebook 01's cost model.

    Args:
        labeling_cost: the price and time of a human label (``cost.LabelingCost()``: the lecture's $0.30 and
            5 minutes by default).
        rows: the ledger's rows so far (empty for a new ledger; the stages add them).

    Attributes:
        dollars: the total dollars so far (a property).
        human_labels: the human labels paid for so far (a property).
    """
    labeling_cost: LabelingCost = LabelingCost()
    rows: list = field(default_factory=list)

    def human(self, stage: str, n: int, seconds: float = 0.0) -> None:
        """``n`` human labels; ``seconds``: the machine time the stage took besides the humans' own."""
        self._add(stage, "human", n, 0, self.labeling_cost.dollars(n), self.labeling_cost.hours(n), seconds)

    def machine(self, stage: str, source: str, n: int, seconds: float, dollars: float = 0.0, removed: int = 0) -> None:
        """``n`` labels added (and ``removed`` taken away) by a program in ``seconds`` of measured machine time."""
        self._add(stage, source, n, removed, dollars, 0.0, seconds)

    def _add(self, stage, source, n, removed, dollars, hours, seconds) -> None:
        if not all(np.isfinite(v) and v >= 0 for v in (n, removed, seconds, dollars)):
            raise ValueError(f"{stage}: label counts, seconds and dollars are finite and never negative "
                             f"(labels {n}, removed {removed}, seconds {seconds}, dollars {dollars})")
        row = dict(zip(LEDGER_COLUMNS, (stage, source, int(n), int(removed), float(dollars), hours, float(seconds))))
        # one row per stage: a stage run again (a re-run cell) replaces its row instead of paying twice
        self.rows = [r for r in self.rows if r["stage"] != stage] + [row]

    def table(self) -> pd.DataFrame:
        """The ledger as a table.

        Returns:
            A DataFrame, one row per stage: stage, source, labels, removed, dollars, human hours and machine seconds.
        """
        return pd.DataFrame(self.rows, columns=LEDGER_COLUMNS)

    @property
    def dollars(self) -> float:
        """The total dollars on the ledger, every source."""
        return float(sum(r["dollars"] for r in self.rows))

    @property
    def human_labels(self) -> int:
        """How many human labels the ledger paid for."""
        return int(sum(r["labels"] for r in self.rows if r["source"] == "human"))


@dataclass
class Pool:
    """The unlabeled train sentences and what the stages have said about them so far.

    Args:
        df: the pool's rows of the data table (text, single_label, ...), index 0..n-1.
        X: their features, shape (n, d), row-aligned with ``df``.
        labels: the label per item; None starts with ``ABSTAIN`` (-1) everywhere.
        confidence: the label's confidence per item; None starts with 0.
        source: who gave each label ("weak", "llm", "human"; "" for none); None starts with "".
        stages: the stages that ran on this pool (each may run once); leave it out.

    Raises:
        ValueError: if the pool is empty or ``X`` has another number of rows than ``df``.
    """
    df: pd.DataFrame
    X: np.ndarray
    labels: np.ndarray = None
    confidence: np.ndarray = None
    source: np.ndarray = None
    stages: set = field(default_factory=set, repr=False)  # the stages that ran on this pool, each at most once

    def __post_init__(self):
        if len(self.df) == 0:
            raise ValueError("the pool is empty")
        if len(self.X) != len(self.df):
            raise ValueError(f"{len(self.df)} sentences but {len(self.X)} feature rows")
        n = len(self.df)
        self.labels = np.full(n, ABSTAIN) if self.labels is None else self.labels
        self.confidence = np.zeros(n) if self.confidence is None else self.confidence
        self.source = np.full(n, "", dtype=object) if self.source is None else self.source

    def set(self, idx, labels, confidence, source: str) -> None:
        idx = np.asarray(idx, dtype=int)
        labels = np.asarray(labels)
        if labels.shape != idx.shape:
            raise ValueError(f"{len(idx)} items but labels of shape {labels.shape}")
        if source != "human" and (self.source[idx] == "human").any():
            raise ValueError(f"{int((self.source[idx] == 'human').sum())} of these items have a human label: "
                             f"{source} labels never replace one (the ledger has paid for it)")
        self.labels[idx], self.confidence[idx], self.source[idx] = labels, confidence, source

    def counts(self) -> pd.Series:
        """How many labels each source gave.

        Returns:
            An int Series indexed by source ("weak", "llm", "human"), items without a label left out.
        """
        return pd.Series(self.source[self.labels != ABSTAIN]).value_counts()

    def once(self, stage: str) -> None:
        """Refuse a stage that already ran on this pool (a re-run cell): a second run would label again, or ask
        and pay humans again, while the ledger's row for the stage bills one run."""
        if stage in self.stages:
            raise ValueError(f"stage {stage!r} already ran on this pool; running it again would make the pool and "
                             "the ledger disagree. To run it again, start over from a fresh Pool and CostLedger (the "
                             "cell that makes them), then run the stages in order.")


def weak_stage(pool: Pool, dev: pd.DataFrame, X_dev: np.ndarray, ledger: CostLedger, *, min_confidence: float = 0.8,
               seed: int = 0) -> np.ndarray:
    """Stage 1: the notebook-03 LFs (the dev-model LF trained on the ``dev`` rows, whose labels are paid for on the
    ledger) -> Snorkel's LabelModel on the pool -> weak labels where its confidence is at least ``min_confidence``.
    A paid dev label is one rater's (``single_label``), as every human label on the ledger is.

    Args:
        pool: the pool; its unlabeled items get the weak labels (nothing is written over another label).
        dev: the paid dev rows of the data table (with single_label).
        X_dev: their features, shape (len(dev), d).
        ledger: the ledger the dev labels and the stage's machine time go on.
        min_confidence: the least label-model confidence, max(P, 1 - P), for a weak label, in [0.5, 1].
        seed: seed of the label model.

    Returns:
        The label model's P(positive) for every pool item, a float array (0.5 where no LF voted).

    Raises:
        ValueError: if ``dev`` and ``X_dev`` differ in length, ``min_confidence`` is outside [0.5, 1], or the stage
            already ran on this pool.
    """
    if len(dev) != len(X_dev):
        raise ValueError(f"{len(dev)} dev sentences but {len(X_dev)} dev feature rows")
    min_confidence = share(min_confidence, "min_confidence", 0.5, 1.0)
    pool.once("1 weak supervision")
    start = time.perf_counter()
    both = pd.concat([dev.assign(label=dev["single_label"]), pool.df], ignore_index=True)
    X_both = np.concatenate([X_dev, pool.X])
    is_dev = np.arange(len(both)) < len(dev)
    table = weak.add_lf_inputs(both, X_both, dev_mask=is_dev)
    L = weak.apply_lfs(table, weak.make_lfs())[~is_dev]
    ledger.human("dev labels (LF checks, dev-model LF)", len(dev))
    covered = (L != ABSTAIN).any(axis=1)
    proba = weak.fit_label_model(L, seed=seed).predict_proba(L)[:, 1]
    proba = np.where(covered, proba, 0.5)
    conf = confidence(proba)
    keep = np.flatnonzero((conf >= min_confidence) & (pool.labels == ABSTAIN))  # never over another label
    pool.set(keep, (proba[keep] > 0.5).astype(int), conf[keep], "weak")
    pool.stages.add("1 weak supervision")
    ledger.machine("1 weak supervision", "weak", len(keep), time.perf_counter() - start)
    return proba


def least_sure(proba: np.ndarray, n: int) -> np.ndarray:
    """The ``n`` rows whose P(positive) is closest to 0.5 (ties in row order).

    Args:
        proba: P(positive) per item, shares in [0, 1] (:func:`weak_stage`'s output).
        n: how many rows to pick, at most ``len(proba)``.

    Returns:
        An int array of ``n`` row positions, the least sure first.

    Raises:
        ValueError: for probabilities outside [0, 1] or NaN, or ``n`` above ``len(proba)``.
    """
    proba = shares(proba, "proba (P(positive) per item)")
    n = whole(n, "n (rows to pick)", 0)
    if n > len(proba):
        raise ValueError(f"n={n} rows asked for, but there are only {len(proba)}")
    return np.argsort(np.abs(proba - 0.5), kind="stable")[:n]


def llm_stage(pool: Pool, rows: np.ndarray, p_llm: np.ndarray, ledger: CostLedger, *, min_confidence: float,
              seconds: float, dollars: float = 0.0) -> np.ndarray:
    """Stage 2: the LLM's P(positive) for ``rows`` (the items the label model is least sure about). Its label is
    kept where its confidence is at least ``min_confidence`` and above the weak label's (never over a human label).

    Args:
        pool: the pool.
        rows: the pool rows sent to the LLM (:func:`least_sure`).
        p_llm: the LLM's P(positive) for those rows, shares in [0, 1], shape of ``rows``.
        ledger: the ledger the kept labels go on.
        min_confidence: the least LLM confidence, max(P, 1 - P), for its label to be kept, in [0.5, 1].
        seconds: the machine seconds the LLM run took (its own ledger measured them).
        dollars: what the LLM run cost.

    Returns:
        The pool rows that now hold the LLM's label, an int array.

    Raises:
        ValueError: for ``p_llm`` of another shape than ``rows`` or outside [0, 1], ``min_confidence`` outside
            [0.5, 1], or the stage already run on this pool.
    """
    rows, p_llm = np.asarray(rows, dtype=int), np.asarray(p_llm, dtype=float)
    if p_llm.shape != rows.shape:
        raise ValueError(f"{len(rows)} items sent to the LLM but {p_llm.shape} scores back")
    min_confidence = share(min_confidence, "min_confidence", 0.5, 1.0)
    if not (np.isfinite(p_llm).all() and ((p_llm >= 0) & (p_llm <= 1)).all()):
        raise ValueError("p_llm must be probabilities in [0, 1] (no NaN)")
    pool.once("2 LLM")
    conf = confidence(p_llm)
    keep = (conf >= np.maximum(min_confidence, pool.confidence[rows])) & (pool.source[rows] != "human")
    pool.set(rows[keep], (p_llm[keep] > 0.5).astype(int), conf[keep], "llm")
    pool.stages.add("2 LLM")
    ledger.machine("2 LLM on what the label model is unsure about", "llm", int(keep.sum()), seconds, dollars)
    return rows[keep]


AL_BATCH = 25  # human labels asked for per active-learning round (one query over the pool each)


HUMAN_QUERIES = ("uncertainty", "random")


def active_stage(pool: Pool, ledger: CostLedger, *, budget: int, batch: int = AL_BATCH, query: str = "uncertainty",
                 seed: int = 0) -> np.ndarray:
    """Stage 3: active learning with humans on what is still hard. A classifier trained on the labels so far
    (weighted by their confidence) picks, batch by batch, with modAL's ``uncertainty_sampling``, the items it is
    least sure about among those without a human label; one real rater answers (``single_label``).

    Args:
        pool: the pool; the answers become its human labels (confidence 1).
        ledger: the ledger the human labels are paid on.
        budget: human labels to ask for; 0 asks nothing and changes nothing.
        batch: items asked per round (``AL_BATCH``, 25, by default).
        query: "uncertainty", or "random", the control: the same loop and budget, the items drawn at random.
        seed: seed of the classifier and of the random draw.

    Returns:
        The pool rows humans labeled, an int array in the order asked.

    Raises:
        ValueError: for a bad ``budget``, ``batch`` or ``query``, labels of one class only (with "uncertainty"), or
            the stage already run on this pool.
    """
    from modAL.uncertainty import uncertainty_sampling

    from helpers.active import next_batch, random_sampling

    budget, batch = whole(budget, "budget (human labels)", 0), whole(batch, "batch", 1)
    query = choice(query, HUMAN_QUERIES, "query")
    if budget == 0:
        return np.array([], dtype=int)  # nothing asked, nothing paid, nothing changed
    pool.once("3 active learning")
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    answers = pool.df["single_label"].to_numpy()
    # the rounds work on a copy; the pool takes the answers at the end, with the ledger (an interrupt leaves both)
    labels, conf, source = pool.labels.copy(), pool.confidence.copy(), pool.source.copy()
    asked = []
    while len(asked) < budget:
        candidates = np.flatnonzero(source != "human")
        if len(candidates) == 0:
            break  # every item has a human label
        n = min(batch, budget - len(asked))
        if query == "random":
            pick = np.sort(next_batch(None, pool.X, candidates, n, random_sampling, random_state=rng))
        else:
            have = labels != ABSTAIN
            if len(set(labels[have].tolist())) < 2:
                raise ValueError("the labels so far hold one class only: stage 3 needs a model trained on both")
            model = classifier(seed).fit(pool.X[have], labels[have], sample_weight=conf[have])
            pick = np.sort(next_batch(model, pool.X, candidates, n, uncertainty_sampling))
        labels[pick], conf[pick], source[pick] = answers[pick], 1.0, "human"
        asked.extend(pick.tolist())
    pool.set(asked, answers[asked], 1.0, "human")
    pool.stages.add("3 active learning")
    ledger.human("3 active learning (one rater per item)", len(asked), time.perf_counter() - start)
    return np.array(asked)


def clean_stage(pool: Pool, ledger: CostLedger, *, seed: int = 0) -> np.ndarray:
    """Stage 4: cleanlab over the combined labels (out-of-fold probabilities from the embedding model); flagged
    weak and LLM labels are dropped, human labels are kept.

    Args:
        pool: the pool; the dropped items go back to ``ABSTAIN``.
        ledger: the ledger the stage's machine time and removals go on.
        seed: seed of the folds and the model.

    Returns:
        The dropped pool rows, an int array.

    Raises:
        ValueError: if the pool's labels hold fewer than two classes, or the stage already ran on this pool.
    """
    from helpers.noise import find_label_issues, out_of_fold

    pool.once("4 cleanlab")
    start = time.perf_counter()
    have = np.flatnonzero(pool.labels != ABSTAIN)
    if len(set(pool.labels[have].tolist())) < 2:
        raise ValueError("stage 4 cleans labels of both classes, and the pool has none or one class only: run the "
                         "labeling stages first")
    proba = out_of_fold(classifier(seed), pool.X[have], pool.labels[have], seed=seed)
    flags = find_label_issues(pool.labels[have], proba) & (pool.source[have] != "human")
    dropped = have[flags]
    pool.labels[dropped], pool.confidence[dropped], pool.source[dropped] = ABSTAIN, 0.0, ""
    pool.stages.add("4 cleanlab")
    ledger.machine("4 cleanlab", "cleanlab", 0, time.perf_counter() - start, removed=len(dropped))
    return dropped


def final_model(pool: Pool, *, seed: int = 0):
    """Stage 5: the final classifier on every label left, weighted by confidence."""
    have = pool.labels != ABSTAIN
    return classifier(seed).fit(pool.X[have], pool.labels[have], sample_weight=pool.confidence[have])


def train_final(pool: Pool, X_test: np.ndarray, y_test: np.ndarray, *, seed: int = 0) -> float:
    """Stage 5's test accuracy against the consensus: the final classifier on every label left, weighted by
    confidence.

    Args:
        pool: the pool, with at least some labels of both classes.
        X_test: the test features, shape (m, d).
        y_test: the consensus test labels, shape (m,).
        seed: seed of the model.

    Returns:
        The test accuracy, a float in [0, 1].
    """
    return float(final_model(pool, seed=seed).score(X_test, y_test))


@dataclass
class Settings:
    """The knobs of one hybrid run; defaults are the ones the benchmark and notebook 06 use.

    Args:
        n_dev: human-labeled dev sentences to build and check the LFs with, >= 1.
        weak_confidence: stage 1's least label-model confidence, in [0.5, 1].
        llm_items: the label model's least sure items sent to the LLM, >= 0 (0 skips stage 2).
        llm_confidence: stage 2's least LLM confidence, in [0.5, 1].
        human_budget: active-learning labels, >= 0 (0 skips stage 3).
        human_query: "uncertainty", or "random": the control for the active-learning stage.
        seed: the seed of every stage, >= 0.

    Raises:
        ValueError: for a size that is not a whole number, a confidence outside [0.5, 1] (0.8, not 80), or an
            unknown ``human_query``; checked when the settings are made, before a run spends anything.
    """
    n_dev: int = 200  # human-labeled dev sentences to build and check the LFs with
    weak_confidence: float = 0.8
    llm_items: int = 100  # the label model's least sure items sent to the LLM
    llm_confidence: float = 0.8
    human_budget: int = 300  # active-learning labels
    human_query: str = "uncertainty"  # or "random": the control for the active-learning stage
    seed: int = 0

    def __post_init__(self):
        """Checked here, before a run spends anything: sizes are whole numbers, confidences shares (0.8, not 80)."""
        whole(self.n_dev, "Settings.n_dev (dev labels)", 1)
        whole(self.llm_items, "Settings.llm_items (items sent to the LLM)", 0)
        whole(self.human_budget, "Settings.human_budget (active-learning labels)", 0)
        whole(self.seed, "Settings.seed", 0)
        share(self.weak_confidence, "Settings.weak_confidence", 0.5, 1.0)
        share(self.llm_confidence, "Settings.llm_confidence", 0.5, 1.0)
        choice(self.human_query, HUMAN_QUERIES, "Settings.human_query")


def split_rows(movies: pd.DataFrame, n_dev: int, seed: int = 0):
    """Row indices of the pool (train split), the test split, and a paid-for sample of ``n_dev`` dev sentences.

    Args:
        movies: the data table (``data.load()``), with a split column.
        n_dev: dev sentences to sample, at most the dev split's size.
        seed: seed of the sample.

    Returns:
        ``(train, test, dev)``: three int arrays of row positions in ``movies`` (dev sorted).

    Raises:
        ValueError: if ``n_dev`` is not a whole number or exceeds the dev split.
    """
    split = movies["split"].to_numpy()
    whole(n_dev, "n_dev (dev labels)", 0)
    if n_dev > (split == "dev").sum():
        raise ValueError(f"n_dev={n_dev} dev labels asked for, but the dev split has {(split == 'dev').sum()}")
    dev = np.random.default_rng(seed).choice(np.flatnonzero(split == "dev"), n_dev, replace=False)
    return np.flatnonzero(split == "train"), np.flatnonzero(split == "test"), np.sort(dev)


def run_hybrid(movies: pd.DataFrame, X: np.ndarray, llm_label, settings: Settings | None = None) -> dict:
    """The lecture's five steps end to end on a fresh pool and ledger: the one pipeline that notebook 06 shows and
    runs and ``benchmarks/hybrid_pipeline.py`` measures.

    Args:
        movies: the data table (``data.load()``).
        X: the features of every row of ``movies``, shape (len(movies), d).
        llm_label: ``llm_label(texts) -> (P(positive), seconds, dollars)``, the LLM stage's labeler
            (:func:`llm_labeler`).
        settings: the run's knobs; None means ``Settings()``.

    Returns:
        A dict: accuracy (the final test accuracy), after (test accuracy after each stage, by stage name), ledger
        (the ``CostLedger``), pool (the ``Pool``), and for choosing between runs without the test split: dev_right
        (a bool per dev sentence, in row order: is the final model right) and dev_paid (a bool per dev sentence: was
        its label paid for).
    """
    s = settings or Settings()
    train, test, dev = split_rows(movies, s.n_dev, s.seed)
    y_test = movies["label"].to_numpy()[test]
    pool, ledger, after = Pool(movies.iloc[train].reset_index(drop=True), X[train]), CostLedger(), {}
    # Step 1: weak supervision for the bulk labels (the LFs checked on n_dev paid dev labels)
    proba = weak_stage(pool, movies.iloc[dev].reset_index(drop=True), X[dev], ledger,
                       min_confidence=s.weak_confidence, seed=s.seed)
    after["1 weak supervision"] = train_final(pool, X[test], y_test, seed=s.seed)
    # Step 2: the LLM for the items the label model is least sure about
    if s.llm_items:
        unsure = least_sure(proba, s.llm_items)
        p, seconds, dollars = llm_label(pool.df["text"].to_numpy()[unsure])
        llm_stage(pool, unsure, p, ledger, min_confidence=s.llm_confidence, seconds=seconds, dollars=dollars)
        after["2 + LLM"] = train_final(pool, X[test], y_test, seed=s.seed)
    # Step 3: active learning with humans for what is still hard
    if s.human_budget:
        active_stage(pool, ledger, budget=s.human_budget, query=s.human_query, seed=s.seed)
        after["3 + active learning"] = train_final(pool, X[test], y_test, seed=s.seed)
    # Step 4: clean the noisy labels (cleanlab); step 5: the final model on every label left
    clean_stage(pool, ledger, seed=s.seed)
    model = final_model(pool, seed=s.seed)
    after["4 + cleanlab"] = float(model.score(X[test], y_test))
    all_dev = np.flatnonzero(movies["split"].to_numpy() == "dev")
    return {"accuracy": after["4 + cleanlab"], "after": after, "ledger": ledger, "pool": pool,
            "dev_right": model.predict(X[all_dev]) == movies["label"].to_numpy()[all_dev],
            "dev_paid": np.isin(all_dev, dev)}


def llm_labeler(conn, movies: pd.DataFrame, cache: bool = False, price_as: str | None = None):
    """``llm_label`` for :func:`run_hybrid`: notebook 04's logprob labeler with the shots and decision threshold that
    ``benchmarks/llm_labeling.py`` chose on the dev split.

    Args:
        conn: the LLM connection (``llm.connect()``).
        movies: the data table (``data.load()``), where the prompt's shots come from.
        cache: keep the replies in the response cache (``llm.ResponseCache()``), so a rerun sends nothing.
        price_as: the ``pricing.PRICES`` row the dollars are priced at; None: the ``llm.Labeler`` default ($0 for
            the bundled model, a price required for an endpoint elsewhere).

    Returns:
        A function ``label(texts) -> (p, seconds, dollars)``: P(positive) per text (a float array), and the run's
        seconds and dollars from its ledger.
    """
    from helpers import llm

    prompt, bias = llm.chosen_prompt(movies)

    def label(texts):
        labeler = llm.Labeler(conn, cache=llm.ResponseCache() if cache else None, price_as=price_as)
        p = llm.proba_from_logprobs(labeler.score([prompt(t) for t in texts]), bias)
        return p, labeler.ledger.seconds, labeler.ledger.cost(labeler.price)

    return label
