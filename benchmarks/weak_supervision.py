"""Weak supervision on the movie sentences (notebook 03) over several label-model seeds.

Run: .venv/bin/python benchmarks/weak_supervision.py   (after `make data`). Prints one summary line, writes JSON.
"""

from common import run_over_seeds, write_result

from helpers import weak

SEEDS = range(5)


def main() -> None:
    runs, m = run_over_seeds(weak.evaluate, SEEDS)
    out = write_result("weak_supervision", SEEDS, runs, m, lfs=runs[0]["lfs"])
    print(f"weak supervision ({len(SEEDS)} seeds): LabelModel {m['label_model_accuracy']:.3f} on "
          f"{m['label_model_coverage']:.1%} vs majority vote {m['majority_vote_accuracy']:.3f} on "
          f"{m['majority_vote_coverage']:.1%} (shared items {m['label_model_on_shared']:.3f} vs "
          f"{m['majority_vote_on_shared']:.3f}; at equal coverage {m['label_model_at_majority_coverage']:.3f}); "
          f"downstream test {m['downstream_test_accuracy']:.3f} (no gold {m['downstream_no_gold_test_accuracy']:.3f}, "
          f"dev labels only {m['dev_labels_only_test_accuracy']:.3f}); torch MAE LFs {m['torch_mae_lfs']:.3f}, "
          f"3 raters {m['torch_mae_3_raters']:.3f} -> {out}")


if __name__ == "__main__":
    main()
