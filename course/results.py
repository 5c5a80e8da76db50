"""The figures the scripts in ``benchmarks/`` measured (``benchmarks/results/<name>.json``), for the notebooks that
quote them: each number has one source, the benchmark that computed it. The scoreboard of the lecture's claims that
reads them is :mod:`course.scoreboard`."""

from __future__ import annotations

import json

from helpers.internal.paths import ROOT

RESULTS_DIR = ROOT / "benchmarks" / "results"


def benchmark(name: str) -> dict:
    """One benchmark's result, its means (where it has them) flattened to the top level."""
    path = RESULTS_DIR / f"{name}.json"
    if not path.is_file():
        known = sorted(p.stem for p in RESULTS_DIR.glob("*.json"))
        raise ValueError(f"unknown benchmark {name!r}; choose one of {known} (or run benchmarks/{name}.py)")
    raw = json.loads(path.read_text())
    return {**raw, **raw.get("mean", {})}
