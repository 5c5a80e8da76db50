"""Active learning (notebook 02): every strategy over several seeds on the movie sentences, on the dev split
(where the recommendation is chosen) and on the test split (reported); then the recommended set-up against random
sampling on the archive's Amazon product snippets, a domain it was not chosen on (test split).

The recommendation is the set-up with the largest saving on dev (ties: the higher mean accuracy over the run).
Run: .venv/bin/python benchmarks/active_learning.py [--seeds N]   (after `make data`). One summary line + JSON.
"""

import argparse
import time

import pandas as pd
import torch
from common import write_json

import helpers
from helpers import active, features
from helpers.internal import embeddings

SETUPS = {
    "random": dict(strategy="random"),
    "random, cluster start": dict(strategy="random", start="clusters"),
    "uncertainty": dict(strategy="uncertainty"),
    "uncertainty, cluster start": dict(strategy="uncertainty", start="clusters"),
    "cluster diversity, cluster start": dict(strategy="cluster diversity", start="clusters"),
    "ranked batch (modAL)": dict(strategy="ranked batch (modAL)"),
    "random (Baal MLP)": dict(heuristic="random"),
    "BALD (Baal MLP)": dict(heuristic="bald"),
    "BALD (Baal MLP), cluster start": dict(heuristic="bald", start="clusters"),
    "power BALD (Baal MLP)": dict(heuristic="power bald"),
}
PROTOCOL = dict(budget=300, batch=10, n_start=20)


def compare(X_pool, y_pool, X_eval, y_eval, setups, seeds) -> tuple[dict, dict]:
    """The savings/AULC table of ``setups`` (JSON records) and each set-up's seconds per run."""
    seconds, frames = {}, []
    for name, setup in setups.items():
        start = time.perf_counter()
        frames.append(active.learning_curves(X_pool, y_pool, X_eval, y_eval, {name: setup}, seeds=seeds,
                                             **PROTOCOL))
        seconds[name] = round((time.perf_counter() - start) / len(seeds), 2)
    curves = pd.concat(frames, ignore_index=True)
    table = active.savings(curves).join(active.area_under_curve(curves).rename("mean accuracy (AULC)"))
    return {"target": float(table["target"].iloc[0]),
            "setups": table.drop(columns="target").round(4).reset_index(names="setup").to_dict("records")}, seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args()
    seeds = range(args.seeds)
    helpers.seed_everything()
    torch.set_num_threads(1)  # the MLP is tiny; one thread is as fast and does not stall beside other work
    result, line = {"seeds": args.seeds, **PROTOCOL}, []
    movies, X = features.binary_movies()
    y = movies["label"].to_numpy()
    pool = (movies["split"] == "train").to_numpy()
    for split in ("dev", "test"):
        ev = (movies["split"] == split).to_numpy()
        result[split], seconds = compare(X[pool], y[pool], X[ev], y[ev], SETUPS, seeds)
        result["seconds per run"] = seconds
    dev = {r["setup"]: r for r in result["dev"]["setups"]}
    chosen = max(dev, key=lambda s: (dev[s]["saving"] if dev[s]["saving"] == dev[s]["saving"] else 0,
                                     dev[s]["mean accuracy (AULC)"]))
    result["recommended"] = chosen
    test = {r["setup"]: r for r in result["test"]["setups"]}
    line.append(f"movies: recommended (best on dev) {chosen}: dev {dev[chosen]['labels to reach']:.0f} labels "
                f"({dev[chosen]['saving']:.2f}x), test {test[chosen]['labels to reach']:.0f} labels "
                f"({test[chosen]['saving']:.2f}x) to reach random's 300-label accuracy "
                f"(test {result['test']['target']:.3f}); AULC {test[chosen]['mean accuracy (AULC)']:.3f} vs random "
                f"{test['random']['mean accuracy (AULC)']:.3f}")
    amazon, X_a = embeddings.binary_domain("amazon")
    y_a = amazon["label"].to_numpy()
    pool_a, test_a = ((amazon["split"] == s).to_numpy() for s in ("train", "test"))
    checked = {name: SETUPS[name] for name in dict.fromkeys(["random", "random (Baal MLP)", chosen])}
    result["amazon"], _ = compare(X_a[pool_a], y_a[pool_a], X_a[test_a], y_a[test_a], checked, seeds)
    result["amazon"]["sentences"] = {"pool": int(pool_a.sum()), "test": int(test_a.sum())}
    am = {r["setup"]: r for r in result["amazon"]["setups"]}
    line.append(f"amazon test: {chosen} {am[chosen]['labels to reach']:.0f} labels ({am[chosen]['saving']:.2f}x), "
                f"AULC {am[chosen]['mean accuracy (AULC)']:.3f} vs random {am['random']['mean accuracy (AULC)']:.3f}")
    write_json("active_learning", result)
    print(f"active learning ({args.seeds} seeds, batch 10): " + "; ".join(line)
          + " -> benchmarks/results/active_learning.json")


if __name__ == "__main__":
    main()
