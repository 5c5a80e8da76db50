"""A better representation against a cleverer query (notebook 02): random sampling and uncertainty sampling with
the same logistic regression (active.model) on all-MiniLM-L6-v2 and on all-mpnet-base-v2 embeddings of the same
movie sentences, the same protocol as benchmarks/active_learning.py (20 random labels, batches of 10, to 300), on
the test split. Both encoders' embeddings are cached by `make data`.

Run: .venv/bin/python benchmarks/encoder_vs_query.py [--seeds N]   (after `make data`; about 4 min on 2 cores).
"""

import argparse

from active_learning import PROTOCOL
from active_learning import SETUPS as ALL_SETUPS
from common import write_json

import helpers
from helpers import active, features
from helpers.internal import embeddings

SETUPS = {name: ALL_SETUPS[name] for name in ("random", "uncertainty")}  # active_learning.py's, same protocol


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args()
    helpers.seed_everything()
    result, line = {"seeds": args.seeds, **PROTOCOL, "curves": {}, "at_300": {}}, []
    for encoder in embeddings.ENCODERS:
        movies, X = features.binary_movies(encoder)
        y, split = movies["label"].to_numpy(), movies["split"].to_numpy()
        pool, test = split == "train", split == "test"
        curves = active.learning_curves(X[pool], y[pool], X[test], y[test], SETUPS, seeds=range(args.seeds),
                                        **PROTOCOL)
        band = active.curve_band(curves)
        result["curves"][encoder] = {s: {"labels": b["labels"].tolist(), "mean": b["mean"].round(4).tolist(),
                                         "low": b["low"].round(4).tolist(), "high": b["high"].round(4).tolist()}
                                     for s, b in band.groupby("setup")}
        result["at_300"][encoder] = {s: round(float(b["mean"].iloc[-1]), 4) for s, b in band.groupby("setup")}
        line.append(f"{encoder} random {result['at_300'][encoder]['random']:.3f}, "
                    f"uncertainty {result['at_300'][encoder]['uncertainty']:.3f}")
    write_json("encoder_vs_query", result)
    print(f"encoder vs query at 300 labels ({args.seeds} seeds, test): " + "; ".join(line)
          + " -> benchmarks/results/encoder_vs_query.json")


if __name__ == "__main__":
    main()
