"""Part 6 helpers: the pool, the one ledger, and each stage on its own (the stages end to end run in notebook 06
and benchmarks/hybrid_pipeline.py on the real data)."""

import time

import numpy as np
import pandas as pd
import pytest

from helpers import features
from helpers import pipeline as pl
from helpers.cost import LabelingCost
from helpers.labels import ABSTAIN


def make_pool(n=6):
    df = pd.DataFrame({"id": range(n), "text": [f"s{i}" for i in range(n)], "single_label": [1, 0] * (n // 2)})
    X = np.random.default_rng(0).normal(size=(n, 3))
    return pl.Pool(df, X)


def test_pool_rejects_bad_input():
    with pytest.raises(ValueError, match="empty"):
        pl.Pool(pd.DataFrame({"text": []}), np.zeros((0, 3)))
    with pytest.raises(ValueError, match="6 sentences but 5"):
        pl.Pool(make_pool().df, np.zeros((5, 3)))
    with pytest.raises(ValueError, match="labels of shape"):
        make_pool().set([0, 1], [1], 1.0, "weak")


def test_ledger_one_table():
    led = pl.CostLedger()
    led.human("dev", 200)
    led.machine("llm", "llm", 80, seconds=30.0, dollars=0.05)
    t = led.table()
    assert led.dollars == pytest.approx(60.05) and led.human_labels == 200
    assert t["human hours"].sum() == pytest.approx(200 * 5 / 60)
    cheap = pl.CostLedger(LabelingCost(price_per_label=0.05))
    cheap.human("dev", 100)
    assert cheap.dollars == pytest.approx(5.0)
    with pytest.raises(ValueError, match="never negative"):
        led.machine("cleanlab", "cleanlab", -3, seconds=1.0)
    assert len(led.table()) == 2  # the bad row was not written


def test_llm_stage_keeps_only_sure_and_better():
    pool = make_pool()
    pool.set([0, 1], [1, 0], [0.95, 0.6], "weak")
    led = pl.CostLedger()
    kept = pl.llm_stage(pool, np.array([0, 1, 2, 3]), np.array([0.1, 0.9, 0.5, 0.85]), led, min_confidence=0.8,
                        seconds=2.0)
    assert kept.tolist() == [1, 3]  # row 0: weak label surer (0.95 > 0.9); row 2: LLM unsure
    assert pool.source.tolist()[:4] == ["weak", "llm", "", "llm"] and pool.labels[1] == 1
    with pytest.raises(ValueError, match="scores back"):
        pl.llm_stage(pool, np.array([0, 1]), np.array([0.1]), led, min_confidence=0.8, seconds=0.0)
    assert led.table()["labels"].tolist() == [2] and led.table()["machine seconds"].tolist() == [2.0]


def test_least_sure():
    assert pl.least_sure(np.array([0.9, 0.5, 0.45, 0.1]), 2).tolist() == [1, 2]


def test_active_stage_asks_one_rater_and_never_twice():
    pool = make_pool(40)
    pool.set(np.arange(10), np.arange(10) % 2, 0.9, "weak")
    led = pl.CostLedger()
    asked = pl.active_stage(pool, led, budget=12, batch=5)
    assert len(set(asked)) == 12 and led.human_labels == 12
    assert (pool.labels[asked] == pool.df["single_label"].to_numpy()[asked]).all()
    with pytest.raises(ValueError, match=r"budget \(human labels\) must be a whole number >= 0, got -1"):
        pl.active_stage(pool, led, budget=-1)
    assert len(pl.active_stage(pool, led, budget=0)) == 0  # all the budget spent elsewhere


def test_the_random_control_spends_the_same_budget_through_the_same_loop():
    pool, control = make_pool(40), make_pool(40)
    for p in (pool, control):
        p.set(np.arange(10), np.arange(10) % 2, 0.9, "weak")
    asked = pl.active_stage(pool, pl.CostLedger(), budget=12, batch=5)
    drawn = pl.active_stage(control, led := pl.CostLedger(), budget=12, batch=5, query="random", seed=3)
    assert len(set(drawn)) == 12 and led.human_labels == 12 and set(drawn) != set(asked)
    assert drawn.tolist() == pl.active_stage(make_pool(40), pl.CostLedger(), budget=12, batch=5, query="random",
                                             seed=3).tolist()  # seeded: the same draw again


@pytest.mark.parametrize("kwargs, message", [
    ({"budget": 10, "batch": 0}, r"batch must be a whole number >= 1, got 0"),  # looped forever before
    ({"budget": 10, "query": "margin"}, r"unknown query 'margin'; choose one of \['random', 'uncertainty'\]"),
    ({"budget": 2.5}, r"budget \(human labels\) must be a whole number >= 0, got 2\.5"),
])
def test_active_stage_refuses_sizes_that_cannot_end(kwargs, message):
    pool = make_pool(40)
    pool.set(np.arange(10), np.arange(10) % 2, 0.9, "weak")
    with pytest.raises(ValueError, match=message):
        pl.active_stage(pool, pl.CostLedger(), **kwargs)


def test_a_stage_run_twice_is_paid_once():
    """A re-run cell: weak_stage twice used to put the $60 of dev labels on the ledger twice."""
    led = pl.CostLedger()
    led.human("dev labels (LF checks, dev-model LF)", 200)
    led.human("dev labels (LF checks, dev-model LF)", 200)
    led.machine("2 LLM", "llm", 25, 1.0)
    led.machine("2 LLM", "llm", 26, 1.0)
    assert led.dollars == 60 and led.table()["labels"].tolist() == [200, 26]


@pytest.mark.parametrize("min_confidence", [80, 0.3, float("nan")])
def test_llm_stage_refuses_a_percentage_or_a_threshold_below_a_coin(min_confidence):
    pool = make_pool(10)
    with pytest.raises(ValueError, match="min_confidence must be a number from 0.5 to 1"):
        pl.llm_stage(pool, np.arange(3), np.array([0.9, 0.1, 0.5]), pl.CostLedger(), min_confidence=min_confidence,
                     seconds=1.0)


@pytest.fixture(scope="module")
def real():
    """400 real movie sentences (train split) as a pool, 100 dev sentences, 200 test sentences."""
    movies, X = features.binary_movies()
    split = movies["split"].to_numpy()
    rows = {s: np.flatnonzero(split == s)[:n] for s, n in (("train", 400), ("dev", 100), ("test", 200))}
    return movies, X, rows


@pytest.mark.data
def test_weak_stage_labels_the_sure_items_and_pays_for_dev(real):
    movies, X, rows = real
    pool = pl.Pool(movies.iloc[rows["train"]].reset_index(drop=True), X[rows["train"]])
    led = pl.CostLedger()
    began = time.perf_counter()
    proba = pl.weak_stage(pool, movies.iloc[rows["dev"]].reset_index(drop=True), X[rows["dev"]], led,
                          min_confidence=0.8)
    wall = time.perf_counter() - began
    weak = pool.source == "weak"
    assert proba.shape == (400,) and weak.sum() == led.table().loc[1, "labels"] > 100
    assert (np.maximum(proba, 1 - proba)[weak] >= 0.8).all() and (pool.labels[~weak] == ABSTAIN).all()
    assert np.mean(pool.labels[weak] == movies["label"].to_numpy()[rows["train"]][weak]) > 0.7
    assert led.table().loc[0, "labels"] == 100 and 0.25 * wall < led.table().loc[1, "machine seconds"] <= wall
    with pytest.raises(ValueError, match="100 dev sentences but 99"):
        pl.weak_stage(pool, movies.iloc[rows["dev"]], X[rows["dev"]][:99], led)


@pytest.mark.data
def test_clean_stage_drops_flagged_machine_labels_only(real):
    movies, X, rows = real
    y = movies["label"].to_numpy()[rows["train"]]
    pool = pl.Pool(movies.iloc[rows["train"]].reset_index(drop=True), X[rows["train"]])
    flipped = np.arange(0, 400, 10)  # every tenth weak label flipped: the errors cleanlab should find
    weak_labels = y.copy()
    weak_labels[flipped] = 1 - weak_labels[flipped]
    pool.set(np.arange(300), weak_labels[:300], 0.9, "weak")
    pool.set(np.arange(300, 400), weak_labels[300:], 1.0, "human")
    led = pl.CostLedger()
    began = time.perf_counter()
    dropped = pl.clean_stage(pool, led)
    wall = time.perf_counter() - began
    assert len(dropped) > 0 and (dropped < 300).all()  # human labels are kept
    assert np.isin(dropped, flipped).mean() > 0.5  # mostly the flipped labels, which are 10% of all
    assert np.isin(flipped[flipped < 300], dropped).mean() > 0.3 and (pool.labels[dropped] == ABSTAIN).all()
    row = led.table().iloc[0]
    assert row["labels"] == 0 and row["removed"] == len(dropped)
    assert 0.25 * wall < row["machine seconds"] <= wall  # the stage's own time, measured
    accuracy = pl.train_final(pool, X[rows["test"]], movies["label"].to_numpy()[rows["test"]])
    assert 0.6 < accuracy < 1


@pytest.mark.data
def test_run_hybrid_runs_the_five_steps_in_order_on_one_ledger():
    """The one pipeline (notebook 06 shows it, the benchmark calls it) on 1,200 real sentences; the LLM's place is
    taken by the raters' own mean, so the test checks the plumbing, not a model."""
    movies, X = features.binary_movies()
    keep = np.sort(np.random.default_rng(0).choice(len(movies), 1200, replace=False))
    movies, X = movies.iloc[keep].reset_index(drop=True), X[keep]
    sent = []

    def raters_mean(texts):
        sent.append(list(texts))
        mean = movies.set_index("text").loc[list(texts), "mean"].to_numpy()
        return 1 / (1 + np.exp(-mean)), 1.5, 0.25

    run = pl.run_hybrid(movies, X, raters_mean, pl.Settings(n_dev=60, llm_items=40, human_budget=50))
    stages = run["ledger"].table()["stage"].str[:1].tolist()
    assert stages == ["d", "1", "2", "3", "4"] and run["ledger"].human_labels == 60 + 50
    assert len(sent) == 1 and len(sent[0]) == 40 and run["ledger"].dollars == pytest.approx(0.3 * 110 + 0.25)
    assert list(run["after"]) == ["1 weak supervision", "2 + LLM", "3 + active learning", "4 + cleanlab"]
    assert run["accuracy"] == run["after"]["4 + cleanlab"] > 0.6
    weak_only = pl.run_hybrid(movies, X, raters_mean, pl.Settings(n_dev=60, llm_items=0, human_budget=0))
    assert len(sent) == 1 and list(weak_only["after"]) == ["1 weak supervision", "4 + cleanlab"]
