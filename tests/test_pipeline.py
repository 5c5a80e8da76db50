"""Part 6 helpers: the pool, the one ledger, and the stages' bookkeeping (the stages end to end run in notebook 06
and benchmarks/hybrid_pipeline.py on the real data)."""

import numpy as np
import pandas as pd
import pytest

from helpers import pipeline as pl
from helpers.cost import LabelingCost


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


def test_llm_stage_keeps_only_sure_and_better():
    pool = make_pool()
    pool.set([0, 1], [1, 0], [0.95, 0.6], "weak")
    led = pl.CostLedger()
    kept = pl.llm_stage(pool, np.array([0, 1, 2, 3]), np.array([0.1, 0.9, 0.5, 0.85]), led, 0.8, seconds=2.0)
    assert kept.tolist() == [1, 3]  # row 0: weak label surer (0.95 > 0.9); row 2: LLM unsure
    assert pool.source.tolist()[:4] == ["weak", "llm", "", "llm"] and pool.labels[1] == 1
    with pytest.raises(ValueError, match="scores back"):
        pl.llm_stage(pool, np.array([0, 1]), np.array([0.1]), led, 0.8, seconds=0.0)


def test_least_sure():
    assert pl.least_sure(np.array([0.9, 0.5, 0.45, 0.1]), 2).tolist() == [1, 2]


def test_active_stage_asks_one_rater_and_never_twice():
    pool = make_pool(40)
    pool.set(np.arange(10), np.arange(10) % 2, 0.9, "weak")
    led = pl.CostLedger()
    asked = pl.active_stage(pool, led, budget=12, batch=5)
    assert len(set(asked)) == 12 and led.human_labels == 12
    assert (pool.labels[asked] == pool.df["single_label"].to_numpy()[asked]).all()
