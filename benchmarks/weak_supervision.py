"""Weak supervision on the movie sentences (notebook 03) over several label-model seeds.

Run: .venv/bin/python benchmarks/weak_supervision.py   (after `make data`). Prints one summary line, writes JSON.
The measurements are notebook 03's, made with the same helpers (``weak.scoreboard`` for the labelers).
"""

import numpy as np
from common import run_over_seeds, write_result

from helpers import features, weak
from helpers.labels import ABSTAIN, majority_vote

SEEDS = range(5)


def evaluate(movies, X, seed: int = 0) -> dict:
    """The notebook-03 pipeline end to end: its five LFs (written and checked on the dev labels; none trained on them)
    -> label model on train -> classifier on soft labels -> test accuracy, plus the comparisons the notebook makes."""
    y = movies["label"].to_numpy()
    dev, train, test = (movies["split"].to_numpy() == s for s in ("dev", "train", "test"))
    table = weak.add_lf_inputs(movies, X)
    lfs = weak.make_lfs(include_dev_model=False)  # notebook 03's five, after it drops the lecture's two heuristics
    L = weak.apply_lfs(table, lfs)[train]
    covered = (L != ABSTAIN).any(axis=1)
    proba = weak.fit_label_model(L, seed=seed).predict_proba(L)
    predictions = {"majority vote": majority_vote(L), "Snorkel LabelModel": weak.proba_to_labels(proba, covered)}
    board = weak.scoreboard(predictions, y[train])
    lm, mv = board.loc["Snorkel LabelModel"], board.loc["majority vote"]
    surest = np.argsort(-proba.max(axis=1), kind="stable")[: int(round(mv["coverage"] * len(L)))]
    true = weak.lf_accuracies(L, y[train])
    alpha, _ = weak.solve_lf_accuracies(weak.agreement_rates(L, min_overlap=30), n_lfs=len(lfs))
    raters = weak.rater_label_matrix(movies[train], n_raters=3, seed=seed)
    alpha_r, _ = weak.solve_lf_accuracies(weak.agreement_rates(raters), n_lfs=3)
    return {
        "seed": seed, "lfs": [lf.name for lf in lfs],
        "label_model_accuracy": lm["accuracy"], "label_model_coverage": lm["coverage"],
        "majority_vote_accuracy": mv["accuracy"], "majority_vote_coverage": mv["coverage"],
        "label_model_on_shared": lm["accuracy on shared items"],
        "majority_vote_on_shared": lm["majority vote on shared items"],
        "label_model_at_majority_coverage": float(np.mean(proba[surest].argmax(axis=1) == y[train][surest])),
        "torch_mae_lfs": float(np.mean(np.abs(alpha - true))),
        "torch_mae_3_raters": float(np.mean(np.abs(alpha_r - weak.lf_accuracies(raters, y[train])))),
        "downstream_test_accuracy": float(features.soft_label_fit(X[train][covered], proba[covered, 1], seed)
                                          .score(X[test], y[test])),
        "dev_labels_only_test_accuracy": float(features.classifier(seed).fit(X[dev], y[dev]).score(X[test], y[test])),
    }


def main() -> None:
    runs, m = run_over_seeds(evaluate, SEEDS)
    out = write_result("weak_supervision", SEEDS, runs, m, lfs=runs[0]["lfs"])
    print(f"weak supervision ({len(SEEDS)} seeds): LabelModel {m['label_model_accuracy']:.3f} on "
          f"{m['label_model_coverage']:.1%} vs majority vote {m['majority_vote_accuracy']:.3f} on "
          f"{m['majority_vote_coverage']:.1%} (shared items {m['label_model_on_shared']:.3f} vs "
          f"{m['majority_vote_on_shared']:.3f}; at equal coverage {m['label_model_at_majority_coverage']:.3f}); "
          f"downstream test {m['downstream_test_accuracy']:.3f} (dev labels only "
          f"{m['dev_labels_only_test_accuracy']:.3f}); torch MAE LFs {m['torch_mae_lfs']:.3f}, "
          f"3 raters {m['torch_mae_3_raters']:.3f} -> {out}")


if __name__ == "__main__":
    main()
