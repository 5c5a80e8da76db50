"""What every benchmark script shares: run an ``evaluate(movies, X, seed)`` over seeds, and the one writer of
``benchmarks/results/<name>.json``, which records what produced each result (:func:`provenance`)."""

import json
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone
from importlib import metadata
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


PACKAGES = ("numpy", "scikit-learn", "torch", "modAL-python", "baal", "snorkel", "cleanlab", "openai", "xllamacpp",
            "sentence-transformers", "onnxruntime")


def provenance() -> dict:
    """What produced a result: commit (and whether the tree had changes), date, Python and package versions, CPU,
    usable cores, and the environment settings the series reads."""
    root = Path(__file__).resolve().parent.parent

    def git(*args):
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else None

    from helpers.internal.procs import usable_cpus

    return {"commit": git("rev-parse", "--short", "HEAD"), "uncommitted_changes": bool(git("status", "--porcelain")),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "python": sys.version.split()[0],
            "packages": {p: metadata.version(p) for p in PACKAGES},
            "cpu": cpu_name(), "usable_cores": usable_cpus(),
            "environment": {k: v for k, v in os.environ.items()
                            if k.startswith(("LABELING_", "LECTURE_MODE", "OPENAI_BASE_URL", "OPENAI_MODEL",
                                             "LLM_BENCH", "OMP_NUM_THREADS"))}}


def cpu_name() -> str:
    try:
        return next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or platform.machine()


def write_json(name: str, payload: dict) -> Path:
    """Write ``benchmarks/results/<name>.json`` with its provenance; return the path (relative where it can)."""
    path = RESULTS / f"{name}.json"
    RESULTS.mkdir(exist_ok=True)
    path.write_text(json.dumps({**payload, "provenance": provenance()}, indent=2) + "\n")
    return path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path


def write_result(name: str, seeds, runs: list[dict], mean: dict, **extra) -> Path:
    rounded = [{k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items()} for r in runs]
    return write_json(name, {"seeds": list(seeds), **extra, "mean": mean, "runs": rounded})
