"""The hybrid pipeline (notebook 06) against single techniques, on one test split and one cost ledger, over seeds.

Run: .venv/bin/python benchmarks/hybrid_pipeline.py   (after `make data` and benchmarks/llm_labeling.py).
Prints one summary line, writes benchmarks/results/hybrid_pipeline.json. The pipeline is notebook 06's,
``helpers.pipeline.run_hybrid``.
"""

import dataclasses

import numpy as np
import pandas as pd
from common import run_over_seeds, write_result

from helpers import active, features, llm, pipeline

SEEDS = range(3)
CONN = None


def compare_strategies(movies: pd.DataFrame, X: np.ndarray, llm_label, settings: pipeline.Settings) -> dict:
    """The hybrid against single techniques on the same test split and ledger prices: all-human (one rater's label
    for every pool sentence), the consensus ceiling (every rater's, priced per judgement), as many random human
    labels as the hybrid bought, active learning with that budget, weak supervision only, the LLM only (on as many
    random items as the hybrid sent it), and the hybrid with random humans in stage 3 (the control for its active
    learning)."""
    s = settings
    train, test, dev = pipeline.split_rows(movies, s.n_dev, s.seed)
    y, single = movies["label"].to_numpy(), movies["single_label"].to_numpy()
    hybrid = pipeline.run_hybrid(movies, X, llm_label, s)
    n_human = hybrid["ledger"].human_labels
    out = {"seed": s.seed, "hybrid_accuracy": hybrid["accuracy"], "hybrid_dollars": hybrid["ledger"].dollars,
           "hybrid_human_labels": float(n_human),
           **{f"after_{k}": v for k, v in hybrid["after"].items()},
           **{f"labels_{k}": float(v) for k, v in hybrid["pool"].counts().items()}}

    def fit(rows, labels):
        return float(features.classifier(s.seed).fit(X[rows], labels).score(X[test], y[test]))

    price = hybrid["ledger"].labeling_cost  # one rule: every judgement at the same price
    out["all_human_accuracy"], out["all_human_dollars"] = fit(train, single[train]), price.dollars(len(train))
    ratings = int(movies["n_raters"].to_numpy()[train].sum())  # the consensus took every rater's judgement
    out["consensus_accuracy"], out["consensus_dollars"] = fit(train, y[train]), price.dollars(ratings)
    control = pipeline.run_hybrid(movies, X, llm_label, dataclasses.replace(s, human_query="random"))
    out["hybrid_random_humans_accuracy"] = control["accuracy"]
    out["after_3 + random humans"] = control["after"]["3 + active learning"]
    picked = np.random.default_rng(s.seed).choice(train, n_human, replace=False)
    out["human_random_accuracy"], out["human_random_dollars"] = fit(picked, single[picked]), price.dollars(n_human)
    curve = active.run_active_learning(X[train], single[train], X[test], y[test], strategy="uncertainty",
                                       budget=n_human, batch=25, seed=s.seed)
    out["active_learning_accuracy"] = float(curve["accuracy"].iat[-1])
    out["active_learning_dollars"] = out["human_random_dollars"]
    weak_settings = pipeline.Settings(n_dev=s.n_dev, weak_confidence=0.5, llm_items=0, human_budget=0, seed=s.seed)
    weak_only = pipeline.run_hybrid(movies, X, llm_label, weak_settings)
    out["weak_only_accuracy"], out["weak_only_dollars"] = weak_only["accuracy"], weak_only["ledger"].dollars
    rows = np.random.default_rng(s.seed + 1).choice(train, s.llm_items, replace=False)
    p, _, dollars = llm_label(movies["text"].to_numpy()[rows])
    out["llm_only_accuracy"], out["llm_only_dollars"] = fit(rows, (p > 0.5).astype(int)), dollars
    out["hybrid_cost_share"] = out["hybrid_dollars"] / out["all_human_dollars"]
    return out


def evaluate(movies, X, seed):
    global CONN
    CONN = CONN or llm.connect(timeout=120)
    settings = pipeline.Settings(llm_items=400, seed=seed)
    return compare_strategies(movies, X, pipeline.llm_labeler(CONN, movies, cache=True), settings)


def main() -> None:
    runs, m = run_over_seeds(evaluate, SEEDS)
    out = write_result("hybrid_pipeline", SEEDS, runs, m)
    print(f"hybrid pipeline ({len(SEEDS)} seeds): {m['hybrid_accuracy']:.3f} at ${m['hybrid_dollars']:.0f} "
          f"({m['hybrid_cost_share']:.1%} of all-human ${m['all_human_dollars']:.0f} at "
          f"{m['all_human_accuracy']:.3f}; consensus ceiling {m['consensus_accuracy']:.3f} for "
          f"${m['consensus_dollars']:,.0f}); random humans in stage 3 {m['hybrid_random_humans_accuracy']:.3f}; "
          f"human random {m['human_random_accuracy']:.3f}, active learning "
          f"{m['active_learning_accuracy']:.3f}, weak only {m['weak_only_accuracy']:.3f}, LLM only "
          f"{m['llm_only_accuracy']:.3f} -> {out}")


if __name__ == "__main__":
    main()
