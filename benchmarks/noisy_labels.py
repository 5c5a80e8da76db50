"""Noisy labels on the movie sentences (notebook 05) over several seeds (folds, synthetic flips, rater draws).

Run: .venv/bin/python benchmarks/noisy_labels.py   (after `make data`). Prints one summary line, writes JSON.
The measurements are notebook 05's, made with the same helpers.
"""

import numpy as np
from common import run_over_seeds, write_result

from helpers import noise
from helpers.labels import majority_vote

SEEDS = range(5)


def evaluate(movies, X, seed: int = 0) -> dict:
    """Notebook 05's measurements in one call (train split; test only for the remedies)."""
    train, test = (movies["split"].to_numpy() == s for s in ("train", "test"))
    m, X_train = movies[train].reset_index(drop=True), X[train]
    noisy, truth = m["single_label"].to_numpy(), m["label"].to_numpy()
    is_error = noisy != truth
    proba = noise.out_of_fold_proba(X_train, m["text"], noisy, seed=seed)["ensemble"]
    flags = noise.find_label_issues(noisy, proba)
    quality = noise.label_quality(noisy, proba)
    strength = np.log(quality) + 0.5 * np.log(np.abs(m["single_label_rating"].to_numpy()) / 4)
    flipped = noise.synthetic_noise(truth, 0.2, "uniform", seed=seed)
    flipped_proba = noise.out_of_fold_proba(X_train, m["text"], flipped, seed=seed)["ensemble"]
    flipped_flags = noise.find_label_issues(flipped, flipped_proba)
    votes = noise.sided_rater_votes(m, 3, seed=seed)
    majority = majority_vote(votes, ties="coin", seed=seed)
    majority_proba = noise.out_of_fold_proba(X_train, m["text"], majority, seed=seed)["ensemble"]
    crowd = noise.crowdlab_consensus(votes, majority_proba)
    remedies = noise.compare_remedies(X_train, noisy, flags, noise.second_opinion(m, seed=seed + 1), X[test],
                                      movies["label"].to_numpy()[test], seed=seed)["test accuracy"]
    p_real, r_real = noise.precision_recall(flags, is_error)
    p_syn, r_syn = noise.precision_recall(flipped_flags, flipped != truth)

    def lift_at_10pct(scores):
        return float(noise.relabel_budget_curve(scores, is_error).loc[0.1, "lift"])

    return {
        "seed": seed, "real_noise_rate": float(is_error.mean()),
        "real_precision": p_real, "real_recall": r_real,
        "real_lift_at_10pct": lift_at_10pct(quality),
        "real_lift_at_10pct_with_rating_strength": lift_at_10pct(strength),
        "synthetic_uniform20_precision": p_syn, "synthetic_uniform20_recall": r_syn,
        "majority_of_3_accuracy": float(np.mean(majority == truth)),
        "crowdlab_3_accuracy": float(np.mean(crowd == truth)),
        **{f"remedy: {name}": float(acc) for name, acc in remedies.items()},
    }


def main() -> None:
    runs, m = run_over_seeds(evaluate, SEEDS)
    out = write_result("noisy_labels", SEEDS, runs, m)
    best = max((k for k in m if k.startswith("remedy: ")), key=m.get)
    print(f"noisy labels ({len(SEEDS)} seeds): real {m['real_noise_rate']:.1%} noise, "
          f"flags P {m['real_precision']:.2f} "
          f"R {m['real_recall']:.2f}, lift@10% {m['real_lift_at_10pct']:.2f} "
          f"({m['real_lift_at_10pct_with_rating_strength']:.2f} with rating strength); 20% uniform flips P "
          f"{m['synthetic_uniform20_precision']:.2f} R {m['synthetic_uniform20_recall']:.2f}; 3 raters MV "
          f"{m['majority_of_3_accuracy']:.4f} vs CROWDLAB {m['crowdlab_3_accuracy']:.4f}; test: do nothing "
          f"{m['remedy: do nothing']:.3f}, best {best[8:]} {m[best]:.3f} -> {out}")


if __name__ == "__main__":
    main()
