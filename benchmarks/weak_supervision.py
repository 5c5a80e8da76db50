"""Weak supervision on the movie sentences (notebook 03) over several label-model seeds.

Run: .venv/bin/python benchmarks/weak_supervision.py   (after `make data`). Prints one summary line, writes JSON.
"""

import json
from pathlib import Path

import numpy as np

import helpers
from helpers import features, weak

OUT = Path(__file__).resolve().parent / "results" / "weak_supervision.json"
SEEDS = range(5)


def main() -> None:
    helpers.seed_everything()
    movies, X = features.binary_movies()
    runs = [weak.evaluate(movies, X, seed=s) for s in SEEDS]
    numeric = [k for k, v in runs[0].items() if isinstance(v, float)]
    mean = {k: round(float(np.mean([r[k] for r in runs])), 4) for k in numeric}
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps({"seeds": list(SEEDS), "lfs": runs[0]["lfs"], "mean": mean,
                               "runs": [{k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items()}
                                        for r in runs]}, indent=2) + "\n")
    m = mean
    print(f"weak supervision ({len(SEEDS)} seeds): LabelModel {m['label_model_accuracy']:.3f} on "
          f"{m['label_model_coverage']:.1%} vs majority vote {m['majority_vote_accuracy']:.3f} on "
          f"{m['majority_vote_coverage']:.1%} (shared items {m['label_model_on_shared']:.3f} vs "
          f"{m['majority_vote_on_shared']:.3f}; at equal coverage {m['label_model_at_majority_coverage']:.3f}); "
          f"downstream test {m['downstream_test_accuracy']:.3f} (no gold {m['downstream_no_gold_test_accuracy']:.3f}, "
          f"dev labels only {m['dev_labels_only_test_accuracy']:.3f}); torch MAE LFs {m['torch_mae_lfs']:.3f}, "
          f"3 raters {m['torch_mae_3_raters']:.3f} -> {OUT.relative_to(Path.cwd())}")


if __name__ == "__main__":
    main()
