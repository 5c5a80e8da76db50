"""Noisy labels on the movie sentences (notebook 05) over several seeds (folds, synthetic flips, rater draws).

Run: .venv/bin/python benchmarks/noisy_labels.py   (after `make data`). Prints one summary line, writes JSON.
"""

from common import run_over_seeds, write_result

from helpers import noise

SEEDS = range(5)


def main() -> None:
    runs, m = run_over_seeds(noise.evaluate, SEEDS)
    out = write_result("noisy_labels", SEEDS, runs, m)
    best = max((k for k in m if k.startswith("remedy: ")), key=m.get)
    print(f"noisy labels ({len(SEEDS)} seeds): real {m['real_noise_rate']:.1%} noise, flags P {m['real_precision']:.2f} "
          f"R {m['real_recall']:.2f}, lift@10% {m['real_lift_at_10pct']:.2f} "
          f"({m['real_lift_at_10pct_with_rating_strength']:.2f} with rating strength); 20% uniform flips P "
          f"{m['synthetic_uniform20_precision']:.2f} R {m['synthetic_uniform20_recall']:.2f}; 3 raters MV "
          f"{m['majority_of_3_accuracy']:.4f} vs CROWDLAB {m['crowdlab_3_accuracy']:.4f}; test: do nothing "
          f"{m['remedy: do nothing']:.3f}, best {best[8:]} {m[best]:.3f} -> {out}")


if __name__ == "__main__":
    main()
