"""Where does uncertainty sampling pay? (notebook 02, "Where it pays"). Uncertainty sampling against random queries
on the same model (the series' logistic regression, modAL), paired by seed, under conditions a real project meets:
the pool as it is, a rarer positive class (only a share of the pool's positive sentences kept, a new draw per seed),
and a weaker sentence encoder (all-MiniLM-L6-v2). The condition is chosen on dev (the largest mean gain); every
condition is also reported on test, with a 90% Student-t interval over the paired seeds.

The gain is the area under the learning curve (the mean accuracy over the run, 20 start labels, batches of 10, up to
the budget) of uncertainty minus random, on the whole dev or test split, where both classes are about equally
common: a rare class counts as much there as the common one.

Run: .venv/bin/python benchmarks/where_active_pays.py   (after `make data`; about 10 minutes on 2 cores)
"""

import numpy as np
from common import write_json

import helpers
from helpers import active, features, stats

SEEDS, BUDGET, BATCH = range(10), 200, 10
CONDITIONS = {"pool as it is": ("mpnet", 1.0), "positives 30% of their number": ("mpnet", 0.3),
              "positives 10% of their number": ("mpnet", 0.1), "weaker encoder (MiniLM)": ("minilm", 1.0)}


def gains(X, y, pool, evaluation, keep_positive: float) -> dict:
    """Per seed: the AULC of random and of uncertainty sampling, and the share of positives each labeled."""
    out = {"random": [], "uncertainty": [], "positives labeled, random": [], "positives labeled, uncertainty": []}
    for seed in SEEDS:
        rows = np.flatnonzero(pool)[active.fewer_positives(y[pool], keep_positive, seed)]
        for strategy in ("random", "uncertainty"):
            run = active.run_active_learning(X[rows], y[rows], X[evaluation], y[evaluation], strategy=strategy,
                                             budget=BUDGET, batch=BATCH, seed=seed)
            out[strategy].append(float(run["accuracy"].mean()))
            asked = np.concatenate(run["queried"].to_list())
            out[f"positives labeled, {strategy}"].append(float(y[rows][asked].mean()))
    return out


def main() -> None:
    helpers.seed_everything()
    results = {}
    for name, (encoder, keep) in CONDITIONS.items():
        movies, X = features.binary_movies(encoder)
        y = movies["label"].to_numpy()
        split = movies["split"].to_numpy()
        results[name] = {}
        for where in ("dev", "test"):
            runs = gains(X, y, split == "train", split == where, keep)
            gain = np.subtract(runs["uncertainty"], runs["random"])
            mean, low, high = stats.seed_interval(gain)
            results[name][where] = {"gain": round(mean, 4), "low": round(low, 4), "high": round(high, 4),
                                    "random_aulc": round(float(np.mean(runs["random"])), 4),
                                    "uncertainty_aulc": round(float(np.mean(runs["uncertainty"])), 4),
                                    "positive_share": {s: round(float(np.mean(runs[f"positives labeled, {s}"])), 3)
                                                       for s in ("random", "uncertainty")},
                                    "per_seed_gain": [round(g, 4) for g in gain]}
        print(name, results[name]["dev"]["gain"], results[name]["test"]["gain"], flush=True)
    chosen = max(results, key=lambda n: results[n]["dev"]["gain"])
    write_json("where_active_pays", {"seeds": len(SEEDS), "budget": BUDGET, "batch": BATCH, "n_start": 20,
                                     "conditions": results, "chosen_on_dev": chosen})
    t = results[chosen]["test"]
    print(f"chosen on dev: {chosen}; on test uncertainty minus random AULC {t['gain']:+.4f} "
          f"(90% interval {t['low']:+.4f} to {t['high']:+.4f}) -> benchmarks/results/where_active_pays.json")


if __name__ == "__main__":
    main()
