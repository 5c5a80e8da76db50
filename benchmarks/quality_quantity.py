"""Quality versus quantity on real raters (the deep dive 03a, section 3; the end of the lecture's Part 3): at fixed
budgets of rater judgements, one rater on many sentences against three, five or every rater on fewer, and weak labels
that cost no judgement; the series' classifier trained on each, test accuracy over 10 seeds.

Run: .venv/bin/python benchmarks/quality_quantity.py   (after `make data`). One summary line + JSON.
"""


from common import write_json

import helpers
from helpers import features, weak
from helpers.labels import ABSTAIN

BUDGETS, SEEDS = (300, 600, 1200, 2400), range(10)


def main() -> None:
    helpers.seed_everything()
    movies, X = features.binary_movies()
    y = movies["label"].to_numpy()
    train, test = ((movies["split"] == s).to_numpy() for s in ("train", "test"))
    table = weak.add_lf_inputs(movies[train], X[train])  # no dev labels: the LFs that cost no judgement
    L = weak.apply_lfs(table, weak.make_lfs(include_dev_model=False))
    covered = (L != ABSTAIN).any(axis=1)
    weak_labels = weak.proba_to_labels(weak.fit_label_model(L, seed=0).predict_proba(L), covered)
    runs = weak.quality_vs_quantity(movies[train].reset_index(drop=True), X[train], X[test], y[test],
                                    budgets=BUDGETS, raters=(1, 3, 5, "all"), seeds=SEEDS, weak_labels=weak_labels)
    summary = (runs.groupby(["budget", "design"], sort=False)
               .agg(sentences=("sentences", "mean"), labeled=("labeled", "mean"), label_error=("label error", "mean"),
                    accuracy=("accuracy", "mean"), low=("accuracy", "min"), high=("accuracy", "max"))
               .round(4).reset_index())
    write_json("quality_quantity", {"budgets": BUDGETS, "seeds": list(SEEDS), "summary": summary.to_dict("records")})
    at = summary.set_index(["budget", "design"])["accuracy"]
    line = "; ".join(f"{b}: " + ", ".join(f"{d.split(' ')[0]} {at[(b, d)]:.3f}" for d in at[b].index) for b in BUDGETS)
    print(f"quality vs quantity (test accuracy, {len(SEEDS)} seeds; 1/3/5/every rater per sentence) {line}; weak "
          f"labels (no judgement) {at[(0, 'weak labels')]:.3f} -> benchmarks/results/quality_quantity.json")


if __name__ == "__main__":
    main()
