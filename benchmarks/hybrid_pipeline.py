"""The hybrid pipeline (notebook 06) against single techniques, on one test split and one cost ledger, over seeds.

Run: .venv/bin/python benchmarks/hybrid_pipeline.py   (after `make data` and benchmarks/llm_labeling.py).
Prints one summary line, writes benchmarks/results/hybrid_pipeline.json.
"""

import numpy as np

from common import run_over_seeds, write_result

from helpers import llm, pipeline

SEEDS = range(3)
CONN = None


def evaluate(movies, X, seed):
    global CONN
    CONN = CONN or llm.connect(timeout=120)
    settings = pipeline.Settings(llm_items=400, seed=seed)
    return pipeline.compare_strategies(movies, X, pipeline.llm_labeler(CONN, movies, cache=True), settings)


def main() -> None:
    runs, m = run_over_seeds(evaluate, SEEDS)
    out = write_result("hybrid_pipeline", SEEDS, runs, m)
    print(f"hybrid pipeline ({len(SEEDS)} seeds): {m['hybrid_accuracy']:.3f} at ${m['hybrid_dollars']:.0f} "
          f"({m['hybrid_cost_share']:.1%} of all-human ${m['all_human_dollars']:.0f}, ceiling "
          f"{m['all_human_accuracy']:.3f}); human random {m['human_random_accuracy']:.3f}, active learning "
          f"{m['active_learning_accuracy']:.3f}, weak only {m['weak_only_accuracy']:.3f}, LLM only "
          f"{m['llm_only_accuracy']:.3f} -> {out}")


if __name__ == "__main__":
    main()
