"""The Baal model's settings (notebook 02), chosen on the dev split with random labels only, so that the choice
favours no query strategy: each candidate MLP is trained on 50, 100, 200 and 300 random pool labels (3 seeds) and
judged by its mean dev accuracy over those sizes; the series' logistic regression is the reference.

Run: .venv/bin/python benchmarks/baal_tuning.py   (after `make data`). One summary line + JSON.
"""

import itertools

import numpy as np
from common import write_json

import helpers
from helpers import active, features

SIZES, SEEDS = (50, 100, 200, 300), range(3)
GRID = {"steps": (10, 25, 50, 100), "lr": (3e-4, 1e-3, 3e-3, 1e-2), "dropout": (0.2, 0.5)}


def mean_accuracy(fit_predict, X_pool, y_pool, X_dev, y_dev) -> float:
    scores = []
    for seed, n in itertools.product(SEEDS, SIZES):
        idx = np.random.default_rng(seed).permutation(len(y_pool))[:n]
        scores.append(np.mean(fit_predict(X_pool[idx], y_pool[idx], X_dev, seed) == y_dev))
    return float(np.mean(scores))


def main() -> None:
    helpers.seed_everything()
    movies, X = features.binary_movies()
    y = movies["label"].to_numpy()
    pool, dev = ((movies["split"] == s).to_numpy() for s in ("train", "dev"))
    args = (X[pool], y[pool], X[dev], y[dev])
    rows = [{"model": "logistic regression (C=10)",
             "dev accuracy": mean_accuracy(lambda Xt, yt, Xe, s: active.model(s).fit(Xt, yt).predict(Xe), *args)}]
    for steps, lr, dropout in itertools.product(*GRID.values()):
        def fit_predict(Xt, yt, Xe, s, steps=steps, lr=lr, dropout=dropout):
            wrapper = active.baal_fit(Xt, yt, steps=steps, seed=s, lr=lr, dropout=dropout)
            return active.mc_proba(wrapper, Xe).mean(axis=-1).argmax(axis=1)
        rows.append({"model": "MLP", "steps": steps, "lr": lr, "dropout": dropout,
                     "dev accuracy": mean_accuracy(fit_predict, *args)})
    best = max(rows[1:], key=lambda r: r["dev accuracy"])
    write_json("baal_tuning", {"sizes": SIZES, "seeds": list(SEEDS), "best": best, "candidates": rows})
    print(f"Baal MLP on random labels, dev accuracy averaged over {SIZES} labels: best {best['dev accuracy']:.3f} "
          f"(steps {best['steps']}, lr {best['lr']}, dropout {best['dropout']}); logistic regression "
          f"{rows[0]['dev accuracy']:.3f} -> benchmarks/results/baal_tuning.json")


if __name__ == "__main__":
    main()
