"""What every benchmark script shares: run an ``evaluate(movies, X, seed)`` over seeds and write the JSON result."""

import json
from pathlib import Path

import numpy as np

import helpers
from helpers import features

RESULTS = Path(__file__).resolve().parent / "results"


def run_over_seeds(evaluate, seeds) -> tuple[list[dict], dict]:
    """All runs, and the mean of every numeric figure over them."""
    helpers.seed_everything()
    movies, X = features.binary_movies()
    runs = [evaluate(movies, X, seed=s) for s in seeds]
    numeric = [k for k, v in runs[0].items() if isinstance(v, float)]
    return runs, {k: round(float(np.mean([r[k] for r in runs])), 4) for k in numeric}


def write_result(name: str, seeds, runs: list[dict], mean: dict, **extra) -> Path:
    path = RESULTS / f"{name}.json"
    RESULTS.mkdir(exist_ok=True)
    rounded = [{k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items()} for r in runs]
    path.write_text(json.dumps({"seeds": list(seeds), **extra, "mean": mean, "runs": rounded}, indent=2) + "\n")
    return path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
