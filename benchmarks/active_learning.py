"""Active learning on the movie sentences (notebook 02): every strategy over several seeds, on the dev split
(where the design was chosen) and on the test split (reported).

Run: .venv/bin/python benchmarks/active_learning.py [--seeds N]   (after `make data`). One summary line + JSON.
"""

import argparse
import json

from common import RESULTS

import helpers
from helpers import active, features

SETUPS = {
    "random": dict(strategy="random"),
    "random, cluster start": dict(strategy="random", start="clusters"),
    "uncertainty": dict(strategy="uncertainty"),
    "uncertainty, cluster start": dict(strategy="uncertainty", start="clusters"),
    "cluster diversity, cluster start": dict(strategy="cluster diversity", start="clusters"),
    "ranked batch (modAL)": dict(strategy="ranked batch (modAL)"),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args()
    helpers.seed_everything()
    movies, X = features.binary_movies()
    y = movies["label"].to_numpy()
    pool = (movies["split"] == "train").to_numpy()
    result, line = {"seeds": args.seeds, "budget": 300, "batch": 10}, []
    for split in ("dev", "test"):
        ev = (movies["split"] == split).to_numpy()
        curves = active.learning_curves(X[pool], y[pool], X[ev], y[ev], SETUPS, seeds=range(args.seeds),
                                        progress=False, budget=300, batch=10)
        table = active.savings(curves).join(active.area_under_curve(curves).rename("mean accuracy (AULC)"))
        result[split] = {"target": float(table["target"].iloc[0]),
                         "setups": table.drop(columns="target").round(4).reset_index(names="setup").to_dict("records")}
        best = table["saving"].idxmax()
        line.append(f"{split}: random@300 {table['target'].iloc[0]:.3f}, best {best} reaches it with "
                    f"{table.loc[best, 'labels to reach']:.0f} labels ({table.loc[best, 'saving']:.2f}x); uncertainty "
                    f"{table.loc['uncertainty', 'saving']:.2f}x")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "active_learning.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"active learning ({args.seeds} seeds, batch 10): " + "; ".join(line)
          + " -> benchmarks/results/active_learning.json")


if __name__ == "__main__":
    main()
